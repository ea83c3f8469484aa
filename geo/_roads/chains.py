"""Degree-2 chain contraction of a road graph (done once per graph, cached): the *core* graph plus, for every
interior node, where it sits on its chain(s).

A node whose only neighbours are two other nodes and that passes traffic straight through (two-way: in = out =
{a, b}; one-way: in = {a}, out = {b}) is an *interior* node of a chain. Every chain between two *core* nodes
becomes one core edge carrying the chain's total minutes and km, as osmnx's simplification does. Each interior
node keeps, per direction of travel through it, its chain, its offset (minutes, km) from the chain's start and
the remainder to the chain's end, so a point snapped onto a degree-2 node is still routed exactly. Rings made
only of degree-2 nodes keep one node as core.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from geo._roads.graph import RoadGraph

__all__ = ["Contracted", "columns", "contract", "path_sums", "readout", "starts"]


@dataclass(frozen=True, eq=False)
class Contracted:
    """A road graph with its degree-2 chains contracted (see the module docstring).

    Attributes
    ----------
    n_nodes
        Number of nodes of the original graph.
    core_of
        Core index of each original node, or -1 for interior nodes, shape (n_nodes,).
    core_nodes
        Original node of each core index, shape (n_core,).
    indptr, indices, edge_minutes, edge_km
        CSR arrays of the core graph (rows sorted, no parallel edges, no self-loops).
    pass_chain, pass_start, pass_end
        One row per (interior node, direction of travel): the chain id, and the core index of the chain's
        start and end.
    pass_off_minutes, pass_off_km, pass_rest_minutes, pass_rest_km
        Minutes / km from the chain's start to the interior node, and from it to the chain's end.
    node_pass
        For each original node, up to two pass rows (``-1`` where none), shape (n_nodes, 2).
    """
    n_nodes: int
    core_of: np.ndarray
    core_nodes: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    edge_minutes: np.ndarray
    edge_km: np.ndarray
    pass_chain: np.ndarray
    pass_start: np.ndarray
    pass_end: np.ndarray
    pass_off_minutes: np.ndarray
    pass_off_km: np.ndarray
    pass_rest_minutes: np.ndarray
    pass_rest_km: np.ndarray
    node_pass: np.ndarray

    @property
    def n_core(self) -> int:
        """Number of core nodes."""
        return int(self.core_nodes.shape[0])


_CACHE: weakref.WeakKeyDictionary[RoadGraph, Contracted] = weakref.WeakKeyDictionary()


def contract(graph: RoadGraph) -> Contracted:
    """Contract the degree-2 chains of ``graph`` (cached per graph object).

    Parameters
    ----------
    graph
        The road graph; parallel edges are resolved to the fastest, self-loops ignored.

    Returns
    -------
    Contracted
        The core graph plus the position of every interior node on its chain(s).
    """
    cached = _CACHE.get(graph)
    if cached is None:
        cached = _contract(graph)
        _CACHE[graph] = cached
    return cached


def _clean_edges(graph: RoadGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edges sorted by (from, to), self-loops dropped, parallel edges resolved to the fastest."""
    n = graph.n_nodes
    frm = np.repeat(np.arange(n, dtype=np.int64), np.diff(graph.indptr))
    to = np.asarray(graph.indices, dtype=np.int64)
    mins = np.asarray(graph.edge_minutes, dtype=np.float64)
    kms = np.asarray(graph.edge_km, dtype=np.float64)
    keep = frm != to
    frm, to, mins, kms = frm[keep], to[keep], mins[keep], kms[keep]
    key = frm * n + to
    if len(key) < 2 or bool(np.all(key[1:] > key[:-1])):  # already sorted without parallel edges (from_edges)
        return frm, to, mins, kms
    order = np.lexsort((kms, mins, to, frm))
    frm, to, mins, kms = frm[order], to[order], mins[order], kms[order]
    first = np.ones(len(frm), dtype=bool)
    first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
    return frm[first], to[first], mins[first], kms[first]


