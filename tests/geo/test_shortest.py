"""The many-to-many engine (geo._roads.shortest) agrees with networkx Dijkstra on random road-like graphs."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

import geo._roads.shortest as shortest
from geo._errors import InputValidationError, OptionalDependencyError
from geo._roads import ch, jit
from geo._roads.ch import Hierarchy, build_hierarchy
from geo._roads.graph import RoadGraph
from geo._roads.shortest import contract, many_to_many, reachable_within


def _road_like(seed: int, n_core: int = 25, n_edges: int = 45) -> RoadGraph:
    """A random graph whose edges are subdivided into chains of 0–5 degree-2 nodes, some one-way.

    Also has a ring made only of degree-2 nodes, a dangling chain, a self-loop, a parallel edge and an
    isolated node, the cases chain contraction must get right.
    """
    rng = np.random.default_rng(seed)
    lon = list(rng.uniform(116, 117, n_core))
    lat = list(rng.uniform(25, 26, n_core))
    frm: list[int] = []
    to: list[int] = []
    mins: list[float] = []
    kms: list[float] = []

    def add(u: int, v: int, both: bool) -> None:
        m, k = float(rng.uniform(0.5, 5)), float(rng.uniform(0.2, 4))
        frm.append(u), to.append(v), mins.append(m), kms.append(k)
        if both:
            frm.append(v), to.append(u), mins.append(m * rng.uniform(0.9, 1.1)), kms.append(k)

    def new_node() -> int:
        lon.append(float(rng.uniform(116, 117)))
        lat.append(float(rng.uniform(25, 26)))
        return len(lon) - 1

    def chain(u: int, v: int, inner: int, both: bool) -> None:
        nodes = [u] + [new_node() for _ in range(inner)] + [v]
        for a, b in itertools.pairwise(nodes):
            add(a, b, both)

    for _ in range(n_edges):
        u, v = (int(x) for x in rng.choice(n_core, 2, replace=False))
        chain(u, v, int(rng.integers(0, 6)), bool(rng.random() < 0.8))
    ring = [new_node() for _ in range(5)]
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        add(a, b, True)
    chain(0, new_node(), 3, True)  # dangling chain ending in a dead end
    add(1, 1, False)  # self-loop
    add(2, 3, False)  # possibly parallel edge
    new_node()  # isolated
    n = len(lon)
    return RoadGraph.from_edges(
        np.array(lon), np.array(lat), np.array(frm), np.array(to), np.array(mins), np.array(kms)
    ), n


def _nx(graph: RoadGraph) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    frm = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    for u, v, m, k in zip(frm, graph.indices, graph.edge_minutes, graph.edge_km, strict=True):
        if u != v:
            g.add_edge(int(u), int(v), minutes=float(m), km=float(k))
    return g


@pytest.mark.parametrize("seed", range(6))
def test_matches_networkx_all_pairs(seed: int) -> None:
    graph, n = _road_like(seed)
    assert contract(graph).n_core < n  # chains were contracted
    g = _nx(graph)
    nodes = np.arange(n)
    minutes, km = many_to_many(graph, nodes, nodes)
    for s in range(n):
        if s % 3:
            lengths = nx.single_source_dijkstra_path_length(g, s, weight="minutes")
            got = np.isfinite(minutes[s])
            assert set(np.flatnonzero(got).tolist()) == set(lengths)
            np.testing.assert_allclose(minutes[s, list(lengths)], list(lengths.values()), atol=1e-9)
            continue
        lengths, paths = nx.single_source_dijkstra(g, s, weight="minutes")
        for t in range(n):
            if t in lengths:
                assert minutes[s, t] == pytest.approx(lengths[t], abs=1e-9)
                path_km = sum(g.edges[a, b]["km"] for a, b in zip(paths[t][:-1], paths[t][1:], strict=True))
                # km is that of a fastest path; random weights make ties improbable
                assert km[s, t] == pytest.approx(path_km, abs=1e-9)
            else:
                assert np.isinf(minutes[s, t]) and np.isinf(km[s, t])


def test_limit_and_workers_agree_with_unbounded() -> None:
    graph, n = _road_like(11, n_core=40, n_edges=80)
    nodes = np.arange(n)
    full, full_km = many_to_many(graph, nodes, nodes)
    bounded, _ = many_to_many(graph, nodes, nodes, limit_minutes=8.0)
    expect = np.where(full <= 8.0, full, np.inf)
    np.testing.assert_allclose(bounded, expect, atol=1e-9)
    par, par_km = many_to_many(graph, nodes[::-1], nodes, workers=2)
    np.testing.assert_array_equal(par, full[::-1])
    np.testing.assert_array_equal(par_km, full_km[::-1])


def test_reachable_within_matches_matrix() -> None:
    graph, n = _road_like(3)
    nodes = np.arange(n)
    full, _ = many_to_many(graph, nodes, nodes)
    for s in [0, n - 3, int(np.flatnonzero(contract(graph).core_of < 0)[0])]:
        reach, mins = reachable_within(graph, s, 6.0)
        expect = np.flatnonzero(full[s] <= 6.0)
        np.testing.assert_array_equal(np.sort(reach), expect)
        np.testing.assert_allclose(mins[np.argsort(reach)], full[s, expect], atol=1e-9)


def test_repeated_sources_and_empty_inputs() -> None:
    graph, _ = _road_like(5)
    m1, _ = many_to_many(graph, np.array([4, 4, 7]), np.array([1, 2]))
    np.testing.assert_array_equal(m1[0], m1[1])
    assert many_to_many(graph, np.array([], dtype=int), np.array([1]))[0].shape == (0, 1)


@pytest.mark.parametrize(
    ("sources", "limit", "match"),
    [
        (np.array([10**6]), None, "not a node of the graph"),
        (np.array([-1]), None, "not a node of the graph"),
        (np.array([0.5]), None, "integer node indices"),
        (np.array([0]), 0.0, "positive number of minutes"),
    ],
)
def test_bad_inputs(sources: np.ndarray, limit: float | None, match: str) -> None:
    graph, _ = _road_like(1)
    with pytest.raises(InputValidationError, match=match):
        many_to_many(graph, sources, np.array([0]), limit_minutes=limit)


def test_few_targets_use_the_reversed_graph_with_the_same_values() -> None:
    graph, n = _road_like(7, n_core=30, n_edges=60)
    g = _nx(graph)
    sources = np.arange(n)
    targets = np.array([0, n - 2, 5])
    minutes, km = many_to_many(graph, sources, targets)  # 3 targets ≪ n sources: reversed search
    for j, t in enumerate(targets):
        lengths = nx.single_source_dijkstra_path_length(g.reverse(copy=False), int(t), weight="minutes")
        for s in range(n):
            expect = lengths.get(s, np.inf)
            assert (
                minutes[s, j] == pytest.approx(expect, abs=1e-9)
                if np.isfinite(expect)
                else np.isinf(minutes[s, j])
            )
    forward_km = np.array([many_to_many(graph, np.array([s]), targets)[1][0] for s in sources])
    np.testing.assert_allclose(km, forward_km, atol=1e-9)


# --- the three engines: contraction hierarchy, compiled plain Dijkstra, scipy ------------------------------


def _grid_like(seed: int, side: int = 14) -> RoadGraph:
    """An already-simplified road-like graph: a jittered grid, no degree-2 chains, some one-way streets."""
    rng = np.random.default_rng(seed)
    node = np.arange(side * side).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    keep = rng.random(len(u)) > 0.1
    u, v = u[keep], v[keep]
    mins = rng.uniform(0.5, 5, len(u))
    kms = rng.uniform(0.2, 4, len(u))
    oneway = rng.random(len(u)) < 0.1
    frm = np.concatenate([u, v[~oneway]])
    to = np.concatenate([v, u[~oneway]])
    m = np.concatenate([mins, mins[~oneway] * rng.uniform(0.9, 1.1, int((~oneway).sum()))])
    k = np.concatenate([kms, kms[~oneway]])
    lon = rng.uniform(116, 117, side * side)
    lat = rng.uniform(25, 26, side * side)
    return RoadGraph.from_edges(lon, lat, frm, to, m, k)


_ENGINES = ["sweep", "buckets", "plain", "scipy"] if jit.kernels() is not None else ["scipy"]


@pytest.fixture
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Force one engine for every query of the test, whatever the graph size or query shape: the hierarchy
    by its sweep or by buckets, compiled plain Dijkstra, scipy."""
    name = str(request.param)
    monkeypatch.setenv(jit.BACKEND_ENV, "scipy" if name == "scipy" else "auto")
    monkeypatch.setattr(shortest, "BUILD_S_PER_NODE", 1e9 if name in ("plain", "scipy") else 0.0)
    monkeypatch.setattr(ch, "SWEEP_S_PER_EDGE", 1.0 if name == "buckets" else 0.0)
    shortest._HIERARCHIES.clear()
    shortest._PLAIN_SPENT.clear()
    return name


