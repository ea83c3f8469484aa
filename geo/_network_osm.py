"""The OpenStreetMap road network (re-exported by :mod:`geo.network`): routing, snapping, paths, storage.

:class:`OSMNetwork` is a :class:`geo._roads.graph.RoadGraph` (speeds per highway class, oneway respected,
largest strongly connected component) plus the shape of every edge, built from a ``.osm``/``.osm.bz2``/
``.osm.pbf`` file or an osmnx graph, and stored in the cache by :mod:`geo._roads.store`.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from geo._errors import UnreachableError
from geo._network_base import FAR_FROM_ROAD_M, Network, PathResult, SnapResult, TravelResult, as_points
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
from geo._roads.shortest import has_hierarchy, many_to_many, reachable_within
from geo._roads.speeds import ACCESS_SPEED_KMH, SPEED_TABLE_VERSION, speed_table_doc
from geo._roads.store import CACHE_FORMAT, read_hierarchy, read_network, write_hierarchy, write_network
from geo.settings import cache_root

__all__ = ["OSMNetwork", "network_dir"]


def network_dir() -> Path:
    """Where the built road network is cached: ``<cache root>/network``."""
    return cache_root() / "network"


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
        self._tree: cKDTree | None = None
        self._fingerprint: str | None = None
        #: Cache directory to store the hierarchy in once built (it was missing or damaged there).
        self._hierarchy_dir: Path | None = None

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
    def _kdtree(self) -> cKDTree:
        if self._tree is None:
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

    def snap(self, points: npt.ArrayLike) -> SnapResult:
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
    def travel(self, origins: npt.ArrayLike, destinations: npt.ArrayLike) -> TravelResult:
        """Road-routed minutes and km (access legs included), shape (n_origins, n_destinations).

        Raises
        ------
        InputValidationError
            If a point is not a valid (lon, lat) pair.
        """
        o, d = as_points(origins, "origins"), as_points(destinations, "destinations")
        so, sd = self.snap(o), self.snap(d)
        minutes, km = many_to_many(self.graph, so.node, sd.node)
        self._store_rebuilt_hierarchy()
        o_km, d_km = so.snap_m / 1000.0, sd.snap_m / 1000.0
        minutes = minutes + (o_km[:, None] + d_km[None, :]) / ACCESS_SPEED_KMH * 60.0
        km = km + o_km[:, None] + d_km[None, :]
        same = (o[:, None, 0] == d[None, :, 0]) & (o[:, None, 1] == d[None, :, 1])
        minutes[same], km[same] = 0.0, 0.0
        return TravelResult(minutes, km, False, so.snap_m, sd.snap_m)

    def path(self, origin: npt.ArrayLike, destination: npt.ArrayLike) -> PathResult:
        """Fastest road path with its geometry (access legs as straight segments).

        Raises
        ------
        UnreachableError
            If no road path joins the two snapped nodes.
        """
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

    def reachable_within(self, source_node: int, limit_minutes: float) -> tuple[np.ndarray, np.ndarray]:
        """Road nodes reachable from node ``source_node`` within ``limit_minutes`` (road time, no access leg).

        Returns
        -------
        nodes, minutes
            Node indices (into ``graph.node_lon``/``node_lat``) and their travel time (minutes).

        Raises
        ------
        InputValidationError
            If the node is not in the graph or the budget is not positive.
        """
        return reachable_within(self.graph, source_node, limit_minutes)

    # -- storage -------------------------------------------------------------------------------------------
    def _store_rebuilt_hierarchy(self) -> None:
        """Write the hierarchy back to the cache once a query rebuilt it (it was missing or damaged there)."""
        if self._hierarchy_dir is not None and has_hierarchy(self.graph):
            write_hierarchy(self._hierarchy_dir, self.graph, self.fingerprint())
            self._hierarchy_dir = None

    def save(self, directory: str | Path | None = None) -> Path:
        """Write to ``directory`` (default: the cache): ``road_network.npz`` + ``.json`` + the hierarchies."""
        directory = Path(directory) if directory is not None else network_dir()
        meta = dict(self.meta, format=CACHE_FORMAT, kind="osm", fingerprint=self.fingerprint())
        return write_network(directory, self.graph, self.geometry, meta, self.fingerprint())

    @classmethod
    def load(cls, directory: str | Path | None = None) -> OSMNetwork:
        """Read a network written by :meth:`save` (and adopt its cached hierarchies when they match).

        Raises
        ------
        NetworkError
            If the files are missing or unreadable (the message names the file).
        """
        directory = Path(directory) if directory is not None else network_dir()
        graph, geometry, meta = read_network(directory)
        net = cls(graph, geometry, meta)
        if not read_hierarchy(directory, graph, net.fingerprint()):
            net._hierarchy_dir = directory
        return net


def _complete_meta(meta: dict[str, Any], graph: RoadGraph) -> dict[str, Any]:
    return meta | {
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "n_nodes": graph.n_nodes,
        "n_edges": graph.n_edges,
        "speed_table_version": SPEED_TABLE_VERSION,
    }
