"""Baidu web-service geocoding with the user's ``ak``; answers are BD-09 and converted to WGS84 here.

Private: call :func:`geo.geocoding.geocode` with ``provider="baidu"`` (it sends the request).
API: ``GET {URL}?address=…&output=json&ak=…``;
the answer's ``result.location`` holds ``lng``/``lat`` in BD-09 (``bd09ll``, the default ``ret_coordtype``).
"""

from __future__ import annotations

from typing import Any

from geo._errors import NetworkError, UnknownPlaceError
from geo.coords import bd09_to_wgs84

#: The service's name in messages.
NAME = "Baidu"
#: Baidu geocoding endpoint (v3).
URL = "https://api.map.baidu.com/geocoding/v3/"


def request_params(query: str, ak: str) -> dict[str, str]:
    """Query parameters of the GET request for ``query`` with the user's ``ak``."""
    return {"address": query, "output": "json", "ak": ak}


def parse(payload: dict[str, Any], query: str) -> tuple[float, float, str]:
    """Parse a Baidu geocoding answer into ``(lon, lat, label)``, WGS84.

    Raises
    ------
    UnknownPlaceError
        Baidu found nothing (status 1 with "无相关结果", or no location).
    NetworkError
        Baidu refused the request (bad ``ak``, quota …); the message carries Baidu's status and message.
    """
    status = payload.get("status")
    result = payload.get("result") or {}
    location = result.get("location") if isinstance(result, dict) else None
    if str(status) != "0" or not location:
        message = payload.get("msg") or payload.get("message") or ""
        if str(status) in ("0", "1") and not location:
            msg = f"Baidu could not geocode {query!r} ({message or 'no result'})."
            raise UnknownPlaceError(msg)
        msg = f"Baidu refused the request for {query!r}: status {status} {message}."
        raise NetworkError(msg)
    try:
        lon_b, lat_b = float(location["lng"]), float(location["lat"])
    except (KeyError, TypeError, ValueError) as exc:
        msg = f"Baidu answered {query!r} with an unreadable location {location!r}."
        raise NetworkError(msg) from exc
    lon, lat = bd09_to_wgs84(lon_b, lat_b)
    label = (
        f"{query} (Baidu level {result.get('level', '')}, precise {result.get('precise', '')}, "
        f"confidence {result.get('confidence', '')})"
    )
    return float(lon), float(lat), label
