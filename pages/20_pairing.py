"""结对与排班 / Pairing and roster: scope, capacities, run → map, tables, calendar, forms, progress.

Thin: computations are ``routing.pairing.plan_pairing``, ``routing.pairing.roster.make_roster``,
``routing.pairing.forms`` and
``routing.pairing.progress``; the map is ``routing.pairing.map``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo._errors import XunzhenError
from geo.facilities import FACILITY_TYPES
from pages import ui
from routing.calendar import PROVISIONAL_LABEL, month_choices, year_is_provisional
from routing.pairing import (
    PairingParams,
    capacity_table,
    forms,
    load_example_scenario,
    plan_pairing,
    plan_tertiary_pairing,
    read_capacities,
)
from routing.pairing.map import pairing_map, pairing_map_html
from routing.pairing.progress import planned_table, progress_report, read_annex2
from routing.pairing.roster import RosterParams, calendar_table, make_roster


def s(key: str) -> str:
    """Page string ``pairing.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("pairing." + key)


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(
    prefecture: str,
    county: str | None,
    caps: tuple[tuple[str, int], ...],
    params: PairingParams,
    facilities: str,
    _fac: pd.DataFrame,
):
    """The plan (``facilities``: fingerprint of the working table ``_fac``, which is not hashed)."""
    del facilities  # part of the cache key only
    return plan_pairing(_fac, prefecture=prefecture, county=county, capacities=dict(caps), params=params)


view = ui.sidebar_filters(types=False)
ui.page_header("pairing")
st.caption(s("intro"))
fac, fac_version = ui.working_facilities(), ui.facilities_version()
prefs = sorted(p for p in fac["prefecture_name"].dropna().unique().tolist() if p)
c1, c2, c3 = st.columns([2, 2, 1])
pref = ui.url_widget(c1.selectbox, "pp", "龙岩市", valid=prefs.__contains__, label=s("pref"), options=prefs)
county_names = sorted(
    c for c in fac.loc[fac["prefecture_name"] == pref, "county_name"].dropna().unique() if c
)
counties = [s("whole"), *county_names]
county_choice = c2.selectbox(
    s("county"),
    counties,
    key=f"xz:pair_county:{pref}",
    index=counties.index("漳平市") if "漳平市" in counties else 0,
)
county = None if county_choice == s("whole") else county_choice
months = month_choices()
month = ui.url_widget(
    c3.selectbox, "pm", months[dt.date.today().month], valid=months.__contains__, label=s("month"),
    options=months,
)
if year_is_provisional(int(month[:4])):
    c3.caption(f"⚠ {s('provisional')}：{PROVISIONAL_LABEL}")

with st.expander(s("params")):
    e1, e2, e3 = st.columns(3)
    objective = e1.radio(s("objective"), ["total", "max"], format_func=s, key="xz:pair_obj", horizontal=True)
    rule = e2.radio(s("rule"), ["hard", "soft"], format_func=s, key="xz:pair_rule", horizontal=True)
    penalty = e2.number_input(
        s("penalty"), 0.0, 600.0, 60.0, 10.0, key="xz:pair_pen", disabled=rule == "hard"
    )
    share = e3.slider(s("share"), 0, 60, 30, 5, key="xz:pair_share")
    per_doc = e3.number_input(s("per_doc"), 1, 20, 4, 1, key="xz:pair_perdoc")

use_example = st.checkbox(s("example"), key="xz:pair_example", value=False)
try:
    example = load_example_scenario()
    example_caps = read_capacities(example["capacities_zhangping"], source="example") if use_example else {}
    caps_df = capacity_table(fac, prefecture=pref, county=county, capacities=example_caps)
except XunzhenError as err:
    ui.show_error(err)
    st.stop()