def _check_against_networkx(graph: RoadGraph, minutes: np.ndarray, km: np.ndarray, sources, targets) -> None:
    g = _nx(graph)
    for i, s in enumerate(sources):
        lengths, paths = nx.single_source_dijkstra(g, int(s), weight="minutes")
        for j, t in enumerate(targets):
            if int(t) not in lengths:
                assert np.isinf(minutes[i, j]) and np.isinf(km[i, j])
                continue
            assert minutes[i, j] == pytest.approx(lengths[int(t)], abs=1e-9)
            p = paths[int(t)]
            path_km = sum(g.edges[a, b]["km"] for a, b in itertools.pairwise(p))
            assert km[i, j] == pytest.approx(path_km, abs=1e-9)


@pytest.mark.parametrize("engine", _ENGINES, indirect=True)
@pytest.mark.parametrize("seed", range(3))
def test_engines_match_networkx_on_simplified_graphs(seed: int, engine: str) -> None:
    graph = _grid_like(seed)
    nodes = np.arange(graph.n_nodes)
    sources = nodes[::5]
    minutes, km = many_to_many(graph, sources, nodes)
    _check_against_networkx(graph, minutes, km, sources, nodes)
    assert (contract(graph) in shortest._HIERARCHIES) == (engine in ("sweep", "buckets"))


