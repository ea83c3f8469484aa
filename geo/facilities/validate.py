"""Validate an uploaded facility list row by row: one message per problem, valid rows kept.

Private plumbing of :mod:`geo.facilities.upload` (whose ``validate_upload`` documents the checks). Every
problem names the spreadsheet row, the column as written in the file and the value. An ``error`` rejects its
row; a ``fixed`` problem was corrected (coordinates converted to WGS84, latitude/longitude swapped back when
asked) and the row kept; a ``warning`` keeps the row but asks for a look; a ``note`` only informs.

The steps: cell checks (:mod:`.checks`), coordinate system (:mod:`.crs`), where the points lie and what the
text names (:mod:`.locate`), duplicates (:mod:`.checks`), then the facility records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from geo._errors import InputValidationError
from geo.facilities import FACILITY_COLUMNS
from geo.facilities.checks import Row, check_duplicates, check_row, place_text
from geo.facilities.crs import resolve_crs
from geo.facilities.fields import FIELD_LABELS, FIELDS
from geo.facilities.locate import Places, place_rows
from geo.facilities.messages import problem
from geo.facilities.parse import CRS_LABEL, norm, parse_crs
from geo.facilities.types import Problem, UploadResult, UploadTable
from geo.geocoding import Gazetteer, default_gazetteer

__all__ = ["validate_upload"]


def _effective_mapping(table: UploadTable, mapping: Mapping[str, str | None] | None) -> dict[str, str]:
    """The file's automatic header → field mapping with the user's choices applied."""
    if mapping is not None and not isinstance(mapping, Mapping):
        msg = (
            f"mapping must be a dict {{column header: field}} (e.g. {{'机构全称': 'name'}}), "
            f"not {type(mapping).__name__}."
        )
        raise InputValidationError(msg)
    merged: dict[str, str] = dict(table.mapping)
    for header, fieldname in (mapping or {}).items():
        if header not in table.headers:
            msg = (
                f"{table.source}: mapping names column {header!r}, which the file does not have "
                f"{list(table.headers)}."
            )
            raise InputValidationError(msg)
        merged.pop(header, None)
        if fieldname:
            if fieldname not in FIELDS:
                msg = f"Mapping {header!r} → {fieldname!r}: unknown field; expected one of {FIELDS}."
                raise InputValidationError(msg)
            for other in [h for h, f in merged.items() if f == fieldname]:
                merged.pop(other)  # the user's choice replaces the automatic one
            merged[header] = fieldname
    return merged


def _checked_crs(crs: object) -> str | None:
    if crs is None or crs in CRS_LABEL:
        return crs
    parsed = parse_crs(crs) if isinstance(crs, str) else None
    if parsed is None:
        msg = f"Unknown coordinate system {crs!r}; expected one of {list(CRS_LABEL)}."
        raise InputValidationError(msg)
    return parsed


def _rows(table: UploadTable, column_of: Mapping[str, str]) -> tuple[list[Row], list[dict[str, str]]]:
    """The working rows, and per row its mapped cells holding a formula without a value (field → formula)."""
    index = {h: i for i, h in enumerate(table.headers)}
    rows = []
    for n, cells in zip(table.row_numbers, table.rows, strict=True):
        fields = {f: cells[index[h]] for f, h in column_of.items()}
        rows.append(Row(n, fields, text=place_text(fields)))
    formulas: list[dict[str, str]] = [{} for _ in rows]
    if table.formulas:
        at = {n: k for k, n in enumerate(table.row_numbers)}
        for (number, j), formula in table.formulas.items():
            field_ = next((f for f, h in column_of.items() if index[h] == j), None)
            if field_ is not None and number in at:
                formulas[at[number]][field_] = formula
    return rows, formulas


def validate_upload(
    table: UploadTable,
    mapping: Mapping[str, str | None] | None = None,
    *,
    crs: str | None = None,
    fix_swapped: bool = False,
    gazetteer: Gazetteer | None = None,
) -> UploadResult:
    """Validate an uploaded facility list; see :func:`geo.facilities.upload.validate_upload`."""
    if not isinstance(table, UploadTable):
        msg = f"validate_upload needs the table read_upload returns, not {type(table).__name__}."
        raise InputValidationError(msg)
    header_of = _effective_mapping(table, mapping)
    column_of = {f: h for h, f in header_of.items()}  # field -> header
    crs = _checked_crs(crs)
    if "name" not in column_of:
        unmapped = [h for h in table.headers if h not in header_of]
        missing = problem(
            None, None, str(unmapped), "missing_column", "error", detail=f"{FIELD_LABELS['name']['zh']}/name"
        )
        return _finish(table, [], [missing], header_of, None)
    places = Places(gazetteer or default_gazetteer())
    rows, formulas = _rows(table, column_of)
    hidden = set(table.hidden_rows)
    for r, cell_formulas in zip(rows, formulas, strict=True):
        check_row(
            r, column_of, crs or table.crs_hint, "option" if crs else "header", fix_swapped, cell_formulas
        )
        if r.number in hidden:
            r.others.append(problem(r.number, None, "", "hidden_row", "note"))
    resolve_crs(rows, column_of, places)
    if rows:
        place_rows(rows, column_of, places)
    check_duplicates(rows, column_of)
    return _finish(table, rows, [], header_of, places)


def _stable_id(r: Row) -> str:
    digest = hashlib.sha1(f"{norm(r.cells.get('name', ''))}|{r.county_code}".encode()).hexdigest()
    return f"U{digest[:10]}"


def _finish(
    table: UploadTable,
    rows: list[Row],
    problems: list[Problem],
    header_of: dict[str, str],
    places: Places | None,
) -> UploadResult:
    """The result: accepted facility records, rejected rows as written (with reasons), sorted problems."""
    rejected = []
    file_rejects = any(p.severity == "error" for p in problems)
    for r in rows:
        problems.extend(r.errors)
        problems.extend(r.others)
    if file_rejects:
        reasons = "; ".join(p.message for p in problems if p.row is None)
        for n, cells in zip(table.row_numbers, table.rows, strict=True):
            rejected.append({**dict(zip(table.headers, cells, strict=True)), "row": n, "problems": reasons})
    kept: list[Row] = []
    for r, cells in zip(rows, table.rows if rows else (), strict=True):
        if r.errors:
            reasons = "; ".join(p.message for p in r.errors)
            rejected.append(
                {**dict(zip(table.headers, cells, strict=True)), "row": r.number, "problems": reasons}
            )
        elif places is not None:
            kept.append(r)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    accepted = _facility_table(kept, table, places)
    rejected_df = pd.DataFrame(rejected, columns=[*table.headers, "row", "problems"])
    return UploadResult(accepted, rejected_df, problems, table, header_of)


def _facility_table(kept: list[Row], table: UploadTable, places: Places | None) -> gpd.GeoDataFrame:
    """The facility table (:data:`geo.facilities.FACILITY_COLUMNS`, WGS84) of the kept rows, by column."""
    gaz = places.gazetteer if places is not None else None
    counties = [gaz.counties.get(r.county_code) if gaz is not None else None for r in kept]
    prefectures = [
        gaz.prefectures.get(str(c.prefecture_code)) if gaz is not None and c is not None else None
        for c in counties
    ]

    def quality(r: Row) -> str:
        if r.had_point:
            return "surveyed"
        return r.place.location_quality if r.place is not None and not isinstance(r.place, Exception) else ""

    columns: dict[str, list[object]] = {
        "facility_id": [r.cells.get("facility_id") or _stable_id(r) for r in kept],
        "name": [r.cells.get("name", "") for r in kept],
        "name_derived": [False] * len(kept),
        "facility_type": [r.facility_type for r in kept],
        "township_code": [r.township_code for r in kept],
        "county_code": [r.county_code for r in kept],
        "county_name": [str(c.name) if c is not None else "" for c in counties],
        "prefecture_code": [str(c.prefecture_code) if c is not None else "" for c in counties],
        "prefecture_name": [str(p.name) if p is not None else "" for p in prefectures],
        "address": [r.cells.get("address", "") for r in kept],
        "lon": [r.lon for r in kept],
        "lat": [r.lat for r in kept],
        "location_quality": [quality(r) for r in kept],
        "source": [f"upload {table.source} row {r.number}" for r in kept],
        "doctors_per_month": [r.doctors for r in kept],
    }
    accepted = pd.DataFrame(columns, columns=list(FACILITY_COLUMNS))
    for c in ("lon", "lat", "doctors_per_month"):
        accepted[c] = accepted[c].astype(float)
    accepted["name_derived"] = accepted["name_derived"].astype(bool)
    return gpd.GeoDataFrame(
        accepted, geometry=gpd.points_from_xy(accepted["lon"], accepted["lat"]), crs="EPSG:4326"
    )
