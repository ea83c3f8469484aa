"""Tables shown to planners: headers in the current language, 估算 on estimated figures, readable numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from geo.facilities import FACILITY_TYPES
from geo.maps import LOCATION_QUALITY_LABELS
from pages.ui import i18n as _i18n
from pages.ui.state import lang, t

#: Columns holding travel times or distances: their headers say 估算/estimated on the estimated network.
ESTIMATED_COLUMNS = ("minutes", "km", "minutes_before", "minutes_after", "drive_km", "drive_minutes")
#: Columns holding facility-type keys: their values are shown as the type's name.
TYPE_COLUMNS = ("facility_type", "hospital_type")


def column_label(column: str) -> str:
    """Header of a data column in the current language (``pages/ui/i18n.COLUMNS``)."""
    return _i18n.column_label(column, lang())


def localize_table(
    frame: pd.DataFrame, *, estimated: bool = False, labels: dict[str, str] | None = None,
    drop: Sequence[str] = (),
) -> pd.DataFrame:
    """A copy of ``frame`` for display: headers in the current language (``pages/ui/i18n.COLUMNS``), 估算 on
    time/distance headers when ``estimated`` (rounded to 0.1), facility types, location qualities and
    values listed in ``pages/ui/i18n.VALUES`` by name; ``labels`` overrides headers; ``drop`` (and
    ``geometry``) left out."""
    lg = lang()
    out = pd.DataFrame(frame.drop(columns=[c for c in (*drop, "geometry") if c in frame.columns])).copy()
    for col in TYPE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda k: FACILITY_TYPES.get(k, {}).get(lg, k))
    if "location_quality" in out.columns:
        out["location_quality"] = out["location_quality"].map(
            lambda q: LOCATION_QUALITY_LABELS.get(q, {}).get(lg, q)
        )
    for col in out.columns:
        if str(col) in _i18n.VALUES and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v, c=str(col): _i18n.value_label(c, v, lg))
    for col in ESTIMATED_COLUMNS:
        if col in out.columns and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(1)
    names = {}
    for col in out.columns:
        label = (labels or {}).get(col) or _i18n.column_label(str(col), lg)
        if estimated and col in ESTIMATED_COLUMNS:
            label += t("common.est")
        names[col] = label
    return out.rename(columns=names)


def _number_text(value: float) -> str:
    """A number as text with thousands separators and at most 3 decimals; blank when missing."""
    if value != value:  # NaN
        return ""
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def show_table(
    frame: pd.DataFrame,
    *,
    where: Any = None,
    estimated: bool = False,
    labels: dict[str, str] | None = None,
    drop: Sequence[str] = (),
    localize: bool = True,
) -> None:
    """Show a table to planners: headers through :func:`localize_table` (unless ``localize=False``), numbers
    with thousands separators, no index, full width; ``where`` is a container (default ``st``)."""
    shown = localize_table(frame, estimated=estimated, labels=labels, drop=drop) if localize else frame
    gaps = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c]) and shown[c].isna().any()]
    if gaps:  # a missing number shows blank, not "None": such columns become formatted text
        shown = shown.assign(**{str(c): shown[c].map(_number_text) for c in gaps})
    config = {
        str(c): st.column_config.NumberColumn(format="localized")
        for c in shown.columns
        if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
    }
    (where or st).dataframe(shown, hide_index=True, width="stretch", column_config=config)
