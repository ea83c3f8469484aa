"""TOPTW benchmark on the product's own core: m teams, one day of length Tmax, per-vertex windows and visits.

Usage::

    python bench/toptw.py ../shared/data/bench/toptw/*.txt --teams 1 2 3 4 --seconds 30

Each instance (format in ``../shared/data/bench/toptw/SOURCES.md``) is built through
:func:`routing.tours.plan_tours_matrix` — the very function the app's tours use — as m teams for one day
``[0, Tmax]`` (Tmax = the depot's closing time), each vertex a candidate with its score as priority, its visit
duration as the clinic and its window ``[O, C]`` (C = latest start of the visit, so the clinic must end by
``C + d``), no lunch, no driving limit, back at the depot. Travel time = Euclidean distance truncated to one
decimal (Solomon-based instances) or two (pr instances), as the instance set specifies; the solver works in
units of exactly that resolution, so no rounding is added. Every plan is re-checked here, independently of
the solver (windows, Tmax, each vertex at most once, at most m routes), and its score recomputed.

Prints one line per run, exactly ``toptw <instance> m=<m> score=<score> seconds=<seconds>``, followed by the
best-known score and the gap when ``bks_toptw.csv`` lists the instance, then the mean gap.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._orienteering import SHARED_BENCH, Tally, read_bks
from routing.tours import TourParams, plan_tours_matrix
from routing.tours._types import Availability, TourPlan


@dataclass(frozen=True)
class Toptw:
    """A TOPTW instance: vertex 0 is the depot (its closing time is Tmax)."""

    name: str
    xy: np.ndarray
    duration: np.ndarray
    score: np.ndarray
    opens: np.ndarray
    closes: np.ndarray
    decimals: int

    @property
    def tmax(self) -> float:
        """Length of every tour (the depot's closing time)."""
        return float(self.closes[0])

    def travel(self) -> np.ndarray:
        """Euclidean distances truncated to ``decimals`` (the instance set's convention)."""
        d = np.sqrt(((self.xy[:, None, :] - self.xy[None, :, :]) ** 2).sum(axis=2))
        f = 10.0**self.decimals
        return np.floor(d * f + 1e-9) / f


def read_toptw(path: Path) -> Toptw:
    """Read a TOPTW file: ``k v N t``, ``D Q``, then ``i x y d S f a list… O C`` per vertex."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    rows = [r for r in lines[2:] if len(r) >= 9]
    xy = np.array([[float(r[1]), float(r[2])] for r in rows])
    name = path.stem
    return Toptw(
        name=name,
        xy=xy,
        duration=np.array([float(r[3]) for r in rows]),
        score=np.array([float(r[4]) for r in rows]),
        opens=np.array([float(r[-2]) for r in rows]),
        closes=np.array([float(r[-1]) for r in rows]),
        decimals=2 if name.lower().startswith("pr") else 1,
    )


def solve(inst: Toptw, teams: int, seconds: float, seed: int = 0, iterations: int = 1_000_000) -> TourPlan:
    """Plan the instance with the product's core (module docstring)."""
    t = inst.travel()
    n = len(inst.xy) - 1
    params = TourParams(
        days=1,
        teams=teams,
        max_drive_minutes_per_day=None,
        lunch_minutes=0,
        seed=seed,
        iterations=iterations,
        time_limit_seconds=seconds,
    )
    avail = Availability(
        inst.opens[1:, None].copy(),
        (inst.closes[1:] + inst.duration[1:])[:, None],
        np.ones((n, 1)),
        np.zeros((n, 1), bool),
    )
    return plan_tours_matrix(
        t,
        t,
        inst.score[1:],
        params,
        service_minutes=inst.duration[1:],
        availability=avail,
        day_windows=np.array([[0.0, inst.tmax]]),
        end_place=0,
        resolution_minutes=10.0**-inst.decimals,
    )


def check(inst: Toptw, plan: TourPlan, teams: int) -> tuple[float, list[str]]:
    """Recompute the score of ``plan`` and list every broken rule, without trusting the solver."""
    t = inst.travel()
    problems: list[str] = []
    seen: list[int] = []
    routes = [[s.index + 1 for s in d.stops] for d in plan.days if d.stops]
    if len(routes) > teams:
        problems.append(f"{len(routes)} routes > m={teams}")
    for r in routes:
        clock, prev = 0.0, 0
        for v in r:
            start = max(clock + t[prev, v], inst.opens[v])
            if start > inst.closes[v] + 1e-9:
                problems.append(f"vertex {v} starts at {start:.2f} after its closing {inst.closes[v]:g}")
            clock = start + inst.duration[v]
            prev = v
            seen.append(v)
        if clock + t[prev, 0] > inst.tmax + 1e-9:
            problems.append(f"route back at {clock + t[prev, 0]:.2f} after Tmax {inst.tmax:g}")
    if len(seen) != len(set(seen)):
        problems.append("a vertex is visited twice")
    return float(inst.score[seen].sum()), problems


def main(argv: list[str] | None = None) -> int:
    """Run every instance for every m; print one line per run, then the mean gap."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("instances", nargs="+", type=Path, help="TOPTW .txt files")
    ap.add_argument("--teams", nargs="+", type=int, default=[1, 2, 3, 4], help="m values (default 1 2 3 4)")
    ap.add_argument("--seconds", type=float, default=30.0, help="wall-clock limit per run (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bks", type=Path, default=SHARED_BENCH / "toptw" / "bks_toptw.csv")
    args = ap.parse_args(argv)
    bks = read_bks(args.bks, ("instance", "m"))
    tally = Tally()
    for path in args.instances:
        inst = read_toptw(path)
        for m in args.teams:
            t0 = time.perf_counter()
            plan = solve(inst, m, args.seconds, args.seed)
            seconds = time.perf_counter() - t0
            score, problems = check(inst, plan, m)
            tally.record(f"toptw {inst.name} m={m}", score, seconds, bks.get((inst.name, str(m))), problems)
    return tally.close()


if __name__ == "__main__":
    raise SystemExit(main())
