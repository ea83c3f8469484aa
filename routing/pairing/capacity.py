"""Hospital capacities (doctor-days per month): the documented default assumption, a planner's table, and
the editable table of the hospitals that may serve a scope.

Capacities are not in our data (``doctors_per_month`` is empty). Unless the planner supplies them,
:func:`default_capacities` derives them — an ASSUMPTION, labelled as such in every table: a county hospital
offers as many doctor-days as its county has centers (split evenly if a county has several), a city hospital
⌈35% × its prefecture's centers / number of city hospitals there⌉ (the policy's 30% plus 5 points of slack),
a tertiary hospital 0 (it joins only when the planner gives it days and, for centers outside its own county,
a weak-county pairing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geo._errors import InputValidationError
from geo.facilities import HOSPITAL_TYPES, PRIMARY_CARE_TYPES, load_facilities
from geo.scope import resolve_scope

__all__ = [
    "CAPACITY_ASSUMED",
    "CAPACITY_GIVEN",
    "CENTER_TYPES",
    "MAX_CAPACITY_DAYS",
    "capacities_frame",
    "capacities_from_table",
    "capacity_table",
    "default_capacities",
    "given_capacities",
    "read_capacities",
    "relevant_hospitals",
]

CENTER_TYPES = PRIMARY_CARE_TYPES
CAPACITY_ASSUMED = "假设：按中心数推算 assumed (derived from centre counts)"
CAPACITY_GIVEN = "规划人员填写 entered by planner"
CAPACITY_TABLE = "设施表 facility table"
CITY_SLACK = 0.05
#: Largest capacity accepted (doctor-days per hospital per month): 500 doctors × 23 working days ≈ 11,500.
MAX_CAPACITY_DAYS = 100_000


def default_capacities(facilities: pd.DataFrame) -> pd.DataFrame:
    """Documented default capacities (doctor-days per month) for every hospital of the table — an assumption.

    Returns
    -------
    pandas.DataFrame
        ``facility_id``, ``name``, ``facility_type``, ``prefecture_name``, ``county_name``, ``capacity_days``,
        ``capacity_source`` (the facility table's ``doctors_per_month`` when known, else the assumption).
    """
    centers = facilities[facilities["facility_type"].isin(CENTER_TYPES)]
    per_county = centers.groupby(["prefecture_name", "county_name"]).size()
    per_pref = centers.groupby("prefecture_name").size()
    hosp = facilities[facilities["facility_type"].isin(HOSPITAL_TYPES)].copy()
    county_h = (
        hosp[hosp["facility_type"] == "county_hospital"].groupby(["prefecture_name", "county_name"]).size()
    )
    city_h = hosp[hosp["facility_type"] == "city_hospital"].groupby("prefecture_name").size()
    caps, sources = [], []
    for row in hosp.itertuples(index=False):
        known = getattr(row, "doctors_per_month", np.nan)
        if pd.notna(known):
            caps.append(int(known))
            sources.append(CAPACITY_TABLE)
            continue
        if row.facility_type == "county_hospital":
            key = (row.prefecture_name, row.county_name)
            cap = math.ceil(per_county.get(key, 0) / max(int(county_h.get(key, 1)), 1))
        elif row.facility_type == "city_hospital":
            n = per_pref.get(row.prefecture_name, 0)
            cap = math.ceil((0.30 + CITY_SLACK) * n / max(int(city_h.get(row.prefecture_name, 1)), 1))
        else:
            cap = 0
        caps.append(int(cap))
        sources.append(CAPACITY_ASSUMED)
    out = hosp[["facility_id", "name", "facility_type", "prefecture_name", "county_name"]].reset_index(
        drop=True
    )
    out["capacity_days"] = caps
    out["capacity_source"] = sources
    return out


def read_capacities(table: pd.DataFrame | str, *, source: str = "capacities") -> dict[str, int]:
    """Validate a capacity table (columns ``facility_id``, ``capacity_days``) from a file path or a frame.

    Every bad row is named in one message: an empty id, a value that is not a whole number from 0 to
    :data:`MAX_CAPACITY_DAYS`, or an id listed twice (no silent "last one wins").

    Raises
    ------
    InputValidationError
        Unreadable file, missing column, or bad rows (row and column named).
    """
    if isinstance(table, str):
        try:
            frame = pd.read_csv(table, dtype={"facility_id": str}, encoding="utf-8-sig")
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            msg = f"{table}: cannot read the capacity CSV ({exc})"
            raise InputValidationError(msg) from None
        source = table
    else:
        frame = table
    for col in ("facility_id", "capacity_days"):
        if col not in frame.columns:
            msg = f"{source}: missing column {col!r}; expected facility_id, capacity_days"
            raise InputValidationError(msg)
    out: dict[str, int] = {}
    first_row: dict[str, int] = {}
    problems: list[str] = []
    for i, (fid, val) in enumerate(zip(frame["facility_id"], frame["capacity_days"], strict=True)):
        row = i + 2  # 1-based, after the header line, as a spreadsheet shows it
        if pd.isna(fid) or not str(fid).strip():
            problems.append(f"{source} row {row}, column facility_id: empty")
            continue
        key = str(fid).strip()
        try:
            num = float(val)
        except (TypeError, ValueError, OverflowError):
            num = float("nan")
        if not np.isfinite(num) or not 0 <= num <= MAX_CAPACITY_DAYS or num != round(num):
            problems.append(
                f"{source} row {row}, column capacity_days: {val!r} is not a whole number from 0 to "
                f"{MAX_CAPACITY_DAYS} (可派人日须为 0–{MAX_CAPACITY_DAYS} 的整数)"
            )
        elif key in first_row:
            problems.append(
                f"{source} row {row}, column facility_id: {key} is listed twice (rows {first_row[key]} and "
                f"{row}); keep one row per hospital (重复的医院行)"
            )
        else:
            first_row[key] = row
            out[key] = int(num)
    if problems:
        raise InputValidationError("\n".join(problems))
    return out


def relevant_hospitals(
    hosp: pd.DataFrame, centers: pd.DataFrame, tertiary_counties: Mapping[str, Sequence[str]] | None
) -> pd.Series:
    """Hospitals that may serve the centers: county hospitals of their counties, city hospitals of their
    prefectures, tertiary hospitals in those counties or paired with them."""
    prefs = set(centers["prefecture_name"])
    counties = set(zip(centers["prefecture_name"], centers["county_name"], strict=True))
    names = {c for _, c in counties}
    tert = {str(k): set(v) for k, v in (tertiary_counties or {}).items()}
    keys = zip(
        hosp["facility_type"], hosp["prefecture_name"], hosp["county_name"], hosp["facility_id"], strict=True
    )
    return pd.Series(
        [
            (t == "county_hospital" and (p, c) in counties)
            or (t == "city_hospital" and p in prefs)
            or (t == "tertiary_hospital" and ((p, c) in counties or bool(tert.get(fid, set()) & names)))
            for t, p, c, fid in keys
        ],
        index=hosp.index,
        dtype=bool,
    )


def capacity_table(
    facilities: pd.DataFrame | None = None,
    *,
    prefecture: str | None = None,
    county: str | None = None,
    capacities: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """The editable capacity table of the hospitals that may serve a scope (defaults = assumption).

    Returns
    -------
    pandas.DataFrame
        As :func:`default_capacities`, restricted to the scope's hospitals, ``capacities`` applied.
    """
    if facilities is None:
        facilities = load_facilities()
    fac = pd.DataFrame(facilities.drop(columns="geometry", errors="ignore"))
    scope = resolve_scope(counties=county, within=prefecture) if county else resolve_scope(prefecture)
    centers = fac[fac["facility_type"].isin(CENTER_TYPES) & scope.mask(fac)]
    table = default_capacities(fac)
    hosp = fac[fac["facility_type"].isin(HOSPITAL_TYPES)].set_index("facility_id")
    keep = relevant_hospitals(hosp.reset_index(), centers, None).to_numpy()
    ids = set(hosp.index[keep])
    table = table[table["facility_id"].isin(ids)].reset_index(drop=True)
    if capacities:
        given = table["facility_id"].map(capacities)
        table.loc[given.notna(), "capacity_source"] = CAPACITY_GIVEN
        table["capacity_days"] = given.fillna(table["capacity_days"]).astype(int)
    return table


def capacities_from_table(table: pd.DataFrame | None) -> dict[str, int] | None:
    """Facility id → doctor-days a month, from a stored capacity table (None when there is none)."""
    if table is None or table.empty:
        return None
    return {str(f): int(c) for f, c in zip(table["facility_id"], table["capacity_days"], strict=True)}


def capacities_frame(capacities: Mapping[str, int]) -> pd.DataFrame:
    """The table a workspace keeps: facility_id, capacity_days (doctor-days a month), sorted by id."""
    return pd.DataFrame(sorted(capacities.items()), columns=["facility_id", "capacity_days"])


def given_capacities(
    edited: Mapping[str, int], shown: Mapping[str, int], saved: Mapping[str, int]
) -> dict[str, int]:
    """The capacities a planner has given (to keep in the workspace): ``saved`` updated with the rows of the
    edited table that differ from the table as ``shown`` or were given before. Rows left at their assumed
    default stay assumptions (never stored as if a planner had entered them)."""
    out = dict(saved)
    for fid, days in edited.items():
        if fid in saved or shown.get(fid) != days:
            out[fid] = int(days)
    return out
