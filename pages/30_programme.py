"""项目年度 / Programme year: calendar, doctor register, 12 monthly plans, burn-up, ledger, forms, 附件2 back.

Thin: ``routing.calendar`` (working days, holiday list), ``routing.programme`` (register, plan_year, burn-up,
ledger, forms, outputs) and ``routing.pairing.annex2`` (filled 附件2). Doctor names appear in tables and
downloads for the planner only; nothing here is shared as an HTML map.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo import tables
from pages import ui
from routing.calendar import (
    PROVISIONAL_LABEL,
    CalendarOverrides,
    overrides_from_table,
    overrides_table,
    read_overrides,
    replace_year_rows,
    year_rows,
    year_table,
)
from routing.programme import ProgrammeParams, ProgrammeYear, Register, plan_year
from routing.programme.forms import FormHeader, annex1_xlsx, annex2_xlsx
from routing.programme.outputs import center_month_table, visits_table, year_workbook
from routing.programme.progress import burnup, import_reports, ledger, ledger_xlsx


def s(key: str, **values: object) -> str:
    """Page string ``programme.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("programme." + key, **values)


@st.cache_data(show_spinner=False, max_entries=8)
def _plan(key: tuple, _reg: Register | None, _fac: pd.DataFrame, _over: CalendarOverrides,
          _needs: pd.DataFrame | None) -> ProgrammeYear:  # fmt: skip
    """The year plan, cached by ``key`` (scope, year, register/overrides/needs/facility fingerprints)."""
    pref, county, year = key[:3]
    return plan_year(_reg, year=year, prefecture=pref, county=county, facilities=_fac, overrides=_over,
                     params=ProgrammeParams(), center_needs=_needs)  # fmt: skip


view = ui.sidebar_filters(types=False)
ui.page_header("programme", "programme.intro")
fac, fac_version = ui.working_facilities(), ui.facilities_version()
prefs = sorted(p for p in fac["prefecture_name"].dropna().unique() if p)
c1, c2, c3 = st.columns([2, 2, 1])
pref = ui.url_widget(c1.selectbox, "gp", "龙岩市", valid=prefs.__contains__, label=s("pref"), options=prefs)
counties = [s("whole"), *sorted(fac.loc[fac["prefecture_name"] == pref, "county_name"].dropna().unique())]
county_choice = c2.selectbox(s("county"), counties, key=f"xz:prog_county:{pref}",
                             index=counties.index("漳平市") if "漳平市" in counties else 0)
county = None if county_choice == s("whole") else county_choice
years = [dt.date.today().year, dt.date.today().year + 1]
year = int(c3.selectbox(s("year"), years, index=1, key="xz:prog_year"))

st.subheader(s("calendar"))
upload = st.file_uploader(s("holidays_upload"), type=["csv", "xlsx"], key="xz:prog_hol_up")
st.caption(s("holidays_saved"))
with ui.guard():  # the workspace's holiday list for this year, until a file replaces it
    saved_holidays = ui.load_table("holidays")
    saved_year = overrides_from_table(year_rows(saved_holidays, year), year=year)
    base = read_overrides(upload.getvalue(), year=year, name=upload.name) if upload else saved_year
    edited = st.data_editor(
        overrides_table(base),
        num_rows="dynamic",
        key=f"xz:prog_hol:{year}:{upload}",
        column_config={"日期": st.column_config.DateColumn(format="YYYY-MM-DD")},
    )
    overrides = overrides_from_table(edited, year=year)
    cal = year_table(year, overrides)
if cal["暂定"].any():
    st.warning(f"{year}：{PROVISIONAL_LABEL} — {s('provisional')}")
ui.show_table(cal)

st.subheader(s("register"))
doctors, new_register = ui.kept_table("doctors", s("register_upload"))  # an upload, else the workspace's
register = None
if doctors is None or doctors.empty:
    st.info(s("no_register"))
else:
    register = Register.from_stored(doctors, ui.workspace_name())
    if not new_register:
        st.caption(s("register_saved", n=len(doctors)))
    ui.show_table(doctors.drop(columns=["row"], errors="ignore"))
with st.expander(s("needs")):
    needs, new_needs = ui.kept_table("specialty_needs", s("needs_upload"))
    if needs is None:
        st.caption(s("no_needs"))
    else:
        ui.show_table(needs.drop(columns=["row"], errors="ignore"))

key = (pref, county, year, register.doctors.to_json() if register else "", str(overrides),
       needs.to_json() if needs is not None else "", fac_version)  # fmt: skip
if st.button(s("run"), type="primary"):
    st.session_state["xz:prog_key"] = key
    if overrides != saved_year:  # keep the planner's holiday list (other years untouched)
        ui.save_table("holidays", replace_year_rows(saved_holidays, year, overrides), note=s("saved_note"))
    for kind, table, new in (("doctors", doctors, new_register), ("specialty_needs", needs, new_needs)):
        if new and table is not None:  # an uploaded table becomes the workspace's
            ui.save_table(kind, table, note=s("saved_note"))
if st.session_state.get("xz:prog_key") != key:
    st.info(s("press"))
    st.stop()
with ui.guard(), st.spinner(s("solving")):
    plan = _plan(key, register, fac, overrides, needs)
for note in plan.notes:
    st.caption(f"⚠ {note}")
ui.store_result("programme", visits_table(plan))

reports = st.file_uploader(s("annex2_upload"), type=["xlsx"], accept_multiple_files=True, key="xz:prog_a2")
done = None
if reports:
    with ui.guard(stop=False):
        got = import_reports([(f.name, f.getvalue()) for f in reports], plan, register, overrides)
        for line in (*got.problems, *got.notes):
            st.warning(line)
        done = got.done
burn, led = burnup(plan, done), ledger(plan, done)

t1, t2, t3, t4 = st.tabs([s("tab_plan"), s("tab_burnup"), s("tab_ledger"), s("tab_forms")])
with t1:
    ui.show_table(plan.summary)
    ui.show_table(center_month_table(plan))
with t2:
    area = burn["area"].iloc[-1]
    chart = burn[burn["area"] == area].set_index("month")[["cum_planned", "cum_reported", "target"]]
    st.line_chart(chart.rename(columns={c: s(c) for c in chart.columns}))
    ui.show_table(burn)
with t3:
    ui.show_table(led)
    names = dict(zip(led["hospital_id"], led["hospital"], strict=False))
    hospital = st.selectbox(s("hospital"), sorted(names), key="xz:prog_hosp", format_func=names.get)
    ui.download(s("dl_ledger"), lambda: ledger_xlsx(led, hospital, year=year), f"台账_{hospital}_{year}.xlsx")
with t4:
    month = st.selectbox(s("month"), plan.months, key="xz:prog_month")
    h1, h2, h3, h4 = st.columns(4)
    header = FormHeader(h1.text_input(s("unit"), key="xz:prog_unit"), h2.text_input(s("person")),
                        h3.text_input(s("phone")), h4.text_input(s("date")))
    header = header if header.unit else None
    d1, d2, d3, d4 = st.columns(4)
    ui.download(s("dl_a1"), lambda: annex1_xlsx(plan, month, header), f"附件1_{month}.xlsx", where=d1)
    ui.download(s("dl_a2"), lambda: annex2_xlsx(plan, month, header), f"附件2_{month}.xlsx", where=d2)
    ui.download(s("dl_year"), lambda: year_workbook(plan, led, burn), f"年度计划_{year}.xlsx", where=d3)
    ui.download(s("dl_visits"), lambda: tables.csv_bytes(visits_table(plan)), "visits.csv", where=d4)
