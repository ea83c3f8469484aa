"""Benchmark: the many-to-many engine (geo._roads.shortest) against scipy, igraph and networkx, side by side.

Real OpenStreetMap extracts — the comparison that counts::

    .venv/bin/python bench/matrix.py --osm ../shared/data/osm-samples/porto_portugal.osm.pbf \\
        --sources 20,200,1000 --targets 1000

loads the file with the project's OSM reader (``geo._roads.osm.read_osm_file``), builds and stores the
network as the app does (``OSMNetwork.save`` into a temporary cache: hierarchy included), and for each
sources × targets shape (random nodes, ``--seed``) prints exactly one line::

    matrix <file name> sources=<N> targets=<M> ours_s=<warm seconds> first_s=<seconds> scipy_s=<s> \\
        igraph_s=<s> ratio_scipy=<scipy_s/ours_s> ratio_igraph=<igraph_s/ours_s> max_abs_diff_min=<x>

``ours_s`` is the median of ``--rounds`` warm calls of ``many_to_many`` (minutes + km); ``first_s`` the first
call in a new process that has just loaded the stored network (numba's compile cache warm in the user cache
dir); ``scipy_s`` ``scipy.sparse.csgraph.dijkstra`` with predecessors from the N sources (what it takes to
get km too), ``igraph_s`` ``Graph.distances`` (weights, mode out) — both on the same directed graph and
minutes, medians of the same rounds; ``max_abs_diff_min`` the largest difference in minutes against scipy
and igraph at the targets (the unreachable pairs must agree, else the line says ``MISMATCH``). Lines
starting with ``#`` add networkx (a few sources, extrapolated), build time and peak memory.

Generated graphs (second section, labelled ``generated``; ``--generated``): a jittered grid over western
Fujian, its simplified form and the large simplified proxy of a Fujian-scale network (``--simple-grid 720``
→ ≈ 518k nodes, no degree-2 nodes, what the OSM reader builds), each with ``--sources`` × 1,300 and, on the
proxy, the 1,300 × 1,300 matrix with 1 and 2 workers, checked against scipy on the whole matrix and
networkx on a sample, with hierarchy build time and peak memory (measured in a child process).
``--crossover`` measures the constants of the engine's cost model (``geo._roads.shortest``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import igraph
import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

# Run as a script, this folder is sys.path[0]; a module here could shadow the optional ``coverage``
# module numba probes at import, so take the folder off the path and put the repository root on it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import geo._roads.shortest as engine  # noqa: E402
from geo._roads.chains import contract  # noqa: E402
from geo._roads.graph import RoadGraph  # noqa: E402
from geo._roads.shortest import many_to_many  # noqa: E402
from geo.network import OSMNetwork  # noqa: E402

EARTH_KM_PER_DEG = 111.195
T = TypeVar("T")


def road_like_graph(grid: int, seed: int, subdivide: bool = True) -> RoadGraph:
    """A generated road-like graph: a jittered grid over a 2° square of western Fujian, every 20th street an
    arterial (60 km/h, else 30), 5 % one-way, 8 % removed, 12 two-way expressways (90 km/h); with
    ``subdivide`` each street is split into 4–13 shape nodes as raw OSM ways are."""
    rng = np.random.default_rng(seed)
    step = 2.0 / grid
    gx, gy = np.meshgrid(np.arange(grid), np.arange(grid))
    lon0 = 116.5 + gx.ravel() * step + rng.normal(0, step * 0.2, grid * grid)
    lat0 = 25.0 + gy.ravel() * step + rng.normal(0, step * 0.2, grid * grid)
    node = np.arange(grid * grid).reshape(grid, grid)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    line = np.concatenate([np.repeat(np.arange(grid), grid - 1), np.tile(np.arange(grid), grid - 1)])
    arterial = line % 20 == 0
    keep = arterial | (rng.random(len(u)) > 0.08)
    u, v, arterial = u[keep], v[keep], arterial[keep]
    speed = np.where(arterial, 60.0, 30.0)
    oneway = ~arterial & (rng.random(len(u)) < 0.05)
    eu, ev = rng.choice(grid * grid, 12), rng.choice(grid * grid, 12)
    u, v = np.concatenate([u, eu, ev]), np.concatenate([v, ev, eu])
    speed = np.concatenate([speed, np.full(24, 90.0)])
    oneway = np.concatenate([oneway, np.ones(24, dtype=bool)])
    n_inner = rng.integers(4, 14, len(u)) if subdivide else np.zeros(len(u), dtype=int)
    lons, lats, frm, to, spd = [lon0], [lat0], [], [], []
    next_id = grid * grid
    for k in np.unique(n_inner):
        sel = np.flatnonzero(n_inner == k)
        a, b = u[sel], v[sel]
        if k:
            t = np.arange(1, k + 1) / (k + 1)
            wig = rng.normal(0, step * 0.05, (len(sel), k))
            lons.append((lon0[a][:, None] + (lon0[b] - lon0[a])[:, None] * t + wig).ravel())
            lats.append((lat0[a][:, None] + (lat0[b] - lat0[a])[:, None] * t + wig[:, ::-1]).ravel())
            ids = next_id + np.arange(len(sel) * k).reshape(len(sel), k)
            next_id += len(sel) * k
            chain = np.column_stack([a, ids, b])
        else:
            chain = np.column_stack([a, b])
        rev = ~oneway[sel]
        frm += [chain[:, :-1].ravel(), chain[rev, 1:].ravel()]
        to += [chain[:, 1:].ravel(), chain[rev, :-1].ravel()]
        spd += [np.repeat(speed[sel], chain.shape[1] - 1), np.repeat(speed[sel][rev], chain.shape[1] - 1)]
    lon, lat = np.concatenate(lons), np.concatenate(lats)
    f, t, s = np.concatenate(frm), np.concatenate(to), np.concatenate(spd)
    km = np.hypot((lon[t] - lon[f]) * np.cos(np.radians(26.0)), lat[t] - lat[f]) * EARTH_KM_PER_DEG
    return RoadGraph.from_edges(lon, lat, f, t, km / s * 60.0, km)


def _edges(graph: RoadGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frm = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    return frm, np.asarray(graph.indices, np.int64), graph.edge_minutes


def _median_time(fn: Callable[[], T], rounds: int) -> tuple[float, T]:
    """Median seconds of ``rounds`` calls of ``fn`` and its last result."""
    times = []
    for _ in range(max(rounds, 1)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def _networkx_seconds(
    graph: RoadGraph, sources: np.ndarray, targets: np.ndarray, k: int
) -> tuple[float, float]:
    """networkx Dijkstra from ``k`` of the sources, extrapolated to all; and its max |Δ minutes| vs scipy."""
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    frm, to, mins = _edges(graph)
    g.add_weighted_edges_from(zip(frm.tolist(), to.tolist(), mins.tolist(), strict=True), weight="minutes")
    sample = sources[:k]
    t0 = time.perf_counter()
    ref = [nx.single_source_dijkstra_path_length(g, int(s), weight="minutes") for s in sample]
    t_nx = (time.perf_counter() - t0) * len(sources) / max(len(sample), 1)
    ours, _ = many_to_many(graph, sample, targets)
    nx_m = np.array([[r.get(int(t), np.inf) for t in targets] for r in ref])
    both = np.isfinite(nx_m) & np.isfinite(ours)
    same = np.array_equal(np.isfinite(nx_m), np.isfinite(ours))
    diff = float(np.max(np.abs(nx_m[both] - ours[both]))) if both.any() else 0.0
    return t_nx, diff if same else float("inf")


def compare(graph: RoadGraph, name: str, sources: np.ndarray, targets: np.ndarray, first_s: float,
            rounds: int, nx_sources: int) -> None:
    """Time ours (warm), scipy and igraph on the same query; print the ``matrix`` line and ``#`` notes."""
    many_to_many(graph, sources, targets)  # warm: hierarchy adopted, kernels loaded
    t_ours, (minutes, _km) = _median_time(lambda: many_to_many(graph, sources, targets), rounds)
    csr = graph.csr("minutes")
    t_scipy, (dist, _pred) = _median_time(
        lambda: dijkstra(csr, directed=True, indices=sources, return_predecessors=True), rounds
    )
    frm, to, mins = _edges(graph)
    ig = igraph.Graph(n=graph.n_nodes, edges=np.column_stack([frm, to]).tolist(), directed=True)
    ig.es["w"] = mins.tolist()
    t_ig, ig_d = _median_time(
        lambda: np.array(ig.distances(source=sources.tolist(), target=targets.tolist(), weights="w")), rounds
    )
    diffs = []
    for ref in (dist[:, targets], np.asarray(ig_d, float)):
        if not np.array_equal(np.isfinite(ref), np.isfinite(minutes)):
            diffs.append(float("inf"))
            continue
        fin = np.isfinite(ref)
        diffs.append(float(np.max(np.abs(ref[fin] - minutes[fin]))) if fin.any() else 0.0)
    diff = max(diffs)
    print(
        f"matrix {name} sources={len(sources)} targets={len(targets)} ours_s={t_ours:.4f} "
        f"first_s={first_s:.4f} scipy_s={t_scipy:.4f} igraph_s={t_ig:.4f} ratio_scipy={t_scipy / t_ours:.1f} "
        f"ratio_igraph={t_ig / t_ours:.1f} max_abs_diff_min={diff:.1e}"
        + (" MISMATCH" if diff == np.inf else ""),
        flush=True,
    )
    if nx_sources:
        t_nx, nx_diff = _networkx_seconds(graph, sources, targets, nx_sources)
        print(f"#   networkx: {min(nx_sources, len(sources))} sources timed, {t_nx:.2f} s extrapolated to "
              f"{len(sources)}; ratio_networkx={t_nx / t_ours:.0f}; max_abs_diff_min={nx_diff:.1e}",
              flush=True)


