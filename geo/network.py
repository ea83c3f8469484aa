"""The road network: one interface for travel times (minutes), distances (km) and paths between WGS84 points.

Two networks implement it:

* :class:`OSMNetwork` — an OpenStreetMap road graph (speeds per highway class, oneway respected, largest
  strongly connected component), built from a ``.osm``/``.osm.bz2``/``.osm.pbf`` file or downloaded, cached;
* :class:`EstimatedNetwork` — the offline default: great-circle distance × a circuity factor, driven at
  assumed speeds (:class:`EstimatedParams`). Every figure it gives carries ``estimated=True`` and must be
  shown as 估算/estimated.

:func:`active_network` returns the OSM network the user built (``python -m geo network …``), else the
estimated one.
The cache directory is ``$XUNZHEN_CACHE_DIR`` when set, else the user cache dir of platformdirs (``xunzhen``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo._errors import InputValidationError, NetworkError, UnreachableError
from geo._roads.download import download_fujian, prefecture_graph
from geo._roads.graph import RoadGraph
from geo._roads.osm import (
    EdgeGeometry,
    assemble,
    concat,
    edge_index,
    haversine_km,
    node_path,
    osm_file_date,
    read_osm_file,
    ways_from_osmnx,
)
from geo._roads.shortest import adopt_hierarchy_state, hierarchy_state, many_to_many
from geo._roads.speeds import ACCESS_SPEED_KMH, SPEED_TABLE_VERSION, EstimatedParams, speed_table_doc

__all__ = [
    "FAR_FROM_ROAD_M",
    "EstimatedNetwork",
    "EstimatedParams",
    "Network",
    "OSMNetwork",
    "PathResult",
    "SnapResult",
    "TravelResult",
    "active_network",
    "build_network_from_download",
    "build_network_from_file",
    "build_prefecture_network",
    "cache_root",
    "cached_network_info",
    "clear_network_cache",
    "network_dir",
    "snap_facilities",
]

logger = logging.getLogger(__name__)

#: A point farther than this from any road node (m) is flagged ``far_from_road``.
FAR_FROM_ROAD_M = 2000.0
CACHE_ENV = "XUNZHEN_CACHE_DIR"
_CACHE_FORMAT = 1
_NETWORK_STEM = "road_network"
#: Beside the network: the shortest-path hierarchies (geo._roads.ch) of its graph, tied to its fingerprint.
_HIERARCHY_SUFFIX = ".hierarchy.npz"


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


def as_points(points: Any, name: str = "points") -> np.ndarray:
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
    def travel(self, origins: Any, destinations: Any) -> TravelResult:
        """Travel time (minutes) and distance (km) from each origin to each destination ((n, 2) lon/lat)."""
    @abstractmethod
    def path(self, origin: Any, destination: Any) -> PathResult:
        """The route between two (lon, lat) points with its geometry."""
    @abstractmethod
    def snap(self, points: Any) -> SnapResult:
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

    def travel(self, origins: Any, destinations: Any) -> TravelResult:
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

    def path(self, origin: Any, destination: Any) -> PathResult:
        """A straight segment origin → destination with the estimated minutes and km (``estimated=True``)."""
        o = as_points(origin, "origin")
        d = as_points(destination, "destination")
        res = self.travel(o, d)
        return PathResult(np.vstack([o, d]), float(res.minutes[0, 0]), float(res.km[0, 0]), True)

    def snap(self, points: Any) -> SnapResult:
        """No roads to snap to: node ``-1``, distance NaN, never flagged."""
        p = as_points(points)
        n = len(p)
        return SnapResult(np.full(n, -1, dtype=np.int64), np.full(n, np.nan), np.zeros(n, dtype=bool))


# --------------------------------------------------------------------------------------------------- OSM


@dataclass(eq=False)
class OSMNetwork(Network):
    """An OpenStreetMap road graph (:class:`geo._roads.graph.RoadGraph`) with the shape of every edge.

    Travel between points = access leg (straight, at ``ACCESS_SPEED_KMH``) to the nearest road node + fastest
    road path (``geo._roads.shortest.many_to_many``) + access leg from the last node. Figures are road-routed.
    """
    graph: RoadGraph
    geometry: EdgeGeometry
    meta: dict[str, Any] = field(default_factory=dict)
    kind: str = "osm"

    def __post_init__(self) -> None:
        self._tree: Any = None
        self._fingerprint: str | None = None

    @classmethod
    def from_file(cls, path: str | Path) -> OSMNetwork:
        """Build from a ``.osm``, ``.osm.bz2`` or ``.osm.pbf`` file.

        Raises
        ------
        NetworkError
            If the file is missing, corrupt or holds no drivable roads (the message names the file).
        """
        path = Path(path)
        graph, geometry = read_osm_file(path)
        meta = {"source": path.name, "source_bytes": path.stat().st_size, "data_date": osm_file_date(path)}
        return cls(graph, geometry, _complete_meta(meta, graph))

    @classmethod
    def from_osmnx(cls, nx_graph: Any, source: str) -> OSMNetwork:
        """Build from an osmnx ``MultiDiGraph`` (e.g. :func:`geo._roads.download.prefecture_graph`).

        Raises
        ------
        NetworkError
            If the graph holds no drivable roads.
        """
        graph, geometry = assemble(ways_from_osmnx(nx_graph), source=source)
        return cls(graph, geometry, _complete_meta({"source": source, "data_date": ""}, graph))

    def label(self, lang: str = "zh") -> str:
        """Name for users with the OSM source."""
        src = self.meta.get("source", "?")
        date = self.meta.get("data_date") or ""
        if lang == "zh":
            return f"OpenStreetMap 道路网（{src}{'，数据日期 ' + date if date else ''}；道路路径计算）"
        return f"OpenStreetMap road network ({src}{', data of ' + date if date else ''}; road-routed)"

    def speed_table_doc(self, lang: str = "zh") -> str:
        """The per-class speed table."""
        return speed_table_doc(lang)

    def fingerprint(self) -> str:
        """``osm:`` + a hash of the graph arrays (independent of when or where it was built)."""
        if self._fingerprint is None:
            h = hashlib.sha256(SPEED_TABLE_VERSION.encode())
            for arr in (
                self.graph.node_lon,
                self.graph.node_lat,
                self.graph.indptr,
                self.graph.indices,
                self.graph.edge_minutes,
                self.graph.edge_km,
            ):
                h.update(np.ascontiguousarray(arr).tobytes())
            self._fingerprint = f"osm:{h.hexdigest()[:16]}"
        return self._fingerprint

    # -- snapping ------------------------------------------------------------------------------------------
    def _kdtree(self) -> Any:
        if self._tree is None:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(self._project(self.graph.node_lon, self.graph.node_lat))
        return self._tree

    def _project(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Project to the UTM zone of the graph's centre (EPSG:32650 for Fujian), metres."""
        from pyproj import Transformer

        zone = int((float(np.median(self.graph.node_lon)) + 180) // 6) + 1
        north = float(np.median(self.graph.node_lat)) >= 0
        epsg = (32600 if north else 32700) + zone
        x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)
        return np.column_stack([x, y])

    def snap(self, points: Any) -> SnapResult:
        """Nearest graph node (KD-tree on projected coordinates), great-circle snap distance (m), > 2 km flag.

        Raises
        ------
        InputValidationError
            If a point is not a valid (lon, lat) pair.
        """
        p = as_points(points)
        if len(p) == 0:
            return SnapResult(np.empty(0, np.int64), np.empty(0), np.empty(0, bool))
        _, node = self._kdtree().query(self._project(p[:, 0], p[:, 1]))
        node = np.asarray(node, dtype=np.int64)
        snap_m = haversine_km(p[:, 0], p[:, 1], self.graph.node_lon[node], self.graph.node_lat[node]) * 1000.0
        return SnapResult(node, snap_m, snap_m > FAR_FROM_ROAD_M)

    # -- routing -------------------------------------------------------------------------------------------
    def travel(self, origins: Any, destinations: Any) -> TravelResult:
        """Road-routed minutes and km (access legs included), shape (n_origins, n_destinations).

        Raises
        ------
        InputValidationError
            If a point is not a valid (lon, lat) pair.
        """
        o, d = as_points(origins, "origins"), as_points(destinations, "destinations")
        so, sd = self.snap(o), self.snap(d)
        minutes, km = many_to_many(self.graph, so.node, sd.node)
        o_km, d_km = so.snap_m / 1000.0, sd.snap_m / 1000.0
        minutes = minutes + (o_km[:, None] + d_km[None, :]) / ACCESS_SPEED_KMH * 60.0
        km = km + o_km[:, None] + d_km[None, :]
        same = (o[:, None, 0] == d[None, :, 0]) & (o[:, None, 1] == d[None, :, 1])
        minutes[same], km[same] = 0.0, 0.0
        return TravelResult(minutes, km, False, so.snap_m, sd.snap_m)

    def path(self, origin: Any, destination: Any) -> PathResult:
        """Fastest road path with its geometry (access legs as straight segments).

        Raises
        ------
        UnreachableError
            If no road path joins the two snapped nodes.
        """
        from scipy.sparse.csgraph import dijkstra

        o, d = as_points(origin, "origin"), as_points(destination, "destination")
        so, sd = self.snap(o), self.snap(d)
        s, t = int(so.node[0]), int(sd.node[0])
        _, pred = dijkstra(self.graph.csr("minutes"), directed=True, indices=s, return_predecessors=True)
        nodes = node_path(pred, s, t)
        if not nodes:
            where = self.meta.get("source", "the network")
            msg = f"No road connects {tuple(o[0])!r} and {tuple(d[0])!r} in {where}."
            raise UnreachableError(msg)
        edges = [edge_index(self.graph, a, b) for a, b in itertools.pairwise(nodes)]
        g = self.graph
        first, last = np.array([[g.node_lon[s], g.node_lat[s]]]), np.array([[g.node_lon[t], g.node_lat[t]]])
        parts = [o, first, *(self.geometry.coords(e) for e in edges), last, d]
        access_km = (so.snap_m[0] + sd.snap_m[0]) / 1000.0
        minutes = float(self.graph.edge_minutes[edges].sum()) + access_km / ACCESS_SPEED_KMH * 60.0
        km = float(self.graph.edge_km[edges].sum()) + access_km
        return PathResult(concat(parts), minutes, km, False)

    # -- storage -------------------------------------------------------------------------------------------
    def save(self, directory: str | Path | None = None) -> Path:
        """Write to ``directory`` (default: the cache): ``road_network.npz`` + ``.json``, atomically."""
        directory = Path(directory) if directory is not None else network_dir()
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {f"graph_{k}": getattr(self.graph, k) for k in _GRAPH_FIELDS}
        arrays |= {f"geom_{k}": getattr(self.geometry, k) for k in _GEOM_FIELDS}
        meta = dict(self.meta, format=_CACHE_FORMAT, kind="osm", fingerprint=self.fingerprint())
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz", delete=False) as tmp:
            np.savez_compressed(tmp, **arrays)
        os.replace(tmp.name, directory / f"{_NETWORK_STEM}.npz")
        (directory / f"{_NETWORK_STEM}.json.tmp").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1), "utf-8"
        )
        os.replace(directory / f"{_NETWORK_STEM}.json.tmp", directory / f"{_NETWORK_STEM}.json")
        self._save_hierarchy(directory)
        _ACTIVE.clear()
        return directory / f"{_NETWORK_STEM}.npz"

    def _save_hierarchy(self, directory: Path) -> None:
        """Write the shortest-path hierarchies (built now if needed) to ``road_network.hierarchy.npz``."""
        target = directory / f"{_NETWORK_STEM}{_HIERARCHY_SUFFIX}"
        state = hierarchy_state(self.graph)
        if not state:  # small graph: queries never use a hierarchy
            target.unlink(missing_ok=True)
            return
        state["fingerprint"] = np.array(self.fingerprint())
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, allow_pickle=False, **state)
        os.replace(tmp.name, target)

    def _load_hierarchy(self, directory: Path) -> None:
        """Adopt the cached hierarchies if they belong to this exact graph; else log (built on first use)."""
        path = directory / f"{_NETWORK_STEM}{_HIERARCHY_SUFFIX}"
        if not path.is_file():
            return
        try:
            with np.load(path) as data:
                arrays = {k: data[k] for k in data.files}
            if str(arrays.get("fingerprint")) != self.fingerprint():
                logger.warning("Hierarchy %s is for another road graph; rebuilding on first use.", path)
                return
            adopt_hierarchy_state(self.graph, arrays)
        except (OSError, ValueError, KeyError, TypeError, EOFError) as err:
            logger.warning("Cached hierarchy %s cannot be read (%s); rebuilding on first use.", path, err)

    @classmethod
    def load(cls, directory: str | Path | None = None) -> OSMNetwork:
        """Read a network written by :meth:`save`.

        Raises
        ------
        NetworkError
            If the files are missing or unreadable (the message names the file).
        """
        directory = Path(directory) if directory is not None else network_dir()
        npz, js = directory / f"{_NETWORK_STEM}.npz", directory / f"{_NETWORK_STEM}.json"
        try:
            meta = json.loads(js.read_text("utf-8"))
            with np.load(npz) as data:
                graph = RoadGraph(**{k: data[f"graph_{k}"] for k in _GRAPH_FIELDS})
                geometry = EdgeGeometry(**{k: data[f"geom_{k}"] for k in _GEOM_FIELDS})
        except (OSError, ValueError, KeyError, TypeError) as err:
            msg = (
                f"Cached road network {str(npz)!r} cannot be read ({err}); rebuild: `python -m geo network`."
            )
            raise NetworkError(msg) from err
        if meta.get("format") != _CACHE_FORMAT:
            fmt = meta.get("format")
            msg = f"Cached road network {str(js)!r} has format {fmt!r}, expected {_CACHE_FORMAT}."
            raise NetworkError(msg)
        net = cls(graph, geometry, meta)
        net._load_hierarchy(directory)
        return net


