"""Edits of the working facility table, as the 数据 and 位置 pages make them: counts, a surveyed point (typed
or clicked), an upload merged in, and the pickers' options.

Every function returns a new table (the input is never mutated) or plain values; nothing here knows about
Streamlit, so the command line (``python -m routing.workspace``) makes the same edits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo._errors import InputValidationError
from geo.coords import haversine_km, to_wgs84
from geo.facilities import FACILITY_TYPES
from geo.facilities.upload import apply_surveyed_locations, set_surveyed_location
from routing.database.messages import bilingual
from routing.workspace.placeholders import apply_replacements, mark_replacements

__all__ = [
    "ClickedPoint",
    "FacilityCounts",
    "clicked_point",
    "county_choices",
    "facility_choices",
    "facility_counts",
    "mark_surveyed",
    "merge_upload",
]

#: A typed point closer than this to the facility's current point is "unchanged" (metres).
UNCHANGED_M = 1.0


@dataclass(frozen=True)
class FacilityCounts:
    """How many facilities the table holds, how many at surveyed and at approximate points."""

    total: int
    surveyed: int
    approximate: int


def facility_counts(frame: pd.DataFrame) -> FacilityCounts:
    """Counts of a facility table by location quality."""
    quality = frame["location_quality"].fillna("").astype(str)
    return FacilityCounts(
        len(frame), int((quality == "surveyed").sum()), int(quality.str.startswith("approximate").sum())
    )


def mark_surveyed(
    frame: gpd.GeoDataFrame,
    facility_id: str,
    lon: float,
    lat: float,
    *,
    crs: str = "wgs84",
    source: str = "surveyed",
) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with one facility at a surveyed point (degrees in ``crs``, stored as WGS84).

    An approximate point is never relabelled "surveyed" without a new point: the coordinates must differ
    from the current ones (in WGS84, or as typed, which catches the pre-filled values read in another
    coordinate system).

    Raises
    ------
    InputValidationError
        Unknown facility, a bad point, or an approximate facility given its own current coordinates.
    """
    rows = frame[frame["facility_id"].astype(str) == str(facility_id)]
    if len(rows) and math.isfinite(float(lon)) and math.isfinite(float(lat)):
        row = rows.iloc[0]
        quality = str(row["location_quality"] or "")
        wx, wy = (float(v) for v in to_wgs84(float(lon), float(lat), crs))
        cur_lon, cur_lat = float(row["lon"]), float(row["lat"])
        same_typed = abs(float(lon) - cur_lon) < 1e-7 and abs(float(lat) - cur_lat) < 1e-7
        same_point = math.isfinite(cur_lon) and haversine_km(cur_lon, cur_lat, wx, wy) * 1000 < UNCHANGED_M
        if quality != "surveyed" and (same_typed or same_point):
            raise bilingual(
                InputValidationError,
                zh=f"{row['name']} 的坐标没有改动，仍是近似位置（{quality or '未知'}）。"
                "请填写实测坐标，或在地图上点击实际位置。",
                en=f"The coordinates of {row['name']} are unchanged: still the approximate point "
                f"({quality or 'unknown'}). Enter the surveyed coordinates or click the true position.",
            )
    return set_surveyed_location(frame, str(facility_id), float(lon), float(lat), crs=crs, source=source)


def merge_upload(
    frame: gpd.GeoDataFrame, accepted: gpd.GeoDataFrame, *, replacements: pd.DataFrame | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Merge validated upload rows into the table (see ``geo.facilities.upload.apply_surveyed_locations``).

    ``replacements`` (rows of :func:`routing.workspace.placeholders.find_placeholders` the planner
    confirmed) make those uploaded hospitals replace their placeholders in place.

    Returns the new table and one report row per uploaded row (``action``: moved, updated, added,
    replaced placeholder).
    """
    if replacements is None or replacements.empty:
        return apply_surveyed_locations(frame, accepted)
    merged, report = apply_surveyed_locations(frame, apply_replacements(accepted, replacements))
    return merged, mark_replacements(report, replacements)


@dataclass(frozen=True)
class ClickedPoint:
    """A map click: as clicked (in the map's ``crs``), in WGS84, and its distance to the facility (metres)."""

    lon: float
    lat: float
    crs: str
    wgs84_lon: float
    wgs84_lat: float
    distance_m: float


def clicked_point(lon: float, lat: float, crs: str, facility: pd.Series) -> ClickedPoint:
    """Where a click on a map drawn in ``crs`` ("wgs84" or "gcj02") lies, and how far from ``facility``."""
    wx, wy = (float(v) for v in to_wgs84(lon, lat, crs))
    d = float(haversine_km(float(facility["lon"]), float(facility["lat"]), wx, wy)) * 1000
    return ClickedPoint(float(lon), float(lat), crs, wx, wy, d)


def county_choices(frame: pd.DataFrame, prefecture_codes: tuple[str, ...] = ()) -> dict[str, str]:
    """County code → "prefecture county" of the facilities in the chosen prefectures (all when none)."""
    scope = frame[frame["prefecture_code"].isin(prefecture_codes)] if prefecture_codes else frame
    pairs = {
        (str(r.county_code), f"{r.prefecture_name} {r.county_name}")
        for r in scope.itertuples()
        if r.county_code
    }
    return dict(sorted(pairs))


def facility_choices(frame: pd.DataFrame, county_code: str, lang: str) -> dict[str, str]:
    """Facility id → "name（type）" of one county, ordered by type then name."""
    rows = frame[frame["county_code"] == county_code].sort_values(["facility_type", "name", "facility_id"])
    kinds = {k: str(v.get(lang, k)) for k, v in FACILITY_TYPES.items()}
    return {
        str(r.facility_id): f"{r.name}（{kinds.get(str(r.facility_type), r.facility_type)}）"
        for r in rows.itertuples()
    }
