"""OSM loading: the two real sample extracts, a hand-made network with known answers, and broken files."""

from __future__ import annotations

import bz2
import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from geo._errors import NetworkError
from geo._roads.osm import drivable_class, oneway_direction, read_osm_file
from geo._roads.shortest import many_to_many
from geo._roads.speeds import SPEED_KMH, edge_speed_kmh, parse_maxspeed_kmh
from tests.paths import TEST_DATA

SAMPLES = TEST_DATA / "osm"
SAMPLE_FILES = ["West-Oakland.osm.bz2", "planet_10.068_48.135_10.071_48.137.osm"]


def sample(name: str) -> Path:
    """Path of a shared OSM sample; skips the test when the shared folder is not beside the repo."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"OSM sample {path} is absent (expected tests/data/osm)")
    return path


def to_networkx(graph) -> nx.DiGraph:
    """The RoadGraph's CSR arrays as a networkx DiGraph weighted by minutes and km."""
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    for u in range(graph.n_nodes):
        for k in range(graph.indptr[u], graph.indptr[u + 1]):
            g.add_edge(u, int(graph.indices[k]), minutes=graph.edge_minutes[k], km=graph.edge_km[k])
    return g


# A hand-made network, coordinates near Changting (WGS84). 1-2-3 residential two-way, 3-4 primary oneway,
# 4-5-1 secondary two-way with maxspeed 30, 3-6 a dead-end oneway (drops out of the strongly connected
# component), 1-7 a track and 2-8 a parking aisle (not drivable), 9-10 an isolated residential road.
HAND_MADE = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
 <node id="1" lat="25.8400" lon="116.3500"/>
 <node id="2" lat="25.8400" lon="116.3600"/>
 <node id="3" lat="25.8400" lon="116.3700"/>
 <node id="4" lat="25.8500" lon="116.3700"/>
 <node id="5" lat="25.8500" lon="116.3500"/>
 <node id="6" lat="25.8300" lon="116.3800"/>
 <node id="7" lat="25.8300" lon="116.3400"/>
 <node id="8" lat="25.8410" lon="116.3600"/>
 <node id="9" lat="25.9000" lon="116.4000"/>
 <node id="10" lat="25.9100" lon="116.4000"/>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
 <way id="101"><nd ref="3"/><nd ref="4"/><tag k="highway" v="primary"/><tag k="oneway" v="yes"/></way>
 <way id="102"><nd ref="4"/><nd ref="5"/><nd ref="1"/><tag k="highway" v="secondary"/>
  <tag k="maxspeed" v="30"/></way>
 <way id="103"><nd ref="3"/><nd ref="6"/><tag k="highway" v="tertiary"/><tag k="oneway" v="yes"/></way>
 <way id="104"><nd ref="1"/><nd ref="7"/><tag k="highway" v="track"/></way>
 <way id="105"><nd ref="2"/><nd ref="8"/><tag k="highway" v="service"/>
  <tag k="service" v="parking_aisle"/></way>
 <way id="106"><nd ref="9"/><nd ref="10"/><tag k="highway" v="residential"/></way>
 <way id="107"><nd ref="5"/><nd ref="4"/><tag k="highway" v="footway"/></way>
