"""数据 / Data: the workspace's facility table — what it holds, reset, download — and uploads of facility
lists (validation report row by row, column mapping, coordinate system) merged into it; an uploaded hospital
that stands for an embedded placeholder replaces it when the planner confirms.

Thin: reading and validation are ``geo.facilities.upload``, the placeholder check and the merge
``routing.workspace``; every merge is saved as a new version of the workspace's table. Surveyed points and
geocoding are on the 位置 page, saved scenarios on the 方案 page. Text from files is shown through tables or
escaped, never as HTML.
"""

from __future__ import annotations

import streamlit as st

from geo.facilities import upload as up
from geo.tables import csv_bytes
from pages import ui
from routing.workspace import edits, find_placeholders

CRS_LABELS = {"wgs84": "WGS84（GPS、天地图）", "gcj02": "GCJ-02（高德、腾讯）", "bd09": "BD-09（百度）"}


def s(key: str, **values: object) -> str:
    """Page string ``data.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("data." + key, **values)


@st.cache_data(show_spinner=False, max_entries=8)
def read(content: bytes, name: str) -> up.UploadTable:
    """Read an uploaded file once per content."""
    return up.read_upload(content, name=name)


view = ui.sidebar_filters(types=False)
ui.page_header("data")
st.caption(s("intro"))
ui.show_flash()

facilities = ui.working_facilities()
with st.container(border=True):
    st.markdown(f"**{s('working')}**", help=s("working_help"))
    c = st.columns([1, 1, 1, 2, 2])
    counts = edits.facility_counts(facilities)
    c[0].metric(s("w_total"), f"{counts.total:,}")
    c[1].metric(s("w_surveyed"), f"{counts.surveyed:,}")
    c[2].metric(s("w_approx"), f"{counts.approximate:,}")
    if c[3].button(s("reset"), icon=":material/restart_alt:"):
        with ui.guard():
            ui.set_working_facilities(None)
        st.rerun()
    ui.download(s("download_working"), lambda: csv_bytes(facilities.drop(columns="geometry")),
                "xunzhen-facilities.csv", where=c[4])

st.subheader(s("tab_upload"))
file = st.file_uploader(s("upload_label"), type=["csv", "txt", "xlsx"], help=s("upload_help"),
                        key="xz:upload")
if file is None:
    st.stop()
with ui.guard():
    table = read(file.getvalue(), file.name)
info = s("read_info", rows=len(table.rows), encoding=table.encoding, header=table.header_row, sheet="")
if table.sheet:
    info = s("read_info_sheet", rows=len(table.rows), encoding=table.encoding, header=table.header_row,
             sheet=table.sheet)
st.caption(ui.md_escape(info))
for note in table.notes:
    st.caption(ui.md_escape(note))
mapping: dict[str, str] = {}
if table.unmapped:
    st.markdown(f"**{s('mapping')}**")
    cols = st.columns(min(3, len(table.unmapped)))
    for i, header in enumerate(table.unmapped):
        choice = cols[i % len(cols)].selectbox(
            ui.md_escape(header), options=["", *up.FIELDS], key=f"xz:map:{i}:{header}",
            format_func=lambda f: s("ignore") if not f else up.FIELD_LABELS[f][view.lang],
        )
        if choice:
            mapping[header] = choice
c1, c2 = st.columns(2)
crs_choice = c1.selectbox(s("crs"), ["auto", *CRS_LABELS], key="xz:upload_crs",
                          format_func=lambda k: s("crs_auto") if k == "auto" else CRS_LABELS[k])
fix = c2.checkbox(s("fix_swapped"), key="xz:upload_fix")
with ui.guard(), st.spinner(s("validating")):
    result = up.validate_upload(table, mapping, crs=None if crs_choice == "auto" else crs_choice,
                                fix_swapped=fix)

m = st.columns(4)
m[0].metric(s("m_rows"), result.n_rows)
m[1].metric(s("m_accepted"), len(result.accepted))
m[2].metric(s("m_fixed"), len({p.row for p in result.problems if p.severity == "fixed" and p.row}))
m[3].metric(s("m_rejected"), len(result.rejected))
st.markdown(f"**{s('problems')}**")
if result.problems:
    ui.show_table(result.problems_table(view.lang))
else:
    st.success(s("no_problems"))
if len(result.rejected):
    st.markdown(f"**{s('rejected')}**")
    st.dataframe(result.rejected, hide_index=True, width="stretch")
    ui.download(s("download_rejected"), result.rejected_csv(view.lang), f"rejected-{file.name}.csv")
if len(result.accepted):
    with st.expander(f"{s('accepted')}（{len(result.accepted)}）"):
        ui.show_table(result.accepted)
    proposals = find_placeholders(facilities, result.accepted)
    if len(proposals):
        st.warning(s("placeholders"))
        chosen = [st.checkbox(s("placeholder_row", upload=p.upload_name, placeholder=p.placeholder_name,
                                km=p.distance_km), value=True, key=f"xz:ph:{p.placeholder_id}")
                  for p in proposals.itertuples()]
        proposals = proposals[chosen]
    if st.button(s("apply"), type="primary", icon=":material/merge:"):
        with ui.guard():
            updated, report = edits.merge_upload(facilities, result.accepted, replacements=proposals)
            ui.set_working_facilities(updated, note=f"upload {file.name}")
        first = report.iloc[0]  # the 位置 page opens on the first uploaded facility
        st.session_state["xz:survey_county"] = str(result.accepted.iloc[0]["county_code"])
        st.session_state["xz:survey_facility"] = str(first["facility_id"])
        actions = report["action"].value_counts()
        ui.flash(s("applied", moved=int(actions.get("moved", 0)), added=int(actions.get("added", 0)),
                   replaced=int(actions.get("replaced placeholder", 0))), report)