st.markdown(f"**{s('caps')}**")
cap_cols = ["facility_id", "name", "facility_type", "county_name", "capacity_days", "capacity_source"]
shown_caps = caps_df[cap_cols].assign(
    facility_type=caps_df["facility_type"].map(lambda k: FACILITY_TYPES.get(k, {}).get(view.lang, k))
)
edited = st.data_editor(
    shown_caps,
    key=f"xz:pair_caps:{pref}:{county}:{use_example}:{fac_version}",
    hide_index=True,
    width="stretch",
    disabled=["facility_id", "name", "facility_type", "county_name", "capacity_source"],
    column_config={
        **{c: ui.column_label(c) for c in cap_cols},
        "capacity_days": st.column_config.NumberColumn(
            ui.column_label("capacity_days"), min_value=0, max_value=500, step=1
        ),
    },
)
try:
    caps = read_capacities(edited, source=s("caps"))
    params = PairingParams(
        objective=objective,
        county_rule=rule,
        out_of_county_penalty_minutes=float(penalty),
        city_share_min=share / 100 or None,
    )
except XunzhenError as err:
    ui.show_error(err)
    st.stop()

key = (pref, county, tuple(sorted(caps.items())), params, month, int(per_doc), fac_version)
if st.button(s("run"), type="primary"):
    st.session_state["xz:pair_key"] = key
if st.session_state.get("xz:pair_key") != key:
    st.info(s("press"))
