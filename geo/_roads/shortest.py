"""Many-to-many shortest travel times (minutes) and the km of those paths on a road graph.

How a query runs
----------------
1. **Chains** (:mod:`geo._roads.chains`, once per graph, cached): degree-2 chains become single core edges;
   a source on a chain enters the core at the chain's end(s), a target on a chain is read at its start(s).
2. **Direction**: with far fewer distinct targets than sources, the search runs from the targets on the
   reversed graph (the same hierarchy serves both directions).
3. **Engine**, chosen per query by measured costs (see :func:`_choose`):

   * the **contraction hierarchy** (:mod:`geo._roads.ch`) when the graph has one (built earlier, or read
     with the cached network) — upward search + restricted downward sweep, compiled;
   * otherwise a **compiled plain Dijkstra** per source (km carried along, stops once every target is
     settled), unless this query — or the plain queries already run on this graph — cost more than
     building the hierarchy would: then the hierarchy is built (once per graph) and used;
   * without numba (or ``$XUNZHEN_SHORTEST_BACKEND=scipy``, or after compiled code failed) scipy's
     Dijkstra with predecessors, km summed along the trees (:mod:`geo._roads.plain`).

The values are exactly those of a plain Dijkstra on the original graph (up to float rounding, ≤ 1e-9 minutes
in tests); ``tests/geo/test_shortest.py`` checks this against networkx and ``bench/matrix.py`` measures the
speed against scipy, igraph and networkx.
"""

from __future__ import annotations

import hashlib
import logging
import time
import weakref
from collections.abc import Mapping

import numpy as np
from scipy.sparse.csgraph import dijkstra

from geo._errors import InputValidationError, XunzhenError
from geo._roads import jit
from geo._roads.ch import Hierarchy, build_hierarchy, hierarchy_many_to_many
from geo._roads.chains import Contracted, columns, contract, readout, starts
from geo._roads.graph import RoadGraph
from geo._roads.jit import BACKEND_ENV, Kernels
from geo._roads.plain import augmented, core_arrays, scipy_values

__all__ = [
    "BACKEND_ENV", "adopt_hierarchy_state", "contract", "has_hierarchy", "hierarchy", "hierarchy_state",
    "many_to_many", "prepare_kernels", "reachable_within",
]
logger = logging.getLogger(__name__)

#: Measured on this kind of machine by ``bench/matrix.py --crossover`` (one core, no other load):
#: seconds per core node of one compiled plain Dijkstra search (the cost model's unit) ...
PLAIN_S_PER_NODE = 1.5e-7
#: ... and seconds per core node to build the hierarchy.
BUILD_S_PER_NODE = 2.0e-5

_HIERARCHIES: weakref.WeakKeyDictionary[Contracted, Hierarchy] = weakref.WeakKeyDictionary()
#: Seconds already spent on plain searches per graph, and the measured seconds per search.
_PLAIN_SPENT: weakref.WeakKeyDictionary[Contracted, list[float]] = weakref.WeakKeyDictionary()
#: Hierarchies read from a cache, waiting for the first query on their graph (checked against its core then).
_PRELOADED: weakref.WeakKeyDictionary[RoadGraph, tuple[Hierarchy, str]] = weakref.WeakKeyDictionary()
_STATE_FORMAT = 3
#: Kernels already run in this process.
_WARM: set[str] = set()


def _core_fingerprint(con: Contracted) -> str:
    """A hash of the core graph a hierarchy is built on."""
    h = hashlib.sha256(str(con.n_core).encode())
    for arr in (con.indptr, con.indices, con.edge_minutes, con.edge_km):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def hierarchy(con: Contracted, kernels: Kernels | None = None) -> Hierarchy | None:
    """The contraction hierarchy of a contracted graph's core, built now if needed (cached); None without
    compiled kernels."""
    h = _HIERARCHIES.get(con)
    if h is None:
        kernels = kernels or jit.kernels()
        if kernels is None:
            return None
        t0 = time.perf_counter()
        try:
            h = build_hierarchy(con.n_core, con.indptr, con.indices, con.edge_minutes, con.edge_km, kernels)
        except Exception as err:  # compiled code failed (e.g. a damaged kernel cache): no hierarchy
            jit.disable(err)
            return None
        logger.info("Hierarchy of %d nodes built in %.1f s.", con.n_core, time.perf_counter() - t0)
        _first_use("build")
        _HIERARCHIES[con] = h
    return h


