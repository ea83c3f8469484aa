"""The routable road graph shared by the OSM network and the matrix engine: plain CSR arrays, no networkx.

Nodes carry WGS84 lon/lat; directed edges carry travel time (minutes) and length (km). Built once by
``geo.network`` from OpenStreetMap and consumed by ``geo._roads.shortest`` (many-to-many shortest paths).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed road graph in CSR form.

    Attributes
    ----------
    node_lon, node_lat
        Node coordinates, WGS84 degrees, shape (n,).
    node_osm_id
        OpenStreetMap node id of each node (or -1 for generated graphs), shape (n,).
    indptr, indices
        CSR structure: the edges leaving node ``u`` are ``indices[indptr[u]:indptr[u + 1]]``.
    edge_minutes, edge_km
        Travel time (minutes) and length (km) of each edge, aligned with ``indices``.
    """
    node_lon: np.ndarray
    node_lat: np.ndarray
    node_osm_id: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    edge_minutes: np.ndarray
    edge_km: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_lon.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.indices.shape[0])

    def csr(self, weight: str = "minutes") -> sp.csr_matrix:
        """The graph as a scipy CSR matrix weighted by ``"minutes"`` or ``"km"``."""
        data = self.edge_minutes if weight == "minutes" else self.edge_km
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n_nodes, self.n_nodes))

    @classmethod
    def from_edges(
        cls,
        node_lon: np.ndarray,
        node_lat: np.ndarray,
        edge_from: np.ndarray,
        edge_to: np.ndarray,
        edge_minutes: np.ndarray,
        edge_km: np.ndarray,
        node_osm_id: np.ndarray | None = None,
    ) -> RoadGraph:
        """Build a graph from edge lists (node indices 0..n-1); parallel edges keep the fastest one."""
        n = len(node_lon)
        order = np.lexsort((edge_minutes, edge_to, edge_from))
        f, t = np.asarray(edge_from)[order], np.asarray(edge_to)[order]
        mins, kms = np.asarray(edge_minutes, float)[order], np.asarray(edge_km, float)[order]
        keep = np.ones(len(f), dtype=bool)
        keep[1:] = (f[1:] != f[:-1]) | (t[1:] != t[:-1])
        f, t, mins, kms = f[keep], t[keep], mins[keep], kms[keep]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(indptr, f + 1, 1)
        indptr = np.cumsum(indptr)
        ids = np.full(n, -1, dtype=np.int64) if node_osm_id is None else np.asarray(node_osm_id, np.int64)
        return cls(
            node_lon=np.asarray(node_lon, float),
            node_lat=np.asarray(node_lat, float),
            node_osm_id=ids,
            indptr=indptr,
            indices=t.astype(np.int32),
            edge_minutes=mins,
            edge_km=kms,
        )