def _first_query_child(argv: list[str]) -> None:
    """In a new process: load the stored network, time the first query; print JSON (seconds, peak RSS)."""
    directory, src_file, tgt_file = argv
    src, tgt = np.load(src_file), np.load(tgt_file)
    t0 = time.perf_counter()
    net = OSMNetwork.load(directory)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    many_to_many(net.graph, src, tgt)
    t_first = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first_s": t_first, "load_s": t_load, "rss_mb": rss_mb}))


def first_query(directory: Path, sources: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Run :func:`_first_query_child` in a new Python process."""
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / "s.npy", sources)
        np.save(Path(tmp) / "t.npy", targets)
        out = subprocess.run(
            [sys.executable, __file__, "--first-query-child", str(directory), f"{tmp}/s.npy", f"{tmp}/t.npy"],
            check=True, capture_output=True, text=True, env=os.environ.copy(),
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def osm_section(args: argparse.Namespace) -> None:
    """The real-extract comparisons (module docstring)."""
    rng = np.random.default_rng(args.seed)
    for path in args.osm:
        net = OSMNetwork.from_file(path)
        graph = net.graph
        t0 = time.perf_counter()
        engine.hierarchy(contract(graph))
        t_build = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            net.save(tmp)
            print(f"# {Path(path).name}: {graph.n_nodes:,} nodes, {graph.n_edges:,} directed edges; core "
                  f"{contract(graph).n_core:,} nodes; hierarchy built in {t_build:.2f} s (stored with the "
                  "network)")
            for n_src in args.sources:
                src = rng.choice(graph.n_nodes, n_src, replace=n_src > graph.n_nodes)
                tgt = rng.choice(graph.n_nodes, args.targets, replace=args.targets > graph.n_nodes)
                child = first_query(Path(tmp), src, tgt)
                compare(graph, Path(path).name, src, tgt, child["first_s"], args.rounds, args.nx_sources)
                print(f"#   new process: network loaded in {child['load_s']:.2f} s, first query "
                      f"{child['first_s']:.3f} s, peak memory {child['rss_mb']:.0f} MB", flush=True)


def _proxy_child(argv: list[str]) -> None:
    """In a new process: build the proxy's hierarchy and a 1,300² matrix; print JSON (times, peak RSS)."""
    grid, seed, workers = (int(a) for a in argv)
    graph = road_like_graph(grid, seed, subdivide=False)
    nodes = np.random.default_rng(seed).choice(graph.n_nodes, 1300, replace=False)
    t0 = time.perf_counter()
    h = engine.hierarchy(contract(graph))
    t_build = time.perf_counter() - t0
    assert h is not None
    many_to_many(graph, nodes[:20], nodes)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        many_to_many(graph, nodes, nodes, workers=workers)
        times.append(time.perf_counter() - t0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"build_s": t_build, "matrix_s": float(np.median(times)), "rss_mb": rss,
                      "n": graph.n_nodes, "h_edges": h.n_edges}))


