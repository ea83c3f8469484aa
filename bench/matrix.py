"""Benchmark: the many-to-many engine (geo._roads.shortest) against networkx Dijkstra loops, side by side.

Run: ``.venv/bin/python bench/matrix.py [--grid 180] [--simple-grid 720] [--sources 20] [--seed 0]
[--skip-full]`` (about 5 minutes; networkx needs ≈ 2 GB for the large graph).

The graphs are **generated** (no OpenStreetMap extract of Fujian can be reached from this machine): a
jittered grid of intersections over a 2° × 2° square in western Fujian, each street subdivided into 4–13
shape nodes (as raw OSM ways are), every 20th street an arterial at 60 km/h (local streets 30 km/h), 5 % of
streets one-way, 8 % removed, plus a few two-carriageway expressways at 90 km/h. With ``--grid 180`` it has
≈ 540k nodes.

Printed, for three graphs — that one; the same graph already simplified (32k nodes: what ``geo._roads.osm``
builds from real OSM, ways split only at intersections, so chain contraction has nothing to gain); and a
large already-simplified graph (``--simple-grid 720`` → ≈ 518k nodes, no degree-2 nodes) — the graph
size, its contracted core and its hierarchy (``geo._roads.ch``, with build times); networkx
``single_source_dijkstra_path_length`` for ``--sources`` sources vs ``many_to_many`` for the same sources
to 1,300 target nodes (minutes compared at the targets with networkx: max abs difference, same unreachable
set; km compared with the engine without hierarchy, whose km the tests check against networkx paths), the
ratio with and without the once-per-graph preprocessing, and as further references plain
``scipy.sparse.csgraph.dijkstra`` on the full graph and the engine without hierarchy. Then the time for a
1,300 × 1,300 matrix with 1 and 2 processes on the first and the large graph. The query backend
(compiled numba kernel, or scipy when numba is absent) is printed first; ``XUNZHEN_SHORTEST_BACKEND=scipy``
measures the fallback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

# Run as a script, this folder is sys.path[0]; a module here could shadow the optional ``coverage``
# module numba probes at import, so take the folder off the path and put the repository root on it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import geo._roads.shortest as engine  # noqa: E402
from geo._roads.chains import _CACHE  # noqa: E402
from geo._roads.graph import RoadGraph  # noqa: E402
from geo._roads.shortest import _HIERARCHIES, contract, hierarchy, many_to_many  # noqa: E402

EARTH_KM_PER_DEG = 111.195


def road_like_graph(grid: int, seed: int, subdivide: bool = True) -> RoadGraph:
    """A generated road-like graph (module docstring); ``subdivide=False`` gives its simplified form."""
    rng = np.random.default_rng(seed)
    step = 2.0 / grid
    gx, gy = np.meshgrid(np.arange(grid), np.arange(grid))
    lon0 = 116.5 + gx.ravel() * step + rng.normal(0, step * 0.2, grid * grid)
    lat0 = 25.0 + gy.ravel() * step + rng.normal(0, step * 0.2, grid * grid)
    node = np.arange(grid * grid).reshape(grid, grid)
    streets = [
        (node[:, :-1].ravel(), node[:, 1:].ravel(), np.repeat(np.arange(grid), grid - 1)),
        (node[:-1, :].ravel(), node[1:, :].ravel(), np.tile(np.arange(grid), grid - 1)),
    ]
    u = np.concatenate([s[0] for s in streets])
    v = np.concatenate([s[1] for s in streets])
    line = np.concatenate([s[2] for s in streets])
    arterial = line % 20 == 0
    keep = arterial | (rng.random(len(u)) > 0.08)
    u, v, arterial = u[keep], v[keep], arterial[keep]
    speed = np.where(arterial, 60.0, 30.0)
    oneway = ~arterial & (rng.random(len(u)) < 0.05)
    # expressways: a few long diagonal links between far intersections, both carriageways
    n_expr = 12
    eu = rng.choice(grid * grid, n_expr)
    ev = rng.choice(grid * grid, n_expr)
    u = np.concatenate([u, eu, ev])
    v = np.concatenate([v, ev, eu])
    speed = np.concatenate([speed, np.full(2 * n_expr, 90.0)])
    oneway = np.concatenate([oneway, np.ones(2 * n_expr, dtype=bool)])
    n_inner = rng.integers(4, 14, len(u)) if subdivide else np.zeros(len(u), dtype=int)

    lons, lats = [lon0], [lat0]
    frm, to, spd = [], [], []
    next_id = grid * grid
    for k in np.unique(n_inner):
        sel = np.flatnonzero(n_inner == k)
        a, b = u[sel], v[sel]
        if k:
            t = np.arange(1, k + 1) / (k + 1)
            wig = rng.normal(0, step * 0.05, (len(sel), k))
            ilon = lon0[a][:, None] + (lon0[b] - lon0[a])[:, None] * t + wig
            ilat = lat0[a][:, None] + (lat0[b] - lat0[a])[:, None] * t + wig[:, ::-1]
            ids = next_id + np.arange(len(sel) * k).reshape(len(sel), k)
            next_id += len(sel) * k
            lons.append(ilon.ravel())
            lats.append(ilat.ravel())
            chain = np.column_stack([a, ids, b])
        else:
            chain = np.column_stack([a, b])
        frm.append(chain[:, :-1].ravel())
        to.append(chain[:, 1:].ravel())
        spd.append(np.repeat(speed[sel], chain.shape[1] - 1))
        rev = ~oneway[sel]
        frm.append(chain[rev, 1:].ravel())
        to.append(chain[rev, :-1].ravel())
        spd.append(np.repeat(speed[sel][rev], chain.shape[1] - 1))
    lon, lat = np.concatenate(lons), np.concatenate(lats)
    f, t, s = np.concatenate(frm), np.concatenate(to), np.concatenate(spd)
    dx = (lon[t] - lon[f]) * np.cos(np.radians(26.0)) * EARTH_KM_PER_DEG
    dy = (lat[t] - lat[f]) * EARTH_KM_PER_DEG
    km = np.hypot(dx, dy)
    return RoadGraph.from_edges(lon, lat, f, t, km / s * 60.0, km)


def to_networkx(graph: RoadGraph) -> nx.DiGraph:
    """The same graph as a networkx DiGraph with a ``minutes`` weight."""
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    frm = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    g.add_weighted_edges_from(
        zip(frm.tolist(), graph.indices.tolist(), graph.edge_minutes.tolist(), strict=True), weight="minutes"
    )
    return g


def plain_engine(graph: RoadGraph, sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The engine without the hierarchy (chain contraction + scipy Dijkstra + tree km), as a km reference."""
    saved = engine._HIERARCHY_MIN_CORE
    engine._HIERARCHY_MIN_CORE = 1 << 62
    try:
        return many_to_many(graph, sources, targets)
    finally:
        engine._HIERARCHY_MIN_CORE = saved


