"""routing.matrix: travel matrices with reasons, the disk cache, and the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo import network as gn
from geo._roads.graph import RoadGraph
from geo._roads.osm import EdgeGeometry
from geo.network import EstimatedNetwork, EstimatedParams, OSMNetwork
from routing import matrix as rm
from routing.matrix import REASONS, travel_matrix

#: Node positions of :func:`line_network`: 11 nodes 0.01° apart along lat 25.1 from lon 117.0 (≈ 1 km),
#: then a separate two-node road farther east.
LINE_LAT = 25.1


def line_network() -> OSMNetwork:
    """A hand-made OSM network near Longyan: a straight two-way road of 10 edges of exactly 5 minutes each
    (nodes 0–10), and a separate road (nodes 11–12) not connected to it."""
    lon = np.r_[117.0 + 0.01 * np.arange(11), 117.30, 117.31]
    lat = np.full(len(lon), LINE_LAT)
    pairs = [(i, i + 1) for i in range(10)] + [(11, 12)]
    frm = np.array([a for a, b in pairs] + [b for a, b in pairs])
    to = np.array([b for a, b in pairs] + [a for a, b in pairs])
    km = gn.haversine_km(lon[frm], lat[frm], lon[to], lat[to])
    graph = RoadGraph.from_edges(lon, lat, frm, to, np.full(len(frm), 5.0), km)
    e_from = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    e_to = graph.indices
    geometry = EdgeGeometry(
        edge_seg=np.arange(graph.n_edges),
        edge_rev=np.zeros(graph.n_edges, dtype=bool),
        seg_ptr=np.arange(0, 2 * graph.n_edges + 1, 2),
        lon=np.column_stack([lon[e_from], lon[e_to]]).ravel(),
        lat=np.column_stack([lat[e_from], lat[e_to]]).ravel(),
    )
    return OSMNetwork(graph, geometry, {"source": "hand-made test line"})


def node_point(k: int) -> tuple[float, float]:
    """(lon, lat) of node ``k`` of :func:`line_network`."""
    return (117.30 + 0.01 * (k - 11), LINE_LAT) if k >= 11 else (117.0 + 0.01 * k, LINE_LAT)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache directory and an empty in-process cache."""
    path = tmp_path / "cache"
    monkeypatch.setenv(gn.CACHE_ENV, str(path))
    rm.clear_memory_cache()
    gn._ACTIVE.clear()
    return path


def test_osm_line_times_and_reasons() -> None:
    net = line_network()
    far = (117.04, LINE_LAT + 0.045)  # ≈ 5 km north of node 4: no road within 2 km
    origins = [node_point(0), node_point(11), far, (np.nan, np.nan)]
    dests = [node_point(2), node_point(10), node_point(12)]
    res = travel_matrix(net, origins, dests)
    assert not res.estimated and res.network_kind == "osm"
    np.testing.assert_allclose(res.minutes[0, :2], [10.0, 50.0], atol=1e-9)
    assert res.km[0, 1] == pytest.approx(gn.haversine_km(117.0, LINE_LAT, 117.1, LINE_LAT), rel=1e-6)
    reason = np.array(REASONS, dtype=object)[res.reason]
    assert reason[0].tolist() == ["", "", "not_connected"]
    assert reason[1].tolist() == ["not_connected", "not_connected", ""]
    assert set(reason[2]) == {"no_road_origin"} and set(reason[3]) == {"no_point_origin"}
    assert np.isinf(res.minutes[res.reason > 0]).all() and np.isfinite(res.minutes[res.reason == 0]).all()
    assert res.reason_text(2, 0, "en") == "no road within 2 km of the origin"


def test_estimated_network_matches_travel_and_is_labelled() -> None:
    net = EstimatedNetwork()
    pts = np.array([[117.03, 25.10], [116.35, 25.84], [118.0, 26.6]])
    res = travel_matrix(net, pts, pts[::-1])
    direct = net.travel(pts, pts[::-1])
    np.testing.assert_array_equal(res.minutes, direct.minutes)
    assert res.estimated and res.network_kind == "estimated" and "估算" in res.network_label
    assert (res.reason == 0).all()


