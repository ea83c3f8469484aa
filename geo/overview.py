"""What the home page summarises: facility selection by prefecture and type, counts, and data quality.

No Streamlit here; the home page and ``python -m geo overview`` call the same functions.

* :func:`select_facilities` — the rows a filter shows.
* :func:`summary_counts` — facilities per prefecture and type (with focus prefectures marked).
* :func:`quality_report` — townships without a point, facilities at approximate or unknown locations,
  placeholder names; as counts and as one table to download (:func:`quality_csv`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo._errors import InputValidationError
from geo.facilities import FACILITY_TYPES
from geo.tables import csv_bytes

__all__ = [
    "QualityReport", "headline_counts", "quality_csv", "quality_report", "quality_table",
    "select_facilities", "summary_counts",
]


def select_facilities(
    facilities: pd.DataFrame,
    prefecture_codes: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Facilities in the given prefectures and of the given types (None = no filter), in the input order.

    Parameters
    ----------
    facilities
        The facility table (``geo.facilities.load_facilities()``).
    prefecture_codes
        6-digit prefecture codes, e.g. ``["350800"]`` for 龙岩.
    types
        Keys of ``geo.facilities.FACILITY_TYPES``.

    Raises
    ------
    InputValidationError
        If a type is not a known facility type.
    """
    mask = pd.Series(True, index=facilities.index)
    if prefecture_codes is not None:
        mask &= facilities["prefecture_code"].astype(str).isin({str(c) for c in prefecture_codes})
    if types is not None:
        wanted = set(types)
        unknown = sorted(wanted - set(FACILITY_TYPES))
        if unknown:
            msg = f"Unknown facility type(s) {unknown}; expected some of {list(FACILITY_TYPES)}."
            raise InputValidationError(msg)
        mask &= facilities["facility_type"].isin(wanted)
    return facilities[mask]


