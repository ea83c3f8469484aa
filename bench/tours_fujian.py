"""Fujian tour bench: our multi-day plan vs a nearest-neighbour baseline, side by side, same inputs and rules.

Usage::

    python -m bench.tours_fujian [--depot 南平市第一医院] [--days 5] [--min-remote 45]

Instance: a 5-day tour from a Nanping hospital over Nanping's remote townships (镇/乡 at least
``--min-remote`` minutes from the nearest county-level-or-above hospital on the active network).
Both plans obey the same rules — 08:00–18:00 with driving, 3-hour clinics, at most 6 h driving a
day, sleep at the last place of the day, back at the depot at the end — and both are scored by the
same schedule evaluator. The baseline drives to the nearest unvisited township that still fits
today's window and driving budget (and, near the end, still lets the team get home), otherwise it
sleeps where it is. Printed: townships served, priority collected, estimated population served,
drive hours, and our ratios to the baseline.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.tours import plan_fujian_tours
from routing.tours._types import TourParams
from routing.tours.core import _day


def nearest_neighbour(minutes: np.ndarray, km: np.ndarray, service: np.ndarray, p: TourParams, names):
    """Greedy nearest-neighbour tour for one team under the same day rules; returns the day plans."""
    n = len(service)
    budget = p.max_drive_minutes_per_day or math.inf
    visited = np.zeros(n, bool)
    days = []
    place = 0
    for k in range(p.days):
        last = k == p.days - 1
        days_after = p.days - 1 - k
        t, drive, cur, stops = p.day_start_minutes, 0.0, place, []
        while True:
            best, best_leg = None, math.inf
            for i in np.flatnonzero(~visited):
                leg = minutes[cur, i + 1]
                if leg >= best_leg:
                    continue
                done = t + leg + service[i]
                home = minutes[i + 1, 0]
                if last:
                    ok = done + home <= p.day_end_minutes and drive + leg + home <= budget
                else:
                    ok = done <= p.day_end_minutes and drive + leg <= budget
                    # must still be able to get home over the remaining days (each day's drive ≤ budget)
                    ok &= home <= days_after * min(budget, p.window_minutes)
                if ok:
                    best, best_leg = int(i), leg
            if best is None:
                break
            visited[best] = True
            stops.append(best)
            t += best_leg + service[best]
            drive += best_leg
            cur = best + 1
        end = 0 if last else cur
        days.append(_day(minutes, km, place, stops, end, service, p, k + 1, 1, names))
        place = end
    return days


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--depot", default="南平市第一医院")
    ap.add_argument("--prefecture", default="南平")
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument(
        "--min-remote", type=float, default=45.0, help="minutes to the nearest county-level hospital"
    )
    ap.add_argument("--max-drive-hours", type=float, default=6.0, help="daily driving limit (h)")
    ap.add_argument("--iterations", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    p = TourParams(
        days=args.days,
        teams=1,
        iterations=args.iterations,
        seed=args.seed,
        max_drive_minutes_per_day=args.max_drive_hours * 60,
    )
    t0 = time.perf_counter()
    tour = plan_fujian_tours(
        args.depot, prefectures=[args.prefecture], params=p, min_remoteness_minutes=args.min_remote
    )
    secs = time.perf_counter() - t0
    plan = tour.plan
    from geo.network import active_network
    from routing.tours import _matrix

    res = _matrix(active_network(), tour.lonlat, tour.lonlat)
    service = np.full(len(plan.scores), p.clinic_minutes)
    t1 = time.perf_counter()
    nn_days = nearest_neighbour(res.minutes, res.km, service, p, list(plan.names))
    nn_secs = time.perf_counter() - t1
    for d in nn_days:  # same rules, checked by the same evaluator
        assert d.end_minutes <= p.day_end_minutes + 1e-6, d
        assert d.drive_minutes <= (p.max_drive_minutes_per_day or math.inf) + 1e-6, d
    nn_served = [s.index for d in nn_days for s in d.stops]
    pop = np.nan_to_num(plan.population)
    est = " (estimated)" if plan.estimated else ""

    ours = {
        "townships served": len(plan.served),
        "priority collected": float(plan.scores[plan.served].sum()),
        f"population served{est}": float(pop[plan.served].sum()),
        f"drive hours{est}": sum(d.drive_minutes for d in plan.days) / 60,
        f"km{est}": sum(d.km for d in plan.days),
        "seconds": secs,
    }
    base = {
        "townships served": len(nn_served),
        "priority collected": float(plan.scores[nn_served].sum()),
        f"population served{est}": float(pop[nn_served].sum()),
        f"drive hours{est}": sum(d.drive_minutes for d in nn_days) / 60,
        f"km{est}": sum(d.km for d in nn_days),
        "seconds": nn_secs,
    }
    print(
        f"# {args.days}-day tour from {tour.depot_name} over {len(plan.scores)} remote townships of "
        f"{args.prefecture} (≥ {args.min_remote:g} min to a county-level hospital); "
        f"network: {tour.network_label}"
    )
    print(f"{'':28} {'ours':>12} {'nearest-nb':>12} {'ratio':>7}")
    for key in ours:
        a, b = ours[key], base[key]
        ratio = a / b if b and key != "seconds" else math.nan
        print(f"{key:28} {a:12.2f} {b:12.2f} {ratio:7.2f}".replace("    nan", ""))
    print(
        "ours per day: "
        + " | ".join(
            f"D{d.day}: " + "→".join(s.name for s in d.stops) + f" ☾{plan.names[d.overnight_place]}"
            for d in plan.days
        )
    )
    print(
        "baseline per day: "
        + " | ".join(
            f"D{d.day}: " + "→".join(s.name for s in d.stops) + f" ☾{plan.names[d.overnight_place]}"
            for d in nn_days
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
