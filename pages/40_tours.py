"""巡诊路线 / Mobile-hospital tours: choose scope, depot, teams, days, hours → map, itinerary, downloads.

Thin: every computation is ``routing.tours.plan_fujian_tours``; outputs come from ``routing.tours.outputs``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo._errors import XunzhenError
from pages import ui
from routing.tours import TourParams, plan_fujian_tours, read_visits_csv
from routing.tours import map as tmap
from routing.tours import outputs as out


def s(key: str) -> str:
    """Page string ``tours.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("tours." + key)


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(
    depot: str,
    prefectures: tuple[str, ...],
    params: TourParams,
    min_remote: float,
    streets: bool,
    visits: tuple[tuple[str, float], ...] | None,
    required: tuple[str, ...],
    facilities: str,
    _fac: pd.DataFrame,
):
    """The tour from the depot ``facility_id`` (``facilities``: fingerprint of ``_fac``, not hashed)."""
    del facilities  # part of the cache key only
    return plan_fujian_tours(
        depot,
        facilities=_fac,
        prefectures=list(prefectures),
        params=params,
        min_remoteness_minutes=min_remote,
        include_streets=streets,
        months_since_visit=dict(visits) if visits is not None else None,
        required=list(required),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _static_map(_tour, key: tuple, lang: str, fmt: str) -> bytes:
    return tmap.tour_static_map(_tour, lang=lang, fmt=fmt, dpi=150)


@st.cache_data(show_spinner=False, max_entries=16)
def _map_html(_tour, key: tuple, lang: str) -> str:
    return tmap.tour_map_html(_tour, lang=lang)


@st.cache_data(show_spinner=False, max_entries=8)
def _print_pdf(_tour, key: tuple, lang: str) -> bytes:
    return out.itinerary_print_pdf(_tour, lang)


view = ui.sidebar_filters(types=False)
ui.page_header("tours")
st.caption(s("intro"))
data = ui.embedded_data()
fac, fac_version = ui.working_facilities(), ui.facilities_version()
lang = view.lang

prefs = data.prefectures
chosen = list(view.prefectures)
scope_names = prefs.loc[prefs["code"].isin(chosen), "name"].tolist()
hospitals = fac[
    fac["facility_type"].isin(["city_hospital", "tertiary_hospital", "county_hospital"])
    & fac["prefecture_code"].isin(chosen)
    & fac["lon"].notna()
].sort_values(
    ["facility_type", "facility_id"],
    key=lambda c: (
        c.map({"city_hospital": 0, "tertiary_hospital": 1}).fillna(2) if c.name == "facility_type" else c
    ),
)
if hospitals.empty:
    st.info(s("no_depot"))
    st.stop()
depot_options = hospitals["facility_id"].tolist()
depot_label = dict(
    zip(hospitals["facility_id"], hospitals["prefecture_name"] + " " + hospitals["name"], strict=True)
)

c1, c2, c3 = st.columns([3, 1, 1])
depot_id = ui.url_widget(
    c1.selectbox,
    "depot",
    depot_options[0],
    valid=depot_options.__contains__,
    label=s("depot"),
    options=depot_options,
    format_func=depot_label.__getitem__,
)
days = ui.url_widget(c2.number_input, "days", 5, label=s("days"), min_value=1, max_value=14, step=1)
teams = ui.url_widget(c3.number_input, "teams", 1, label=s("teams"), min_value=1, max_value=5, step=1)
if view.all_prefectures:  # the whole province is too large for one tour: default to the depot's prefecture
    scope_names = prefs.loc[
        prefs["code"] == hospitals.set_index("facility_id").at[depot_id, "prefecture_code"], "name"
    ].tolist()
st.caption(f"{s('scope')}: {'、'.join(scope_names)}")
c4, c5, c6, c7 = st.columns(4)
start = c4.time_input(s("start"), dt.time(8, 0), step=1800, key="xz:tour_start")
end = c5.time_input(s("end"), dt.time(18, 0), step=1800, key="xz:tour_end")
clinic_h = c6.number_input(s("clinic"), 0.5, 10.0, 3.0, 0.5, key="xz:tour_clinic")
drive_h = c7.number_input(s("drive"), 1.0, 12.0, 6.0, 0.5, key="xz:tour_drive")
with st.expander(f"{s('overnight')} · {s('remote')} · {s('cover_on')}"):
    d1, d2 = st.columns(2)
    overnight = d1.radio(
        s("overnight"),
        ["stay", "depot"],
        format_func=lambda k: s(k if k == "stay" else "home"),
        key="xz:tour_overnight",
        horizontal=True,
    )
    ret = d1.checkbox(s("return"), True, key="xz:tour_return")
    streets = d1.checkbox(s("streets"), False, key="xz:tour_streets")
    min_remote = d2.slider(s("remote"), 0, 90, 0, 5, key="xz:tour_remote")
    cover_on = d2.checkbox(s("cover_on"), False, key="xz:tour_cover_on")
    cover = d2.slider(s("cover"), 10, 60, 30, 5, key="xz:tour_cover", disabled=not cover_on)
    town = data.townships
    town = town[town["prefecture_name"].isin(scope_names) & town["lon"].notna()]
    if not streets:
        town = town[town["kind"] != "街道"]
    town_label = dict(zip(town["code"], town["county_name"] + town["name"], strict=True))
    required = d1.multiselect(
        s("required"), list(town_label), key="xz:tour_required", format_func=town_label.__getitem__
    )
    upload = d2.file_uploader(s("visits"), type=["csv"], key="xz:tour_visits", help=s("visits_help"))

try:
    params = TourParams(
        days=int(days),
        teams=int(teams),
        day_start_minutes=start.hour * 60 + start.minute,
        day_end_minutes=end.hour * 60 + end.minute,
        clinic_minutes=float(clinic_h) * 60,
        max_drive_minutes_per_day=float(drive_h) * 60,
        overnight=overnight,
        return_to_depot=bool(ret),
        cover_minutes=float(cover) if cover_on else None,
    )
except XunzhenError as err:
    ui.show_error(err)
    st.stop()

visits = None
if upload is not None:
    try:
        visits = tuple(sorted(read_visits_csv(upload.getvalue(), name=upload.name).items()))
    except XunzhenError as err:
        ui.show_error(err)
        st.stop()
key = (
    depot_id,
    tuple(scope_names),
    params,
    float(min_remote),
    bool(streets),
    visits,
    tuple(sorted(required)),
    fac_version,
)
if st.button(s("plan"), type="primary"):
    st.session_state["xz:tour_key"] = key
if st.session_state.get("xz:tour_key") != key:
    st.info(s("press"))
    st.stop()
try:
    with st.spinner(s("planning")):
        tour = _plan(*key, fac)
except XunzhenError as err:
    ui.show_error(err)
    st.stop()

plan = tour.plan
tot = plan.totals
# offer the tour to the scenario store of the 数据 page (kind "tours": one row per team-day, km summed)
ui.store_result("tours", out.scenario_table(tour))
est = s("est") if plan.estimated else ""
m1, m2, m3, m4 = st.columns(4)
m1.metric(s("served"), f"{tot['townships_served']} / {tot['candidates']}")
m2.metric(s("pop"), f"{tot['population_served_est']:,.0f}")
m3.metric(s("drive_h") + est, f"{tot['drive_hours']:.1f}")
m4.metric(s("priority"), f"{tot['priority_collected']:.2f}")
for line in out.summary_lines(tour, lang):
    st.caption(line)

try:
    fmap = tmap.tour_map(tour, lang=lang, asset_base_url=ui.asset_base_url(), basemap=view.basemap)
    st_folium(fmap, key="tour_map", height=600, use_container_width=True, returned_objects=[])
except XunzhenError as err:
    ui.show_error(err)

st.subheader(s("itinerary"))
st.dataframe(out.itinerary_frame(tour, lang, as_text=True), hide_index=True, width="stretch")
st.subheader(s("per_day"))
ui.show_table(out.day_summary_frame(tour, lang), localize=False)
with st.expander(f"{s('left')} ({len(plan.left_out) + len(tour.unplaced)})"):
    ui.show_table(out.left_out_frame(tour, lang), localize=False)

with st.expander(out.LABELS[lang]["candidates"]):
    ui.show_table(out.candidates_frame(tour, lang), localize=False)

b1, b2, b3, b4 = st.columns(4)
b1.download_button(
    s("dl_xlsx"),
    out.xlsx_bytes(tour, lang),
    file_name="xunzhen-tour.xlsx",
    icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
b2.download_button(
    s("dl_csv"),
    out.csv_bytes(tour, lang),
    file_name="xunzhen-tour.csv",
    mime="text/csv",
    icon=":material/download:",
)
b3.download_button(
    s("dl_print"),
    out.itinerary_print_html(tour, lang).encode("utf-8"),
    file_name="xunzhen-tour-print.html",
    mime="text/html",
    icon=":material/print:",
)
b4.download_button(
    s("dl_map"),
    _map_html(tour, key, lang).encode("utf-8"),
    file_name="xunzhen-tour-map.html",
    mime="text/html",
    icon=":material/map:",
)
b5, b6, b7, _b8 = st.columns(4)
b5.download_button(
    s("dl_png"),
    lambda: _static_map(tour, key, lang, "png"),
    file_name="xunzhen-tour-map.png",
    mime="image/png",
    icon=":material/image:",
)
b6.download_button(
    s("dl_pdf"),
    lambda: _static_map(tour, key, lang, "pdf"),
    file_name="xunzhen-tour-map.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
)
b7.download_button(
    s("dl_print_pdf"),
    lambda: _print_pdf(tour, key, lang),
    file_name="xunzhen-tour-print.pdf",
    mime="application/pdf",
    icon=":material/print:",
)
