"""覆盖分析 / Coverage: who is within T minutes of a county-level-or-above hospital, who is left out, what-if.

Thin: the computation is ``routing.coverage`` (``prepare`` once per scope and source set, ``run_coverage``
per T and what-if), the map ``routing.coverage.map``, the tables and files ``routing.coverage.explore``.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.facilities import FACILITY_TYPES
from geo.network import active_network
from pages import ui
from routing import coverage as cov
from routing.coverage import explore
from routing.coverage import map as cmap


def s(key: str) -> str:
    """Page string ``coverage.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("coverage." + key)


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
) -> gpd.GeoDataFrame:
    inputs = _inputs(fingerprint, facilities, prefecture, types, _fac)
    return cov.service_areas(active_network(), inputs.sources, minutes)


view = ui.sidebar_filters(types=False)
ui.page_header("coverage")
st.caption(s("intro"))
network = active_network()
fac, fac_version = ui.working_facilities(), ui.facilities_version()
prefs = ui.embedded_data().prefectures.sort_values(["is_focus", "code"], ascending=[False, True])
scope_options = ["", *prefs["name"].tolist()]
c1, c2, c3 = st.columns([1.2, 2, 2.4])
scope = ui.url_widget(c1.selectbox, "cov_scope", "龙岩市", valid=scope_options.__contains__, label=s("scope"),
                      options=scope_options, format_func=lambda v: v or s("province"))
minutes = ui.url_widget(c2.slider, "cov_t", 60, valid=lambda v: 15 <= int(v) <= 120, parse=int,
                        label=s("minutes"), min_value=15, max_value=120, step=5)
type_keys = list(cov.DEFAULT_SOURCE_TYPES)
types = ui.url_widget(c3.pills, "cov_types", type_keys, valid=lambda v: set(v) <= set(type_keys),
                      label=s("sources"), options=type_keys, selection_mode="multi",
                      format_func=lambda k: str(FACILITY_TYPES[k][view.lang])) or []
key = (network.fingerprint(), fac_version, scope or None, tuple(types))
with ui.guard(), st.spinner(s("computing")):
    inputs = _inputs(*key, fac)

with st.expander(s("whatif")):
    w1, w2 = st.columns(2)
    stops, hosp = explore.stop_options(inputs), explore.source_options(inputs)
    add = w1.multiselect(s("add_stops"), list(stops), format_func=stops.__getitem__, key="xz:cov_add")
    remove = w2.multiselect(s("remove"), list(hosp), format_func=hosp.__getitem__, key="xz:cov_rm")
show_areas = st.checkbox(s("areas"), key="xz:cov_areas", value=False)
with ui.guard():
    run = explore.run_coverage(inputs, network, minutes, add_stops_at=add, remove_source_ids=remove)

ui.store_result("coverage", run.result.townships)  # offered to the scenario store of the 数据 page
est, summ = (s("est") if run.estimated else ""), run.result.summary
m1, m2, m3, m4 = st.columns(4)
m1.metric(s("share") + est, f"{summ['covered_share']:.1%}")
m2.metric(s("covered_pop") + est, f"{summ['covered_population_est']:,.0f}")
m3.metric(s("townships"), f"{summ['covered_townships']}/{summ['townships']}")
if run.what_if is not None:
    m4.metric(s("delta") + est, f"{run.what_if.delta_covered_population:+,.0f}")
else:
    m4.metric(s("left_out"), f"{summ['left_out_townships']}")
if run.estimated:
    st.warning(s("est_note"))
st.caption(s("pop_note"))

areas = None
if show_areas:
    with ui.guard(stop=False), st.spinner(s("computing_areas")):
        areas = _areas(*key, float(minutes), fac)
basemap = ui.effective_basemap(view)
asset_url = ui.asset_base_url()
with ui.guard(stop=False):  # the drawn map is cached per result: the same view again costs nothing
    ui.folium_map(
        lambda: cmap.coverage_map(run.result, run.sources, lang=view.lang, areas=areas, basemap=basemap,
                                  asset_base_url=asset_url, tianditu_key=view.tianditu_key or None),
        (*key, float(minutes), tuple(add), tuple(remove), show_areas, view.lang, basemap, view.tianditu_key,
         asset_url), list, (), key="cov_map", height=620)

tables = explore.display_tables(run, view.lang)
tabs = dict(zip(["left_out", "by_county", "by_prefecture", "changed", "townships"],
                st.tabs([s("tab_left"), s("tab_county"), s("tab_pref"), s("tab_change"), s("tab_all")]),
                strict=True))
for name, tab in tabs.items():
    if name in tables:
        ui.show_table(tables[name], where=tab, estimated=run.estimated, labels={"name": s("col_township")})
    else:
        tab.info(s("no_change"))

st.subheader(s("downloads"))
ui.cjk_font_notice()
for col, file in zip(st.columns(5), explore.downloads(run, lang=view.lang, areas=areas), strict=True):
    ui.download(s("dl_" + file.kind), file.data, file.file_name, where=col)
