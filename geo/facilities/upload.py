"""Planners' own facility lists: read an upload, validate it row by row, and replace approximate locations.

Typical use::

    table = read_upload("我的卫生院.xlsx")          # CSV or XLSX; UTF-8, UTF-8-BOM, GBK/GB18030
    table.unmapped                                   # headers not recognised → ask the user
    result = validate_upload(table, {"机构全称": "name"}, fix_swapped=True)
    result.report_lines("zh")                        # one line per problem: 第N行，列“C”：…
    updated, report = apply_surveyed_locations(load_facilities(), result.accepted)

Every accepted row is a facility-table row (WGS84, EPSG:4326); a row given with coordinates is
``location_quality="surveyed"``, a row without them is placed at its township (or county) seat by the offline
geocoder and says so. Rejected rows are returned as written, with the reasons,
so nothing the planner entered is lost.
CLI: ``python -m geo validate FILE``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo._errors import InputValidationError
from geo.coords import haversine_km, to_wgs84
from geo.facilities import PRIMARY_CARE_TYPES
from geo.facilities._read import read_upload
from geo.facilities.fields import FIELD_LABELS, FIELDS, map_headers
from geo.facilities.messages import MESSAGES
from geo.facilities.parse import parse_crs, parse_facility_type, parse_number
from geo.facilities.types import Problem, UploadResult, UploadTable
from geo.facilities.validate import validate_upload as _validate_upload
from geo.geocoding import Gazetteer
from geo.scope import check_in_fujian

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "MESSAGES",
    "Problem",
    "UploadResult",
    "UploadTable",
    "apply_surveyed_locations",
    "map_headers",
    "parse_crs",
    "parse_facility_type",
    "parse_number",
    "read_upload",
    "set_surveyed_location",
    "validate_file",
    "validate_upload",
]


def validate_upload(
    table: UploadTable,
    mapping: Mapping[str, str | None] | None = None,
    *,
    crs: str | None = None,
    fix_swapped: bool = False,
    gazetteer: Gazetteer | None = None,
) -> UploadResult:
    """Validate an uploaded facility list; keep the valid rows, explain every problem.

    Checks, one message per problem (row, column, value): name missing
    or duplicated (same county), id duplicated,
    facility type unknown (keys, Chinese or English labels and synonyms such as 卫生院 are accepted; an empty
    type is taken from a name ending in 卫生院/社区卫生服务中心), unparseable
    numbers, a longitude without latitude,
    latitude and longitude swapped (fixed when ``fix_swapped``), a coordinate system
    other than WGS84 — declared
    in a 坐标系 column, the ``crs`` argument or a header such as ``经度(GCJ-02)``, or detected from the row's
    offset to its township seat in the gazetteer (about 600 m in the GCJ-02 direction) — converted to WGS84,
    points outside Fujian. Rows without coordinates are geocoded offline from their address/name.

    Parameters
    ----------
    table
        From :func:`read_upload`.
    mapping
        User's header → field choices (fields in :data:`FIELDS`; ``None`` ignores a column); they replace the
        automatic mapping for those headers.
    crs
        Coordinate system of rows with an empty 坐标系 cell: ``"wgs84"``, ``"gcj02"`` or ``"bd09"``
        (default: from the header, else detected).
    fix_swapped
        Swap back latitude/longitude that are evidently swapped (otherwise such rows
        are rejected with the offer).
    gazetteer
        Places for geocoding and county lookup (default: the embedded dataset).

    Returns
    -------
    UploadResult
        ``accepted`` (facility table, WGS84), ``rejected`` (rows as written + reasons), ``problems``.

    Raises
    ------
    InputValidationError
        ``mapping`` names a column the file lacks or a field that does not exist, or ``crs`` is unknown.
    """
    return _validate_upload(table, mapping, crs=crs, fix_swapped=fix_swapped, gazetteer=gazetteer)


def validate_file(
    path: str | Path | bytes,
    mapping: Mapping[str, str | None] | None = None,
    *,
    name: str | None = None,
    sheet: str | None = None,
    crs: str | None = None,
    fix_swapped: bool = False,
) -> UploadResult:
    """Read and validate in one call (:func:`read_upload` then :func:`validate_upload`).

    Raises
    ------
    DataFileError
        The file cannot be read as CSV or XLSX.
    InputValidationError
        Bad ``mapping`` or ``crs``.
    """
    table = read_upload(path, name=name, sheet=sheet)
    return validate_upload(table, mapping, crs=crs, fix_swapped=fix_swapped)


# ------------------------------------------------------------------------------------------- survey


def _norm_name(text: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def _is_finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def set_surveyed_location(
    facilities: gpd.GeoDataFrame,
    facility_id: str,
    lon: float,
    lat: float,
    *,
    crs: str = "wgs84",
    source: str = "surveyed: map click",
) -> gpd.GeoDataFrame:
    """Return a copy of the facility table with one facility moved to a surveyed point.

    Parameters
    ----------
    facilities
        Facility table (columns of :func:`geo.facilities.load_facilities`).
    facility_id
        The facility to move.
    lon, lat
        The surveyed point, degrees, in ``crs``.
    crs
        ``"wgs84"`` (a map click, GPS), ``"gcj02"`` (高德/腾讯) or ``"bd09"`` (百度); converted to WGS84.
    source
        Written to the facility's ``source`` column.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy; the facility has the new ``lon``/``lat``/``geometry`` and ``location_quality == "surveyed"``.

    Raises
    ------
    InputValidationError
        Unknown ``facility_id``, a non-finite point, an unknown ``crs`` or a point outside Fujian.
    """
    from shapely import Point

    if not isinstance(facilities, pd.DataFrame) or "facility_id" not in facilities.columns:
        msg = f"set_surveyed_location needs the facility table, not {type(facilities).__name__}."
        raise InputValidationError(msg)
    ids = facilities["facility_id"].astype(str)
    if str(facility_id) not in set(ids):
        msg = f"No facility with id {facility_id!r} in the table."
        raise InputValidationError(msg)
    if not (_is_finite(lon) and _is_finite(lat)):
        msg = f"Surveyed point ({lon!r}, {lat!r}) is not a pair of finite numbers."
        raise InputValidationError(msg)
    system = parse_crs(crs) if isinstance(crs, str) else None
    if system is None:
        msg = f"Unknown coordinate system {crs!r}; expected 'wgs84', 'gcj02' or 'bd09'."
        raise InputValidationError(msg)
    xs, ys = to_wgs84(float(lon), float(lat), system)
    x, y = float(xs), float(ys)
    check_in_fujian(x, y, f"Surveyed point for {facility_id!r}")
    out = facilities.copy()
    mask = (ids == str(facility_id)).to_numpy()
    out.loc[mask, "lon"] = x
    out.loc[mask, "lat"] = y
    out.loc[mask, "location_quality"] = "surveyed"
    out.loc[mask, "source"] = source
    out.loc[mask, "geometry"] = Point(x, y)
    return out


def apply_surveyed_locations(
    facilities: gpd.GeoDataFrame,
    uploaded: gpd.GeoDataFrame,
    *,
    add_unmatched: bool = True,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Merge validated upload rows into a facility table: move matched facilities, add the others.

    A row matches an existing facility by ``facility_id``; else by name
    (ignoring spaces) within the same county;
    else, for a 乡镇卫生院/社区卫生服务中心, by township (the embedded table has
    one per township, often under a
    derived name). Only surveyed rows move a facility; a given ``doctors_per_month`` is copied either way,
    and the uploaded name replaces a name the embedded table derived itself (``name_derived``).

    Parameters
    ----------
    facilities
        The current facility table.
    uploaded
        ``UploadResult.accepted``.
    add_unmatched
        Append rows that match no facility (else they are only reported).

    Returns
    -------
    updated, report
        The new table (a copy) and one report row per uploaded row: ``facility_id``, ``name``, ``action``
        (``"moved"``, ``"updated"``, ``"added"``, ``"not matched"``), ``matched_by``, ``moved_m`` (metres,
        NaN if not moved).
    """
    import geopandas as gpd

    out = facilities.copy()
    matches = _matches(out, uploaded)
    report, added = [], []
    for k, (_, row) in enumerate(uploaded.iterrows()):
        target, how = matches.get(k, (None, ""))
        if target is None:
            if add_unmatched:
                added.append(row)
            action = "added" if add_unmatched else "not matched"
            report.append((row["facility_id"], row["name"], action, "", math.nan))
            continue
        action, moved = _update(out, target, row)
        report.append((out.at[target, "facility_id"], row["name"], action, how, moved))
    if added:
        extra = gpd.GeoDataFrame(pd.DataFrame(added), geometry="geometry", crs=out.crs)
        out = gpd.GeoDataFrame(
            pd.concat([out, extra[out.columns]], ignore_index=True), geometry="geometry", crs=out.crs
        )
    return out, pd.DataFrame(report, columns=["facility_id", "name", "action", "matched_by", "moved_m"])


