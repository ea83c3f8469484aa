"""Language and the settings kept in the URL (``?lang=en&pref=350800&cov_t=45``): the only module that touches
``st.query_params``.

A setting lives in ``st.session_state["xz:<name>"]`` (so it survives reruns and page switches) and is mirrored
into the query string when it differs from its default, so a copied link reopens the same view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pages.ui import i18n as _i18n

PREFIX = "xz:"
_URL_KEYS = "xz:_url_keys"


def lang() -> str:
    """The current language ("zh" or "en")."""
    return str(st.session_state.get(PREFIX + "lang", seed("lang", "zh", _i18n.LANGS.__contains__)))


def t(key: str, **values: object) -> str:
    """The UI string ``key`` in the current language (see ``pages/ui/i18n.py``)."""
    return _i18n.t(key, lang(), **values)


def seed(
    name: str, default: Any, valid: Callable[[Any], bool] | None = None, parse: Callable[[str], Any] = str
) -> Any:
    """Canonical value of a setting: from the session, else (first run) from ``?name=``, else default."""
    key = PREFIX + name
    if key in st.session_state:
        return st.session_state[key]
    value = default
    raw = st.query_params.get(name)
    if raw is not None:
        try:
            parsed = parse(raw)
            if valid is None or valid(parsed):
                value = parsed
        except (TypeError, ValueError):
            pass
    st.session_state[key] = value
    st.session_state.setdefault(_URL_KEYS, {})[name] = default
    return value


def _dump(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _parser_for(default: Any) -> Callable[[str], Any]:
    if isinstance(default, bool):
        return lambda s: s in ("1", "true", "True")
    if isinstance(default, (list, tuple)):
        return lambda s: [p for p in s.split(",") if p]
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return float
    return str


def sync_url() -> None:
    """Mirror every registered setting into the URL (omitting those at their default)."""
    for name, default in st.session_state.get(_URL_KEYS, {}).items():
        value = st.session_state.get(PREFIX + name, default)
        text, default_text = _dump(value), _dump(default)
        if text == default_text:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != text:
            st.query_params[name] = text


def url_param(name: str) -> str | None:
    """The raw text of ``?name=`` in the URL (None when absent)."""
    value = st.query_params.get(name)
    return None if value is None else str(value)


def set_setting(name: str, value: Any) -> None:
    """Change a URL-backed setting programmatically (e.g. from a button callback)."""
    st.session_state[PREFIX + name] = value
    st.session_state[PREFIX + "w:" + name] = value


def url_widget(
    widget: Callable[..., Any],
    name: str,
    default: Any,
    *,
    valid: Callable[[Any], bool] | None = None,
    parse: Callable[[str], Any] | None = None,
    **widget_kwargs: Any,
) -> Any:
    """Render ``widget`` (e.g. ``st.slider``, ``st.sidebar.multiselect``) bound to the URL setting ``name``.

    The value survives reruns, page switches and a language switch, and is written to ``?name=`` (lists
    comma-joined). A value in the URL that fails ``parse``/``valid`` is ignored (the default is used).

    Parameters
    ----------
    widget
        A Streamlit widget function taking ``key=``.
    name
        Setting and query-parameter name (short, ASCII).
    default
        Default value; its type chooses the URL parser unless ``parse`` is given.
    valid
        Predicate on the parsed value.
    parse
        URL text → value.
    widget_kwargs
        Passed to the widget (label, options, format_func, …); not ``key``/``value``/``default``.

    Returns
    -------
    The widget's current value.
    """
    value = seed(name, default, valid, parse or _parser_for(default))
    wkey = PREFIX + "w:" + name
    # The canonical value (xz:<name>) drives the widget on every run: a page switch creates the sidebar
    # widgets anew (their state would be dropped, e.g. the prefecture filter reset to nothing); a user's
    # change reaches xz:<name> first through the on_change callback, so it is never overwritten here.
    st.session_state[wkey] = value
    result = widget(key=wkey, on_change=_widget_changed, args=(name,), **widget_kwargs)
    st.session_state[PREFIX + name] = result
    sync_url()
    return result


def _widget_changed(name: str) -> None:
    """on_change of a URL-backed widget: copy its new value to the canonical setting."""
    st.session_state[PREFIX + name] = st.session_state[PREFIX + "w:" + name]