def _interior_nodes(n: int, frm: np.ndarray, to: np.ndarray) -> np.ndarray:
    """Boolean mask of nodes that pass traffic straight through between exactly two neighbours."""
    outdeg = np.bincount(frm, minlength=n)
    indeg = np.bincount(to, minlength=n)
    # Undirected neighbour count: pairs {u, v} counted once per node.
    lo, hi = np.minimum(frm, to), np.maximum(frm, to)
    pair = np.sort(lo * n + hi)
    pair = pair[np.concatenate([[True], pair[1:] != pair[:-1]])] if len(pair) else pair
    a, b = pair // n, pair % n
    nbrs = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    two_way = (nbrs == 2) & (outdeg == 2) & (indeg == 2)
    one_way = (nbrs == 2) & (outdeg == 1) & (indeg == 1)
    interior = two_way | one_way
    # A two-way node needs in = out = {a, b}: with in/out degree 2 and only two neighbours this holds
    # automatically. A one-way node with in {a} and out {b} has a != b, which nbrs == 2 guarantees.
    # Rings made only of interior nodes would have no core node: keep one per ring.
    sub = interior[frm] & interior[to]
    if sub.any():
        adj = sp.csr_matrix((np.ones(int(sub.sum())), (frm[sub], to[sub])), shape=(n, n))
        _, labels = connected_components(adj, directed=False)
        idx = np.flatnonzero(interior)
        lab = labels[idx]
        touches_core = np.zeros(labels.max() + 1, dtype=bool)
        border = interior[to] & ~interior[frm]
        touches_core[labels[to[border]]] = True
        border = interior[frm] & ~interior[to]
        touches_core[labels[frm[border]]] = True
        ring_labels = np.unique(lab[~touches_core[lab]])
        if len(ring_labels):
            # the smallest node of each ring becomes core
            first_of = np.full(labels.max() + 1, n, dtype=np.int64)
            np.minimum.at(first_of, lab, idx)
            interior[first_of[ring_labels]] = False
    return interior


