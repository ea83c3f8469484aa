"""The one error boundary of the pages: a problem the library raises on purpose is shown as a message in
the user's language; anything else is a bug, logged with its traceback (``geo.cli.log_internal_error``) and
shown as one short "internal error" line naming the log file — never a traceback on screen.

::

    with ui.guard():                      # the page cannot go on without this: stop after the message
        inputs = prepare(...)
    with ui.guard(stop=False):            # an optional part (a map): show the message, carry on below
        draw_map(...)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from geo._errors import AmbiguousPlaceError, XunzhenError
from geo.cli import log_internal_error
from pages.ui.state import lang, t
from routing.database.messages import message

_log = logging.getLogger("xunzhen.app")

#: Set to 1 in development and tests: unexpected errors are re-raised (Streamlit shows them), not logged.
DEBUG_ENV = "XUNZHEN_DEBUG"


def show_error(err: Exception) -> None:
    """Show a library error to the user as a message (never a traceback)."""
    text = message(err, lang())
    if isinstance(err, AmbiguousPlaceError) and err.candidates:
        text += t("common.candidates", names="、".join(map(str, err.candidates[:12])))
    st.error(t("common.error", message=text))


def show_internal_error(err: BaseException) -> None:
    """Log an unexpected error with its traceback and show one line naming the log file."""
    where = log_internal_error(err)
    _log.error("internal error (%s); details in %s", type(err).__name__, where)
    st.error(t("common.internal_error", kind=type(err).__name__, log=where), icon=":material/bug_report:")


@contextmanager
def guard(*, stop: bool = True) -> Iterator[None]:
    """Run a block of page code inside the error boundary.

    Parameters
    ----------
    stop
        After showing the message, stop the page (the default: what follows needs this block's result);
        ``False`` skips only the rest of the block and carries on after it.
    """
    try:
        yield
    except XunzhenError as err:
        show_error(err)
        if stop:
            st.stop()
    except Exception as err:  # a bug: logged, one line on screen
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        show_internal_error(err)
        if stop:
            st.stop()