def compare(graph: RoadGraph, sources: np.ndarray, targets: np.ndarray, label: str) -> None:
    """Time networkx loops, plain scipy and many_to_many on the same sources; print the ratios."""
    g = to_networkx(graph)
    t0 = time.perf_counter()
    ref = [nx.single_source_dijkstra_path_length(g, int(s), weight="minutes") for s in sources]
    t_nx = time.perf_counter() - t0
    del g

    t0 = time.perf_counter()
    dijkstra(graph.csr("minutes"), directed=True, indices=sources)
    t_scipy = time.perf_counter() - t0

    t0 = time.perf_counter()
    plain_min, plain_km = plain_engine(graph, sources, targets)
    t_plain = time.perf_counter() - t0

    _CACHE.clear()
    _HIERARCHIES.clear()
    t0 = time.perf_counter()
    con = contract(graph)
    t_contract = time.perf_counter() - t0
    t_hier = 0.0
    if con.n_core >= engine._HIERARCHY_MIN_CORE:
        t0 = time.perf_counter()
        h = hierarchy(con)
        t_hier = time.perf_counter() - t0
    many_to_many(graph, sources[:1], targets[:1])  # loads the compiled kernel (numba's disk cache)
    t0 = time.perf_counter()
    minutes, km = many_to_many(graph, sources, targets)
    t_ours = time.perf_counter() - t0

    ref_m = np.array([[r.get(int(t), np.inf) for t in targets] for r in ref])
    both = np.isfinite(ref_m)
    same_inf = np.array_equal(both, np.isfinite(minutes))
    diff = float(np.max(np.abs(ref_m[both] - minutes[both]))) if both.any() else 0.0
    fin = np.isfinite(plain_km)
    dkm = float(np.max(np.abs(plain_km[fin] - km[fin]))) if fin.any() else 0.0
    print(
        f"\n[{label}] {graph.n_nodes:,} nodes, {graph.n_edges:,} directed edges; core after chain "
        f"contraction {con.n_core:,} nodes ({t_contract:.2f} s, once per graph)"
    )
    if t_hier:
        print(
            f"  hierarchy: {h.n_rounds} elimination rounds, top core {h.n_top:,} nodes, "
            f"{len(h.up_indices):,} upward + {len(h.down_head):,} downward edges "
            f"({t_hier:.1f} s, once per graph)"
        )
    print(f"  networkx single_source_dijkstra_path_length × {len(sources)}: {t_nx:8.2f} s")
    print(
        f"  scipy dijkstra on the full graph (no km)        : {t_scipy:8.2f} s  ratio {t_nx / t_scipy:6.1f}×"
    )
    print(
        f"  engine without hierarchy (minutes + km)         : {t_plain:8.2f} s  ratio {t_nx / t_plain:6.1f}×"
    )
    print(
        f"  many_to_many (minutes + km) to {len(targets)} targets   : {t_ours:8.2f} s  "
        f"ratio {t_nx / t_ours:6.1f}×  (incl. preprocessing {t_nx / (t_ours + t_contract + t_hier):6.1f}×)"
    )
    print(f"  max |Δ minutes| vs networkx at the targets: {diff:.2e}; same unreachable set: {same_inf}")
    print(
        f"  max |Δ km| vs the engine without hierarchy (tested against networkx paths): {dkm:.2e}; "
        f"max |Δ minutes|: {float(np.max(np.abs(plain_min[fin] - minutes[fin]))) if fin.any() else 0.0:.2e}"
    )


