"""Which coordinate system an upload's points are in, and their conversion to WGS84.

A declared system (a 坐标系 cell, the ``crs`` option, a header such as ``经度(GCJ-02)``) is converted. An
undeclared one is detected from each row's offset to the seat of the township its text names: GCJ-02 and BD-09
shift Fujian's points by 400–800 m in a known direction, so a point that lies ≥ :data:`DETECT_FAR_M` from the
seat as written but ≤ :data:`DETECT_NEAR_M` once converted is evidence for that system. The file decides when
at least 80 % of the evidence agrees; a lone odd row is kept as written, with a note.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from geo.coords import bd09_to_wgs84, gcj02_to_wgs84, haversine_km, to_wgs84
from geo.facilities.checks import Row
from geo.facilities.locate import Places
from geo.facilities.messages import problem
from geo.facilities.parse import CRS_LABEL

__all__ = ["DETECT_FAR_M", "DETECT_NEAR_M", "resolve_crs"]

#: CRS detection: converted from a system, the point lies within this distance of its township seat (m) ...
DETECT_NEAR_M = 250.0
#: ... while as written it lies at least this far from the seat (m).
DETECT_FAR_M = 450.0
#: Township seats searched around a raw point for one its row names (GCJ-02/BD-09 shift < 1.5 km), km.
_SEAT_SEARCH_KM = 3.0

Evidence = tuple[str | None, float, str]  # (system suggested, metres from the seat as written, seat name)


def _seat_of(r: Row, places: Places, mentioned: int | None) -> tuple[float, float, str] | None:
    """(lon, lat, full name) of the seat of the township the row's text names, if any: the township near
    the point that the text mentions (``mentioned``), else the gazetteer's match of the text."""
    if mentioned is not None:
        lon, lat = float(places.t_lon[mentioned]), float(places.t_lat[mentioned])
        return lon, lat, places.seat_name(mentioned)
    place = places.checked_match(r.text)
    if place is None or isinstance(place, Exception):
        return None
    r.place = place
    if place.level != "township":
        return None
    return place.lon, place.lat, place.matched


def _evidence(rows: list[Row], places: Places) -> dict[int, Evidence]:
    """Per row (by ``id``): the system its offset from its township seat suggests, the distance as written
    (m) and the seat's name. Vectorised over the rows."""
    out: dict[int, Evidence] = {}
    located = []
    lon = np.array([r.lon for r in rows])
    lat = np.array([r.lat for r in rows])
    mentioned = places.mentioned_seats([r.text for r in rows], lon, lat, _SEAT_SEARCH_KM)
    for r, i in zip(rows, mentioned, strict=True):
        seat = _seat_of(r, places, i)
        if seat is None:
            out[id(r)] = (None, math.nan, "")
        else:
            located.append((r, seat))
    if not located:
        return out
    lon = np.array([r.lon for r, _ in located])
    lat = np.array([r.lat for r, _ in located])
    seat_lon = np.array([s[0] for _, s in located])
    seat_lat = np.array([s[1] for _, s in located])
    d_raw = haversine_km(lon, lat, seat_lon, seat_lat) * 1000.0
    d_sys = {
        system: haversine_km(*conv(lon, lat), seat_lon, seat_lat) * 1000.0
        for system, conv in (("gcj02", gcj02_to_wgs84), ("bd09", bd09_to_wgs84))
    }
    for i, (r, seat) in enumerate(located):
        system = min(d_sys, key=lambda k: d_sys[k][i])
        raw, conv = float(d_raw[i]), float(d_sys[system][i])
        if conv <= DETECT_NEAR_M and raw >= DETECT_FAR_M:
            out[id(r)] = (system, raw, seat[2])
        elif raw <= DETECT_NEAR_M and conv >= DETECT_FAR_M:
            out[id(r)] = ("wgs84", raw, seat[2])
        else:
            out[id(r)] = (None, raw, seat[2])
    return out


def _file_system(votes: list[str]) -> str | None:
    """The system most rows' evidence agrees on (≥ 2 rows and ≥ 80 % of the evidence), if not WGS84."""
    if not votes:
        return None
    top = max(set(votes), key=votes.count)
    if top != "wgs84" and votes.count(top) >= 2 and votes.count(top) >= 0.8 * len(votes):
        return top
    return None


def _detect(rows: list[Row], col: Mapping[str, str], places: Places) -> None:
    """Set ``crs`` of rows without a declared system from the evidence (with a problem saying so)."""
    pending = [r for r in rows if not r.errors and r.had_point and r.crs is None]
    evidence = _evidence(pending, places)
    votes = [e[0] for e in evidence.values() if e[0] is not None]
    file_system = _file_system(votes)
    lon_col = col.get("lon", "")
    for r in pending:
        system, d_raw, seat = evidence[id(r)]
        if system in ("gcj02", "bd09") and (file_system == system or "wgs84" not in votes):
            r.crs, r.crs_from = system, "detected"
            r.others.append(
                problem(
                    r.number,
                    lon_col,
                    CRS_LABEL[system],
                    "detected_crs",
                    "fixed",
                    other=f"{d_raw:.0f}",
                    detail=seat,
                )
            )
        elif file_system is not None:
            r.crs, r.crs_from = file_system, "file"
        elif system in ("gcj02", "bd09"):
            r.others.append(problem(r.number, lon_col, CRS_LABEL[system], "crs_unclear", "note", detail=seat))


def resolve_crs(rows: list[Row], col: Mapping[str, str], places: Places) -> None:
    """Convert declared systems; detect undeclared GCJ-02/BD-09 rows against their township seat.

    Every row with a point ends in WGS84 (``lon``/``lat`` replaced), with a ``fixed`` problem when it moved.
    """
    _detect(rows, col, places)
    lon_col = col.get("lon", "")
    for system in ("gcj02", "bd09"):
        todo = [r for r in rows if not r.errors and r.had_point and r.crs == system]
        if not todo:
            continue
        lon = np.array([r.lon for r in todo])
        lat = np.array([r.lat for r in todo])
        x, y = to_wgs84(lon, lat, system)
        moved = haversine_km(lon, lat, x, y) * 1000.0
        for r, xi, yi, m in zip(todo, x, y, moved, strict=True):
            if r.crs_from in ("cell", "option", "header"):
                where = col.get("crs", lon_col)
                r.others.append(
                    problem(
                        r.number,
                        where,
                        r.cells.get("crs", ""),
                        "converted",
                        "fixed",
                        detail=CRS_LABEL[system],
                        other=f"{m:.0f}",
                    )
                )
            elif r.crs_from == "file":
                r.others.append(
                    problem(
                        r.number, lon_col, CRS_LABEL[system], "detected_crs_file", "fixed", other=f"{m:.0f}"
                    )
                )
            r.lon, r.lat = float(xi), float(yi)
