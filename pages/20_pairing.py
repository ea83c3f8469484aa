"""结对与排班 / Pairing and roster: scope, capacities (kept in the workspace), run → map, tables, progress.

Thin: ``routing.pairing.plan_pairing`` (the pairing), ``routing.pairing.month.pairing_month`` (roster,
calendar, 附件1/附件2, workbook), ``routing.pairing.annex2`` + ``progress`` (filled 附件2 back) and
``routing.pairing.map``. The tertiary ↔ weak-county pairing has its own page (25_tertiary).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import tables
from geo.facilities import FACILITY_TYPES
from pages import ui
from routing.calendar import PROVISIONAL_LABEL, month_choices, year_is_provisional
from routing.pairing import (
    PairingParams,
    PairingPlan,
    capacity_table,
    load_example_scenario,
    plan_pairing,
    read_capacities,
)
from routing.pairing.annex2 import import_annex2
from routing.pairing.capacity import capacities_frame, capacities_from_table, given_capacities
from routing.pairing.forms import FORM_NOTE
from routing.pairing.map import pairing_map, pairing_map_html
from routing.pairing.month import pairing_month
from routing.pairing.progress import planned_table, progress_report


def s(key: str) -> str:
    """Page string ``pairing.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("pairing." + key)


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(pref: str, county: str | None, caps: tuple[tuple[str, int], ...], params: PairingParams,
          facilities: str, _fac: pd.DataFrame) -> PairingPlan:  # fmt: skip
    """The plan (``facilities``: fingerprint of the working table ``_fac``, which is not hashed)."""
    return plan_pairing(_fac, prefecture=pref, county=county, capacities=dict(caps), params=params)


view = ui.sidebar_filters(types=False)
ui.page_header("pairing", "pairing.intro")
fac, fac_version = ui.working_facilities(), ui.facilities_version()
prefs = sorted(p for p in fac["prefecture_name"].dropna().unique().tolist() if p)
c1, c2, c3 = st.columns([2, 2, 1])
pref = ui.url_widget(c1.selectbox, "pp", "龙岩市", valid=prefs.__contains__, label=s("pref"), options=prefs)
counties = [s("whole"), *sorted(fac.loc[fac["prefecture_name"] == pref, "county_name"].dropna().unique())]
county_choice = c2.selectbox(s("county"), counties, key=f"xz:pair_county:{pref}",
                             index=counties.index("漳平市") if "漳平市" in counties else 0)  # fmt: skip
county = None if county_choice == s("whole") else county_choice
months = month_choices()
month = ui.url_widget(c3.selectbox, "pm", months[dt.date.today().month], valid=months.__contains__,
                      label=s("month"), options=months)  # fmt: skip
if year_is_provisional(int(month[:4])):
    c3.caption(f"⚠ {s('provisional')}：{PROVISIONAL_LABEL}")
with st.expander(s("params")):
    e1, e2, e3 = st.columns(3)
    objective = e1.radio(s("objective"), ["total", "max"], format_func=s, key="xz:pair_obj", horizontal=True)
    rule = e2.radio(s("rule"), ["hard", "soft"], format_func=s, key="xz:pair_rule", horizontal=True)
    penalty = e2.number_input(s("penalty"), 0.0, 600.0, 60.0, 10.0, key="xz:pair_pen",
                              disabled=rule == "hard")
    share = e3.slider(s("share"), 0, 60, 30, 5, key="xz:pair_share")
    per_doc = e3.number_input(s("per_doc"), 1, 20, 4, 1, key="xz:pair_perdoc")

use_example = st.checkbox(s("example"), key="xz:pair_example", value=False)
with ui.guard():  # the capacities kept in the workspace (or the worked example's)
    saved_caps = capacities_from_table(ui.load_table("capacities")) or {}
    example = read_capacities(load_example_scenario()["capacities_zhangping"], source="example")
    given_before = example if use_example else saved_caps
    caps_df = capacity_table(fac, prefecture=pref, county=county, capacities=given_before)
st.markdown(f"**{s('caps')}**", help=s("caps_saved"))
cap_cols = ["facility_id", "name", "facility_type", "county_name", "capacity_days", "capacity_source"]
shown = caps_df[cap_cols].assign(facility_type=caps_df["facility_type"].map(
    lambda k: FACILITY_TYPES.get(k, {}).get(view.lang, k)))  # fmt: skip
