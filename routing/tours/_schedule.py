"""The exact schedule of a team-day on the real clock, and the greedy steps that use it (repair, fill).

The solver works on integer, lunch-free model clocks; everything a planner sees is recomputed here in float
minutes: drive legs from the matrices, waiting for a township's opening, clinics, and the lunch break
(rule in :mod:`routing.tours._problem`). A day *violates* its limits by the largest of: minutes past the end
of the working day, minutes of driving over the daily limit, minutes a clinic runs past its closing time
(or ``inf`` for a township visited on a day it is not available).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from routing.tours._problem import TourProblem
from routing.tours._types import DayPlan, Lunch, Stop

__all__ = ["EPS", "DaySpec", "build_day", "fill_unserved", "repair_day", "violation"]

EPS = 1e-6


@dataclass
class DaySpec:
    """One team-day to schedule: team (1-based), day (0-based), start location, the candidates visited in
    order, and the end location (-1: wherever the last stop is — an open end on the last day)."""

    team: int
    day: int
    start: int
    stops: list[int] = field(default_factory=list)
    end: int = -1

    def end_location(self) -> int:
        """The location where the day ends."""
        if self.end >= 0:
            return self.end
        return self.stops[-1] + 1 if self.stops else self.start


@dataclass
class _Clock:
    """Simulation state of one day: clock, lunch (pending at ``at`` minutes), the lunch taken."""

    t: float
    at: float | None
    length: float
    lunch: Lunch | None = None

    def at_place(self, after: int, place: int) -> None:
        """Take lunch at location ``place`` if it is due (the team is there, between activities)."""
        if self.at is not None and self.lunch is None and self.at <= self.t + EPS:
            self.lunch = Lunch(self.t, self.t + self.length, "place", after, place)
            self.t += self.length

    def crosses(self, duration: float) -> bool:
        """Whether lunch falls strictly inside an activity of ``duration`` starting now."""
        return self.at is not None and self.lunch is None and self.t + EPS < self.at < self.t + duration - EPS

    def activity(self, duration: float, where: Literal["clinic", "road"], after: int, place: int) -> float:
        """Run an activity (a drive, or a clinic at ``place``), pausing it for lunch when lunch falls inside;
        returns the minutes of lunch inside it."""
        if self.crosses(duration) and self.at is not None:
            self.lunch = Lunch(
                self.at, self.at + self.length, where, after, place if where == "clinic" else -1
            )
            self.t += duration + self.length
            return self.length
        self.t += duration
        return 0.0


def _simulate(pb: TourProblem, spec: DaySpec, lunch_at: float | None) -> tuple[DayPlan, float]:
    """Schedule ``spec`` with lunch due at ``lunch_at`` (None: no lunch); return the day and the minutes its
    clinics run past their closing time (``inf`` when a township is not available that day)."""
    k = spec.day
    clock = _Clock(float(pb.day_start[k]), lunch_at, float(pb.params.lunch_minutes))
    prev = spec.start
    stops: list[Stop] = []
    drive = dist = late = 0.0
    for j, i in enumerate(spec.stops):
        clock.at_place(j, prev)
        leg, leg_km = float(pb.minutes[prev, i + 1]), float(pb.km[prev, i + 1])
        clock.activity(leg, "road", j, -1)
        arrival = clock.t
        clock.at_place(j, i + 1)
        opens, closes = float(pb.avail.open_minutes[i, k]), float(pb.avail.close_minutes[i, k])
        if not (math.isfinite(opens) and math.isfinite(closes)) or pb.avail.factor[i, k] <= 0:
            late = math.inf
            opens = closes = clock.t
        if clock.at is not None and clock.lunch is None and clock.t + EPS < clock.at < opens - EPS:
            clock.lunch = Lunch(clock.at, clock.at + clock.length, "place", j, i + 1)
            clock.t = max(opens, clock.at + clock.length)
        clock.t = max(clock.t, opens)
        begin = clock.t
        inside = clock.activity(float(pb.service[i]), "clinic", j + 1, i + 1)
        late = max(late, clock.t - closes)
        stops.append(
            Stop(
                i, pb.names[i + 1], arrival, begin, clock.t, leg, leg_km, inside, bool(pb.avail.market[i, k])
            )
        )
        drive += leg
        dist += leg_km
        prev = i + 1
    end = spec.end_location()
    clock.at_place(len(spec.stops), prev)
    end_leg, end_km = float(pb.minutes[prev, end]), float(pb.km[prev, end])
    clock.activity(end_leg, "road", len(spec.stops), -1)
    day = DayPlan(
        team=spec.team,
        day=k + 1,
        start_place=spec.start,
        stops=tuple(stops),
        overnight_place=end,
        end_drive_minutes=end_leg,
        end_km=end_km,
        end_minutes=clock.t,
        drive_minutes=drive + end_leg,
        km=dist + end_km,
        start_minutes=float(pb.day_start[k]),
        date=pb.dates[k] if pb.dates is not None else None,
        lunch=clock.lunch,
    )
    return day, late


def _day_violation(pb: TourProblem, day: DayPlan, late: float) -> float:
    k = day.day - 1
    return max(day.end_minutes - float(pb.day_end[k]), day.drive_minutes - pb.drive_limit, late, 0.0)


def _natural_breaks(day: DayPlan, earliest: float, latest: float) -> list[float]:
    """Times in [earliest, latest] at which the lunch-free schedule has the team at a place."""
    times = [t for s in day.stops for t in (s.arrival_minutes, s.departure_minutes)]
    return sorted(t for t in times if earliest - EPS <= t <= latest + EPS)


def build_day(pb: TourProblem, spec: DaySpec) -> tuple[DayPlan, float]:
    """The exact schedule of ``spec`` and its violation (0 when it keeps every limit; see module docstring).

    Lunch goes at the first natural break in the lunch window (arriving somewhere, a clinic ending), else at
    the latest start, pausing whatever runs then; when the early lunch breaks a limit, the latest start is
    tried too and the better of the two kept.
    """
    if not pb.has_lunch(spec.day):
        day, late = _simulate(pb, spec, None)
        return day, _day_violation(pb, day, late)
    p = pb.params
    cut = p.lunch_latest_minutes - p.lunch_minutes
    plain, plain_late = _simulate(pb, spec, None)
    if plain.end_minutes <= p.lunch_earliest_minutes + EPS:  # the day is over before lunch time
        return plain, _day_violation(pb, plain, plain_late)
    breaks = _natural_breaks(plain, p.lunch_earliest_minutes, cut)
    day, late = _simulate(pb, spec, breaks[0] if breaks else cut)
    bad = _day_violation(pb, day, late)
    if bad > EPS and breaks:
        day2, late2 = _simulate(pb, spec, cut)
        bad2 = _day_violation(pb, day2, late2)
        if bad2 < bad:
            return day2, bad2
    return day, bad


def violation(pb: TourProblem, spec: DaySpec) -> float:
    """Minutes by which ``spec`` breaks its day's limits (0 when feasible)."""
    return build_day(pb, spec)[1]