def _matches(out: pd.DataFrame, uploaded: pd.DataFrame) -> dict[int, tuple[Hashable, str]]:
    """Uploaded row position → (index label in ``out``, how matched): by id, then name within the county,
    then, for the rest, the one primary-care facility of the same township and type."""
    ids = out["facility_id"].astype(str)
    by_id = {fid: i for i, fid in zip(out.index, ids, strict=True)}
    by_name = {
        (_norm_name(n), str(c)): i for i, n, c in zip(out.index, out["name"], out["county_code"], strict=True)
    }
    by_township: dict[tuple[str, str], list[Hashable]] = {}
    for i, t, ft in zip(out.index, out["township_code"], out["facility_type"], strict=True):
        if ft in PRIMARY_CARE_TYPES and t:
            by_township.setdefault((str(t), ft), []).append(i)
    matches: dict[int, tuple[Hashable, str]] = {}
    rows = [row for _, row in uploaded.iterrows()]
    for k, row in enumerate(rows):
        if str(row["facility_id"]) in by_id:
            matches[k] = (by_id[str(row["facility_id"])], "id")
        elif (_norm_name(row["name"]), str(row["county_code"])) in by_name:
            matches[k] = (by_name[(_norm_name(row["name"]), str(row["county_code"]))], "name and county")
    used = {target for target, _ in matches.values()}
    for k, row in enumerate(rows):
        candidates = by_township.get((str(row["township_code"]), row["facility_type"]), [])
        free = len(candidates) == 1 and candidates[0] not in used
        if k not in matches and row["facility_type"] in PRIMARY_CARE_TYPES and free:
            matches[k] = (candidates[0], "township and type")
            used.add(candidates[0])
    return matches


