"""Health facilities: the schema and the embedded facility table (``data/fujian/facilities.csv``).

The embedded table holds one primary-care facility per township (placed at the township seat), one
county-level general hospital per county (at the county seat; placeholder names) and hand-entered city and
tertiary hospitals (at their street's or county's seat). Every location is approximate and says so in
``location_quality``; a planner replaces them with surveyed points by uploading a table (validation lives
in this package too).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import DataFileError

__all__ = [
    "FACILITY_COLUMNS",
    "FACILITY_TYPES",
    "HOSPITAL_TYPES",
    "LOCATION_QUALITIES",
    "PRIMARY_CARE_TYPES",
    "facilities_path",
    "load_facilities",
]

#: Facility types: key → Chinese and English labels, whether it is a primary-care facility (a destination of
#: the monthly doctor rotation) and the usual level.
FACILITY_TYPES: dict[str, dict[str, Any]] = {
    "township_health_center": {"zh": "乡镇卫生院", "en": "township health center", "is_primary_care": True},
    "community_health_center": {
        "zh": "社区卫生服务中心",
        "en": "community health center",
        "is_primary_care": True,
    },
    "county_hospital": {"zh": "县级综合医院", "en": "county general hospital", "is_primary_care": False},
    "city_hospital": {"zh": "市属医院", "en": "prefecture-city hospital", "is_primary_care": False},
    "tertiary_hospital": {"zh": "三级医院", "en": "tertiary hospital", "is_primary_care": False},
}

#: Primary-care facilities: the destinations of the monthly doctor rotation (乡镇卫生院, 社区卫生服务中心).
PRIMARY_CARE_TYPES: tuple[str, ...] = tuple(k for k, v in FACILITY_TYPES.items() if v["is_primary_care"])
#: County-level-and-above hospitals: where doctors come from and the default care sources of coverage.
HOSPITAL_TYPES: tuple[str, ...] = tuple(k for k, v in FACILITY_TYPES.items() if not v["is_primary_care"])

#: Allowed ``location_quality`` values ("" = no location known).
LOCATION_QUALITIES = (
    "approximate: township seat",
    "approximate: county seat",
    "approximate: street seat",
    "surveyed",
    "",
)

#: Columns of the facility table, in order (``geometry`` added by the loader).
FACILITY_COLUMNS = (
    "facility_id",
    "name",
    "name_derived",
    "facility_type",
    "township_code",
    "county_code",
    "county_name",
    "prefecture_code",
    "prefecture_name",
    "address",
    "lon",
    "lat",
    "location_quality",
    "source",
    "doctors_per_month",
)

_STR_COLUMNS = [c for c in FACILITY_COLUMNS if c not in ("lon", "lat", "doctors_per_month", "name_derived")]


def facilities_path() -> Path:
    """Path of the embedded facility table."""
    return Path(__file__).resolve().parents[2] / "data" / "fujian" / "facilities.csv"


@lru_cache(maxsize=1)
def load_facilities() -> gpd.GeoDataFrame:
    """Load the embedded facility table (cached; ``.copy()`` before mutating).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per facility, columns :data:`FACILITY_COLUMNS` plus ``geometry`` (Point, or None
        where the location is unknown). ``lon``/``lat`` are WGS84 degrees (NaN if unknown);
        ``doctors_per_month`` is NaN (unknown) in the embedded data.

    Raises
    ------
    DataFileError
        If the file is missing or lacks a column.
    """
    path = facilities_path()
    if not path.is_file():
        msg = f"Embedded facility table {str(path)!r} is missing; rebuild it with `python -m data.build`."
        raise DataFileError(msg)
    table = pd.read_csv(path, dtype=dict.fromkeys(_STR_COLUMNS, str), keep_default_na=False, na_values={})
    missing = [c for c in FACILITY_COLUMNS if c not in table.columns]
    if missing:
        msg = f"{path.name}: missing column(s) {missing}."
        raise DataFileError(msg)
    for column in ("lon", "lat", "doctors_per_month"):
        table[column] = pd.to_numeric(table[column].replace("", np.nan), errors="raise").astype(float)
    table["name_derived"] = table["name_derived"].astype(str) == "1"
    placed = table["lon"].notna() & table["lat"].notna()
    geometry = gpd.points_from_xy(table["lon"], table["lat"])
    geometry = [g if ok else None for g, ok in zip(geometry, placed, strict=True)]
    return gpd.GeoDataFrame(table[list(FACILITY_COLUMNS)], geometry=geometry, crs="EPSG:4326")
