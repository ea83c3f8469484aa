"""Data every page shares: the embedded dataset, the working facility table the analyses plan on, the results
offered to the scenario store, and the locally served web assets."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo._assets import static_url, sync_static
from geo.facilities import load_facilities
from geo.places import load_counties, load_prefectures, load_townships
from pages.ui.state import t

APP_DIR = Path(__file__).resolve().parents[2]
WORKING_FACILITIES = "xz:working_facilities"
RESULTS = "xz:results"
_WF_VERSION = "xz:_working_facilities_version"


class EmbeddedData(NamedTuple):
    """The embedded dataset (shared, read-only: ``.copy()`` before mutating)."""
    prefectures: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame


@st.cache_resource(show_spinner="正在加载内置数据… / Loading the embedded data…")
def embedded_data() -> EmbeddedData:
    """Prefectures, counties, townships and facilities from ``geo`` (loaded once per process)."""
    return EmbeddedData(load_prefectures(), load_counties(), load_townships(), load_facilities())


def frame_version(frame: pd.DataFrame) -> str:
    """Short content hash of a facility table (geometry left out: lon/lat carry the point)."""
    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    digest = hashlib.sha1(pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes())
    digest.update(",".join(map(str, plain.columns)).encode())
    return digest.hexdigest()[:12]


@st.cache_resource(show_spinner=False)
def _embedded_version() -> str:
    return frame_version(embedded_data().facilities)


def working_facilities() -> gpd.GeoDataFrame:
    """The facility table the analyses plan on: the 数据 page's working table, else the embedded one.

    Shared and read-only: ``.copy()`` before mutating.
    """
    frame = st.session_state.get(WORKING_FACILITIES)
    return embedded_data().facilities if frame is None else frame


def set_working_facilities(frame: gpd.GeoDataFrame | None) -> None:
    """Replace the working facility table (None: back to the embedded one)."""
    if frame is None:
        st.session_state.pop(WORKING_FACILITIES, None)
    else:
        st.session_state[WORKING_FACILITIES] = frame


def facilities_version() -> str:
    """Content hash of :func:`working_facilities` (a cache key; recomputed when the table object changes)."""
    frame = working_facilities()
    cached = st.session_state.get(_WF_VERSION)
    if cached is not None and cached[0] is frame:
        return str(cached[1])
    version = frame_version(frame)
    st.session_state[_WF_VERSION] = (frame, version)
    return version


def uses_planner_data() -> bool:
    """True when the working facility table differs from the embedded one (uploads, surveyed points)."""
    return facilities_version() != _embedded_version()


def data_source_line() -> str:
    """Markdown: which facility data the analyses use (embedded, or the planner's and what changed)."""
    frame = working_facilities()
    if not uses_planner_data():
        badge = f":blue-badge[{t('common.data_embedded_badge')}] "
        return badge + t("common.data_embedded", n=f"{len(frame):,}")
    embedded_ids = set(embedded_data().facilities["facility_id"])
    added = int((~frame["facility_id"].isin(embedded_ids)).sum())
    surveyed = int((frame["location_quality"] == "surveyed").sum())
    return f":violet-badge[{t('common.data_planner_badge')}] " + t(
        "common.data_planner", n=f"{len(frame):,}", added=added, surveyed=surveyed
    )


def store_result(kind: str, table: pd.DataFrame) -> None:
    """Offer a result table to the 数据 page's scenario store (``xz:results[kind]``, routing.scenarios)."""
    st.session_state[RESULTS] = {**st.session_state.get(RESULTS, {}), kind: table}


def results() -> dict[str, pd.DataFrame]:
    """The result tables the pages offered in this session (kind → table)."""
    return dict(st.session_state.get(RESULTS, {}))


@st.cache_resource(show_spinner=False)
def static_assets_ready() -> int:
    """Copy the Leaflet files from their installed package into ``static/vendor/`` (once per process)."""
    try:
        return len(sync_static(APP_DIR / "static"))
    except OSError as err:  # read-only install: the files may already be there; say so once, keep going
        st.warning(t("common.static_readonly", error=str(err)))
        return 0


def asset_base_url() -> str:
    """URL path of the locally served web assets (respects ``server.baseUrlPath``)."""
    static_assets_ready()
    return static_url(str(st.get_option("server.baseUrlPath") or ""))


