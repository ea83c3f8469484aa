"""Geocoding: the offline gazetteer matcher on the embedded data and on a tiny hand-made gazetteer, and the
online providers fed recorded responses (tests/data/geocoding/, see its README) — never the internet."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from geo.__main__ import main as geo_main
from geo._errors import AmbiguousPlaceError, InputValidationError, NetworkError, UnknownPlaceError
from geo.coords import haversine_km
from geo.geocoding import Gazetteer, geocode, geocode_many, geocode_offline, normalise_address
from tests.paths import TEST_DATA

RECORDED = TEST_DATA / "geocoding"
SHUANGYANG = (117.362448, 25.611762)  # 双洋镇 seat in the embedded gazetteer, WGS84


def _m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(haversine_km(a[0], a[1], b[0], b[1])) * 1000.0


@pytest.fixture(scope="module")
def tiny() -> Gazetteer:
    """A hand-made gazetteer: two 新桥镇 in two counties,
    a renamed county (沙县区), a township without a point.
    """
    prefectures = pd.DataFrame(
        {"code": ["350800", "350400"], "name": ["龙岩市", "三明市"], "short_name": ["龙岩", "三明"]}
    )
    counties = pd.DataFrame(
        {
            "code": ["350881", "350821", "350405"],
            "name": ["漳平市", "长汀县", "沙县区"],
            "prefecture_code": ["350800", "350800", "350400"],
            "seat_lon": [117.40, 116.35, 117.78],
            "seat_lat": [25.30, 25.83, 26.40],
        }
    )
    townships = pd.DataFrame(
        {
            "code": ["350881101000", "350881100000", "350821100000", "350405100000", "350881203000"],
            "name": ["双洋镇", "新桥镇", "新桥镇", "凤岗街道", "官田乡"],
            "county_code": ["350881", "350881", "350821", "350405", "350881"],
            "prefecture_code": ["350800", "350800", "350800", "350400", "350800"],
            "lon": [117.36, 117.51, 116.45, 117.79, math.nan],
            "lat": [25.61, 25.60, 25.88, 26.39, math.nan],
            "no_point_reason": ["", "", "", "", "created after 2016"],
        }
    )
    return Gazetteer(townships, counties, prefectures)


# ------------------------------------------------------------------------------------- offline, tin


@pytest.mark.parametrize(
    ("query", "code", "level"),
    [
        ("福建省龙岩市漳平市双洋镇卫生院", "350881101000", "township"),  # every level
        ("双洋镇卫生院", "350881101000", "township"),  # missing prefecture and county
        ("双洋卫生院", "350881101000", "township"),  # abbreviated township
        ("龙岩漳平双洋", "350881101000", "township"),  # abbreviated everything
        ("漳平市双洋乡", "350881101000", "township"),  # 乡 → 镇 upgrade
        ("长汀县新桥镇", "350821100000", "township"),  # county disambiguates
        ("漳平新桥镇卫生院", "350881100000", "township"),
        ("沙县医院", "350405", "county"),  # 沙县 → 沙县区 (renamed), county level only
        ("沙县凤岗街道社区卫生服务中心", "350405100000", "township"),
        ("漳平市医院", "350881", "county"),
        ("  福建 龙岩市（漳平市）双洋镇 ", "350881101000", "township"),  # spaces and brackets
    ],
)
def test_offline_match_levels(tiny: Gazetteer, query: str, code: str, level: str) -> None:
    r = geocode_offline(query, tiny)
    assert r.level == level
    assert (r.township_code if level == "township" else r.county_code) == code
    assert r.location_quality == f"approximate: {level} seat"
    assert r.provider == "offline"


def test_offline_ambiguous_lists_candidates(tiny: Gazetteer) -> None:
    with pytest.raises(AmbiguousPlaceError, match="Add the county") as info:
        geocode_offline("新桥镇卫生院", tiny)
    assert info.value.candidates == ["福建省龙岩市漳平市新桥镇", "福建省龙岩市长汀县新桥镇"]


def test_offline_county_conflict_excludes_township(tiny: Gazetteer) -> None:
    """长汀县 stated: the 漳平 双洋 match is excluded, so only the county is left."""
    r = geocode_offline("长汀县双洋镇", tiny)
    assert (r.level, r.county_code) == ("county", "350821")


@pytest.mark.parametrize("query", ["上海市黄浦区", "", "   ", "卫生院", "龙岩市第一医院"])
def test_offline_unknown(tiny: Gazetteer, query: str) -> None:
    with pytest.raises(UnknownPlaceError):
        geocode_offline(query, tiny)


def test_prefecture_only_is_not_enough(tiny: Gazetteer) -> None:
    with pytest.raises(UnknownPlaceError, match="only the prefecture 龙岩市"):
        geocode_offline("龙岩市第一医院", tiny)


def test_township_without_point_falls_back_to_county_seat(tiny: Gazetteer) -> None:
    r = geocode_offline("漳平市官田乡卫生院", tiny)
    assert (r.level, r.township_code, r.lon, r.lat) == ("county", "350881203000", 117.40, 25.30)
    assert r.location_quality == "approximate: county seat"
    assert any("created after 2016" in n for n in r.notes)


def test_normalise_address() -> None:
    assert normalise_address("中国 福建省 龙岩市（漳平市）") == "龙岩市漳平市"
    assert normalise_address("ＡＢＣ１２３") == "ABC123"


# ------------------------------------------------------------------------------------- offline, embedded data


def test_embedded_issue_example() -> None:
    r = geocode_offline("福建省龙岩市漳平市双洋镇卫生院")
    assert r.matched == "福建省龙岩市漳平市双洋镇"
    assert r.township_code == "350881101000"
    assert _m((r.lon, r.lat), SHUANGYANG) < 1.0


@pytest.mark.parametrize(
    ("query", "county_code"),
    [
        ("长乐市医院", "350112"),  # 长乐市 → 长乐区 (2017)
        ("梅列区列东街道", "350404"),  # 梅列区 merged into 三元区 (2021)
        ("建阳市人民医院", "350703"),  # 建阳市 → 建阳区
        ("龙海市第一医院", "350604"),  # 龙海市 → 龙海区 (2021)
    ],
)
def test_embedded_renamed_counties(query: str, county_code: str) -> None:
    assert geocode_offline(query).county_code == county_code


def test_every_embedded_township_finds_itself() -> None:
    """Each township written in full (county + name) geocodes to itself, at its own point."""
    from geo.places import load_townships

    towns = load_townships()
    failures = []
    for t in towns.itertuples():
        r = geocode_offline(f"{t.prefecture_name}{t.county_name}{t.name}")
        if r.township_code != t.code:
            failures.append((t.code, t.name, r.township_code))
    assert failures == []


def test_geocode_many_keeps_failures() -> None:
    table = geocode_many(["双洋镇卫生院", "上海市"])
    assert list(table["error"] == "") == [True, False]
    assert math.isnan(table.loc[1, "lon"])


def test_cli_prints_point_and_quality(capsys: pytest.CaptureFixture[str]) -> None:
    assert geo_main(["geocode", "福建省龙岩市漳平市双洋镇卫生院"]) == 0
    out = capsys.readouterr().out
    assert (
        "福建省龙岩市漳平市双洋镇" in out and "117.362448" in out and "approximate: township seat" in out
    )
    assert geo_main(["geocode", "新桥镇卫生院"]) == 1
    assert "ambiguous" in capsys.readouterr().out


# ------------------------------------------------------------------------------------- online, recorded


class _Response:
    def __init__(self, payload: object, status: int = 200) -> None:
        self.payload, self.status_code = payload, status

    def raise_for_status(self) -> None:
        import requests

        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code} error")

    def json(self) -> object:
        return self.payload


class _Replay:
    """A requests.Session stand-in that answers every GET with one recorded payload and logs the call."""

    def __init__(self, name: str, status: int = 200) -> None:
        self.payload = json.loads((RECORDED / name).read_text(encoding="utf-8"))
        self.status = status
        self.calls: list[tuple[str, dict]] = []

    def get(self, url: str, params: dict, timeout: float) -> _Response:
        self.calls.append((url, params))
        return _Response(self.payload, self.status)


def test_amap_answer_converted_from_gcj02() -> None:
    session = _Replay("amap_shuangyang.json")
    r = geocode("漳平市双洋镇", "amap", api_key="KEY", session=session)
    assert _m((r.lon, r.lat), SHUANGYANG) < 2.0  # GCJ-02 answer back on the WGS84 seat
    assert (r.provider, r.level, r.location_quality) == (
        "amap",
        "address",
        "approximate: geocoded address",
    )
    url, params = session.calls[0]
    assert url.startswith("https://restapi.amap.com/") and params["key"] == "KEY"


def test_baidu_answer_converted_from_bd09() -> None:
    r = geocode("漳平市双洋镇", "baidu", api_key="AK", session=_Replay("baidu_shuangyang.json"))
    assert _m((r.lon, r.lat), SHUANGYANG) < 2.0


@pytest.mark.parametrize(
    ("provider", "name", "error", "match"),
    [
        ("amap", "amap_invalid_key.json", NetworkError, "INVALID_USER_KEY"),
        ("amap", "amap_no_result.json", UnknownPlaceError, "could not geocode"),
        ("baidu", "baidu_bad_ak.json", NetworkError, "status 200"),
        ("baidu", "baidu_no_result.json", UnknownPlaceError, "could not geocode"),
    ],
)
def test_online_refusals(provider: str, name: str, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        geocode("漳平市双洋镇", provider, api_key="K", session=_Replay(name))  # type: ignore[arg-type]


def test_online_http_error_is_network_error() -> None:
    with pytest.raises(NetworkError, match="AMap could not be asked"):
        geocode("漳平市双洋镇", "amap", api_key="K", session=_Replay("amap_shuangyang.json", status=503))


def test_online_needs_key_and_known_provider() -> None:
    with pytest.raises(InputValidationError, match="API key"):
        geocode("漳平市双洋镇", "amap")
    with pytest.raises(InputValidationError, match="Unknown geocoding provider"):
        geocode("漳平市双洋镇", "google")  # type: ignore[arg-type]


def _replay_nominatim(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """Serve geopy's Nominatim from a recording (geopy still builds the URL and parses the JSON)."""
    from geopy.geocoders import Nominatim

    from geo import _nominatim

    payload = json.loads((RECORDED / name).read_text(encoding="utf-8"))
    urls: list[str] = []

    def fake_call(self: object, url: str, callback: object, **kwargs: object) -> object:
        urls.append(url)
        return callback(payload)  # type: ignore[operator]

    monkeypatch.setattr(Nominatim, "_call_geocoder", fake_call)
    monkeypatch.setattr(_nominatim, "MIN_INTERVAL_S", 0.0)
    return urls