_GRAPH_FIELDS = ("node_lon", "node_lat", "node_osm_id", "indptr", "indices", "edge_minutes", "edge_km")
_GEOM_FIELDS = ("edge_seg", "edge_rev", "seg_ptr", "lon", "lat")


def _complete_meta(meta: dict[str, Any], graph: RoadGraph) -> dict[str, Any]:
    return meta | {
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "n_nodes": graph.n_nodes,
        "n_edges": graph.n_edges,
        "speed_table_version": SPEED_TABLE_VERSION,
    }


# --------------------------------------------------------------------------------------------------- cache


def cache_root() -> Path:
    """xunzhen's cache directory: ``$XUNZHEN_CACHE_DIR`` if set, else platformdirs' user cache dir."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("xunzhen", appauthor=False))


def network_dir() -> Path:
    """Where the built road network is cached."""
    return cache_root() / "network"


_ACTIVE: dict[tuple[str, float], OSMNetwork] = {}


def cached_network_info() -> dict[str, Any] | None:
    """Metadata of the cached OSM network (source, data date, counts), or None when none was built."""
    js = network_dir() / f"{_NETWORK_STEM}.json"
    if not js.is_file():
        return None
    try:
        return json.loads(js.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def active_network() -> Network:
    """The cached OSM network if the user built one, else the :class:`EstimatedNetwork` (with a logged warning
    when a cached network exists but cannot be read)."""
    npz = network_dir() / f"{_NETWORK_STEM}.npz"
    if not npz.is_file():
        return EstimatedNetwork()
    key = (str(npz), npz.stat().st_mtime)
    if key not in _ACTIVE:
        try:
            net = OSMNetwork.load(npz.parent)
        except NetworkError as err:
            logger.warning("%s Using the estimated network instead.", err)
            return EstimatedNetwork()
        _ACTIVE.clear()
        _ACTIVE[key] = net
    return _ACTIVE[key]


def build_network_from_file(path: str | Path, cache: bool = True) -> OSMNetwork:
    """Build an :class:`OSMNetwork` from an OSM file and (by default) make it the active, cached network.

    Raises
    ------
    NetworkError
        If the file is missing, corrupt or holds no drivable roads.
    """
    net = OSMNetwork.from_file(path)
    if cache:
        net.save()
    return net


def clear_network_cache() -> bool:
    """Remove the cached OSM network (the estimated one becomes active). True if something was removed."""
    removed = False
    for suffix in (".npz", ".json", _HIERARCHY_SUFFIX):
        f = network_dir() / f"{_NETWORK_STEM}{suffix}"
        if f.is_file():
            f.unlink()
            removed = True
    _ACTIVE.clear()
    return removed


def build_network_from_download(region: str = "fujian", *, session: Any | None = None) -> OSMNetwork:
    """Download Geofabrik's extract of ``region`` (only ``"fujian"``); build and cache the network.

    Raises
    ------
    NetworkError
        If the region is unknown, or the download or the build fails.
    """
    if region.lower() not in ("fujian", "福建", "福建省"):
        msg = f"Unknown download region {region!r}; the one offered is 'fujian' (Geofabrik's extract)."
        raise NetworkError(msg)
    path = download_fujian(cache_root() / "downloads", session=session)
    return build_network_from_file(path)


def build_prefecture_network(short_name: str, cache: bool = True) -> OSMNetwork:
    """Download one prefecture's roads through osmnx (e.g. ``"龙岩"``); build and (by default) cache it.

    Raises
    ------
    NetworkError
        If the name is not a Fujian prefecture or the download fails.
    """
    nx_graph = prefecture_graph(short_name)
    net = OSMNetwork.from_osmnx(nx_graph, source=f"osmnx/Overpass: {short_name.removesuffix('市')}市")
    if cache:
        net.save()
    return net


def snap_facilities(network: Network, facilities: pd.DataFrame) -> pd.DataFrame:
    """Snap each facility with a point to the network: its road node, distance (m) and the > 2 km flag.

    Parameters
    ----------
    network
        Any network (the estimated one gives node -1, NaN distance, never flagged).
    facilities
        A table with ``facility_id``, ``lon``, ``lat`` (WGS84; NaN when the facility has no point).

    Returns
    -------
    pandas.DataFrame
        ``facility_id``, ``node`` (-1 when unplaced), ``snap_m`` (NaN if unplaced), ``far_from_road`` (bool).

    Raises
    ------
    InputValidationError
        If a column is missing.
    """
    missing = [c for c in ("facility_id", "lon", "lat") if c not in facilities.columns]
    if missing:
        msg = f"Facility table lacks column(s) {missing!r} needed to snap it to the road network."
        raise InputValidationError(msg)
    lon = facilities["lon"].to_numpy(dtype=float)
    lat = facilities["lat"].to_numpy(dtype=float)
    placed = np.isfinite(lon) & np.isfinite(lat)
    node = np.full(len(lon), -1, dtype=np.int64)
    snap_m = np.full(len(lon), np.nan)
    far = np.zeros(len(lon), dtype=bool)
    if placed.any():
        res = network.snap(np.column_stack([lon[placed], lat[placed]]))
        node[placed], snap_m[placed], far[placed] = res.node, res.snap_m, res.far_from_road
    return pd.DataFrame(
        {
            "facility_id": facilities["facility_id"].to_numpy(),
            "node": node,
            "snap_m": snap_m,
            "far_from_road": far,
        }
    )
