"""Integer solver instances of the tour problem (PyVRP through ``_solver``), and decoding their routes.

Timeline: day ``k`` spans ``k·span + [day_start[k], model_end[k]]`` in solver units (``resolution`` minutes
each), where ``model_end`` is the day end on the lunch-free model clock.

*Visit options.* Each candidate becomes one solver client per run of consecutive days with the same
window and priority factor (one client for "any day" when nothing differs between days; one per day when
its opening hours differ from the working day or the priority changes on market days). The options of a
candidate form a mutually exclusive group: visited at most once (exactly once when required).

*Phase 1* (the whole tour at once). Each team is one vehicle for the whole tour. A night is a *sleep node*:
an optional client at an allowed overnight place whose time window is exactly the end of day k and whose
service time is the night, so leaving it puts the team on the road at the start of day k+1 at that place.
Per night and team one required group of sleep nodes; T groups and T vehicles force every team to sleep
once per night. The daily driving limit cannot be expressed there: legs longer than it are removed, and
``factor`` > 1 scales drive legs so that the limit becomes implied (a safe inner approximation).

*Phase 2* (overnight places fixed). Every team-day is its own vehicle from where it woke to where it sleeps,
within its day, with the driving limit exact (PyVRP's per-route ``max_distance`` on drive units).

Objective: drive units plus the prizes of the options not visited; a prize is ``value × factor`` in units of
``prize_unit`` drive minutes per unit of priority, so priority comes first and driving second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from routing.tours._problem import TourProblem
from routing.tours._schedule import DaySpec
from routing.tours._solver import VehicleSpec, VrptwInstance, VrptwSolution

__all__ = [
    "BIG",
    "Options",
    "phase1_instance",
    "phase2_instance",
    "prize_unit",
    "routes_to_days",
    "visit_options",
]

BIG = 10**9  # "no edge" in the integer matrices (PyVRP avoids it), at least 10 × the tour horizon


def prize_unit(pb: TourProblem) -> float:
    """Drive minutes one unit of priority is worth: more than all the driving a plan can hold (at least
    10,000), so priority always comes first and driving second."""
    total = pb.params.teams * float((pb.day_end - pb.day_start).sum())
    return max(10_000.0, 2.0 * total)


@dataclass(frozen=True)
class Options:
    """Solver clients standing for the candidates' visits: per option its candidate, first and last day,
    window (earliest and latest clinic start, absolute solver units) and prize (units)."""

    cand: np.ndarray
    day_from: np.ndarray
    day_to: np.ndarray
    early: np.ndarray
    late: np.ndarray
    prize: np.ndarray

    def __len__(self) -> int:
        return len(self.cand)

    def lookup(self, cand: int, day: int) -> int:
        """The option of ``cand`` that covers ``day`` (-1 when none)."""
        hit = np.flatnonzero((self.cand == cand) & (self.day_from <= day) & (self.day_to >= day))
        return int(hit[0]) if hit.size else -1


def _units(pb: TourProblem, minutes: float, how: str) -> int:
    x = minutes / pb.resolution
    return int(math.ceil(x - 1e-9) if how == "ceil" else math.floor(x + 1e-9))


def visit_options(pb: TourProblem, value: np.ndarray, active: np.ndarray) -> Options:
    """The solver clients of every active candidate (see the module docstring); ``value`` (n,) is the prize
    of each candidate in priority units before the day factor."""
    unit = prize_unit(pb) / pb.resolution
    span = pb.span
    rows: list[tuple[int, int, int, int, int, int]] = []
    for i in np.flatnonzero(active):
        runs: list[list[int]] = []  # [day_from, day_to, early, late, prize, full_to_end]
        for k in range(pb.days):
            o, c, f = pb.avail.open_minutes[i, k], pb.avail.close_minutes[i, k], pb.avail.factor[i, k]
            if not (np.isfinite(o) and np.isfinite(c)) or f <= 0:
                continue
            mo, mc = float(pb.model_clock(k, o)), float(pb.model_clock(k, c))
            if mc - mo < pb.service[i] - 1e-9:
                continue
            off = k * span
            early = _units(pb, off + mo, "ceil")
            late = _units(pb, off + mc - pb.service[i], "floor")
            prize = round(float(value[i]) * float(f) * unit)
            from_start = abs(o - pb.day_start[k]) < 1e-9
            to_end = abs(c - pb.day_end[k]) < 1e-9
            last = runs[-1] if runs else None
            if last is not None and last[1] == k - 1 and last[5] and from_start and last[4] == prize:
                last[1], last[3], last[5] = k, late, int(to_end)
            else:
                runs.append([k, k, early, late, prize, int(to_end)])
        rows += [(int(i), r[0], r[1], r[2], r[3], r[4]) for r in runs]
    arr = np.array(rows, dtype=np.int64).reshape(-1, 6)
    return Options(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4], arr[:, 5])


def _big(pb: TourProblem) -> int:
    """The "no edge" value: :data:`BIG`, or 10 × the horizon in units when that is larger."""
    return max(BIG, 10 * _end_units(pb, pb.days - 1))


def _durations(pb: TourProblem, factor: float) -> np.ndarray:
    """(L+1, L+1) integer drive units (legs over the daily driving budget removed), with an extra location
    L, "anywhere", at zero distance from everything (the open end)."""
    lim = min(pb.drive_limit, float((pb.day_end - pb.day_start).max()))
    m = np.where(np.isfinite(pb.minutes) & (pb.minutes <= lim + 1e-9), pb.minutes, np.inf)
    big = _big(pb)
    scaled = np.where(np.isfinite(m), np.ceil(m / pb.resolution * factor - 1e-9), big)
    n_loc = pb.n_loc
    dur = np.zeros((n_loc + 1, n_loc + 1), dtype=np.int64)
    dur[:n_loc, :n_loc] = np.minimum(scaled, big).astype(np.int64)
    np.fill_diagonal(dur, 0)
    return dur


def _groups(pb: TourProblem, opts: Options) -> tuple[list[int], list[bool]]:
    """Group index per option (-1 = none) and whether each group is required."""
    group = [-1] * len(opts)
    required: list[bool] = []
    for i in np.unique(opts.cand):
        members = np.flatnonzero(opts.cand == i)
        if len(members) > 1:
            for j in members:
                group[int(j)] = len(required)
            required.append(bool(pb.required[i]))
    return group, required


def _end_units(pb: TourProblem, k: int) -> int:
    return _units(pb, k * pb.span + float(pb.model_clock(k, pb.day_end[k])), "floor")


def phase1_instance(pb: TourProblem, opts: Options, factor: float) -> tuple[VrptwInstance, list[int]]:
    """The whole-tour instance (module docstring) and the location of every client (options, then sleep
    nodes)."""
    dur = _durations(pb, factor)
    n_loc, teams, days = pb.n_loc, pb.params.teams, pb.days
    start = _units(pb, float(pb.day_start[0]), "ceil")
    horizon = _end_units(pb, days - 1)
    group, group_req = _groups(pb, opts)
    loc = [int(c) + 1 for c in opts.cand]
    service = [_units(pb, float(pb.service[c]), "ceil") for c in opts.cand]
    early, late = list(map(int, opts.early)), list(map(int, opts.late))
    prize, req = (
        list(map(int, opts.prize)),
        [bool(pb.required[c]) and group[j] < 0 for j, c in enumerate(opts.cand)],
    )
    places = [int(x) for x in np.flatnonzero(pb.overnight)]
    for k in range(days - 1):
        at = _end_units(pb, k)
        night = _units(pb, (k + 1) * pb.span + float(pb.day_start[k + 1]), "ceil") - at
        for _team in range(teams):
            g = len(group_req)
            group_req.append(True)
            for place in places:
                loc.append(place)
                service.append(night)
                early.append(at)
                late.append(at)
                prize.append(0)
                req.append(False)
                group.append(g)
    depots = [0]
    end = pb.end_place if pb.end_place >= 0 else n_loc
    if end != 0:
        depots.append(end)
    max_dist = (
        _big(pb) * 10 if pb.max_total_drive is None else _units(pb, pb.max_total_drive * factor, "floor")
    )
    inst = VrptwInstance(
        distance=dur,
        duration=dur,
        depot_location=tuple(depots),
        depot_tw_early=tuple(0 for _ in depots),
        depot_tw_late=tuple(horizon for _ in depots),
        client_location=np.array(loc, dtype=np.int64),
        service=np.array(service, dtype=np.int64),
        tw_early=np.array(early, dtype=np.int64),
        tw_late=np.array(late, dtype=np.int64),
        prize=np.array(prize, dtype=np.int64),
        required=np.array(req, dtype=bool),
        group=np.array(group, dtype=np.int64),
        group_required=tuple(group_req),
        vehicles=(
            VehicleSpec(
                count=teams,
                start_depot=0,
                end_depot=len(depots) - 1,
                tw_early=start,
                tw_late=horizon,
                max_distance=max_dist,
            ),
        ),
    )
    return inst, loc


def routes_to_days(pb: TourProblem, opts: Options, loc: list[int], sol: VrptwSolution) -> list[DaySpec]:
    """Split each phase-1 route into days at its sleep nodes; teams numbered by their first stop, with an
    idle team (no route) staying at the depot. Every day ends at its sleep place; the last at the tour's
    end place (-1 = open)."""
    n_opt, days = len(opts), pb.days
    tours: list[list[tuple[list[int], int]]] = []
    for _vt, visits in sol.routes:
        cur: list[int] = []
        team: list[tuple[list[int], int]] = []
        for v in visits:
            if v < n_opt:
                cur.append(int(opts.cand[v]))
            else:
                team.append((cur, loc[v]))
                cur = []
        team.append((cur, pb.end_place))
        tours.append(team)
    while len(tours) < pb.params.teams:
        idle: list[tuple[list[int], int]] = [([], 0) for _ in range(days - 1)]
        tours.append([*idle, ([], pb.end_place)])
    tours.sort(key=lambda td: [i for d in td for i in d[0]] or [pb.n_loc])
    specs: list[DaySpec] = []
    for t, team in enumerate(tours, start=1):
        place = 0
        for k, (stops, sleep) in enumerate(team):
            specs.append(DaySpec(t, k, place, list(stops), sleep))
            place = sleep if sleep >= 0 else place
    return specs


def phase2_instance(pb: TourProblem, opts: Options, specs: list[DaySpec]) -> VrptwInstance:
    """Every team-day its own vehicle, overnight places fixed (module docstring)."""
    dur = _durations(pb, 1.0)
    open_end = pb.n_loc
    places = sorted({sp.start for sp in specs} | {sp.end if sp.end >= 0 else open_end for sp in specs})
    dep = {p: j for j, p in enumerate(places)}
    limit = pb.drive_limit
    max_dist = _big(pb) * 10 if not math.isfinite(limit) else _units(pb, limit, "floor")
    horizon = _end_units(pb, pb.days - 1)
    vehicles = tuple(
        VehicleSpec(
            count=1,
            start_depot=dep[sp.start],
            end_depot=dep[sp.end if sp.end >= 0 else open_end],
            tw_early=_units(pb, sp.day * pb.span + float(pb.day_start[sp.day]), "ceil"),
            tw_late=_end_units(pb, sp.day),
            max_distance=max_dist,
        )
        for sp in specs
    )
    group, group_req = _groups(pb, opts)
    return VrptwInstance(
        distance=dur,
        duration=dur,
        depot_location=tuple(places),
        depot_tw_early=tuple(0 for _ in places),
        depot_tw_late=tuple(horizon for _ in places),
        client_location=opts.cand.astype(np.int64) + 1,
        service=np.array([_units(pb, float(pb.service[c]), "ceil") for c in opts.cand], dtype=np.int64),
        tw_early=opts.early.astype(np.int64),
        tw_late=opts.late.astype(np.int64),
        prize=opts.prize.astype(np.int64),
        required=np.array([bool(pb.required[c]) and group[j] < 0 for j, c in enumerate(opts.cand)], bool),
        group=np.array(group, dtype=np.int64),
        group_required=tuple(group_req),
        vehicles=vehicles,
    )


def warm_start(opts: Options, specs: list[DaySpec]) -> list[tuple[int, list[int]]]:
    """Phase-2 initial routes from day specs (vehicle type = index of the spec)."""
    out = []
    for si, sp in enumerate(specs):
        visits = [opts.lookup(i, sp.day) for i in sp.stops]
        out.append((si, [v for v in visits if v >= 0]))
    return out
