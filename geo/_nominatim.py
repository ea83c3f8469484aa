"""Nominatim (OpenStreetMap) geocoding through geopy: one query, WGS84 answer, at most one request a second.

Private: call :func:`geo.geocoding.geocode` with ``provider="nominatim"``. Nominatim's usage
policy asks for an
identifying user agent and no more than one request per second; both are honoured here.
"""

from __future__ import annotations

import threading
import time

from geo._errors import NetworkError, UnknownPlaceError

#: Identifies xunzhen to the Nominatim servers (their usage policy requires it).
USER_AGENT = "xunzhen-fujian-planning/0.1"
#: Minimum pause between two requests, in seconds (Nominatim usage policy).
MIN_INTERVAL_S = 1.0

_lock = threading.Lock()
_last_call = [0.0]


def _geolocator(timeout_s: float):
    from geopy.geocoders import Nominatim

    return Nominatim(user_agent=USER_AGENT, timeout=timeout_s)


def search(query: str, *, timeout_s: float = 10.0) -> tuple[float, float, str]:
    """Geocode ``query`` with Nominatim, restricted to China.

    Returns
    -------
    lon, lat, label
        WGS84 degrees and Nominatim's display name.

    Raises
    ------
    UnknownPlaceError
        Nominatim found nothing.
    NetworkError
        The service cannot be reached, timed out or refused the request.
    """
    from geopy.exc import GeopyError

    with _lock:
        wait = MIN_INTERVAL_S - (time.monotonic() - _last_call[0])
        if wait > 0:
            time.sleep(wait)
        _last_call[0] = time.monotonic()
        try:
            location = _geolocator(timeout_s).geocode(
                query, exactly_one=True, country_codes="cn", language="zh"
            )
        except GeopyError as exc:
            msg = f"Nominatim could not be asked about {query!r}: {type(exc).__name__}: {exc}"
            raise NetworkError(msg) from exc
    if location is None:
        msg = f"Nominatim could not geocode {query!r}."
        raise UnknownPlaceError(msg)
    return float(location.longitude), float(location.latitude), str(location.address)
