"""The embedded facility table (geo.facilities.load_facilities)."""

from __future__ import annotations

import numpy as np
import pytest

from geo import coords
from geo.facilities import FACILITY_COLUMNS, FACILITY_TYPES, LOCATION_QUALITIES, load_facilities
from geo.places import load_counties, load_townships


@pytest.fixture(scope="module")
def facilities():
    return load_facilities()


def test_schema(facilities):
    assert list(facilities.columns) == [*FACILITY_COLUMNS, "geometry"]
    assert facilities.crs.to_epsg() == 4326
    assert facilities["facility_id"].is_unique
    assert set(facilities["facility_type"]) <= set(FACILITY_TYPES)
    assert set(facilities["location_quality"]) <= set(LOCATION_QUALITIES)
    assert facilities["doctors_per_month"].isna().all()  # unknown: never invented
    assert (facilities["source"] != "").all()
    for info in FACILITY_TYPES.values():
        assert {"zh", "en", "is_primary_care"} <= set(info)


def test_one_primary_care_facility_per_township(facilities):
    town = load_townships().set_index("code")
    primary = facilities[facilities["facility_type"].map(lambda t: FACILITY_TYPES[t]["is_primary_care"])]
    assert len(primary) == 1106
    assert sorted(primary["township_code"]) == sorted(town.index)
    assert primary["facility_type"].value_counts().to_dict() == {
        "township_health_center": 904,
        "community_health_center": 202,
    }
    kinds = town.loc[primary["township_code"], "kind"].to_numpy()
    is_chc = (primary["facility_type"] == "community_health_center").to_numpy()
    assert (is_chc == (kinds == "街道")).all()
    # real names from the 2020 list where one name matches one township (data/_names.py); derived elsewhere
    assert (~primary["name_derived"]).sum() == 706
    zp = primary.set_index("township_code")
    assert zp.loc["350881100000", "name"] == "漳平市新桥中心卫生院"
    assert zp.loc["350881001000", "name"] == "漳平市菁城社区卫生服务中心"
    derived = primary[primary["name_derived"]]
    assert (derived["name"].str.endswith("卫生院") | derived["name"].str.endswith("社区卫生服务中心")).all()
    placed = primary["lon"].notna()
    assert placed.sum() == 1078
    assert (primary.loc[placed, "location_quality"] == "approximate: township seat").all()
    assert (primary.loc[~placed, "location_quality"] == "").all()
    assert primary.loc[~placed].geometry.isna().all()
    seat = town.loc[primary.loc[placed, "township_code"]]
    assert np.array_equal(primary.loc[placed, "lon"].to_numpy(), seat["lon"].to_numpy())


def test_county_hospitals_at_county_seats(facilities):
    counties = load_counties().set_index("code")
    ch = facilities[facilities["facility_type"] == "county_hospital"].set_index("county_code")
    # every county with townships; 金门县 (Taiwan-administered, no townships) gets none
    assert len(ch) == 83 and "350527" not in ch.index
    assert sorted(ch.index) == sorted(counties.index[counties["n_townships"] > 0])
    assert (ch["location_quality"] == "approximate: county seat").all()
    assert (ch["lon"] == counties.loc[ch.index, "seat_lon"]).all()
    named = ~ch["name_derived"]
    assert named.sum() == 63 and ch.loc["350881", "name"] == "漳平市总医院"
    assert ch.loc[~named, "name"].str.endswith("（名称待核实）").all()
    assert ch.loc[named, "source"].str.startswith("name: ").all()


def test_hand_entered_hospitals(facilities):
    seed = facilities[facilities["facility_type"].isin(["city_hospital", "tertiary_hospital"])]
    assert len(seed) >= 20
    assert not seed["name_derived"].any()
    assert seed["source"].str.contains("hand-entered").all()
    names = set(seed["name"])
    assert {"福建省立医院", "福建医科大学附属协和医院", "福建医科大学附属第一医院", "厦门大学附属第一医院",
            "厦门大学附属中山医院", "龙岩市第一医院"} <= names  # fmt: skip
    for prefecture in ("龙岩市", "三明市", "南平市", "宁德市"):
        assert (seed.loc[seed["facility_type"] == "city_hospital", "prefecture_name"] == prefecture).any()
    assert seed["location_quality"].isin(["approximate: street seat", "approximate: county seat"]).all()
    assert coords.in_fujian(seed["lon"], seed["lat"]).all()
    street = seed[seed["location_quality"] == "approximate: street seat"]
    town = load_townships().set_index("code")
    assert (town.loc[street["township_code"], "kind"] == "街道").all()