def full_matrix(graph: RoadGraph, nodes: np.ndarray, label: str) -> None:
    """Time a 1,300 × 1,300 matrix with 1 and 2 processes (preprocessing done before, timed apart)."""
    t0 = time.perf_counter()
    con = contract(graph)
    if con.n_core >= engine._HIERARCHY_MIN_CORE:
        hierarchy(con)
    t_pre = time.perf_counter() - t0
    if t_pre > 0.05:
        print(f"preprocessing of the {label} (once per graph): {t_pre:.1f} s")
    for workers in (1, 2):
        t0 = time.perf_counter()
        m, _ = many_to_many(graph, nodes, nodes, workers=workers)
        print(
            f"1,300 × 1,300 on the {label} ({graph.n_nodes:,} nodes), workers={workers}: "
            f"{time.perf_counter() - t0:.1f} s (minutes + km; {np.isfinite(m).mean():.1%} reachable)"
        )


def main() -> None:
    """Build the generated graph, run the comparisons and the 1,300 × 1,300 timing."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid", type=int, default=180, help="intersections per side (180 → ≈ 536k nodes)")
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--simple-grid", type=int, default=720,
        help="intersections per side of the large already-simplified graph (720 → ≈ 518k nodes; 0 = skip)",
    )
    parser.add_argument("--skip-full", action="store_true", help="skip the 1,300 × 1,300 timings")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    backend = (
        "compiled kernel (numba)"
        if engine._use_compiled()
        else f"scipy + numpy ({engine.BACKEND_ENV}=scipy, or numba not importable)"
    )
    print(f"query backend: {backend}; hierarchy on core graphs of ≥ {engine._HIERARCHY_MIN_CORE:,} nodes")

    t0 = time.perf_counter()
    graph = road_like_graph(args.grid, args.seed)
    print(
        f"generated road-like graph (not real OSM: no Fujian extract is reachable here) in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    sources = rng.choice(graph.n_nodes, args.sources, replace=False)
    targets = rng.choice(graph.n_nodes, 1300, replace=False)
    compare(graph, sources, targets, "subdivided, like raw OSM ways")

    simple = road_like_graph(args.grid, args.seed, subdivide=False)
    s_src = rng.choice(simple.n_nodes, args.sources, replace=False)
    s_tgt = rng.choice(simple.n_nodes, 1300, replace=False)
    compare(simple, s_src, s_tgt, "the same graph already simplified, like geo._roads.osm output")

    big = None
    if args.simple_grid:
        big = road_like_graph(args.simple_grid, args.seed, subdivide=False)
        b_src = rng.choice(big.n_nodes, args.sources, replace=False)
        b_tgt = rng.choice(big.n_nodes, 1300, replace=False)
        compare(big, b_src, b_tgt, f"large already-simplified graph, grid {args.simple_grid}")

    if not args.skip_full:
        print()
        full_matrix(graph, targets, "subdivided graph")
        if big is not None:
            full_matrix(big, b_tgt, "large simplified graph")


if __name__ == "__main__":
    main()
