"""Many-to-many shortest travel times on a :class:`geo._roads.graph.RoadGraph`, fast enough for 1,300 × 1,300.

How it works
------------
1. **Chain contraction** (done once per graph, cached): a node whose only neighbours are two other nodes
   and that passes traffic straight through (two-way: in = out = {a, b}; one-way: in = {a}, out = {b}) is
   an *interior* node of a chain. Every chain between two *core* nodes becomes one core edge carrying the
   chain's total minutes and km, as osmnx's simplification does. Each interior node keeps, per direction
   of travel through it, its chain, its offset (minutes, km) from the chain's start and the remainder to
   the chain's end, so a point snapped onto a degree-2 node is still routed exactly. Rings made only of
   degree-2 nodes keep one node as core.
2. **Dijkstra on the core graph** with ``scipy.sparse.csgraph.dijkstra`` in batches of sources. A source
   that is an interior node enters through a virtual node joined to the ends of its chain(s); a target
   that is an interior node is reached from the start of its chain(s); source and target on the same
   chain, target downstream, also get the direct offset difference.
3. **Path length (km)** of each fastest path is summed along the predecessor tree by pointer jumping
   (vectorised, ``log2(depth)`` passes), not by a Python loop.
4. When there are far fewer targets than sources, the search runs from the targets on the reversed graph.
5. Optional ``limit_minutes`` bounds every search (scipy's ``limit``): pairs beyond it are ``inf``.
   Optional ``workers > 1`` splits the sources over forked processes.
6. **Hierarchy** for large core graphs (≥ ``_HIERARCHY_MIN_CORE`` nodes — already-simplified OSM graphs,
   where step 1 has nothing to contract): built once per graph (cached) by the first query with at least
   ``_HIERARCHY_MIN_SOURCES`` distinct sources, see :mod:`geo._roads.ch`. Each query then runs an upward
   search
   from every source and a downward sweep restricted to the targets' ancestors (RPHAST) instead of a full
   Dijkstra. Kernel: compiled with numba when it is installed (km carried along the search), else scipy's
   Dijkstra on the upward graph + the numpy sweep; ``$XUNZHEN_SHORTEST_BACKEND`` = ``auto`` (default) |
   ``numba`` (``OptionalDependencyError`` without numba) | ``scipy``.

The values are exactly those of a plain Dijkstra on the original graph (up to float rounding, ≤ 1e-9 minutes
in tests); ``tests/test_shortest.py`` checks this against networkx and ``bench/matrix.py`` measures the
speed.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import weakref
from typing import Any

import numpy as np
from scipy.sparse.csgraph import dijkstra

from geo._errors import InputValidationError, OptionalDependencyError
from geo._roads.ch import (
    Hierarchy,
    SweepPlan,
    build_hierarchy,
    numba_available,
    query_compiled,
    sweep,
    sweep_plan,
)
from geo._roads.chains import Contracted, contract
from geo._roads.graph import RoadGraph
from geo._roads.plain import augmented, tree_km

__all__ = [
    "BACKEND_ENV", "adopt_hierarchy_state", "contract", "hierarchy", "hierarchy_state", "many_to_many",
    "reachable_within", "reverse",
]
logger = logging.getLogger(__name__)

#: Upper bound on (sources in a batch) × (nodes of the core graph), to keep each batch's arrays ≈ 100 MB.
_BATCH_CELLS = 4_000_000


_HIERARCHIES: weakref.WeakKeyDictionary[Contracted, Hierarchy] = weakref.WeakKeyDictionary()
#: Core graphs with fewer nodes than this are searched with plain Dijkstra (the hierarchy does not pay).
_HIERARCHY_MIN_CORE = 5_000
#: The hierarchy is built (once per graph) for the first query with at least this many distinct sources.
_HIERARCHY_MIN_SOURCES = 16


#: Environment variable choosing the query kernel: "auto" (compiled if numba is installed), "numba", "scipy".
BACKEND_ENV = "XUNZHEN_SHORTEST_BACKEND"


def _backend_choice() -> str:
    """The kernel asked for in :data:`BACKEND_ENV` ("auto" when unset).

    Raises ``InputValidationError`` on an unknown value and ``OptionalDependencyError`` when "numba" is
    asked for but cannot be imported.
    """
    choice = os.environ.get(BACKEND_ENV, "auto").strip().lower() or "auto"
    if choice not in {"auto", "numba", "scipy"}:
        msg = f"{BACKEND_ENV}={choice!r}: use auto, numba or scipy."
        raise InputValidationError(msg)
    if choice == "numba" and not numba_available():
        msg = (
            f"{BACKEND_ENV}=numba asks for the compiled shortest-path kernel, but numba cannot be imported: "
            "pip install numba==0.68.1 (or unset the variable to use scipy)."
        )
        raise OptionalDependencyError(msg)
    return choice


def _use_compiled() -> bool:
    """Whether to run the compiled kernel (see :data:`BACKEND_ENV`): numba if installed, unless "scipy"."""
    choice = _backend_choice()
    return choice == "numba" or (choice == "auto" and numba_available())


def hierarchy(con: Contracted) -> Hierarchy:
    """The node-elimination hierarchy of a contracted graph's core (:mod:`geo._roads.ch`), cached."""
    h = _HIERARCHIES.get(con)
    if h is None:
        frm = np.repeat(np.arange(con.n_core, dtype=np.int64), np.diff(con.indptr))
        h = build_hierarchy(
            con.n_core, frm, con.indices, con.edge_minutes, con.edge_km, compiled=_use_compiled()
        )
        _HIERARCHIES[con] = h
    return h


