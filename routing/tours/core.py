"""Multi-day mobile-hospital tours on plain matrices: parameters, the result, and the core planner.

Model (documented choice). Each team is **one PyVRP vehicle for the whole tour**; time runs over the real
clock (day k spans ``k·1440 + [day_start, day_end]`` minutes). A night is a *sleep node*: an optional client
at a place (the depot, or any candidate township in "stay" mode) whose time window is exactly ``day_end`` of
night k and whose service time is the night (``1440 − window``), so leaving it puts the team on the road at
``day_start`` of day k+1 at that same place. For each night and team there is one required, mutually
exclusive group of sleep nodes ("sleep at exactly one place"); T groups per night and T vehicles force every
team to sleep once per night (a vehicle cannot take two sleep nodes of the same night: leaving the first is
already past the second's window). So the day route of day k+1 really starts where the team slept, driving
counts inside the working window, a clinic cannot run past ``day_end``, and the whole multi-day plan is
optimised at once (no greedy day-by-day). Townships are optional clients with a prize (priority); the
objective is drive minutes plus uncollected prize, with prizes scaled so that priority comes first and
driving second. The maximum driving time per day is not expressible in this one-vehicle-per-team model:
legs longer than it are removed from the matrix, days still over it are repaired
by dropping the stop that saves the most driving per unit of priority, and then a **second solve** fixes the
overnight places and makes every team-day its own vehicle (from where it woke up to where it sleeps, inside
the window, with the driving limit exact as PyVRP's per-route ``max_distance`` on drive minutes), warm-started
from the repaired days so it never does worse. A last greedy pass inserts any township that still fits.
When the driving limit binds well before the window does, phase 1 also runs with drive legs scaled by
(window − clinic) / limit (a safe inner approximation that makes the limit implied) and the better of the
two finished plans is kept.

Solved with a fixed number of iterations and a seed, so the same inputs give the same plan.
"""

from __future__ import annotations

import math

import numpy as np

from geo._errors import InfeasibleError, InputValidationError
from routing.tours._solver import VehicleSpec, VrptwInstance, solve_vrptw
from routing.tours._types import (
    DAY,
    REASONS,
    DayPlan,
    LeftOut,
    Stop,
    TourParams,
    TourPlan,
    hhmm,
)

SC = 10  # integer units per minute (0.1 min)
PRIZE_UNIT_MINUTES = 10_000.0  # a township of priority 1 is worth this many drive minutes: priority first
PRIZE_FLOOR = 0.05  # even a score-0 township is worth visiting when it costs little driving
MAX_MODEL_NODES = 6000  # candidate + sleep nodes; beyond this PyVRP needs minutes, not seconds
_BIG = 10**9  # "no edge" in the integer matrices (PyVRP avoids it)


def _check_inputs(minutes: np.ndarray, km: np.ndarray, n: int) -> None:
    if minutes.shape != (n + 1, n + 1) or km.shape != (n + 1, n + 1):
        msg = (
            f"minutes and km must be ({n + 1}, {n + 1}) matrices (depot first, then the {n} candidates), "
            f"got {minutes.shape!r} and {km.shape!r}"
        )
        raise InputValidationError(msg)
    if np.isnan(minutes).any() or (minutes < 0).any():
        raise InputValidationError(
            "minutes matrix has NaN or negative entries (use inf for unreachable pairs)"
        )


def _day(minutes, km, start, stops, end, service, p: TourParams, day: int, team: int, names) -> DayPlan:
    t = p.day_start_minutes
    prev = start
    out = []
    drive = dist = 0.0
    for i in stops:
        leg = minutes[prev, i + 1]
        arr = t + leg
        dep = arr + service[i]
        out.append(Stop(i, names[i + 1], arr, arr, dep, leg, km[prev, i + 1]))
        drive += leg
        dist += km[prev, i + 1]
        t, prev = dep, i + 1
    end_leg, end_km = minutes[prev, end], km[prev, end]
    return DayPlan(
        team,
        day,
        start,
        tuple(out),
        end,
        end_leg,
        end_km,
        t + end_leg,
        drive + end_leg,
        dist + end_km,
        p.day_start_minutes,
    )


def _violation(d: DayPlan, p: TourParams) -> float:
    over_t = d.end_minutes - p.day_end_minutes
    over_d = d.drive_minutes - (p.max_drive_minutes_per_day or math.inf)
    return max(over_t, over_d, 0.0)


