"""Compiled queries (numba; imported by :mod:`geo._roads.jit` only): hierarchy query and plain Dijkstra.

Hierarchy query (PHAST restricted to the targets, "RPHAST")
----------------------------------------------------------
Nodes are numbered by importance (0 = most important). ``up`` lists hold each node's edges to more
important nodes in the direction of the search, ``down`` lists the edges from more important nodes into it.

1. :func:`restrict` — the nodes from which a target is reached going down (the closure of the targets
   under ``down`` tails), in sweep order; :func:`local_graph` renumbers their ``down`` edges locally.
2. :func:`hierarchy_query` — per source, a Dijkstra on the ``up`` lists (stalled on demand with the ``down``
   lists); then, for :data:`WIDTH` sources at once, one pass over the restricted nodes from the most
   important down: ``d(v) = min(d(v), d(u) + minutes(u → v))``. km rides along with the minutes.

Plain Dijkstra (:func:`dijkstra_many`): one search per source on a CSR graph with km carried along,
stopping once every target column is settled; used on graphs without a hierarchy.
"""

from __future__ import annotations

import numba
import numpy as np

from geo._roads.kernels_heap import heap_pop, heap_push, iheap_pop, iheap_update

#: Cache compiled code on disk where :mod:`geo._roads.jit` pointed numba (nowhere when it found no place).
_CACHE: bool = bool(getattr(numba.config, "CACHE_DIR", ""))

_jit = numba.njit(cache=_CACHE, nogil=True)

#: Sources swept together (one pass over the restricted edges serves them all; SIMD lanes).
WIDTH = 8


@_jit
def restrict(n, down_ptr, down_nbr, seeds):
    """The nodes from which a seed is reached along ``down`` lists (seeds included), sorted ascending."""
    mark = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    top = 0
    count = 0
    for s in seeds:
        if not mark[s]:
            mark[s] = True
            stack[top] = s
            top += 1
            count += 1
    while top > 0:
        top -= 1
        v = stack[top]
        for e in range(down_ptr[v], down_ptr[v + 1]):
            u = down_nbr[e]
            if not mark[u]:
                mark[u] = True
                stack[top] = u
                top += 1
                count += 1
    out = np.empty(count, np.int64)
    k = 0
    for v in range(n):
        if mark[v]:
            out[k] = v
            k += 1
    return out


@_jit
def local_graph(n, nodes, down_ptr, down_nbr, down_min, down_km):
    """``down`` edges among ``nodes`` (sorted, closed under ``down`` tails) with local indices.

    Returns (local index of every node or -1, CSR pointer, tail, minutes, km) of the local graph.
    """
    loc = np.full(n, -1, np.int64)
    for i in range(nodes.shape[0]):
        loc[nodes[i]] = i
    m = 0
    for v in nodes:
        m += down_ptr[v + 1] - down_ptr[v]
    lptr = np.empty(nodes.shape[0] + 1, np.int64)
    ltail = np.empty(m, np.int64)
    lmin = np.empty(m)
    lkm = np.empty(m)
    k = 0
    lptr[0] = 0
    for i in range(nodes.shape[0]):
        v = nodes[i]
        for e in range(down_ptr[v], down_ptr[v + 1]):
            ltail[k] = loc[down_nbr[e]]
            lmin[k] = down_min[e]
            lkm[k] = down_km[e]
            k += 1
        lptr[i + 1] = k
    return loc, lptr, ltail, lmin, lkm


@_jit
def _upward(up, down, start, limit, loc, lane, dd, kk, scratch):
    """Dijkstra from one source on the ``up`` lists, stalled on demand; seeds lane ``lane`` of ``dd``/``kk``
    at the restricted nodes it touches (every tentative value is the length of a real path)."""
    up_ptr, up_nbr, up_min, up_km = up
    down_ptr, down_nbr, down_min, _ = down
    st_node, st_min, st_km = start
    dist, km, done, touched, heap_d, heap_v = scratch
    nt = 0
    hs = 0
    for e in range(st_node.shape[0]):
        v = st_node[e]
        if st_min[e] < dist[v]:
            if dist[v] == np.inf:
                touched[nt] = v
                nt += 1
            dist[v] = st_min[e]
            km[v] = st_km[e]
            hs = heap_push(heap_d, heap_v, hs, st_min[e], v)
    while hs > 0:
        d, v, hs = heap_pop(heap_d, heap_v, hs)
        if done[v] or d > dist[v]:
            continue
        if d > limit:
            break
        done[v] = True
        stalled = False
        for e in range(down_ptr[v], down_ptr[v + 1]):
            if dist[down_nbr[e]] + down_min[e] < d:
                stalled = True
                break
        if stalled:
            continue
        for e in range(up_ptr[v], up_ptr[v + 1]):
            w = up_nbr[e]
            nd = d + up_min[e]
            if nd < dist[w]:
                if dist[w] == np.inf:
                    touched[nt] = w
                    nt += 1
                dist[w] = nd
                km[w] = km[v] + up_km[e]
                hs = heap_push(heap_d, heap_v, hs, nd, w)
    width = WIDTH
    for j in range(nt):
        v = touched[j]
        r = loc[v]
        if r >= 0:
            dd[r * width + lane] = dist[v]
            kk[r * width + lane] = km[v]
        dist[v] = np.inf
        km[v] = np.inf
        done[v] = False


