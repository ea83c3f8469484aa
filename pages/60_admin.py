"""管理 / Administration (province accounts): the audit log — who changed what, when — filtered and exported;
the accounts of a shared deployment.

Thin: ``routing.accounts`` (``audit_log`` refuses any role but the province, so a guessed URL shows nothing).
"""

from __future__ import annotations

import streamlit as st

from pages import ui
from routing.accounts import AccountStore, audit_csv, audit_log, audit_xlsx
from routing.accounts.audit import readable_detail


def s(key: str, **values: object) -> str:
    """Page string ``admin.<key>`` (pages/ui/i18n.py) in the current language."""
    return ui.t("admin." + key, **values)


view = ui.sidebar_filters(types=False, basemap=False)
ui.page_header("admin")
db, who = ui.database(), ui.account()
with ui.guard():
    log = audit_log(db, who)
st.subheader(s("audit"))
st.caption(s("audit_intro"))
c1, c2 = st.columns(2)
workspaces = ["", *sorted(w for w in log["workspace"].unique() if w)]
accounts = ["", *sorted(log["account"].unique())]
ws = c1.selectbox(s("filter_workspace"), workspaces, key="xz:audit_ws", format_func=lambda w: w or s("all"))
acct = c2.selectbox(s("filter_account"), accounts, key="xz:audit_acct", format_func=lambda a: a or s("all"))
shown = log[(log["workspace"] == ws) if ws else log["workspace"].notna()]
shown = shown[shown["account"] == acct] if acct else shown
ui.show_table(shown.assign(at=shown["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
                           detail=shown["detail"].map(lambda d: readable_detail(d, view.lang))))
d1, d2 = st.columns(2)
ui.download(s("dl_csv"), lambda: audit_csv(shown), "xunzhen-audit.csv", where=d1)
ui.download(s("dl_xlsx"), lambda: audit_xlsx(shown), "xunzhen-audit.xlsx", where=d2)

st.subheader(s("accounts"))
if not ui.auth_enabled():
    st.info(s("no_accounts"))
else:
    st.caption(s("accounts_intro"))
    accounts_table = AccountStore(db).list()
    ui.show_table(accounts_table)
