"""The Network interface: estimated network formula, OSM network routing/snapping/paths, cache, downloads."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from geo import network as gn
from geo._errors import InputValidationError, NetworkError
from geo._roads.speeds import ACCESS_SPEED_KMH
from geo.network import EstimatedNetwork, EstimatedParams, OSMNetwork
from tests.paths import TEST_DATA

SAMPLES = TEST_DATA / "osm"
OAKLAND = SAMPLES / "West-Oakland.osm.bz2"

FUZHOU = (119.296, 26.074)
XIAMEN = (118.089, 24.480)
CHANGTING_SEAT = (116.352743, 25.836402)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty cache directory (never the user's)."""
    path = tmp_path / "cache"
    monkeypatch.setenv(gn.CACHE_ENV, str(path))
    gn._ACTIVE.clear()
    return path


@pytest.fixture
def oakland() -> OSMNetwork:
    """The West Oakland sample as an OSM network."""
    if not OAKLAND.is_file():
        pytest.skip(f"OSM sample {OAKLAND} is absent (expected tests/data/osm)")
    return OSMNetwork.from_file(OAKLAND)


# ------------------------------------------------------------------------------------------- estimated


def test_estimated_formula_by_hand() -> None:
    p = EstimatedParams()
    # 30 road km: 5 km at 25, 15 km at 40, 10 km at 60 km/h.
    assert p.minutes_for_road_km(np.array([30.0]))[0] == pytest.approx(
        5 / 25 * 60 + 15 / 40 * 60 + 10 / 60 * 60
    )
    assert p.minutes_for_road_km(np.array([0.0]))[0] == 0.0
    net = EstimatedNetwork()
    res = net.travel([FUZHOU], [XIAMEN])
    gc = gn.haversine_km(*FUZHOU, *XIAMEN)
    assert res.km[0, 0] == pytest.approx(1.35 * gc)
    assert res.estimated is True and net.is_estimated and net.kind == "estimated"


def test_estimated_is_continuous_increasing_and_symmetric() -> None:
    p = EstimatedParams()
    road = np.linspace(0, 400, 40001)
    minutes = p.minutes_for_road_km(road)
    assert np.all(np.diff(minutes) > 0)
    assert np.max(np.diff(minutes)) < 0.01 / 25 * 60 + 1e-9  # no jump at band edges
    rng = np.random.default_rng(0)
    pts = np.column_stack([rng.uniform(116, 120, 6), rng.uniform(24, 28, 6)])
    res = EstimatedNetwork().travel(pts, pts)
    assert np.allclose(res.minutes, res.minutes.T) and np.allclose(np.diag(res.minutes), 0)


def test_estimated_labels_say_estimated() -> None:
    net = EstimatedNetwork()
    assert "估算" in net.label("zh") and "stimated" in net.label("en")
    assert "估算" in net.speed_table_doc("zh") and "1.35" in net.speed_table_doc("en")
    path = net.path(FUZHOU, XIAMEN)
    assert path.estimated and path.lonlat.shape == (2, 2)
    assert path.minutes == pytest.approx(net.travel([FUZHOU], [XIAMEN]).minutes[0, 0])
    snap = net.snap([FUZHOU])
    assert snap.node[0] == -1 and not snap.far_from_road[0]


def test_estimated_fingerprint_is_stable_and_parameter_dependent() -> None:
    assert EstimatedNetwork().fingerprint() == EstimatedNetwork().fingerprint()
    assert EstimatedNetwork().fingerprint() != EstimatedNetwork(EstimatedParams(circuity=1.3)).fingerprint()
    assert EstimatedNetwork().fingerprint().startswith("estimated:")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"circuity": 0.9}, "circuity"),
        ({"band_edges_km": (20.0, 5.0, 60.0)}, "increasing"),
        ({"band_speeds_kmh": (25.0, 40.0)}, "one speed more"),
        ({"band_speeds_kmh": (25.0, 40.0, 60.0, 0.0)}, "km/h"),
    ],
)
def test_estimated_params_check_themselves(kwargs: dict, match: str) -> None:
    with pytest.raises(InputValidationError, match=match):
        EstimatedParams(**kwargs)


