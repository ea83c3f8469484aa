"""Data every page shares: the embedded dataset, the results offered to the scenario store, and the locally
served web assets (the working facility table is the workspace's: ``pages/ui/workspace.py``)."""

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
RESULTS = "xz:results"


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


