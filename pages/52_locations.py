"""位置与定位 / Locations: mark a facility's surveyed point by a map click or typed coordinates, and
geocode an address or a facility name (offline gazetteer or an online service).

Thin: the edits are ``routing.workspace.edits`` (an approximate point is never relabelled "surveyed" without
new coordinates), geocoding ``geo.geocoding``, the map ``geo.maps``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import geocoding, maps
from geo.coords import wgs84_to_gcj02
from pages import ui
from routing.workspace import edits


def s(key: str, **values: object) -> str:
    """Page string ``data.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("data." + key, **values)


view = ui.sidebar_filters(types=False)
ui.page_header("locations")
ui.show_flash()
facilities = ui.working_facilities()

st.subheader(s("tab_survey"))
st.caption(s("survey_intro"))
counties = edits.county_choices(facilities, view.prefectures)
if not counties:
    st.info(ui.t("common.nothing_selected"))
    st.stop()
c1, c2 = st.columns(2)
if st.session_state.get("xz:survey_county") not in counties:
    st.session_state.pop("xz:survey_county", None)
county = c1.selectbox(s("county"), list(counties), format_func=counties.__getitem__, key="xz:survey_county")
labels = edits.facility_choices(facilities, county, view.lang)
if st.session_state.get("xz:survey_facility") not in labels:
    st.session_state.pop("xz:survey_facility", None)
fid = c2.selectbox(s("facility"), list(labels), format_func=labels.__getitem__, key="xz:survey_facility")
row = facilities[facilities["facility_id"] == fid].iloc[0]
basemap = ui.effective_basemap(view)
overlay_crs = maps.BASEMAPS[basemap].overlay_crs
out = None
asset_url = ui.asset_base_url()
with ui.guard(stop=False):  # base map and the county's layers cached: switching facility costs ~nothing
    cx, cy = float(row["lon"]), float(row["lat"])
    if overlay_crs == "gcj02":
        cx, cy = (float(v) for v in wgs84_to_gcj02(cx, cy))
    out = ui.folium_map(
        lambda: maps.base_map(basemap=basemap, lang=view.lang, tianditu_key=view.tianditu_key,
                              asset_base_url=asset_url),
        (basemap, view.lang, view.tianditu_key, asset_url),
        lambda: maps.facility_layers(facilities[facilities["county_code"] == county], lang=view.lang,
                                     crs=overlay_crs),
        (county, ui.facilities_version()), key="survey_map", height=480, center=(cy, cx), zoom=13,
        returned_objects=["last_clicked"])
clicked = (out or {}).get("last_clicked")
point = edits.clicked_point(clicked["lng"], clicked["lat"], overlay_crs, row) if clicked else None
if point is not None:
    st.info(s("clicked", lon=point.lon, lat=point.lat, crs=point.crs.upper(), d=point.distance_m))
if st.button(s("set_surveyed"), type="primary", disabled=point is None, key="xz:survey_set",
             help=None if point else s("click_first")) and point is not None:
    with ui.guard():
        moved = edits.mark_surveyed(facilities, fid, point.lon, point.lat, crs=overlay_crs,
                                    source="surveyed: map click (位置 page)")
    ui.set_working_facilities(moved)
    ui.flash(ui.md_escape(s("moved", name=row["name"])))
with st.expander(s("manual"), expanded=True):
    m1, m2, m3, m4 = st.columns([2, 2, 2, 1])
    lon = m1.number_input(s("lon"), value=float(row["lon"]), format="%.6f", key=f"xz:survey_lon:{fid}")
    lat = m2.number_input(s("lat"), value=float(row["lat"]), format="%.6f", key=f"xz:survey_lat:{fid}")
    crs_in = m3.selectbox(s("crs_of_input"), ["wgs84", "gcj02", "bd09"], key="xz:survey_crs",
                          format_func=str.upper)
    if m4.button(s("set_surveyed"), key="xz:survey_manual"):
        with ui.guard():
            moved = edits.mark_surveyed(facilities, fid, lon, lat, crs=crs_in,
                                        source="surveyed: typed (位置 page)")
        ui.set_working_facilities(moved)
        ui.flash(ui.md_escape(s("moved", name=row["name"])))

st.subheader(s("tab_geocode"))
st.caption(s("geocode_intro"))
g1, g2, g3 = st.columns([3, 1, 2])
query = g1.text_input(s("query"), value="福建省龙岩市漳平市双洋镇卫生院", key="xz:geo_query")
provider = g2.selectbox(s("provider"), list(geocoding.PROVIDERS), key="xz:geo_provider",
                        format_func=lambda p: ui.t("data.provider_" + p))
key = g3.text_input(s("api_key"), type="password", key="xz:geo_key",
                    disabled=provider in ("offline", "nominatim"))
if st.button(s("geocode"), key="xz:geo_run"):
    with ui.guard(), st.spinner(s("geocoding")):
        found = geocoding.geocode(query, provider, api_key=key or None)  # type: ignore[arg-type]
    ui.show_table(pd.DataFrame([found.as_dict()]))
