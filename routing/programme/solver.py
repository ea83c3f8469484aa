"""One month of the programme on arrays: named doctors → centers, exact min-cost flow with lower bounds.

Model of month *m* (the year is solved month by month, each month exactly, with the earlier months' choices
as costs — a rolling horizon; see :mod:`routing.programme.year`):

* ``x[i, c]`` doctor-days of doctor *i* at center *c*, only on allowed pairs (县域内 rule: a county-level
  doctor serves his or her county, a city-hospital doctor the prefecture).
* lower bounds — every center ``≥ demand[c]`` days; every available named doctor ``≥ min_days[i]`` (1: the
  plan's 每月至少在受援单位工作1天); in each prefecture city-hospital doctors ``≥ city_lower[p]`` days;
* upper bounds — ``Σ_c x[i, c] ≤ cap[i]`` (the doctor's monthly maximum).
* objective — minimise ``Σ x[i, c] · cost[i, c] + extra_cost · (days beyond the lower bounds)`` where
  ``cost = travel minutes + rotation + specialty terms`` (all ≥ 0, so no day is added that no bound needs).

Lower bounds are written as "bonus" arcs of cost ``-B`` with ``B`` larger than any total of the other costs,
so the optimum first meets as many lower-bound units as possible (all of them when the month is feasible) and
then minimises cost: the result is the exact optimum of the month's problem (integral, no gap). Unmet units
are returned so the caller can name the shortfall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.pairing._flow import FlowNetwork

__all__ = ["MonthSolution", "solve_month"]

#: Costs are integers in tenths of a minute.
COST_SCALE = 10


@dataclass(frozen=True)
class MonthSolution:
    """The optimum of one month.

    Attributes
    ----------
    doctor, center, days
        One entry per used pair (sorted by doctor, center).
    center_short
        Per center: doctor-days missing from its demand (0 when met).
    doctor_short
        Per doctor: days missing from ``min_days`` (0 when met).
    city_short
        Per city-share group: days missing from its lower bound.
    cost
        Σ days × cost of the used pairs (scaled minutes / :data:`COST_SCALE`).
    """

    doctor: np.ndarray
    center: np.ndarray
    days: np.ndarray
    center_short: np.ndarray
    doctor_short: np.ndarray
    city_short: np.ndarray
    cost: float

    @property
    def feasible(self) -> bool:
        """True when every lower bound is met."""
        return not (self.center_short.any() or self.doctor_short.any() or self.city_short.any())


def solve_month(
    cost_minutes: np.ndarray,
    allowed: np.ndarray,
    cap: np.ndarray,
    min_days: np.ndarray,
    demand: np.ndarray,
    *,
    city_groups: list[np.ndarray] | None = None,
    city_lower: np.ndarray | None = None,
    extra_day_minutes: float = 1.0,
) -> MonthSolution:
    """Exact min-cost assignment of doctor-days to centers for one month (see module doc).

    Parameters
    ----------
    cost_minutes
        (n_doctors, n_centers) cost per doctor-day in minutes (≥ 0; travel + rotation + specialty terms).
    allowed
        (n_doctors, n_centers) bool: pairs the rules allow.
    cap, min_days
        (n_doctors,) most and fewest days of each doctor this month (0/0 for a doctor not available).
    demand
        (n_centers,) doctor-days each center needs (≥ 1).
    city_groups, city_lower
        Doctor indices of the city-hospital doctors of each prefecture and the days they must supply there.
    extra_day_minutes
        Cost of a day beyond a doctor's minimum (keeps the plan lean where bounds do not need more).
    """
    n_d, n_c = allowed.shape
    groups = city_groups or []
    lower = np.asarray(city_lower if city_lower is not None else np.zeros(len(groups)), dtype=np.int64)
    cap = np.asarray(cap, dtype=np.int64)
    min_days = np.minimum(np.asarray(min_days, dtype=np.int64), cap)
    demand = np.asarray(demand, dtype=np.int64)
    dd, cc = np.nonzero(allowed)
    pair_cost = np.rint(np.asarray(cost_minutes, dtype=float)[dd, cc] * COST_SCALE).astype(np.int64)
    extra = round(extra_day_minutes * COST_SCALE)
    supply = int(cap.sum())
    big = int(supply * (int(pair_cost.max(initial=0)) + extra) + 1)
    src, sink, g0 = 0, 1, 2
    d0 = g0 + len(groups)
    c0 = d0 + n_d
    net = FlowNetwork(c0 + n_c)
    parent = np.full(n_d, src, dtype=np.int64)
    group_bonus = []
    for gi, members in enumerate(groups):
        parent[members] = g0 + gi
        total = int(cap[members].sum())
        low = min(int(lower[gi]), total)
        group_bonus.append(int(net.add([src], g0 + gi, [low], [-big])[0]))
        net.add([src], g0 + gi, [total - low], [0])
    doc_bonus = net.add(parent, d0 + np.arange(n_d), min_days, -big)
    net.add(parent, d0 + np.arange(n_d), cap - min_days, extra)
    pair_arcs = net.add(d0 + dd, c0 + cc, cap[dd], pair_cost)
    center_bonus = net.add(c0 + np.arange(n_c), np.full(n_c, sink), demand, -big)
    net.add(c0 + np.arange(n_c), np.full(n_c, sink), supply, 0)
    net.add([src], sink, [supply], [0])  # unused capacity bypasses the centers
    sol = net.solve(src, sink, supply)
    flow = sol.flow
    used = flow[pair_arcs] > 0
    order = np.lexsort((cc[used], dd[used]))
    days = flow[pair_arcs][used][order]
    return MonthSolution(
        doctor=dd[used][order],
        center=cc[used][order],
        days=days,
        center_short=demand - flow[center_bonus],
        doctor_short=min_days - flow[doc_bonus],
        city_short=np.asarray([lower[g] - flow[a] for g, a in enumerate(group_bonus)], dtype=np.int64),
        cost=float((days * pair_cost[used][order]).sum()) / COST_SCALE,
    )