@_jit
def _sweep(lptr, ltail, lmin, lkm, dd, kk):
    """One pass over the restricted nodes, most important first, for all lanes at once."""
    width = WIDTH
    for r in range(lptr.shape[0] - 1):
        base = r * width
        for e in range(lptr[r], lptr[r + 1]):
            t = ltail[e] * width
            m = lmin[e]
            k = lkm[e]
            for c in range(width):
                cand = dd[t + c] + m
                if cand < dd[base + c]:
                    dd[base + c] = cand
                    kk[base + c] = kk[t + c] + k


@_jit
def _sweep_few(lptr, ltail, lmin, lkm, dd, kk, used):
    """:func:`_sweep` for the first ``used`` lanes only (a last, partly filled batch: no wasted lanes)."""
    width = WIDTH
    for r in range(lptr.shape[0] - 1):
        base = r * width
        for e in range(lptr[r], lptr[r + 1]):
            t = ltail[e] * width
            m = lmin[e]
            k = lkm[e]
            for c in range(used):
                cand = dd[t + c] + m
                if cand < dd[base + c]:
                    dd[base + c] = cand
                    kk[base + c] = kk[t + c] + k


@_jit
def hierarchy_query(up, down, st_ptr, st_node, st_min, st_km, targets, limit, out_min, out_km):
    """Minutes and km from each source to each target (node numbers of the hierarchy).

    ``up`` = (ptr, nbr, minutes, km) and ``down`` = (ptr, nbr, minutes, km) lists of the search direction;
    source ``i`` starts at ``st_node[st_ptr[i]:st_ptr[i + 1]]`` after the given minutes and km. Values above
    ``limit`` may be finite (callers drop them). One entry point on purpose: loading each compiled function
    from numba's cache costs a new process time, so the first query loads one.
    """
    n = up[0].shape[0] - 1
    nodes = restrict(n, down[0], down[1], targets)
    loc, lptr, ltail, lmin, lkm = local_graph(n, nodes, down[0], down[1], down[2], down[3])
    cap = up[1].shape[0] + st_node.shape[0] + 1
    scratch = (np.full(n, np.inf), np.full(n, np.inf), np.zeros(n, np.bool_), np.empty(n, np.int64),
               np.empty(cap), np.empty(cap, np.int64))
    width = WIDTH
    nr = lptr.shape[0] - 1
    dd = np.full(nr * width, np.inf)
    kk = np.full(nr * width, np.inf)
    b = st_ptr.shape[0] - 1
    for i0 in range(0, b, width):
        used = min(width, b - i0)
        for c in range(used):
            a, z = st_ptr[i0 + c], st_ptr[i0 + c + 1]
            _upward(up, down, (st_node[a:z], st_min[a:z], st_km[a:z]), limit, loc, c, dd, kk, scratch)
        if used == width:
            _sweep(lptr, ltail, lmin, lkm, dd, kk)
        else:
            _sweep_few(lptr, ltail, lmin, lkm, dd, kk, used)
        for j in range(targets.shape[0]):
            base = loc[targets[j]] * width
            for c in range(used):
                out_min[i0 + c, j] = dd[base + c]
                out_km[i0 + c, j] = kk[base + c]
        dd[:] = np.inf
        kk[:] = np.inf


