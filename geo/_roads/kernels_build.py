"""Compiled construction of the contraction hierarchy (numba; imported by :mod:`geo._roads.jit` only).

The graph being contracted is kept as adjacency lists in one pool: list ``v`` holds the out-edges of node
``v``, list ``n + v`` its in-edges, each entry (neighbour, minutes, km, hops). A list that outgrows its
capacity moves to the end of the pool with twice the room; the pool itself grows (and is compacted) by the
driver :func:`build`. Contracted nodes are removed from their neighbours' lists, so every list holds only
nodes not yet contracted.
"""

from __future__ import annotations

import numba
import numpy as np

from geo._roads.kernels_heap import iheap_pop, iheap_update

#: Cache compiled code on disk where :mod:`geo._roads.jit` pointed numba (nowhere when it found no place).
_CACHE: bool = bool(getattr(numba.config, "CACHE_DIR", ""))

_jit = numba.njit(cache=_CACHE, nogil=True)

#: Hash multiplier for the deterministic tie-break between equal priorities.
_GOLDEN = 0x9E3779B1


@_jit
def _find(beg, ln, pn, lst, x):
    """Slot of neighbour ``x`` in list ``lst``, or -1."""
    b = beg[lst]
    for i in range(b, b + ln[lst]):
        if pn[i] == x:
            return i
    return -1


@_jit
def _remove(beg, ln, pn, pm, pk, ph, lst, x):
    """Remove neighbour ``x`` from list ``lst`` (swap with the last entry)."""
    i = _find(beg, ln, pn, lst, x)
    if i < 0:
        return
    last = beg[lst] + ln[lst] - 1
    pn[i] = pn[last]
    pm[i] = pm[last]
    pk[i] = pk[last]
    ph[i] = ph[last]
    ln[lst] -= 1


@_jit
def _push(beg, ln, cap, pn, pm, pk, ph, top, lst, x, m, k, h):
    """Append an entry to list ``lst`` (moving the list to the pool's end when full); returns the new top.

    The caller guarantees the pool has room (see :func:`_room`).
    """
    if ln[lst] == cap[lst]:
        new_cap = 2 * cap[lst] + 4
        b = beg[lst]
        for i in range(ln[lst]):
            pn[top + i] = pn[b + i]
            pm[top + i] = pm[b + i]
            pk[top + i] = pk[b + i]
            ph[top + i] = ph[b + i]
        beg[lst] = top
        cap[lst] = new_cap
        top += new_cap
    i = beg[lst] + ln[lst]
    pn[i] = x
    pm[i] = m
    pk[i] = k
    ph[i] = h
    ln[lst] += 1
    return top


@_jit
def _set_edge(n, beg, ln, cap, pn, pm, pk, ph, top, u, w, m, k, h):
    """Add the edge u → w, or make the existing one faster; returns the new pool top."""
    i = _find(beg, ln, pn, u, w)
    if i >= 0:
        if m < pm[i]:
            pm[i] = m
            pk[i] = k
            ph[i] = h
            j = _find(beg, ln, pn, n + w, u)
            pm[j] = m
            pk[j] = k
            ph[j] = h
        return top
    top = _push(beg, ln, cap, pn, pm, pk, ph, top, u, w, m, k, h)
    return _push(beg, ln, cap, pn, pm, pk, ph, top, n + w, u, m, k, h)


@_jit
def _witness(beg, ln, pn, pm, src, skip, bound, settle_max, n_targets, is_target, dist, pos, touched,
             heap_d, heap_v):
    """Bounded Dijkstra from ``src`` avoiding ``skip``; leaves tentative minutes in ``dist``.

    Stops when ``n_targets`` nodes marked in ``is_target`` are settled, past ``bound`` minutes or after
    ``settle_max`` settled nodes. Returns the number of touched nodes (their ids in ``touched``); the caller
    resets ``dist``/``pos`` (indexed heap). A tentative distance is the length of a real path, so a search
    cut short only keeps more shortcuts.
    """
    nt = 1
    touched[0] = src
    dist[src] = 0.0
    hs = iheap_update(heap_d, heap_v, pos, 0, 0.0, src)
    settled = 0
    while hs > 0 and settled < settle_max:
        d, v, hs = iheap_pop(heap_d, heap_v, pos, hs)
        if d > bound:
            break
        settled += 1
        if is_target[v]:
            n_targets -= 1
            if n_targets == 0:
                break
        b = beg[v]
        for i in range(b, b + ln[v]):
            w = pn[i]
            if w == skip or pos[w] == -2:
                continue
            nd = d + pm[i]
            if nd < dist[w] and nd <= bound:
                if dist[w] == np.inf:
                    touched[nt] = w
                    nt += 1
                dist[w] = nd
                hs = iheap_update(heap_d, heap_v, pos, hs, nd, w)
    return nt