@pytest.mark.parametrize(
    ("points", "match"),
    [([[1.0, 2.0, 3.0]], "shape"), ([[119.0, 26.0], [np.nan, 26.0]], "row 1"), ([[200.0, 26.0]], "row 0")],
)
def test_bad_points_are_named(points: list, match: str) -> None:
    with pytest.raises(InputValidationError, match=match):
        EstimatedNetwork().travel(points, [FUZHOU])


# ------------------------------------------------------------------------------------------- OSM


def test_osm_travel_adds_access_legs_to_road_times(oakland: OSMNetwork) -> None:
    from geo._roads.shortest import many_to_many

    g = oakland.graph
    nodes = np.array([0, 5, 10, 15])
    on_nodes = np.column_stack([g.node_lon[nodes], g.node_lat[nodes]])
    res = oakland.travel(on_nodes, on_nodes)
    expected, expected_km = many_to_many(g, nodes, nodes)
    assert res.estimated is False
    assert np.allclose(res.minutes, expected, atol=1e-9) and np.allclose(res.km, expected_km, atol=1e-9)
    assert np.allclose(res.origin_snap_m, 0, atol=1e-6)
    # Move the origins 0.001° north: the access leg is the straight distance to the node at ACCESS_SPEED_KMH.
    off = on_nodes + np.array([0.0, 0.001])
    snap = oakland.snap(off)
    res2 = oakland.travel(off, on_nodes)
    road, _ = many_to_many(g, snap.node, nodes)
    assert np.allclose(res2.minutes, road + (snap.snap_m / 1000 / ACCESS_SPEED_KMH * 60)[:, None])


def test_osm_snap_distance_and_far_flag(oakland: OSMNetwork) -> None:
    g = oakland.graph
    near = (g.node_lon[3], g.node_lat[3] + 0.0009)  # ≈ 100 m north of node 3
    far = (g.node_lon[3], g.node_lat[3] + 0.05)  # ≈ 5.5 km north
    snap = oakland.snap([near, far])
    assert snap.snap_m[0] == pytest.approx(100, abs=15) and not snap.far_from_road[0]
    assert snap.snap_m[1] > 2000 and snap.far_from_road[1]
    # The nearest node is the true nearest by great-circle distance.
    d = gn.haversine_km(near[0], near[1], g.node_lon, g.node_lat)
    assert snap.node[0] == int(np.argmin(d))


def test_osm_path_matches_travel(oakland: OSMNetwork) -> None:
    g = oakland.graph
    a = (g.node_lon[0] + 0.0003, g.node_lat[0])
    b = (g.node_lon[g.n_nodes - 1], g.node_lat[g.n_nodes - 1] - 0.0002)
    path = oakland.path(a, b)
    res = oakland.travel([a], [b])
    assert path.minutes == pytest.approx(res.minutes[0, 0], abs=1e-9)
    assert path.km == pytest.approx(res.km[0, 0], abs=1e-9)
    assert np.allclose(path.lonlat[0], a, rtol=0, atol=1e-12) and np.allclose(
        path.lonlat[-1], b, rtol=0, atol=1e-12
    )
    # The polyline's own length equals the reported km (shapes are exact, access legs straight).
    seg = gn.haversine_km(path.lonlat[:-1, 0], path.lonlat[:-1, 1], path.lonlat[1:, 0], path.lonlat[1:, 1])
    assert seg.sum() == pytest.approx(path.km, rel=1e-9)
    assert "road-routed" in oakland.label("en") and "West-Oakland" in oakland.label("zh")


