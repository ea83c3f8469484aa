"""OpenStreetMap → routable road graph: reading files, filtering drivable roads, speeds, oneway, largest SCC.

Reads ``.osm``, ``.osm.bz2``, ``.osm.gz`` and ``.osm.pbf`` with pyosmium (or takes an osmnx graph), keeps
the drivable roads, splits each way at its intersections into segments (so the graph has one node per
intersection or dead end, with the shape points kept as geometry), gives each segment its km (great-circle
along the shape) and minutes (from :mod:`geo._roads.speeds`), adds both directions unless the road is oneway,
keeps the largest strongly connected component, and returns a :class:`geo._roads.graph.RoadGraph` plus the
geometry of every edge.

Which roads are drivable
------------------------
``highway`` in :data:`geo._roads.speeds.SPEED_KMH` (motorway … residential, living_street, service, road
and the
``_link`` classes), not ``area=yes``, not a ``service`` road of kind parking_aisle / parking / driveway /
alley / drive-through / emergency_access / private, and not closed to cars (the most specific of
``motorcar``, ``motor_vehicle``, ``vehicle``, ``access`` is not no / private / agricultural / forestry /
emergency). ``highway=track`` is left out: in OSM it means farm and forest tracks, mostly unpaved, that a
doctor's car does not plan on; a facility reachable only by a track shows up through its large snap distance
instead.

Oneway
------
``oneway=yes|true|1`` forward only, ``oneway=-1|reverse`` backward only, ``motorway``, ``motorway_link`` and
``junction=roundabout|circular`` are oneway unless ``oneway=no``; ``reversible``/``alternating`` count as
two-way.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from geo._errors import NetworkError
from geo._roads.graph import RoadGraph
from geo._roads.speeds import SPEED_KMH, edge_speed_kmh

EARTH_RADIUS_KM = 6371.0088
OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".osm.pbf", ".pbf", ".xml")

_EXCLUDED_SERVICE = {
    "parking_aisle",
    "parking",
    "driveway",
    "alley",
    "drive-through",
    "emergency_access",
    "private",
}
_CLOSED_ACCESS = {"no", "private", "agricultural", "forestry", "emergency"}
_ONEWAY_CLASSES = {"motorway", "motorway_link"}


def drivable_class(tags: Any) -> str | None:
    """The ``highway`` class of a way if xunzhen routes cars on it, else ``None``.

    ``tags`` is anything with ``.get(key)`` (a pyosmium TagList or a dict).
    """
    highway = tags.get("highway")
    if highway not in SPEED_KMH or tags.get("area") == "yes":
        return None
    if highway == "service" and tags.get("service") in _EXCLUDED_SERVICE:
        return None
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        value = tags.get(key)
        if value is not None:
            return None if value in _CLOSED_ACCESS else highway
    return highway


def oneway_direction(tags: Any, highway: str) -> int:
    """+1 forward only, -1 backward only, 0 both directions."""
    oneway = tags.get("oneway")
    if oneway in ("yes", "true", "1"):
        return 1
    if oneway in ("-1", "reverse"):
        return -1
    if oneway in ("no", "false", "0", "reversible", "alternating"):
        return 0
    if highway in _ONEWAY_CLASSES or tags.get("junction") in ("roundabout", "circular"):
        return 1
    return 0


def haversine_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance (km) between WGS84 points, broadcasting."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class _Ways:
    """Drivable ways in flat arrays (compact for a whole province), before splitting at intersections.

    Way ``w`` has nodes ``ids[ptr[w]:ptr[w + 1]]`` at ``lon``/``lat`` (WGS84), a direction (+1 forward only,
    -1 backward only, 0 both) and a speed (km/h). Ids identify physical nodes: a node used twice joins roads.
    """
    def __init__(self) -> None:
        self.ids = array("q")
        self.lon = array("d")
        self.lat = array("d")
        self.ptr = array("q", [0])
        self.direction = array("b")
        self.speed_kmh = array("d")

    def add(self, ids: list[int], lons: list[float], lats: list[float], direction: int, speed: float) -> None:
        """Append one way (ignored when it has fewer than two nodes)."""
        if len(ids) < 2:
            return
        self.ids.extend(ids)
        self.lon.extend(lons)
        self.lat.extend(lats)
        self.ptr.append(len(self.ids))
        self.direction.append(direction)
        self.speed_kmh.append(speed)

    def __len__(self) -> int:
        return len(self.direction)


@dataclass(frozen=True, eq=False)
class EdgeGeometry:
    """Shape of every graph edge: edge ``e`` follows segment ``edge_seg[e]`` (reversed when ``edge_rev[e]``).

    The shape points of segment ``s`` are ``lon[seg_ptr[s]:seg_ptr[s + 1]]``, ``lat[...]`` (WGS84 degrees).
    """
    edge_seg: np.ndarray
    edge_rev: np.ndarray
    seg_ptr: np.ndarray
    lon: np.ndarray
    lat: np.ndarray

    def coords(self, edge: int) -> np.ndarray:
        """(k, 2) lon/lat of edge ``edge`` in travel order."""
        s = int(self.edge_seg[edge])
        a, b = int(self.seg_ptr[s]), int(self.seg_ptr[s + 1])
        xy = np.column_stack([self.lon[a:b], self.lat[a:b]])
        return xy[::-1] if self.edge_rev[edge] else xy


def read_osm_file(path: str | Path) -> tuple[RoadGraph, EdgeGeometry]:
    """Read an OSM file and return the largest strongly connected drivable graph and its edge shapes.

    Raises
    ------
    NetworkError
        If the file is missing, has an unknown extension, cannot be parsed, or holds no drivable roads.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"OSM file {str(path)!r} does not exist (expected a .osm, .osm.bz2 or .osm.pbf file)."
        raise NetworkError(msg)
    if not path.name.lower().endswith(OSM_SUFFIXES):
        msg = f"OSM file {str(path)!r} has an unknown extension; expected one of {', '.join(OSM_SUFFIXES)}."
        raise NetworkError(msg)
    try:
        ways = _ways_from_file(path)
    except RuntimeError as err:  # pyosmium reports parse/IO errors as RuntimeError
        msg = f"OSM file {str(path)!r} cannot be read: {err}. Is it a complete, uncorrupted OSM extract?"
        raise NetworkError(msg) from err
    return assemble(ways, source=str(path))


