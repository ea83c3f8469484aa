"""方案 / Scenarios: snapshots of the current workspace — its facility table with the results of the other
pages — saved, opened (the snapshot becomes the workspace's table again), renamed, deleted, compared (B − A).

Thin: storage and comparison are ``routing.scenarios``. Names are shown as typed (tables and option lists
do not render Markdown; messages escape it).
"""

from __future__ import annotations

import streamlit as st

from pages import ui
from routing import scenarios as sc


def s(key: str, **values: object) -> str:
    """Page string ``data.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("data." + key, **values)


view = ui.sidebar_filters(types=False)
ui.page_header("scenarios")
ui.show_flash()
with ui.guard():
    db = sc.ScenarioStore(db=ui.database(), workspace=ui.workspace_name(), actor=ui.account())
results = ui.results()
with st.form("xz:save_form"):
    st.markdown(f"**{s('save_title')}**")
    f1, f2 = st.columns([1, 2])
    name = f1.text_input(s("name"))
    notes = f2.text_input(s("notes"))
    overwrite = st.checkbox(s("overwrite"))
    if st.form_submit_button(s("save"), type="primary"):
        with ui.guard():
            scenario = sc.snapshot(name, ui.working_facilities(), results, notes=notes,
                                   parameters={"prefectures": list(view.prefectures)})
            sid = db.save(scenario, overwrite=overwrite)
        kinds = "、".join(ui.t(f"data.kind_{k}") for k in results) or s("none")
        st.success(ui.md_escape(s("saved", id=sid, kinds=kinds)))

listing = db.list()
st.markdown(f"**{s('saved_list')}**")
if listing.empty:
    st.info(s("empty"))
    st.stop()
ui.show_table(listing)
names = dict(zip([int(i) for i in listing["id"]], listing["name"], strict=True))
pick = st.selectbox(s("pick"), list(names), key="xz:scen_pick", format_func=names.__getitem__)
a1, a2, a3 = st.columns(3)
if a1.button(s("open"), key="xz:scen_open"):
    with ui.guard():
        opened = db.open(pick)
    with ui.guard():
        if opened.facilities is not None:
            ui.set_working_facilities(opened.facilities, note=f"scenario {opened.name}")
    st.session_state[ui.RESULTS] = opened.results
    ui.flash(ui.md_escape(s("opened", name=opened.name)))
new_name = a2.text_input(s("new_name"), key="xz:scen_new_name")
if a2.button(s("rename"), key="xz:scen_rename"):
    with ui.guard():
        db.rename(pick, new_name)
    st.rerun()
sure = a3.checkbox(s("confirm_delete"), key="xz:scen_sure")
if a3.button(s("delete"), disabled=not sure, key="xz:scen_delete"):
    with ui.guard():
        db.delete(pick)
    st.rerun()
if len(names) >= 2:
    st.markdown(f"**{s('compare_title')}**")
    b1, b2 = st.columns(2)
    ids = list(names)
    a = b1.selectbox("A", ids, index=1, key="xz:cmp_a", format_func=names.__getitem__)
    b = b2.selectbox("B", ids, index=0, key="xz:cmp_b", format_func=names.__getitem__)
    with ui.guard():
        comparison = db.compare(a, b)
    if comparison.estimated:
        st.caption(f":orange-badge[{ui.t('common.network_estimated_badge')}] {s('estimated_note')}")
    ui.show_table(comparison.table(view.lang))
    if len(comparison.changed_pairings):
        st.markdown(f"**{s('changed')}**（{len(comparison.changed_pairings)}）")
        ui.show_table(comparison.changes(view.lang))