@_jit
def _shortcuts(n, beg, ln, pn, pm, pk, ph, v, settle_max, scratch, out, do_out):
    """The shortcuts contracting ``v`` needs: pairs (u → v → w) with no witness path as fast.

    Returns (count, hops of all of them); with ``do_out`` writes them to ``out`` (rows: u, w, slot of
    u → v in the in-list of v, slot of v → w in the out-list of v).
    """
    dist, pos, touched, heap_d, heap_v, is_target = scratch
    count = 0
    hops = 0
    bi, bo = beg[n + v], beg[v]
    max_out = 0.0
    for j in range(bo, bo + ln[v]):
        max_out = max(max_out, pm[j])
        is_target[pn[j]] = True
    for i in range(bi, bi + ln[n + v]):
        u = pn[i]
        m_uv = pm[i]
        n_targets = ln[v] - (1 if is_target[u] else 0)
        if n_targets == 0:
            continue
        was = is_target[u]
        is_target[u] = False
        nt = _witness(beg, ln, pn, pm, u, v, m_uv + max_out, settle_max, n_targets, is_target, dist, pos,
                      touched, heap_d, heap_v)
        is_target[u] = was
        for j in range(bo, bo + ln[v]):
            w = pn[j]
            if w == u:
                continue
            if dist[w] > m_uv + pm[j]:
                if do_out:
                    out[count, 0] = u
                    out[count, 1] = w
                    out[count, 2] = i
                    out[count, 3] = j
                count += 1
                hops += ph[i] + ph[j]
        for t in range(nt):
            dist[touched[t]] = np.inf
            pos[touched[t]] = -1
    for j in range(bo, bo + ln[v]):
        is_target[pn[j]] = False
    return count, hops


@_jit
def _priority(n, beg, ln, pn, pm, pk, ph, v, level, settle_max, scratch, out, do_out):
    """Priority of ``v``: level + shortcuts added / edges removed + the same ratio in hops (RoutingKit);
    and the number of shortcuts (written to ``out`` with ``do_out``, for :func:`_contract` to reuse)."""
    added, added_hops = _shortcuts(n, beg, ln, pn, pm, pk, ph, v, settle_max, scratch, out, do_out)
    removed = ln[v] + ln[n + v]
    removed_hops = 0
    for i in range(beg[v], beg[v] + ln[v]):
        removed_hops += ph[i]
    for i in range(beg[n + v], beg[n + v] + ln[n + v]):
        removed_hops += ph[i]
    if removed == 0:
        return float(level[v]), added
    return level[v] + added / removed + added_hops / removed_hops, added


@_jit
def _room(n, beg, ln, cap, pn, v):
    """Pool entries that contracting ``v`` may need at most: each neighbour's list may move (doubling) while
    it receives up to (number of v's neighbours on the other side) new entries."""
    p, q = ln[n + v], ln[v]
    need = 64
    for i in range(beg[n + v], beg[n + v] + p):
        need += 4 * (cap[pn[i]] + q) + 8
    for j in range(beg[v], beg[v] + q):
        need += 4 * (cap[n + pn[j]] + p) + 8
    return need


@_jit
def _grow(pn, pm, pk, ph, size):
    """The pool arrays copied into arrays of ``size`` entries."""
    nn = np.empty(size, pn.dtype)
    nm = np.empty(size, pm.dtype)
    nk = np.empty(size, pk.dtype)
    nh = np.empty(size, ph.dtype)
    k = min(size, pn.shape[0])
    nn[:k] = pn[:k]
    nm[:k] = pm[:k]
    nk[:k] = pk[:k]
    nh[:k] = ph[:k]
    return nn, nm, nk, nh