def _ways_from_file(path: Path) -> _Ways:
    """Drivable ways of an OSM file (pyosmium; node locations from the same file)."""
    import osmium

    ways = _Ways()
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    for way in processor:
        if not isinstance(way, osmium.osm.Way):  # the filters let only ways through
            continue
        highway = drivable_class(way.tags)
        if highway is None:
            continue
        direction = oneway_direction(way.tags, highway)
        speed = edge_speed_kmh(highway, way.tags.get("maxspeed"))
        # Split at nodes without a location (outside a clipped extract): each valid run is a way of its own.
        ids: list[int] = []
        lons: list[float] = []
        lats: list[float] = []
        for node in way.nodes:
            loc = node.location
            if loc.valid():
                ids.append(node.ref)
                lons.append(loc.lon)
                lats.append(loc.lat)
            else:
                ways.add(ids, lons, lats, direction, speed)
                ids, lons, lats = [], [], []
        ways.add(ids, lons, lats, direction, speed)
    return ways


def ways_from_osmnx(graph: Any) -> _Ways:
    """Ways of an osmnx ``MultiDiGraph``: each osmnx edge is already directed (one "way", forward only).

    Speeds come from the same table as files: the edge's ``highway`` (first of a list) and ``maxspeed``;
    edges whose class is not drivable for xunzhen are dropped.
    """
    ways = _Ways()
    shape_id = max((int(n) for n in graph.nodes), default=0) + 1  # fresh ids for shape points
    for u, v, data in graph.edges(data=True):
        highway = data.get("highway")
        highway = highway[0] if isinstance(highway, list) else highway
        if highway not in SPEED_KMH:
            continue
        maxspeed = data.get("maxspeed")
        maxspeed = ";".join(maxspeed) if isinstance(maxspeed, list) else maxspeed
        geom = data.get("geometry")
        if geom is not None:
            lons, lats = (list(map(float, a)) for a in geom.xy)
        else:
            lons = [graph.nodes[u]["x"], graph.nodes[v]["x"]]
            lats = [graph.nodes[u]["y"], graph.nodes[v]["y"]]
        inner = list(range(shape_id, shape_id + len(lons) - 2))
        shape_id += len(inner)
        ways.add([int(u), *inner, int(v)], lons, lats, 1, edge_speed_kmh(highway, maxspeed))
    return ways


