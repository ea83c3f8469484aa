"""巡诊路线 / Mobile-hospital tours: choose scope, depot, teams, days, hours → map, itinerary, downloads.

Thin: every computation is ``routing.tours.plan_fujian_tours``; outputs come from ``routing.tour_outputs``.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from geo._errors import XunzhenError
from pages import _ui as ui
from routing import tour_map as tmap
from routing import tour_outputs as out
from routing.tours import TourParams, plan_fujian_tours, read_visits_csv

# Page strings (zh first). TODO(app): move into pages/_i18n.py under ``tours.*`` — that file is the app
# helper's.
_S: dict[str, dict[str, str]] = {
    "intro": {
        "zh": "为移动医院规划多日、多站巡诊路线：按优先级（偏远程度、人口估算、覆盖缺口、"
        "距上次巡诊月数）选择乡镇，每天的工作时段含驾驶时间，晚上住在当天最后一站（或每晚返回驻地）。",
        "en": "Plan multi-day, multi-stop tours for a mobile hospital: townships are chosen by priority "
        "(remoteness, estimated population, coverage gap, months since the last visit); each working day "
        "includes driving; teams sleep at their last stop (or return to the depot nightly).",
    },
    "scope": {"zh": "巡诊范围（地市，来自左侧筛选）", "en": "Scope (prefectures, from the sidebar)"},
    "depot": {"zh": "出发医院（驻地）", "en": "Depot hospital"},
    "days": {"zh": "天数", "en": "Days"},
    "teams": {"zh": "队伍数", "en": "Teams"},
    "start": {"zh": "每日开始", "en": "Day starts"},
    "end": {"zh": "每日结束（含驾驶）", "en": "Day ends (driving included)"},
    "clinic": {"zh": "每站义诊时长（小时）", "en": "Clinic hours per stop"},
    "drive": {"zh": "每日最长驾驶（小时）", "en": "Max driving hours per day"},
    "overnight": {"zh": "住宿方式", "en": "Overnight"},
    "stay": {"zh": "住在当天最后一站", "en": "Sleep at the last stop"},
    "home": {"zh": "每晚返回驻地", "en": "Return to the depot nightly"},
    "return": {"zh": "最后一天返回驻地", "en": "Return to the depot on the last day"},
    "remote": {
        "zh": "只考虑距县级及以上医院至少（分钟）的乡镇",
        "en": "Only townships at least (min) from a county hospital",
    },
    "streets": {"zh": "包括街道", "en": "Include urban sub-districts (街道)"},
    "cover": {
        "zh": "覆盖式巡诊：站点周边（分钟）内的乡镇计为覆盖",
        "en": "Covering tour: townships within (min) of a stop count as covered",
    },
    "cover_on": {"zh": "覆盖式巡诊", "en": "Covering tour"},
    "plan": {"zh": "规划路线", "en": "Plan tours"},
    "required": {"zh": "必须安排的乡镇", "en": "Townships that must be visited"},
    "visits": {"zh": "上次巡诊记录（CSV：乡镇, 月数）", "en": "Last visits (CSV: township, months)"},
    "visits_help": {
        "zh": "每行一个乡镇（代码或名称，如 光泽县司前乡）及距上次移动医院巡诊的月数；用于优先级。",
        "en": "One township per row (code or name, e.g. 光泽县司前乡) and months since the last "
        "mobile-hospital visit; used in the priority.",
    },
    "planning": {"zh": "正在求解（固定随机种子，结果可复现）…", "en": "Solving (fixed seed, reproducible)…"},
    "served": {"zh": "安排乡镇", "en": "Townships served"},
    "pop": {"zh": "服务人口（估算）", "en": "Population served (estimated)"},
    "drive_h": {"zh": "驾驶小时", "en": "Drive hours"},
    "priority": {"zh": "优先级合计", "en": "Priority collected"},
    "itinerary": {"zh": "行程表", "en": "Itinerary"},
    "per_day": {"zh": "每日汇总", "en": "Per day"},
    "left": {"zh": "未安排的乡镇及原因", "en": "Townships not scheduled, and why"},
    "dl_xlsx": {"zh": "下载 XLSX", "en": "Download XLSX"},
    "dl_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "dl_print": {"zh": "下载可打印行程（A4）", "en": "Download printable itinerary (A4)"},
    "dl_map": {"zh": "下载离线地图 HTML", "en": "Download offline map (HTML)"},
    "est": {"zh": "（估算）", "en": " (estimated)"},
    "no_depot": {
        "zh": "所选地市没有医院可作为驻地。",
        "en": "No hospital in the selected prefectures to start from.",
    },
    "press": {"zh": "设置参数后点击“规划路线”。", "en": "Set the parameters, then press “Plan tours”."},
}


def s(key: str) -> str:
    """Page string in the current language."""
    return _S[key]["en" if ui.lang() == "en" else "zh"]


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(
    depot: str,
    prefectures: tuple[str, ...],
    params: TourParams,
    min_remote: float,
    streets: bool,
    visits: tuple[tuple[str, float], ...] | None,
    required: tuple[str, ...],
):
    return plan_fujian_tours(
        depot,
        prefectures=list(prefectures),
        params=params,
        min_remoteness_minutes=min_remote,
        include_streets=streets,
        months_since_visit=dict(visits) if visits is not None else None,
        required=list(required),
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _map_html(_tour, key: tuple, lang: str) -> str:
    return tmap.tour_map_html(_tour, lang=lang)


view = ui.sidebar_filters(types=False)
ui.page_header("tours")
st.caption(s("intro"))
data = ui.embedded_data()
lang = view.lang

prefs = data.prefectures
chosen = list(view.prefectures)
scope_names = prefs.loc[prefs["code"].isin(chosen), "name"].tolist()
hospitals = data.facilities[
    data.facilities["facility_type"].isin(["city_hospital", "tertiary_hospital", "county_hospital"])
    & data.facilities["prefecture_code"].isin(chosen)
    & data.facilities["lon"].notna()
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
depot_query = dict(zip(hospitals["facility_id"], hospitals["county_name"] + hospitals["name"], strict=True))

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
)
if st.button(s("plan"), type="primary"):
    st.session_state["xz:tour_key"] = key
if st.session_state.get("xz:tour_key") != key:
    st.info(s("press"))
    st.stop()
try:
    with st.spinner(s("planning")):
        tour = _plan(depot_query[depot_id], *key[1:])
except XunzhenError as err:
    ui.show_error(err)
    st.stop()

plan = tour.plan
tot = plan.totals
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
st.dataframe(out.day_summary_frame(tour, lang), hide_index=True, width="stretch")
with st.expander(f"{s('left')} ({len(plan.left_out) + len(tour.unplaced)})"):
    st.dataframe(out.left_out_frame(tour, lang), hide_index=True, width="stretch")

with st.expander(out.LABELS[lang]["candidates"]):
    st.dataframe(out.candidates_frame(tour, lang), hide_index=True, width="stretch")

b1, b2, b3, b4 = st.columns(4)
b1.download_button(
    s("dl_xlsx"),
    out.xlsx_bytes(tour, lang),
    file_name="xunzhen-tour.xlsx",
    icon="⬇️",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
b2.download_button(
    s("dl_csv"), out.csv_bytes(tour, lang), file_name="xunzhen-tour.csv", mime="text/csv", icon="⬇️"
)
b3.download_button(
    s("dl_print"),
    out.itinerary_print_html(tour, lang).encode("utf-8"),
    file_name="xunzhen-tour-print.html",
    mime="text/html",
    icon="🖨️",
)
b4.download_button(
    s("dl_map"),
    _map_html(tour, key, lang).encode("utf-8"),
    file_name="xunzhen-tour-map.html",
    mime="text/html",
    icon="🗺️",
)
