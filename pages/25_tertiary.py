"""三级医院对口帮扶 / Tertiary hospitals ↔ weak county hospitals: pairing, map, XLSX, agreements, managers.

Thin: ``routing.pairing.tertiary`` (choices, plan_tertiary_pairing, agreement tracker, tenure warnings,
XLSX) and ``routing.pairing.map.tertiary_map``. The plan stays on the page across interactions (its inputs
are kept in the session). The manager list holds names: it is never put in the map or the XLSX.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from pages import ui
from routing.pairing.map import tertiary_map, tertiary_map_html
from routing.pairing.tertiary import (
    MANAGER_COLUMNS,
    TertiaryPlan,
    agreement_table,
    check_agreements,
    plan_tertiary_pairing,
    tenure_warnings,
    tertiary_choices,
    tertiary_xlsx,
)


def s(key: str) -> str:
    """Page string ``pairing.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("pairing." + key)


@st.cache_data(show_spinner=False, max_entries=8)
def _plan(hospitals: tuple[str, ...], counties: tuple[str, ...], version: str, _fac: pd.DataFrame
          ) -> TertiaryPlan:
    """The pairing, cached by its inputs (``version``: fingerprint of the facility table ``_fac``)."""
    return plan_tertiary_pairing(list(hospitals), list(counties), _fac)


view = ui.sidebar_filters(types=False)
ui.page_header("tertiary", "pairing.tertiary")
fac, fac_version = ui.working_facilities(), ui.facilities_version()
with ui.guard():
    choices = tertiary_choices(fac)
chosen_t = st.multiselect(s("t_hosp"), list(choices.hospitals), default=choices.default_hospitals,
                          format_func=choices.hospitals.__getitem__, key="xz:tert_h")  # fmt: skip
chosen_c = st.multiselect(s("t_counties"), choices.counties, default=choices.default_counties,
                          key="xz:tert_c")
year = st.selectbox(s("t_year"), [dt.date.today().year, dt.date.today().year + 1], key="xz:tert_year")
if st.button(s("t_run"), type="primary"):
    st.session_state["xz:tert_run"] = (tuple(chosen_t), tuple(chosen_c))
run = st.session_state.get("xz:tert_run")
if run is None:
    st.info(s("t_press"))
    st.stop()
if run != (tuple(chosen_t), tuple(chosen_c)):
    st.info(s("t_changed"))
with ui.guard():
    tp = _plan(run[0], run[1], fac_version, fac)
est = s("est") if tp.estimated else ""
st.caption(f"{tp.network_label} · {tp.result.solver} · {s('total_min')}{est}: {tp.result.total_minutes:,.0f}")
fmap = tertiary_map(tp, lang=view.lang, asset_base_url=ui.asset_base_url(), basemap=view.basemap)
st_folium(fmap, key="tert_map", height=520, use_container_width=True, returned_objects=[])
hidden = ("hospital_id", "county_hospital_id", "hospital_lon", "hospital_lat", "county_lon", "county_lat")
ui.show_table(tp.pairs, estimated=tp.estimated, drop=hidden)

st.subheader(s("t_agreements"))
previous = st.session_state.get("xz:tert_agreements")
agreements = st.data_editor(agreement_table(tp, previous), key=f"xz:tert_ag:{run}", hide_index=True,
                            disabled=["设区市", "县（市、区）", "受援医院", "县政府", "输出医院"],
                            column_config={"签订日期": st.column_config.DateColumn(format="YYYY-MM-DD"),
                                           "状态": st.column_config.SelectboxColumn(
                                               options=["未签订", "洽谈中", "已签订"])})  # fmt: skip
st.session_state["xz:tert_agreements"] = agreements
for line in check_agreements(agreements, int(year)):
    st.warning(line)

st.subheader(s("t_managers"))
st.caption(s("t_managers_help"))
managers = st.data_editor(pd.DataFrame(columns=MANAGER_COLUMNS), num_rows="dynamic", key="xz:tert_mgr",
                          column_config={"任职开始": st.column_config.DateColumn(format="YYYY-MM-DD"),
                                         "计划结束": st.column_config.DateColumn(format="YYYY-MM-DD"),
                                         "职务": st.column_config.SelectboxColumn(
                                             options=["院长", "副院长", "科室负责人"])})  # fmt: skip
for line in tenure_warnings(managers.dropna(how="all"), tp):
    st.warning(line)

d1, d2 = st.columns(2)
ui.download(s("t_dl_xlsx"), lambda: tertiary_xlsx(tp, agreements, int(year)), "三级医院对口帮扶.xlsx",
            where=d1)
ui.download(s("dl_map"), lambda: tertiary_map_html(tp, lang=view.lang), "三级医院对口帮扶地图.html", where=d2)
