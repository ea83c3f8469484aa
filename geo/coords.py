"""Coordinate systems of Chinese maps: WGS84 ⇄ GCJ-02 ⇄ BD-09, vectorised over numpy arrays.

* **WGS84** — GPS and OpenStreetMap; what xunzhen uses everywhere inside.
* **GCJ-02** — the obfuscated "Mars" datum of Amap/Gaode and Tencent maps (≈ 600 m off in Fujian).
* **BD-09** — Baidu's further offset of GCJ-02.

The forward transforms (WGS84→GCJ-02, GCJ-02→BD-09) are the public closed-form formulas. Their
inverses have no closed form; they are solved here by fixed-point iteration until the forward transform of
the answer reproduces the input to better than 1e-9° (≈ 0.1 mm), so a round trip stays far below 1 m.
Outside mainland China (the usual rectangle test) GCJ-02 equals WGS84, as in every other implementation.

All functions take scalars or array-likes of longitudes and latitudes in degrees and return ``(lon, lat)`` as
float numpy arrays (0-d for scalar input); they broadcast like numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geo._errors import InputValidationError

__all__ = [
    "EARTH_RADIUS_KM",
    "FUJIAN_BBOX",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "haversine_km",
    "in_fujian",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

FloatArray = NDArray[np.float64]
Crs = Literal["wgs84", "gcj02", "bd09"]

#: Mean Earth radius (km) used by :func:`haversine_km`.
EARTH_RADIUS_KM = 6371.0088

#: Bounding box of Fujian province in WGS84 degrees: (lon_min, lat_min, lon_max, lat_max). It is the box
#: of the embedded province polygon (islands included) widened by about 0.1° (≈ 10 km) on every side.
FUJIAN_BBOX: tuple[float, float, float, float] = (115.74, 23.40, 120.82, 28.42)

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_TOL_DEG = 1e-9
_MAX_ITER = 30


def _arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return lon_a.astype(np.float64, copy=True), lat_a.astype(np.float64, copy=True)


def _out_of_china(lon: FloatArray, lat: FloatArray) -> NDArray[np.bool_]:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta_gcj(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 offset (degrees) to add to a WGS84 point; zero outside China."""
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = _out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _invert(
    forward: Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]],
    target_lon: FloatArray,
    target_lat: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(lon, lat) == (target_lon, target_lat)`` by fixed-point iteration from ``(lon, lat)``.

    Stops once every point's forward transform matches its target to < ``_TOL_DEG``, or after ``_MAX_ITER``
    rounds.
    """
    for _ in range(_MAX_ITER):
        f_lon, f_lat = forward(lon, lat)
        e_lon, e_lat = f_lon - target_lon, f_lat - target_lat
        lon = lon - e_lon
        lat = lat - e_lat
        err = np.maximum(np.abs(e_lon), np.abs(e_lat))
        if not np.any(err > _TOL_DEG):  # NaN inputs compare False and do not block convergence
            break
    return lon, lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 to GCJ-02 (exact closed form).

    Parameters
    ----------
    lon, lat
        WGS84 longitude and latitude, degrees.

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 ``(lon, lat)``, degrees.
    """
    lon_a, lat_a = _arrays(lon, lat)
    dlon, dlat = _delta_gcj(lon_a, lat_a)
    return lon_a + dlon, lat_a + dlat


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 to WGS84 by fixed-point iteration of the forward transform.

    The result's forward transform matches the input to < 1e-9° (sub-millimetre).

    Parameters
    ----------
    lon, lat
        GCJ-02 longitude and latitude, degrees.

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 ``(lon, lat)``, degrees.
    """
    g_lon, g_lat = _arrays(lon, lat)
    return _invert(wgs84_to_gcj02, g_lon, g_lat, g_lon, g_lat)  # start from the GCJ-02 point itself


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 to BD-09 (Baidu; exact closed form).

    Parameters
    ----------
    lon, lat
        GCJ-02 longitude and latitude, degrees.

    Returns
    -------
    tuple of numpy.ndarray
        BD-09 ``(lon, lat)``, degrees.
    """
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 to GCJ-02: the usual closed-form inverse, refined by fixed-point iteration.

    Parameters
    ----------
    lon, lat
        BD-09 longitude and latitude, degrees.

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 ``(lon, lat)``, degrees.
    """
    b_lon, b_lat = _arrays(lon, lat)
    x = b_lon - 0.0065
    y = b_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, b_lon, b_lat, z * np.cos(theta), z * np.sin(theta))


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 to BD-09 (through GCJ-02).

    Parameters
    ----------
    lon, lat
        WGS84 longitude and latitude, degrees.

    Returns
    -------
    tuple of numpy.ndarray
        BD-09 ``(lon, lat)``, degrees.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 to WGS84 (through GCJ-02).

    Parameters
    ----------
    lon, lat
        BD-09 longitude and latitude, degrees.

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 ``(lon, lat)``, degrees.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[FloatArray, FloatArray]:
    """Convert points given in ``crs`` to WGS84.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees, in the system named by ``crs``.
    crs
        One of ``"wgs84"``, ``"gcj02"``, ``"bd09"`` (case-insensitive; ``-`` and ``_`` are ignored).

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 ``(lon, lat)``, degrees.

    Raises
    ------
    InputValidationError
        If ``crs`` is not one of the three names.
    """
    key = str(crs).lower().replace("-", "").replace("_", "")
    if key == "wgs84":
        return _arrays(lon, lat)
    if key == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if key == "bd09":
        return bd09_to_wgs84(lon, lat)

    msg = f"Unknown coordinate system {crs!r}; expected one of 'wgs84', 'gcj02', 'bd09'."
    raise InputValidationError(msg)


def in_fujian(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Tell which WGS84 points lie inside :data:`FUJIAN_BBOX` (a box test, not the province polygon).

    Parameters
    ----------
    lon, lat
        WGS84 longitude and latitude, degrees. NaN gives False.

    Returns
    -------
    numpy.ndarray of bool
    """
    lon_a, lat_a = _arrays(lon, lat)
    lon_min, lat_min, lon_max, lat_max = FUJIAN_BBOX
    return (lon_a >= lon_min) & (lon_a <= lon_max) & (lat_a >= lat_min) & (lat_a <= lat_max)


def haversine_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> FloatArray:
    """Great-circle distance in km between WGS84 points (broadcasting numpy arrays).

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        WGS84 degrees; any shapes that broadcast together (``(n, 1)`` against ``(m,)`` gives n×m).

    Returns
    -------
    numpy.ndarray
        Distances, km, on a sphere of radius :data:`EARTH_RADIUS_KM`.
    """
    lam1, phi1, lam2, phi2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lon1, lat1, lon2, lat2))
    h = np.sin((phi2 - phi1) / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