def repair_day(pb: TourProblem, spec: DaySpec, value: np.ndarray) -> tuple[DaySpec, list[int]]:
    """Drop stops from an over-long day until it keeps its limits, each time the optional stop that removes
    the most violation per unit of ``value`` (n,) lost. Returns the repaired day and the dropped stops."""
    dropped: list[int] = []
    bad = violation(pb, spec)
    while bad > EPS and spec.stops:
        best, best_key = None, math.inf
        for j, i in enumerate(spec.stops):
            if pb.required[i]:
                continue
            trial = DaySpec(spec.team, spec.day, spec.start, spec.stops[:j] + spec.stops[j + 1 :], spec.end)
            gain = bad - violation(pb, trial)
            key = float(value[i]) / max(gain, 1e-9)
            if key < best_key:
                best, best_key = j, key
        if best is None:
            break
        dropped.append(spec.stops.pop(best))
        bad = violation(pb, spec)
    return spec, dropped


def fill_unserved(pb: TourProblem, specs: list[DaySpec], value: np.ndarray, candidates: np.ndarray) -> None:
    """Insert unserved ``candidates`` (highest ``value`` × day factor first) where a day still has room,
    each at its cheapest feasible position (least extra driving), in place; respects a tour drive limit."""
    served = {i for sp in specs for i in sp.stops}
    base = {id(sp): build_day(pb, sp) for sp in specs}
    team_drive: dict[int, float] = {}
    for sp in specs:
        team_drive[sp.team] = team_drive.get(sp.team, 0.0) + base[id(sp)][0].drive_minutes
    order = sorted((int(i) for i in candidates if int(i) not in served), key=lambda i: (-value[i], i))
    for i in order:
        best: tuple[float, float, int, list[int]] | None = None
        for si, sp in enumerate(specs):
            day0, bad0 = base[id(sp)]
            if bad0 > EPS or pb.avail.factor[i, sp.day] <= 0:
                continue
            for pos in range(len(sp.stops) + 1):
                trial = DaySpec(sp.team, sp.day, sp.start, [*sp.stops[:pos], i, *sp.stops[pos:]], sp.end)
                day, bad = build_day(pb, trial)
                extra = day.drive_minutes - day0.drive_minutes
                if bad > EPS:
                    continue
                if pb.max_total_drive is not None and team_drive[sp.team] + extra > pb.max_total_drive + EPS:
                    continue
                key = (-float(pb.avail.factor[i, sp.day]), extra)
                if best is None or key < (best[0], best[1]):
                    best = (key[0], key[1], si, trial.stops)
        if best is not None:
            sp = specs[best[2]]
            sp.stops = best[3]
            team_drive[sp.team] += best[1]
            base[id(sp)] = build_day(pb, sp)
            served.add(i)