def _feasible_alone(minutes: np.ndarray, service: np.ndarray, p: TourParams) -> np.ndarray:
    """Reason code per candidate when it cannot be served on any day regardless of the rest ("" when it
    can)."""
    n = len(service)
    reasons = np.full(n, "", dtype=object)
    budget = p.drive_budget_minutes
    to_i = minutes[0, 1:]
    from_i = minutes[1:, 0]
    reasons[~np.isfinite(to_i) | ~np.isfinite(from_i)] = "unreachable"
    reasons[(reasons == "") & (service > p.window_minutes)] = "clinic_too_long"
    if p.overnight == "depot":
        day_t = to_i + service + from_i
        bad = (day_t > p.window_minutes) | (to_i + from_i > budget)
        reasons[(reasons == "") & bad] = "too_far_for_a_day"
        return reasons
    # stay mode: the team may sleep anywhere; a township is servable when it is connected to the depot by
    # legs that
    # each fit one day's driving (out and, when returning, back).
    ok_edge = minutes <= budget

    def reach(adj: np.ndarray) -> np.ndarray:
        seen = np.zeros(n + 1, bool)
        seen[0] = True
        frontier = np.array([0])
        while frontier.size:
            nxt = np.flatnonzero(adj[frontier].any(axis=0) & ~seen)
            seen[nxt] = True
            frontier = nxt
        return seen[1:]

    ok = reach(ok_edge)
    if p.return_to_depot:
        ok &= reach(ok_edge.T)
    reasons[(reasons == "") & ~ok] = "too_far_for_a_day"
    return reasons


def _surrogate_prizes(
    minutes: np.ndarray, scores: np.ndarray, cover: float | None, active: np.ndarray
) -> np.ndarray:
    """Prize per candidate: its score, plus (covering tour) a share of the scores of townships it would
    cover."""
    value = PRIZE_FLOOR + scores
    if cover is None:
        return value
    reach = minutes[1:, 1:] <= cover  # reach[j, i]: township j within `cover` minutes of stop i
    reach = reach & active[None, :]
    n_cov = np.maximum(reach.sum(axis=1), 1)
    share = (reach * (value / n_cov)[:, None]).sum(axis=0)
    return np.where(active, share, value)


def _reoptimise_days(specs, dur, act_idx, service, prizes, req, p: TourParams, n: int):
    """Second solve with the overnight places fixed: every team-day becomes a vehicle from its start place to
    its overnight place, within the working window and (exactly, as PyVRP's per-route ``max_distance`` on
    drive minutes) the daily driving limit. Warm-started from the current days, so it never does worse.
    Returns the new specs, or None when the model is infeasible (then the repaired plan stands)."""
    places = sorted({sp[2] for sp in specs} | {sp[4] for sp in specs if sp[4] >= 0})
    open_end = any(sp[4] < 0 for sp in specs)
    depot_locs = places + ([n + 1] if open_end else [])
    dep = {loc: j for j, loc in enumerate(depot_locs)}
    limit = p.max_drive_minutes_per_day
    max_dist = math.floor(limit * SC) if limit is not None else int(np.iinfo(np.int64).max)
    day_late = int(DAY * SC)
    vehicles = tuple(
        VehicleSpec(
            count=1,
            start_depot=dep[sp[2]],
            end_depot=dep[sp[4] if sp[4] >= 0 else n + 1],
            tw_early=int(p.day_start_minutes * SC),
            tw_late=int(p.day_end_minutes * SC),
            max_distance=max_dist,
        )
        for sp in specs
    )
    pos = {int(i): j for j, i in enumerate(act_idx)}
    m = len(act_idx)
    inst = VrptwInstance(
        distance=dur,
        duration=dur,
        depot_location=tuple(depot_locs),
        depot_tw_early=tuple(0 for _ in depot_locs),
        depot_tw_late=tuple(day_late for _ in depot_locs),
        client_location=np.asarray(act_idx, dtype=np.int64) + 1,
        service=np.array([math.ceil(service[i] * SC) for i in act_idx], dtype=np.int64),
        tw_early=np.zeros(m, dtype=np.int64),
        tw_late=np.full(m, day_late, dtype=np.int64),
        prize=np.array([round(prizes[i] * PRIZE_UNIT_MINUTES * SC) for i in act_idx], dtype=np.int64),
        required=np.array([bool(req[i]) for i in act_idx], dtype=bool),
        vehicles=vehicles,
    )
    initial = [(si, [pos[int(i)] for i in sp[3]]) for si, sp in enumerate(specs)]
    sol = solve_vrptw(inst, seed=p.seed, max_iterations=p.iterations, initial=initial)
    if not sol.feasible:
        return None
    new = [[*sp[:3], [], sp[4]] for sp in specs]
    for vt, visits in sol.routes:
        new[vt][3] = [int(act_idx[c]) for c in visits]
    return new


