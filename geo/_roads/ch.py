"""A node-elimination hierarchy for many-to-many queries on road graphs (PHAST / RPHAST style).

Used by :mod:`geo._roads.shortest` on the chain-contracted core graph, where plain Dijkstra per source has no
degree-2 nodes left to skip (already-simplified OSM graphs). Exact: times equal a plain Dijkstra's (float
rounding aside); km is that of a fastest path.

Preprocessing (:func:`build_hierarchy`, once per graph, cached by the caller)
-----------------------------------------------------------------------------
Nodes are eliminated in *rounds*. Each round picks an independent set of low-degree nodes (no two adjacent;
a node is picked when its score ``in·out − in − out`` is ≤ ``_MAX_SCORE`` and the smallest among its
neighbours', ties broken by a fixed hash, so the result is deterministic) and removes them, adding a
*shortcut* ``u → w`` for every in-edge ``u → v`` and out-edge ``v → w`` of each removed node ``v`` (minutes
and km of the two edges added) unless a *witness* path ``u → … → w`` that avoids every node removed in
this round is at least as fast (local Dijkstra, compiled, when numba is installed; else paths of one or
two edges, vectorised). Parallel edges keep the fastest, so every edge carries the minutes and km of one
real path, and the remaining graph keeps every shortest time between remaining nodes. Rounds stop when
the remaining graph (the *top core*) is small or no longer shrinks.

Query
-----
1. *Upward search* from each source (Dijkstra) on the *upward graph*: the out-edges each node had when it
   was removed (they lead to nodes removed later or to the top core) plus the top core's edges. This
   settles every top-core node exactly.
2. *Downward sweep* (:func:`sweep_plan`): rounds in reverse order, each removed node takes ``min(its upward
   value, min over its in-edges at removal u → v of dist(u) + minutes(u → v))``; only nodes from which a
   target is reached downward are swept (RPHAST).
3. km rides along: the km of the edge giving the minimum (an exact tie in minutes keeps the first found).

Two kernels: :func:`query_compiled` (numba: heap Dijkstra with km carried along, then the sweep for
``_SWEEP_WIDTH`` sources at a time) and, without numba, scipy's Dijkstra + tree km in
``geo._roads.shortest`` with
the vectorised :func:`sweep`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from geo._roads.kernels import no_witness_compiled, numba_available, ptr, query_kernel

__all__ = [
    "Hierarchy", "SweepPlan", "build_hierarchy", "numba_available", "query_compiled", "sweep", "sweep_plan",
]

#: Stop eliminating when the remaining graph has at most this share of the nodes ...
_CORE_SHARE = 0.005
#: ... or when a round would remove fewer than this share of the remaining nodes.
_MIN_ROUND_SHARE = 0.002
#: Highest node score (``in·out − in − out``, shortcuts added minus edges removed) allowed per round.
_MAX_SCORE = 400
_MAX_ROUNDS = 200


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """Result of :func:`build_hierarchy` on a graph of ``n`` nodes.

    Attributes
    ----------
    n
        Number of nodes.
    level
        Round in which each node was removed, ``n_rounds`` for top-core nodes, shape (n,).
    n_rounds
        Number of elimination rounds.
    up_indptr, up_indices, up_minutes, up_km
        CSR upward graph (n × n): removed nodes' out-edges at removal, plus the top core's edges.
    down_head, down_tail, down_minutes, down_km
        In-edges ``tail → head`` of every removed node at removal, sorted by (level of head, head).
    down_level_ptr
        Offsets of each level in the ``down_*`` arrays, shape (n_rounds + 1,).
    """
    n: int
    level: np.ndarray
    n_rounds: int
    up_indptr: np.ndarray
    up_indices: np.ndarray
    up_minutes: np.ndarray
    up_km: np.ndarray
    down_head: np.ndarray
    down_tail: np.ndarray
    down_minutes: np.ndarray
    down_km: np.ndarray
    down_level_ptr: np.ndarray

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The hierarchy as named arrays (for ``np.savez``); :meth:`from_arrays` reads them back."""
        out = {k: getattr(self, k) for k in _H_ARRAYS}
        out["sizes"] = np.array([self.n, self.n_rounds], dtype=np.int64)
        return out

    @classmethod
    def from_arrays(cls, arrays: Any) -> Hierarchy:
        """Rebuild from :meth:`to_arrays` output; ``ValueError`` when an array is missing or inconsistent."""
        try:
            n, n_rounds = (int(x) for x in np.asarray(arrays["sizes"]))
            a = {k: np.asarray(arrays[k]) for k in _H_ARRAYS}
        except (KeyError, TypeError, ValueError) as err:
            msg = f"hierarchy arrays are incomplete ({err})"
            raise ValueError(msg) from err
        m_up, m_down = len(a["up_indices"]), len(a["down_head"])
        ok = (
            a["level"].shape == (n,) and a["up_indptr"].shape == (n + 1,)
            and a["down_level_ptr"].shape == (n_rounds + 1,)
            and all(len(a[k]) == m_up for k in ("up_minutes", "up_km"))
            and all(len(a[k]) == m_down for k in ("down_tail", "down_minutes", "down_km"))
            and (n == 0 or int(a["up_indptr"][-1]) == m_up)
        )
        if not ok:
            msg = "hierarchy arrays have inconsistent shapes"
            raise ValueError(msg)
        return cls(n=n, n_rounds=n_rounds, **a)

    @property
    def n_top(self) -> int:
        """Number of top-core nodes."""
        return int(np.count_nonzero(self.level == self.n_rounds))


