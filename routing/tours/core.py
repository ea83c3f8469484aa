"""Multi-day mobile-hospital tours on plain matrices: the core planner, in named steps.

:func:`plan_tours_matrix` runs, in order:

1. :func:`routing.tours._problem.build_problem` — check and normalise the inputs;
2. :func:`routing.tours._feasible.servable` — why a township cannot be served at all (no road, closed on
   every tour day, too far for one day from any allowed overnight place); refuse required ones with what to
   relax;
3. :func:`routing.tours._model.visit_options` — one solver client per visit option (day runs, market days);
4. :func:`attempt` per start (seeds; drive legs as is and scaled so the daily driving limit is implied):
   phase 1 (whole tour, one vehicle per team, sleep nodes), the exact schedule with lunch and the repair of
   over-long days, phase 2 (every team-day its own vehicle, overnight places fixed, driving limit exact),
   and a greedy fill of any township that still fits;
5. :func:`polish` — *coherent days*: with the townships served kept (required), the whole tour is solved
   again from the best plan for less driving; kept only if priority is not lower and driving is lower;
6. :func:`assemble` — the :class:`TourPlan` (days with dates and lunch, left out with reasons, totals).

Objective (documented): priority first — the sum over served townships of score × the day's factor (market
days) — then the least driving; see ``routing/tours/_model.py``. Deterministic: fixed seeds and iteration
budgets; ``TourParams.time_limit_seconds`` is a wall-clock safety net over all solves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Sequence

import numpy as np

from geo._errors import InfeasibleError, InputValidationError
from routing.tours._feasible import Outcome, idle_tour, servable
from routing.tours._labels import REASONS
from routing.tours._model import (
    Options,
    phase1_instance,
    phase2_instance,
    routes_to_days,
    visit_options,
    warm_start,
)
from routing.tours._problem import TourProblem, build_problem
from routing.tours._schedule import EPS, DaySpec, build_day, fill_unserved, repair_day
from routing.tours._solver import VrptwInstance, VrptwSolution, solve_vrptw
from routing.tours._types import Availability, DayPlan, LeftOut, TourParams, TourPlan, hhmm, iteration_budget

__all__ = ["MAX_MODEL_NODES", "plan_tours_matrix"]

MAX_MODEL_NODES = 8000  # solver clients (visit options + sleep nodes); beyond this PyVRP needs minutes
PRIZE_FLOOR = 1e-3  # a score-0 township is still worth this share of the top score (fills spare time)


class Deadline:
    """Wall-clock budget shared by every solve of one plan (seconds)."""

    def __init__(self, seconds: float) -> None:
        self.end = time.perf_counter() + seconds
        self.seconds = seconds

    def share(self, parts: int) -> float:
        """Seconds for the next solve when ``parts`` solves (this one included) remain; at least 0.1 s."""
        return max(0.1, (self.end - time.perf_counter()) / max(parts, 1))

    @property
    def expired(self) -> bool:
        """Whether the budget is spent."""
        return time.perf_counter() >= self.end


def _solve(
    inst: VrptwInstance,
    pb: TourProblem,
    seed: int,
    clock: Deadline,
    parts: int,
    initial: list[tuple[int, list[int]]] | None = None,
) -> VrptwSolution:
    return solve_vrptw(
        inst, seed=seed, max_iterations=iteration_budget(pb.params, pb.n), max_seconds=clock.share(parts),
        initial=initial,
    )


def _check_required(pb: TourProblem, reasons: np.ndarray) -> None:
    bad = [i for i in range(pb.n) if pb.required[i] and reasons[i]]
    if bad:
        lst = "; ".join(f"{pb.names[i + 1]}: {REASONS[reasons[i]]['en']}" for i in bad)
        lst_zh = "；".join(f"{pb.names[i + 1]}：{REASONS[reasons[i]]['zh']}" for i in bad)
        msg = (
            f"必须安排的乡镇无法安排：{lst_zh}。"
            "可放宽每日时段、驾驶上限、义诊时长、住宿地点，或取消必须安排 / "
            f"required townships cannot be served: {lst}. Relax: widen the working window, raise the daily "
            "driving limit, shorten their clinic, allow more overnight places, or unmark them as required"
        )
        raise InfeasibleError(msg)


def values(pb: TourProblem, active: np.ndarray) -> np.ndarray:
    """Prize of each candidate in priority units, before the day factor: its score (a score-0 township a
    small floor), plus — on a covering tour — a share of the scores of the townships it would cover."""
    floor = PRIZE_FLOOR * max(float(pb.scores.max(initial=0.0)), 1e-9)
    value = np.maximum(pb.scores, floor)
    cover = pb.params.cover_minutes
    if cover is None:
        return value
    n = pb.n
    reach = (pb.minutes[1 : n + 1, 1 : n + 1] <= cover) & active[None, :]
    n_cov = np.maximum(reach.sum(axis=1), 1)
    share = (reach * (value / n_cov)[:, None]).sum(axis=0)
    return np.where(active, share, value)


def _score(pb: TourProblem, value: np.ndarray, out: Outcome) -> tuple[bool, float, float]:
    """Ranking of a finished plan: no warnings, then weighted priority, then less driving."""
    days = [build_day(pb, sp)[0] for sp in out.specs]
    prio = sum(float(value[s.index] * pb.avail.factor[s.index, d.day - 1]) for d in days for s in d.stops)
    drive = sum(d.drive_minutes for d in days)
    return (not out.warnings, round(prio, 9), -drive)


def _repair_all(pb: TourProblem, specs: list[DaySpec], value: np.ndarray) -> Outcome:
    """Repair every over-long day (drop stops); a day that cannot be repaired stays put or warns."""
    out = Outcome([])
    woke: dict[int, int] = {}
    for sp in sorted(specs, key=lambda s: (s.team, s.day)):
        sp.start = woke.get(sp.team, sp.start)
        sp, dropped = repair_day(pb, sp, value)
        out.dropped += dropped
        last = sp.day == pb.days - 1
        if build_day(pb, sp)[1] > EPS and not last and not sp.stops:
            sp = DaySpec(sp.team, sp.day, sp.start, [], sp.start)  # stay put for the night
        day, bad = build_day(pb, sp)
        if bad > EPS:
            out.warnings.append(
                f"第{sp.team}队第{sp.day + 1}天驾驶 {day.drive_minutes:.0f} 分钟、"
                f"{hhmm(day.end_minutes)} 结束，超出每日限制 / "
                f"team {sp.team} day {sp.day + 1}: {day.drive_minutes:.0f} min driving, ends "
                f"{hhmm(day.end_minutes)} — over the daily limits; widen the window or raise the driving "
                "limit"
            )
        out.specs.append(sp)
        woke[sp.team] = sp.end_location()
    return out


def _tour_drive_ok(pb: TourProblem, specs: list[DaySpec]) -> bool:
    if pb.max_total_drive is None:
        return True
    per_team: dict[int, float] = {}
    for sp in specs:
        per_team[sp.team] = per_team.get(sp.team, 0.0) + build_day(pb, sp)[0].drive_minutes
    return max(per_team.values(), default=0.0) <= pb.max_total_drive + EPS


def _phase2(
    pb: TourProblem, opts: Options, value: np.ndarray, out: Outcome, seed: int, clock: Deadline, parts: int
) -> Outcome:
    """Re-solve with overnight places fixed (every team-day a vehicle); keep it when it is no worse."""
    if out.warnings or not out.specs or not len(opts):
        return out
    sol = _solve(phase2_instance(pb, opts, out.specs), pb, seed, clock, parts, warm_start(opts, out.specs))
    if not sol.feasible:
        return out
    specs = [DaySpec(sp.team, sp.day, sp.start, [], sp.end) for sp in out.specs]
    for vt, visits in sol.routes:
        specs[vt].stops = [int(opts.cand[c]) for c in visits]
    new = _repair_all(pb, specs, value)
    if new.warnings or not _tour_drive_ok(pb, new.specs) or _score(pb, value, new) < _score(pb, value, out):
        return out
    served = {i for sp in new.specs for i in sp.stops}
    new.dropped = [i for i in dict.fromkeys(out.dropped + new.dropped) if i not in served]
    return new


def attempt(
    pb: TourProblem,
    opts: Options,
    value: np.ndarray,
    factor: float,
    seed: int,
    clock: Deadline,
    parts: int,
    initial: list[tuple[int, list[int]]] | None = None,
) -> Outcome:
    """One start: phase 1 with drive legs × ``factor``, repair, phase 2, fill (module docstring). When the
    search finds nothing feasible in its time, it is run again from the idle tour (no clinics)."""
    idle = idle_tour(pb)
    if not len(opts) and idle is not None:
        return idle
    inst, loc = phase1_instance(pb, opts, factor)
    sol = _solve(inst, pb, seed, clock, parts, initial)
    if not sol.feasible and idle is not None and not pb.required.any():
        sol = _solve(inst, pb, seed, clock, parts, _phase1_routes(pb, opts, idle))
    if not sol.feasible:
        missing = [pb.names[i + 1] for i in range(pb.n) if pb.required[i]]
        need = f"（必须安排：{'、'.join(missing)}）" if missing else ""
        msg = (
            f"{pb.days} 天 {pb.params.teams} 队内找不到可行方案{need}："
            "增加天数或队伍、放宽时段、增加住宿地点或取消必须安排 / "
            f"no feasible plan in {pb.days} day(s) with {pb.params.teams} team(s)"
            + (f" that visits every required township ({', '.join(missing)})" if missing else "")
            + ": add days or teams, widen the working window, allow more overnight places, or unmark "
            "required townships"
        )
        raise InfeasibleError(msg)
    out = _repair_all(pb, routes_to_days(pb, opts, loc, sol), value)
    out = _phase2(pb, opts, value, out, seed, clock, parts)
    if not out.warnings:
        fill_unserved(pb, out.specs, value, np.unique(opts.cand))
        served = {i for sp in out.specs for i in sp.stops}
        out.dropped = [i for i in out.dropped if i not in served]
    return out


def _phase1_routes(pb: TourProblem, opts: Options, out: Outcome) -> list[tuple[int, list[int]]]:
    """A phase-1 warm start from a finished plan: per team its options and sleep nodes in order."""
    n_opt = len(opts)
    places = [int(x) for x in np.flatnonzero(pb.overnight)]
    per_night = len(places) * pb.params.teams
    routes = []
    for t in range(1, pb.params.teams + 1):
        visits: list[int] = []
        for sp in sorted((s for s in out.specs if s.team == t), key=lambda s: s.day):
            visits += [v for v in (opts.lookup(i, sp.day) for i in sp.stops) if v >= 0]
            if sp.day < pb.days - 1 and sp.end in places:
                visits.append(n_opt + sp.day * per_night + (t - 1) * len(places) + places.index(sp.end))
        routes.append((0, visits))
    return routes


def polish(
    pb: TourProblem,
    opts: Options,
    value: np.ndarray,
    best: Outcome,
    factor: float,
    seed: int,
    clock: Deadline,
) -> Outcome:
    """Coherent days: solve the whole tour again from ``best`` with the townships it serves required, for
    less driving at equal or higher priority; keep the result only if it is better."""
    if best.warnings or not len(opts) or clock.expired:
        return best
    served = {i for sp in best.specs for i in sp.stops}
    keep = dataclasses.replace(pb, required=pb.required | np.isin(np.arange(pb.n), list(served)))
    try:
        new = attempt(keep, opts, value, factor, seed + 7919, clock, 2, _phase1_routes(pb, opts, best))
    except InfeasibleError:
        return best
    if new.warnings or not _tour_drive_ok(pb, new.specs):
        return best
    return new if _score(pb, value, new) > _score(pb, value, best) else best


def _factors(pb: TourProblem) -> list[float]:
    """Drive-leg scalings to try: 1, and — when the driving limit binds well before the window does —
    (window − clinic) / limit, so one clinic plus scaled driving filling the window is exactly the limit."""
    window = float((pb.day_end - pb.day_start).min()) - (pb.params.lunch_minutes if pb.has_lunch(0) else 0.0)
    ratio = (window - float(np.median(pb.service))) / pb.drive_limit if pb.n else 0.0
    return [1.0, ratio] if ratio > 1.25 else [1.0]


def assemble(
    pb: TourProblem, out: Outcome, reasons: np.ndarray, population: np.ndarray | None, estimated: bool
) -> TourPlan:
    """The :class:`TourPlan` of a finished outcome (required townships checked served)."""
    specs = sorted(out.specs, key=lambda s: (s.team, s.day))
    days: list[DayPlan] = [build_day(pb, sp)[0] for sp in specs]
    served = {s.index for d in days for s in d.stops}
    miss = [pb.names[i + 1] for i in range(pb.n) if pb.required[i] and i not in served]
    if miss:
        msg = (
            f"必须安排的乡镇未能在限制内安排：{'、'.join(miss)}：增加天数或队伍、提高驾驶上限或放宽时段 / "
            f"required townships not served within the limits: {', '.join(miss)}: add days or teams, raise "
            "the daily driving limit or widen the working window"
        )
        raise InfeasibleError(msg)
    dropped = set(out.dropped)
    left = tuple(
        LeftOut(i, pb.names[i + 1], reasons[i] or ("drive_limit" if i in dropped else "budget"))
        for i in range(pb.n)
        if i not in served
    )
    factor = np.ones(pb.n)
    for d in days:
        for s in d.stops:
            factor[s.index] = pb.avail.factor[s.index, d.day - 1]
    covered = np.zeros(pb.n, bool)
    if served:
        sv = sorted(served)
        covered[sv] = True
        cover = pb.params.cover_minutes
        if cover is not None:
            covered |= (pb.minutes[1 : pb.n + 1, 1 : pb.n + 1][:, sv] <= cover).any(axis=1)
    pop = np.full(pb.n, np.nan) if population is None else np.asarray(population, dtype=float)
    return TourPlan(
        days=tuple(days),
        left_out=left,
        names=pb.names,
        scores=pb.scores,
        population=pop,
        covered=covered,
        params=pb.params,
        estimated=bool(estimated),
        warnings=tuple(out.warnings),
        dates=pb.dates,
        priority_factor=factor,
        overnight_places=pb.overnight,
    )


def plan_tours_matrix(
    minutes: np.ndarray,
    km: np.ndarray,
    scores: np.ndarray,
    params: TourParams,
    *,
    names: Sequence[str] | None = None,
    population: np.ndarray | None = None,
    service_minutes: np.ndarray | None = None,
    required: np.ndarray | None = None,
    estimated: bool = False,
    availability: Availability | None = None,
    day_windows: np.ndarray | None = None,
    overnight_places: np.ndarray | None = None,
    end_place: int | None = None,
    max_total_drive_minutes: float | None = None,
    dates: Sequence[dt.date] | None = None,
    resolution_minutes: float = 0.1,
) -> TourPlan:
    """Plan multi-day tours from a depot over candidate townships (the core, on plain matrices).

    Parameters
    ----------
    minutes, km
        (L, L) drive minutes and km; index 0 is the depot, i+1 is candidate i, indices n+1 … L-1 are extra
        places usable only as overnight places; ``inf`` = unreachable.
    scores
        (n,) priority of each candidate (≥ 0; the product uses [0, 1], see ``routing.tours.priority``).
    params
        Budget and options (:class:`TourParams`).
    names
        L display names (depot first); default "depot", "#1"….
    population
        (n,) estimated persons, for the totals.
    service_minutes
        (n,) clinic minutes per candidate; default ``params.clinic_minutes``.
    required
        (n,) bool: candidates that must be visited.
    estimated
        Whether the matrices come from the estimated network (labels every figure of the plan).
    availability
        Per candidate and day: clinic window and priority factor (market days); default every day, the
        whole working window, factor 1.
    day_windows
        (days, 2) working window (start, end minutes) per day; default ``params``' window every day.
    overnight_places
        (L,) bool: where a team may sleep; default every location ("stay") or the depot ("depot" mode).
    end_place
        Where the last day ends (a location index, or -1 for wherever the last stop is); default the depot
        when ``params.return_to_depot``, else -1.
    max_total_drive_minutes
        Limit on each team's driving over the whole tour (minutes); None = no limit.
    dates
        One calendar date per day, shown in the itinerary.
    resolution_minutes
        Minutes per integer unit in the solver (0.1 by default; benchmarks with finer data use less).

    Returns
    -------
    TourPlan

    Raises
    ------
    InputValidationError
        Malformed matrices or arrays, or a problem too large to plan at once.
    InfeasibleError
        A required township cannot be served at all, or not all required townships fit the days and teams;
        the message says what to relax.
    """
    pb = build_problem(
        minutes,
        km,
        scores,
        params,
        names=names,
        service_minutes=service_minutes,
        required=required,
        availability=availability,
        day_windows=day_windows,
        overnight_places=overnight_places,
        end_place=end_place,
        max_total_drive_minutes=max_total_drive_minutes,
        dates=dates,
        resolution_minutes=resolution_minutes,
    )
    reasons = servable(pb)
    _check_required(pb, reasons)
    active = reasons == ""
    value = values(pb, active)
    opts = visit_options(pb, value, active)
    nodes = len(opts) + int(pb.overnight.sum()) * (pb.days - 1) * params.teams
    if nodes > MAX_MODEL_NODES:
        msg = (
            f"{int(active.sum())} 个候选乡镇 × {pb.days} 天 × {params.teams} 队过大"
            f"（{nodes:,} 个模型节点 > {MAX_MODEL_NODES:,}）："
            "缩小范围、提高最低偏远程度、限制住宿地点或减少天数/队伍 / "
            f"{int(active.sum())} candidate townships × {pb.days} days × {params.teams} teams is too large "
            f"to plan at once ({nodes:,} model nodes > {MAX_MODEL_NODES:,}): narrow the scope (fewer "
            "prefectures or counties, a higher minimum remoteness), restrict the overnight places, or plan "
            "fewer days or teams"
        )
        raise InputValidationError(msg)
    clock = Deadline(params.time_limit_seconds)
    best, best_key, best_factor = None, None, 1.0
    starts = [(f, params.seed) for f in _factors(pb)]
    for j, (f, seed) in enumerate(starts):
        try:
            out = attempt(pb, opts, value, f, seed, clock, 2 * (len(starts) - j) + 1)
        except InfeasibleError:
            if j == 0:
                raise
            continue
        key = _score(pb, value, out)
        if best_key is None or key > best_key:
            best, best_key, best_factor = out, key, f
    assert best is not None
    best = polish(pb, opts, value, best, best_factor, params.seed, clock)
    return assemble(pb, best, reasons, population, estimated)
