"""Greedy baseline for :func:`routing.pairing.core.pair_from_matrix` (used by ``bench/pairing.py``).

Re-exported by :mod:`routing.pairing`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from geo._errors import InfeasibleError
from routing.pairing._model import build_model, days_by_prefecture
from routing.pairing.core import PairingParams, PairingResult

__all__ = ["greedy_nearest"]


def greedy_nearest(
    minutes: object,
    capacity_days: object,
    *,
    hospital_county: Sequence[str],
    hospital_prefecture: Sequence[str],
    hospital_is_city: object,
    center_county: Sequence[str],
    center_prefecture: Sequence[str],
    demand_days: object | None = None,
    params: PairingParams | None = None,
    share_exempt: Sequence[str] = (),
    center_names: Sequence[str] | None = None,
) -> PairingResult:
    """Baseline: what a planner does by hand, under the same rules (for ``bench/pairing.py``).

    First, in each prefecture, city hospitals take their nearest centers (round robin, nearest first) until
    the city share is met; then every other center, in input order, takes its nearest allowed hospital with
    capacity left. Not optimal; may fail where the exact model succeeds.

    Raises
    ------
    InfeasibleError
        The greedy order leaves a center without a hospital (named).
    """
    params = params or PairingParams()
    t0 = time.perf_counter()
    model = build_model(
        np.asarray(minutes, dtype=float),
        capacity_days,
        hospital_county,
        hospital_prefecture,
        hospital_is_city,
        center_county,
        center_prefecture,
        demand_days,
        None,
        None,
        None,
        center_names,
        params,
        share_exempt,
    )
    n_h, n_c = model.minutes.shape
    left = model.cap.copy()
    need = model.demand.copy()
    x = np.zeros((n_h, n_c), dtype=np.int64)
    cost = np.where(
        model.allowed,
        model.minutes + np.where(model.penalised, params.out_of_county_penalty_minutes, 0),
        np.inf,
    )
    for p in model.share_groups:
        quota = model.share_lower[p]
        city = np.flatnonzero(model.is_city & model.allowed[:, model.center_pref == p].any(axis=1))
        while quota > 0:
            progressed = False
            for h in city:
                if quota <= 0 or left[h] <= 0:
                    continue
                cand = np.flatnonzero((need > 0) & (model.center_pref == p) & np.isfinite(cost[h]))
                if cand.size == 0:
                    continue
                c = int(cand[np.argmin(cost[h, cand])])
                x[h, c] += 1
                left[h] -= 1
                need[c] -= 1
                quota -= 1
                progressed = True
            if not progressed:
                break
    for c in range(n_c):
        while need[c] > 0:
            cand = np.flatnonzero((left > 0) & np.isfinite(cost[:, c]))
            if cand.size == 0:
                msg = f"greedy baseline: no hospital with capacity left reaches {model.center_names[c]}"
                raise InfeasibleError(msg)
            best = int(cand[np.argmin(cost[cand, c])])
            k = int(min(need[c], left[best]))
            x[best, c] += k
            left[best] -= k
            need[c] -= k
    hh, cc = np.nonzero(x)
    days = x[hh, cc]
    mins = model.minutes[hh, cc]
    total = float((days * mins).sum())
    city_days, total_days = days_by_prefecture(model, hh, cc, days)
    return PairingResult(
        hospital=hh,
        center=cc,
        days=days,
        minutes=mins,
        out_of_county=~model.same_county[hh, cc],
        total_minutes=total,
        max_minutes=float(mins.max()) if mins.size else 0.0,
        objective="total",
        objective_minutes=total,
        bound_minutes=float("nan"),
        optimal=False,
        solver="greedy nearest (baseline)",
        solve_seconds=time.perf_counter() - t0,
        city_days=city_days,
        total_days=total_days,
    )