def assemble(ways: _Ways, source: str) -> tuple[RoadGraph, EdgeGeometry]:
    """Split ways at intersections → directed edges → fastest parallel edge → largest strongly connected part.

    A node becomes a graph node when it ends a way or is used more than once (by two ways, or twice by one);
    the nodes in between are kept as the edge's shape.

    Raises
    ------
    NetworkError
        If there are no drivable roads (message names ``source``).
    """
    if len(ways) == 0:
        msg = f"OSM data {source!r} contains no drivable roads (highway=motorway…residential/service)."
        raise NetworkError(msg)
    ids = np.frombuffer(ways.ids, dtype=np.int64)
    lon = np.frombuffer(ways.lon, dtype=float)
    lat = np.frombuffer(ways.lat, dtype=float)
    ptr = np.frombuffer(ways.ptr, dtype=np.int64)
    starts, ends = ptr[:-1], ptr[1:] - 1
    _, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
    is_node = counts[inverse] >= 2
    is_node[starts] = True
    is_node[ends] = True
    node_pos = np.flatnonzero(is_node)
    way_end = np.zeros(len(ids), dtype=bool)
    way_end[ends] = True
    first = ~way_end[node_pos[:-1]]  # a segment runs from a node to the next node of the same way
    seg_a, seg_b = node_pos[:-1][first], node_pos[1:][first]
    way_of = np.searchsorted(ptr, seg_a, side="right") - 1

    step_km = haversine_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    cum = np.concatenate([[0.0], np.cumsum(step_km)])
    # Duplicate points (distinct nodes at one place) would give 0-length edges: floor at 1 mm, so every edge
    # time is positive (scipy's csgraph would otherwise drop explicit zeros from sparse matrices).
    seg_km = np.maximum(cum[seg_b] - cum[seg_a], 1e-6)
    speed = np.frombuffer(ways.speed_kmh, dtype=float)[way_of]
    seg_minutes = seg_km / speed * 60.0
    # Shape points of each segment, copied contiguously (a shared end point appears in both segments).
    lengths = seg_b - seg_a + 1
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    take = np.repeat(seg_a - ptr[:-1], lengths) + np.arange(ptr[-1])
    lon, lat = lon[take], lat[take]

    u_id, v_id = ids[seg_a], ids[seg_b]
    node_ids, inverse = np.unique(np.concatenate([u_id, v_id]), return_inverse=True)
    u, v = inverse[: len(u_id)], inverse[len(u_id) :]
    node_lon = np.empty(len(node_ids))
    node_lat = np.empty(len(node_ids))
    node_lon[u], node_lat[u] = lon[ptr[:-1]], lat[ptr[:-1]]
    node_lon[v], node_lat[v] = lon[ptr[1:] - 1], lat[ptr[1:] - 1]

    direction = np.frombuffer(ways.direction, dtype=np.int8)[way_of]
    seg = np.arange(len(u_id))
    fwd, bwd = direction >= 0, direction <= 0
    e_from = np.concatenate([u[fwd], v[bwd]])
    e_to = np.concatenate([v[fwd], u[bwd]])
    e_seg = np.concatenate([seg[fwd], seg[bwd]])
    e_rev = np.concatenate([np.zeros(fwd.sum(), bool), np.ones(bwd.sum(), bool)])
    keep = e_from != e_to  # self-loops never shorten a path
    e_from, e_to, e_seg, e_rev = e_from[keep], e_to[keep], e_seg[keep], e_rev[keep]
    if len(e_from) == 0:
        msg = f"OSM data {source!r} contains no drivable road between two distinct points."
        raise NetworkError(msg)

    in_big, (e_from, e_to, e_seg, e_rev) = _largest_scc(len(node_ids), e_from, e_to, e_seg, e_rev)
    e_minutes, e_km = seg_minutes[e_seg], seg_km[e_seg]
    # Sort by (from, to, minutes) and keep the fastest parallel edge, so RoadGraph.from_edges keeps our order.
    order = np.lexsort((e_minutes, e_to, e_from))
    e_from, e_to, e_seg, e_rev, e_minutes, e_km = (
        a[order] for a in (e_from, e_to, e_seg, e_rev, e_minutes, e_km)
    )
    first = np.ones(len(e_from), dtype=bool)
    first[1:] = (e_from[1:] != e_from[:-1]) | (e_to[1:] != e_to[:-1])
    e_from, e_to, e_seg, e_rev, e_minutes, e_km = (
        a[first] for a in (e_from, e_to, e_seg, e_rev, e_minutes, e_km)
    )

    graph = RoadGraph.from_edges(
        node_lon[in_big], node_lat[in_big], e_from, e_to, e_minutes, e_km, node_osm_id=node_ids[in_big]
    )
    return graph, _compact_geometry(ptr, lon, lat, e_seg, e_rev)


