"""xunzhen (巡诊) — the Streamlit app: ``streamlit run app.py`` (or ``make run``).

This file is only the frame: page settings, the language switch, who is signed in, the current workspace,
and the navigation. Every page is a file ``pages/NN_name.py`` (found automatically, ordered by ``NN``; title
and icon from ``pages/ui/i18n.PAGES``); ``pages/ui/`` is the helper package, never a page, because the
navigation below is explicit (``st.navigation``). Streamlit only learns that on the first run through this
file: a fresh server opened on a direct link (``/coverage``) would run the page alone, so every page calls
``ui.require_app_frame()`` (through ``ui.sidebar_filters``/``ui.page_header``), which reruns such a session
through this frame.

With ``XUNZHEN_AUTH=on`` (a shared deployment) the only page is the login form until someone signs in; the
管理 page (audit log) is listed for province accounts only, and refuses others itself.
"""

from __future__ import annotations

import logging

import streamlit as st

from pages import ui
from pages.ui import i18n as _i18n

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="巡诊 xunzhen", page_icon="🩺", layout="wide", initial_sidebar_state="expanded")
ui.frame_started()  # a direct link (…/coverage) on a fresh server reruns through here: pages/ui/frame.py
ui.static_assets_ready()

lang = ui.language_switch()
ui.widget_texts()
with ui.guard():  # the last boundary: a bug on any page is one "internal error" line, never a traceback
    who = ui.current_account()
    if who is None:
        st.navigation([st.Page(ui.login_page, title=ui.t("login.title"), icon=":material/login:")]).run()
        st.stop()
    ui.account_box()
    ui.workspace_switch()
    pages = []
    for path in ui.page_files():
        name = ui.page_name(path)
        if name == "admin" and who.role != "province":
            continue
        pages.append(
            st.Page(
                str(path.relative_to(ui.APP_DIR)),
                title=_i18n.page_title(name, lang),
                icon=_i18n.page_icon(name),
                url_path=None if name == "home" else name,
                default=name == "home",
            )
        )
    st.sidebar.caption(f"**{ui.t('common.app_name')}** · {ui.t('common.app_tagline')}")
    st.navigation(pages, position="sidebar").run()
