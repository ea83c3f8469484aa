"""The embedded places (data/fujian) through geo.places: counts, consistency, name lookup."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import coords, places
from geo._errors import AmbiguousPlaceError, UnknownPlaceError
from tests.paths import ROOT, SHARED

ZHANGPING_UNITS = [
    "菁城街道", "桂林街道", "新桥镇", "双洋镇", "永福镇", "溪南镇", "和平镇", "拱桥镇",
    "象湖镇", "赤水镇", "西园镇", "南洋镇", "芦芝镇", "官田乡", "吾祠乡", "灵地乡",
]  # fmt: skip


@pytest.fixture(scope="module")
def townships():
    return places.load_townships()


@pytest.fixture(scope="module")
def counties():
    return places.load_counties()


def test_township_counts(townships):
    assert len(townships) == 1106
    assert townships["code"].is_unique and townships["code"].str.fullmatch(r"35\d{10}").all()
    assert townships["kind"].value_counts().to_dict() == {"镇": 653, "乡": 251, "街道": 202}
    placed = townships["lon"].notna()
    assert placed.sum() == 1078
    assert townships.crs.to_epsg() == 4326
    assert (townships.geometry.notna() == placed).all()
    # the 28 without a point keep a reason; placed ones have a source and no reason
    assert (townships.loc[~placed, "no_point_reason"] != "").all()
    assert (townships.loc[placed, "no_point_reason"] == "").all()
    assert (townships.loc[placed, "point_source"].str.contains("Vonng/adcode 2016")).all()
    per_pref = townships.groupby("prefecture_name").size().to_dict()
    assert per_pref == {
        "福州市": 180, "泉州市": 163, "南平市": 142, "三明市": 141, "龙岩市": 133,
        "宁德市": 126, "漳州市": 122, "莆田市": 54, "厦门市": 45,
    }  # fmt: skip


def test_zhangping_has_its_16_units(townships):
    zp = townships[townships["county_code"] == "350881"]
    assert sorted(zp["name"]) == sorted(ZHANGPING_UNITS)
    jc = zp[zp["name"] == "菁城街道"].iloc[0]
    assert coords.haversine_km(jc["lon"], jc["lat"], 117.40977, 25.29295) * 1000 < 1.0


def test_counties_and_prefectures(counties):
    assert len(counties) == 84 and counties["code"].is_unique
    assert counties["kind"].value_counts().to_dict() == {"县": 42, "区": 31, "县级市": 11}
    assert counties.set_index("code").loc["350405", "kind"] == "区"  # 沙县区, not 县
    pref = places.load_prefectures()
    assert len(pref) == 9
    assert sorted(pref.loc[pref["is_focus"], "name"]) == sorted(places.FOCUS_PREFECTURES)
    assert pref.set_index("name").loc["龙岩市", "short_name"] == "龙岩"
    assert len(places.load_province()) == 1
    for frame in (counties, pref, places.load_province()):
        assert frame.crs.to_epsg() == 4326
        assert frame.geometry.is_valid.all()


def test_census_population_and_code_remap(counties, townships):
    pop = counties.set_index("code")["population_2020"]
    assert pop["350881"] == 253394  # 漳平, SOURCES.md spot check
    assert np.isnan(pop["350527"])  # 金门: no census figure
    raw = SHARED / "data" / "places"
    census_file = raw / "tudigong_population_2020census_fujian_county.csv"
    if census_file.is_file():
        census = pd.read_csv(census_file, dtype={"CODE": str}).set_index("CODE")["POPU"]
        assert pop["350404"] == census["350402"] + census["350403"]  # 梅列 + 三元 → 三元区
        assert pop["350405"] == census["350427"] and pop["350604"] == census["350681"]
    # estimated township populations add up to each county's census total
    sums = townships.groupby("county_code")["population_est"].sum()
    assert (sums == pop.loc[sums.index].astype(np.int64)).all()
    assert (townships["population_est"] > 0).all()
    fallback = townships[townships["vonng2016_code"] == ""]
    assert len(fallback) == 19
    assert all(
        src.endswith(f"county {code}")
        for src, code in zip(fallback["population_weight_source"], fallback["county_code"], strict=True)
    )
    assert pop.sum() == 41_540_086 == places.load_province()["population_2020"].iloc[0]


def test_every_placed_township_lies_in_its_county(townships, counties):
    polygons = counties.set_index("code").geometry
    placed = townships[townships["lon"].notna()]
    inside = shapely.contains_xy(
        polygons.loc[placed["county_code"]].to_numpy(), placed["lon"].to_numpy(), placed["lat"].to_numpy()
    )
    outside = placed.loc[~inside, ["code", "name", "county_name"]]
    assert outside.empty, f"townships outside their county polygon:\n{outside}"


def test_county_seats_lie_in_their_county_and_levels_nest(counties):
    inside = shapely.contains_xy(counties.geometry.to_numpy(), counties["seat_lon"], counties["seat_lat"])
    assert inside.all(), counties.loc[~inside, "name"].tolist()
    assert counties.loc[counties["code"] == "350404", "seat_source"].str.contains("梅列").all()
    pref = places.load_prefectures().set_index("code")
    for code, group in counties.groupby("prefecture_code"):
        union = shapely.union_all(group.geometry.to_numpy())
        assert union.symmetric_difference(pref.geometry[code]).area < 1e-8
    assert pref["n_counties"].sum() == 84


def test_fujian_bbox_contains_the_province():
    lon_min, lat_min, lon_max, lat_max = places.load_province().total_bounds
    b = coords.FUJIAN_BBOX
    assert b[0] < lon_min and b[1] < lat_min and lon_max < b[2] and lat_max < b[3]
    assert lon_min - b[0] < 0.2 and b[3] - lat_max < 0.2


def test_dataset_info():
    info = places.dataset_info()
    assert info["townships"] == 1106 and info["townships_placed"] == 1078
    assert info["counties"] == 84 and info["prefectures"] == 9
    assert any("CC BY 4.0" in s["licence"] and s["name"] == "Vonng/adcode" for s in info["sources"])
    assert info["counts"]["facilities.csv"] == len(__import__("geo.facilities").facilities.load_facilities())


@pytest.mark.parametrize(
    ("query", "kind", "display"),
    [
        ("长汀县新桥镇", "township", "龙岩市长汀县新桥镇"),
        ("龙岩市长汀县新桥镇", "township", "龙岩市长汀县新桥镇"),
        ("长汀新桥", "township", "龙岩市长汀县新桥镇"),  # suffixes left out
        (" 漳平市 菁城街道 ", "township", "龙岩市漳平市菁城街道"),
        ("漳平", "county", "龙岩市漳平市"),
        ("沙县", "county", "三明市沙县区"),
        ("龙岩市第一医院", "facility", "龙岩市新罗区龙岩市第一医院"),
        ("福建省立医院", "facility", "福州市鼓楼区福建省立医院"),
        # real names from the 2020 list (data/_names.py), shown with prefecture + county in front
        ("漳平市新桥镇卫生院", "facility", "龙岩市漳平市漳平市新桥中心卫生院"),
        ("长汀县新桥中心卫生院", "facility", "龙岩市长汀县长汀县新桥中心卫生院"),
        ("菁城社区卫生服务中心", "facility", "龙岩市漳平市漳平市菁城社区卫生服务中心"),
        ("长汀县医院", "facility", "龙岩市长汀县长汀县县级综合医院（名称待核实）"),  # 2020 name to verify
        ("漳平市总医院", "facility", "龙岩市漳平市漳平市总医院"),  # 漳卫〔2022〕60号
    ],
)
def test_find_places(query, kind, display):
    match = places.resolve_place(query)
    assert (match.kind, match.display_name) == (kind, display)
    assert coords.in_fujian(match.lon, match.lat)
    assert places.resolve_place(match.display_name) == match  # the qualified name finds it again


def test_find_places_ambiguous_unknown_and_unplaced():
    with pytest.raises(AmbiguousPlaceError, match="新桥镇") as info:
        places.resolve_place("新桥镇")
    assert sorted(info.value.candidates) == ["龙岩市漳平市新桥镇", "龙岩市长汀县新桥镇"]
    # an exact suffix beats a differing one: 新桥镇中心卫生院 → the two 新桥镇, not 新桥乡 or 新桥街道
    assert len(places.find_places("新桥镇中心卫生院")) == 2
    assert len(places.find_places("新桥中心卫生院")) == 4
    with pytest.raises(UnknownPlaceError, match="'火星镇'"):
        places.find_places("火星镇")
    with pytest.raises(UnknownPlaceError, match=r"prefecture-level city.*龙岩市新罗区"):
        places.find_places("龙岩")
    with pytest.raises(UnknownPlaceError, match="Empty"):
        places.find_places("  ")
    m = places.resolve_place("晋安区日溪乡")
    assert m.lon is None and m.lat is None and "Vonng" in m.no_point_reason


def test_importing_the_loaders_does_not_import_streamlit():
    code = (
        "import sys, geo.places, geo.facilities, geo.coords; geo.places.find_places('漳平'); "
        "sys.exit(1 if 'streamlit' in sys.modules else 0)"
    )
    root = ROOT
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
