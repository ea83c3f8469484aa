"""OPHS benchmark on the product's own core: one tour of D trips (days) between hotels (the allowed
overnight places).

Usage::

    python bench/ophs.py ../shared/data/bench/ophs/*.ophs --seconds 30

Each instance (format in ``../shared/data/bench/ophs/FORMAT.txt``) is built through
:func:`routing.tours.plan_tours_matrix` — the very function the app's tours use — as one team for D days:
day d is the window ``[0, T_d]``, the start hotel is the depot (trip 1 starts there), the end hotel is where
the last day ends, and the start, end and extra hotels are the only allowed overnight places; each vertex is a
candidate with its score as priority and no visit time; the whole tour may drive at most Tmax. Distances are
Euclidean, not rounded (as the instance set specifies): the solver rounds every leg *up* to 1e-5, so a plan it
finds is feasible in exact arithmetic too. Every plan is re-checked here, independently of the solver (trip
lengths, Tmax, hotels at the ends of trips, each vertex at most once), and its score recomputed.

Prints one line per run, exactly ``ophs <instance> score=<score> seconds=<seconds>``, followed by the optimum
and the gap when ``bks_ophs.csv`` lists the instance, then the mean gap.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._orienteering import SHARED_BENCH, Tally, read_bks
from routing.tours import TourParams, plan_tours_matrix
from routing.tours._types import TourPlan

RESOLUTION = 1e-5


@dataclass(frozen=True)
class Ophs:
    """An OPHS instance in the core's location order: 0 = start hotel, 1..n = vertices, n+1 = end hotel,
    n+2.. = extra hotels."""

    name: str
    xy: np.ndarray
    score: np.ndarray
    n: int
    tmax: float
    trip: np.ndarray

    def distance(self) -> np.ndarray:
        """Euclidean distances between locations (not rounded)."""
        return np.sqrt(((self.xy[:, None, :] - self.xy[None, :, :]) ** 2).sum(axis=2))


def read_ophs(path: Path) -> Ophs:
    """Read an OPHS file: ``N H D``, Tmax, ``T_1..T_D``, then ``x y S`` per location (start hotel, end hotel,
    H extra hotels, then the N-2 vertices); a closing line of dashes is ignored."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip() and set(ln.strip()) != {"-"}]
    n_plus_2, h, d = (int(x) for x in lines[0][:3])
    tmax = float(lines[1][0])
    trip = np.array([float(x) for x in lines[2][:d]])
    pts = np.array([[float(x) for x in r[:3]] for r in lines[3 : 3 + n_plus_2 + h]])
    start, end, extra, vertices = pts[0], pts[1], pts[2 : 2 + h], pts[2 + h :]
    ordered = np.vstack([start, vertices, end, extra]) if h else np.vstack([start, vertices, end])
    return Ophs(path.stem, ordered[:, :2], ordered[:, 2], len(vertices), tmax, trip)


def solve(inst: Ophs, seconds: float, seed: int = 0, iterations: int = 1_000_000) -> TourPlan:
    """Plan the instance with the product's core (module docstring)."""
    dist = inst.distance()
    n_loc = len(inst.xy)
    hotels = np.zeros(n_loc, bool)
    hotels[0] = True
    hotels[inst.n + 1 :] = True
    params = TourParams(
        days=len(inst.trip),
        max_drive_minutes_per_day=None,
        lunch_minutes=0,
        seed=seed,
        iterations=iterations,
        time_limit_seconds=seconds,
    )
    return plan_tours_matrix(
        dist,
        dist,
        inst.score[1 : inst.n + 1],
        params,
        service_minutes=np.zeros(inst.n),
        day_windows=np.column_stack([np.zeros(len(inst.trip)), inst.trip]),
        overnight_places=hotels,
        end_place=inst.n + 1,
        max_total_drive_minutes=inst.tmax,
        resolution_minutes=RESOLUTION,
    )


def check(inst: Ophs, plan: TourPlan) -> tuple[float, list[str]]:
    """Recompute the score of ``plan`` and list every broken rule, without trusting the solver."""
    dist = inst.distance()
    problems: list[str] = []
    days = sorted(plan.days, key=lambda d: d.day)
    seen: list[int] = []
    place, total = 0, 0.0
    if len(days) != len(inst.trip):
        problems.append(f"{len(days)} trips, expected {len(inst.trip)}")
    for d, day in enumerate(days):
        seq = [place] + [s.index + 1 for s in day.stops] + [day.overnight_place]
        length = float(sum(dist[a, b] for a, b in itertools.pairwise(seq)))
        if day.start_place != place:
            problems.append(f"trip {d + 1} starts at {day.start_place}, the previous ended at {place}")
        if length > inst.trip[d] + 1e-9:
            problems.append(f"trip {d + 1} is {length:.5f} long > T_{d + 1} = {inst.trip[d]:g}")
        end = day.overnight_place
        is_hotel = end == 0 or end > inst.n
        if not is_hotel or (d == len(days) - 1 and end != inst.n + 1):
            problems.append(f"trip {d + 1} ends at location {end}, not an allowed hotel")
        total += length
        seen += seq[1:-1]
        place = end
    if total > inst.tmax + 1e-9:
        problems.append(f"tour length {total:.5f} > Tmax {inst.tmax:g}")
    if len(seen) != len(set(seen)):
        problems.append("a vertex is visited twice")
    return float(inst.score[seen].sum()), problems


def main(argv: list[str] | None = None) -> int:
    """Run every instance; print one line per run, then the mean gap."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("instances", nargs="+", type=Path, help="OPHS .ophs files")
    ap.add_argument("--seconds", type=float, default=30.0, help="wall-clock limit per run (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bks", type=Path, default=SHARED_BENCH / "ophs" / "bks_ophs.csv")
    args = ap.parse_args(argv)
    bks = read_bks(args.bks, ("instance",))
    tally = Tally()
    for path in args.instances:
        inst = read_ophs(path)
        t0 = time.perf_counter()
        plan = solve(inst, args.seconds, args.seed)
        seconds = time.perf_counter() - t0
        score, problems = check(inst, plan)
        tally.record(f"ophs {inst.name}", score, seconds, bks.get((inst.name,)), problems)
    return tally.close()


if __name__ == "__main__":
    raise SystemExit(main())