def test_nominatim_through_geopy(monkeypatch: pytest.MonkeyPatch) -> None:
    urls = _replay_nominatim(monkeypatch, "nominatim_shuangyang.json")
    r = geocode("双洋镇 漳平市", "nominatim")
    assert _m((r.lon, r.lat), SHUANGYANG) < 1.0
    assert "countrycodes=cn" in urls[0]
    assert "双洋镇" in r.matched


def test_nominatim_answer_outside_fujian_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _replay_nominatim(monkeypatch, "nominatim_shanghai.json")
    with pytest.raises(UnknownPlaceError, match="outside Fujian"):
        geocode("黄浦区", "nominatim")


def test_county_without_seat_is_not_a_point() -> None:
    prefectures = pd.DataFrame({"code": ["350500"], "name": ["泉州市"], "short_name": ["泉州"]})
    counties = pd.DataFrame(
        {
            "code": ["350527"],
            "name": ["金门县"],
            "prefecture_code": ["350500"],
            "seat_lon": [math.nan],
            "seat_lat": [math.nan],
        }
    )
    townships = pd.DataFrame(
        {
            "code": ["350527100000"],
            "name": ["金城镇"],
            "county_code": ["350527"],
            "prefecture_code": ["350500"],
            "lon": [math.nan],
            "lat": [math.nan],
        }
    )
    gaz = Gazetteer(townships, counties, prefectures)
    with pytest.raises(UnknownPlaceError, match="no seat point"):
        geocode_offline("金门县医院", gaz)
    with pytest.raises(UnknownPlaceError, match="neither it nor its county has a point"):
        geocode_offline("金门县金城镇", gaz)
