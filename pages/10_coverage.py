"""覆盖分析 / Coverage: who is within T minutes of a county-level-or-above hospital, who is left out, what-if.

Thin: the computation is ``routing.coverage`` (prepare once per scope and source set, evaluate per T), the
map is
``routing.coverage.map``, the exports ``routing.exports``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo._errors import XunzhenError
from geo.facilities import FACILITY_TYPES
from geo.network import active_network
from geo.tables import csv_bytes, xlsx_bytes
from pages import ui
from routing import coverage as cov
from routing.coverage import map as cmap


def s(key: str) -> str:
    """Page string ``coverage.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("coverage." + key)


def _show(frame: pd.DataFrame, columns: list[str], estimated: bool) -> pd.DataFrame:
    """Columns to show, rounded, with headers in the current language (估算 on the estimated network)."""
    cols = [c if not (ui.lang() == "en" and c == "reason_zh") else "reason_en" for c in columns]
    out = frame[[c for c in cols if c in frame.columns]].copy()
    for col, digits in (
        ("minutes", 1),
        ("km", 1),
        ("minutes_before", 1),
        ("minutes_after", 1),
        ("population_est", 0),
        ("covered_population_est", 0),
        ("priority", 0),
    ):
        if col in out:
            out[col] = out[col].round(digits)
    if "covered_share" in out:
        out["covered_share"] = (out["covered_share"] * 100).round(1)
    return ui.localize_table(out, estimated=estimated, labels={"name": s("col_township")})


@st.cache_resource(show_spinner=False, max_entries=24)
def _inputs(
    fingerprint: str, facilities: str, prefecture: str | None, types: tuple[str, ...], _fac: pd.DataFrame
) -> cov.CoverageInputs:
    """Townships × sources matrix for one scope and source set (network and facility table identified by
    their fingerprints; ``_fac`` is the table itself, not hashed)."""
    del fingerprint, facilities  # part of the cache key only
    return cov.prepare(active_network(), prefecture=prefecture, source_types=types, facilities=_fac)


@st.cache_data(show_spinner=False, max_entries=16)
def _areas(
    fingerprint: str, facilities: str, prefecture: str | None, types: tuple[str, ...], minutes: float,
    _fac: pd.DataFrame,
) -> object:
    inputs = _inputs(fingerprint, facilities, prefecture, types, _fac)
    return cov.service_areas(active_network(), inputs.sources, minutes)


view = ui.sidebar_filters(types=False)
ui.page_header("coverage")
st.caption(s("intro"))
data = ui.embedded_data()
network = active_network()
fac, fac_version = ui.working_facilities(), ui.facilities_version()

prefs = data.prefectures.sort_values(["is_focus", "code"], ascending=[False, True])
scope_options = ["", *prefs["name"].tolist()]
c1, c2, c3 = st.columns([1.2, 2, 2.4])
scope = ui.url_widget(
    c1.selectbox,
    "cov_scope",
    "龙岩市",
    valid=scope_options.__contains__,
    label=s("scope"),
    options=scope_options,
    format_func=lambda v: v or s("province"),
)
minutes = ui.url_widget(
    c2.slider,
    "cov_t",
    60,
    valid=lambda v: 15 <= int(v) <= 120,
    parse=int,
    label=s("minutes"),
    min_value=15,
    max_value=120,
    step=5,
)
type_keys = list(cov.DEFAULT_SOURCE_TYPES)
types = (
    ui.url_widget(
        c3.pills,
        "cov_types",
        type_keys,
        valid=lambda v: set(v) <= set(type_keys),
        label=s("sources"),
        options=type_keys,
        selection_mode="multi",
        format_func=lambda k: str(FACILITY_TYPES[k][view.lang]),
    )
    or []
)

try:
    with st.spinner(s("computing")):
        inputs = _inputs(network.fingerprint(), fac_version, scope or None, tuple(types), fac)
except XunzhenError as err:
    ui.show_error(err)
    st.stop()

town = inputs.townships
with st.expander(s("whatif")):
    w1, w2 = st.columns(2)
    placed = town[town["lon"].notna()]
    stop_label = dict(zip(placed["code"], placed["county_name"] + placed["name"], strict=True))
    add = w1.multiselect(
        s("add_stops"), list(stop_label), format_func=stop_label.__getitem__, key="xz:cov_add"
    )
    hosp = inputs.sources
    hosp_label = dict(zip(hosp["source_id"], hosp["prefecture_name"] + " " + hosp["name"], strict=True))
    remove = w2.multiselect(
        s("remove"), list(hosp_label), format_func=hosp_label.__getitem__, key="xz:cov_rm"
    )
show_areas = st.checkbox(s("areas"), key="xz:cov_areas", value=False)

