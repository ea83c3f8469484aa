"""AMap (高德) web-service geocoding with the user's key; answers are GCJ-02 and converted to WGS84 here.

Private: call :func:`geo.geocoding.geocode` with ``provider="amap"`` (it sends the request). API:
``GET {URL}?key=…&address=…``; the answer's ``geocodes[0].location`` is ``"lon,lat"`` in GCJ-02.
"""

from __future__ import annotations

from typing import Any

from geo._errors import NetworkError, UnknownPlaceError
from geo.coords import gcj02_to_wgs84

#: The service's name in messages.
NAME = "AMap"
#: AMap geocoding endpoint (web-service API v3).
URL = "https://restapi.amap.com/v3/geocode/geo"


def request_params(query: str, key: str) -> dict[str, str]:
    """Query parameters of the GET request for ``query`` with the user's ``key``."""
    return {"key": key, "address": query, "output": "JSON"}


def parse(payload: dict[str, Any], query: str) -> tuple[float, float, str]:
    """Parse an AMap geocoding answer into ``(lon, lat, label)``, WGS84.

    Raises
    ------
    NetworkError
        AMap refused the request (``status`` 0: bad key, quota …); the message carries AMap's ``info``.
    UnknownPlaceError
        No geocode in the answer.
    """
    if str(payload.get("status")) != "1":
        info, code = payload.get("info"), payload.get("infocode")
        msg = f"AMap refused the request for {query!r}: {info} (infocode {code})."
        raise NetworkError(msg)
    geocodes = payload.get("geocodes") or []
    if not geocodes:
        msg = f"AMap could not geocode {query!r}."
        raise UnknownPlaceError(msg)
    first = geocodes[0]
    try:
        lon_s, lat_s = str(first["location"]).split(",")
        lon_g, lat_g = float(lon_s), float(lat_s)
    except (KeyError, ValueError) as exc:
        msg = f"AMap answered {query!r} with an unreadable location {first.get('location')!r}."
        raise NetworkError(msg) from exc
    lon, lat = gcj02_to_wgs84(lon_g, lat_g)
    label = f"{first.get('formatted_address', '')} (AMap level {first.get('level', '')})"
    return float(lon), float(lat), label