#: Hierarchies read from a cache, waiting for the first query on their graph (checked against its core then).
_PRELOADED: weakref.WeakKeyDictionary[RoadGraph, tuple[Hierarchy, str]] = weakref.WeakKeyDictionary()
#: ... and those of the reversed graph, keyed by the forward graph until :func:`reverse` creates it.
_PRELOADED_REV: weakref.WeakKeyDictionary[RoadGraph, tuple[Hierarchy, str]] = weakref.WeakKeyDictionary()
_STATE_FORMAT = 1


def _core_fingerprint(con: Contracted) -> str:
    """A hash of the core graph a hierarchy is built on."""
    h = hashlib.sha256(str(con.n_core).encode())
    for arr in (con.indptr, con.indices, con.edge_minutes, con.edge_km):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def hierarchy_state(graph: RoadGraph) -> dict[str, np.ndarray]:
    """The hierarchies of ``graph`` and of its reverse as named arrays (built if needed), for a cache file.

    Empty when the core graph is below ``_HIERARCHY_MIN_CORE`` nodes (queries never use a hierarchy there).
    Each direction carries the hash of its core graph; :func:`adopt_hierarchy_state` checks it.
    """
    out: dict[str, np.ndarray] = {}
    for prefix, g in (("fwd_", graph), ("rev_", reverse(graph))):
        con = contract(g)
        if con.n_core < _HIERARCHY_MIN_CORE:
            return {}
        out |= {prefix + k: v for k, v in hierarchy(con).to_arrays().items()}
        out[prefix + "core"] = np.array(_core_fingerprint(con))
    out["format"] = np.array(_STATE_FORMAT)
    return out


def adopt_hierarchy_state(graph: RoadGraph, arrays: Any) -> None:
    """Use hierarchies from :func:`hierarchy_state` for ``graph`` instead of building them.

    They are checked against the core graph at the first query that needs them (a mismatch is logged and the
    hierarchy rebuilt). Raises ``ValueError`` when the arrays are incomplete or inconsistent.
    """
    if int(np.asarray(arrays["format"])) != _STATE_FORMAT:
        msg = f"hierarchy format {arrays['format']!r}, expected {_STATE_FORMAT}"
        raise ValueError(msg)
    pending = []
    for prefix in ("fwd_", "rev_"):
        sub = {k[len(prefix):]: arrays[k] for k in arrays if k.startswith(prefix)}
        h = Hierarchy.from_arrays(sub)
        pending.append((h, str(np.asarray(sub["core"]))))
    _PRELOADED[graph] = pending[0]
    _PRELOADED_REV[graph] = pending[1]


def _adopt_preloaded(graph: RoadGraph, con: Contracted) -> None:
    """Install the cached hierarchy of ``graph`` for ``con`` if it was built on exactly this core graph."""
    entry = _PRELOADED.pop(graph, None)
    if entry is None or con in _HIERARCHIES:
        return
    h, core = entry
    if h.n == con.n_core and core == _core_fingerprint(con):
        _HIERARCHIES[con] = h
    else:
        logger.warning("Cached shortest-path hierarchy does not match the road graph; rebuilding it.")