def generated_section(args: argparse.Namespace) -> None:
    """Generated graphs: shapes as ``compare``; the proxy's build, 1,300² timing, memory and exactness."""
    print("== generated graphs (not real OSM; labelled generated) ==", flush=True)
    rng = np.random.default_rng(args.seed)
    graphs = [
        (f"generated:subdivided-grid{args.grid}", road_like_graph(args.grid, args.seed)),
        (f"generated:simplified-grid{args.grid}", road_like_graph(args.grid, args.seed, subdivide=False)),
    ]
    for name, graph in graphs:
        t0 = time.perf_counter()
        con = contract(graph)
        engine.hierarchy(con)
        print(f"# {name}: {graph.n_nodes:,} nodes, core {con.n_core:,}; chains + hierarchy "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        src = rng.choice(graph.n_nodes, args.sources[0], replace=False)
        tgt = rng.choice(graph.n_nodes, 1300, replace=False)
        compare(graph, name, src, tgt, float("nan"), args.rounds, args.nx_sources)
    if not args.simple_grid:
        return
    name = f"generated:proxy-grid{args.simple_grid}"
    for workers in (1, 2):
        out = subprocess.run(
            [sys.executable, __file__, "--proxy-child", str(args.simple_grid), str(args.seed), str(workers)],
            check=True, capture_output=True, text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"# {name}: {r['n']:,} nodes, every node contracted (0 % uncontracted), {r['h_edges']:,} "
              f"hierarchy edges, built in {r['build_s']:.1f} s; 1,300 × 1,300 warm with workers={workers}: "
              f"{r['matrix_s']:.2f} s; peak memory {r['rss_mb']:.0f} MB", flush=True)
    graph = road_like_graph(args.simple_grid, args.seed, subdivide=False)
    nodes = np.random.default_rng(args.seed).choice(graph.n_nodes, 1300, replace=False)
    sources = nodes if args.scipy_full else nodes[:50]  # scipy on all 1,300 sources takes minutes
    compare(graph, name, sources, nodes, float("nan"), 1, args.nx_sources)


def crossover(args: argparse.Namespace) -> None:
    """Measure the cost model's constants: plain compiled search and hierarchy build per core node."""
    graphs = [(Path(p).name, OSMNetwork.from_file(p).graph) for p in args.osm] or [
        ("generated:simplified-grid180", road_like_graph(180, args.seed, subdivide=False))]
    for name, graph in graphs:
        con = contract(graph)
        nodes = np.arange(graph.n_nodes)
        engine._HIERARCHIES.clear()
        saved = engine.BUILD_S_PER_NODE
        engine.BUILD_S_PER_NODE = 1e9
        many_to_many(graph, nodes[:2], nodes)
        t_plain, _ = _median_time(lambda g=graph, n=nodes: many_to_many(g, n[:50], n), 3)
        engine.BUILD_S_PER_NODE = saved
        t0 = time.perf_counter()
        engine.hierarchy(con)
        t_build = time.perf_counter() - t0
        csr = graph.csr()
        t_scipy, _ = _median_time(
            lambda c=csr, n=nodes: dijkstra(c, indices=n[:50], return_predecessors=True), 3
        )
        print(f"crossover {name} core={con.n_core} plain_s_per_node={t_plain / 50 / con.n_core:.2e} "
              f"scipy_s_per_node={t_scipy / 50 / con.n_core:.2e} build_s_per_node={t_build / con.n_core:.2e} "
              f"break_even_searches={t_build / (t_plain / 50):.0f}", flush=True)


def main() -> None:
    """Parse the command line and run the sections asked for."""
    if len(sys.argv) > 1 and sys.argv[1] in ("--first-query-child", "--proxy-child"):
        (_first_query_child if sys.argv[1] == "--first-query-child" else _proxy_child)(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--osm", action="append", default=[], help="an OSM extract (repeatable)")
    parser.add_argument("--sources", default="20", help="numbers of sources, comma-separated: 20,200,1000")
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--nx-sources", type=int, default=3, help="networkx sources timed (0 = skip)")
    parser.add_argument("--generated", action="store_true", help="run the generated-graph section")
    parser.add_argument("--grid", type=int, default=180)
    parser.add_argument("--simple-grid", type=int, default=720, help="proxy grid side (0 = skip the proxy)")
    parser.add_argument("--scipy-full", action="store_true", help="proxy: scipy on the whole 1,300² matrix")
    parser.add_argument("--crossover", action="store_true", help="measure the cost model's constants")
    args = parser.parse_args()
    args.sources = [int(s) for s in str(args.sources).split(",")]
    print(f"# load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    if args.crossover:
        crossover(args)
        return
    if args.osm:
        osm_section(args)
    if args.generated or not args.osm:
        generated_section(args)


if __name__ == "__main__":
    main()