def test_disk_cache_is_used_and_keyed_by_network(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = EstimatedNetwork()
    pts = np.array([[117.03, 25.10], [116.35, 25.84]])
    first = travel_matrix(net, pts, pts)
    assert len(list((cache_dir / "matrix").glob("*.npz"))) == 1
    rm.clear_memory_cache()

    def boom(*_a: object) -> None:
        raise AssertionError("travel() must not run when the matrix is cached")

    monkeypatch.setattr(net, "travel", boom)
    again = travel_matrix(net, pts, pts)
    np.testing.assert_array_equal(again.minutes, first.minutes)
    other = EstimatedNetwork(EstimatedParams(circuity=1.6))
    assert travel_matrix(other, pts, pts).minutes[0, 1] > first.minutes[0, 1]
    assert len(list((cache_dir / "matrix").glob("*.npz"))) == 2


def test_corrupt_cache_file_is_recomputed(cache_dir: Path) -> None:
    net = EstimatedNetwork()
    pts = np.array([[117.03, 25.10], [116.35, 25.84]])
    first = travel_matrix(net, pts, pts)
    rm.clear_memory_cache()
    (path,) = (cache_dir / "matrix").glob("*.npz")
    path.write_bytes(b"not an npz")
    again = travel_matrix(net, pts, pts)
    np.testing.assert_array_equal(again.minutes, first.minutes)


def test_bad_shape_is_a_clear_error() -> None:
    with pytest.raises(rm.InputValidationError, match=r"shape \(n, 2\)"):
        travel_matrix(EstimatedNetwork(), np.zeros((2, 3)), np.zeros((1, 2)))


def test_cli_writes_csv_with_estimated_column(tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    assert rm.main(["--from", "长汀县新桥镇,连城县", "--to", "龙岩市第一医院", "--csv", str(out)]) == 0
    text = out.read_text("utf-8-sig")
    assert text.startswith("from,to,minutes")  # plain RFC 4180: header first, no comment lines
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == ["from", "to", "minutes", "km", "estimated", "network", "reason"]
    assert len(table) == 2 and table["estimated"].all() and (table["minutes"] > 0).all()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "新桥", "--to", "连城县"], "matches 4 places"),
        (["--from", "不存在的地方", "--to", "连城县"], "No township, county or facility"),
        (["--from-type", "clinic", "--to", "连城县"], "Unknown facility type 'clinic'"),
        (["--from-type", "county_hospital", "--prefecture", "火星", "--to", "连城县"], "Unknown prefecture"),
        (["--from", "连城县", "--to", "长汀县", "--prefecture", "龙岩"], "only applies with"),
        (["--from", "", "--to", "连城县"], "--from is empty"),
        (["--from", "连城县", "--to", " , "], "--to is empty"),
        (["--from", "金门县", "--to", "连城县"], "金门县 (Kinmen, administered from Taiwan)"),
    ],
)
def test_cli_bad_input_exits_2_with_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rm.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_by_type_prints_table(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--from-type", "city_hospital", "--prefecture", "龙岩", "--to", "长汀县新桥镇"]
    assert rm.main(argv) == 0
    out = capsys.readouterr().out
    assert "估算" in out and "龙岩市第一医院" in out


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[:100])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flipped":  # inside the stored minutes array: the zip member's CRC-32 no longer matches
        middle = len(data) // 3
        flipped = bytes(b ^ 0xFF for b in data[middle : middle + 16])
        path.write_bytes(data[:middle] + flipped + data[middle + 16 :])
    elif how == "wrong_shape":
        np.savez(path, minutes=np.zeros((1, 1)), km=np.zeros((1, 1)), reason=np.zeros((1, 1)),
                 origin_snap_m=np.zeros(0), destination_snap_m=np.zeros(0), meta=np.array(["True", "x", "y"]))


@pytest.mark.parametrize("how", ["truncated", "empty", "flipped", "wrong_shape"])
def test_damaged_cache_is_logged_removed_and_recomputed(
    cache_dir: Path, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    net = EstimatedNetwork()
    pts = np.array([[117.03, 25.10], [116.35, 25.84], [118.0, 26.6]])
    first = travel_matrix(net, pts, pts[:2])
    rm.clear_memory_cache()
    (path,) = (cache_dir / "matrix").glob("*.npz")
    _damage(path, how)
    with caplog.at_level("WARNING", logger="routing.matrix"):
        again = travel_matrix(net, pts, pts[:2])
    np.testing.assert_array_equal(again.minutes, first.minutes)
    assert "unreadable matrix cache" in caplog.text
    rm.clear_memory_cache()
    healed = rm._load(path, (3, 2))  # rewritten by the recomputation
    assert healed is not None
    np.testing.assert_array_equal(healed.minutes, first.minutes)


@pytest.mark.parametrize("how", ["truncated", "empty", "flipped"])
def test_cli_with_damaged_cache_prints_the_table(
    cache_dir: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--from", "连城县", "--to", "龙岩市第一医院"]
    assert rm.main(argv) == 0
    rm.clear_memory_cache()
    for path in (cache_dir / "matrix").glob("*.npz"):
        _damage(path, how)
    capsys.readouterr()
    assert rm.main(argv) == 0
    captured = capsys.readouterr()
    assert "龙岩市第一医院" in captured.out and "Traceback" not in captured.err


def test_read_only_cache_dir_keeps_working(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = EstimatedNetwork()
    pts = np.array([[117.03, 25.10], [116.35, 25.84]])
    first = travel_matrix(net, pts, pts)
    rm.clear_memory_cache()
    (path,) = (cache_dir / "matrix").glob("*.npz")
    _damage(path, "truncated")

    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    # a read-only cache directory (simulated: the tests may run as root, who ignores chmod)
    monkeypatch.setattr(Path, "unlink", refuse)
    monkeypatch.setattr(rm.tempfile, "mkstemp", refuse)
    again = travel_matrix(net, pts, pts)  # cannot remove the bad file nor write a new one
    other = travel_matrix(net, pts[::-1], pts)
    np.testing.assert_array_equal(again.minutes, first.minutes)
    assert other.minutes.shape == (2, 2) and path.exists()