@_jit
def _search(up, down, st_node, st_min, st_km, limit, scratch, out_node, out_min, out_km):
    """Upward Dijkstra from one start set, stalled on demand; writes the settled, unstalled nodes with their
    minutes and km to ``out_*`` and returns how many (every other touched node is reset)."""
    up_ptr, up_nbr, up_min, up_km = up
    down_ptr, down_nbr, down_min, _ = down
    dist, km, done, touched, heap_d, heap_v = scratch
    nt = 0
    hs = 0
    count = 0
    for e in range(st_node.shape[0]):
        v = st_node[e]
        if st_min[e] < dist[v]:
            if dist[v] == np.inf:
                touched[nt] = v
                nt += 1
            dist[v] = st_min[e]
            km[v] = st_km[e]
            hs = heap_push(heap_d, heap_v, hs, st_min[e], v)
    while hs > 0:
        d, v, hs = heap_pop(heap_d, heap_v, hs)
        if done[v] or d > dist[v]:
            continue
        if d > limit:
            break
        done[v] = True
        stalled = False
        for e in range(down_ptr[v], down_ptr[v + 1]):
            if dist[down_nbr[e]] + down_min[e] < d:
                stalled = True
                break
        if stalled:
            continue
        out_node[count] = v
        out_min[count] = d
        out_km[count] = km[v]
        count += 1
        for e in range(up_ptr[v], up_ptr[v + 1]):
            w = up_nbr[e]
            nd = d + up_min[e]
            if nd < dist[w]:
                if dist[w] == np.inf:
                    touched[nt] = w
                    nt += 1
                dist[w] = nd
                km[w] = km[v] + up_km[e]
                hs = heap_push(heap_d, heap_v, hs, nd, w)
    for j in range(nt):
        v = touched[j]
        dist[v] = np.inf
        km[v] = np.inf
        done[v] = False
    return count


@_jit
def buckets(up, down, targets, limit):
    """Backward upward searches from the targets (node numbers): (pointer by node, target, minutes, km) of
    the entries each leaves at the nodes it settles unstalled — the targets' half of :func:`bucket_join`."""
    n = up[0].shape[0] - 1
    cap = max(up[1].shape[0], down[1].shape[0]) + 2
    scratch = (np.full(n, np.inf), np.full(n, np.inf), np.zeros(n, np.bool_), np.empty(n, np.int64),
               np.empty(cap), np.empty(cap, np.int64))
    sn = np.empty(n, np.int64)
    sm = np.empty(n)
    sk = np.empty(n)
    zero = np.zeros(1)
    e_node = np.empty(1024, np.int64)
    e_t = np.empty(1024, np.int64)
    e_min = np.empty(1024)
    e_km = np.empty(1024)
    total = 0
    for j in range(targets.shape[0]):
        cnt = _search(down, up, targets[j : j + 1], zero, zero, limit, scratch, sn, sm, sk)
        if total + cnt > e_node.shape[0]:
            size = 2 * (total + cnt)
            e_node, e_t = _grown(e_node, size), _grown(e_t, size)
            e_min, e_km = _grown(e_min, size), _grown(e_km, size)
        for i in range(cnt):
            e_node[total + i] = sn[i]
            e_t[total + i] = j
            e_min[total + i] = sm[i]
            e_km[total + i] = sk[i]
        total += cnt
    bptr = np.zeros(n + 1, np.int64)
    for i in range(total):
        bptr[e_node[i] + 1] += 1
    for v in range(n):
        bptr[v + 1] += bptr[v]
    fill = bptr[:-1].copy()
    b_t = np.empty(total, np.int64)
    b_min = np.empty(total)
    b_km = np.empty(total)
    for i in range(total):
        k = fill[e_node[i]]
        fill[e_node[i]] += 1
        b_t[k] = e_t[i]
        b_min[k] = e_min[i]
        b_km[k] = e_km[i]
    return bptr, b_t, b_min, b_km


@_jit
def bucket_join(up, down, st_ptr, st_node, st_min, st_km, bucket, limit, out_min, out_km):
    """An upward search from each source meets the targets' bucket entries (:func:`buckets`) at the nodes it
    settles unstalled: the classic CH many-to-many (as OSRM does)."""
    n = up[0].shape[0] - 1
    bptr, b_t, b_min, b_km = bucket
    cap = up[1].shape[0] + st_node.shape[0] + 1
    scratch = (np.full(n, np.inf), np.full(n, np.inf), np.zeros(n, np.bool_), np.empty(n, np.int64),
               np.empty(cap), np.empty(cap, np.int64))
    sn = np.empty(n, np.int64)
    sm = np.empty(n)
    sk = np.empty(n)
    for i in range(st_ptr.shape[0] - 1):
        row_min = out_min[i]
        row_km = out_km[i]
        row_min[:] = np.inf
        row_km[:] = np.inf
        a, z = st_ptr[i], st_ptr[i + 1]
        cnt = _search(up, down, st_node[a:z], st_min[a:z], st_km[a:z], limit, scratch, sn, sm, sk)
        for q in range(cnt):
            v = sn[q]
            d = sm[q]
            k = sk[q]
            for e in range(bptr[v], bptr[v + 1]):
                cand = d + b_min[e]
                t = b_t[e]
                if cand < row_min[t]:
                    row_min[t] = cand
                    row_km[t] = k + b_km[e]


