"""Row checks of an upload: name, type, doctors, coordinate cells, duplicates; one :class:`Problem` each.

Each check reads the cells of one :class:`Row` (field → text as typed) and appends to ``row.errors`` (the row
is rejected) or ``row.others`` (fixed, warning, note). Where the points lie is :mod:`geo.facilities.locate`'s
job, which coordinate system they are in :mod:`geo.facilities.crs`'s.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from geo.facilities import FACILITY_TYPES
from geo.facilities.fields import FIELD_LABELS
from geo.facilities.locate import PlaceOrError, in_box
from geo.facilities.messages import problem
from geo.facilities.parse import (
    norm,
    parse_coordinate,
    parse_crs,
    parse_facility_type,
    parse_number,
    type_choices,
    type_from_name,
)
from geo.facilities.types import Problem

__all__ = ["Row", "check_duplicates", "check_row", "place_text"]

#: Fields whose text together names the row's place (the gazetteer query), in this order.
_PLACE_FIELDS = ("prefecture_name", "county_name", "township_name", "address", "name")


@dataclass(slots=True)
class Row:
    """One data row while it is validated (private working state; the result is a facility record)."""

    number: int
    cells: dict[str, str]  # field -> text as typed
    errors: list[Problem] = field(default_factory=list)
    others: list[Problem] = field(default_factory=list)
    lon: float = math.nan
    lat: float = math.nan
    crs: str | None = None
    crs_from: str = ""  # "cell" | "option" | "header" | "detected" | "file"
    place: PlaceOrError | None = None  # the gazetteer's answer for the row's text, once asked
    facility_type: str = ""
    doctors: float = math.nan
    county_code: str = ""
    township_code: str = ""
    had_point: bool = False
    text: str = ""  # the row's place text (:func:`place_text`)


def place_text(cells: Mapping[str, str]) -> str:
    """A row's place text: prefecture, county, township, address and name, space-separated."""
    return " ".join(p for p in (cells.get(f, "") for f in _PLACE_FIELDS) if p)


def check_row(
    r: Row,
    col: Mapping[str, str],
    default_crs: str | None,
    default_from: str,
    fix_swapped: bool,
    formulas: Mapping[str, str] = {},
) -> None:
    """Every cell check of one row (the point is parsed, not yet placed).

    Parameters
    ----------
    r
        The row.
    col
        Field → the column's header as written in the file.
    default_crs, default_from
        Coordinate system of rows with no 坐标系 cell, and where it comes from (``"option"``/``"header"``).
    fix_swapped
        Swap back latitude/longitude that are evidently swapped.
    formulas
        Field → formula of this row's cells that hold a formula with no saved value.
    """
    for fieldname, formula in (formulas or {}).items():
        r.errors.append(problem(r.number, col[fieldname], formula, "formula_no_value", "error"))
    if r.errors:  # the cells are not what the planner sees in Excel: checking them would only mislead
        return
    name = r.cells.get("name", "")
    if not name:
        r.errors.append(problem(r.number, col["name"], "", "missing_name", "error"))
    _check_type(r, col, name)
    _check_doctors(r, col)
    _check_crs_cell(r, col, default_crs, default_from)
    _check_coordinates(r, col, fix_swapped)


def _check_type(r: Row, col: Mapping[str, str], name: str) -> None:
    type_text = r.cells.get("facility_type", "")
    where = col.get("facility_type", col["name"])
    if type_text:
        key = parse_facility_type(type_text)
        if key is None:
            r.errors.append(
                problem(r.number, where, type_text, "unknown_type", "error", detail=type_choices())
            )
        else:
            r.facility_type = key
        return
    key = type_from_name(name)
    if key is None:
        r.errors.append(problem(r.number, where, "", "missing_type", "error", detail=type_choices()))
        return
    r.facility_type = key
    r.others.append(problem(r.number, where, "", "inferred_type", "note", detail=FACILITY_TYPES[key]["zh"]))