def test_osm_same_point_is_zero(oakland: OSMNetwork) -> None:
    p = [(-122.3, 37.81)]
    assert oakland.travel(p, p).minutes[0, 0] == 0.0


def test_cache_round_trip_and_active_network(oakland: OSMNetwork, cache_dir: Path) -> None:
    assert isinstance(gn.active_network(), EstimatedNetwork)
    assert gn.cached_network_info() is None
    oakland.save()
    assert (cache_dir / "network" / "road_network.npz").is_file()
    active = gn.active_network()
    assert isinstance(active, OSMNetwork) and active.fingerprint() == oakland.fingerprint()
    assert gn.active_network() is active  # memoised
    info = gn.cached_network_info()
    assert info["n_edges"] == oakland.graph.n_edges and info["source"] == "West-Oakland.osm.bz2"
    pts = np.column_stack([oakland.graph.node_lon[:4], oakland.graph.node_lat[:4]])
    assert np.array_equal(active.travel(pts, pts).minutes, oakland.travel(pts, pts).minutes)
    assert gn.clear_network_cache()
    assert isinstance(gn.active_network(), EstimatedNetwork)


def test_corrupt_cache_falls_back_to_estimated(cache_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    (cache_dir / "network").mkdir(parents=True)
    (cache_dir / "network" / "road_network.npz").write_bytes(b"not an npz")
    (cache_dir / "network" / "road_network.json").write_text("{}")
    with pytest.raises(NetworkError, match=r"road_network\.npz"):
        OSMNetwork.load()
    assert isinstance(gn.active_network(), EstimatedNetwork)
    assert "estimated network instead" in caplog.text


def test_build_network_from_file_caches(cache_dir: Path) -> None:
    if not OAKLAND.is_file():
        pytest.skip(f"OSM sample {OAKLAND} is absent")
    net = gn.build_network_from_file(OAKLAND)
    assert isinstance(gn.active_network(), OSMNetwork)
    assert gn.active_network().fingerprint() == net.fingerprint()
    assert net.fingerprint() == OSMNetwork.from_file(OAKLAND).fingerprint()  # independent of build time


# ------------------------------------------------------------------------------------------- downloads


class FakeResponse:
    """A requests-like response serving bytes in chunks."""

    def __init__(self, payload: bytes, status: int = 200, length: int | None = None) -> None:
        self.payload, self.status = payload, status
        self.headers = {"content-length": str(len(payload) if length is None else length)}
        self.text = payload.decode("latin-1")

    def raise_for_status(self) -> None:
        if self.status >= 400:
            raise OSError(f"HTTP {self.status}")

    def iter_content(self, chunk_size: int = 1024):
        stream = io.BytesIO(self.payload)
        while chunk := stream.read(7):
            yield chunk


class FakeSession:
    """Serves fixed responses per URL and records the requests."""

    def __init__(self, routes: dict[str, FakeResponse]) -> None:
        self.routes, self.requested = routes, []

    def get(self, url: str, stream: bool = False, timeout: float | None = None) -> FakeResponse:
        self.requested.append(url)
        if url not in self.routes:
            raise ConnectionError(f"no route to {url}")
        return self.routes[url]


def test_download_file_streams_and_checks_md5(tmp_path: Path) -> None:
    from geo._roads.download import download_file

    payload = b"0123456789" * 100
    session = FakeSession({"http://x/f.pbf": FakeResponse(payload)})
    out = download_file(
        "http://x/f.pbf",
        tmp_path / "d" / "f.pbf",
        session=session,
        expected_md5=hashlib.md5(payload).hexdigest(),
        progress=False,
    )
    assert out.read_bytes() == payload and not (tmp_path / "d" / "f.pbf.part").exists()
    with pytest.raises(NetworkError, match="corrupt"):
        download_file(
            "http://x/f.pbf", tmp_path / "g.pbf", session=session, expected_md5="0" * 32, progress=False
        )
    assert not (tmp_path / "g.pbf").exists() and not (tmp_path / "g.pbf.part").exists()
    short = FakeSession({"http://x/f.pbf": FakeResponse(payload, length=5000)})
    with pytest.raises(NetworkError, match="incomplete"):
        download_file("http://x/f.pbf", tmp_path / "h.pbf", session=short, progress=False)
    with pytest.raises(NetworkError, match=r"http://x/missing"):
        download_file("http://x/missing", tmp_path / "i.pbf", session=session, progress=False)
    with pytest.raises(NetworkError, match="HTTP 404"):
        download_file(
            "http://x/f.pbf",
            tmp_path / "j.pbf",
            session=FakeSession({"http://x/f.pbf": FakeResponse(b"", status=404)}),
            progress=False,
        )


def test_download_fujian_builds_the_active_network(tmp_path: Path, cache_dir: Path) -> None:
    """The whole online path with a fake transport serving a real (tiny) PBF made from the Oakland sample."""
    osmium = pytest.importorskip("osmium")
    from geo._roads.download import GEOFABRIK_FUJIAN_URL

    if not OAKLAND.is_file():
        pytest.skip(f"OSM sample {OAKLAND} is absent")
    pbf = tmp_path / "sample.osm.pbf"
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", "2026-11-20T21:21:02Z")  # as Geofabrik's extracts carry
    with osmium.SimpleWriter(str(pbf), header=header) as writer:
        for obj in osmium.FileProcessor(str(OAKLAND)):
            writer.add(obj)
    payload = pbf.read_bytes()
    md5_text = f"{hashlib.md5(payload).hexdigest()}  fujian-latest.osm.pbf\n".encode()
    session = FakeSession(
        {GEOFABRIK_FUJIAN_URL: FakeResponse(payload), GEOFABRIK_FUJIAN_URL + ".md5": FakeResponse(md5_text)}
    )
    net = gn.build_network_from_download("fujian", session=session)
    assert session.requested == [GEOFABRIK_FUJIAN_URL + ".md5", GEOFABRIK_FUJIAN_URL]
    assert (cache_dir / "downloads" / "fujian-latest.osm.pbf").is_file()
    assert isinstance(gn.active_network(), OSMNetwork)
    assert net.graph.n_edges == OSMNetwork.from_file(OAKLAND).graph.n_edges
    assert net.meta["data_date"] == "2026-11-20" and "2026-11-20" in gn.active_network().label("zh")
    with pytest.raises(NetworkError, match="Unknown download region"):
        gn.build_network_from_download("guangdong", session=session)


def test_fetch_md5_rejects_non_checksums() -> None:
    from geo._roads.download import fetch_md5

    with pytest.raises(NetworkError, match="does not hold an MD5"):
        fetch_md5("http://x/f", session=FakeSession({"http://x/f.md5": FakeResponse(b"<html>oops</html>")}))


def test_prefecture_download_rejects_unknown_names() -> None:
    from geo._roads.download import prefecture_graph

    with pytest.raises(NetworkError, match="not a prefecture of Fujian"):
        prefecture_graph("广州")


# ---------------------------------------------------------------------- cached shortest-path hierarchy


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count calls of the hierarchy builder used by geo._roads.shortest."""
    import geo._roads.shortest as shortest

    calls: list[int] = []
    real = shortest.build_hierarchy

    def counting(n: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(n)
        return real(n, *args, **kwargs)

    monkeypatch.setattr(shortest, "build_hierarchy", counting)
    monkeypatch.setattr(shortest, "BUILD_S_PER_NODE", 0.0)  # every query uses the hierarchy
    return calls


def _generated_network(side: int = 72, seed: int = 3) -> OSMNetwork:
    """A jittered-grid road network of side² ≥ 5,000 nodes (no degree-2 chains), some one-way edges."""
    from geo._roads.graph import RoadGraph
    from geo._roads.osm import EdgeGeometry

    rng = np.random.default_rng(seed)
    node = np.arange(side * side).reshape(side, side)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    oneway = rng.random(len(u)) < 0.1
    mins = rng.uniform(0.5, 5, len(u))
    kms = rng.uniform(0.2, 4, len(u))
    frm, to = np.concatenate([u, v[~oneway]]), np.concatenate([v, u[~oneway]])
    graph = RoadGraph.from_edges(
        116 + (node.ravel() % side) * 0.01, 25 + (node.ravel() // side) * 0.01, frm, to,
        np.concatenate([mins, mins[~oneway]]), np.concatenate([kms, kms[~oneway]]),
    )
    m = graph.n_edges
    geom = EdgeGeometry(
        edge_seg=np.zeros(m, np.int64), edge_rev=np.zeros(m, bool), seg_ptr=np.zeros(2, np.int64),
        lon=np.zeros(0), lat=np.zeros(0),
    )
    return OSMNetwork(graph, geom, {"source": "generated", "data_date": ""})


def _round_trip_gives_same_results_without_rebuild(
    net: OSMNetwork, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, n_src: int
) -> None:
    import geo._roads.shortest as shortest
    from geo._roads.shortest import many_to_many

    calls = _count_builds(monkeypatch)
    rng = np.random.default_rng(0)
    src = rng.integers(0, net.graph.n_nodes, n_src)
    tgt = rng.integers(0, net.graph.n_nodes, 3 * n_src)
    net.save()
    assert (cache_dir / "network" / "road_network.hierarchy.npz").is_file()
    built = len(calls)
    assert built == 1  # once, at save time: the same hierarchy serves the reversed searches
    want = many_to_many(net.graph, src, tgt)
    want_rev = many_to_many(net.graph, tgt, src[:5])  # few targets: searched backwards from them
    assert len(calls) == built
    loaded = OSMNetwork.load()
    assert loaded.graph is not net.graph and loaded.fingerprint() == net.fingerprint()
    got = many_to_many(loaded.graph, src, tgt)
    got_rev = many_to_many(loaded.graph, tgt, src[:5])
    assert len(calls) == built  # nothing rebuilt after load
    assert shortest.contract(loaded.graph) in shortest._HIERARCHIES
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got_rev[0], want_rev[0])
    np.testing.assert_array_equal(got_rev[1], want_rev[1])


def test_hierarchy_cached_with_oakland_sample(
    oakland: OSMNetwork, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _round_trip_gives_same_results_without_rebuild(oakland, cache_dir, monkeypatch, n_src=20)


def test_hierarchy_cached_with_generated_graph(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = _generated_network()
    assert net.graph.n_nodes >= 5000
    _round_trip_gives_same_results_without_rebuild(net, cache_dir, monkeypatch, n_src=20)


def test_hierarchy_mismatch_or_corrupt_is_rebuilt(
    oakland: OSMNetwork, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from geo._roads.shortest import many_to_many

    calls = _count_builds(monkeypatch)
    src = np.arange(oakland.graph.n_nodes)
    oakland.save()
    want = many_to_many(oakland.graph, src, src[::-1])
    path = cache_dir / "network" / "road_network.hierarchy.npz"
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["fingerprint"] = np.array("osm:0000000000000000")
    np.savez(path, **arrays)
    n0 = len(calls)
    loaded = OSMNetwork.load()
    assert "another road graph" in caplog.text
    got = many_to_many(loaded.graph, src, src[::-1])
    assert len(calls) == n0 + 1  # rebuilt on first use
    np.testing.assert_array_equal(got[0], want[0])
    path.write_bytes(b"corrupt")
    loaded = OSMNetwork.load()
    assert "is damaged" in caplog.text
    got = many_to_many(loaded.graph, src, src[::-1])
    assert len(calls) == n0 + 2
    np.testing.assert_array_equal(got[1], want[1])
