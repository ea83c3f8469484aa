"""geo.coords against the reference package geocoordinates-rs (one point per call) and round trips."""

from __future__ import annotations

import numpy as np
import pytest

from geo import coords
from geo._errors import InputValidationError

gc = pytest.importorskip("geocoordinates_ffi", reason="reference package geocoordinates-rs not installed")

N_POINTS = 2000


@pytest.fixture(scope="module")
def fujian_points() -> tuple[np.ndarray, np.ndarray]:
    """2,000 random WGS84 points spread over Fujian's bounding box (seeded)."""
    rng = np.random.default_rng(20261123)
    lon_min, lat_min, lon_max, lat_max = coords.FUJIAN_BBOX
    return rng.uniform(lon_min, lon_max, N_POINTS), rng.uniform(lat_min, lat_max, N_POINTS)


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return coords.haversine_km(lon1, lat1, lon2, lat2) * 1000.0


def test_wgs84_to_gcj02_matches_reference(fujian_points):
    lon, lat = fujian_points
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    ref = [gc.wgs84_to_gcj02(gc.Wgs84(lat=float(b), lon=float(a))) for a, b in zip(lon, lat, strict=True)]
    np.testing.assert_allclose(glon, [r.lon for r in ref], rtol=0, atol=1e-9)
    np.testing.assert_allclose(glat, [r.lat for r in ref], rtol=0, atol=1e-9)
    shift = _metres(lon, lat, glon, glat)
    assert shift.min() > 300 and shift.max() < 1000  # the GCJ offset in Fujian is a few hundred metres


def test_gcj02_to_wgs84_matches_reference_and_round_trips(fujian_points):
    lon, lat = fujian_points
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    wlon, wlat = coords.gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat).max() <= 0.01  # round trip ≤ 1 cm (contract: ≤ 1 m)
    pairs = zip(glon, glat, strict=True)
    ref = [gc.gcj02_to_wgs84_refined(gc.Gcj02(lat=float(b), lon=float(a))) for a, b in pairs]
    assert _metres(wlon, wlat, [r.lon for r in ref], [r.lat for r in ref]).max() <= 0.5  # reference: < 0.5 m


def test_bd09_matches_reference_and_round_trips(fujian_points):
    lon, lat = fujian_points
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    blon, blat = coords.gcj02_to_bd09(glon, glat)
    ref = [gc.gcj02_to_bd09(gc.Gcj02(lat=float(b), lon=float(a))) for a, b in zip(glon, glat, strict=True)]
    np.testing.assert_allclose(blon, [r.lon for r in ref], rtol=0, atol=1e-9)
    np.testing.assert_allclose(blat, [r.lat for r in ref], rtol=0, atol=1e-9)
    wb_lon, wb_lat = coords.wgs84_to_bd09(lon, lat)
    np.testing.assert_allclose(wb_lon, blon, rtol=0, atol=1e-12)
    np.testing.assert_allclose(wb_lat, blat, rtol=0, atol=1e-12)
    g2lon, g2lat = coords.bd09_to_gcj02(blon, blat)
    assert _metres(glon, glat, g2lon, g2lat).max() <= 0.01
    pairs = zip(blon, blat, strict=True)
    ref = [gc.bd09_to_wgs84_refined(gc.Bd09(lat=float(b), lon=float(a))) for a, b in pairs]
    w2lon, w2lat = coords.bd09_to_wgs84(blon, blat)
    assert _metres(lon, lat, w2lon, w2lat).max() <= 0.01
    assert _metres(w2lon, w2lat, [r.lon for r in ref], [r.lat for r in ref]).max() <= 1.0


def test_known_point_zhangping():
    """菁城街道 (漳平): SOURCES.md gives GCJ (117.414963, 25.290337) → WGS84 (117.40977, 25.29295)."""
    lon, lat = coords.gcj02_to_wgs84(117.414963, 25.290337)
    assert np.ndim(lon) == 0
    assert _metres(lon, lat, 117.40977, 25.29295) < 1.0


def test_to_wgs84_dispatch_and_bad_crs():
    lon, lat = 118.1, 24.5
    for crs, fwd in (("gcj02", coords.wgs84_to_gcj02), ("BD-09", coords.wgs84_to_bd09)):
        x, y = coords.to_wgs84(*fwd(lon, lat), crs)
        assert _metres(x, y, lon, lat) < 0.01
    x, y = coords.to_wgs84([lon], [lat], "WGS84")
    assert x.tolist() == [lon] and y.tolist() == [lat]
    with pytest.raises(InputValidationError, match="'utm50'"):
        coords.to_wgs84(lon, lat, "utm50")


def test_outside_china_is_identity_and_nan_passes_through():
    x, y = coords.wgs84_to_gcj02([2.35, np.nan], [48.85, 25.0])
    assert x[0] == 2.35 and y[0] == 48.85
    assert np.isnan(x[1]) and np.isnan(y[1])
    x, y = coords.gcj02_to_wgs84([2.35, np.nan, 118.0], [48.85, np.nan, 25.0])
    assert x[0] == 2.35 and np.isnan(x[1]) and abs(x[2] - 118.0) > 0.003


def test_in_fujian_and_haversine():
    inside = coords.in_fujian([117.4, 121.5, 116.0, np.nan], [25.3, 25.0, 22.0, 25.0])
    assert inside.tolist() == [True, False, False, False]
    # one degree of latitude on the mean sphere
    assert coords.haversine_km(118.0, 25.0, 118.0, 26.0) == pytest.approx(111.195, abs=0.01)
    d = coords.haversine_km(np.array([[117.0], [118.0]]), 25.0, np.array([117.0, 118.0, 119.0]), 25.0)
    assert d.shape == (2, 3) and d[0, 0] == 0.0 and d[1, 1] == 0.0
    assert d[0, 2] == pytest.approx(2 * d[0, 1], rel=1e-4)  # a parallel is not a great circle
