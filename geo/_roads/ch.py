"""A contraction hierarchy for many-to-many queries on road graphs (exact, km carried along).

Used by :mod:`geo._roads.shortest` on the chain-contracted core graph. Times equal a plain Dijkstra's (float
rounding aside); km is that of a fastest path.

Preprocessing (:func:`build_hierarchy`, once per graph; stored with the cached network)
-------------------------------------------------------------------------------------
Every node is *contracted* (compiled, :mod:`geo._roads.kernels_build`): removed from the graph with a
*shortcut* ``u → w`` (minutes and km of ``u → v → w`` added) for each in-edge ``u → v`` and out-edge
``v → w`` unless a *witness* path ``u → … → w`` avoiding ``v`` is at least as fast (bounded local Dijkstra; a
search cut short only keeps more shortcuts, never loses a time). Nodes go in rounds: each round contracts
at once the nodes whose priority — level + shortcuts added / edges removed + the same ratio in original
edges (RoutingKit's rule) — is smallest among their neighbours (re-ranked first when a neighbour went since
their last ranking). No two of them are adjacent; a witness through another node of the round counts only
when strictly faster, which keeps every distance when they all go together. The round's searches are
shared by threads (one per core, at most four; the hierarchy does not depend on their number). Nodes are
then numbered by importance (0 = contracted last). Each node keeps its *up* edges (its out-edges when
contracted, all to more important nodes) and *down* edges (its in-edges then, from more important nodes).

Query (:func:`hierarchy_many_to_many`, compiled :mod:`geo._roads.kernels_query`)
--------------------------------------------------------------------------------
An upward Dijkstra from each source over the up edges (stall-on-demand), then one pass over the nodes from
which a target is reached going down, most important first, several sources at once (RPHAST). The same
hierarchy answers the reversed graph: up and down edges swap roles (searches from the targets).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from geo._roads.jit import Kernels

__all__ = ["Hierarchy", "build_hierarchy", "hierarchy_many_to_many"]

#: Settled-node limits of the witness searches: when ranking nodes (cheap) and when contracting them.
_SETTLE_PRIORITY = 10
_SETTLE_CONTRACT = 100
#: Threads at most for the build's searches, and the smallest set of a round worth sharing between them.
_MAX_WORKERS = 4
_SMALL_ROUND = 256
#: Chunks per thread in a round's shared searches (taken in turn, so threads finish together).
_CHUNKS = 8
#: Nodes sampled (evenly by importance) to measure the mean upward search space at build time.
_SEARCH_SAMPLE = 64
#: The query's cost model (measured with ``bench/matrix.py --crossover`` on SP, Porto and the 518k proxy):
#: seconds per source (+ 4 for the sweep's lanes) and edge of the targets' downward closure (the sweep,
#: memory-bound), and per source-target pair and node of a search space (the buckets' join); the buckets'
#: searches cost ``Hierarchy.search_s`` each, timed when the hierarchy is built.
SWEEP_S_PER_EDGE = 3.5e-9
JOIN_S_PER_NODE = 8e-10
_ARRAYS = (
    "rank_of", "up_ptr", "up_nbr", "up_min", "up_km", "down_ptr", "down_nbr", "down_min", "down_km",
)


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """A contraction hierarchy of a graph of ``n`` nodes, numbered by importance (0 = most important).

    Attributes
    ----------
    rank_of
        Importance number of each graph node, shape (n,); ``node_at`` is its inverse.
    up_ptr, up_nbr, up_min, up_km
        CSR by importance number: edges ``v → w`` to more important ``w`` (``w < v``), minutes and km.
    down_ptr, down_nbr, down_min, down_km
        CSR by importance number: edges ``u → v`` from more important ``u`` (``u < v``), minutes and km.
    mean_search, search_s
        Mean number of nodes an upward search settles unstalled and its seconds (both directions, sampled
        when built): the bucket query's cost model.
    """
    rank_of: np.ndarray
    up_ptr: np.ndarray
    up_nbr: np.ndarray
    up_min: np.ndarray
    up_km: np.ndarray
    down_ptr: np.ndarray
    down_nbr: np.ndarray
    down_min: np.ndarray
    down_km: np.ndarray
    mean_search: float = 100.0
    search_s: float = 1e-5

    @property
    def n(self) -> int:
        """Number of nodes."""
        return int(self.rank_of.shape[0])

    @property
    def node_at(self) -> np.ndarray:
        """Graph node of each importance number (inverse of ``rank_of``)."""
        out = np.empty(self.n, dtype=np.int64)
        out[self.rank_of] = np.arange(self.n)
        return out

    @property
    def n_edges(self) -> int:
        """Up plus down edges."""
        return int(self.up_nbr.shape[0] + self.down_nbr.shape[0])

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The hierarchy as named arrays (for ``np.savez``); :meth:`from_arrays` reads them back."""
        return {k: getattr(self, k) for k in _ARRAYS} | {
            "mean_search": np.array(self.mean_search), "search_s": np.array(self.search_s)
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Hierarchy:
        """Rebuild from :meth:`to_arrays` output, checking every index the compiled kernels will follow.

        Raises
        ------
        ValueError
            When an array is missing, of the wrong type or shape, or an index is out of range (a damaged
            file must never reach compiled code, which does not check bounds).
        """
        try:
            a = {k: np.asarray(arrays[k]) for k in _ARRAYS}
            sizes = (float(np.asarray(arrays["mean_search"])), float(np.asarray(arrays["search_s"])))
        except KeyError as err:
            msg = f"hierarchy array {err} is missing"
            raise ValueError(msg) from err
        if not all(np.isfinite(x) and x >= 0 for x in sizes):
            msg = f"hierarchy search-space figures {sizes!r} are not non-negative numbers"
            raise ValueError(msg)
        n = a["rank_of"].shape[0] if a["rank_of"].ndim == 1 else -1
        problem = _check(a, n)
        if problem:
            msg = f"hierarchy arrays are inconsistent: {problem}"
            raise ValueError(msg)
        return cls(
            rank_of=a["rank_of"].astype(np.int64),
            up_ptr=a["up_ptr"].astype(np.int64), up_nbr=a["up_nbr"].astype(np.int32),
            up_min=a["up_min"].astype(float), up_km=a["up_km"].astype(float),
            down_ptr=a["down_ptr"].astype(np.int64), down_nbr=a["down_nbr"].astype(np.int32),
            down_min=a["down_min"].astype(float), down_km=a["down_km"].astype(float),
            mean_search=sizes[0], search_s=sizes[1],
        )


def _check(a: dict[str, np.ndarray], n: int) -> str:
    """What is wrong with hierarchy arrays for ``n`` nodes ("" when nothing)."""
    if n < 0 or not np.issubdtype(a["rank_of"].dtype, np.integer):
        return "rank_of is not a 1-D integer array"
    if not np.array_equal(np.sort(a["rank_of"]), np.arange(n)):
        return "rank_of is not a permutation"
    for side in ("up", "down"):
        ptr, nbr = a[f"{side}_ptr"], a[f"{side}_nbr"]
        m = nbr.shape[0] if nbr.ndim == 1 else -1
        if ptr.shape != (n + 1,) or not np.issubdtype(ptr.dtype, np.integer) or m < 0:
            return f"{side} lists have the wrong shape"
        if not np.issubdtype(nbr.dtype, np.integer) or ptr[0] != 0 or ptr[-1] != m:
            return f"{side} list offsets do not run from 0 to {m}"
        if np.any(np.diff(ptr) < 0):
            return f"{side} list offsets are not monotone from 0 to {m}"
        own = np.repeat(np.arange(n), np.diff(ptr))
        if m and (nbr.min() < 0 or np.any(nbr >= own)):
            return f"{side} edges do not lead to more important nodes"
        for w in ("min", "km"):
            vals = a[f"{side}_{w}"]
            if vals.shape != (m,) or not np.all(np.isfinite(vals)) or (m and vals.min() < 0):
                return f"{side} {w} values are not finite, non-negative and aligned"
    return ""


def build_hierarchy(
    n: int, indptr: np.ndarray, indices: np.ndarray, minutes: np.ndarray, km: np.ndarray, kernels: Kernels,
    workers: int = 0,
) -> Hierarchy:
    """Contract every node of a CSR graph (module docstring).

    Parameters
    ----------
    n
        Number of nodes.
    indptr, indices, minutes, km
        The directed graph in CSR form (parallel edges resolved to the fastest, self-loops ignored).
    kernels
        The compiled kernels (:func:`geo._roads.jit.kernels`).
    workers
        Threads sharing the witness searches (0: one per available core, at most :data:`_MAX_WORKERS`); the
        hierarchy is the same for any number.
    """
    order, up_i, up_f, dn_i, dn_f = _contract_all(
        n, np.asarray(indptr, np.int64), np.asarray(indices, np.int64), np.asarray(minutes, float),
        np.asarray(km, float), kernels.build, workers or _default_workers(),
    )
    rank_of = np.empty(n, dtype=np.int64)
    rank_of[order] = n - 1 - np.arange(n)
    up = _csr(rank_of[up_i[:, 0]], rank_of[up_i[:, 1]], up_f, n)
    down = _csr(rank_of[dn_i[:, 0]], rank_of[dn_i[:, 1]], dn_f, n)
    sample = np.unique(np.linspace(0, n - 1, min(n, _SEARCH_SAMPLE)).astype(np.int64))
    kernels.query.search_space(up, down, sample[:1])  # loaded (or compiled) before the clock starts
    t0 = time.perf_counter()
    mean = (kernels.query.search_space(up, down, sample) + kernels.query.search_space(down, up, sample)) / 2
    seconds = (time.perf_counter() - t0) / (2 * len(sample))
    return Hierarchy(rank_of, *up, *down, mean_search=float(mean), search_s=seconds)


def _default_workers() -> int:
    """Threads for the build: the cores this process may use, at most :data:`_MAX_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_WORKERS))


def _contract_all(
    n: int, indptr: np.ndarray, indices: np.ndarray, minutes: np.ndarray, km: np.ndarray, kb: ModuleType,
    workers: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Contract every node in rounds (:mod:`geo._roads.kernels_build`); returns (order of contraction, up
    edges as rows (node, higher node), their (minutes, km), down edges likewise).

    The searches of a round (priorities, shortcuts) are shared by ``workers`` threads (compiled code without
    the GIL), each with its own scratch arrays; the rest runs in this thread.
    """
    pool, top, rec = kb.start(n, indptr, indices, minutes, km)
    scratches = [
        (np.full(n, np.inf), np.zeros(n, np.bool_), np.full(n, -1, np.int64), np.empty(n, np.int64),
         np.empty(n), np.empty(n, np.int64), np.full(n, -1.0))
        for _ in range(workers)
    ]
    level, prio, cand_prio = np.zeros(n, np.int64), np.empty(n), np.empty(n)
    dirty, in_set = np.zeros(n, np.bool_), np.zeros(n, np.bool_)
    alive = np.arange(n, dtype=np.int64)
    cand, chosen, offsets, found, order = (np.empty(n, np.int64) for _ in range(5))
    out_i, out_f = np.empty((1024, 3), np.int64), np.empty((1024, 2))
    n_alive, n_done = n, 0
    with ThreadPoolExecutor(workers) as threads:

        def shared(fn: Callable[..., None], nodes: np.ndarray, count: int, *args: object) -> None:
            """``fn(n, pool, nodes, begin, 1, end, *args[:2], scratch, *args[2:])`` over ``nodes[:count]`` in
            chunks the threads take in turn (one scratch per thread)."""
            if count < _SMALL_ROUND or workers == 1:
                fn(n, pool, nodes, 0, 1, count, *args[:2], scratches[0], *args[2:])
                return
            size = -(-count // (_CHUNKS * workers))
            chunks = iter(range(0, count, size))

            def work(scratch: tuple[np.ndarray, ...]) -> None:
                for begin in chunks:  # next() on a shared iterator: each chunk to one thread
                    fn(n, pool, nodes, begin, 1, min(begin + size, count), *args[:2], scratch, *args[2:])

            for job in [threads.submit(work, scratch) for scratch in scratches]:
                job.result()

        shared(kb.rank, alive, n, level, _SETTLE_PRIORITY, in_set, prio)
        while n_alive > 0:
            n_cand = kb.candidates(n, pool, alive, n_alive, prio, dirty, cand)
            shared(kb.rank, cand, n_cand, level, _SETTLE_PRIORITY, in_set, cand_prio)
            n_chosen, n_alive, rows = kb.choose(n, pool, alive, n_alive, prio, dirty, cand, n_cand, cand_prio,
                                                chosen, offsets, in_set)
            if rows > out_i.shape[0]:
                out_i, out_f = np.empty((rows + rows // 4, 3), np.int64), np.empty((rows + rows // 4, 2))
            shared(kb.find_shortcuts, chosen, n_chosen, offsets, _SETTLE_CONTRACT, in_set, out_i, out_f,
                   found)
            pool, top, rec, n_done = kb.apply(n, pool, top, chosen, n_chosen, offsets, found, out_i, out_f,
                                              rec, level, dirty, prio, in_set, order, n_done)
    up_i, up_f, n_up, dn_i, dn_f, n_dn = rec
    return order, up_i[:n_up], up_f[:n_up], dn_i[:n_dn], dn_f[:n_dn]


def _csr(
    own: np.ndarray, nbr: np.ndarray, weights: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CSR (ptr, nbr, minutes, km) of rows ``own`` sorted by (own, nbr)."""
    order = np.lexsort((nbr, own))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(own, minlength=n), out=ptr[1:])
    return ptr, nbr[order].astype(np.int32), weights[order, 0].copy(), weights[order, 1].copy()


def hierarchy_many_to_many(
    h: Hierarchy,
    kernels: Kernels,
    starts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    targets: np.ndarray,
    limit: float,
    *,
    backward: bool = False,
    workers: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and km from each source to each target node (graph node numbers).

    Parameters
    ----------
    h, kernels
        The hierarchy and the compiled kernels.
    starts
        ``(ptr, node, minutes, km)``: source ``i`` enters the graph at ``node[ptr[i]:ptr[i + 1]]`` after the
        given minutes and km.
    targets
        Graph nodes to report, shape (m,).
    limit
        Minutes past which searches stop (values beyond may be finite; callers drop them).
    backward
        Search the reversed graph (from targets towards sources).
    workers
        Threads sharing the sources (the kernels release the GIL).

    Returns
    -------
    minutes, km
        Shape (n_sources, m); ``inf`` where unreached.
    """
    up = (h.up_ptr, h.up_nbr, h.up_min, h.up_km)
    down = (h.down_ptr, h.down_nbr, h.down_min, h.down_km)
    if backward:
        up, down = down, up
    q = kernels.query
    tgt = h.rank_of[targets]
    st_ptr, st_node, st_min, st_km = starts
    st_node = h.rank_of[st_node]
    b = len(st_ptr) - 1
    out_min = np.empty((b, len(tgt)))
    out_km = np.empty((b, len(tgt)))
    costs = np.array([SWEEP_S_PER_EDGE, JOIN_S_PER_NODE, h.mean_search, h.search_s])
    if workers <= 1 or b < 2 * q.WIDTH:
        q.matrix(up, down, st_ptr, st_node, st_min, st_km, tgt, float(limit), out_min, out_km, costs)
        return out_min, out_km
    bucket = None
    if q.sweep_cost(up, down, b, tgt, costs) > q.bucket_cost(b, len(tgt), costs):
        bucket = q.buckets(up, down, tgt, float(limit))

    def run(lo: int, hi: int) -> None:
        a, z = st_ptr[lo], st_ptr[hi]
        part = (st_ptr[lo : hi + 1] - a, st_node[a:z], st_min[a:z], st_km[a:z])
        if bucket is None:
            q.hierarchy_query(up, down, *part, tgt, float(limit), out_min[lo:hi], out_km[lo:hi])
        else:
            q.bucket_join(up, down, *part, bucket, float(limit), out_min[lo:hi], out_km[lo:hi])

    step = -(-b // workers)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda lo: run(lo, min(b, lo + step)), range(0, b, step)))
    return out_min, out_km
