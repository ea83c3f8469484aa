"""Plain Dijkstra on the contracted core graph with scipy (the kernel without numba, and the reference).

:func:`augmented` adds a virtual start node per interior source (joined to the ends of its chain);
:func:`tree_km` sums the km of each node's path in scipy's predecessor trees by pointer jumping
(vectorised, ``log2(depth)`` passes), not by a Python loop.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from geo._roads.chains import Contracted, path_sums

__all__ = ["augmented", "tree_km"]

#: Elements per pointer-jumping chunk (random access stays within the CPU cache).
_CACHE_ELEMENTS = 131_072


def augmented(
    con: Contracted, sources: np.ndarray, base: tuple[np.ndarray, ...] | None = None
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Core graph plus a virtual node per interior source: (csr minutes, km per edge, start per source).

    ``base`` replaces the core graph's CSR arrays ``(indptr, indices, minutes, km)`` (the upward graph of
    the hierarchy); its nodes are the core nodes.
    """
    n_core = con.n_core
    b_indptr, b_indices, b_min, b_km = (
        (con.indptr, con.indices, con.edge_minutes, con.edge_km) if base is None else base
    )
    start = con.core_of[sources].copy()
    inner = np.flatnonzero(start < 0)
    if len(inner) == 0:
        csr = sp.csr_matrix((b_min, b_indices, b_indptr), shape=(n_core, n_core))
        return csr, b_km, start
    virt = n_core + np.arange(len(inner))
    start[inner] = virt
    rows, cols, mins, kms = [], [], [], []
    for col in range(2):
        p = con.node_pass[sources[inner], col]
        ok = p >= 0
        rows.append(virt[ok])
        cols.append(con.pass_end[p[ok]])
        mins.append(con.pass_rest_minutes[p[ok]])
        kms.append(con.pass_rest_km[p[ok]])
    r, c = np.concatenate(rows), np.concatenate(cols)
    mi, ki = np.concatenate(mins), np.concatenate(kms)
    order = np.lexsort((ki, mi, c, r))
    r, c, mi, ki = r[order], c[order], mi[order], ki[order]
    uniq = np.ones(len(r), dtype=bool)
    uniq[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    r, c, mi, ki = r[uniq], c[uniq], mi[uniq], ki[uniq]
    n_all = n_core + len(inner)
    extra_ptr = np.zeros(len(inner) + 1, dtype=np.int64)
    np.add.at(extra_ptr, r - n_core + 1, 1)
    indptr = np.concatenate([b_indptr, b_indptr[-1] + np.cumsum(extra_ptr)[1:]])
    indices = np.concatenate([b_indices, c.astype(np.int32)])
    data_min = np.concatenate([b_min, mi])
    data_km = np.concatenate([b_km, ki])
    csr = sp.csr_matrix((data_min, indices, indptr), shape=(n_all, n_all))
    return csr, data_km, start


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