@_jit
def _compact(beg, ln, cap, pn, pm, pk, ph):
    """Rewrite every list contiguously (capacity = length + 2, in list order); returns the new top."""
    order = np.argsort(beg)
    top = 0
    for lst in order:
        b = beg[lst]
        for i in range(ln[lst]):
            pn[top + i] = pn[b + i]
            pm[top + i] = pm[b + i]
            pk[top + i] = pk[b + i]
            ph[top + i] = ph[b + i]
        beg[lst] = top
        cap[lst] = ln[lst] + 2
        top += cap[lst]
    return top


@_jit
def _initial_lists(n, indptr, indices, mins, kms):
    """The pool with the input edges (self-loops dropped, parallel edges resolved to the fastest)."""
    outdeg = np.zeros(n, np.int64)
    indeg = np.zeros(n, np.int64)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            outdeg[u] += 1
            indeg[indices[e]] += 1
    beg = np.empty(2 * n, np.int64)
    ln = np.zeros(2 * n, np.int64)
    cap = np.empty(2 * n, np.int64)
    top = 0
    for lst in range(2 * n):
        cap[lst] = (outdeg[lst] if lst < n else indeg[lst - n]) + 2
        beg[lst] = top
        top += cap[lst]
    size = 2 * top + 1024
    pn = np.empty(size, np.int32)
    pm = np.empty(size)
    pk = np.empty(size)
    ph = np.empty(size, np.int32)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            w = indices[e]
            if w != u:
                top = _set_edge(n, beg, ln, cap, pn, pm, pk, ph, top, u, w, mins[e], kms[e], 1)
    return beg, ln, cap, pn, pm, pk, ph, top


@_jit
def _is_local_min(n, beg, ln, pn, prio, v):
    """Whether ``v`` has the smallest (priority, hash) among itself and its neighbours."""
    hv = (v * _GOLDEN) & 0xFFFFFFFF
    for lst in (v, n + v):
        for i in range(beg[lst], beg[lst] + ln[lst]):
            x = pn[i]
            if prio[x] < prio[v] or (prio[x] == prio[v] and ((x * _GOLDEN) & 0xFFFFFFFF) < hv):
                return False
    return True


@_jit
def _records(rec_i, rec_f, count, extra):
    """The edge record arrays with room for ``extra`` more rows (reallocated when needed)."""
    if count + extra <= rec_i.shape[0]:
        return rec_i, rec_f
    size = 2 * (count + extra) + 1024
    ri = np.empty((size, 2), rec_i.dtype)
    rf = np.empty((size, 2), rec_f.dtype)
    ri[:count] = rec_i[:count]
    rf[:count] = rec_f[:count]
    return ri, rf


@_jit
def _contract(n, pool, top, v, settle_max, scratch, out, found, rec, level, dirty):
    """Contract ``v``: add its shortcuts, record its up / down edges, remove it; returns the new pool top.

    ``pool`` = (beg, ln, cap, pn, pm, pk, ph) with room for the shortcuts (:func:`_room`), ``out`` large
    enough for ``in × out`` rows (holding ``found`` ≥ 0 shortcuts already found on the current graph, else
    searched now), ``rec`` = (up rows, up weights, count, down rows, down weights, count) with room for
    ``v``'s edges; its neighbours get level ≥ level(v) + 1 and are marked dirty.
    """
    beg, ln, cap, pn, pm, pk, ph = pool
    up_i, up_f, n_up, dn_i, dn_f, n_dn = rec
    count = found
    if count < 0:
        count, _ = _shortcuts(n, beg, ln, pn, pm, pk, ph, v, settle_max, scratch, out, True)
    for j in range(beg[v], beg[v] + ln[v]):
        up_i[n_up, 0], up_i[n_up, 1], up_f[n_up, 0], up_f[n_up, 1] = v, pn[j], pm[j], pk[j]
        n_up += 1
    for i in range(beg[n + v], beg[n + v] + ln[n + v]):
        dn_i[n_dn, 0], dn_i[n_dn, 1], dn_f[n_dn, 0], dn_f[n_dn, 1] = v, pn[i], pm[i], pk[i]
        n_dn += 1
    for c in range(count):
        i, j = out[c, 2], out[c, 3]
        top = _set_edge(n, beg, ln, cap, pn, pm, pk, ph, top, out[c, 0], out[c, 1],
                        pm[i] + pm[j], pk[i] + pk[j], ph[i] + ph[j])
    for lst, other in ((v, n), (n + v, 0)):
        for j in range(beg[lst], beg[lst] + ln[lst]):
            w = pn[j]
            _remove(beg, ln, pn, pm, pk, ph, other + w, v)
            level[w] = max(level[w], level[v] + 1)
            dirty[w] = True
    ln[v] = 0
    ln[n + v] = 0
    return top, n_up, n_dn