def _compact_geometry(
    ptr: np.ndarray, lon: np.ndarray, lat: np.ndarray, e_seg: np.ndarray, e_rev: np.ndarray
) -> EdgeGeometry:
    """The shapes of the segments still used by the edges ``e_seg`` (renumbered), copied contiguously."""
    used, seg_new = np.unique(e_seg, return_inverse=True)
    lengths = ptr[used + 1] - ptr[used]
    new_ptr = np.concatenate([[0], np.cumsum(lengths)])
    take = np.repeat(ptr[used] - new_ptr[:-1], lengths) + np.arange(new_ptr[-1])
    return EdgeGeometry(
        edge_seg=seg_new.astype(np.int32), edge_rev=e_rev, seg_ptr=new_ptr, lon=lon[take], lat=lat[take]
    )


def _largest_scc(
    n: int, e_from: np.ndarray, e_to: np.ndarray, e_seg: np.ndarray, e_rev: np.ndarray
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Largest strongly connected component (ties: the one holding the lowest node index, for determinism).

    Returns the mask of its nodes and its edges renumbered to 0..k-1 (from, to, segment, reversed).
    """
    adj = sp.csr_matrix((np.ones(len(e_from)), (e_from, e_to)), shape=(n, n))
    _, labels = connected_components(adj, directed=True, connection="strong")
    in_big = labels == int(np.argmax(np.bincount(labels)))
    keep = in_big[e_from] & in_big[e_to]
    new_index = np.cumsum(in_big) - 1
    return in_big, (new_index[e_from[keep]], new_index[e_to[keep]], e_seg[keep], e_rev[keep])


def edge_index(graph: RoadGraph, u: int, v: int) -> int:
    """Index of the edge u → v in the CSR arrays (edges of a node are sorted by target)."""
    a, b = int(graph.indptr[u]), int(graph.indptr[u + 1])
    k = a + int(np.searchsorted(graph.indices[a:b], v))
    if k >= b or graph.indices[k] != v:
        msg = f"No edge from node {u} to node {v}."
        raise NetworkError(msg)
    return k


def node_path(predecessors: np.ndarray, source: int, target: int) -> list[int]:
    """Node sequence source → target from a shortest-path tree (empty if unreachable)."""
    path = [target]
    while path[-1] != source:
        p = int(predecessors[path[-1]])
        if p < 0:
            return []
        path.append(p)
    return path[::-1]


def concat(parts: Iterable[np.ndarray]) -> np.ndarray:
    """Join (k, 2) coordinate runs, dropping the repeated joint point."""
    out: list[np.ndarray] = []
    for part in parts:
        if len(part) == 0:
            continue
        if out and np.allclose(out[-1][-1], part[0], rtol=0.0, atol=1e-10):
            part = part[1:]
        if len(part):
            out.append(part)
    return np.concatenate(out) if out else np.empty((0, 2))


def osm_file_date(path: Path) -> str:
    """The data date of an OSM file from its header (replication timestamp), or "" when the file has none."""
    try:
        import osmium

        header = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING).header()
        stamp = header.get("osmosis_replication_timestamp") or header.get("timestamp") or ""
    except Exception:  # the date is informative only; the file itself was already read successfully
        return ""
    return str(stamp)[:10]
