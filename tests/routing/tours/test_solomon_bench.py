"""The Solomon bench's parser, cost convention and solver wiring, on a tiny hand-made instance (fast)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from bench.solomon import best_known, exact_cost, read_solomon, run_ours, to_vrptw
from tests.paths import SHARED

SHARED = SHARED / "data" / "bench" / "solomon"

TINY = """TINY5

VEHICLE
NUMBER     CAPACITY
   3         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0       1000          0
    1      10         0          4          0       1000         10
    2      20         0          4          0       1000         10
    3      0          10         4          0       1000         10
    4      0          20         4          0        100         10
    5      7          7          2          0       1000         10
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Five clients, capacity 10 (so at least 2 routes), one tight due date; a .sol with a known cost."""
    path = tmp_path / "TINY5.txt"
    path.write_text(TINY)
    (tmp_path / "TINY5.sol").write_text("Route #1: 1 2\nRoute #2: 3 4\nRoute #3: 5\nCost 99.9\n")
    return path


def brute_force(inst) -> float:
    """Optimal cost over every split of the 5 clients into ordered routes (tiny, exhaustive)."""
    n = len(inst.xy) - 1
    best = np.inf
    for perm in itertools.permutations(range(1, n + 1)):
        for cuts in itertools.product([0, 1], repeat=n - 1):
            routes, cur = [], [perm[0]]
            for c, cut in zip(perm[1:], cuts, strict=True):
                if cut:
                    routes.append(cur)
                    cur = []
                cur.append(c)
            routes.append(cur)
            cost, ok = exact_cost(inst, routes)
            if ok:
                best = min(best, cost)
    return best


def test_parse_and_convert(tiny: Path) -> None:
    inst = read_solomon(tiny)
    assert (inst.name, inst.vehicles, inst.capacity, len(inst.xy)) == ("TINY5", 3, 10, 6)
    assert best_known(tiny) == 99.9
    v = to_vrptw(inst)
    assert v.distance[0, 2] == 200  # 20.0 × 10
    assert v.distance[0, 5] == 98  # 9.899… truncated to 9.8 (DIMACS)
    assert v.required.all() and (v.prize == 0).all()


def test_solver_core_finds_the_optimum_of_a_tiny_instance(tiny: Path) -> None:
    inst = read_solomon(tiny)
    cost, ok, _ = run_ours(inst, seconds=0.5, seed=0)
    assert ok
    assert cost == pytest.approx(brute_force(inst), abs=1e-6)


@pytest.mark.skipif(not (SHARED / "C101.txt").exists(), reason="shared Solomon files not present")
def test_best_known_costs_follow_the_dimacs_convention() -> None:
    path = SHARED / "C101.txt"
    inst = read_solomon(path)
    routes = [
        [int(x) for x in ln.split(":")[1].split()]
        for ln in path.with_suffix(".sol").read_text().splitlines()
        if ln.startswith("Route")
    ]
    cost, ok = exact_cost(inst, routes)
    assert ok
    assert cost == pytest.approx(best_known(path), abs=0.05)
