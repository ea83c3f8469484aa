"""The many-to-many engine (geo._shortest) agrees with networkx Dijkstra on random road-like graphs."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from geo._errors import InputValidationError
from geo._graph import RoadGraph
from geo._shortest import contract, many_to_many, reachable_within


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