_H_ARRAYS = (
    "level", "up_indptr", "up_indices", "up_minutes", "up_km",
    "down_head", "down_tail", "down_minutes", "down_km", "down_level_ptr",
)


def _dedupe(frm: np.ndarray, to: np.ndarray, mins: np.ndarray, kms: np.ndarray, n: int):
    """Sort edges by (from, to) and keep the fastest (then shortest) of parallel edges; drop self-loops."""
    keep = frm != to
    frm, to, mins, kms = frm[keep], to[keep], mins[keep], kms[keep]
    order = np.lexsort((kms, mins, to, frm))
    frm, to, mins, kms = frm[order], to[order], mins[order], kms[order]
    first = np.ones(len(frm), dtype=bool)
    first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
    return frm[first], to[first], mins[first], kms[first]


def _merge(
    edges: tuple[np.ndarray, ...], shortcuts: tuple[np.ndarray, ...], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge sorted, parallel-free shortcuts into the sorted, parallel-free edges (as :func:`_dedupe`).

    A shortcut parallel to an edge replaces it when faster (then shorter); otherwise it is dropped.
    """
    frm, to, mins, kms = edges
    s_frm, s_to, s_min, s_km = shortcuts
    key = frm * n + to
    s_key = s_frm * n + s_to
    pos = np.searchsorted(key, s_key)
    hit = pos < len(key)
    hit[hit] = key[pos[hit]] == s_key[hit]
    if hit.any():
        p, q = pos[hit], np.flatnonzero(hit)
        better = (s_min[q] < mins[p]) | ((s_min[q] == mins[p]) & (s_km[q] < kms[p]))
        mins, kms = mins.copy(), kms.copy()
        mins[p[better]] = s_min[q[better]]
        kms[p[better]] = s_km[q[better]]
    new = ~hit
    at = pos[new]
    return (
        np.insert(frm, at, s_frm[new]), np.insert(to, at, s_to[new]),
        np.insert(mins, at, s_min[new]), np.insert(kms, at, s_km[new]),
    )


def _hash(n: int) -> np.ndarray:
    """A fixed pseudo-random permutation value per node (deterministic tie-break)."""
    x = np.arange(n, dtype=np.uint64)
    x = (x * np.uint64(0x9E3779B97F4A7C15)) ^ (x >> np.uint64(7))
    return (x % np.uint64(2**31 - 1)).astype(np.int64)


def _no_witness(
    frm: np.ndarray, to: np.ndarray, mins: np.ndarray, pick: np.ndarray,
    s_frm: np.ndarray, s_to: np.ndarray, s_min: np.ndarray, n: int,
) -> np.ndarray:
    """Mask of shortcuts ``u → w`` with no path of one or two edges avoiding picked nodes as fast.

    ``frm`` is sorted; a witness ``u → x → w`` (``x`` not removed in this round) or a direct edge
    ``u → w`` at most as fast makes the shortcut unnecessary: dropping it keeps every shortest time.
    """
    need = s_frm != s_to
    if not need.any():
        return need
    indptr = ptr(frm, n)
    key = frm * n + to
    # direct edge u -> w
    k = s_frm * n + s_to
    pos = np.minimum(np.searchsorted(key, k), len(key) - 1)
    need &= ~((key[pos] == k) & (mins[pos] <= s_min))
    # two edges u -> x -> w, x not picked
    idx = np.flatnonzero(need)
    deg = indptr[s_frm[idx] + 1] - indptr[s_frm[idx]]
    rep = np.repeat(idx, deg)
    e1 = indptr[s_frm[rep]] + (np.arange(len(rep)) - np.repeat(np.cumsum(deg) - deg, deg))
    x = to[e1]
    ok = ~pick[x]
    rep, e1, x = rep[ok], e1[ok], x[ok]
    k2 = x * n + s_to[rep]
    pos = np.minimum(np.searchsorted(key, k2), len(key) - 1)
    hit = (key[pos] == k2) & (mins[e1] + mins[pos] <= s_min[rep])
    need[rep[hit]] = False
    return need


def build_hierarchy(
    n: int, frm: np.ndarray, to: np.ndarray, minutes: np.ndarray, km: np.ndarray, *, compiled: bool = True
) -> Hierarchy:
    """Eliminate nodes round by round (module docstring).

    Parameters
    ----------
    n
        Number of nodes.
    frm, to, minutes, km
        Directed edges (node indices, minutes, km).
    compiled
        Use the compiled witness search (bounded local Dijkstra, when numba is installed) instead of the
        vectorised one (witness paths of at most two edges). Either gives exact times; the compiled one
        adds fewer shortcuts.

    Returns
    -------
    Hierarchy
    """
    frm, to, mins, kms = _dedupe(
        np.asarray(frm, np.int64), np.asarray(to, np.int64), np.asarray(minutes, float),
        np.asarray(km, float), n,
    )
    use_kernel = compiled and numba_available()
    level = np.full(n, -1, dtype=np.int64)
    tie = _hash(n)
    up_parts: list[tuple[np.ndarray, ...]] = []
    down_parts: list[tuple[np.ndarray, ...]] = []
    alive = n
    rnd = 0
    while rnd < _MAX_ROUNDS and alive > _CORE_SHARE * n and len(frm):
        outdeg = np.bincount(frm, minlength=n)
        indeg = np.bincount(to, minlength=n)
        score = indeg * outdeg - indeg - outdeg
        alive_mask = level < 0
        ok = alive_mask & (score <= _MAX_SCORE)
        # key: lower score first, then hash; a node is picked when its key is below all its neighbours'
        key = np.where(ok, score * (2**31) + tie, np.iinfo(np.int64).max)
        nb_min = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(nb_min, frm, key[to])
        np.minimum.at(nb_min, to, key[frm])
        pick = ok & (key < nb_min)
        n_pick = int(pick.sum())
        if n_pick < max(1, _MIN_ROUND_SHARE * alive):
            break
        level[pick] = rnd
        out_sel = pick[frm]
        in_sel = pick[to]
        # record: upward = out-edges of picked nodes, downward = in-edges of picked nodes
        up_parts.append((frm[out_sel], to[out_sel], mins[out_sel], kms[out_sel]))
        down_parts.append((to[in_sel], frm[in_sel], mins[in_sel], kms[in_sel]))
        # shortcuts: every in-edge u -> v times every out-edge v -> w of a picked v
        o_idx = np.flatnonzero(out_sel)  # sorted by frm (edges are sorted by (frm, to))
        i_idx = np.flatnonzero(in_sel)
        o_v = frm[o_idx]
        i_v = to[i_idx]
        o_start = ptr(o_v, n)  # first out-edge slot of each node among o_idx
        cnt = outdeg[i_v]
        rep_i = np.repeat(i_idx, cnt)
        offs = np.arange(len(rep_i)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        rep_o = o_idx[o_start[np.repeat(i_v, cnt)] + offs]
        s_frm, s_to = frm[rep_i], to[rep_o]
        s_min, s_km = mins[rep_i] + mins[rep_o], kms[rep_i] + kms[rep_o]
        if use_kernel:
            need = no_witness_compiled(frm, to, mins, pick, s_frm, s_to, s_min, n)
        else:
            need = _no_witness(frm, to, mins, pick, s_frm, s_to, s_min, n)
        s_frm, s_to, s_min, s_km = s_frm[need], s_to[need], s_min[need], s_km[need]
        keep = ~(out_sel | in_sel)
        frm, to, mins, kms = _merge(
            (frm[keep], to[keep], mins[keep], kms[keep]), _dedupe(s_frm, s_to, s_min, s_km, n), n
        )
        alive -= n_pick
        rnd += 1
    level[level < 0] = rnd
    # upward graph: recorded out-edges + remaining (top core) edges
    parts = [*up_parts, (frm, to, mins, kms)]
    uf = np.concatenate([p[0] for p in parts])
    ut = np.concatenate([p[1] for p in parts])
    um = np.concatenate([p[2] for p in parts])
    uk = np.concatenate([p[3] for p in parts])
    uf, ut, um, uk = _dedupe(uf, ut, um, uk, n)
    up_indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(up_indptr, uf + 1, 1)
    up_indptr = np.cumsum(up_indptr)
    if down_parts:
        dh = np.concatenate([p[0] for p in down_parts])
        dt = np.concatenate([p[1] for p in down_parts])
        dm = np.concatenate([p[2] for p in down_parts])
        dk = np.concatenate([p[3] for p in down_parts])
    else:
        dh = dt = np.zeros(0, np.int64)
        dm = dk = np.zeros(0)
    order = np.lexsort((dt, dh, level[dh]))
    dh, dt, dm, dk = dh[order], dt[order], dm[order], dk[order]
    level_ptr = np.searchsorted(level[dh], np.arange(rnd + 1))
    return Hierarchy(
        n=n, level=level, n_rounds=rnd,
        up_indptr=up_indptr, up_indices=ut.astype(np.int32), up_minutes=um, up_km=uk,
        down_head=dh, down_tail=dt, down_minutes=dm, down_km=dk, down_level_ptr=level_ptr,
    )


@dataclass(frozen=True, eq=False)
class SweepPlan:
    """The downward sweep restricted to the nodes from which given targets are reached (RPHAST).

    ``nodes`` are the swept nodes (sorted); ``segments`` is a list of ``(head, tail, minutes, km)`` arrays
    in positions of ``nodes``, to be applied in order; within one segment heads are distinct and every tail
    is final.
    """
    nodes: np.ndarray
    segments: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    flat: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def sweep_plan(h: Hierarchy, targets: np.ndarray, *, segments: bool = True) -> SweepPlan:
    """Plan the downward sweep that gives exact times at ``targets`` (node indices of the hierarchy).

    ``segments=False`` skips the per-slot segments of the vectorised :func:`sweep` (the compiled kernel
    uses only ``flat``).
    """
    needed = np.zeros(h.n, dtype=bool)
    needed[targets] = True
    ptr = h.down_level_ptr
    for r in range(h.n_rounds):
        heads = h.down_head[ptr[r] : ptr[r + 1]]
        sel = needed[heads]
        needed[h.down_tail[ptr[r] : ptr[r + 1]][sel]] = True
    nodes = np.flatnonzero(needed)
    pos = np.full(h.n, -1, dtype=np.int64)
    pos[nodes] = np.arange(len(nodes))
    segs = []
    flat: list[tuple[np.ndarray, ...]] = []
    for r in range(h.n_rounds - 1, -1, -1):
        lo, hi = ptr[r], ptr[r + 1]
        head = h.down_head[lo:hi]
        sel = np.flatnonzero(needed[head])
        if not len(sel):
            continue
        head = head[sel]
        tail = h.down_tail[lo:hi][sel]
        mins = h.down_minutes[lo:hi][sel]
        kms = h.down_km[lo:hi][sel]
        flat.append((head, tail, mins, kms))
        if not segments:
            continue
        # slot of each edge within its head's group (edges are sorted by head)
        start = np.ones(len(head), dtype=bool)
        start[1:] = head[1:] != head[:-1]
        first = np.maximum.accumulate(np.where(start, np.arange(len(head)), 0))
        slot = np.arange(len(head)) - first
        for k in range(int(slot.max()) + 1):
            s = slot == k
            segs.append((pos[head[s]], pos[tail[s]], mins[s], kms[s]))
    if flat:
        cat = tuple(np.concatenate([f[i] for f in flat]) for i in range(4))
    else:
        cat = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    return SweepPlan(nodes=nodes, segments=segs, flat=cat)  # type: ignore[arg-type]


def sweep(plan: SweepPlan, dist: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply the downward sweep to upward-search results.

    Parameters
    ----------
    plan
        From :func:`sweep_plan`.
    dist, km
        Upward-search minutes and km, shape (batch, n) (columns = hierarchy nodes).

    Returns
    -------
    minutes, km
        Shape (len(plan.nodes), batch): exact values at the planned nodes.
    """
    d = np.ascontiguousarray(dist[:, plan.nodes].T)
    k = np.ascontiguousarray(km[:, plan.nodes].T)
    for head, tail, mins, kms in plan.segments:
        cand = d[tail] + mins[:, None]
        cur = d[head]
        better = cand < cur
        d[head] = np.where(better, cand, cur)
        k[head] = np.where(better, k[tail] + kms[:, None], k[head])
    return d, k


def query_compiled(
    h: Hierarchy,
    plan: SweepPlan,
    st_ptr: np.ndarray,
    st_node: np.ndarray,
    st_min: np.ndarray,
    st_km: np.ndarray,
    cols: np.ndarray,
    limit: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and km from each source to the nodes ``cols`` (compiled kernel; needs numba).

    Source ``i`` starts from the nodes ``st_node[st_ptr[i]:st_ptr[i + 1]]`` at the given minutes and km.
    Values above ``limit`` may be finite (callers drop them); unreached nodes are ``inf``.
    """
    b = len(st_ptr) - 1
    out_min = np.empty((b, len(cols)))
    out_km = np.empty((b, len(cols)))
    head, tail, mins, kms = plan.flat
    query_kernel()(
        h.up_indptr, h.up_indices.astype(np.int64), h.up_minutes, h.up_km,
        st_ptr.astype(np.int64), st_node.astype(np.int64), st_min.astype(float), st_km.astype(float),
        head.astype(np.int64), tail.astype(np.int64), mins, kms, plan.nodes.astype(np.int64),
        cols.astype(np.int64), float(limit),
        out_min, out_km,
    )
    return out_min, out_km