_REVERSED: weakref.WeakKeyDictionary[RoadGraph, RoadGraph] = weakref.WeakKeyDictionary()


def reverse(graph: RoadGraph) -> RoadGraph:
    """The graph with every edge reversed (same nodes, minutes, km), cached per graph object.

    Shortest times *to* a few targets are shortest times *from* them on the reversed graph.
    """
    rev = _REVERSED.get(graph)
    if rev is None:
        frm = np.repeat(np.arange(graph.n_nodes, dtype=np.int64), np.diff(graph.indptr))
        rev = RoadGraph.from_edges(
            graph.node_lon, graph.node_lat, np.asarray(graph.indices, np.int64), frm,
            graph.edge_minutes, graph.edge_km, graph.node_osm_id,
        )
        _REVERSED[graph] = rev
    pending = _PRELOADED_REV.pop(graph, None)
    if pending is not None:
        _PRELOADED[rev] = pending
    return rev


def _check_nodes(nodes: np.ndarray, n: int, what: str) -> np.ndarray:
    arr = np.asarray(nodes)
    if arr.ndim != 1:
        msg = f"{what} must be a 1-D array of node indices, got shape {arr.shape!r}."
        raise InputValidationError(msg)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        msg = f"{what} must be integer node indices, got dtype {arr.dtype!s}."
        raise InputValidationError(msg)
    arr = arr.astype(np.int64)
    bad = (arr < 0) | (arr >= n)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        msg = f"{what}[{k}] = {int(arr[k])} is not a node of the graph (0..{n - 1})."
        raise InputValidationError(msg)
    return arr


