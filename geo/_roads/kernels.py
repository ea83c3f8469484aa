"""Compiled kernels (optional numba): binary heap, the hierarchy query and the witness search.

Compiled on first use and cached on disk by numba.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SWEEP_WIDTH", "no_witness_compiled", "numba_available", "ptr", "query_kernel"]


def ptr(sorted_ids: np.ndarray, n: int) -> np.ndarray:
    """CSR offsets (n + 1,) of ids 0..n-1 (``sorted_ids`` sorted, or any order: only counts are used)."""
    out = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_ids, minlength=n), out=out[1:])
    return out



_KERNEL: list = []
#: Sources swept together by the compiled kernel (one pass over the sweep edges serves them all).
SWEEP_WIDTH = 8


def numba_available() -> bool:
    """Whether the optional compiled kernel can be used (``numba`` is installed)."""
    try:
        import numba  # noqa: F401
    except Exception:
        return False
    return True


#: The compiled binary-heap operations shared by both kernels: ``push(heap_d, heap_v, size, d, v) -> size``
#: and ``pop(heap_d, heap_v, size) -> (d, v, size)`` (the smallest entry; the last one sifted down from the
#: root). Inlined into the kernels by numba.
_heap_push: Any = None
_heap_pop: Any = None


def _heap_ops() -> None:
    """Compile the heap operations into ``_heap_push`` / ``_heap_pop`` (once)."""
    global _heap_push, _heap_pop  # set once, on first use of a kernel (numba is optional)
    if _heap_push is not None:
        return
    import numba

    @numba.njit(cache=True, nogil=True, inline="always")
    def push(heap_d, heap_v, hs, d, v):
        j = hs
        while j > 0:
            p = (j - 1) >> 1
            if heap_d[p] <= d:
                break
            heap_d[j] = heap_d[p]
            heap_v[j] = heap_v[p]
            j = p
        heap_d[j] = d
        heap_v[j] = v
        return hs + 1

    @numba.njit(cache=True, nogil=True, inline="always")
    def pop(heap_d, heap_v, hs):
        d = heap_d[0]
        v = heap_v[0]
        hs -= 1
        if hs > 0:
            ld = heap_d[hs]
            lv = heap_v[hs]
            j = 0
            while True:
                c = 2 * j + 1
                if c >= hs:
                    break
                if c + 1 < hs and heap_d[c + 1] < heap_d[c]:
                    c += 1
                if heap_d[c] >= ld:
                    break
                heap_d[j] = heap_d[c]
                heap_v[j] = heap_v[c]
                j = c
            heap_d[j] = ld
            heap_v[j] = lv
        return d, v, hs

    _heap_push, _heap_pop = push, pop


def query_kernel():
    if _KERNEL:
        return _KERNEL[0]
    import numba

    _heap_ops()

    @numba.njit(cache=True, nogil=True)
    def query(
        up_indptr, up_indices, up_min, up_km, st_ptr, st_node, st_min, st_km,
        sw_head, sw_tail, sw_min, sw_km, sw_nodes, cols, limit, out_min, out_km,
    ):
        n = up_indptr.shape[0] - 1
        dist = np.full(n, np.inf)
        km = np.full(n, np.inf)
        done = np.zeros(n, np.bool_)
        touched = np.empty(n, np.int64)
        cap = up_indices.shape[0] + st_node.shape[0] + 1
        heap_d = np.empty(cap)
        heap_v = np.empty(cap, np.int64)
        # the sweep runs SWEEP_WIDTH sources at once: node-major (n, width) arrays, one pass over the edges
        width = SWEEP_WIDTH
        dd = np.full((n, width), np.inf)
        kk = np.full((n, width), np.inf)
        dirty = np.zeros(n, np.bool_)
        dirty_list = np.empty(n, np.int64)
        nd_ = 0
        b = st_ptr.shape[0] - 1
        for i in range(b):
            q = i % width
            nt = 0
            hs = 0
            for e in range(st_ptr[i], st_ptr[i + 1]):
                v = st_node[e]
                d = st_min[e]
                if d < dist[v]:
                    if dist[v] == np.inf:
                        touched[nt] = v
                        nt += 1
                    dist[v] = d
                    km[v] = st_km[e]
                    hs = _heap_push(heap_d, heap_v, hs, d, v)
            while hs > 0:
                d, v, hs = _heap_pop(heap_d, heap_v, hs)
                if done[v] or d > dist[v]:
                    continue
                if d > limit:
                    break
                done[v] = True
                for e in range(up_indptr[v], up_indptr[v + 1]):
                    w = up_indices[e]
                    nd = d + up_min[e]
                    if nd < dist[w]:
                        if dist[w] == np.inf:
                            touched[nt] = w
                            nt += 1
                        dist[w] = nd
                        km[w] = km[v] + up_km[e]
                        hs = _heap_push(heap_d, heap_v, hs, nd, w)
            for j in range(nt):  # upward-search values into the batch column, reset the scratch arrays
                v = touched[j]
                dd[v, q] = dist[v]
                kk[v, q] = km[v]
                if not dirty[v]:
                    dirty[v] = True
                    dirty_list[nd_] = v
                    nd_ += 1
                dist[v] = np.inf
                km[v] = np.inf
                done[v] = False
            if q == width - 1 or i == b - 1:
                w_used = q + 1
                for e in range(sw_head.shape[0]):
                    t = sw_tail[e]
                    hd = sw_head[e]
                    m = sw_min[e]
                    k = sw_km[e]
                    for c in range(w_used):
                        c_min = dd[t, c] + m
                        if c_min < dd[hd, c]:
                            dd[hd, c] = c_min
                            kk[hd, c] = kk[t, c] + k
                i0 = i - q
                for j in range(cols.shape[0]):
                    for c in range(w_used):
                        out_min[i0 + c, j] = dd[cols[j], c]
                        out_km[i0 + c, j] = kk[cols[j], c]
                for j in range(sw_nodes.shape[0]):
                    v = sw_nodes[j]
                    for c in range(width):
                        dd[v, c] = np.inf
                        kk[v, c] = np.inf
                for j in range(nd_):
                    v = dirty_list[j]
                    dirty[v] = False
                    for c in range(width):
                        dd[v, c] = np.inf
                        kk[v, c] = np.inf
                nd_ = 0

    _KERNEL.append(query)
    return query


#: Local witness searches settle at most this many nodes.
_WITNESS_SETTLE = 200

_WITNESS: list = []


def _witness_kernel():
    if _WITNESS:
        return _WITNESS[0]
    import numba

    _heap_ops()

    @numba.njit(cache=True, nogil=True)
    def witness(indptr, to, mins, pick, s_ptr, s_to, s_min, settle_max, need):
        n = indptr.shape[0] - 1
        dist = np.full(n, np.inf)
        done = np.zeros(n, np.bool_)
        touched = np.empty(n, np.int64)
        cap = to.shape[0] + 1
        heap_d = np.empty(cap)
        heap_v = np.empty(cap, np.int64)
        for u in range(n):
            lo = s_ptr[u]
            hi = s_ptr[u + 1]
            if lo == hi:
                continue
            bound = 0.0
            for e in range(lo, hi):
                bound = max(bound, s_min[e])
            nt = 1
            touched[0] = u
            dist[u] = 0.0
            heap_d[0] = 0.0
            heap_v[0] = u
            hs = 1
            settled = 0
            while hs > 0 and settled < settle_max:
                d, v, hs = _heap_pop(heap_d, heap_v, hs)
                if done[v] or d > dist[v]:
                    continue
                if d > bound:
                    break
                done[v] = True
                settled += 1
                for e in range(indptr[v], indptr[v + 1]):
                    w = to[e]
                    if pick[w]:
                        continue
                    nd = d + mins[e]
                    if nd < dist[w]:
                        if dist[w] == np.inf:
                            touched[nt] = w
                            nt += 1
                        dist[w] = nd
                        hs = _heap_push(heap_d, heap_v, hs, nd, w)
            for e in range(lo, hi):
                need[e] = dist[s_to[e]] > s_min[e]
            for j in range(nt):
                dist[touched[j]] = np.inf
                done[touched[j]] = False

    _WITNESS.append(witness)
    return witness


def no_witness_compiled(
    frm: np.ndarray, to: np.ndarray, mins: np.ndarray, pick: np.ndarray,
    s_frm: np.ndarray, s_to: np.ndarray, s_min: np.ndarray, n: int,
) -> np.ndarray:
    """As ``geo._roads.ch._no_witness``, with a local Dijkstra (avoiding picked nodes) as the witness search.

    A tentative distance is the length of a real path, so a search cut short only keeps more shortcuts.
    """
    order = np.argsort(s_frm, kind="stable")
    s_ptr = ptr(s_frm, n)
    indptr = ptr(frm, n)
    need_sorted = np.ones(len(order), dtype=bool)
    _witness_kernel()(
        indptr.astype(np.int64), to.astype(np.int64), mins, pick, s_ptr.astype(np.int64),
        s_to[order].astype(np.int64), s_min[order], _WITNESS_SETTLE, need_sorted,
    )
    need = np.empty(len(order), dtype=bool)
    need[order] = need_sorted
    return need & (s_frm != s_to)