@_jit
def build(n, indptr, indices, mins, kms, settle_priority, settle_contract):
    """Contract every node; returns (order, up edges, down edges) — see :func:`geo._roads.ch.build_hierarchy`.

    Nodes are contracted in rounds: a node whose priority (:func:`_priority`) is smallest among its
    neighbours is contracted (each on the current graph, so every witness is exact). Priorities are updated
    lazily: a node whose neighbourhood changed is re-ranked only when it looks like a local minimum again.
    Up edges are each node's out-edges at its contraction, down edges its in-edges, as rows (lower node,
    higher node) + (minutes, km). The pool and record arrays are reallocated here, so they are its locals.
    """
    beg, ln, cap, pn, pm, pk, ph, top = _initial_lists(n, indptr, indices, mins, kms)
    scratch = (np.full(n, np.inf), np.full(n, -1, np.int64), np.empty(n, np.int64), np.empty(n),
               np.empty(n, np.int64), np.zeros(n, np.bool_))
    out = np.empty((1024, 4), np.int64)
    level = np.zeros(n, np.int64)
    prio = np.empty(n)
    for v in range(n):
        if ln[v] * ln[n + v] > out.shape[0]:
            out = np.empty((2 * ln[v] * ln[n + v], 4), np.int64)
        prio[v], _ = _priority(n, beg, ln, pn, pm, pk, ph, v, level, settle_priority, scratch, out, False)
    up_i, up_f, n_up = np.empty((n, 2), np.int64), np.empty((n, 2)), 0
    dn_i, dn_f, n_dn = np.empty((n, 2), np.int64), np.empty((n, 2)), 0
    order = np.empty(n, np.int64)
    alive = np.arange(n)
    n_alive, n_done = n, 0
    dirty = np.zeros(n, np.bool_)
    reuse = settle_priority == settle_contract  # a fresh simulation is the contraction's own search
    while n_alive > 0:
        kept = 0
        for a in range(n_alive):
            v = alive[a]
            found = -1
            if _is_local_min(n, beg, ln, pn, prio, v):
                need = _room(n, beg, ln, cap, pn, v)  # before any search: compaction moves lists
                if top + need > pn.shape[0]:
                    top = _compact(beg, ln, cap, pn, pm, pk, ph)
                    if top + need > pn.shape[0] * 3 // 4:
                        pn, pm, pk, ph = _grow(pn, pm, pk, ph, 2 * (top + need))
                if ln[v] * ln[n + v] > out.shape[0]:
                    out = np.empty((2 * ln[v] * ln[n + v], 4), np.int64)
                if dirty[v]:
                    dirty[v] = False
                    prio[v], found = _priority(n, beg, ln, pn, pm, pk, ph, v, level, settle_priority, scratch,
                                               out, reuse)
                    found = found if reuse else -1
            if not _is_local_min(n, beg, ln, pn, prio, v):
                alive[kept] = v
                kept += 1
                continue
            up_i, up_f = _records(up_i, up_f, n_up, ln[v])
            dn_i, dn_f = _records(dn_i, dn_f, n_dn, ln[n + v])
            top, n_up, n_dn = _contract(n, (beg, ln, cap, pn, pm, pk, ph), top, v, settle_contract, scratch,
                                        out, found, (up_i, up_f, n_up, dn_i, dn_f, n_dn), level, dirty)
            prio[v] = np.inf
            order[n_done] = v
            n_done += 1
        n_alive = kept
    return order, up_i[:n_up], up_f[:n_up], dn_i[:n_dn], dn_f[:n_dn]