def many_to_many(
    graph: RoadGraph,
    source_nodes: np.ndarray,
    target_nodes: np.ndarray,
    *,
    limit_minutes: float | None = None,
    workers: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Fastest-path travel time (minutes) and that path's length (km) from each source to each target node.

    Parameters
    ----------
    graph
        The road graph (edge minutes and km).
    source_nodes, target_nodes
        Node indices (0 .. n-1), any order, repeats allowed.
    limit_minutes
        If given, searches stop at this many minutes and pairs beyond it are ``inf``.
    workers
        Processes to spread the sources over (forked; 1 = in this process).

    Returns
    -------
    minutes, km
        Float arrays of shape (len(source_nodes), len(target_nodes)); unreachable pairs are ``inf`` in both.

    Raises
    ------
    InputValidationError
        If a node index is outside the graph or ``limit_minutes`` is not positive.
    """
    _backend_choice()
    src = _check_nodes(source_nodes, graph.n_nodes, "source_nodes")
    tgt = _check_nodes(target_nodes, graph.n_nodes, "target_nodes")
    if limit_minutes is not None and not (float(limit_minutes) > 0):
        msg = f"limit_minutes must be a positive number of minutes, got {limit_minutes!r}."
        raise InputValidationError(msg)
    minutes = np.full((len(src), len(tgt)), np.inf)
    km = np.full_like(minutes, np.inf)
    if len(src) == 0 or len(tgt) == 0:
        return minutes, km
    uniq, inverse = np.unique(src, return_inverse=True)
    n_targets = len(np.unique(tgt))
    if n_targets * 2 < len(uniq):  # fewer searches from the targets on the reversed graph
        rev_min, rev_km = many_to_many(
            reverse(graph), tgt, src, limit_minutes=limit_minutes, workers=workers
        )
        return rev_min.T.copy(), rev_km.T.copy()
    con = contract(graph)
    _adopt_preloaded(graph, con)
    limit = np.inf if limit_minutes is None else float(limit_minutes)
    workers = max(1, min(int(workers), len(uniq), os.cpu_count() or 1))
    batch = max(1, min(256, _BATCH_CELLS // max(con.n_core, 1)))
    hier = None
    if con.n_core >= _HIERARCHY_MIN_CORE and (con in _HIERARCHIES or len(uniq) >= _HIERARCHY_MIN_SOURCES):
        h = hierarchy(con)
        cols = _target_columns(con, tgt)
        compiled = _use_compiled()
        hier = (h, sweep_plan(h, cols, segments=not compiled), cols if compiled else None)
        if hier[2] is not None:  # the compiled kernel keeps only (batch, targets) arrays
            batch = 256
    if workers > 1:
        batch = max(1, min(batch, -(-len(uniq) // workers)))
    chunks = [uniq[i : i + batch] for i in range(0, len(uniq), batch)]
    if workers > 1 and len(chunks) > 1:
        results = _run_forked(con, chunks, tgt, limit, workers, hier)
    else:
        results = [_solve_batch(con, chunk, tgt, limit, hier) for chunk in chunks]
    m_u = np.vstack([r[0] for r in results])
    k_u = np.vstack([r[1] for r in results])
    minutes[:] = m_u[inverse]
    km[:] = k_u[inverse]
    return minutes, km


_FORK_STATE: dict[str, object] = {}


def _forked_batch(args: tuple[np.ndarray, np.ndarray, float]) -> tuple[np.ndarray, np.ndarray]:
    chunk, tgt, limit = args
    con = _FORK_STATE["con"]
    assert isinstance(con, Contracted)
    return _solve_batch(con, chunk, tgt, limit, _FORK_STATE["hier"])  # type: ignore[arg-type]


def _run_forked(
    con: Contracted,
    chunks: list[np.ndarray],
    tgt: np.ndarray,
    limit: float,
    workers: int,
    hier: tuple[Hierarchy, SweepPlan, np.ndarray | None] | None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Solve the batches in forked worker processes (the contracted graph is inherited, not pickled)."""
    _FORK_STATE["con"] = con
    _FORK_STATE["hier"] = hier
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            return pool.map(_forked_batch, [(c, tgt, limit) for c in chunks], chunksize=1)
    finally:
        _FORK_STATE.clear()


def _target_columns(con: Contracted, targets: np.ndarray) -> np.ndarray:
    """Core nodes whose times the targets are read from: core targets and chain starts of interior ones."""
    t_core = con.core_of[targets]
    cols = [t_core[t_core >= 0]]
    inner = targets[t_core < 0]
    for col in range(2):
        p = con.node_pass[inner, col]
        cols.append(con.pass_start[p[p >= 0]])
    return np.unique(np.concatenate(cols))


def _solve_batch(
    con: Contracted,
    sources: np.ndarray,
    targets: np.ndarray,
    limit: float,
    hier: tuple[Hierarchy, SweepPlan, np.ndarray | None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and km from a batch of distinct sources to all targets (original node indices)."""
    if hier is not None and hier[2] is not None:  # compiled upward search + sweep, at the target columns
        h, plan, cols = hier[0], hier[1], hier[2]
        st_ptr, st_node, st_min, st_km = _starts(con, sources)
        dist, tkm = query_compiled(h, plan, st_ptr, st_node, st_min, st_km, cols, limit)
        pos = np.full(con.n_core, -1, dtype=np.int64)
        pos[cols] = np.arange(len(cols))
    else:
        if hier is None:
            csr, edge_km, start = augmented(con, sources)
        else:
            h = hier[0]
            csr, edge_km, start = augmented(
                con, sources, (h.up_indptr, h.up_indices, h.up_minutes, h.up_km)
            )
        dist, pred = dijkstra(csr, directed=True, indices=start, return_predecessors=True, limit=limit)
        tkm = tree_km(csr, edge_km, pred)
        tkm[~np.isfinite(dist)] = np.inf
        if hier is not None:  # exact times at the target columns by the downward sweep
            plan = hier[1]
            d_sw, k_sw = sweep(plan, dist, tkm)
            dist[:, plan.nodes] = d_sw.T
            tkm[:, plan.nodes] = k_sw.T
        pos = np.arange(con.n_core, dtype=np.int64)
    b = len(sources)
    out_min = np.full((b, len(targets)), np.inf)
    out_km = np.full_like(out_min, np.inf)
    t_core = con.core_of[targets]
    is_core = t_core >= 0
    out_min[:, is_core] = dist[:, pos[t_core[is_core]]]
    out_km[:, is_core] = tkm[:, pos[t_core[is_core]]]
    inner_t = np.flatnonzero(~is_core)
    if len(inner_t):
        for col in range(2):
            p = con.node_pass[targets[inner_t], col]
            ok = p >= 0
            cols, pp = inner_t[ok], p[ok]
            cand_min = dist[:, pos[con.pass_start[pp]]] + con.pass_off_minutes[pp]
            cand_km = tkm[:, pos[con.pass_start[pp]]] + con.pass_off_km[pp]
            better = cand_min < out_min[:, cols]
            out_min[:, cols] = np.where(better, cand_min, out_min[:, cols])
            out_km[:, cols] = np.where(better, cand_km, out_km[:, cols])
        # source and target on the same chain, target downstream of the source
        s_inner = con.core_of[sources] < 0
        if s_inner.any():
            rows = np.flatnonzero(s_inner)
            for cs in range(2):
                ps = con.node_pass[sources[rows], cs]
                for ct in range(2):
                    pt = con.node_pass[targets[inner_t], ct]
                    valid = (ps[:, None] >= 0) & (pt[None, :] >= 0)
                    same = valid & (con.pass_chain[ps][:, None] == con.pass_chain[pt][None, :])
                    d_min = con.pass_off_minutes[pt][None, :] - con.pass_off_minutes[ps][:, None]
                    d_km = con.pass_off_km[pt][None, :] - con.pass_off_km[ps][:, None]
                    same &= d_min >= 0
                    cur = out_min[np.ix_(rows, inner_t)]
                    better = same & (d_min < cur)
                    if better.any():
                        out_min[np.ix_(rows, inner_t)] = np.where(better, d_min, cur)
                        cur_km = out_km[np.ix_(rows, inner_t)]
                        out_km[np.ix_(rows, inner_t)] = np.where(better, d_km, cur_km)
    # sources sitting on a target (distance 0) are covered above; drop results past the limit
    if np.isfinite(limit):
        beyond = out_min > limit
        out_min[beyond] = np.inf
        out_km[beyond] = np.inf
    return out_min, out_km


def _starts(con: Contracted, sources: np.ndarray) -> tuple[np.ndarray, ...]:
    """Where each source enters the core, as :func:`_augmented` does: (ptr, core node, minutes, km).

    A core source starts at itself; an interior source at the end(s) of its chain(s), after the rest of
    the chain.
    """
    b = len(sources)
    c = con.core_of[sources]
    core = c >= 0
    node = np.full((b, 2), -1, dtype=np.int64)
    mins = np.zeros((b, 2))
    kms = np.zeros((b, 2))
    node[core, 0] = c[core]
    for col in range(2):
        p = con.node_pass[sources, col]
        ok = ~core & (p >= 0)
        node[ok, col] = con.pass_end[p[ok]]
        mins[ok, col] = con.pass_rest_minutes[p[ok]]
        kms[ok, col] = con.pass_rest_km[p[ok]]
    keep = node >= 0
    ptr = np.concatenate([[0], np.cumsum(keep.sum(axis=1))]).astype(np.int64)
    return ptr, node[keep], mins[keep], kms[keep]


def reachable_within(
    graph: RoadGraph, source_node: int, limit_minutes: float
) -> tuple[np.ndarray, np.ndarray]:
    """Original nodes reachable from one node within ``limit_minutes``, with their minutes.

    Parameters
    ----------
    graph
        The road graph.
    source_node
        Node index of the start.
    limit_minutes
        Time budget (minutes), > 0.

    Returns
    -------
    nodes, minutes
        Indices of the reachable original nodes (interior chain nodes included) and their travel time
        (minutes).

    Raises
    ------
    InputValidationError
        If the node is outside the graph or the budget is not positive.
    """
    all_nodes = np.arange(graph.n_nodes, dtype=np.int64)
    src = _check_nodes(np.array([source_node]), graph.n_nodes, "source_node")
    if not (float(limit_minutes) > 0):
        msg = f"limit_minutes must be a positive number of minutes, got {limit_minutes!r}."
        raise InputValidationError(msg)
    con = contract(graph)
    csr, _, start = augmented(con, src)
    dist = dijkstra(csr, directed=True, indices=start, limit=float(limit_minutes))[0]
    minutes = np.full(graph.n_nodes, np.inf)
    minutes[con.core_nodes] = dist[: con.n_core]
    for col in range(2):
        p = con.node_pass[:, col]
        ok = np.flatnonzero(p >= 0)
        cand = dist[con.pass_start[p[ok]]] + con.pass_off_minutes[p[ok]]
        minutes[ok] = np.minimum(minutes[ok], cand)
    if con.core_of[src[0]] < 0:
        direct, _ = many_to_many(graph, src, all_nodes[con.core_of < 0], limit_minutes=limit_minutes)
        inner = all_nodes[con.core_of < 0]
        minutes[inner] = np.minimum(minutes[inner], direct[0])
    minutes[src[0]] = 0.0
    keep = np.flatnonzero(minutes <= float(limit_minutes))
    return keep, minutes[keep]