def _update(out: pd.DataFrame, target: Hashable, row: pd.Series) -> tuple[str, float]:
    """Copy an uploaded row onto facility ``target`` (point if surveyed, doctors, a derived name);
    return the action ("moved" | "updated") and how far it moved, m (NaN if not)."""
    from shapely import Point

    moved, action = math.nan, "updated"
    if row["location_quality"] == "surveyed":
        old_lon, old_lat = float(out.at[target, "lon"]), float(out.at[target, "lat"])  # type: ignore[arg-type]
        d_km = haversine_km(old_lon, old_lat, float(row["lon"]), float(row["lat"]))
        moved = float(d_km) * 1000
        out.at[target, "lon"] = float(row["lon"])
        out.at[target, "lat"] = float(row["lat"])
        out.at[target, "geometry"] = Point(float(row["lon"]), float(row["lat"]))
        out.at[target, "location_quality"] = "surveyed"
        out.at[target, "source"] = str(row["source"])
        action = "moved"
    if not math.isnan(float(row["doctors_per_month"])):
        out.at[target, "doctors_per_month"] = float(row["doctors_per_month"])
    derived = "name_derived" in out.columns and bool(out.at[target, "name_derived"])
    if derived and str(row["name"]).strip():  # the planner's name replaces one we derived ourselves
        out.at[target, "name"] = str(row["name"]).strip()
        out.at[target, "name_derived"] = False
    return action, moved
