"""数据与上传 / Data: upload facility lists (validation report, column mapping),
surveyed locations by map click,
geocoding, and saved scenarios (save, open, rename, delete, compare).

Thin: reading/validation is ``geo.facilities.upload``, geocoding
``geo.geocoding``, storage ``routing.scenarios``.
The page keeps a *working facility table* in ``st.session_state["xz:working_facilities"]`` (the embedded table
until the planner uploads or moves facilities) and saves it with a scenario; results other pages leave in
``st.session_state["xz:results"]`` (kind → DataFrame) are saved with it too. Text from files is shown through
``st.dataframe``/``st.text`` or escaped, never as HTML.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import geocoding, maps
from geo._errors import XunzhenError
from geo.coords import haversine_km, to_wgs84, wgs84_to_gcj02
from geo.facilities import FACILITY_TYPES
from geo.facilities import upload as up
from pages import ui
from routing import scenarios as sc

WORK = ui.WORKING_FACILITIES
RESULTS = ui.RESULTS
FLASH = "xz:data_flash"



def s(key: str, **values: object) -> str:
    """Page string ``data.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("data." + key, **values)


def md(text: object) -> str:
    """Escape Markdown in text from files or users (widget labels and messages render Markdown)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


@st.cache_resource(show_spinner=False)
def store() -> sc.ScenarioStore:
    """The scenario database (SQLite in the user data dir unless XUNZHEN_DATABASE_URL says otherwise)."""
    return sc.ScenarioStore()


@st.cache_data(show_spinner=False, max_entries=8)
def read(content: bytes, name: str, sheet: str | None) -> up.UploadTable:
    """Read an uploaded file once per content."""
    return up.read_upload(content, name=name, sheet=sheet)


def flash(message: str, table: pd.DataFrame | None = None) -> None:
    """Keep a success message (and table) for the next run, then rerun so every count is current."""
    st.session_state[FLASH] = (message, table)
    st.rerun()


def working() -> pd.DataFrame:
    """The working facility table (the embedded one until changed)."""
    if WORK not in st.session_state:
        st.session_state[WORK] = ui.embedded_data().facilities.copy()
    return st.session_state[WORK]


view = ui.sidebar_filters(types=False)
ui.page_header("data")
st.caption(s("intro"))
lang = view.lang
if FLASH in st.session_state:
    _message, _table = st.session_state.pop(FLASH)
    st.success(_message)
    if _table is not None:
        ui.show_table(_table)

# --- the working table ------------------------------------------------------------------------------
facilities = working()
with st.container(border=True):
    st.markdown(f"**{s('working')}**", help=s("working_help"))
    c = st.columns([1, 1, 1, 2, 2])
    surveyed = int((facilities["location_quality"] == "surveyed").sum())
    c[0].metric(s("w_total"), f"{len(facilities):,}")
    c[1].metric(s("w_surveyed"), f"{surveyed:,}")
    c[2].metric(
        s("w_approx"), f"{int(facilities['location_quality'].str.startswith('approximate').sum()):,}"
    )
    if c[3].button(s("reset"), icon=":material/restart_alt:"):
        st.session_state[WORK] = ui.embedded_data().facilities.copy()
        st.rerun()
    c[4].download_button(
        s("download_working"),
        facilities.drop(columns="geometry", errors="ignore").to_csv(index=False).encode("utf-8-sig"),
        file_name="xunzhen-facilities.csv",
        mime="text/csv",
        icon=":material/download:",
    )

tab_upload, tab_survey, tab_geocode, tab_scen = st.tabs(
    [s("tab_upload"), s("tab_survey"), s("tab_geocode"), s("tab_scenarios")]
)

# --- upload -----------------------------------------------------------------------------------------
with tab_upload:
    file = st.file_uploader(
        s("upload_label"), type=["csv", "txt", "xlsx"], help=s("upload_help"), key="xz:upload"
    )
    table = None
    if file is not None:
        try:
            table = read(file.getvalue(), file.name, None)
        except XunzhenError as err:
            ui.show_error(err)
    if table is not None:
        sheet = (
            f"，工作表 {table.sheet}"
            if table.sheet and lang == "zh"
            else (f", sheet {table.sheet}" if table.sheet else "")
        )
        st.caption(
            md(
                s(
                    "read_info",
                    rows=len(table.rows),
                    encoding=table.encoding,
                    header=table.header_row,
                    sheet=sheet,
                )
            )
        )
        for note in table.notes:
            st.caption(md(note))
        mapping: dict[str, str | None] = {}
        if table.unmapped:
            st.markdown(f"**{s('mapping')}**")
            cols = st.columns(min(3, len(table.unmapped)))
            for i, header in enumerate(table.unmapped):
                choice = cols[i % len(cols)].selectbox(
                    md(header),
                    options=["", *up.FIELDS],
                    key=f"xz:map:{i}:{header}",
                    format_func=lambda f: s("ignore") if not f else " / ".join(up.FIELD_LABELS[f]),
                )
                if choice:
                    mapping[header] = choice
        c1, c2 = st.columns(2)
        crs_choice = c1.selectbox(
            s("crs"),
            ["auto", "wgs84", "gcj02", "bd09"],
            key="xz:upload_crs",
            format_func=lambda k: {
                "auto": s("crs_auto"),
                "wgs84": "WGS84（GPS、天地图）",
                "gcj02": "GCJ-02（高德、腾讯）",
                "bd09": "BD-09（百度）",
            }[k],
        )
        fix = c2.checkbox(s("fix_swapped"), key="xz:upload_fix")
        try:
            with st.spinner(s("validating")):
                result = up.validate_upload(
                    table, mapping, crs=None if crs_choice == "auto" else crs_choice, fix_swapped=fix
                )
        except XunzhenError as err:
            ui.show_error(err)
            result = None
        if result is not None:
            fixed = len({p.row for p in result.problems if p.severity == "fixed" and p.row is not None})
            m = st.columns(4)
            m[0].metric(s("m_rows"), result.n_rows)
            m[1].metric(s("m_accepted"), len(result.accepted))
            m[2].metric(s("m_fixed"), fixed)
            m[3].metric(s("m_rejected"), len(result.rejected))
            st.markdown(f"**{s('problems')}**")
            if result.problems:
                st.dataframe(result.problems_table(lang), hide_index=True, width="stretch")
            else:
                st.success(s("no_problems"))
            if len(result.rejected):
                st.markdown(f"**{s('rejected')}**")
                st.dataframe(result.rejected, hide_index=True, width="stretch")
                st.download_button(
                    s("download_rejected"),
                    result.rejected_csv(lang),
                    file_name=f"rejected-{file.name}.csv",
                    mime="text/csv",
                    icon=":material/download:",
                )
            if len(result.accepted):
                with st.expander(f"{s('accepted')}（{len(result.accepted)}）"):
                    ui.show_table(result.accepted)
                if st.button(s("apply"), type="primary", icon=":material/merge:"):
                    updated, report = up.apply_surveyed_locations(working(), result.accepted)
                    st.session_state[WORK] = updated
                    first = result.accepted.iloc[0]  # show the first uploaded facility on the survey map
                    st.session_state["xz:survey_county"] = str(first["county_code"])
                    st.session_state["xz:survey_facility"] = str(report["facility_id"].iloc[0])
                    flash(
                        s(
                            "applied",
                            moved=int((report["action"] == "moved").sum()),
                            added=int((report["action"] == "added").sum()),
                        ),
                        report,
                    )

# --- surveyed locations by map click ------------------------------------------------------------------
with tab_survey:
    st.caption(s("survey_intro"))
    facilities = working()
    scope = (
        facilities[facilities["prefecture_code"].isin(view.prefectures)]
        if view.prefectures
        else facilities
    )
    counties = sorted(
        {
            (str(r.county_code), f"{r.prefecture_name} {r.county_name}")
            for r in scope.itertuples()
            if r.county_code
        }
    )
    if counties:
        c1, c2 = st.columns(2)
        if st.session_state.get("xz:survey_county") not in dict(counties):
            st.session_state.pop("xz:survey_county", None)
        county = c1.selectbox(
            s("county"),
            [c for c, _ in counties],
            format_func=dict(counties).__getitem__,
            key="xz:survey_county",
        )
        in_county = scope[scope["county_code"] == county].sort_values(["facility_type", "name"])
        labels = {
            str(
                r.facility_id
            ): f"{r.name}（{FACILITY_TYPES.get(r.facility_type, {}).get(lang, r.facility_type)}）"
            for r in in_county.itertuples()
        }
        if st.session_state.get("xz:survey_facility") not in labels:
            st.session_state.pop("xz:survey_facility", None)
        fid = c2.selectbox(
            s("facility"), list(labels), format_func=labels.__getitem__, key="xz:survey_facility"
        )
        row = in_county[in_county["facility_id"] == fid].iloc[0]
        basemap = view.basemap if view.basemap != "tianditu" or view.tianditu_key else "none"
        overlay_crs = maps.BASEMAPS[basemap].overlay_crs
        try:
            base = maps.base_map(basemap=basemap, lang=lang, tianditu_key=view.tianditu_key,
                                 asset_base_url=ui.asset_base_url())
            layers = maps.facility_layers(in_county, lang=lang, crs=overlay_crs)
            cx, cy = (float(row["lon"]), float(row["lat"]))
            if overlay_crs == "gcj02":
                cx, cy = (float(v) for v in wgs84_to_gcj02(cx, cy))
            out = st_folium(
                base,
                key="survey_map",
                height=480,
                use_container_width=True,
                returned_objects=["last_clicked"],
                feature_group_to_add=layers,
                center=(cy, cx),
                zoom=13,
            )
        except XunzhenError as err:
            ui.show_error(err)
            out = None
        clicked = (out or {}).get("last_clicked")
        if clicked:
            wx, wy = (float(v) for v in to_wgs84(clicked["lng"], clicked["lat"], overlay_crs))
            d = float(haversine_km(row["lon"], row["lat"], wx, wy)) * 1000
            st.info(s("clicked", lon=clicked["lng"], lat=clicked["lat"], crs=overlay_crs.upper(), d=d))
        if st.button(
            s("set_surveyed"),
            type="primary",
            disabled=not clicked,
            key="xz:survey_set",
            help=None if clicked else s("click_first"),
        ):
            try:
                st.session_state[WORK] = up.set_surveyed_location(
                    working(),
                    fid,
                    clicked["lng"],
                    clicked["lat"],
                    crs=overlay_crs,
                    source="surveyed: map click (数据 page)",
                )
                flash(md(s("moved", name=row["name"])))
            except XunzhenError as err:
                ui.show_error(err)
        with st.expander(s("manual")):
            m1, m2, m3, m4 = st.columns([2, 2, 2, 1])
            lon = m1.number_input(s("lon"), value=float(row["lon"]), format="%.6f", key="xz:survey_lon")
            lat = m2.number_input(s("lat"), value=float(row["lat"]), format="%.6f", key="xz:survey_lat")
            crs_in = m3.selectbox(s("crs_of_input"), ["wgs84", "gcj02", "bd09"], key="xz:survey_crs")
            if m4.button(s("set_surveyed"), key="xz:survey_manual"):
                try:
                    st.session_state[WORK] = up.set_surveyed_location(
                        working(), fid, lon, lat, crs=crs_in, source="surveyed: typed (数据 page)"
                    )
                    flash(md(s("moved", name=row["name"])))
                except XunzhenError as err:
                    ui.show_error(err)

# --- geocoding ----------------------------------------------------------------------------------------
with tab_geocode:
    st.caption(s("geocode_intro"))
    g1, g2, g3 = st.columns([3, 1, 2])
    query = g1.text_input(s("query"), value="福建省龙岩市漳平市双洋镇卫生院", key="xz:geo_query")
    provider = g2.selectbox(s("provider"), list(geocoding.PROVIDERS), key="xz:geo_provider")
    key = g3.text_input(
        s("api_key"), type="password", key="xz:geo_key", disabled=provider in ("offline", "nominatim")
    )
    if st.button(s("geocode"), key="xz:geo_run"):
        try:
            with st.spinner(s("geocoding")):
                r = geocoding.geocode(query, provider, api_key=key or None)  # type: ignore[arg-type]
            ui.show_table(pd.DataFrame([r.as_dict()]))
        except XunzhenError as err:
            ui.show_error(err)

# --- scenarios ----------------------------------------------------------------------------------------
with tab_scen:
    try:
        db = store()
    except XunzhenError as err:
        ui.show_error(err)
        db = None
    if db is not None:
        st.caption(md(s("db", url=db.safe_url)))
        results = dict(st.session_state.get(RESULTS, {}))
        with st.form("xz:save_form"):
            st.markdown(f"**{s('save_title')}**")
            f1, f2 = st.columns([1, 2])
            name = f1.text_input(s("name"))
            notes = f2.text_input(s("notes"))
            overwrite = st.checkbox(s("overwrite"))
            if st.form_submit_button(s("save"), type="primary"):
                try:
                    scenario = sc.Scenario(
                        name=name,
                        facilities=working(),
                        results=results,
                        notes=notes,
                        parameters={"prefectures": list(view.prefectures)},
                    )
                    # headline figures from the results (NaN, i.e. no such result, is left out)
                    figures = {"covered_population": sc.covered_population, "drive_km": sc.drive_km}
                    scenario.metrics = {k: v for k, f in figures.items() if (v := f(scenario)) == v}
                    sid = db.save(scenario, overwrite=overwrite)
                    kinds = "、".join(ui.t(f"data.kind_{k}") for k in results) or s("none")
                    st.success(md(s("saved", id=sid, kinds=kinds)))
                except XunzhenError as err:
                    ui.show_error(err)
        listing = db.list()
        st.markdown(f"**{s('saved_list')}**")
        if listing.empty:
            st.info(s("empty"))
        else:
            ui.show_table(listing)
            names = list(listing["name"])
            pick = st.selectbox(s("pick"), names, key="xz:scen_pick", format_func=md)
            a1, a2, a3 = st.columns(3)
            if a1.button(s("open"), key="xz:scen_open"):
                opened = db.open(pick)
                if opened.facilities is not None:
                    st.session_state[WORK] = opened.facilities
                st.session_state[RESULTS] = opened.results
                flash(md(s("opened", name=opened.name)))
            new_name = a2.text_input(s("new_name"), key="xz:scen_new_name")
            if a2.button(s("rename"), key="xz:scen_rename"):
                try:
                    db.rename(pick, new_name)
                    st.rerun()
                except XunzhenError as err:
                    ui.show_error(err)
            sure = a3.checkbox(s("confirm_delete"), key="xz:scen_sure")
            if a3.button(s("delete"), disabled=not sure, key="xz:scen_delete"):
                db.delete(pick)
                st.rerun()
            if len(names) >= 2:
                st.markdown(f"**{s('compare_title')}**")
                b1, b2 = st.columns(2)
                a = b1.selectbox("A", names, index=1, key="xz:cmp_a", format_func=md)
                b = b2.selectbox("B", names, index=0, key="xz:cmp_b", format_func=md)
                comparison = db.compare(a, b)
                if comparison.estimated:
                    badge = ui.t("common.network_estimated_badge")
                    st.caption(f":orange-badge[{badge}] {s('estimated_note')}")
                ui.show_table(comparison.table(lang))
                if len(comparison.changed_pairings):
                    st.markdown(f"**{s('changed')}**（{len(comparison.changed_pairings)}）")
                    ui.show_table(comparison.changed_pairings)