else:
    try:
        with st.spinner(s("solving")):
            plan = _plan(pref, county, tuple(sorted(caps.items())), params, fac_version, fac)
            roster = make_roster(plan.pairs, month, params=RosterParams(max_days_per_doctor=int(per_doc)))
            calendar = calendar_table(roster, month)
    except XunzhenError as err:
        ui.show_error(err)
        st.stop()
    # offer the plan to the scenario store of the 数据 page (routing.scenarios compares pairs and drive km)
    ui.store_result("pairing", plan.pairs)
    ui.store_result("roster", roster)
    est = s("est") if plan.estimated else ""
    colon = ui.t("common.colon")
    summ = plan.summary()
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(s("centers"), summ["centers"])
    m2.metric(s("days"), summ["doctor_days"])
    m3.metric(s("total_min") + est, f"{summ['total_minutes']:,.0f}")
    m4.metric(s("max_min") + est, f"{summ['max_minutes']:.0f}")
    st.caption(
        f"{s('solver')}{colon}{plan.result.solver} · {s('optimal') if summ['optimal'] else s('not_optimal')}"
        f" · {s('bound')}{est}{colon}{summ['bound_minutes']} · {s('city_share')}{colon}"
        + "、".join(f"{k} {v}" for k, v in summ["city_share"].items())
    )
    for note in plan.notes:
        st.warning(note)
    try:
        fmap = pairing_map(plan, lang=view.lang, asset_base_url=ui.asset_base_url(), basemap=view.basemap)
        used = plan.hospitals["facility_id"].isin(plan.pairs["hospital_id"])
        pts = pd.concat([plan.centers[["lon", "lat"]], plan.hospitals.loc[used, ["lon", "lat"]]])
        south_west, north_east = [pts["lat"].min(), pts["lon"].min()], [pts["lat"].max(), pts["lon"].max()]
        fmap.fit_bounds([south_west, north_east], padding=(30, 30))  # zoom to the plan, not the province
        st_folium(fmap, key="pair_map", height=560, use_container_width=True, returned_objects=[])
    except XunzhenError as err:
        ui.show_error(err)
    t1, t2, t3, t4 = st.tabs([s("pairs"), s("hospitals"), s("calendar"), s("annex")])
    ui.show_table(
        plan.pairs, where=t1, estimated=plan.estimated, drop=("hospital_id", "prefecture", "estimated")
    )
    ui.show_table(plan.hospitals, where=t2, drop=("lon", "lat"))
    t3.dataframe(calendar, width="stretch")
    a1 = forms.annex1_table(roster, estimated=plan.estimated)
    a2 = forms.annex2_table(roster, plan.centers)
    t4.dataframe(a1, hide_index=True, width="stretch")
    t4.dataframe(a2, hide_index=True, width="stretch")
    t4.caption(forms.FORM_NOTE)
    notes = [f"{plan.scope.label} · {plan.network_label}", *plan.notes, plan.result.solver]
    xlsx = forms.write_plan_xlsx(
        None,
        pairs=plan.pairs,
        roster=roster,
        centers=plan.centers,
        calendar=calendar,
        estimated=plan.estimated,
        notes=notes,
    )
    b1, b2, b3, b4, b5 = st.columns(5)
    stem = f"xunzhen-pairing-{plan.scope.label}-{month}"
    b1.download_button(
        s("dl_xlsx"),
        xlsx,
        file_name=f"{stem}.xlsx",
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    b2.download_button(s("dl_a1"), forms.to_csv_bytes(a1), file_name=f"{stem}-附件1.csv", mime="text/csv")
    b3.download_button(s("dl_a2"), forms.to_csv_bytes(a2), file_name=f"{stem}-附件2.csv", mime="text/csv")
    b4.download_button(
        s("dl_pairs"), forms.to_csv_bytes(plan.pairs), file_name=f"{stem}-pairs.csv", mime="text/csv"
    )
    if b5.button(s("dl_map")):
        b5.download_button(
            s("dl_map"),
            pairing_map_html(plan, lang=view.lang).encode("utf-8"),
            file_name=f"{stem}-map.html",
            mime="text/html",
            key="xz:pair_map_dl",
        )

    st.subheader(s("progress"))
    run_months = st.multiselect(s("months_planned"), months, default=[month], key="xz:pair_months")
    upload = st.file_uploader(s("annex2_upload"), type=["xlsx"], key="xz:pair_upload")
    try:
        done = (
            read_annex2(upload.getvalue(), known_ids=plan.centers["facility_id"].tolist(), name=upload.name)
            if upload is not None
            else None
        )
        report = progress_report(planned_table(plan.pairs, run_months or [month]), done)
    except XunzhenError as err:
        ui.show_error(err)
    else:
        st.markdown(f"**{s('by_month')}**")
        ui.show_table(report.by_month)
        st.markdown(f"**{s('targets')}**")
        ui.show_table(report.targets)
        st.markdown(f"**{s('gaps')}** ({len(report.gaps)})")
        ui.show_table(report.gaps)

with st.expander(s("tertiary")):
    tert_all = fac[fac["facility_type"] == "tertiary_hospital"]
    t_label = dict(zip(tert_all["facility_id"], tert_all["name"], strict=True))
    all_counties = (
        fac.loc[fac["facility_type"] == "county_hospital", "prefecture_name"]
        + fac.loc[fac["facility_type"] == "county_hospital", "county_name"]
    ).tolist()
    ex_t = [t for t in example["tertiary"]["facility_id"] if t in t_label]
    ex_c = (example["weak_counties"]["prefecture_name"] + example["weak_counties"]["county_name"]).tolist()
    chosen_t = st.multiselect(
        s("t_hosp"), list(t_label), default=ex_t, format_func=t_label.__getitem__, key="xz:tert_h"
    )
    chosen_c = st.multiselect(
        s("t_counties"), all_counties, default=[c for c in ex_c if c in all_counties], key="xz:tert_c"
    )
    if st.button(s("t_run")):
        try:
            tp = plan_tertiary_pairing(chosen_t, chosen_c, fac)
        except XunzhenError as err:
            ui.show_error(err)
        else:
            st.caption(
                f"{tp.network_label} · {tp.result.solver} · "
                f"{s('total_min')}{s('est') if tp.estimated else ''}: "
                f"{tp.result.total_minutes:,.0f}"
            )
            ui.show_table(pd.DataFrame(tp.pairs), estimated=tp.estimated)
