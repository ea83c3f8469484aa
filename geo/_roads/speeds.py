"""Every speed assumption in one place: the OSM speed table, ``maxspeed`` parsing, the estimated network.

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
from dataclasses import dataclass

import numpy as np

from geo._errors import InputValidationError

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


@dataclass(frozen=True)
class EstimatedParams:
    """Parameters of the estimated network — the one formula, in one place.

    ``road_km = circuity × great_circle_km``; the road distance is driven in bands, like tax brackets: its
    first ``band_edges_km[0]`` km at ``band_speeds_kmh[0]``, the km up to ``band_edges_km[1]`` at
    ``band_speeds_kmh[1]``, …, and the km beyond the last edge at the last speed:
    ``minutes = 60 × Σ km_in_band / speed_of_band``. Short trips run on slow town and village roads; longer
    ones reach provincial roads and expressways. The time is continuous and increasing in distance.

    Defaults and why:

    * ``circuity = 1.35``: the mean detour index (road km / straight km) measured over 25 Chinese cities is
      1.324 (Annals of GIS, 2021, doi:10.1080/19475683.2021.1966503); circuity rises with relief
      (ISPRS IJGI 10(10):705, 2021) and most of Fujian is hilly, while long expressway trips are straighter.
    * bands 0–5 km at 25 km/h (town streets, village roads), 5–20 km at 40 km/h (township and county roads;
      JTG B01-2014 design speed of 三级/四级 roads 20–40 km/h), 20–60 km at 60 km/h (provincial and national
      roads, 二级/一级), beyond 60 km at 90 km/h (expressways, design 80–120 km/h). Fuzhou→Xiamen comes out at
      ≈ 3.8 h against ≈ 3 h by expressway: on the cautious side.

    No mountain slowdown: the embedded places data carries no honest terrain flag per county.
    """
    circuity: float = 1.35
    band_edges_km: tuple[float, ...] = (5.0, 20.0, 60.0)
    band_speeds_kmh: tuple[float, ...] = (25.0, 40.0, 60.0, 90.0)

    def __post_init__(self) -> None:
        if not 1.0 <= self.circuity <= 3.0:
            msg = f"circuity must be between 1 and 3, got {self.circuity!r}."
            raise InputValidationError(msg)
        edges = np.asarray(self.band_edges_km, dtype=float)
        if edges.size and (edges[0] <= 0 or np.any(np.diff(edges) <= 0)):
            msg = f"band_edges_km must be positive and increasing, got {self.band_edges_km!r}."
            raise InputValidationError(msg)
        if len(self.band_speeds_kmh) != len(self.band_edges_km) + 1:
            msg = (
                f"band_speeds_kmh needs one speed more than band_edges_km ({len(self.band_edges_km) + 1}), "
                f"got {len(self.band_speeds_kmh)}."
            )
            raise InputValidationError(msg)
        if any(not 0 < s <= 130 for s in self.band_speeds_kmh):
            msg = f"band_speeds_kmh must be in (0, 130] km/h, got {self.band_speeds_kmh!r}."
            raise InputValidationError(msg)

    def road_km(self, great_circle_km: np.ndarray) -> np.ndarray:
        """Estimated road distance (km) for great-circle distances (km)."""
        return self.circuity * np.asarray(great_circle_km, dtype=float)

    def minutes_for_road_km(self, road_km: np.ndarray) -> np.ndarray:
        """Estimated driving time (minutes) of a road distance (km), band by band."""
        road_km = np.asarray(road_km, dtype=float)
        lower = np.concatenate([[0.0], self.band_edges_km])
        upper = np.concatenate([self.band_edges_km, [np.inf]])
        minutes = np.zeros_like(road_km)
        for lo, hi, speed in zip(lower, upper, self.band_speeds_kmh, strict=True):
            minutes += np.clip(road_km - lo, 0.0, hi - lo) / speed * 60.0
        return minutes

    def describe(self, lang: str = "zh") -> str:
        """The formula and its numbers as readable text."""
        lower = [0.0, *self.band_edges_km]
        bands = []
        for k, speed in enumerate(self.band_speeds_kmh):
            hi = f"{self.band_edges_km[k]:g}" if k < len(self.band_edges_km) else "∞"
            bands.append(f"{lower[k]:g}–{hi} km: {speed:g} km/h")
        if lang == "zh":
            return (
                f"估算路网：道路里程 = 球面直线距离 × 绕行系数 {self.circuity:g}；"
                f"行驶时间按里程分段车速累计（{'；'.join(bands)}）。所有结果均为估算值。"
            )
        return (
            f"Estimated network: road km = great-circle km × circuity {self.circuity:g}; driving time adds "
            f"the km of each band at its speed ({'; '.join(bands)}). Every figure is an estimate."
        )