@_jit
def sweep_cost(up, down, n_src, targets, costs):
    """Estimated seconds of :func:`hierarchy_query`: (sources + 4) × edges of the targets' downward closure
    × ``costs[0]``."""
    nodes = restrict(up[0].shape[0] - 1, down[0], down[1], targets)
    total = 0
    for v in nodes:
        total += down[0][v + 1] - down[0][v]
    return costs[0] * (n_src + 4) * total


@_jit
def bucket_cost(n_src, n_tgt, costs):
    """Estimated seconds of the bucket query: a search per source and target (``costs[3]`` each) and the
    join, ``costs[1]`` per source-target pair and node of a mean search space (``costs[2]``)."""
    return (n_src + n_tgt) * costs[3] + costs[1] * n_src * n_tgt * costs[2]


@_jit
def matrix(up, down, st_ptr, st_node, st_min, st_km, targets, limit, out_min, out_km, costs):
    """Minutes and km from each source to each target, by whichever of the sweep (:func:`hierarchy_query`)
    and the buckets (:func:`buckets` + :func:`bucket_join`) costs less (:func:`sweep_cost`,
    :func:`bucket_cost`). One entry point on purpose: a new process loads one compiled function from numba's
    cache for its first query."""
    n_src = st_ptr.shape[0] - 1
    if sweep_cost(up, down, n_src, targets, costs) <= bucket_cost(n_src, targets.shape[0], costs):
        hierarchy_query(up, down, st_ptr, st_node, st_min, st_km, targets, limit, out_min, out_km)
    else:
        bucket_join(up, down, st_ptr, st_node, st_min, st_km, buckets(up, down, targets, limit), limit,
                    out_min, out_km)


@_jit
def search_space(up, down, starts):
    """Mean number of nodes an upward search settles unstalled, over the start nodes ``starts``."""
    n = up[0].shape[0] - 1
    cap = up[1].shape[0] + 2
    scratch = (np.full(n, np.inf), np.full(n, np.inf), np.zeros(n, np.bool_), np.empty(n, np.int64),
               np.empty(cap), np.empty(cap, np.int64))
    sn = np.empty(n, np.int64)
    sm = np.empty(n)
    sk = np.empty(n)
    zero = np.zeros(1)
    total = 0
    for j in range(starts.shape[0]):
        total += _search(up, down, starts[j : j + 1], zero, zero, np.inf, scratch, sn, sm, sk)
    return total / max(starts.shape[0], 1)


@_jit
def _grown(arr, size):
    out = np.empty(size, arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@_jit
def dijkstra_many(
    ptr, nbr, wmin, wkm, st_ptr, st_node, st_min, st_km, col_of, n_cols, limit, out_min, out_km
):
    """Plain Dijkstra per source (indexed 4-ary heap, km carried along) to the nodes with ``col_of[v] >= 0``.

    Writes minutes and km at column ``col_of[v]`` of each source's row; stops a search once all ``n_cols``
    columns are settled or past ``limit``. Unreached columns are ``inf``.
    """
    n = ptr.shape[0] - 1
    dist = np.full(n, np.inf)
    km = np.full(n, np.inf)
    pos = np.full(n, -1, np.int64)
    touched = np.empty(n, np.int64)
    heap_d = np.empty(n)
    heap_v = np.empty(n, np.int64)
    for i in range(st_ptr.shape[0] - 1):
        out_min[i, :] = np.inf
        out_km[i, :] = np.inf
        nt = 0
        hs = 0
        for e in range(st_ptr[i], st_ptr[i + 1]):
            v = st_node[e]
            if st_min[e] < dist[v]:
                if dist[v] == np.inf:
                    touched[nt] = v
                    nt += 1
                dist[v] = st_min[e]
                km[v] = st_km[e]
                hs = iheap_update(heap_d, heap_v, pos, hs, st_min[e], v)
        left = n_cols
        while hs > 0 and left > 0:
            d, v, hs = iheap_pop(heap_d, heap_v, pos, hs)
            if d > limit:
                break
            c = col_of[v]
            if c >= 0:
                out_min[i, c] = d
                out_km[i, c] = km[v]
                left -= 1
            for e in range(ptr[v], ptr[v + 1]):
                w = nbr[e]
                if pos[w] == -2:
                    continue
                nd = d + wmin[e]
                if nd < dist[w]:
                    if dist[w] == np.inf:
                        touched[nt] = w
                        nt += 1
                    dist[w] = nd
                    km[w] = km[v] + wkm[e]
                    hs = iheap_update(heap_d, heap_v, pos, hs, nd, w)
        for j in range(nt):
            v = touched[j]
            dist[v] = np.inf
            km[v] = np.inf
            pos[v] = -1