@pytest.mark.parametrize("engine", _ENGINES, indirect=True)
@pytest.mark.parametrize("seed", range(3))
def test_engines_match_networkx_with_chains(seed: int, engine: str) -> None:
    """Interior chain nodes as sources/targets, rings, dead ends, one-way chains, in both directions."""
    graph, n = _road_like(seed + 20, n_core=40, n_edges=90)
    nodes = np.arange(n)
    sources = nodes[::3]
    minutes, km = many_to_many(graph, sources, nodes)
    _check_against_networkx(graph, minutes, km, sources, nodes)
    back, back_km = many_to_many(graph, nodes, sources[:4])  # few targets: searched from them, backwards
    np.testing.assert_allclose(back, many_to_many(graph, nodes, sources[:4] * 0 + sources[:4])[0], atol=0)
    full, full_km = many_to_many(graph, nodes, nodes)
    _check_against_networkx(graph, full[:, sources[:4]], full_km[:, sources[:4]], nodes, sources[:4])
    np.testing.assert_allclose(back, full[:, sources[:4]], atol=1e-9)
    np.testing.assert_allclose(back_km, full_km[:, sources[:4]], atol=1e-9)


@pytest.mark.parametrize("engine", _ENGINES, indirect=True)
def test_engines_limit_workers_and_reverse(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = _grid_like(9, side=16)
    nodes = np.arange(graph.n_nodes)
    minutes, km = many_to_many(graph, nodes, nodes)
    with monkeypatch.context() as m:  # the reference: scipy
        m.setenv(jit.BACKEND_ENV, "scipy")
        plain_min, plain_km = many_to_many(graph, nodes, nodes)
    np.testing.assert_allclose(minutes, plain_min, atol=1e-9)
    np.testing.assert_allclose(km, plain_km, atol=1e-9)
    bounded, bounded_km = many_to_many(graph, nodes, nodes, limit_minutes=9.0)
    inside = plain_min <= 9.0
    np.testing.assert_allclose(bounded[inside], plain_min[inside], atol=1e-9)
    np.testing.assert_allclose(bounded_km[inside], plain_km[inside], atol=1e-9)
    assert np.isinf(bounded[~inside]).all() and np.isinf(bounded_km[~inside]).all()
    par, par_km = many_to_many(graph, nodes[::-1], nodes, workers=2)
    np.testing.assert_allclose(par, plain_min[::-1], atol=1e-9)
    np.testing.assert_allclose(par_km, plain_km[::-1], atol=1e-9)
    few, few_km = many_to_many(graph, nodes, nodes[:3])  # searched from the 3 targets, backwards
    np.testing.assert_allclose(few, plain_min[:, :3], atol=1e-9)
    np.testing.assert_allclose(few_km, plain_km[:, :3], atol=1e-9)


@pytest.mark.skipif(jit.kernels() is None, reason="numba is not importable")
def test_hierarchy_edges_are_real_paths_and_everything_is_contracted() -> None:
    graph = _grid_like(4, side=18)
    con = contract(graph)
    h = shortest.hierarchy(con)
    assert h is not None and h.n == con.n_core
    true = dijkstra(graph.csr("minutes"), directed=True)
    at = con.core_nodes[h.node_at]
    lists = ((h.up_ptr, h.up_nbr, h.up_min, True), (h.down_ptr, h.down_nbr, h.down_min, False))
    for ptr, nbr, mins, up in lists:
        own = np.repeat(np.arange(h.n), np.diff(ptr))
        assert (nbr < own).all()  # towards more important nodes
        frm, to = (at[own], at[nbr]) if up else (at[nbr], at[own])
        assert (mins >= true[frm, to] - 1e-9).all()  # every edge is the length of a real path


@pytest.mark.skipif(jit.kernels() is None, reason="numba is not importable")
def test_hierarchy_with_many_equal_paths_is_exact_for_any_number_of_threads() -> None:
    # Whole minutes on a grid: many paths tie, so witnesses through nodes contracted in the same round are
    # common (they count only when strictly faster); rounds of ≥ 256 nodes are shared by the threads.
    side = 34
    node = np.arange(side * side).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    mins = np.random.default_rng(3).integers(0, 3, len(u)).astype(float)  # zero-minute edges too
    frm, to, m = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([mins, mins])
    graph = RoadGraph.from_edges(node.ravel() % side * 0.01, node.ravel() // side * 0.01, frm, to, m, m + 1)
    csr = graph.csr("minutes")
    kernels = jit.kernels()
    assert kernels is not None
    args = (graph.n_nodes, csr.indptr, csr.indices, csr.data, csr.data + 1, kernels)
    one, two = build_hierarchy(*args, workers=1), build_hierarchy(*args, workers=2)
    for key, value in one.to_arrays().items():
        if key != "search_s":
            np.testing.assert_array_equal(value, two.to_arrays()[key])
    sources = np.arange(0, graph.n_nodes, 37)
    starts = (np.arange(len(sources) + 1), sources, np.zeros(len(sources)), np.zeros(len(sources)))
    minutes, _ = ch.hierarchy_many_to_many(two, kernels, starts, np.arange(graph.n_nodes), np.inf)
    np.testing.assert_allclose(minutes, dijkstra(csr, indices=sources), atol=1e-9)


@pytest.mark.skipif(jit.kernels() is None, reason="numba is not importable")
def test_hierarchy_is_deterministic_and_survives_its_arrays() -> None:
    graph = _grid_like(6)
    con = contract(graph)
    kernels = jit.kernels()
    assert kernels is not None
    args = (con.n_core, con.indptr, con.indices, con.edge_minutes, con.edge_km, kernels)
    a, b = build_hierarchy(*args), build_hierarchy(*args)
    for key, value in a.to_arrays().items():
        if key != "search_s":  # a timing
            np.testing.assert_array_equal(value, b.to_arrays()[key])
    back = Hierarchy.from_arrays(a.to_arrays())
    np.testing.assert_array_equal(back.up_nbr, a.up_nbr)
    broken = dict(a.to_arrays())
    broken["up_nbr"] = broken["up_nbr"].copy()
    broken["up_nbr"][-1] = graph.n_nodes + 5  # out of range: must never reach compiled code
    with pytest.raises(ValueError, match="more important"):
        Hierarchy.from_arrays(broken)
    with pytest.raises(ValueError, match="missing"):
        Hierarchy.from_arrays({k: v for k, v in a.to_arrays().items() if k != "down_km"})


@pytest.mark.skipif(jit.kernels() is None, reason="numba is not importable")
def test_crossover_builds_the_hierarchy_only_when_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = _grid_like(5, side=20)
    con = contract(graph)
    shortest._HIERARCHIES.clear()
    shortest._PLAIN_SPENT.clear()
    monkeypatch.setattr(shortest, "BUILD_S_PER_NODE", 1.0)  # a build costing 400 s never pays for one query
    many_to_many(graph, np.arange(3), np.arange(50))
    assert con not in shortest._HIERARCHIES
    monkeypatch.setattr(shortest, "BUILD_S_PER_NODE", 1e-12)  # a free build always pays
    many_to_many(graph, np.arange(3), np.arange(50))
    assert con in shortest._HIERARCHIES


def test_backend_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = _grid_like(2)
    nodes = np.arange(5)
    monkeypatch.setenv(jit.BACKEND_ENV, "fast")
    with pytest.raises(InputValidationError, match="auto, numba or scipy"):
        many_to_many(graph, nodes, nodes)
    monkeypatch.setattr(jit, "_import_numba", lambda: None)
    monkeypatch.setattr(jit, "_STATE", {})
    monkeypatch.setenv(jit.BACKEND_ENV, "numba")
    with pytest.raises(OptionalDependencyError, match="pip install numba"):
        many_to_many(graph, nodes, nodes)
    monkeypatch.setenv(jit.BACKEND_ENV, "auto")  # numba absent: scipy fallback, same values
    a, _ = many_to_many(graph, nodes, nodes)
    monkeypatch.setenv(jit.BACKEND_ENV, "scipy")
    b, _ = many_to_many(graph, nodes, nodes)
    np.testing.assert_allclose(a, b, atol=1e-9)
