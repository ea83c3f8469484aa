"""Build the facility table: derived primary-care and county facilities, plus the hand-entered hospitals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data._names import county_hospital_names, match_primary_names, read_name_list
from geo.facilities import FACILITY_COLUMNS

SEED_FILE = Path(__file__).with_name("hospitals_seed.csv")

SEED_COLUMNS = [
    "facility_id",
    "name",
    "facility_type",
    "prefecture_name",
    "county_name",
    "street_name",
    "address",
    "source",
]
SEED_TYPES = ("city_hospital", "tertiary_hospital")

PRIMARY_SOURCE = (
    "derived: one primary-care facility assumed per township "
    "(乡镇卫生院 for 镇/乡, 社区卫生服务中心 for 街道); "
    "name derived from the township name, not the official name"
)
COUNTY_SOURCE = (
    "derived: one county-level general hospital assumed per county; name is a placeholder (名称待核实)"
)

#: Columns of the written table: the schema the loader reads (a list, to select frame columns with).
COLUMNS = list(FACILITY_COLUMNS)


def primary_care(townships: pd.DataFrame) -> pd.DataFrame:
    """One 乡镇卫生院 per 镇/乡 and one 社区卫生服务中心 per 街道, at the township seat."""
    is_street = townships["kind"] == "街道"
    placed = townships["lon"].notna()
    return pd.DataFrame(
        {
            "facility_id": "PHC-" + townships["code"],
            "name": np.where(is_street, townships["name"] + "社区卫生服务中心", townships["name"] + "卫生院"),
            "name_derived": True,
            "facility_type": np.where(is_street, "community_health_center", "township_health_center"),
            "township_code": townships["code"],
            "county_code": townships["county_code"],
            "county_name": townships["county_name"],
            "prefecture_code": townships["prefecture_code"],
            "prefecture_name": townships["prefecture_name"],
            "address": "",
            "lon": townships["lon"],
            "lat": townships["lat"],
            "location_quality": np.where(placed, "approximate: township seat", ""),
            "source": PRIMARY_SOURCE,
            "doctors_per_month": np.nan,
        }
    )


def county_hospitals(counties: pd.DataFrame) -> pd.DataFrame:
    """One county-level general hospital per county that has townships, at its seat, with a placeholder name.

    金门县 (no townships: administered by Taiwan) gets none.
    """
    counties = counties[counties["n_townships"] > 0]
    return pd.DataFrame(
        {
            "facility_id": "CH-" + counties["code"],
            "name": counties["name"] + "县级综合医院（名称待核实）",
            "name_derived": True,
            "facility_type": "county_hospital",
            "township_code": "",
            "county_code": counties["code"],
            "county_name": counties["name"],
            "prefecture_code": counties["prefecture_code"],
            "prefecture_name": counties["prefecture_name"],
            "address": "",
            "lon": counties["seat_lon"],
            "lat": counties["seat_lat"],
            "location_quality": "approximate: county seat",
            "source": COUNTY_SOURCE,
            "doctors_per_month": np.nan,
        }
    )


def seed_hospitals(
    townships: pd.DataFrame, counties: pd.DataFrame, seed_path: Path = SEED_FILE
) -> pd.DataFrame:
    """The hand-entered city and tertiary hospitals, each placed at its 街道's seat (else its county's seat).

    Raises
    ------
    DataFileError
        If the seed file is missing, lacks a column, or a row names an unknown type, county or street.
    """
    from geo._errors import DataFileError

    if not seed_path.is_file():
        msg = f"Hospital seed file {str(seed_path)!r} is missing."
        raise DataFileError(msg)
    seed = pd.read_csv(seed_path, dtype=str, keep_default_na=False)
    missing = [c for c in SEED_COLUMNS if c not in seed.columns]
    if missing:
        msg = f"{seed_path.name}: missing column(s) {missing}; expected {SEED_COLUMNS}."
        raise DataFileError(msg)
    if seed["facility_id"].duplicated().any():
        dup = seed.loc[seed["facility_id"].duplicated(), "facility_id"].tolist()
        msg = f"{seed_path.name}: duplicate facility_id {dup}."
        raise DataFileError(msg)
    county_by_key = {(r.prefecture_name, r.name): r for r in counties.itertuples()}
    rows = []
    for i, rec in enumerate(seed.itertuples(), start=2):  # row 1 is the header
        where = f"{seed_path.name} row {i} ({rec.name!r})"
        if rec.facility_type not in SEED_TYPES:
            msg = f"{where}: facility_type {rec.facility_type!r} is not one of {list(SEED_TYPES)}."
            raise DataFileError(msg)
        county = county_by_key.get((rec.prefecture_name, rec.county_name))
        if county is None:
            msg = f"{where}: county {rec.prefecture_name}{rec.county_name} not found."
            raise DataFileError(msg)
        lon, lat, quality, town_code = county.seat_lon, county.seat_lat, "approximate: county seat", ""
        if rec.street_name:
            hit = townships[
                (townships["county_code"] == county.code) & (townships["name"] == rec.street_name)
            ]
            if len(hit) != 1:
                msg = f"{where}: street {rec.street_name!r} not found in {rec.county_name}."
                raise DataFileError(msg)
            town = hit.iloc[0]
            town_code = town["code"]
            if not np.isnan(town["lon"]):
                lon, lat, quality = town["lon"], town["lat"], "approximate: street seat"
        rows.append(
            {
                "facility_id": rec.facility_id,
                "name": rec.name,
                "name_derived": False,
                "facility_type": rec.facility_type,
                "township_code": town_code,
                "county_code": county.code,
                "county_name": county.name,
                "prefecture_code": county.prefecture_code,
                "prefecture_name": county.prefecture_name,
                "address": rec.address,
                "lon": lon,
                "lat": lat,
                "location_quality": quality,
                "source": rec.source,
                "doctors_per_month": np.nan,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def build_facilities(
    townships: pd.DataFrame,
    counties: pd.DataFrame,
    seed_path: Path = SEED_FILE,
    *,
    names_source: Path | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """All facilities, sorted by ``facility_id``, and the name-matching counts.

    With ``names_source`` (the shared places folder), primary-care facilities and county hospitals get their
    real names where the 2020 lists name them unambiguously (:mod:`data._names`); the rest keep derived names.
    """
    primary = primary_care(townships)
    county = county_hospitals(counties)
    stats: dict[str, int] = {}
    if names_source is not None:
        primary, stats = match_primary_names(primary, townships, read_name_list(names_source))
        named = county_hospital_names(names_source)
        hit = county["county_code"].isin(list(named))
        county.loc[hit, "name"] = county.loc[hit, "county_code"].map(lambda c: named[c][0])
        county.loc[hit, "source"] = county.loc[hit, "county_code"].map(lambda c: named[c][1])
        county.loc[hit, "name_derived"] = False
        stats = {
            "primary_care_named": stats["matched"],
            "primary_care_derived": int(primary["name_derived"].sum()),
            "primary_care_names_in_list": stats["names"],
            "primary_care_names_unmatched": stats["unmatched"],
            "primary_care_names_ambiguous": stats["ambiguous_name"] + stats["ambiguous_township"],
            "county_hospitals_named": int(hit.sum()),
            "county_hospitals_placeholder": int((~hit).sum()),
        }
    frames = [primary, county, seed_hospitals(townships, counties, seed_path)]
    table = pd.concat([f[COLUMNS] for f in frames], ignore_index=True)
    return table.sort_values("facility_id", kind="stable").reset_index(drop=True), stats
