"""工作区 / Workspace: what the current workspace holds (every input table and its saved versions), other
input tables (capacities, holidays …) imported from files, a new workspace, deleting this one.

Thin: storage is ``routing.workspace`` (versioned tables, scope-checked, audited); file readers are
``routing.workspace.inputs``.
"""

from __future__ import annotations

import streamlit as st

from pages import ui
from routing.accounts.roles import scope_options
from routing.workspace.inputs import INPUT_KINDS, import_file


def s(key: str, **values: object) -> str:
    """Page string ``workspace.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("workspace." + key, **values)


view = ui.sidebar_filters(types=False, basemap=False)
ui.page_header("workspace")
ui.show_flash()
store = ui.workspace_store()
with ui.guard():
    ws = ui.current_workspace()
    history = store.history(ws.name)
st.subheader(ws.name)
st.caption(s("scope", scope=ws.scope_name, by=ws.created_by or "—", at=f"{ws.updated_at:%Y-%m-%d %H:%M}"))
if history.empty:
    st.info(ui.t("common.data_embedded", n=f"{len(ui.embedded_data().facilities):,}"))
else:
    st.markdown(f"**{s('history')}**")
    ui.show_table(history)

st.subheader(s("inputs"))
st.caption(s("inputs_help"))
kinds = [k for k in INPUT_KINDS if k != "facilities"]
c1, c2 = st.columns([1, 2])
kind = c1.selectbox(s("input_kind"), kinds, key="xz:ws_kind",
                    format_func=lambda k: INPUT_KINDS[k].zh if view.lang == "zh" else INPUT_KINDS[k].en)
entry = INPUT_KINDS[kind]
if entry.read is None:
    c2.info(s("input_not_ready", kind=entry.zh if view.lang == "zh" else entry.en))
else:
    file = c2.file_uploader(s("input_file"), type=["csv", "txt", "xlsx"], key=f"xz:ws_file:{kind}")
    if file is not None and c2.button(s("input_import"), type="primary", key="xz:ws_import"):
        with ui.guard():
            report = import_file(store, ws.name, kind, file.getvalue(), file_name=file.name)
        ui.flash("\n\n".join(ui.md_escape(line) for line in report.text(view.lang)), report.table)

st.subheader(s("new"))
options = scope_options(store.actor)
with st.form("xz:ws_new"):
    n1, n2 = st.columns([2, 1])
    new_name = n1.text_input(s("new_name"))
    scope = n2.selectbox(s("new_scope"), list(options), format_func=options.__getitem__)
    if st.form_submit_button(s("create"), type="primary"):
        with ui.guard():
            created = store.create_in(new_name, scope)
        ui.set_setting("ws", created.name)
        ui.flash(ui.md_escape(s("created", name=created.name)))

with st.expander(s("delete")):
    sure = st.checkbox(s("delete_confirm"), key="xz:ws_sure")
    if st.button(s("delete"), disabled=not sure, key="xz:ws_delete", type="primary"):
        with ui.guard():
            store.delete(ws.name)
        ui.set_setting("ws", "")
        st.session_state.pop("xz:ws", None)
        ui.flash(ui.md_escape(s("deleted", name=ws.name)))