def has_hierarchy(graph: RoadGraph) -> bool:
    """Whether ``graph``'s hierarchy is built (or adopted) in this process."""
    return contract(graph) in _HIERARCHIES


def hierarchy_state(graph: RoadGraph) -> dict[str, np.ndarray]:
    """The hierarchy of ``graph`` as named arrays (built if needed), for a cache file; empty without numba.

    Carries the hash of the core graph; :func:`adopt_hierarchy_state` checks it.
    """
    con = contract(graph)
    h = hierarchy(con)
    if h is None:
        return {}
    out = dict(h.to_arrays())
    out["core"] = np.array(_core_fingerprint(con))
    out["format"] = np.array(_STATE_FORMAT)
    return out


def adopt_hierarchy_state(graph: RoadGraph, arrays: Mapping[str, np.ndarray]) -> None:
    """Use a hierarchy from :func:`hierarchy_state` for ``graph`` instead of building it.

    It is checked against the core graph at the first query (a mismatch is logged and the hierarchy
    rebuilt when worth it).

    Raises
    ------
    ValueError
        When the arrays are incomplete, of another format or inconsistent.
    """
    try:
        fmt = int(np.asarray(arrays["format"]))
        core = str(np.asarray(arrays["core"]))
    except (KeyError, TypeError, ValueError) as err:
        msg = f"hierarchy format or core hash missing ({err})"
        raise ValueError(msg) from err
    if fmt != _STATE_FORMAT:
        msg = f"hierarchy format {fmt}, expected {_STATE_FORMAT}"
        raise ValueError(msg)
    _PRELOADED[graph] = (Hierarchy.from_arrays(arrays), core)


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
        Threads to spread the sources over (1 = this thread).

    Returns
    -------
    minutes, km
        Float arrays of shape (len(source_nodes), len(target_nodes)); unreachable pairs are ``inf`` in both.

    Raises
    ------
    InputValidationError
        If a node index is outside the graph or ``limit_minutes`` is not positive.
    """
    kernels = jit.kernels()
    src = _check_nodes(source_nodes, graph.n_nodes, "source_nodes")
    tgt = _check_nodes(target_nodes, graph.n_nodes, "target_nodes")
    if limit_minutes is not None and not (float(limit_minutes) > 0):
        msg = f"limit_minutes must be a positive number of minutes, got {limit_minutes!r}."
        raise InputValidationError(msg)
    if len(src) == 0 or len(tgt) == 0:
        return np.full((len(src), len(tgt)), np.inf), np.full((len(src), len(tgt)), np.inf)
    limit = np.inf if limit_minutes is None else float(limit_minutes)
    u_src, inv_src = np.unique(src, return_inverse=True)
    u_tgt, inv_tgt = np.unique(tgt, return_inverse=True)
    backward = len(u_tgt) * 2 < len(u_src)
    rows, cols = (u_tgt, u_src) if backward else (u_src, u_tgt)
    con = contract(graph)
    _adopt_preloaded(graph, con)
    workers = max(1, int(workers))
    m, k = _solve(con, kernels, rows, cols, limit, backward, workers)
    if backward:
        m, k = m.T, k.T
    if np.isfinite(limit):
        beyond = m > limit
        m[beyond] = np.inf
        k[beyond] = np.inf
    return m[np.ix_(inv_src, inv_tgt)], k[np.ix_(inv_src, inv_tgt)]


def _solve(
    con: Contracted, kernels: Kernels | None, rows: np.ndarray, cols: np.ndarray, limit: float,
    backward: bool, workers: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and km from the distinct search starts ``rows`` to the distinct nodes ``cols``."""
    st = starts(con, rows, backward)
    core_cols = columns(con, cols, backward)
    values = None
    if kernels is not None:
        try:
            values = _compiled_values(con, kernels, st, core_cols, limit, backward, workers)
        except XunzhenError:
            raise
        except Exception as err:  # compiled code failed (e.g. a damaged kernel cache): scipy from now on
            jit.disable(err)
    if values is None:
        values = scipy_values(con, st, core_cols, limit, backward)
    return readout(con, values, core_cols, rows, cols, backward)


