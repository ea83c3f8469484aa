"""The current workspace: every page plans on its inputs, kept in the database.

The workspace is named in the URL (``?ws=龙岩 2027``), so a reload, a new tab, a restart of the server and a
shared link all show the same data; without ``ws`` a laptop works in 默认, an account of a prefecture or
county in its own default workspace. A workspace the account may not open (or one deleted since the link was
shared) is refused with one message, and the page falls back to the account's default.

Pages read inputs with :func:`working_facilities` (and :func:`facilities_version` as a cache key) or
:func:`load_table`, and save with :func:`set_working_facilities` / :func:`save_table`: each save is a new
version in the database, written to the audit log under the signed-in account."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo._errors import AccessDeniedError
from pages.ui.account import account, database
from pages.ui.data import embedded_data, frame_version
from pages.ui.errors import guard, show_error
from pages.ui.state import lang, seed, set_setting, sync_url, t, url_widget
from pages.ui.widgets import md_escape
from routing.accounts import Account
from routing.accounts.roles import PERSONAL_COLUMNS
from routing.scenarios import DEFAULT_WORKSPACE
from routing.workspace import FACILITIES, WorkspaceInfo, WorkspaceStore
from routing.workspace.inputs import INPUT_KINDS

_DENIED = "xz:_ws_denied"


def workspace_store() -> WorkspaceStore:
    """The workspaces of this deployment, as the signed-in account sees them."""
    return WorkspaceStore(database(), account())


def default_workspace_name(who: Account) -> str:
    """默认 for the province (and a laptop); ``<scope> 默认`` for a prefecture or county account."""
    return DEFAULT_WORKSPACE if who.role == "province" else f"{who.scope_name} {DEFAULT_WORKSPACE}"


def _default(store: WorkspaceStore) -> str:
    name = default_workspace_name(store.actor)
    store.ensure(name)
    return name


def workspace_name() -> str:
    """Name of the current workspace (from the URL, checked against the account's scope)."""
    store = workspace_store()
    name = str(seed("ws", "", None, str) or "")
    if name and not store.exists(name):
        st.session_state[_DENIED] = name
        name = ""
    if not name:
        name = _default(store)
        set_setting("ws", name)
        sync_url()
    return name


def current_workspace() -> WorkspaceInfo:
    """The current workspace (see :func:`workspace_name`)."""
    return workspace_store().info(workspace_name())


def workspace_switch() -> str:
    """Sidebar: the current workspace, switchable among those the account may open; kept in the URL."""
    store = workspace_store()
    current = workspace_name()
    denied = st.session_state.pop(_DENIED, None)
    if denied:
        show_error(AccessDeniedError(t("workspace.denied", name=denied)))
    names = list(store.list()["name"])
    if current not in names:
        names.append(current)
    return str(
        url_widget(
            st.sidebar.selectbox,
            "ws",
            current,
            valid=names.__contains__,
            label=t("workspace.current"),
            options=names,
            help=t("workspace.current_help"),
        )
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _facilities(
    url: str, workspace_id: int, version: int, _store: WorkspaceStore, name: str
) -> gpd.GeoDataFrame:
    del url, workspace_id  # part of the cache key only
    return _store.facilities(name, version=version or None)


def _facility_version(store: WorkspaceStore, name: str) -> int:
    return int(store.versions(name).get(FACILITIES, 0))


def working_facilities() -> gpd.GeoDataFrame:
    """The facility table the analyses plan on: the workspace's newest version, else the embedded table.

    Shared and read-only: ``.copy()`` before mutating; save changes with :func:`set_working_facilities`.
    """
    store, name = workspace_store(), workspace_name()
    info = store.info(name)
    return _facilities(store.db.url, info.id, _facility_version(store, name), store, name)


def facilities_version() -> str:
    """Cache key of :func:`working_facilities`: ``embedded`` until the workspace saved its own table."""
    store, name = workspace_store(), workspace_name()
    version = _facility_version(store, name)
    return "embedded" if not version else f"{store.info(name).id}:v{version}"


@st.cache_resource(show_spinner=False, max_entries=64)
def _differs_from_embedded(key: str, _frame: pd.DataFrame) -> bool:
    return key != "embedded" and frame_version(_frame) != frame_version(embedded_data().facilities)


def uses_planner_data() -> bool:
    """True when the workspace's facility table differs from the embedded one (uploads, surveyed points)."""
    return _differs_from_embedded(facilities_version(), working_facilities())


def data_source_line() -> str:
    """Markdown: the workspace, and which facility data the analyses use (embedded, or what changed)."""
    frame = working_facilities()
    where = t("workspace.line", name=md_escape(workspace_name()))
    if not uses_planner_data():
        badge = f":blue-badge[{t('common.data_embedded_badge')}] "
        return where + badge + t("common.data_embedded", n=f"{len(frame):,}")
    embedded_ids = set(embedded_data().facilities["facility_id"])
    added = int((~frame["facility_id"].isin(embedded_ids)).sum())
    surveyed = int((frame["location_quality"] == "surveyed").sum())
    return (
        where
        + f":violet-badge[{t('common.data_planner_badge')}] "
        + t("common.data_planner", n=f"{len(frame):,}", added=added, surveyed=surveyed)
    )


def set_working_facilities(frame: pd.DataFrame | None, *, note: str = "") -> int:
    """Save ``frame`` as the workspace's new facility table (None: back to the embedded one); the version."""
    store, name = workspace_store(), workspace_name()
    if frame is None:
        frame, note = embedded_data().facilities, note or "reset to the embedded data"
    return store.save_facilities(name, frame, note=note)


def load_table(kind: str) -> pd.DataFrame | None:
    """The newest ``kind`` table of the current workspace (None when never saved); personal columns (doctor
    names, phones) are hidden on rows outside the signed-in account's scope."""
    frame = workspace_store().load_table(workspace_name(), kind)
    if frame is None or kind not in PERSONAL_COLUMNS:
        return frame
    return account().redact(frame, PERSONAL_COLUMNS[kind])


def save_table(kind: str, frame: pd.DataFrame, *, note: str = "") -> int:
    """Save ``frame`` as the newest ``kind`` table of the current workspace; return its version."""
    return workspace_store().save_table(workspace_name(), kind, frame, note=note)


def kept_table(kind: str, label: str) -> tuple[pd.DataFrame | None, bool]:
    """The planner's ``kind`` input: read from a file uploaded here (checked by the workspace's reader, its
    report shown), else the one the workspace keeps. Returns (table or None, whether it was uploaded now — the
    page saves it with :func:`save_table` when the planner runs the analysis)."""
    file = st.file_uploader(label, type=["csv", "xlsx"], key=f"xz:kept:{kind}")
    read = INPUT_KINDS[kind].read
    table: pd.DataFrame | None = None
    lines: list[tuple[str, str]] = []
    with guard():
        if file is None:
            table = load_table(kind)
        elif read is not None:
            table, lines = read(file.getvalue(), file.name, working_facilities())
    for i, (zh, en) in enumerate(lines):
        (st.caption if i == 0 else st.warning)(zh if lang() == "zh" else en)
    return table, file is not None