edited = st.data_editor(
    shown, key=f"xz:pair_caps:{pref}:{county}:{use_example}:{fac_version}", hide_index=True,
    width="stretch", disabled=[c for c in cap_cols if c != "capacity_days"],
    column_config={**{c: ui.column_label(c) for c in cap_cols}, "capacity_days":
                   st.column_config.NumberColumn(ui.column_label("capacity_days"), min_value=0)},
)  # fmt: skip
with ui.guard():
    caps = read_capacities(edited, source=s("caps"))
    params = PairingParams(objective=objective, county_rule=rule, city_share_min=share / 100 or None,
                           out_of_county_penalty_minutes=float(penalty))  # fmt: skip

key = (pref, county, tuple(sorted(caps.items())), params, month, int(per_doc), fac_version)
if st.button(s("run"), type="primary"):
    st.session_state["xz:pair_key"] = key
    given = given_capacities(caps, dict(zip(caps_df["facility_id"], caps_df["capacity_days"], strict=True)),
                             saved_caps)  # fmt: skip
    if not use_example and given != saved_caps:  # keep what the planner entered in the workspace
        ui.save_table("capacities", capacities_frame(given), note=s("saved_note"))
if st.session_state.get("xz:pair_key") != key:
    st.info(s("press"))
    st.stop()
with ui.guard(), st.spinner(s("solving")):
    plan = _plan(pref, county, tuple(sorted(caps.items())), params, fac_version, fac)
    out = pairing_month(plan, month, max_days_per_doctor=int(per_doc))
ui.store_result("pairing", plan.pairs)  # offered to the scenario store (compares pairs and drive km)
ui.store_result("roster", out.roster)
est, colon, summ = (s("est") if plan.estimated else ""), ui.t("common.colon"), plan.summary()
m1, m2, m3, m4 = st.columns(4)
m1.metric(s("centers"), summ["centers"])
m2.metric(s("days"), summ["doctor_days"])
m3.metric(s("total_min") + est, f"{summ['total_minutes']:,.0f}")
m4.metric(s("max_min") + est, f"{summ['max_minutes']:.0f}")
optimal = s("optimal") if summ["optimal"] else s("not_optimal")
st.caption(f"{s('solver')}{colon}{plan.result.solver} · {optimal}"
           f" · {s('bound')}{est}{colon}{summ['bound_minutes']} · {s('city_share')}{colon}"
           + "、".join(f"{k} {v}" for k, v in summ["city_share"].items()))  # fmt: skip
for note in plan.notes:
    st.warning(note)
with ui.guard(stop=False):
    fmap = pairing_map(plan, lang=view.lang, asset_base_url=ui.asset_base_url(), basemap=view.basemap)
    st_folium(fmap, key="pair_map", height=560, use_container_width=True, returned_objects=[])
t1, t2, t3, t4 = st.tabs([s("pairs"), s("hospitals"), s("calendar"), s("annex")])
ui.show_table(plan.pairs, where=t1, estimated=plan.estimated, drop=("hospital_id", "prefecture", "estimated"))
ui.show_table(plan.hospitals, where=t2, drop=("lon", "lat"))
t3.dataframe(out.calendar, width="stretch")
t4.dataframe(out.annex1, hide_index=True, width="stretch")
t4.dataframe(out.annex2, hide_index=True, width="stretch")
t4.caption(FORM_NOTE)
stem = f"xunzhen-pairing-{plan.scope.label}-{month}"
b1, b2, b3, b4, b5 = st.columns(5)
ui.download(s("dl_xlsx"), out.xlsx, f"{stem}.xlsx", where=b1)
ui.download(s("dl_a1"), lambda: tables.csv_bytes(out.annex1), f"{stem}-附件1.csv", where=b2)
ui.download(s("dl_a2"), lambda: tables.csv_bytes(out.annex2), f"{stem}-附件2.csv", where=b3)
ui.download(s("dl_pairs"), lambda: tables.csv_bytes(plan.pairs), f"{stem}-pairs.csv", where=b4)
ui.download(s("dl_map"), lambda: pairing_map_html(plan, lang=view.lang), f"{stem}-map.html", where=b5)

st.subheader(s("progress"))
run_months = st.multiselect(s("months_planned"), months, default=[month], key="xz:pair_months")
upload = st.file_uploader(s("annex2_upload"), type=["xlsx"], key="xz:pair_upload")
with ui.guard(stop=False):
    got = import_annex2(upload.getvalue(), known_ids=plan.centers["facility_id"].tolist(),
                        name=upload.name) if upload is not None else None  # fmt: skip
    for line in (*got.problems, *got.notes) if got else ():
        st.warning(line)
    report = progress_report(planned_table(plan.pairs, run_months or [month]), got.done if got else None)
    for title, table in ((s("by_month"), report.by_month), (s("targets"), report.targets),
                         (f"{s('gaps')} ({len(report.gaps)})", report.gaps)):  # fmt: skip
        st.markdown(f"**{title}**")
        ui.show_table(table)
