"""Plain Dijkstra on the contracted core graph with scipy (the kernel without numba, and the reference).

:func:`augmented` adds a virtual start node per source that enters the core at several nodes or after
some minutes (an interior chain node);
:func:`tree_km` sums the km of each node's path in scipy's predecessor trees by pointer jumping
(vectorised, ``log2(depth)`` passes), not by a Python loop.
"""

from __future__ import annotations

import weakref

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from geo._roads.chains import Contracted, path_sums

__all__ = ["augmented", "core_arrays", "scipy_values", "tree_km"]

#: Upper bound on (sources in a batch) × (nodes of the core graph), to keep each batch's arrays ≈ 100 MB.
_BATCH_CELLS = 4_000_000
#: Elements per pointer-jumping chunk (random access stays within the CPU cache).
_CACHE_ELEMENTS = 131_072


def core_arrays(con: Contracted, backward: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CSR ``(indptr, indices, minutes, km)`` of the core graph, or of its reverse (cached per graph)."""
    if not backward:
        return con.indptr, con.indices, con.edge_minutes, con.edge_km
    rev = _REVERSED.get(con)
    if rev is None:
        frm = np.repeat(np.arange(con.n_core, dtype=np.int64), np.diff(con.indptr))
        order = np.lexsort((frm, con.indices))
        indptr = np.zeros(con.n_core + 1, dtype=np.int64)
        np.cumsum(np.bincount(con.indices, minlength=con.n_core), out=indptr[1:])
        rev = (indptr, frm[order].astype(np.int32), con.edge_minutes[order], con.edge_km[order])
        _REVERSED[con] = rev
    return rev


_REVERSED: weakref.WeakKeyDictionary[Contracted, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def augmented(
    base: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    starts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """The graph ``base`` plus a virtual node per source that does not start at one node after 0 minutes:
    (csr minutes, km per edge, start node per source)."""
    b_indptr, b_indices, b_min, b_km = base
    n = len(b_indptr) - 1
    st_ptr, st_node, st_min, st_km = starts
    count = np.diff(st_ptr)
    start = np.full(len(count), -1, dtype=np.int64)
    one = np.flatnonzero(count == 1)
    simple = one[st_min[st_ptr[one]] == 0]
    start[simple] = st_node[st_ptr[simple]]
    virt_src = np.flatnonzero((count > 0) & (start < 0))
    if len(virt_src) == 0:
        return sp.csr_matrix((b_min, b_indices, b_indptr), shape=(n, n)), b_km, start
    virt = n + np.arange(len(virt_src))
    start[virt_src] = virt
    take = np.concatenate([np.arange(st_ptr[i], st_ptr[i + 1]) for i in virt_src])
    r, c, mi, ki = np.repeat(virt, count[virt_src]), st_node[take], st_min[take], st_km[take]
    order = np.lexsort((ki, mi, c, r))  # one edge per (virtual node, core node): the fastest
    r, c, mi, ki = r[order], c[order], mi[order], ki[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    r, c, mi, ki = r[first], c[first], mi[first], ki[first]
    n_all = n + len(virt_src)
    extra = np.concatenate([[0], np.cumsum(np.bincount(r - n, minlength=len(virt_src)))])
    indptr = np.concatenate([b_indptr, b_indptr[-1] + extra[1:]])
    indices = np.concatenate([b_indices, c.astype(np.int32)])
    csr = sp.csr_matrix((np.concatenate([b_min, mi]), indices, indptr), shape=(n_all, n_all))
    return csr, np.concatenate([b_km, ki]), start


def scipy_values(
    con: Contracted,
    starts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    core_cols: np.ndarray,
    limit: float,
    backward: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and km from each source to the core nodes ``core_cols``: scipy's Dijkstra on the core graph
    (reversed when ``backward``), batched, path km by pointer jumping along the predecessor trees."""
    st_ptr = starts[0]
    b = len(st_ptr) - 1
    out_min = np.full((b, len(core_cols)), np.inf)
    out_km = np.full_like(out_min, np.inf)
    batch = max(1, min(256, _BATCH_CELLS // max(con.n_core, 1)))
    base = core_arrays(con, backward)
    for lo in range(0, b, batch):
        hi = min(b, lo + batch)
        a, z = st_ptr[lo], st_ptr[hi]
        sub = (st_ptr[lo : hi + 1] - a, starts[1][a:z], starts[2][a:z], starts[3][a:z])
        csr, edge_km, start = augmented(base, sub)
        ok = start >= 0
        if not ok.any():
            continue
        dist, pred = dijkstra(csr, directed=True, indices=start[ok], return_predecessors=True, limit=limit)
        tkm = tree_km(csr, edge_km, pred)
        tkm[~np.isfinite(dist)] = np.inf
        rows = lo + np.flatnonzero(ok)
        out_min[rows] = dist[:, core_cols]
        out_km[rows] = tkm[:, core_cols]
    return out_min, out_km


def tree_km(csr: sp.csr_matrix, edge_km: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Length (km) of each node's path in a batch of predecessor trees, by pointer jumping."""
    b, n = pred.shape
    itype = np.int32 if b * n < 2**31 - 1 else np.int64
    flat_pred = pred.ravel()
    idx = np.flatnonzero(flat_pred >= 0).astype(itype)
    u = flat_pred[idx].astype(itype)
    v = (idx % n).astype(itype)
    # km of each tree edge u -> v: look for u among the in-edges of v (road nodes have few), slot by slot
    csc = csr.tocsc()
    csc.sort_indices()
    csc_km = edge_km[_csr_to_csc_order(csr)]
    step = np.zeros(b * n)
    lo = csc.indptr[v]
    hi = csc.indptr[v + 1]
    todo = np.arange(len(idx))
    slot = 0
    while todo.size:
        pos = lo[todo] + slot
        ok = pos < hi[todo]
        todo, pos = todo[ok], pos[ok]
        hit = csc.indices[pos] == u[todo]
        step[idx[todo[hit]]] = csc_km[pos[hit]]
        todo = todo[~hit]
        slot += 1
    # pointer jumping per chunk of rows (each source's tree on its own), small enough to stay in cache
    nxt = np.full(b * n, -1, dtype=itype)
    nxt[idx] = u
    nxt = nxt.reshape(b, n)
    step = step.reshape(b, n)
    rows = max(1, _CACHE_ELEMENTS // max(n, 1))
    for r0 in range(0, b, rows):
        chunk = nxt[r0 : r0 + rows]
        k = chunk.shape[0]
        offset = (np.arange(k, dtype=itype) * n)[:, None]
        local = np.where(chunk >= 0, chunk + offset, -1).ravel()
        step[r0 : r0 + rows] = path_sums(local, step[r0 : r0 + rows].ravel().copy()).reshape(k, n)
    return step


def _csr_to_csc_order(csr: sp.csr_matrix) -> np.ndarray:
    """Permutation of the CSR edge order into CSC (column-major, rows sorted) order."""
    rows = np.repeat(np.arange(csr.shape[0], dtype=np.int64), np.diff(csr.indptr))
    return np.lexsort((rows, csr.indices))
