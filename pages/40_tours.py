"""巡诊路线 / Mobile-hospital tours: depot, dates, teams, hours, lunch, overnight places, market days → map,
dated itinerary, downloads.

Thin: choices, run and files are ``routing.tours.explore``; tables ``routing.tours.outputs``; the map
``routing.tours.map``. Market-day rules and overnight places are kept in the workspace.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from pages import ui
from routing.calendar import holidays_from_table
from routing.tours import FujianTour, TourParams, explore, read_visits_csv
from routing.tours import map as tmap
from routing.tours import outputs as out
from routing.tours._labels import lab
from routing.tours.dates import next_working_day


def s(key: str, **values: object) -> str:
    """Page string ``tours.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("tours." + key, **values)


def minutes(t: dt.time) -> float:
    """Minutes since midnight of a clock time."""
    return float(t.hour * 60 + t.minute)


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(request: explore.TourRequest, _fac: pd.DataFrame) -> FujianTour:
    """The tour of ``request`` (the facility table is identified by ``request.facilities_version``)."""
    return explore.run_tour(request, _fac)


view = ui.sidebar_filters(types=False)
ui.page_header("tours")
st.caption(s("intro"))
fac, fac_version, lang = ui.working_facilities(), ui.facilities_version(), view.lang
depots = explore.depot_options(fac, view.prefectures)
if not depots:
    st.info(s("no_depot"))
    st.stop()
c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 1.4, 1.4])
depot_id = ui.url_widget(c1.selectbox, "depot", next(iter(depots)), valid=depots.__contains__,
                         label=s("depot"), options=list(depots), format_func=depots.__getitem__)
days = ui.url_widget(c2.number_input, "days", 5, label=s("days"), min_value=1, max_value=14, step=1)
teams = ui.url_widget(c3.number_input, "teams", 1, label=s("teams"), min_value=1, max_value=10, step=1)
start_date = c4.date_input(s("start_date"), next_working_day(dt.date.today()), key="xz:tour_date")
weekends = c5.checkbox(s("weekends"), False, key="xz:tour_weekends", help=s("weekends_help"))
scope = explore.tour_scope(depot_id, fac, view.prefectures, view.all_prefectures)
st.caption(f"{s('scope')}: {'、'.join(scope)}")
c6, c7, c8, c9 = st.columns(4)
start = c6.time_input(s("start"), dt.time(8, 0), step=1800, key="xz:tour_start")
end = c7.time_input(s("end"), dt.time(18, 0), step=1800, key="xz:tour_end")
clinic_h = c8.number_input(s("clinic"), 0.5, 10.0, 3.0, 0.5, key="xz:tour_clinic")
drive_h = c9.number_input(s("drive"), 1.0, 12.0, 6.0, 0.5, key="xz:tour_drive")
with st.expander(s("options")):
    d1, d2, d3 = st.columns(3)
    overnight = d1.radio(s("overnight"), ["stay", "depot"], key="xz:tour_overnight", horizontal=True,
                         format_func=lambda k: s(k if k == "stay" else "home"))
    ret = d1.checkbox(s("return"), True, key="xz:tour_return")
    streets = d1.checkbox(s("streets"), False, key="xz:tour_streets")
    lunch = d2.number_input(s("lunch"), 0, 180, 60, 15, key="xz:tour_lunch")
    lunch_a = d2.time_input(s("lunch_from"), dt.time(11, 30), step=900, key="xz:tour_lunch_a")
    lunch_b = d2.time_input(s("lunch_to"), dt.time(13, 30), step=900, key="xz:tour_lunch_b")
    min_remote = d3.slider(s("remote"), 0, 90, 0, 5, key="xz:tour_remote")
    cover_on = d3.checkbox(s("cover_on"), False, key="xz:tour_cover_on")
    cover = d3.slider(s("cover"), 10, 60, 30, 5, key="xz:tour_cover", disabled=not cover_on)
    towns = explore.township_options(scope, streets)
    required = st.multiselect(s("required"), list(towns), key="xz:tour_required", format_func=towns.get)
    places = explore.overnight_options(fac, scope, towns)
    saved_nights = explore.overnight_from_stored(ui.load_table("overnight_places"), places)
    allowed = st.multiselect(s("allowed"), list(places), saved_nights, key="xz:tour_allowed",
                             format_func=places.__getitem__, help=s("allowed_help"))
    upload = st.file_uploader(s("visits"), type=["csv", "xlsx"], key="xz:tour_visits", help=s("visits_help"))