try:
    if add or remove:
        wi = cov.what_if(inputs, network, minutes, add_stops_at=add, remove_source_ids=remove)
        result, changed = wi.after, wi.changed
        sources = cov.add_stops(inputs, network, add).sources if add else inputs.sources
    else:
        wi, changed = None, None
        result, sources = cov.evaluate(inputs, minutes), inputs.sources
except XunzhenError as err:
    ui.show_error(err)
    st.stop()

est = s("est") if result.summary["estimated"] else ""
# offer this result to the scenario store of the 数据 page (kind "coverage": covered × population_est)
ui.store_result("coverage", result.townships)
summ = result.summary
m1, m2, m3, m4 = st.columns(4)
m1.metric(s("share") + est, f"{summ['covered_share']:.1%}")
m2.metric(s("covered_pop") + est, f"{summ['covered_population_est']:,.0f}")
m3.metric(s("townships"), f"{summ['covered_townships']}/{summ['townships']}")
if wi is not None:
    m4.metric(s("delta") + est, f"{wi.delta_covered_population:+,.0f}")
else:
    m4.metric(s("left_out"), f"{summ['left_out_townships']}")
if result.summary["estimated"]:
    st.warning(s("est_note"))
st.caption(s("pop_note"))

areas = None
if show_areas:
    try:
        with st.spinner(s("computing_areas")):
            areas = _areas(
                network.fingerprint(), fac_version, scope or None, tuple(types), float(minutes), fac
            )
    except XunzhenError as err:
        ui.show_error(err)
basemap = view.basemap if not (view.basemap == "tianditu" and not view.tianditu_key) else "none"
try:
    fmap = cmap.coverage_map(
        result,
        sources,
        lang=view.lang,
        areas=areas,
        asset_base_url=ui.asset_base_url(),
        basemap=basemap,
        tianditu_key=view.tianditu_key or None,
    )
    st_folium(fmap, key="cov_map", height=620, use_container_width=True, returned_objects=[])
except XunzhenError as err:
    ui.show_error(err)

tabs = st.tabs([s("tab_left"), s("tab_county"), s("tab_pref"), s("tab_change"), s("tab_all")])
left_cols = [
    "rank",
    "county_name",
    "name",
    "minutes",
    "population_est",
    "reason_zh",
    "nearest_source",
    "priority",
]
ui.show_table(_show(result.left_out, left_cols, inputs.estimated), where=tabs[0], localize=False)
grp_cols = ["townships", "covered_townships", "population_est", "covered_population_est", "covered_share"]
ui.show_table(
    _show(result.by_county, ["prefecture_name", "county_name", *grp_cols], inputs.estimated),
    where=tabs[1],
    localize=False,
)
ui.show_table(
    _show(result.by_prefecture, ["prefecture_name", *grp_cols], inputs.estimated),
    where=tabs[2],
    localize=False,
)
if changed is None or changed.empty:
    tabs[3].info(s("no_change"))
else:
    ch_cols = [
        "county_name",
        "name",
        "population_est",
        "minutes_before",
        "minutes_after",
        "nearest_after",
        "change",
    ]
    ui.show_table(_show(changed, ch_cols, inputs.estimated), where=tabs[3], localize=False)
all_cols = ["county_name", "name", "code", "minutes", "km", "covered", "reason_zh", "nearest_source"]
ui.show_table(_show(result.townships, all_cols, inputs.estimated), where=tabs[4], localize=False)

st.subheader(s("downloads"))
notes = cov.export_notes(result)
stem = f"xunzhen-coverage-{summ['scope']}-{int(minutes)}min"
sheets = cov.coverage_sheets(result)
if changed is not None:
    sheets["假设变化 what-if"] = changed
d1, d2, d3, d4, d5 = st.columns(5)
d1.download_button(
    s("dl_csv"),
    csv_bytes(result.townships),
    file_name=f"{stem}.csv",
    mime="text/csv",
    on_click="ignore",
)
d2.download_button(
    s("dl_xlsx"),
    lambda: xlsx_bytes(sheets, notes),
    file_name=f"{stem}.xlsx",
    on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
d3.download_button(
    s("dl_html"),
    lambda: cmap.coverage_html(result, sources, lang=view.lang, areas=areas).encode("utf-8"),
    file_name=f"{stem}.html",
    mime="text/html",
    on_click="ignore",
)
d4.download_button(
    s("dl_png"),
    lambda: cmap.coverage_static(result, sources, fmt="png", lang=view.lang, areas=areas),
    file_name=f"{stem}.png",
    mime="image/png",
    on_click="ignore",
)
d5.download_button(
    s("dl_pdf"),
    lambda: cmap.coverage_static(result, sources, fmt="pdf", lang=view.lang, areas=areas),
    file_name=f"{stem}.pdf",
    mime="application/pdf",
    on_click="ignore",
)
