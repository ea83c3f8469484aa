"""The compiled binary heap shared by every kernel (numba; imported by :mod:`geo._roads.jit` only).

``heap_push(heap_d, heap_v, size, d, v) -> size`` and ``heap_pop(heap_d, heap_v, size) -> (d, v, size)``
(the smallest entry; the last one sifted down from the root). Lazy deletion: callers skip stale entries.
Inlined into the kernels by numba.
"""

from __future__ import annotations

import numba

#: Cache compiled code on disk where :mod:`geo._roads.jit` pointed numba (nowhere when it found no place).
_CACHE: bool = bool(getattr(numba.config, "CACHE_DIR", ""))


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def heap_push(heap_d, heap_v, hs, d, v):
    """Insert (d, v); returns the new size."""
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


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def heap_pop(heap_d, heap_v, hs):
    """Remove the smallest entry; returns (d, v, new size)."""
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


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def _sift_up(heap_d, heap_v, pos, j):
    d = heap_d[j]
    v = heap_v[j]
    while j > 0:
        p = (j - 1) >> 2
        if heap_d[p] <= d:
            break
        heap_d[j] = heap_d[p]
        heap_v[j] = heap_v[p]
        pos[heap_v[j]] = j
        j = p
    heap_d[j] = d
    heap_v[j] = v
    pos[v] = j


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def iheap_update(heap_d, heap_v, pos, hs, d, v):
    """Insert ``v`` with key ``d`` into the indexed 4-ary heap, or lower its key; returns the new size.

    ``pos[v]`` is the slot of ``v`` in the heap, -1 when not in it (-2: already popped, never pass it).
    """
    j = pos[v]
    if j < 0:
        j = hs
        hs += 1
    heap_d[j] = d
    heap_v[j] = v
    _sift_up(heap_d, heap_v, pos, j)
    return hs


@numba.njit(cache=_CACHE, nogil=True, inline="always")
def iheap_pop(heap_d, heap_v, pos, hs):
    """Remove the smallest entry of the indexed 4-ary heap (its ``pos`` becomes -2); returns (d, v, size)."""
    d = heap_d[0]
    v = heap_v[0]
    pos[v] = -2
    hs -= 1
    if hs > 0:
        ld = heap_d[hs]
        lv = heap_v[hs]
        j = 0
        while True:
            c = 4 * j + 1
            if c >= hs:
                break
            best = c
            bd = heap_d[c]
            for cc in range(c + 1, min(c + 4, hs)):
                if heap_d[cc] < bd:
                    best = cc
                    bd = heap_d[cc]
            if bd >= ld:
                break
            heap_d[j] = bd
            heap_v[j] = heap_v[best]
            pos[heap_v[j]] = j
            j = best
        heap_d[j] = ld
        heap_v[j] = lv
        pos[lv] = j
    return d, v, hs