def _list_rank(nxt: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pointer jumping over linked lists given by ``nxt`` (-1 ends a list).

    Returns the sum of ``weights`` (1-D, or 2-D summed per column) from each element to the end of its list,
    inclusive, and the last element of that list. Only the still-active elements are touched in each of the
    ``log2(longest list)`` rounds.
    """
    total = weights.copy()
    last = np.arange(len(nxt), dtype=np.int64)
    nxt = nxt.copy()
    idx = np.flatnonzero(nxt >= 0)
    last[idx] = nxt[idx]
    while idx.size:
        j = nxt[idx]
        total[idx] += total[j]
        last[idx] = last[j]
        nxt[idx] = nxt[j]
        idx = idx[nxt[idx] >= 0]
    return total, last


def path_sums(nxt: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """As :func:`_list_rank` for 1-D weights, without tracking the last element (the hot path of km sums).

    Works in place on ``nxt`` and ``weights`` (both are scratch arrays of the caller) and returns ``weights``.
    """
    total = weights
    idx = np.flatnonzero(nxt >= 0).astype(nxt.dtype)
    while idx.size:
        j = nxt[idx]
        total[idx] += total[j]
        nj = nxt[j]
        nxt[idx] = nj
        idx = idx[nj >= 0]
    return total


def _contract(graph: RoadGraph) -> Contracted:
    n = graph.n_nodes
    frm, to, mins, kms = _clean_edges(graph)
    interior = _interior_nodes(n, frm, to)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, frm + 1, 1)
    indptr = np.cumsum(indptr)
    n_edges = len(frm)

    # successor edge of each edge whose head is interior: the out-edge of the head that does not turn back
    succ = np.full(n_edges, -1, dtype=np.int64)
    e_in = np.flatnonzero(interior[to])
    v = to[e_in]
    first = indptr[v]
    one_out = (indptr[v + 1] - first) == 1
    cand = np.where(one_out | (to[first] != frm[e_in]), first, first + 1)
    succ[e_in] = cand
    pred = np.full(n_edges, -1, dtype=np.int64)
    pred[succ[e_in]] = e_in

    w = np.column_stack([mins, kms])
    to_end, last = _list_rank(succ, w)  # inclusive sums from an edge to its chain's end
    from_start, first_edge = _list_rank(pred, w)  # inclusive sums from the chain's start to an edge

    core_nodes = np.flatnonzero(~interior)
    core_of = np.full(n, -1, dtype=np.int64)
    core_of[core_nodes] = np.arange(len(core_nodes))

    starts = np.flatnonzero(~interior[frm])  # chains begin at an edge leaving a core node
    c_from = core_of[frm[starts]]
    c_to = core_of[to[last[starts]]]
    c_min, c_km = to_end[starts, 0], to_end[starts, 1]
    keep = c_from != c_to
    c_from, c_to, c_min, c_km = c_from[keep], c_to[keep], c_min[keep], c_km[keep]
    order = np.lexsort((c_km, c_min, c_to, c_from))
    c_from, c_to, c_min, c_km = c_from[order], c_to[order], c_min[order], c_km[order]
    uniq = np.ones(len(c_from), dtype=bool)
    uniq[1:] = (c_from[1:] != c_from[:-1]) | (c_to[1:] != c_to[:-1])
    c_from, c_to, c_min, c_km = c_from[uniq], c_to[uniq], c_min[uniq], c_km[uniq]
    n_core = len(core_nodes)
    c_indptr = np.zeros(n_core + 1, dtype=np.int64)
    np.add.at(c_indptr, c_from + 1, 1)
    c_indptr = np.cumsum(c_indptr)

    # pass records: one per edge entering an interior node
    p_node = to[e_in]
    p_chain = first_edge[e_in]
    p_start = core_of[frm[p_chain]]
    p_end = core_of[to[last[e_in]]]
    p_off = from_start[e_in]
    p_rest = to_end[succ[e_in]]
    node_pass = np.full((n, 2), -1, dtype=np.int64)
    order = np.argsort(p_node, kind="stable")
    sorted_nodes = p_node[order]
    is_second = np.zeros(len(order), dtype=bool)
    is_second[1:] = sorted_nodes[1:] == sorted_nodes[:-1]
    node_pass[sorted_nodes[~is_second], 0] = order[~is_second]
    node_pass[sorted_nodes[is_second], 1] = order[is_second]
    return Contracted(
        n_nodes=n,
        core_of=core_of,
        core_nodes=core_nodes,
        indptr=c_indptr,
        indices=c_to.astype(np.int32),
        edge_minutes=c_min,
        edge_km=c_km,
        pass_chain=p_chain,
        pass_start=p_start,
        pass_end=p_end,
        pass_off_minutes=p_off[:, 0].copy(),
        pass_off_km=p_off[:, 1].copy(),
        pass_rest_minutes=p_rest[:, 0].copy(),
        pass_rest_km=p_rest[:, 1].copy(),
        node_pass=node_pass,
    )


def starts(
    con: Contracted, nodes: np.ndarray, backward: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each search starts on the core graph: ``(ptr, core node, minutes, km)``.

    A core node starts at itself. An interior node starts at the end(s) of its chain(s) after the rest of
    the chain (forward), or — searching the reversed graph — at the chain start(s) after the offset.
    """
    b = len(nodes)
    c = con.core_of[nodes]
    core = c >= 0
    node = np.full((b, 2), -1, dtype=np.int64)
    mins = np.zeros((b, 2))
    kms = np.zeros((b, 2))
    node[core, 0] = c[core]
    anchor, add_min, add_km = _chain_side(con, not backward)
    for col in range(2):
        p = con.node_pass[nodes, col]
        ok = ~core & (p >= 0)
        node[ok, col] = anchor[p[ok]]
        mins[ok, col] = add_min[p[ok]]
        kms[ok, col] = add_km[p[ok]]
    keep = node >= 0
    ptr = np.concatenate([[0], np.cumsum(keep.sum(axis=1))]).astype(np.int64)
    return ptr, node[keep], mins[keep], kms[keep]


def _chain_side(con: Contracted, to_end: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(core anchor, minutes, km) of every pass row: the chain's end and the rest of the way (``to_end``),
    else the chain's start and the offset from it."""
    if to_end:
        return con.pass_end, con.pass_rest_minutes, con.pass_rest_km
    return con.pass_start, con.pass_off_minutes, con.pass_off_km


def columns(con: Contracted, nodes: np.ndarray, backward: bool) -> np.ndarray:
    """Core nodes whose values give the reported nodes' values: core nodes themselves, and the chain
    starts (forward) or ends (backward) of interior ones; sorted, unique."""
    c = con.core_of[nodes]
    if c.min(initial=0) >= 0:  # all core (``nodes`` sorted and distinct, so are their core numbers)
        return c
    anchor = _chain_side(con, backward)[0]
    parts = [c[c >= 0]]
    inner = nodes[c < 0]
    for col in range(2):
        p = con.node_pass[inner, col]
        parts.append(anchor[p[p >= 0]])
    return np.unique(np.concatenate(parts)).astype(np.int64)


def readout(
    con: Contracted,
    values: tuple[np.ndarray, np.ndarray],
    core_cols: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    backward: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and km from each search start ``rows`` to each reported node ``cols`` (original nodes).

    ``values`` are (minutes, km) of shape (len(rows), len(core_cols)) at the core nodes ``core_cols`` (from
    :func:`columns`). Interior reported nodes add their chain offset (forward) or rest (backward); a start
    and a reported node on the same chain, in the direction of travel, also get the direct way.
    """
    v_min, v_km = values
    c = con.core_of[cols]
    all_core = c.min(initial=0) >= 0 and con.core_of[rows].min(initial=0) >= 0
    if all_core and np.array_equal(c, core_cols):  # the values themselves
        return v_min, v_km
    pos = np.full(con.n_core, -1, dtype=np.int64)
    pos[core_cols] = np.arange(len(core_cols))
    out_min = np.full((len(rows), len(cols)), np.inf)
    out_km = np.full_like(out_min, np.inf)
    is_core = c >= 0
    out_min[:, is_core] = v_min[:, pos[c[is_core]]]
    out_km[:, is_core] = v_km[:, pos[c[is_core]]]
    inner = np.flatnonzero(~is_core)
    anchor, add_min, add_km = _chain_side(con, backward)
    for col in range(2):
        p = con.node_pass[cols[inner], col]
        ok = p >= 0
        at, pp = inner[ok], p[ok]
        cand_min = v_min[:, pos[anchor[pp]]] + add_min[pp]
        better = cand_min < out_min[:, at]
        out_min[:, at] = np.where(better, cand_min, out_min[:, at])
        out_km[:, at] = np.where(better, v_km[:, pos[anchor[pp]]] + add_km[pp], out_km[:, at])
    r_inner = np.flatnonzero(con.core_of[rows] < 0)
    if len(r_inner) and len(inner):
        _same_chain(con, rows[r_inner], cols[inner], backward, out_min, out_km, np.ix_(r_inner, inner))
    return out_min, out_km


def _same_chain(
    con: Contracted,
    rows: np.ndarray,
    cols: np.ndarray,
    backward: bool,
    out_min: np.ndarray,
    out_km: np.ndarray,
    where: tuple[np.ndarray, ...],
) -> None:
    """Direct travel along one chain between interior starts ``rows`` and interior reported nodes ``cols``
    (downstream of the source), written into ``out_min``/``out_km`` at ``where`` when faster."""
    for cr in range(2):
        pr = con.node_pass[rows, cr]
        for cc in range(2):
            pc = con.node_pass[cols, cc]
            ps, pt = (pc[None, :], pr[:, None]) if backward else (pr[:, None], pc[None, :])
            valid = (ps >= 0) & (pt >= 0)
            same = valid & (con.pass_chain[ps] == con.pass_chain[pt])
            d_min = con.pass_off_minutes[pt] - con.pass_off_minutes[ps]
            d_km = con.pass_off_km[pt] - con.pass_off_km[ps]
            cur = out_min[where]
            better = same & (d_min >= 0) & (d_min < cur)
            if better.any():
                out_min[where] = np.where(better, d_min, cur)
                out_km[where] = np.where(better, d_km, out_km[where])