def _check_doctors(r: Row, col: Mapping[str, str]) -> None:
    doc_text = r.cells.get("doctors_per_month", "")
    if not doc_text:
        return
    value = parse_number(re.sub(r"[人名位]$", "", doc_text.strip()))
    if value is None or value < 0 or not float(value).is_integer():
        r.errors.append(problem(r.number, col["doctors_per_month"], doc_text, "bad_doctors", "error"))
    else:
        r.doctors = float(value)


def _check_crs_cell(r: Row, col: Mapping[str, str], default_crs: str | None, default_from: str) -> None:
    crs_text = r.cells.get("crs", "")
    if crs_text:
        parsed = parse_crs(crs_text)
        if parsed is None:
            r.errors.append(problem(r.number, col["crs"], crs_text, "unknown_crs", "error"))
        else:
            r.crs, r.crs_from = parsed, "cell"
    elif default_crs:
        r.crs, r.crs_from = default_crs, default_from


def _parse_lon_lat(r: Row, col: Mapping[str, str]) -> tuple[float | None, float | None, bool]:
    """(lon, lat, ok) parsed from the row's cells; errors appended for unparseable ones."""
    values: dict[str, float | None] = {}
    ok = True
    for f in ("lon", "lat"):
        text = r.cells.get(f, "")
        value, spaced = parse_coordinate(text) if text else (None, False)
        values[f] = value
        if text and value is None:
            example = "117.41" if f == "lon" else "25.29"
            detail = f"; expected decimal degrees such as {example} (or 117°24′36″)"
            r.errors.append(problem(r.number, col[f], text, "bad_number", "error", detail=detail))
            ok = False
        elif spaced:
            r.others.append(problem(r.number, col[f], text, "dms_spaces", "note", detail=f"{value:.6f}"))
    return values["lon"], values["lat"], ok


def _check_coordinates(r: Row, col: Mapping[str, str], fix_swapped: bool) -> None:
    lon, lat, ok = _parse_lon_lat(r, col)
    if not ok:
        return
    if (lon is None) != (lat is None):
        missing, given = ("lon", "lat") if lon is None else ("lat", "lon")
        label = FIELD_LABELS[given]
        r.errors.append(
            problem(
                r.number,
                col.get(missing, col[given]),
                "",
                "missing_coordinate",
                "error",
                detail=label["zh"] + "/" + label["en"],
            )
        )
        return
    if lon is None or lat is None:
        return
    # GCJ-02/BD-09 offsets are < 2 km: the box test on the raw numbers decides "swapped" in any system
    if not in_box(lon, lat) and in_box(lat, lon):
        lon_text, lat_text = r.cells.get("lon", ""), r.cells.get("lat", "")
        detail = f"{FIELD_LABELS['lon']['zh']} {lon_text}, {FIELD_LABELS['lat']['zh']} {lat_text}"
        if not fix_swapped:
            r.errors.append(problem(r.number, col["lon"], lon_text, "swapped", "error", detail=detail))
            return
        r.others.append(problem(r.number, col["lon"], lon_text, "swapped_fixed", "fixed", detail=detail))
        lon, lat = lat, lon
    r.lon, r.lat, r.had_point = lon, lat, True


def check_duplicates(rows: list[Row], col: Mapping[str, str]) -> None:
    """Reject a repeated id, and a repeated name within one county (or where a county is unknown)."""
    seen_name: dict[str, list[Row]] = {}
    seen_id: dict[str, Row] = {}
    for r in rows:
        if r.errors:
            continue
        fid = r.cells.get("facility_id", "")
        if fid:
            if fid in seen_id:
                r.errors.append(
                    problem(
                        r.number, col["facility_id"], fid, "duplicate_id", "error", other=seen_id[fid].number
                    )
                )
                continue
            seen_id[fid] = r
        key = norm(r.cells.get("name", ""))
        for earlier in seen_name.get(key, []):
            if not earlier.county_code or not r.county_code or earlier.county_code == r.county_code:
                r.errors.append(
                    problem(
                        r.number,
                        col["name"],
                        r.cells["name"],
                        "duplicate_name",
                        "error",
                        other=earlier.number,
                    )
                )
                break
        else:
            seen_name.setdefault(key, []).append(r)