with st.expander(s("market_title")):
    st.caption(s("market_help"))
    factor = st.number_input(s("market_factor"), 1.0, 10.0, 1.5, 0.5, key="xz:tour_market_factor")
    rules_file = st.file_uploader(s("market_upload"), type=["csv", "xlsx"], key="xz:tour_rules_file")
    with ui.guard():  # the workspace's saved rules, until a file replaces them
        saved_rules = dict(explore.rules_from_frame(ui.load_table("market_days"), {}))
    base = st.session_state.get("xz:tour_rules_base", explore.rules_frame(saved_rules, towns))
    if rules_file is not None and st.session_state.get("xz:tour_rules_id") != rules_file.file_id:
        with ui.guard():
            uploaded = explore.read_rules_upload(rules_file.getvalue(), rules_file.name)
        base = st.session_state["xz:tour_rules_base"] = explore.rules_frame(uploaded, towns)
        st.session_state["xz:tour_rules_id"] = rules_file.file_id
    table = st.data_editor(base, num_rows="dynamic", key="xz:tour_rules", width="stretch", column_config={
        "乡镇": st.column_config.SelectboxColumn(s("col_township"), options=list(towns.values())),
        "圩日": st.column_config.TextColumn(s("col_market"), help=s("market_help")),
        "仅圩日": st.column_config.CheckboxColumn(s("col_only")),
        "开放": st.column_config.TextColumn(s("col_open")),
        "结束": st.column_config.TextColumn(s("col_close"))})
with ui.guard():
    params = TourParams(
        days=int(days), teams=int(teams), day_start_minutes=minutes(start), day_end_minutes=minutes(end),
        clinic_minutes=float(clinic_h) * 60, max_drive_minutes_per_day=float(drive_h) * 60,
        overnight=overnight, return_to_depot=bool(ret), cover_minutes=float(cover) if cover_on else None,
        lunch_minutes=float(lunch), lunch_earliest_minutes=minutes(lunch_a),
        lunch_latest_minutes=minutes(lunch_b), market_day_factor=float(factor))
    rules = explore.rules_from_frame(table, towns)
    visits = tuple(sorted(read_visits_csv(upload.getvalue(), name=upload.name).items())) if upload else None
    overrides = holidays_from_table(ui.load_table("holidays"))  # the workspace's holidays and 调休
request = explore.TourRequest(
    depot_id, tuple(scope), params, start_date, bool(weekends), float(min_remote), bool(streets), visits,
    tuple(sorted(required)), rules, tuple(sorted(allowed)) or None, overrides, fac_version)
if st.button(s("plan"), type="primary"):
    st.session_state["xz:tour_request"] = request
    if rules != tuple(sorted(saved_rules.items())):  # keep the planner's rules and places in the workspace
        ui.save_table("market_days", explore.rules_frame(dict(rules), {}), note=s("saved_note"))
    if sorted(allowed) != sorted(saved_nights):
        ui.save_table("overnight_places", pd.DataFrame({"place": sorted(allowed)}), note=s("saved_note"))
if st.session_state.get("xz:tour_request") != request:
    st.info(s("press"))
    st.stop()
with ui.guard(), st.spinner(s("planning")):
    tour = _plan(request, fac)

plan, tot = tour.plan, tour.plan.totals
ui.store_result("tours", out.scenario_table(tour))  # offered to the scenario store (one row per team-day)
est = s("est") if plan.estimated else ""
m1, m2, m3, m4 = st.columns(4)
m1.metric(s("served"), f"{tot['townships_served']} / {tot['candidates']}")
m2.metric(s("pop"), f"{tot['population_served_est']:,.0f}")
m3.metric(s("drive_h") + est, f"{tot['drive_hours']:.1f}")
m4.metric(s("priority"), f"{tot['priority_collected']:.2f}")
for line in out.summary_lines(tour, lang):
    st.caption(line)
with ui.guard(stop=False):
    basemap = ui.effective_basemap(view)
    fmap = tmap.tour_map(tour, lang=lang, asset_base_url=ui.asset_base_url(), basemap=basemap)
    st_folium(fmap, key="tour_map", height=600, use_container_width=True, returned_objects=[])
st.subheader(s("itinerary"))
st.dataframe(out.itinerary_frame(tour, lang, as_text=True), hide_index=True, width="stretch")
st.subheader(s("per_day"))
ui.show_table(out.day_summary_frame(tour, lang), localize=False)
with st.expander(f"{s('left')} ({len(plan.left_out) + len(tour.unplaced)})"):
    ui.show_table(out.left_out_frame(tour, lang), localize=False)
with st.expander(lab("candidates", lang)):
    ui.show_table(out.candidates_frame(tour, lang), localize=False)
files = explore.downloads(tour, lang)
for first in range(0, len(files), 4):
    for col, file in zip(st.columns(4), files[first : first + 4], strict=False):
        ui.download(s("dl_" + file.kind), file.data, file.file_name, where=col)
