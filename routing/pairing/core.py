"""Pairing core on plain arrays (no GeoDataFrames): hospitals → centers (exact min-cost flow).

Public names are re-exported by :mod:`routing.pairing`; import them from there.

Model (千名医师下基层): hospital ``h`` offers ``capacity_days[h]`` doctor-days a month; center ``c`` needs
``demand_days[c]`` (≥ 1). ``x[h, c]`` doctor-days of ``h`` go to ``c``. Minimise Σ x·minutes (one-way travel
minutes per doctor-day, plus a penalty for out-of-county days under the soft 县域内 rule) or, by option, the
largest minutes of any used pair (then the total at that bottleneck). Constraints: Σ_h x = demand, Σ_c x ≤
capacity, pairs only within each hospital's scope (county hospitals: own county, hard rule; city hospitals:
own prefecture), and in each prefecture city hospitals supply ≥ ``city_share_min`` of the doctor-days.
Solved exactly by min-cost flow (OR-Tools); the city share is a lower bound written with a bonus arc (see
:mod:`routing.pairing._flow`), so the optimum is exact and integral; the reported bound equals the
objective (gap 0).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from geo._errors import InfeasibleError, InputValidationError
from routing.pairing._flow import FlowNetwork
from routing.pairing._model import _Model, build_model, days_by_prefecture, listing, precheck

__all__ = [
    "PairingParams",
    "PairingResult",
    "pair_from_matrix",
]

_SCALE = 100  # costs are integers: exact at 0.01-minute resolution


@dataclass(frozen=True)
class PairingParams:
    """Parameters of the hospital → center pairing (checked on creation).

    Attributes
    ----------
    objective
        ``"total"`` minimises the sum of one-way travel minutes over all doctor-days; ``"max"`` minimises the
        largest one-way minutes of any pair used, then the total at that bottleneck.
    county_rule
        ``"hard"``: a county-scope hospital serves only centers of its own county (县域内). ``"soft"``: it
        may serve other centers of its prefecture at ``out_of_county_penalty_minutes`` extra cost per
        doctor-day.
    out_of_county_penalty_minutes
        Penalty (minutes per doctor-day) of an out-of-county pair under the soft rule; not part of reported
        travel.
    city_share_min
        Minimum share (0–1) of each prefecture's doctor-days supplied by city hospitals (市属医院, policy
        30%); ``None`` switches the constraint off.
    max_minutes
        Pairs with one-way travel above this many minutes are not allowed (``None``: any finite time).
    """
    objective: str = "total"
    county_rule: str = "hard"
    out_of_county_penalty_minutes: float = 60.0
    city_share_min: float | None = 0.30
    max_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.objective not in ("total", "max"):
            msg = f"objective must be 'total' or 'max', got {self.objective!r}"
            raise InputValidationError(msg)
        if self.county_rule not in ("hard", "soft"):
            msg = f"county_rule must be 'hard' or 'soft', got {self.county_rule!r}"
            raise InputValidationError(msg)
        if not (0 <= self.out_of_county_penalty_minutes < 10_000):
            pen = self.out_of_county_penalty_minutes
            msg = f"out_of_county_penalty_minutes must be in [0, 10000), got {pen!r}"
            raise InputValidationError(msg)
        if self.city_share_min is not None and not (0 <= self.city_share_min <= 1):
            msg = f"city_share_min must be between 0 and 1 (e.g. 0.3) or None, got {self.city_share_min!r}"
            raise InputValidationError(msg)
        if self.max_minutes is not None and not (self.max_minutes > 0):
            msg = f"max_minutes must be > 0 or None, got {self.max_minutes!r}"
            raise InputValidationError(msg)


@dataclass(frozen=True)
class PairingResult:
    """An optimal pairing. Pair arrays are sorted by (hospital, center).

    Attributes
    ----------
    hospital, center
        Indices into the inputs, one entry per used pair.
    days
        Doctor-days per month of each pair.
    minutes
        One-way travel minutes of each pair (as given in the matrix).
    out_of_county
        Whether each pair crosses a county line (possible only under the soft rule or ``extra_allowed``).
    total_minutes
        Σ days × minutes (one-way, per month).
    max_minutes
        Largest minutes of any used pair.
    objective_minutes, bound_minutes
        Objective value (including penalties; for ``"max"`` the bottleneck minutes) and the proven lower
        bound.
    optimal
        True when the bound equals the objective (always, for the exact flow model).
    city_days, total_days
        Per prefecture: doctor-days from city hospitals and in all.
    """
    hospital: np.ndarray
    center: np.ndarray
    days: np.ndarray
    minutes: np.ndarray
    out_of_county: np.ndarray
    total_minutes: float
    max_minutes: float
    objective: str
    objective_minutes: float
    bound_minutes: float
    optimal: bool
    solver: str
    solve_seconds: float
    city_days: dict[str, int] = field(default_factory=dict)
    total_days: dict[str, int] = field(default_factory=dict)

    def days_matrix(self, n_hospitals: int, n_centers: int) -> np.ndarray:
        """Doctor-days as a dense (n_hospitals, n_centers) integer matrix."""
        out = np.zeros((n_hospitals, n_centers), dtype=np.int64)
        out[self.hospital, self.center] = self.days
        return out


class _FlowModel:
    """Min-cost-flow network of a :class:`_Model` (source, sink, city groups, hospitals, centers)."""
    def __init__(self, model: _Model, params: PairingParams) -> None:
        self.model = model
        n_h, n_c = model.minutes.shape
        groups = [p for p in model.share_groups if (model.is_city & self._hosp_pref_is(p)).any()]
        self.groups = groups
        self.src, self.sink = 0, 1
        g0 = 2
        h0 = g0 + len(groups)
        c0 = h0 + n_h
        self.h0, self.c0 = h0, c0
        net = FlowNetwork(c0 + n_c)
        hh, cc = np.nonzero(model.allowed)
        self.pair_h, self.pair_c = hh, cc
        travel = np.rint(model.minutes[hh, cc] * _SCALE).astype(np.int64)
        pen = np.where(model.penalised[hh, cc], round(params.out_of_county_penalty_minutes * _SCALE), 0)
        self.travel_cost = travel
        cost = travel + pen
        total_demand = int(model.demand.sum())
        self.total_demand = total_demand
        self.big_m = int((cost.max() if cost.size else 0) * max(total_demand, 1) + 1)
        grouped = np.zeros(n_h, dtype=bool)
        self.bonus_arcs: dict[str, int] = {}
        for gi, p in enumerate(groups):
            members = np.flatnonzero(model.is_city & self._hosp_pref_is(p))
            grouped[members] = True
            lower = model.share_lower[p]
            caps = int(model.cap[members].sum())
            self.bonus_arcs[p] = int(net.add([self.src], g0 + gi, [min(lower, caps)], [-self.big_m])[0])
            net.add([self.src], g0 + gi, [max(caps - lower, 0)], [0])
            net.add(np.full(members.size, g0 + gi), h0 + members, model.cap[members], 0)
        free = np.flatnonzero(~grouped)
        net.add(np.full(free.size, self.src), h0 + free, model.cap[free], 0)
        self.pair_arcs = net.add(h0 + hh, c0 + cc, total_demand, cost)
        net.add(c0 + np.arange(n_c), np.full(n_c, self.sink), model.demand, 0)
        self.net = net
        self.pair_mask_all = np.ones(len(net.arrays()[0]), dtype=bool)

    def _hosp_pref_is(self, p: str) -> np.ndarray:
        # a city hospital belongs to the group of the prefecture it can serve (checked in _build_model)
        allowed_p: np.ndarray = np.asarray(self.model.allowed[:, self.model.center_pref == p].any(axis=1))
        return allowed_p

    def solve(self, max_cost: int | None = None) -> tuple[np.ndarray, bool, int]:
        """Solve with pairs costing ≤ ``max_cost`` (scaled); returns (arc flows, feasible, max flow)."""
        mask = None
        if max_cost is not None:
            mask = self.pair_mask_all.copy()
            mask[self.pair_arcs] = self.travel_cost <= max_cost
        sol = self.net.solve(self.src, self.sink, self.total_demand, mask)
        bonus_ok = all(sol.flow[a] == self.net.arrays()[2][a] for a in self.bonus_arcs.values())
        feasible = sol.max_flow == self.total_demand and bonus_ok
        return sol.flow, feasible, sol.max_flow

    def diagnose(self, flow: np.ndarray, max_flow: int, params: PairingParams) -> list[str]:
        """Name the violated condition after a failed solve (Hall set from the min cut, or the city share)."""
        model = self.model
        problems: list[str] = []
        if max_flow < self.total_demand:
            reach = self.net.reachable_in_residual(self.src, flow)
            centers = np.flatnonzero(~reach[self.c0 : self.c0 + model.minutes.shape[1]])
            hosp = np.flatnonzero(model.allowed[:, centers].any(axis=1))
            need = int(model.demand[centers].sum())
            offer = int(model.cap[hosp].sum())
            counties = sorted(set(model.center_county[centers].tolist()))
            problems.append(
                f"{centers.size} centers ({listing(counties)}) need {need} doctor-days, "
                f"but the only hospitals "
                f"able to reach them ({listing([model.hosp_names[h] for h in hosp])}) offer {offer}; "
                f"{self.total_demand - max_flow} doctor-day(s) short"
            )
        else:
            caps = self.net.arrays()[2]
            for p, a in self.bonus_arcs.items():
                if flow[a] < caps[a]:
                    d_p = int(model.demand[model.center_pref == p].sum())
                    problems.append(
                        f"{p}: city hospitals must supply ≥ {model.share_lower[p]} of {d_p} doctor-days "
                        f"({params.city_share_min:.0%}); with every center covered at most {int(flow[a])} is "
                        "possible (county hospitals' pairs are fixed by capacity and the 县域内 rule)"
                    )
        return problems


def pair_from_matrix(
    minutes: object,
    capacity_days: object,
    *,
    hospital_county: Sequence[str],
    hospital_prefecture: Sequence[str],
    hospital_is_city: object,
    center_county: Sequence[str],
    center_prefecture: Sequence[str],
    demand_days: object | None = None,
    hospital_scope: Sequence[str] | None = None,
    extra_allowed: object | None = None,
    hospital_names: Sequence[str] | None = None,
    center_names: Sequence[str] | None = None,
    params: PairingParams | None = None,
    share_exempt: Sequence[str] = (),
) -> PairingResult:
    """Optimal hospital → center pairing on a travel-time matrix (exact min-cost flow).

    Parameters
    ----------
    minutes
        (n_hospitals, n_centers) one-way travel minutes; ``inf`` where no road connects the pair.
    capacity_days
        Doctor-days each hospital can send per month (whole numbers ≥ 0).
    hospital_county, hospital_prefecture, center_county, center_prefecture
        Labels used both to apply the rules and in messages (e.g. ``"漳平市"``, ``"龙岩市"``).
    hospital_is_city
        True for prefecture-city hospitals (市属医院): they serve their whole prefecture and count toward
        its share.
    demand_days
        Doctor-days each center needs per month (default 1 each).
    hospital_scope
        ``"county"`` or ``"prefecture"`` per hospital (default: prefecture for city hospitals, county
        otherwise).
    extra_allowed
        (n_hospitals, n_centers) bool: pairs allowed whatever the scope, without penalty (e.g. a tertiary
        hospital and the centers of the weak counties it supports).
    hospital_names, center_names
        Names used in messages.
    params
        :class:`PairingParams` (defaults: total minutes, hard 县域内 rule, city share ≥ 30%).
    share_exempt
        Prefectures where the city share does not apply (e.g. none of their hospitals is a city hospital).

    Returns
    -------
    PairingResult

    Raises
    ------
    InputValidationError
        Malformed inputs (shapes, negative capacities, NaN minutes).
    InfeasibleError
        No pairing satisfies the constraints; the message names each binding constraint and the shortfall,
        e.g. ``"龙岩市: 133 centers need 133 doctor-days, hospitals offer 120"``, or the centers no hospital
        reaches.
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
        hospital_scope,
        extra_allowed,
        hospital_names,
        center_names,
        params,
        share_exempt,
    )
    problems = precheck(model, params)
    if problems:
        raise InfeasibleError("No feasible pairing:\n- " + "\n- ".join(problems))
    fm = _FlowModel(model, params)
    flow, feasible, max_flow = fm.solve()
    if not feasible:
        raise InfeasibleError("No feasible pairing:\n- " + "\n- ".join(fm.diagnose(flow, max_flow, params)))
    bottleneck = None
    if params.objective == "max":
        values = np.unique(fm.travel_cost)
        per_center = np.full(model.minutes.shape[1], np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(per_center, fm.pair_c, fm.travel_cost)
        lower = int(per_center.max())
        values = values[values >= lower]
        lo, hi = 0, values.size - 1  # values[hi] is feasible (the full problem)
        while lo < hi:
            mid = (lo + hi) // 2
            _, ok, _ = fm.solve(int(values[mid]))
            if ok:
                hi = mid
            else:
                lo = mid + 1
        bottleneck = int(values[lo])
        flow, feasible, _ = fm.solve(bottleneck)
    used = flow[fm.pair_arcs] > 0
    hh, cc = fm.pair_h[used], fm.pair_c[used]
    days = flow[fm.pair_arcs][used]
    order = np.lexsort((cc, hh))
    hh, cc, days = hh[order], cc[order], days[order]
    mins = model.minutes[hh, cc]
    pen = model.penalised[hh, cc]
    total = float((days * mins).sum())
    penalty = float((days * pen).sum()) * params.out_of_county_penalty_minutes
    objective_value = float(mins.max()) if bottleneck is not None else total + penalty
    city_days, total_days = days_by_prefecture(model, hh, cc, days)
    return PairingResult(
        hospital=hh,
        center=cc,
        days=days,
        minutes=mins,
        out_of_county=~model.same_county[hh, cc],
        total_minutes=total,
        max_minutes=float(mins.max()) if mins.size else 0.0,
        objective=params.objective,
        objective_minutes=objective_value,
        bound_minutes=objective_value,
        optimal=True,
        solver="OR-Tools min-cost flow (exact at 0.01 min, integral; bound = objective)"
        + (", bottleneck by bisection" if bottleneck is not None else ""),
        solve_seconds=time.perf_counter() - t0,
        city_days=city_days,
        total_days=total_days,
    )
