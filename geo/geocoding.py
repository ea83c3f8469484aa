"""Geocoding: a Chinese address or facility name → a WGS84 point, offline first.

The offline geocoder matches the text against the embedded gazetteer
(:mod:`geo.places`): prefecture → county →
township. It tolerates missing levels (``双洋镇卫生院``), abbreviations (``龙岩``
for 龙岩市, ``漳平`` for 漳平市,
``双洋`` for 双洋镇), the 县/市/区 renames of recent years (``沙县`` → 沙县区,
``长乐市`` → 长乐区, ``梅列区`` → 三元区)
and 乡 → 镇 upgrades. It returns the seat point of the finest level matched, flagged with its quality
(``"approximate: township seat"`` or ``"approximate: county seat"``) — never a
street-level position it does not know.

Online geocoders (Nominatim through geopy, the AMap and Baidu web APIs with
the user's key) sit behind the same
:func:`geocode` call for users with internet; their GCJ-02 / BD-09 answers are
converted to WGS84 here. They are
never called by the tests (which feed recorded responses through the same parsers).

CLI: ``python -m geo geocode "福建省龙岩市漳平市双洋镇卫生院"`` (``--provider amap --key KEY`` for online).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from geo import _amap, _baidu, _nominatim
from geo._errors import (
    InputValidationError,
    NetworkError,
    UnknownPlaceError,
    XunzhenError,
)
from geo._gazetteer import QUALITY, Gazetteer, GeocodeResult, normalise_address
from geo.coords import in_fujian
from geo.places import load_counties, load_prefectures, load_townships

__all__ = [
    "PROVIDERS",
    "Gazetteer",
    "GeocodeResult",
    "default_gazetteer",
    "geocode",
    "geocode_many",
    "geocode_offline",
    "normalise_address",
]

Provider = Literal["offline", "nominatim", "amap", "baidu"]
#: Geocoders behind :func:`geocode`; only "offline" works without internet.
PROVIDERS: tuple[str, ...] = ("offline", "nominatim", "amap", "baidu")

@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Return the gazetteer of the embedded dataset (built once per process)."""
    return Gazetteer(load_townships(), load_counties(), load_prefectures())


def geocode_offline(query: str, gazetteer: Gazetteer | None = None) -> GeocodeResult:
    """Match a Chinese address or facility name against the embedded gazetteer.

    Parameters
    ----------
    query
        E.g. ``"福建省龙岩市漳平市双洋镇卫生院"``, ``"双洋镇卫生院"``, ``"漳平市医院"``.
    gazetteer
        Places to match against (default: the embedded dataset).

    Returns
    -------
    GeocodeResult
        The township seat (or the county seat when only the county is
        recognised, or the township has no point),
        WGS84, with ``location_quality`` saying which.

    Raises
    ------
    UnknownPlaceError
        Nothing below prefecture level is recognised.
    AmbiguousPlaceError
        Several places match equally well; ``candidates`` lists them in full.
    """
    return (gazetteer or default_gazetteer()).match(query)


def geocode(
    query: str,
    provider: Provider = "offline",
    *,
    api_key: str | None = None,
    timeout_s: float = 10.0,
    session: Any = None,
) -> GeocodeResult:
    """Geocode an address or facility name with one provider; WGS84 always.

    Parameters
    ----------
    query
        Address or facility name (Chinese).
    provider
        ``"offline"`` (embedded gazetteer, default), ``"nominatim"`` (OpenStreetMap, through geopy),
        ``"amap"`` or ``"baidu"`` (web APIs, need ``api_key``; their GCJ-02 / BD-09 answers are converted).
    api_key
        The user's AMap key or Baidu ``ak``.
    timeout_s
        Seconds to wait for an online answer.
    session
        A ``requests.Session``-like object for the AMap/Baidu calls (tests pass one that replays recordings).

    Returns
    -------
    GeocodeResult

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        Nothing (or several places) found; an online answer outside Fujian counts as nothing found.
    InputValidationError
        Unknown provider, or a key missing for AMap/Baidu.
    NetworkError
        The online service cannot be reached or refuses the request.
    """
    if provider == "offline":
        return geocode_offline(query)
    if provider not in PROVIDERS:
        msg = f"Unknown geocoding provider {provider!r}; expected one of {list(PROVIDERS)}."
        raise InputValidationError(msg)
    if provider == "nominatim":
        lon, lat, label = _nominatim.search(query, timeout_s=timeout_s)
    else:
        if not api_key:
            msg = f"The {provider} geocoder needs your API key (--key, or the 数据 page's key field)."
            raise InputValidationError(msg)
        web_api = _amap if provider == "amap" else _baidu
        payload = _get_json(
            web_api.NAME,
            web_api.URL,
            web_api.request_params(query, api_key),
            query,
            timeout_s=timeout_s,
            session=session,
        )
        lon, lat, label = web_api.parse(payload, query)

    if not bool(in_fujian(lon, lat)):
        msg = f"{provider} placed {query!r} at ({lon:.5f}, {lat:.5f}) ({label}), which is outside Fujian."
        raise UnknownPlaceError(msg)
    return GeocodeResult(
        query=query,
        lon=lon,
        lat=lat,
        level="address",
        location_quality=QUALITY["address"],
        matched=label,
        provider=provider,
        notes=(f"geocoded online by {provider}",),
    )


def _get_json(
    service: str, url: str, params: dict[str, str], query: str, *, timeout_s: float, session: Any
) -> Any:
    """GET ``url`` with ``params`` (through ``session``, default ``requests``) and return the decoded JSON.

    Raises
    ------
    NetworkError
        The service cannot be reached or answers with an HTTP error or non-JSON text.
    """
    import requests

    http = session or requests
    try:
        response = http.get(url, params=params, timeout=timeout_s)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        msg = f"{service} could not be asked about {query!r}: {type(exc).__name__}: {exc}"
        raise NetworkError(msg) from exc


def geocode_many(queries: Sequence[str], provider: Provider = "offline", **kwargs: Any) -> pd.DataFrame:
    """Geocode several queries; failures become rows with NaN coordinates and the reason in ``error``.

    Returns
    -------
    pandas.DataFrame
        One row per query: the fields of :class:`GeocodeResult` plus ``error`` ("" when found).
    """
    rows = []
    for q in queries:
        try:
            rows.append({**geocode(q, provider, **kwargs).as_dict(), "error": ""})
        except XunzhenError as exc:
            rows.append(
                {
                    "query": q,
                    "lon": math.nan,
                    "lat": math.nan,
                    "level": "",
                    "location_quality": "",
                    "matched": "",
                    "township_code": "",
                    "county_code": "",
                    "prefecture_code": "",
                    "provider": provider,
                    "notes": "",
                    "error": str(exc),
                }
            )
    return pd.DataFrame(rows)