</osm>
"""


@pytest.fixture
def hand_made(tmp_path: Path) -> Path:
    """The hand-made network above, written as a .osm file."""
    path = tmp_path / "hand.osm"
    path.write_text(HAND_MADE, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_loads_to_strongly_connected_drivable_graph(name: str) -> None:
    graph, geometry = read_osm_file(sample(name))
    assert graph.n_nodes >= 5 and graph.n_edges >= 8
    n_comp, _ = connected_components(graph.csr("minutes"), directed=True, connection="strong")
    assert n_comp == 1
    assert np.all(graph.edge_minutes > 0) and np.all(graph.edge_km > 0)
    # Every edge's shape starts and ends at its two nodes.
    from_nodes = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    for e in range(graph.n_edges):
        xy = geometry.coords(e)
        assert np.allclose(
            xy[0], (graph.node_lon[from_nodes[e]], graph.node_lat[from_nodes[e]]), rtol=0, atol=1e-12
        )
        assert np.allclose(
            xy[-1], (graph.node_lon[graph.indices[e]], graph.node_lat[graph.indices[e]]), rtol=0, atol=1e-12
        )


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_shortest_times_agree_with_networkx_dijkstra(name: str) -> None:
    graph, _ = read_osm_file(sample(name))
    nodes = np.arange(graph.n_nodes)
    minutes, km = many_to_many(graph, nodes, nodes)
    g = to_networkx(graph)
    for s in range(graph.n_nodes):
        expected = nx.single_source_dijkstra_path_length(g, s, weight="minutes")
        for t in range(graph.n_nodes):
            assert minutes[s, t] == pytest.approx(expected[t], abs=1e-9)
        # km is the length of the fastest path: check it on the networkx path.
        paths = nx.single_source_dijkstra_path(g, s, weight="minutes")
        for t, p in paths.items():
            path_km = sum(g.edges[a, b]["km"] for a, b in itertools.pairwise(p))
            path_min = sum(g.edges[a, b]["minutes"] for a, b in itertools.pairwise(p))
            if abs(path_min - minutes[s, t]) < 1e-12:  # unique fastest path up to ties
                assert km[s, t] == pytest.approx(path_km, abs=1e-9)


def test_hand_made_network_structure(hand_made: Path) -> None:
    graph, geometry = read_osm_file(hand_made)
    ids = graph.node_osm_id.tolist()
    # Nodes 2 and 5 are shape points (the parking aisle and the footway are not drivable); 6 is a dead end
    # reached by a oneway, 7/8 are on non-drivable ways, 9-10 is a smaller component.
    assert sorted(ids) == [1, 3, 4]
    idx = {osm: k for k, osm in enumerate(ids)}
    g = to_networkx(graph)
    assert g.has_edge(idx[3], idx[4]) and not g.has_edge(idx[4], idx[3])  # oneway primary
    assert g.has_edge(idx[1], idx[3]) and g.has_edge(idx[3], idx[1])  # two-way residential
    assert g.has_edge(idx[4], idx[1]) and g.has_edge(idx[1], idx[4])  # two-way secondary
    assert graph.n_edges == 5
    # The 1→3 edge keeps node 2 as a shape point, and its length is the great-circle length (≈ 2 km).
    k13 = next(k for k in range(graph.indptr[idx[1]], graph.indptr[idx[1] + 1]) if graph.indices[k] == idx[3])
    assert len(geometry.coords(k13)) == 3
    assert graph.edge_km[k13] == pytest.approx(2.006, abs=0.005)
    assert graph.edge_minutes[k13] == pytest.approx(graph.edge_km[k13] / SPEED_KMH["residential"] * 60)
    # maxspeed=30 on the secondary road replaces the class speed of 45; 1→4 runs 1, 5, 4 (reversed shape).
    k14 = next(k for k in range(graph.indptr[idx[1]], graph.indptr[idx[1] + 1]) if graph.indices[k] == idx[4])
    assert graph.edge_minutes[k14] == pytest.approx(graph.edge_km[k14] / 30 * 60)
    assert np.allclose(
        geometry.coords(k14), [[116.35, 25.84], [116.35, 25.85], [116.37, 25.85]], rtol=0, atol=1e-9
    )


def test_pbf_and_bz2_give_the_same_graph(hand_made: Path, tmp_path: Path) -> None:
    osmium = pytest.importorskip("osmium")
    pbf = tmp_path / "hand.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(hand_made)):
            writer.add(obj)
    bz = tmp_path / "hand.osm.bz2"
    bz.write_bytes(bz2.compress(hand_made.read_bytes()))
    ref, _ = read_osm_file(hand_made)
    for path in (pbf, bz):
        graph, _ = read_osm_file(path)
        assert np.array_equal(graph.indices, ref.indices)
        assert np.allclose(graph.edge_minutes, ref.edge_minutes)


def test_loading_is_deterministic() -> None:
    a, ga = read_osm_file(sample(SAMPLE_FILES[0]))
    b, gb = read_osm_file(sample(SAMPLE_FILES[0]))
    for field in ("node_lon", "indptr", "indices", "edge_minutes", "edge_km"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert np.array_equal(ga.lon, gb.lon)


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("garbage.osm", b"this is not xml at all", "cannot be read"),
        ("garbage.osm.pbf", b"\x00\x01garbage bytes\xff" * 10, "cannot be read"),
        ("garbage.osm.bz2", b"not bzip2", "cannot be read"),
        ("empty.osm", b"", "cannot be read"),
        (
            "noroads.osm",
            b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="1" lon="1"/></osm>',
            "no drivable roads",
        ),
        (
            "footways.osm",
            HAND_MADE.replace('v="residential"', 'v="footway"')
            .replace('v="primary"', 'v="path"')
            .replace('v="secondary"', 'v="steps"')
            .replace('v="tertiary"', 'v="track"')
            .encode(),
            "no drivable roads",
        ),
        ("roads.txt", b"whatever", "unknown extension"),
    ],
)
def test_broken_files_raise_network_error_naming_the_file(
    tmp_path: Path, name: str, content: bytes, match: str
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NetworkError, match=match) as info:
        read_osm_file(path)
    assert name in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match="does not exist") as info:
        read_osm_file(tmp_path / "nowhere.osm.pbf")
    assert "nowhere.osm.pbf" in str(info.value)


def test_drivable_filter_and_oneway_rules() -> None:
    assert drivable_class({"highway": "primary"}) == "primary"
    assert drivable_class({"highway": "track"}) is None
    assert drivable_class({"highway": "footway"}) is None
    assert drivable_class({"highway": "residential", "access": "private"}) is None
    assert drivable_class({"highway": "residential", "access": "no", "motorcar": "yes"}) == "residential"
    assert drivable_class({"highway": "service", "service": "driveway"}) is None
    assert drivable_class({"highway": "service"}) == "service"
    assert drivable_class({"highway": "pedestrian", "area": "yes"}) is None
    assert oneway_direction({"oneway": "yes"}, "primary") == 1
    assert oneway_direction({"oneway": "-1"}, "primary") == -1
    assert oneway_direction({}, "motorway") == 1
    assert oneway_direction({"oneway": "no"}, "motorway") == 0
    assert oneway_direction({"junction": "roundabout"}, "tertiary") == 1
    assert oneway_direction({}, "tertiary") == 0


def test_maxspeed_parsing() -> None:
    assert parse_maxspeed_kmh("60") == 60
    assert parse_maxspeed_kmh("60 km/h") == 60
    assert parse_maxspeed_kmh("30 mph") == pytest.approx(48.28, abs=0.01)
    assert parse_maxspeed_kmh("50;70") == 50
    assert parse_maxspeed_kmh("none") is None
    assert parse_maxspeed_kmh("CN:urban") is None
    assert parse_maxspeed_kmh("999") is None  # not sane
    assert parse_maxspeed_kmh("130") == 120  # capped
    assert edge_speed_kmh("tertiary") == SPEED_KMH["tertiary"]
    assert edge_speed_kmh("tertiary", "signals") == SPEED_KMH["tertiary"]


def test_osmnx_graph_converts_like_the_file(hand_made: Path) -> None:
    """The osmnx path (used for one prefecture online) on the same hand-made data, read offline by osmnx."""
    ox = pytest.importorskip("osmnx")
    from geo._roads.osm import assemble, ways_from_osmnx

    nx_graph = ox.graph_from_xml(hand_made, simplify=False, retain_all=True)
    graph, _ = assemble(ways_from_osmnx(nx_graph), source="osmnx")
    ref, _ = read_osm_file(hand_made)
    # osmnx keeps node 2 (no simplification) but the fastest times between intersections must agree.
    ids = graph.node_osm_id.tolist()
    common = [i for i in ref.node_osm_id.tolist() if i in ids]
    a = many_to_many(
        ref,
        [ref.node_osm_id.tolist().index(i) for i in common],
        [ref.node_osm_id.tolist().index(i) for i in common],
    )[0]
    b = many_to_many(graph, [ids.index(i) for i in common], [ids.index(i) for i in common])[0]
    assert np.allclose(a, b, rtol=1e-6)
