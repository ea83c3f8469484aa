"""Shared UI helpers for every page — a small package, re-exported here so pages write ``ui.<name>``.

A page is thin::

    import streamlit as st
    from pages import ui

    view = ui.sidebar_filters()          # language, prefectures, facility types, basemap (all in the URL)
    ui.page_header("coverage")           # title + which road network is active (估算 when estimated)
    minutes = ui.url_widget(st.slider, "minutes", 60, label=ui.t("coverage.minutes"), min_value=10, ...)
    with ui.guard():                     # the one error boundary: message, or one "internal error" line
        result = library_function(ui.working_facilities(), minutes)
    ui.show_table(result.table)
    ui.download(ui.t("coverage.dl_csv"), result.csv_bytes, "coverage.csv")

Modules: ``state`` (language, settings kept in the URL), ``account`` (who is signed in; login),
``workspace`` (the current workspace: working facility table and every input table, in the database),
``data`` (embedded data, results, web assets), ``frame`` (sidebar, header, page list), ``tables``
(localised tables), ``errors`` (the error boundary), ``widgets`` (downloads, Markdown escaping), ``maps``
(cached folium maps), ``i18n`` (every string).
"""

from __future__ import annotations

from pages.ui.account import account, account_box, auth_enabled, current_account, database, login_page
from pages.ui.data import (
    APP_DIR,
    RESULTS,
    EmbeddedData,
    asset_base_url,
    embedded_data,
    frame_version,
    results,
    static_assets_ready,
    store_result,
)
from pages.ui.errors import guard, show_error, show_internal_error
from pages.ui.frame import (
    View,
    effective_basemap,
    frame_started,
    language_switch,
    network_status,
    page_files,
    page_header,
    page_links,
    page_name,
    require_app_frame,
    sidebar_filters,
    widget_texts,
)
from pages.ui.maps import folium_map
from pages.ui.state import lang, set_setting, t, url_param, url_widget
from pages.ui.tables import ESTIMATED_COLUMNS, TYPE_COLUMNS, column_label, localize_table, show_table
from pages.ui.widgets import cjk_font_notice, download, flash, md_escape, show_flash
from pages.ui.workspace import (
    current_workspace,
    data_source_line,
    facilities_version,
    kept_table,
    load_table,
    save_table,
    set_working_facilities,
    uses_planner_data,
    working_facilities,
    workspace_name,
    workspace_store,
    workspace_switch,
)

__all__ = [
    "APP_DIR",
    "ESTIMATED_COLUMNS",
    "RESULTS",
    "TYPE_COLUMNS",
    "EmbeddedData",
    "View",
    "account",
    "account_box",
    "asset_base_url",
    "auth_enabled",
    "cjk_font_notice",
    "column_label",
    "current_account",
    "current_workspace",
    "data_source_line",
    "database",
    "download",
    "effective_basemap",
    "embedded_data",
    "facilities_version",
    "flash",
    "folium_map",
    "frame_started",
    "frame_version",
    "guard",
    "kept_table",
    "lang",
    "language_switch",
    "load_table",
    "localize_table",
    "login_page",
    "md_escape",
    "network_status",
    "page_files",
    "page_header",
    "page_links",
    "page_name",
    "require_app_frame",
    "results",
    "save_table",
    "set_setting",
    "set_working_facilities",
    "show_error",
    "show_flash",
    "show_internal_error",
    "show_table",
    "sidebar_filters",
    "static_assets_ready",
    "store_result",
    "t",
    "url_param",
    "url_widget",
    "uses_planner_data",
    "widget_texts",
    "working_facilities",
    "workspace_name",
    "workspace_store",
    "workspace_switch",
]
