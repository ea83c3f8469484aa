"""Small widgets every page needs: one-click downloads without a rerun, text from users shown verbatim."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from pages.ui.state import t
from pages.ui.tables import show_table
from routing.exports import cjk_font_available

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "png": "image/png",
    "pdf": "application/pdf",
    "json": "application/json",
}


def md_escape(text: object) -> str:
    """Text from files or users made literal inside Markdown (``st.markdown``, ``st.success``, labels).

    Only for elements that render Markdown: option lists (``format_func``), tables and ``st.text`` show text
    as it is and must get the plain text, else the backslashes show.
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text))


_FLASH = "xz:_flash"


def flash(message: str, table: pd.DataFrame | None = None) -> None:
    """Keep a success message (and a table) for the next run, then rerun so every count on the page is
    current; :func:`show_flash` (called near the top of the page) shows it once."""
    st.session_state[_FLASH] = (message, table)
    st.rerun()


def show_flash() -> None:
    """Show the message a previous run left with :func:`flash` (once)."""
    if _FLASH in st.session_state:
        text, table = st.session_state.pop(_FLASH)
        st.success(text)
        if table is not None:
            show_table(table)


@st.cache_resource(show_spinner=False)
def _cjk_font() -> bool:
    return cjk_font_available()


def cjk_font_notice(where: Any = None) -> bool:
    """Warn when static maps and PDFs would print Chinese as boxes; True when a CJK font exists."""
    ok = _cjk_font()
    if not ok:
        (where or st).warning(t("common.no_cjk_font"), icon=":material/font_download_off:")
    return ok


def download(
    label: str,
    data: bytes | str | Callable[[], bytes | str],
    file_name: str,
    *,
    where: Any = None,
    key: str | None = None,
    disabled: bool = False,
    help: str | None = None,
) -> None:
    """One download button: one click downloads, the page is not rerun (``on_click="ignore"``).

    Parameters
    ----------
    label
        Button text (already in the user's language).
    data
        The bytes, or a function that makes them on click (for costly files: PDFs, static maps).
    file_name
        Name offered to the browser; its extension picks the MIME type.
    where
        Container (default ``st``).
    key, disabled, help
        As for ``st.download_button``.
    """
    ext = file_name.rsplit(".", 1)[-1].lower()
    (where or st).download_button(
        label, data, file_name=file_name, mime=MIME.get(ext, "application/octet-stream"),
        on_click="ignore", icon=":material/download:", key=key, disabled=disabled, help=help,
        width="stretch",
    )
