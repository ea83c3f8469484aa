"""Damaged caches of the road network heal themselves: never a traceback, never "internal error".

Broken on purpose: the cached network (``road_network.npz`` / ``.json``), its hierarchy and numba's compiled
kernels — truncated, emptied, bytes flipped — and a read-only cache directory.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import geo._roads.shortest as shortest
from geo import network as gn
from geo.__main__ import main
from geo._roads import jit, store
from geo.cli import EXIT_OK
from tests.paths import ROOT, TEST_DATA

OAKLAND = TEST_DATA / "osm" / "West-Oakland.osm.bz2"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for k in range(len(data) // 3, len(data) // 3 + 16):
        data[k] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {"truncated": _truncate, "empty": _empty, "flipped": _flip}


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty cache directory (never the user's)."""
    path = tmp_path / "cache"
    monkeypatch.setenv(gn.CACHE_ENV, str(path))
    gn._ACTIVE.clear()
    gn._WARNED.clear()
    return path


@pytest.fixture
def built(cache_dir: Path) -> gn.OSMNetwork:
    """The West Oakland sample built into the cache, as ``python -m geo network --osm`` does."""
    if not OAKLAND.is_file():
        pytest.skip(f"OSM sample {OAKLAND} is absent")
    return gn.build_network_from_file(OAKLAND)


def _cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "internal error" not in text, text
    return code, text


@pytest.mark.parametrize("part", ["npz", "json"])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_network_falls_back_to_estimated_with_a_warning(
    built: gn.OSMNetwork, cache_dir: Path, damage: str, part: str, caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
) -> None:
    npz, js, _ = store.network_files(cache_dir / "network")
    DAMAGE[damage](npz if part == "npz" else js)
    gn._ACTIVE.clear()
    with caplog.at_level(logging.WARNING):
        net = gn.active_network()
    assert net.is_estimated
    assert "set aside" in caplog.text
    assert not npz.exists() and (cache_dir / "network" / "road_network.damaged.txt").is_file()
    warning = gn.network_warning()
    assert warning is not None and "估算" in warning and "--download fujian" in warning
    assert gn.active_network().is_estimated  # again: still estimated, the damaged file is not re-read
    for argv in (["info"], ["network", "--status"], ["travel", "--from", "长汀县", "--to", "连城县"]):
        code, text = _cli(capsys, *argv)
        assert code == EXIT_OK, text
    code, text = _cli(capsys, "network", "--clear")
    assert code == EXIT_OK and gn.network_warning() is None
    assert not list((cache_dir / "network").glob("road_network*"))


def test_a_damaged_graph_that_still_unzips_is_refused(built: gn.OSMNetwork, cache_dir: Path) -> None:
    """Arrays that load but point outside the graph must never reach compiled code."""
    directory = cache_dir / "network"
    npz = store.network_files(directory)[0]
    with np.load(npz) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["graph_indices"] = arrays["graph_indices"].copy()
    arrays["graph_indices"][0] = 10**9
    np.savez_compressed(npz, **arrays)
    gn._ACTIVE.clear()
    assert gn.active_network().is_estimated
    assert "outside the graph" in (gn.network_warning() or "")


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_hierarchy_is_removed_rebuilt_and_stored_again(
    built: gn.OSMNetwork, cache_dir: Path, damage: str, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if jit.kernels() is None:
        pytest.skip("numba is not importable: no hierarchy is stored")
    hier = store.network_files(cache_dir / "network")[2]
    assert hier.is_file()
    pts = np.column_stack([built.graph.node_lon[:30], built.graph.node_lat[:30]])
    want = built.travel(pts, pts)
    DAMAGE[damage](hier)
    gn._ACTIVE.clear()
    with caplog.at_level(logging.WARNING):
        net = gn.active_network()
    assert isinstance(net, gn.OSMNetwork)
    assert "damaged" in caplog.text and not hier.exists()
    shortest._HIERARCHIES.clear()
    monkeypatch.setattr(shortest, "BUILD_S_PER_NODE", 0.0)  # the next query rebuilds it ...
    got = net.travel(pts, pts)
    np.testing.assert_allclose(got.minutes, want.minutes, atol=1e-9)
    np.testing.assert_allclose(got.km, want.km, atol=1e-9)
    assert hier.is_file()  # ... and stores it again
    with np.load(hier) as data:
        assert str(data["fingerprint"]) == net.fingerprint()


def test_read_only_cache_keeps_working(
    built: gn.OSMNetwork, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing can be written (the tests run as root, so the file system is made read-only by patching)."""
    hier = store.network_files(cache_dir / "network")[2]
    hier.unlink(missing_ok=True)
    npz = store.network_files(cache_dir / "network")[0]

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(store.os, "replace", refuse)
    monkeypatch.setattr(Path, "write_text", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    monkeypatch.setattr(jit, "_writable", lambda path: False)
    gn._ACTIVE.clear()
    pts = np.column_stack([built.graph.node_lon[:20], built.graph.node_lat[:20]])
    with caplog.at_level(logging.WARNING):
        net = gn.active_network()
        assert isinstance(net, gn.OSMNetwork)
        res = net.travel(pts, pts)
    assert np.isfinite(res.minutes).all()
    # damaged as well: it cannot be set aside, the estimated network is used all the same
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    with open(npz, "wb") as fh:
        fh.write(bytes(data))
    gn._ACTIVE.clear()
    with caplog.at_level(logging.WARNING):
        assert gn.active_network().is_estimated
    assert "not moved aside" in caplog.text


_CHILD = """
import json, sys
import numpy as np
sys.path.insert(0, {root!r})
from geo._roads.graph import RoadGraph
from geo._roads.shortest import many_to_many
rng = np.random.default_rng(0)
n = 60
frm = np.concatenate([np.arange(n - 1), np.arange(1, n), rng.integers(0, n, 40)])
to = np.concatenate([np.arange(1, n), np.arange(n - 1), rng.integers(0, n, 40)])
g = RoadGraph.from_edges(np.zeros(n), np.zeros(n), frm, to, rng.uniform(1, 2, len(frm)), np.ones(len(frm)))
m, _ = many_to_many(g, np.arange(3), np.arange(n))
print(json.dumps(m[np.isfinite(m)].round(9).tolist()))
"""


@pytest.mark.slow
def test_damaged_numba_cache_is_cleared_and_rebuilt(tmp_path: Path) -> None:
    """A new process with damaged compiled-kernel files still answers (same values), no traceback."""
    if jit.kernels() is None:
        pytest.skip("numba is not importable")
    kernels = tmp_path / "numba"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(kernels), XUNZHEN_CACHE_DIR=str(tmp_path / "cache"))
    code = _CHILD.format(root=str(ROOT))

    def child() -> tuple[list[float], str]:
        cmd = [sys.executable, "-c", code]
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr

    want, _ = child()
    files = [p for p in kernels.rglob("*.nb[ic]")]
    assert files and (kernels / "xunzhen-manifest.json").is_file()
    for damage in sorted(DAMAGE):
        for path in files:
            if path.is_file():
                DAMAGE[damage](path)
        got, err = child()
        assert got == want, damage
        assert "damaged" in err, err
        files = [p for p in kernels.rglob("*.nb[ic]")]
        assert files  # compiled and stored again