def plan_tours_matrix(
    minutes: np.ndarray,
    km: np.ndarray,
    scores: np.ndarray,
    params: TourParams,
    *,
    names: list[str] | None = None,
    population: np.ndarray | None = None,
    service_minutes: np.ndarray | None = None,
    required: np.ndarray | None = None,
    estimated: bool = False,
) -> TourPlan:
    """Plan multi-day tours from a depot over candidate townships (the core, on plain matrices).

    Parameters
    ----------
    minutes, km
        (n+1, n+1) drive minutes and km; index 0 is the depot, i+1 is candidate i; ``inf`` = unreachable.
    scores
        (n,) priority of each candidate in [0, 1] (see ``routing.tours.priority``).
    params
        Budget and options.
    names
        n+1 display names (depot first); default "depot", "#1"….
    population
        (n,) estimated persons, for the totals.
    service_minutes
        (n,) clinic minutes per candidate; default ``params.clinic_minutes``.
    required
        (n,) bool: candidates that must be visited.
    estimated
        Whether the matrices come from the estimated network (labels every figure of the plan).

    Returns
    -------
    TourPlan

    Raises
    ------
    InputValidationError
        Malformed matrices or arrays.
    InfeasibleError
        A required township cannot be served at all, or not all required townships fit the days and teams;
        the message says what to relax.
    """
    minutes = np.asarray(minutes, dtype=float)
    km = np.asarray(km, dtype=float)
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    _check_inputs(minutes, km, n)
    p = params
    names = list(names) if names is not None else ["depot"] + [f"#{i + 1}" for i in range(n)]
    if len(names) != n + 1:
        raise InputValidationError(f"names must have {n + 1} entries (depot first), got {len(names)}")
    service = (
        np.full(n, float(p.clinic_minutes)) if service_minutes is None else np.asarray(service_minutes, float)
    )
    if service.shape != (n,) or np.isnan(service).any() or (service <= 0).any():
        raise InputValidationError(
            f"service_minutes must be {n} positive numbers (clinic minutes per township)"
        )
    req = np.zeros(n, bool) if required is None else np.asarray(required, bool)
    pop = np.full(n, np.nan) if population is None else np.asarray(population, dtype=float)

    reasons = _feasible_alone(minutes, service, p)
    bad_req = [i for i in range(n) if req[i] and reasons[i]]
    if bad_req:
        lst = "; ".join(f"{names[i + 1]}: {REASONS[reasons[i]][1]}" for i in bad_req)
        msg = (
            f"required townships cannot be served: {lst}. Relax: widen the working window, raise the daily "
            "driving limit, shorten their clinic, allow overnight stays, or unmark them as required"
        )
        raise InfeasibleError(msg)
    active = reasons == ""
    act_idx = np.flatnonzero(active)
    n_nodes = len(act_idx) * (1 + (p.days - 1) * p.teams * (p.overnight == "stay"))
    if n_nodes > MAX_MODEL_NODES:
        msg = (
            f"{len(act_idx)} candidate townships × {p.days} days × {p.teams} teams is too large to plan at "
            f"once ({n_nodes:,} model nodes > {MAX_MODEL_NODES:,}): narrow the scope (fewer prefectures or "
            "counties, a higher minimum remoteness) or plan fewer days or teams"
        )
        raise InputValidationError(msg)

    # --- integer instance: locations 0 = depot, 1..n = candidates, n+1 = "anywhere" (open end)
    budget = p.drive_budget_minutes
    m = np.where(np.isfinite(minutes) & (minutes <= budget), minutes, np.inf)
    n_loc = n + 2
    dur = np.full((n_loc, n_loc), _BIG, dtype=np.int64)
    dur[: n + 1, : n + 1] = np.where(np.isfinite(m), np.ceil(m * SC - 1e-9), _BIG).astype(np.int64)
    np.fill_diagonal(dur, 0)
    dur[:, n + 1] = 0
    dur[n + 1, :] = 0

    T, D = p.teams, p.days
    prizes = _surrogate_prizes(minutes, scores, p.cover_minutes, active)

    def spec_day(tt: int, kk: int, s0: int, st: list[int], e: int) -> DayPlan:
        """The day of team ``tt``, day index ``kk``: from ``s0`` through ``st`` to ``e`` (-1: its last stop,
        or ``s0`` when it has none)."""
        e2 = e if e >= 0 else (st[-1] + 1 if st else s0)
        return _day(minutes, km, s0, st, e2, service, p, kk + 1, tt, names)

    def attempt(factor: float) -> tuple[list[DayPlan], list[int], list[str]]:
        """Phase 1 with drive legs scaled by ``factor`` (≥ 1 makes the daily limit implied), then the rest."""
        m1 = np.where(np.isfinite(m), np.ceil(m * SC * factor - 1e-9), _BIG)
        dur1 = dur.copy()
        dur1[: n + 1, : n + 1] = np.minimum(m1, _BIG).astype(np.int64)
        np.fill_diagonal(dur1, 0)
        dist1 = dur1
        start, end = p.day_start_minutes, p.day_end_minutes
        horizon = int(((D - 1) * DAY + end) * SC)
        c_loc = list(act_idx + 1)
        c_service = [math.ceil(service[i] * SC) for i in act_idx]
        c_early = [0] * len(act_idx)
        c_late = [horizon] * len(act_idx)
        c_prize = [round(prizes[i] * PRIZE_UNIT_MINUTES * SC) for i in act_idx]
        c_req = [bool(req[i]) for i in act_idx]
        c_group = [-1] * len(act_idx)
        groups: list[bool] = []
        sleep_places = [0] + (list(act_idx + 1) if p.overnight == "stay" else [])
        night = round((DAY - p.window_minutes) * SC)
        for k in range(D - 1):
            tw = round((k * DAY + end) * SC)
            for _c in range(T):
                g = len(groups)
                groups.append(True)
                for loc in sleep_places:
                    c_loc.append(loc)
                    c_service.append(night)
                    c_early.append(tw)
                    c_late.append(tw)
                    c_prize.append(0)
                    c_req.append(False)
                    c_group.append(g)
        end_depot = 0 if p.return_to_depot else 1
        inst = VrptwInstance(
            distance=dist1,
            duration=dur1,
            depot_location=(0, n + 1),
            depot_tw_early=(int(start * SC), 0),
            depot_tw_late=(horizon, horizon),
            client_location=np.array(c_loc, dtype=np.int64),
            service=np.array(c_service, dtype=np.int64),
            tw_early=np.array(c_early, dtype=np.int64),
            tw_late=np.array(c_late, dtype=np.int64),
            prize=np.array(c_prize, dtype=np.int64),
            required=np.array(c_req, dtype=bool),
            group=np.array(c_group, dtype=np.int64),
            group_required=tuple(groups),
            vehicles=(
                VehicleSpec(
                    count=T, start_depot=0, end_depot=end_depot, tw_early=int(start * SC), tw_late=horizon
                ),
            ),
        )
        sol = solve_vrptw(inst, seed=p.seed, max_iterations=p.iterations)
        if not sol.feasible:
            missing = [names[i + 1] for i in act_idx if req[i]]
            msg = (
                f"no feasible plan in {D} day(s) with {T} team(s)"
                + (f" that visits every required township ({', '.join(missing)})" if missing else "")
                + ": add days or teams, widen the working window, or unmark required townships"
            )
            raise InfeasibleError(msg)

        # --- decode: split each route into days at its sleep nodes
        n_act = len(act_idx)
        team_days: list[list[tuple[list[int], int]]] = []
        for _vt, visits in sol.routes:
            days_: list[tuple[list[int], int]] = []
            cur: list[int] = []
            for v in visits:
                if v < n_act:
                    cur.append(int(act_idx[v]))
                else:
                    days_.append((cur, int(c_loc[v])))
                    cur = []
            days_.append((cur, -1))
            team_days.append(days_)
        while len(team_days) < T:
            team_days.append([([], -1)] + [([], 0) for _ in range(D - 1)])
        team_days.sort(key=lambda td: [i for d in td for i in d[0]] or [n + 1])

        # --- honest schedule in float minutes, with repair of the daily driving limit
        out_days: list[DayPlan] = []
        # per team-day: team, day index, start place, stops, end place (-1 = last stop)
        specs: list[list] = []
        dropped: list[int] = []
        warnings: list[str] = []
        for t, td in enumerate(team_days, start=1):
            place = 0
            for k, (stops, sleep) in enumerate(td):
                last = k == D - 1
                stops = list(stops)
                end_loc = (0 if p.return_to_depot else -1) if last else sleep if sleep >= 0 else place

                def build(
                    st: list[int], e: int = end_loc, s0: int = place, kk: int = k, tt: int = t
                ) -> DayPlan:
                    return spec_day(tt, kk, s0, st, e)

                d = build(stops)
                while _violation(d, p) > 1e-6 and stops:
                    base = _violation(d, p)
                    best, best_key = None, None
                    for j in range(len(stops)):
                        if req[stops[j]]:
                            continue
                        trial = stops[:j] + stops[j + 1 :]
                        gain = base - _violation(build(trial), p)
                        key = (scores[stops[j]] + PRIZE_FLOOR) / max(gain, 1e-9)
                        if best_key is None or key < best_key:
                            best, best_key = j, key
                    if best is None:
                        break
                    dropped.append(stops.pop(best))
                    d = build(stops)
                if _violation(d, p) > 1e-6 and not last and not stops:
                    d = build(stops, e=place)  # stay put for the night
                if _violation(d, p) > 1e-6:
                    warnings.append(
                        f"team {t} day {k + 1}: {d.drive_minutes:.0f} min driving, ends {hhmm(d.end_minutes)}"
                        " — over the daily limits; widen the window or raise the driving limit"
                    )
                out_days.append(d)
                specs.append([t, k, place, stops, d.overnight_place if (not last or end_loc >= 0) else -1])
                place = d.overnight_place

        # --- phase 2: overnight places fixed; each team-day its own vehicle with the exact daily limits
        if not warnings and specs:
            specs = _reoptimise_days(specs, dur, act_idx, service, prizes, req, p, n) or specs
            dropped = [i for i in dropped if i not in {j for sp in specs for j in sp[3]}]

        # --- fill: insert unserved townships (highest prize first) where a day still has room
        served = {i for sp in specs for i in sp[3]}
        for i in sorted((i for i in act_idx if i not in served), key=lambda i: (-prizes[i], i)):
            best = None
            for si, (tt, kk, s0, st, e) in enumerate(specs):
                base = spec_day(tt, kk, s0, st, e)
                if _violation(base, p) > 1e-6:
                    continue
                for pos in range(len(st) + 1):
                    trial = [*st[:pos], int(i), *st[pos:]]
                    d = spec_day(tt, kk, s0, trial, e)
                    if _violation(d, p) <= 1e-6:
                        extra = d.drive_minutes - base.drive_minutes
                        if best is None or extra < best[0]:
                            best = (extra, si, trial)
            if best is not None:
                specs[best[1]][3] = best[2]
                served.add(int(i))
                if i in dropped:
                    dropped.remove(i)
        out_days = [spec_day(tt, kk, s0, st, e) for tt, kk, s0, st, e in specs]
        return out_days, dropped, warnings

    # Phase 1 as is, and — when the driving limit binds before the window does — once more with drive legs
    # scaled by (window − clinic) / limit, so one clinic plus scaled driving filling the window is exactly the
    # limit (a safe inner approximation); keep the better plan (priority first, then driving).
    factors = [1.0]
    lim = p.max_drive_minutes_per_day
    if lim is not None and (p.window_minutes - float(np.median(service))) / lim > 1.25:
        factors.append((p.window_minutes - float(np.median(service))) / lim)
    best_val, best_res = None, None
    for f in factors:
        try:
            res = attempt(f)
        except InfeasibleError:
            if f == 1.0:
                raise
            continue
        days_, _, warns = res
        got = [s.index for d in days_ for s in d.stops]
        val = (not warns, float(prizes[got].sum()) - sum(d.drive_minutes for d in days_) / PRIZE_UNIT_MINUTES)
        if best_val is None or val > best_val:
            best_val, best_res = val, res
    out_days, dropped, warnings = best_res
    served = {s.index for d in out_days for s in d.stops}
    miss_req = [names[i + 1] for i in range(n) if req[i] and i not in served]
    if miss_req:
        msg = (
            f"required townships not served within the limits: {', '.join(miss_req)}: "
            "add days or teams, raise the "
            "daily driving limit or widen the working window"
        )
        raise InfeasibleError(msg)
    left = []
    for i in range(n):
        if i in served:
            continue
        r = reasons[i] or ("drive_limit" if i in dropped else "budget")
        left.append(LeftOut(i, names[i + 1], r))
    covered = np.zeros(n, bool)
    if served:
        sv = sorted(served)
        covered[sv] = True
        if p.cover_minutes is not None:
            covered |= (minutes[1:, 1:][:, sv] <= p.cover_minutes).any(axis=1)
    return TourPlan(
        days=tuple(out_days),
        left_out=tuple(left),
        names=tuple(names),
        scores=scores,
        population=pop,
        covered=covered,
        params=p,
        estimated=bool(estimated),
        warnings=tuple(warnings),
    )
