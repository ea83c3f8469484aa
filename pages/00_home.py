"""Home: the Fujian map of facilities by type, summary counts, data quality, links to the other pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import maps, overview
from pages import ui


@st.cache_data(show_spinner=False, max_entries=64)
def _quality(
    prefectures: tuple[str, ...], lang: str, facilities: str, _fac: pd.DataFrame
) -> tuple[overview.QualityReport, bytes]:
    """Data-quality report of the working table ``_fac`` (unhashed; ``facilities`` is its fingerprint)."""
    del facilities  # part of the cache key only
    report = overview.quality_report(ui.embedded_data().townships, _fac, prefectures)
    return report, overview.quality_csv(report, lang)


view = ui.sidebar_filters()
ui.page_header("home", intro_key="home.intro")
data = ui.embedded_data()
fac, fac_version = ui.working_facilities(), ui.facilities_version()
shown = overview.select_facilities(fac, view.prefectures, view.types)
if not view.prefectures or not view.types:
    st.info(ui.t("common.nothing_selected"))

# --- summary counts -------------------------------------------------------------------------------
head = overview.headline_counts(shown, data.townships, view.prefectures)
cols = st.columns(5)
cols[0].metric(ui.t("home.metric_shown"), f"{head['shown']:,}")
cols[1].metric(ui.t("home.metric_primary"), f"{head['primary_care']:,}")
cols[2].metric(ui.t("home.metric_hospitals"), f"{head['hospitals']:,}")
cols[3].metric(ui.t("home.metric_townships"), f"{head['townships']:,}")
cols[4].metric(ui.t("home.metric_unmapped"), f"{head['unmapped']:,}")

# --- the map --------------------------------------------------------------------------------------
basemap = ui.effective_basemap(view)
crs = maps.BASEMAPS[basemap].overlay_crs
asset_url = ui.asset_base_url()


def layers() -> list:
    """The facility layers (and the outline of the chosen prefectures) drawn on the base map."""
    out = maps.facility_layers(shown, lang=view.lang, crs=crs, types=view.types)
    outline = maps.selection_outline(data.prefectures, view.prefectures, crs=crs, lang=view.lang)
    return out if outline is None else [outline, *out]


with ui.guard(stop=False), st.spinner(ui.t("home.drawing_map")):
    center, zoom = maps.view_for_prefectures(data.prefectures, view.prefectures)
    ui.folium_map(
        lambda: maps.base_map(basemap=basemap, lang=view.lang, tianditu_key=view.tianditu_key,
                              asset_base_url=asset_url),
        (basemap, view.lang, view.tianditu_key, asset_url),
        layers, (view.prefectures, view.types, fac_version),
        key="home_map", height=640, center=center, zoom=zoom,
    )

# --- counts per prefecture, data quality ----------------------------------------------------------
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(ui.t("home.summary"))
    st.dataframe(overview.summary_counts(shown, data.prefectures, view.lang), width="stretch")
with right:
    st.subheader(ui.t("home.quality"))
    st.caption(ui.t("home.quality_intro"))
    report, quality_csv = _quality(view.prefectures, view.lang, fac_version, fac)
    counts = report.counts()
    q1, q2 = st.columns(2)
    q1.metric(ui.t("home.q_townships_without_point"), counts["townships_without_point"])
    q2.metric(ui.t("home.q_facilities_without_location"), counts["facilities_without_location"])
    q1.metric(ui.t("home.q_facilities_approximate"), counts["facilities_approximate"])
    q2.metric(ui.t("home.q_facilities_name_unverified"), counts["facilities_name_unverified"])
    ui.download(ui.t("home.q_download"), quality_csv, "xunzhen-data-quality.csv")
with st.expander(f"{ui.t('home.q_townships_without_point')}（{counts['townships_without_point']}）"):
    ui.show_table(report.townships_without_point)

st.divider()
st.subheader(ui.t("home.pages"))
ui.page_links()
