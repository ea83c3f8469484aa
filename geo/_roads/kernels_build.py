"""Compiled construction of the contraction hierarchy (numba; imported by :mod:`geo._roads.jit` only).

The graph being contracted is kept as adjacency lists in one pool: list ``v`` holds the out-edges of node
``v``, list ``n + v`` its in-edges, each entry (neighbour, minutes, km, hops). A list that outgrows its
capacity moves to the end of the pool with twice the room; the pool itself grows (and is compacted) in
:func:`apply`. Contracted nodes are removed from their neighbours' lists, so every list holds only nodes not
yet contracted.

The driver (:func:`geo._roads.ch.build_hierarchy`) contracts in rounds: :func:`candidates` (dirty nodes that
look like local minima of priority), :func:`rank` (their new priorities), :func:`choose` (the round's set:
clean local minima, no two adjacent), :func:`find_shortcuts` (each set node's shortcuts on the graph as it
is), :func:`apply` (add them, remove the set). :func:`rank` and :func:`find_shortcuts` only read the graph
and write to their own rows, so threads share their nodes (each thread with its own scratch arrays); the
results do not depend on the number of threads.

Witness paths may pass through other nodes of the set, but then count only when strictly faster
(:func:`_witnessed`), so removing the whole set at once keeps every distance: each two-edge path through a
set node is replaced by its shortcut or its witness, and a witness through another set node is strictly
shorter, so replacing the set nodes on it again ends.
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
def _witnessed(d, through_set, limit):
    """Whether a path of ``d`` minutes witnesses a pair of ``limit`` minutes (strictly shorter when it passes
    through a node contracted in the same round)."""
    return d < limit or (d == limit and not through_set)


@_jit
def _witness(beg, ln, pn, pm, src, skip, m_src, bound, settle_max, n_open, tgt, in_set, scratch):
    """Bounded Dijkstra from ``src`` avoiding ``skip``; leaves tentative minutes in ``dist``, with ``flag``
    telling whether that path passes through a node of ``in_set``.

    Target ``w`` (``tgt[w]`` >= 0: minutes of skip -> w) is decided once witnessed (:func:`_witnessed` with
    ``m_src + tgt[w]``) or settled; the search stops when its ``n_open`` targets are decided, past ``bound``
    minutes or after ``settle_max`` settled nodes. Returns the number of touched nodes (ids in ``touched``).
    """
    dist, flag, pos, touched, heap_d, heap_v, _ = scratch
    nt = 1
    touched[0] = src
    dist[src] = 0.0
    flag[src] = False
    hs = iheap_update(heap_d, heap_v, pos, 0, 0.0, src)
    settled = 0
    while hs > 0 and settled < settle_max:
        d, v, hs = iheap_pop(heap_d, heap_v, pos, hs)
        if d > bound:
            break
        settled += 1
        if tgt[v] >= 0.0 and not _witnessed(d, flag[v], m_src + tgt[v]):
            n_open -= 1
            if n_open == 0:
                break
        fv = flag[v] or in_set[v]
        b = beg[v]
        for i in range(b, b + ln[v]):
            w = pn[i]
            if w == skip or pos[w] == -2:
                continue
            nd = d + pm[i]
            old = dist[w]
            if nd > bound or nd > old or (nd == old and (fv or not flag[w])):
                continue
            if old == np.inf:
                touched[nt] = w
                nt += 1
            if tgt[w] >= 0.0:
                lim = m_src + tgt[w]
                if _witnessed(nd, fv, lim) and not _witnessed(old, flag[w], lim):
                    n_open -= 1
            dist[w] = nd
            flag[w] = fv
            if nd < old:
                hs = iheap_update(heap_d, heap_v, pos, hs, nd, w)
        if n_open == 0:
            break
    return nt


@_jit
def _shortcuts(n, beg, ln, pn, pm, pk, ph, v, settle_max, scratch, in_set, out_i, out_f, base, do_out):
    """The shortcuts contracting ``v`` needs: pairs (u → v → w) with no witness path as fast.

    Returns (count, hops of all of them); with ``do_out`` writes them to rows ``base…`` of ``out_i`` (u, w,
    hops) and ``out_f`` (minutes, km).
    """
    dist, flag, pos, touched, _, _, tgt = scratch
    count = 0
    hops = 0
    bi, bo = beg[n + v], beg[v]
    max_out = 0.0
    for j in range(bo, bo + ln[v]):
        max_out = max(max_out, pm[j])
        tgt[pn[j]] = pm[j]
    for i in range(bi, bi + ln[n + v]):
        u = pn[i]
        m_uv = pm[i]
        n_targets = ln[v] - (1 if tgt[u] >= 0.0 else 0)
        if n_targets == 0:
            continue
        was = tgt[u]
        tgt[u] = -1.0
        nt = _witness(beg, ln, pn, pm, u, v, m_uv, m_uv + max_out, settle_max, n_targets, tgt, in_set,
                      scratch)
        tgt[u] = was
        for j in range(bo, bo + ln[v]):
            w = pn[j]
            if w == u or _witnessed(dist[w], flag[w], m_uv + pm[j]):
                continue
            if do_out:
                r = base + count
                out_i[r, 0], out_i[r, 1], out_i[r, 2] = u, w, ph[i] + ph[j]
                out_f[r, 0], out_f[r, 1] = m_uv + pm[j], pk[i] + pk[j]
            count += 1
            hops += ph[i] + ph[j]
        for t in range(nt):
            dist[touched[t]] = np.inf
            pos[touched[t]] = -1
    for j in range(bo, bo + ln[v]):
        tgt[pn[j]] = -1.0
    return count, hops


@_jit
def rank(n, pool, nodes, start, step, count, level, settle_max, scratch, in_set, out_prio):
    """Priorities of ``nodes[start:count:step]`` into ``out_prio`` (same positions), on the current graph
    (read only): level + shortcuts added / edges removed + the same ratio in hops (RoutingKit)."""
    beg, ln, _, pn, pm, pk, ph = pool
    dummy_i = np.empty((0, 3), np.int64)
    dummy_f = np.empty((0, 2))
    for k in range(start, count, step):
        v = nodes[k]
        added, added_hops = _shortcuts(n, beg, ln, pn, pm, pk, ph, v, settle_max, scratch, in_set, dummy_i,
                                       dummy_f, 0, False)
        removed = ln[v] + ln[n + v]
        removed_hops = 0
        for i in range(beg[v], beg[v] + ln[v]):
            removed_hops += ph[i]
        for i in range(beg[n + v], beg[n + v] + ln[n + v]):
            removed_hops += ph[i]
        out_prio[k] = level[v] if removed == 0 else level[v] + added / removed + added_hops / removed_hops


@_jit
def find_shortcuts(n, pool, nodes, start, step, count, offsets, settle_max, scratch, in_set, out_i, out_f,
                   found):
    """Shortcuts of ``nodes[start:count:step]`` (read only; witnesses may pass through the other nodes of
    ``in_set``, the round's set): node ``k``'s rows from ``offsets[k]``, their number in ``found[k]``."""
    beg, ln, _, pn, pm, pk, ph = pool
    for k in range(start, count, step):
        found[k], _ = _shortcuts(n, beg, ln, pn, pm, pk, ph, nodes[k], settle_max, scratch, in_set, out_i,
                                 out_f, offsets[k], True)


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
def candidates(n, pool, alive, n_alive, prio, dirty, out):
    """Alive nodes to re-rank: dirty ones that look like local minima; returns their number (in ``out``)."""
    beg, ln, pn = pool[0], pool[1], pool[3]
    c = 0
    for a in range(n_alive):
        v = alive[a]
        if dirty[v] and _is_local_min(n, beg, ln, pn, prio, v):
            out[c] = v
            c += 1
    return c


@_jit
def choose(n, pool, alive, n_alive, prio, dirty, cand, n_cand, cand_prio, chosen, offsets, in_set):
    """Take the new priorities of ``cand``; move the clean local minima of ``alive`` to ``chosen`` (marked
    in ``in_set``) with their shortcut rows' offsets; returns (chosen, still alive, rows needed)."""
    beg, ln, pn = pool[0], pool[1], pool[3]
    for k in range(n_cand):
        prio[cand[k]] = cand_prio[k]
        dirty[cand[k]] = False
    kept, c, rows = 0, 0, 0
    for a in range(n_alive):
        v = alive[a]
        if dirty[v] or not _is_local_min(n, beg, ln, pn, prio, v):
            alive[kept] = v
            kept += 1
            continue
        chosen[c] = v
        offsets[c] = rows
        in_set[v] = True
        rows += ln[v] * ln[n + v]
        c += 1
    return c, kept, rows


@_jit
def apply(n, pool, top, chosen, n_chosen, offsets, found, out_i, out_f, rec, level, dirty, prio, in_set,
          order, n_done):
    """Contract the ``chosen`` nodes in turn with the shortcuts found for them: add the shortcuts, record each
    node's up edges (its out-edges) and down edges (its in-edges), remove it; neighbours get level ≥ its
    level + 1 and are marked dirty. The pool and record arrays may be reallocated: returns them all,
    (pool, top, rec, n_done)."""
    beg, ln, cap, pn, pm, pk, ph = pool
    up_i, up_f, n_up, dn_i, dn_f, n_dn = rec
    for c in range(n_chosen):
        v = chosen[c]
        need = _room(n, beg, ln, cap, pn, v)
        if top + need > pn.shape[0]:
            top = _compact(beg, ln, cap, pn, pm, pk, ph)
            if top + need > pn.shape[0] * 3 // 4:
                pn, pm, pk, ph = _grow(pn, pm, pk, ph, 2 * (top + need))
        up_i, up_f = _records(up_i, up_f, n_up, ln[v])
        dn_i, dn_f = _records(dn_i, dn_f, n_dn, ln[n + v])
        for j in range(beg[v], beg[v] + ln[v]):
            up_i[n_up, 0], up_i[n_up, 1], up_f[n_up, 0], up_f[n_up, 1] = v, pn[j], pm[j], pk[j]
            n_up += 1
        for i in range(beg[n + v], beg[n + v] + ln[n + v]):
            dn_i[n_dn, 0], dn_i[n_dn, 1], dn_f[n_dn, 0], dn_f[n_dn, 1] = v, pn[i], pm[i], pk[i]
            n_dn += 1
        for r in range(offsets[c], offsets[c] + found[c]):
            top = _set_edge(n, beg, ln, cap, pn, pm, pk, ph, top, out_i[r, 0], out_i[r, 1], out_f[r, 0],
                            out_f[r, 1], out_i[r, 2])
        for lst, other in ((v, n), (n + v, 0)):
            for j in range(beg[lst], beg[lst] + ln[lst]):
                w = pn[j]
                _remove(beg, ln, pn, pm, pk, ph, other + w, v)
                level[w] = max(level[w], level[v] + 1)
                dirty[w] = True
        ln[v] = 0
        ln[n + v] = 0
        in_set[v] = False
        prio[v] = np.inf
        order[n_done] = v
        n_done += 1
    return (beg, ln, cap, pn, pm, pk, ph), top, (up_i, up_f, n_up, dn_i, dn_f, n_dn), n_done


@_jit
def start(n, indptr, indices, mins, kms):
    """The pool (:func:`_initial_lists`) and empty edge records."""
    beg, ln, cap, pn, pm, pk, ph, top = _initial_lists(n, indptr, indices, mins, kms)
    rec = (np.empty((n, 2), np.int64), np.empty((n, 2)), 0, np.empty((n, 2), np.int64), np.empty((n, 2)), 0)
    return (beg, ln, cap, pn, pm, pk, ph), top, rec