def summary_counts(facilities: pd.DataFrame, prefectures: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Facilities per prefecture (rows, focus prefectures first) and type (columns), with a total row.

    Parameters
    ----------
    facilities
        Rows to count (e.g. the output of :func:`select_facilities`).
    prefectures
        ``geo.places.load_prefectures()``: gives the row order, names and the focus flag.
    lang
        Column labels in "zh" or "en".

    Returns
    -------
    pandas.DataFrame
        Index: prefecture name (focus ones suffixed with ★); columns: facility type labels, then the total.
    """
    order = prefectures.sort_values(["is_focus", "code"], ascending=[False, True])
    counts = pd.crosstab(facilities["prefecture_code"].astype(str), facilities["facility_type"])
    counts = counts.reindex(index=order["code"].astype(str), columns=list(FACILITY_TYPES), fill_value=0)
    counts = counts.loc[counts.sum(axis=1) > 0]
    names = dict(zip(order["code"].astype(str), order["name"], strict=True))
    focus = set(order.loc[order["is_focus"].astype(bool), "code"].astype(str))
    counts.index = [f"{names[c]} ★" if c in focus else names[c] for c in counts.index]
    counts.columns = [str(FACILITY_TYPES[t][lang]) for t in counts.columns]
    total_label = "合计" if lang == "zh" else "Total"
    counts[total_label] = counts.sum(axis=1)
    counts.loc[total_label] = counts.sum(axis=0)
    counts.index.name = "地市" if lang == "zh" else "Prefecture"
    return counts.astype(int)


def headline_counts(
    shown: pd.DataFrame, townships: pd.DataFrame, prefecture_codes: Iterable[str]
) -> dict[str, int]:
    """Counts for the home page's headline.

    Parameters
    ----------
    shown
        The selected facilities (:func:`select_facilities`).
    townships
        ``geo.places.load_townships()``.
    prefecture_codes
        The selected prefectures.

    Returns
    -------
    dict
        ``shown``, ``primary_care``, ``hospitals``, ``unmapped`` (no coordinates), ``townships``
        (township-level units in the selected prefectures).
    """
    primary = shown["facility_type"].map(lambda k: bool(FACILITY_TYPES[k]["is_primary_care"])).astype(bool)
    codes = {str(c) for c in prefecture_codes}
    return {
        "shown": len(shown),
        "primary_care": int(primary.sum()),
        "hospitals": int((~primary).sum()),
        "unmapped": int((shown["lon"].isna() | shown["lat"].isna()).sum()),
        "townships": int(townships["prefecture_code"].astype(str).isin(codes).sum()),
    }


@dataclass(frozen=True)
class QualityReport:
    """Data-quality findings for a selection.

    Attributes
    ----------
    townships_without_point
        Townships with no coordinates: code, name, county, prefecture, reason.
    facilities_approximate
        Facilities whose ``location_quality`` is one of the "approximate: …" values.
    facilities_without_location
        Facilities with no coordinates at all (not drawn on the map).
    facilities_name_unverified
        Facilities whose name is a derived placeholder (``name_derived``).
    """
    townships_without_point: pd.DataFrame
    facilities_approximate: pd.DataFrame
    facilities_without_location: pd.DataFrame
    facilities_name_unverified: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """Number of rows of each finding."""
        return {
            "townships_without_point": len(self.townships_without_point),
            "facilities_approximate": len(self.facilities_approximate),
            "facilities_without_location": len(self.facilities_without_location),
            "facilities_name_unverified": len(self.facilities_name_unverified),
        }


_FAC_COLS = [
    "facility_id", "name", "facility_type", "prefecture_name", "county_name", "location_quality", "source",
]


def quality_report(
    townships: pd.DataFrame, facilities: pd.DataFrame, prefecture_codes: Iterable[str] | None = None
) -> QualityReport:
    """Data-quality findings for the townships and facilities of some prefectures (None = all).

    Parameters
    ----------
    townships
        ``geo.places.load_townships()``.
    facilities
        ``geo.facilities.load_facilities()`` (or a selection of it).
    prefecture_codes
        Restrict both tables to these prefectures.
    """
    if prefecture_codes is not None:
        codes = {str(c) for c in prefecture_codes}
        townships = townships[townships["prefecture_code"].astype(str).isin(codes)]
        facilities = facilities[facilities["prefecture_code"].astype(str).isin(codes)]
    no_point = townships[townships["lon"].isna() | townships["lat"].isna()]
    tw_cols = ["code", "name", "kind", "prefecture_name", "county_name", "no_point_reason"]
    tw = no_point[tw_cols].reset_index(drop=True)
    fac = facilities[[c for c in _FAC_COLS if c in facilities.columns]]
    quality = facilities["location_quality"].fillna("").astype(str)
    approx = fac[quality.str.startswith("approximate")].reset_index(drop=True)
    no_loc = fac[facilities["lon"].isna() | facilities["lat"].isna()].reset_index(drop=True)
    if "name_derived" in facilities.columns:
        derived = facilities["name_derived"].fillna(0).astype(bool)
    else:
        derived = pd.Series(False, index=facilities.index)
    unverified = fac[derived].reset_index(drop=True)
    return QualityReport(tw, approx, no_loc, unverified)


_ISSUE_LABELS = {
    "township_without_point": {"zh": "乡镇无坐标", "en": "township without a point"},
    "facility_without_location": {"zh": "机构无坐标（未上图）", "en": "facility without a location"},
    "facility_approximate": {"zh": "机构位置为近似值", "en": "facility at an approximate location"},
    "facility_name_unverified": {"zh": "机构名称待核实", "en": "facility name to be verified"},
}


def quality_table(report: QualityReport, lang: str = "zh") -> pd.DataFrame:
    """All findings as one long table: issue, code/id, name, type, prefecture, county, detail."""
    rows = []
    for r in report.townships_without_point.itertuples():
        rows.append(("township_without_point", r.code, r.name, r.kind, r.prefecture_name, r.county_name,
                     r.no_point_reason))
    for key, frame, detail in (
        ("facility_without_location", report.facilities_without_location, "location_quality"),
        ("facility_approximate", report.facilities_approximate, "location_quality"),
        ("facility_name_unverified", report.facilities_name_unverified, "source"),
    ):
        for r in frame.itertuples():
            rows.append((key, r.facility_id, r.name, r.facility_type, r.prefecture_name, r.county_name,
                         getattr(r, detail, "")))
    cols = ["issue", "id", "name", "type", "prefecture", "county", "detail"]
    out = pd.DataFrame(rows, columns=cols)
    out.insert(1, "issue_label", [_ISSUE_LABELS[k][lang] for k in out["issue"]])
    return out


def quality_csv(report: QualityReport, lang: str = "zh") -> bytes:
    """:func:`quality_table` as CSV bytes in UTF-8 with a BOM (opens correctly in Excel)."""
    return csv_bytes(quality_table(report, lang))
