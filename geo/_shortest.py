"""Many-to-many shortest travel times on a :class:`geo._graph.RoadGraph`.

This first version runs ``scipy.sparse.csgraph.dijkstra`` from every source and reads the length (km) of each
fastest path off the shortest-path tree. The matrix work (issue: travel times and coverage) replaces the internals
with a faster engine; the signature stays.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from geo._graph import RoadGraph


def many_to_many(
    graph: RoadGraph, source_nodes: np.ndarray, target_nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fastest-path travel time (minutes) and that path's length (km) from each source to each target node.

    Returns two float arrays of shape (len(source_nodes), len(target_nodes)); unreachable pairs are ``inf``.
    """
    source_nodes = np.asarray(source_nodes, dtype=np.int64)
    target_nodes = np.asarray(target_nodes, dtype=np.int64)
    minutes = np.full((len(source_nodes), len(target_nodes)), np.inf)
    km = np.full_like(minutes, np.inf)
    if len(source_nodes) == 0 or len(target_nodes) == 0:
        return minutes, km
    unique_sources, inverse = np.unique(source_nodes, return_inverse=True)
    dist, pred = dijkstra(graph.csr("minutes"), directed=True, indices=unique_sources, return_predecessors=True)
    edge_km = _edge_lookup(graph)
    for row, source in enumerate(unique_sources):
        km_row = _tree_lengths(dist[row], pred[row], int(source), edge_km)
        for k in np.flatnonzero(inverse == row):
            minutes[k] = dist[row, target_nodes]
            km[k] = km_row[target_nodes]
    return minutes, km


def _edge_lookup(graph: RoadGraph) -> dict[tuple[int, int], float]:
    """Map (from, to) node pairs to edge length in km."""
    from_nodes = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    return dict(zip(zip(from_nodes.tolist(), graph.indices.tolist(), strict=True), graph.edge_km.tolist(), strict=True))


def _tree_lengths(
    dist: np.ndarray, pred: np.ndarray, source: int, edge_km: dict[tuple[int, int], float]
) -> np.ndarray:
    """Length (km) along the shortest-path tree of one source, nodes settled in order of time."""
    km = np.full(dist.shape, np.inf)
    km[source] = 0.0
    for v in np.argsort(dist, kind="stable"):
        if not np.isfinite(dist[v]):
            break
        p = pred[v]
        if p >= 0:
            km[v] = km[p] + edge_km[(int(p), int(v))]
    return km
