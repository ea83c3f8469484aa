"""``python -m geo prepare``: the road engine's kernels compiled ahead of time into the kernel cache dir, so
that a new process's first query only loads them (no compilation: checked by the cache files, not a clock)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

pytest.importorskip("numba")

#: A new process's queries after ``prepare``: a graph of another size, its hierarchy, both directions, a
#: limit, a plain search and an isochrone.
_QUERIES = """
import numpy as np
from geo._roads.graph import RoadGraph
from geo._roads.shortest import contract, hierarchy, many_to_many, reachable_within
side = 31
ids = np.arange(side * side).reshape(side, side)
across = np.c_[ids[:, :-1].ravel(), ids[:, 1:].ravel()]
pairs = np.concatenate([across, np.c_[ids[:-1].ravel(), ids[1:].ravel()]])
both = np.concatenate([pairs, pairs[:, ::-1]])
g = RoadGraph.from_edges((ids % side).ravel() * 0.01, (ids // side).ravel() * 0.01, both[:, 0], both[:, 1],
                         np.full(len(both), 2.0), np.full(len(both), 1.0))
nodes = np.arange(g.n_nodes)
plain, _ = many_to_many(g, nodes[:3], nodes)
hierarchy(contract(g))
m, _ = many_to_many(g, nodes, nodes[::5])
m2, _ = many_to_many(g, nodes[::5], nodes, limit_minutes=40.0)
reachable_within(g, 0, 30.0)
assert m[0, 0] == 0.0 and m[1, 0] == 2.0 and plain[0, side] == 2.0
print("ok")
"""


def _cache_files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*.nb*")}


def test_prepare_compiles_every_kernel_a_first_query_needs(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "kernels"), "XUNZHEN_SHORTEST_BACKEND": "auto"}
    done = subprocess.run([sys.executable, "-m", "geo", "prepare"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "done in" in done.stdout and "完成" in done.stdout
    prepared = _cache_files(tmp_path / "kernels")
    names = {Path(p).name.split("-")[0] for p in prepared}
    for kernel in ("kernels_query.matrix", "kernels_query.dijkstra_many", "kernels_query.search_space",
                   "kernels_build.rank", "kernels_build.find_shortcuts", "kernels_build.apply"):
        assert kernel in names, f"{kernel} not compiled by prepare: {sorted(names)}"
    used = subprocess.run([sys.executable, "-c", _QUERIES], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert used.returncode == 0 and "ok" in used.stdout, used.stderr
    assert _cache_files(tmp_path / "kernels") == prepared, "a query compiled a kernel prepare had not"
