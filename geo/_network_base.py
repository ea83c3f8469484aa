"""The road-network interface and its offline implementation (re-exported by :mod:`geo.network`).

* result types :class:`TravelResult`, :class:`PathResult`, :class:`SnapResult` and :func:`as_points`;
* :class:`Network` — the interface every road network implements (travel, path, snap, label, fingerprint);
* :class:`EstimatedNetwork` — the offline default: great-circle distance × a circuity factor, driven at
  assumed speeds (:class:`EstimatedParams`). Every figure it gives carries ``estimated=True`` and must be
  shown as 估算/estimated.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from geo._errors import InputValidationError
from geo._roads.osm import haversine_km
from geo._roads.speeds import EstimatedParams

__all__ = [
    "FAR_FROM_ROAD_M", "EstimatedNetwork", "EstimatedParams", "Network", "PathResult", "SnapResult",
    "TravelResult", "as_points",
]

#: A point farther than this from any road node (m) is flagged ``far_from_road``.
FAR_FROM_ROAD_M = 2000.0

# --------------------------------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class TravelResult:
    """Many-to-many travel: ``minutes``, ``km`` of shape (n_origins, n_destinations); ``inf`` if unreachable.

    ``estimated`` is True when the figures come from the estimated network (show them as 估算/estimated).
    ``origin_snap_m`` / ``destination_snap_m``: each point's distance (m) to its road node (NaN if no roads).
    """
    minutes: np.ndarray
    km: np.ndarray
    estimated: bool
    origin_snap_m: np.ndarray | None = None
    destination_snap_m: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class PathResult:
    """One route: ``lonlat`` (k, 2) WGS84 vertices in travel order, total ``minutes`` and ``km``."""
    lonlat: np.ndarray
    minutes: float
    km: float
    estimated: bool


@dataclass(frozen=True, eq=False)
class SnapResult:
    """Nearest road node of each point (``-1`` when the network has no nodes), distance in m, > 2 km flag."""
    node: np.ndarray
    snap_m: np.ndarray
    far_from_road: np.ndarray


def as_points(points: npt.ArrayLike, name: str = "points") -> np.ndarray:
    """Validate points as a float array of shape (n, 2) of finite WGS84 (lon, lat).

    Raises
    ------
    InputValidationError
        If the shape is wrong or a coordinate is not finite or out of range (the message names the row).
    """
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 1 and arr.shape[0] == 2:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2:
        msg = f"{name} must be an array of (lon, lat) pairs with shape (n, 2), got shape {arr.shape}."
        raise InputValidationError(msg)
    bad = ~np.isfinite(arr).all(axis=1) | (np.abs(arr[:, 0]) > 180) | (np.abs(arr[:, 1]) > 90)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        msg = f"{name} row {row}: {tuple(arr[row])!r} is not a valid WGS84 (lon, lat) point."
        raise InputValidationError(msg)
    return arr


# ------------------------------------------------------------------------------------------------- interface


class Network(ABC):
    """A road network answering travel time (minutes), distance (km) and path queries between WGS84 points."""
    kind: str = ""

    @property
    def is_estimated(self) -> bool:
        """True when figures are estimates (straight line × circuity), not road-routed."""
        return self.kind == "estimated"

    @abstractmethod
    def label(self, lang: str = "zh") -> str:
        """A one-line name of this network for users (``lang`` "zh" or "en")."""
    @abstractmethod
    def speed_table_doc(self, lang: str = "zh") -> str:
        """How times are computed (speed table or formula), as readable text."""
    @abstractmethod
    def fingerprint(self) -> str:
        """A stable string identifying this network's content (same network → same string), for caches."""
    @abstractmethod
    def travel(self, origins: npt.ArrayLike, destinations: npt.ArrayLike) -> TravelResult:
        """Travel time (minutes) and distance (km) from each origin to each destination ((n, 2) lon/lat)."""
    @abstractmethod
    def path(self, origin: npt.ArrayLike, destination: npt.ArrayLike) -> PathResult:
        """The route between two (lon, lat) points with its geometry."""
    @abstractmethod
    def snap(self, points: npt.ArrayLike) -> SnapResult:
        """Nearest road node of each (lon, lat) point and its distance (m); flags points > 2 km from roads."""


# ------------------------------------------------------------------------------------------------- estimated


class EstimatedNetwork(Network):
    """Great-circle km × circuity at assumed banded speeds (:class:`EstimatedParams`); always estimated."""
    kind = "estimated"

    def __init__(self, params: EstimatedParams | None = None) -> None:
        self.params = params if params is not None else EstimatedParams()

    def label(self, lang: str = "zh") -> str:
        """Name for users, saying that figures are estimated."""
        if lang == "zh":
            return f"估算路网（直线距离 × 绕行系数 {self.params.circuity:g}，假定车速；非道路实测）"
        circuity = self.params.circuity
        return f"Estimated network (great-circle × circuity {circuity:g} at assumed speeds; not road-routed)"

    def speed_table_doc(self, lang: str = "zh") -> str:
        """The formula and its parameters."""
        return self.params.describe(lang)

    def fingerprint(self) -> str:
        """``estimated:`` + a hash of the parameters."""
        digest = hashlib.sha256(repr(self.params).encode()).hexdigest()[:16]
        return f"estimated:{digest}"

    def travel(self, origins: npt.ArrayLike, destinations: npt.ArrayLike) -> TravelResult:
        """Estimated minutes and km, shape (n_origins, n_destinations); ``estimated=True``.

        Raises
        ------
        InputValidationError
            If a point is not a valid (lon, lat) pair.
        """
        o = as_points(origins, "origins")
        d = as_points(destinations, "destinations")
        gc = haversine_km(o[:, None, 0], o[:, None, 1], d[None, :, 0], d[None, :, 1])
        road = self.params.road_km(gc)
        nan = np.full(len(o), np.nan), np.full(len(d), np.nan)
        return TravelResult(self.params.minutes_for_road_km(road), road, True, nan[0], nan[1])

    def path(self, origin: npt.ArrayLike, destination: npt.ArrayLike) -> PathResult:
        """A straight segment origin → destination with the estimated minutes and km (``estimated=True``)."""
        o = as_points(origin, "origin")
        d = as_points(destination, "destination")
        res = self.travel(o, d)
        return PathResult(np.vstack([o, d]), float(res.minutes[0, 0]), float(res.km[0, 0]), True)

    def snap(self, points: npt.ArrayLike) -> SnapResult:
        """No roads to snap to: node ``-1``, distance NaN, never flagged."""
        p = as_points(points)
        n = len(p)
        return SnapResult(np.full(n, -1, dtype=np.int64), np.full(n, np.nan), np.zeros(n, dtype=bool))
