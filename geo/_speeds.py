"""The one speed table of the OSM network, and the parsing of OSM ``maxspeed`` tags.

Speeds are free-flow averages for a car in km/h, per OSM ``highway`` class. They follow the Chinese highway
standard *JTG B01-2014* (design speeds: 高速公路 80–120, 一级 60–100, 二级 60–80, 三级 30–40, 四级 20–30
km/h), taking the lower end because most of Fujian is hilly, and reduced from design to average speed for
curves, villages and mixed traffic. In China's OSM data ``trunk`` is mostly 国道, ``primary`` 省道,
``secondary`` 县道, ``tertiary`` 乡道 or town roads.

A ``maxspeed`` tag, when it parses to 5–130 km/h, replaces the class speed (as osmnx does), capped at
:data:`MAXSPEED_CAP_KMH`; unparseable values (``none``, ``signals``, ``CN:urban``…) are ignored.

Points that are not on a road reach their snapped node by a straight *access leg* at :data:`ACCESS_SPEED_KMH`.
"""

from __future__ import annotations

import re

#: Free-flow car speed (km/h) per OSM ``highway`` class. Classes absent here are not drivable for xunzhen.
SPEED_KMH: dict[str, float] = {
    "motorway": 90.0,
    "motorway_link": 45.0,
    "trunk": 65.0,
    "trunk_link": 40.0,
    "primary": 55.0,
    "primary_link": 35.0,
    "secondary": 45.0,
    "secondary_link": 30.0,
    "tertiary": 35.0,
    "tertiary_link": 25.0,
    "unclassified": 30.0,
    "road": 25.0,
    "residential": 20.0,
    "service": 15.0,
    "living_street": 10.0,
}

#: Upper bound (km/h) on a speed taken from a ``maxspeed`` tag (China's legal maximum).
MAXSPEED_CAP_KMH = 120.0

#: ``maxspeed`` values outside [MIN, MAX] km/h are treated as tagging errors and ignored.
MAXSPEED_SANE_KMH = (5.0, 130.0)

#: Speed (km/h) of the straight access leg between a point and its snapped road node.
ACCESS_SPEED_KMH = 15.0

#: Version of this table: part of every network fingerprint, bump it when a number changes.
SPEED_TABLE_VERSION = "speeds-2026-11-v1"

_MPH_TO_KMH = 1.609344
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*$", re.IGNORECASE)


def parse_maxspeed_kmh(value: str | None) -> float | None:
    """Parse an OSM ``maxspeed`` value to km/h, or ``None`` when absent, unparseable or not sane.

    Accepts ``"60"``, ``"60 km/h"``, ``"30 mph"`` and lists such as ``"50;70"`` (the lowest is kept).
    """
    if not value:
        return None
    speeds = []
    for part in str(value).split(";"):
        match = _NUMBER.match(part)
        if match is None:
            continue
        kmh = float(match.group(1))
        if (match.group(2) or "").lower() == "mph":
            kmh *= _MPH_TO_KMH
        if MAXSPEED_SANE_KMH[0] <= kmh <= MAXSPEED_SANE_KMH[1]:
            speeds.append(kmh)
    return min(min(speeds), MAXSPEED_CAP_KMH) if speeds else None


def edge_speed_kmh(highway: str, maxspeed: str | None = None) -> float:
    """Speed (km/h) of a road of class ``highway``: the sane ``maxspeed`` tag if any, else the class speed.

    Raises
    ------
    KeyError
        If ``highway`` is not a drivable class of :data:`SPEED_KMH`.
    """
    base = SPEED_KMH[highway]
    tagged = parse_maxspeed_kmh(maxspeed)
    return base if tagged is None else tagged


def speed_table_doc(lang: str = "zh") -> str:
    """The speed table as readable text (for the CLI, the app and exports)."""
    rows = [f"  {cls:<15} {kmh:5.0f} km/h" for cls, kmh in SPEED_KMH.items()]
    if lang == "zh":
        head = "OSM 道路等级车速表（自由流平均车速，km/h；有合理 maxspeed 标签时采用之，上限 120）："
        tail = f"  点到最近路网节点的接驳段按直线、{ACCESS_SPEED_KMH:.0f} km/h 计。"
    else:
        head = "OSM speed table (free-flow average, km/h; a sane maxspeed tag replaces it, capped at 120):"
        tail = f"  Access leg from a point to its nearest road node: straight at {ACCESS_SPEED_KMH:.0f} km/h."
    return "\n".join([head, *rows, tail])
