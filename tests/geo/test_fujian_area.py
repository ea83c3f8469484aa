"""geo.scope: the one check that a place lies in the programme's area (Fujian, not 金门县)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo._errors import InputValidationError, OutsideFujianError
from geo.scope import (
    IN_AREA,
    KINMEN,
    KINMEN_COUNTY_CODE,
    NO_POINT,
    OUTSIDE,
    check_county_code,
    check_in_fujian,
    check_points_in_fujian,
    fujian_status,
)


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (119.30, 26.08, IN_AREA),  # 福州
        (118.10, 24.46, IN_AREA),  # 厦门岛, beside Kinmen
        (117.03, 25.10, IN_AREA),  # 龙岩
        (118.32, 24.44, KINMEN),  # 金城镇, Kinmen
        (113.26, 23.13, OUTSIDE),  # 广州
        (116.00, 26.00, OUTSIDE),  # 江西, inside Fujian's bounding box
        (121.50, 25.00, OUTSIDE),  # 台北
        (math.nan, 25.0, NO_POINT),
    ],
)
def test_status_of_points(lon: float, lat: float, expected: int) -> None:
    assert int(fujian_status(lon, lat)[0]) == expected


def test_every_embedded_facility_is_in_the_area(embedded) -> None:  # type: ignore[no-untyped-def]
    _, _, townships, facilities = embedded
    for frame in (townships, facilities):
        placed = frame[frame["lon"].notna()]
        assert (fujian_status(placed["lon"], placed["lat"]) == IN_AREA).all()


def test_one_wording_for_outside_and_kinmen() -> None:
    with pytest.raises(OutsideFujianError, match="outside Fujian") as outside:
        check_in_fujian(113.26, 23.13, "出发地 广州")
    assert "出发地 广州" in str(outside.value) and "不在福建省内" in str(outside.value)
    with pytest.raises(OutsideFujianError, match="金门县") as kinmen:
        check_in_fujian(118.32, 24.44, "出发地 金门县")
    assert "Kinmen" in str(kinmen.value)
    with pytest.raises(OutsideFujianError, match="金门县"):
        check_county_code(KINMEN_COUNTY_CODE, "驻点 金门县")
    check_county_code("350881", "漳平市")  # no error
    assert issubclass(OutsideFujianError, InputValidationError)


def test_many_points_name_the_first_and_count_the_rest() -> None:
    lon = np.array([119.3, 113.26, 118.32, math.nan])
    lat = np.array([26.08, 23.13, 24.44, math.nan])
    with pytest.raises(OutsideFujianError, match=r"row 1.*and 1 more"):
        check_points_in_fujian(lon, lat, [f"row {i}" for i in range(4)])
    check_points_in_fujian(lon[[0, 3]], lat[[0, 3]], ["a", "b"])  # NaN is the caller's business
