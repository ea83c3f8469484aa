"""Fujian tour bench: our multi-day plan vs a nearest-neighbour baseline, side by side, same inputs and rules.

Usage::

    python bench/tours_fujian.py [--depot 南平市第一医院] [--prefecture 南平] [--days 5] [--min-remote 45]
    python bench/tours_fujian.py --depot 龙岩市第一医院 --prefecture 龙岩 --prefecture 三明 \
        --prefecture 宁德 --prefecture 南平 --min-remote 30 --days 5   # province scale: 4 focus prefectures

Instance: a dated tour (first working day of December 2026 by default) from ``--depot`` over the remote
townships (镇/乡 at least ``--min-remote`` minutes from the nearest county-level-or-above hospital on the
active network) of the given prefectures. Both plans obey the same rules — 08:00–18:00 with driving, 3-hour
clinics, a 60-minute lunch within 11:30–13:30, at most 6 h driving a day, sleep at an allowed overnight place
(the depot, hospitals, township seats with a health center), back at the depot at the end — and both are
scored by the same exact schedule (``routing.tours._schedule.build_day``). The baseline drives to the nearest
unvisited township whose day still keeps every limit and sleeps where it stops (an allowed place), heading
home on the last day. Printed: townships served, priority, estimated population, drive hours and km, seconds,
and our ratios to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.network import active_network
from routing.matrix import travel_matrix
from routing.tours import TourParams, plan_fujian_tours
from routing.tours._problem import TourProblem, build_problem
from routing.tours._schedule import EPS, DaySpec, build_day
from routing.tours._types import DayPlan, FujianTour


def problem_of(tour: FujianTour) -> TourProblem:
    """The core problem of a planned tour (same matrices, windows, lunch and overnight places)."""
    plan = tour.plan
    res = travel_matrix(active_network(), tour.lonlat, tour.lonlat)
    return build_problem(
        res.minutes,
        res.km,
        plan.scores,
        plan.params,
        names=plan.names,
        service_minutes=None,
        required=None,
        availability=None,
        day_windows=None,
        overnight_places=plan.overnight_places,
        end_place=None,
        max_total_drive_minutes=None,
        dates=plan.dates,
        resolution_minutes=0.1,
    )


def nearest_neighbour(pb: TourProblem) -> list[DayPlan]:
    """Greedy nearest-neighbour tour for one team under the same day rules (exact schedule)."""
    visited = np.zeros(pb.n, bool)
    days: list[DayPlan] = []
    place = 0
    for k in range(pb.days):
        last = k == pb.days - 1
        spec = DaySpec(1, k, place, [], 0 if last else -1)
        while True:
            cur = spec.stops[-1] + 1 if spec.stops else place
            order = np.argsort(pb.minutes[cur, 1 : pb.n + 1], kind="stable")
            for i in order:
                if visited[i] or (not pb.overnight[i + 1] and not last):
                    continue
                trial = DaySpec(1, k, place, [*spec.stops, int(i)], spec.end)
                if build_day(pb, trial)[1] <= EPS:
                    spec = trial
                    visited[i] = True
                    break
            else:
                break
        day, _ = build_day(pb, spec)
        days.append(day)
        place = day.overnight_place
    return days


def figures(pb: TourProblem, days: list[DayPlan], pop: np.ndarray, seconds: float) -> dict[str, float]:
    """Townships, priority, population, drive hours, km, seconds of a list of days."""
    served = [s.index for d in days for s in d.stops]
    return {
        "townships served": len(served),
        "priority collected": float(pb.scores[served].sum()),
        "population served (est.)": float(pop[served].sum()),
        "drive hours": sum(d.drive_minutes for d in days) / 60,
        "km": sum(d.km for d in days),
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    """Plan, run the baseline, print both and the ratios."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--depot", default="南平市第一医院")
    ap.add_argument("--prefecture", action="append", default=None)
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--teams", type=int, default=1)
    ap.add_argument("--min-remote", type=float, default=45.0, help="minutes to the nearest county hospital")
    ap.add_argument("--start-date", type=dt.date.fromisoformat, default=dt.date(2026, 12, 1))
    ap.add_argument("--iterations", type=int, default=None, help="per solve (default: the app's, scaled)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    prefectures = args.prefecture or ["南平"]
    p = TourParams(days=args.days, teams=args.teams, iterations=args.iterations, seed=args.seed)
    t0 = time.perf_counter()
    tour = plan_fujian_tours(
        args.depot,
        prefectures=prefectures,
        params=p,
        start_date=args.start_date,
        min_remoteness_minutes=args.min_remote,
    )
    secs = time.perf_counter() - t0
    plan = tour.plan
    pb = problem_of(tour)
    t1 = time.perf_counter()
    nn_days = nearest_neighbour(pb)
    nn_secs = time.perf_counter() - t1
    pop = np.nan_to_num(plan.population)
    ours = figures(pb, list(plan.days), pop, secs)
    base = figures(pb, nn_days, pop, nn_secs)
    est = " (estimated)" if plan.estimated else ""
    print(
        f"# {args.days}-day tour from {tour.depot_name} over {len(plan.scores)} remote townships of "
        f"{'、'.join(prefectures)} (≥ {args.min_remote:g} min to a county-level hospital), starting "
        f"{plan.dates[0] if plan.dates else '-'}; network: {tour.network_label_en}{est}"
    )
    print(f"{'':28} {'ours':>12} {'nearest-nb':>12} {'ratio':>7}")
    for key in ours:
        a, b = ours[key], base[key]
        ratio = f"{a / b:7.2f}" if b and key != "seconds" else ""
        print(f"{key:28} {a:12.2f} {b:12.2f} {ratio}")
    for name, days in (("ours", list(plan.days)), ("baseline", nn_days)):
        print(
            f"{name} per day: "
            + " | ".join(
                f"D{d.day}: " + "→".join(s.name for s in d.stops) + f" ☾{plan.names[d.overnight_place]}"
                for d in days
            )
        )
    return 0 if math.isfinite(secs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