def _choose(con: Contracted, kernels: Kernels, n_searches: int) -> Hierarchy | None:
    """The hierarchy if the graph has one or building it now pays (cost model below), else None.

    Plain searches cost ``n_searches`` × (seconds per search measured on this graph, or
    :data:`PLAIN_S_PER_NODE` × core nodes before any); the hierarchy is built when this query's plain cost,
    or the plain time already spent on the graph, reaches its estimated build time
    (:data:`BUILD_S_PER_NODE` × core nodes) — never more than about twice the cheaper choice in total.
    """
    if con in _HIERARCHIES:
        return _HIERARCHIES[con]
    spent, per_search = _PLAIN_SPENT.get(con, [0.0, PLAIN_S_PER_NODE * con.n_core])
    build = BUILD_S_PER_NODE * con.n_core
    if n_searches * per_search >= build or spent >= build:
        return hierarchy(con, kernels)
    return None


def _compiled_values(
    con: Contracted, kernels: Kernels, st: tuple[np.ndarray, ...], core_cols: np.ndarray, limit: float,
    backward: bool, workers: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Values at ``core_cols`` with the compiled kernels: through the hierarchy or plain Dijkstra."""
    b = len(st[0]) - 1
    h = _choose(con, kernels, b)
    if h is not None:
        st4 = (st[0], st[1], st[2], st[3])
        out = hierarchy_many_to_many(h, kernels, st4, core_cols, limit, backward=backward, workers=workers)
        _first_use("query")
        return out
    t0 = time.perf_counter()
    indptr, indices, mins, kms = core_arrays(con, backward)
    col_of = np.full(con.n_core, -1, dtype=np.int64)
    col_of[core_cols] = np.arange(len(core_cols))
    out_min = np.empty((b, len(core_cols)))
    out_km = np.empty((b, len(core_cols)))
    kernels.query.dijkstra_many(
        indptr, indices, mins, kms, st[0], st[1], st[2], st[3], col_of, len(core_cols),
        limit, out_min, out_km,
    )
    if "plain" in _WARM:  # a process's first call loads (or compiles) the kernel: not a search cost
        spent = _PLAIN_SPENT.setdefault(con, [0.0, PLAIN_S_PER_NODE * con.n_core])
        elapsed = time.perf_counter() - t0
        spent[0] += elapsed
        spent[1] = elapsed / max(b, 1)
    _first_use("plain")
    return out_min, out_km


def _first_use(kernel: str) -> None:
    """After a kernel's first run in this process (loaded or compiled): record its cache files' hashes."""
    if kernel not in _WARM:
        _WARM.add(kernel)
        jit.seal()


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
    csr, _, start = augmented(core_arrays(con, False), starts(con, src, False))
    dist = dijkstra(csr, directed=True, indices=start, limit=float(limit_minutes))[0]
    minutes = np.full(graph.n_nodes, np.inf)
    minutes[con.core_nodes] = dist[: con.n_core]
    for col in range(2):
        p = con.node_pass[:, col]
        ok = np.flatnonzero(p >= 0)
        cand = dist[con.pass_start[p[ok]]] + con.pass_off_minutes[p[ok]]
        minutes[ok] = np.minimum(minutes[ok], cand)
    if con.core_of[src[0]] < 0:
        inner = all_nodes[con.core_of < 0]
        direct, _ = many_to_many(graph, src, inner, limit_minutes=limit_minutes)
        minutes[inner] = np.minimum(minutes[inner], direct[0])
    minutes[src[0]] = 0.0
    keep = np.flatnonzero(minutes <= float(limit_minutes))
    return keep, minutes[keep]


def prepare_kernels() -> bool:
    """Load (compiling the first time) every kernel a query uses, on a small grid: plain searches, the
    hierarchy build and its queries in both directions, with and without a limit. Compiled code lands in
    the user cache dir, so the first query of a new process only loads it (``tasks.py run`` calls this
    once after installing). Returns False without compiled kernels (scipy is used then)."""
    kernels = jit.kernels()
    if kernels is None:
        return False
    side = 24
    ids = np.arange(side * side).reshape(side, side)
    across = np.c_[ids[:, :-1].ravel(), ids[:, 1:].ravel()]
    pairs = np.concatenate([across, np.c_[ids[:-1].ravel(), ids[1:].ravel()]])
    both = np.concatenate([pairs, pairs[:, ::-1]])
    km = 1.0 + (both[:, 0] % 7) / 10
    graph = RoadGraph.from_edges(
        (ids % side).ravel() * 0.01, (ids // side).ravel() * 0.01, both[:, 0], both[:, 1], km * 1.5, km
    )
    nodes = np.arange(graph.n_nodes)
    many_to_many(graph, nodes[:2], nodes)  # plain (no hierarchy yet)
    hierarchy(contract(graph))
    many_to_many(graph, nodes, nodes[::7])
    many_to_many(graph, nodes[::7], nodes, limit_minutes=30.0)
    return True
