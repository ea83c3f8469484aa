"""The frame around every page: the sidebar (language, filters), the page header, the list of pages."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from geo.facilities import FACILITY_TYPES
from geo.maps import BASEMAPS
from geo.network import active_network
from pages.ui import i18n as _i18n
from pages.ui.data import APP_DIR, embedded_data
from pages.ui.state import PREFIX, lang, set_setting, t, url_widget
from pages.ui.workspace import data_source_line

_FRAMED = "xz:_framed"


@dataclass(frozen=True)
class View:
    """What the sidebar filters select (all codes, language-independent)."""
    lang: str
    prefectures: tuple[str, ...]
    types: tuple[str, ...]
    basemap: str
    tianditu_key: str

    @property
    def all_prefectures(self) -> bool:
        """True when every prefecture is selected."""
        return len(self.prefectures) == len(embedded_data().prefectures)


def language_switch() -> str:
    """The language radio (rendered by ``app.py`` at the top of the sidebar); returns "zh" or "en"."""
    return str(url_widget(
        st.sidebar.radio, "lang", "zh", valid=_i18n.LANGS.__contains__, label="语言 / Language",
        options=list(_i18n.LANGS), format_func=_i18n.LANGS.__getitem__, horizontal=True,
        label_visibility="collapsed",
    ))


def frame_started() -> None:
    """Record that this session runs inside ``app.py``'s frame (``app.py`` calls it on every run)."""
    st.session_state[_FRAMED] = True


_WIDGET_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "%(upload)s"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "%(limit)s"; font-size: 0.75rem; }
</style>"""


def widget_texts() -> None:
    """Streamlit's own words inside widgets (the file uploader's button and size note) in the current language
    (``app.py`` adds this style on every run)."""
    st.html(_WIDGET_CSS % {"upload": t("common.upload_button"), "limit": t("common.upload_limit")})


def require_app_frame() -> None:
    """Make sure a page opened by a direct link runs inside ``app.py``'s frame (language, sidebar, pages).

    Streamlit treats a ``pages/`` folder next to the main script as an old-style multipage app until the
    first run that calls ``st.navigation``: on a fresh server, a link straight to ``/coverage`` would run
    ``pages/10_coverage.py`` alone and list every file in ``pages/`` as a page. A session that has not been
    through ``app.py`` yet switches that mode off and reruns once, so ``app.py`` runs and opens the same page
    (same URL path) in its frame.
    """
    if st.session_state.get(_FRAMED):
        return
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without this internal: nothing to fix
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.session_state[_FRAMED] = True  # once: never loop
        st.rerun()


def sidebar_filters(*, types: bool = True, basemap: bool = True) -> View:
    """The shared sidebar: prefecture filter (focus marked), facility types, basemap; all kept in the URL.

    Parameters
    ----------
    types
        Show the facility-type filter.
    basemap
        Show the basemap choice (and the 天地图 key field when it is chosen).

    Returns
    -------
    View
        The selection; pages pass its codes to library functions.
    """
    require_app_frame()
    data = embedded_data()
    lg = lang()
    prefs = data.prefectures.sort_values(["is_focus", "code"], ascending=[False, True])
    codes = [str(c) for c in prefs["code"]]
    focus = [str(c) for c in prefs.loc[prefs["is_focus"].astype(bool), "code"]]
    names = {
        str(r.code): f"{r.short_name} ★" if r.is_focus else str(r.short_name) for r in prefs.itertuples()
    }

    sb = st.sidebar
    sb.markdown(f"**{t('common.filters')}**")
    c1, c2 = sb.columns(2)
    c1.button(t("common.all_prefectures"), on_click=set_setting, args=("pref", codes), width="stretch")
    c2.button(t("common.focus_prefectures"), on_click=set_setting, args=("pref", focus), width="stretch")
    chosen = url_widget(
        sb.pills, "pref", codes, valid=lambda v: set(v) <= set(codes), label=t("common.prefectures"),
        options=codes, format_func=names.__getitem__, selection_mode="multi",
        help=t("common.prefectures_help"),
    ) or []
    chosen_types: list[str] = list(FACILITY_TYPES)
    if types:
        chosen_types = url_widget(
            sb.pills, "types", list(FACILITY_TYPES), valid=lambda v: set(v) <= set(FACILITY_TYPES),
            label=t("common.facility_types"), options=list(FACILITY_TYPES), selection_mode="multi",
            format_func=lambda k: str(FACILITY_TYPES[k][lg]),
        ) or []
    bm, key = "none", ""
    if basemap:
        bm = url_widget(
            sb.selectbox, "basemap", "none", valid=BASEMAPS.__contains__, label=t("common.basemap"),
            options=list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label(lg),
            help=t("common.basemap_help"),
        )
        if bm == "tianditu":
            key = sb.text_input(
                t("common.tianditu_key"), value=os.environ.get("XUNZHEN_TIANDITU_KEY", ""), type="password",
                key=PREFIX + "tianditu_key", help=t("common.tianditu_key_help"),
            ).strip()
    order = {c: i for i, c in enumerate(codes)}
    return View(lg, tuple(sorted(chosen, key=order.__getitem__)), tuple(chosen_types), str(bm), key)


def effective_basemap(view: View) -> str:
    """The basemap to draw: 天地图 without a key falls back to boundaries only (the page says so)."""
    if view.basemap == "tianditu" and not view.tianditu_key:
        st.warning(t("common.tianditu_missing"))
        return "none"
    return view.basemap


def network_status() -> tuple[bool, str]:
    """(is_estimated, label) of the active road network, in the current language."""
    net = active_network()
    return bool(net.is_estimated), str(net.label(lang()))


def page_header(page: str, intro_key: str | None = None) -> None:
    """Page title, the active road network (estimated → 估算 badge), which facility data the page uses
    (embedded or the planner's working table), and an optional intro line."""
    require_app_frame()
    st.title(_i18n.page_title(page, lang()))
    estimated, label = network_status()
    network = f"**{t('common.network_label')}**{t('common.colon')}{label}"
    if estimated:
        st.markdown(
            f":orange-badge[{t('common.network_estimated_badge')}] {network}",
            help=t("common.network_estimated_note"),
        )
    else:
        st.markdown(f":green-badge[{t('common.network_osm_badge')}] {network}")
    st.markdown(data_source_line(), help=t("common.data_help"))
    if intro_key:
        st.caption(t(intro_key))


def page_files() -> list[Path]:
    """Page scripts ``pages/NN_name.py`` in ``NN`` order (files starting with ``_`` are helpers)."""
    return sorted(p for p in (APP_DIR / "pages").glob("*.py") if not p.name.startswith("_"))


def page_name(path: Path) -> str:
    """``pages/10_coverage.py`` → ``coverage`` (the key in ``pages/ui/i18n.PAGES`` and the URL path)."""
    stem = path.stem
    head, _, tail = stem.partition("_")
    return tail if head.isdigit() and tail else stem


def page_links(exclude: Sequence[str] = ("home",)) -> None:
    """Links to every page except ``exclude`` (used on the home page)."""
    for path in page_files():
        name = page_name(path)
        if name in exclude:
            continue
        st.page_link(str(path.relative_to(APP_DIR)), label=_i18n.page_title(name, lang()),
                     icon=_i18n.page_icon(name))
