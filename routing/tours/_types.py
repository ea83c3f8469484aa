"""Parameters and results of the mobile-hospital tour planner (plain dataclasses, no solver)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from geo._errors import InputValidationError

DAY = 1440.0

REASONS = {
    "unreachable": ("无道路可达", "no road connects it to the depot"),
    "clinic_too_long": ("义诊时长超过每日工作时段", "its clinic is longer than the working day"),
    "too_far_for_a_day": (
        "一天内无法从任何地点到达并开诊",
        "cannot be reached and served within one day from anywhere",
    ),
    "budget": (
        "天数/队伍不足，优先级低于已安排的乡镇",
        "not enough team-days; lower priority than those served",
    ),
    "drive_limit": ("超出每日驾驶时长上限（修复时移除）", "removed to respect the daily driving limit"),
}


def hhmm(minutes: float) -> str:
    """Format minutes since midnight as ``HH:MM`` (minutes ≥ 1440 wrap to the clock of that day)."""
    m = round(minutes) % 1440
    return f"{m // 60:02d}:{m % 60:02d}"


@dataclass(frozen=True)
class TourParams:
    """Tour budget and options (minutes since midnight for clock times; minutes for durations).

    Attributes
    ----------
    days : 1–14 touring days. teams : 1–10 teams, all from the same depot. day_start_minutes,
    day_end_minutes : working window, driving included (default 08:00–18:00). max_drive_minutes_per_day :
    driving budget per team-day (default 360 = 6 h); None = the window only. clinic_minutes : default clinic
    duration per stop (default 180 = 3 h). overnight : "stay" — sleep at the last place of the day (any
    candidate township); "depot" — return nightly. return_to_depot : whether the last day ends back at the
    depot. cover_minutes : covering tour: townships within this many minutes of a stop count as covered
    (None = off). seed, iterations : solver seed and iteration budget (deterministic).
    """
    days: int = 5
    teams: int = 1
    day_start_minutes: float = 480.0
    day_end_minutes: float = 1080.0
    max_drive_minutes_per_day: float | None = 360.0
    clinic_minutes: float = 180.0
    overnight: Literal["stay", "depot"] = "stay"
    return_to_depot: bool = True
    cover_minutes: float | None = None
    seed: int = 0
    iterations: int = 3000

    def __post_init__(self) -> None:
        if not isinstance(self.days, int | np.integer) or not 1 <= self.days <= 14:
            msg = f"days must be a whole number from 1 to 14, got {self.days!r}: plan 1 to 14 days"
            raise InputValidationError(msg)
        if not isinstance(self.teams, int | np.integer) or not 1 <= self.teams <= 10:
            msg = f"teams must be a whole number from 1 to 10, got {self.teams!r}"
            raise InputValidationError(msg)
        if not 0 <= self.day_start_minutes < self.day_end_minutes <= DAY:
            msg = (
                f"working window {hhmm(self.day_start_minutes)}–{hhmm(self.day_end_minutes)} is empty or "
                "crosses "
                "midnight: choose a start before the end within one day"
            )
            raise InputValidationError(msg)
        if self.clinic_minutes <= 0 or self.clinic_minutes > self.window_minutes:
            msg = (
                f"clinic duration {self.clinic_minutes:g} min does not fit the working window of "
                f"{self.window_minutes:g} min: shorten the clinic or widen the window"
            )
            raise InputValidationError(msg)
        if self.max_drive_minutes_per_day is not None and not self.max_drive_minutes_per_day > 0:
            msg = f"max_drive_minutes_per_day must be > 0, got {self.max_drive_minutes_per_day!r}"
            raise InputValidationError(msg)
        if self.overnight not in ("stay", "depot"):
            msg = f"overnight must be 'stay' or 'depot', got {self.overnight!r}"
            raise InputValidationError(msg)
        if self.cover_minutes is not None and not self.cover_minutes > 0:
            msg = f"cover_minutes must be > 0 (or None), got {self.cover_minutes!r}"
            raise InputValidationError(msg)
        if self.iterations < 1:
            raise InputValidationError(f"iterations must be >= 1, got {self.iterations!r}")

    @property
    def window_minutes(self) -> float:
        """Length of the working day (minutes)."""
        return self.day_end_minutes - self.day_start_minutes

    @property
    def drive_budget_minutes(self) -> float:
        """Driving possible in one day (minutes): the lower of the window and the driving limit."""
        lim = self.max_drive_minutes_per_day
        return self.window_minutes if lim is None else min(lim, self.window_minutes)


@dataclass(frozen=True)
class Stop:
    """One clinic stop: candidate index, name, clock times (minutes since midnight of its day), leg from
    previous."""
    index: int
    name: str
    arrival_minutes: float
    clinic_start_minutes: float
    departure_minutes: float
    drive_minutes: float
    km: float


@dataclass(frozen=True)
class DayPlan:
    """One team's day: where it starts, its stops in order, where it sleeps (or ends), driving totals.

    ``start_place``/``overnight_place`` are location indices (0 = depot, i+1 = candidate i); the end leg is
    the drive from the last stop to the overnight place (0 when the team sleeps at its last stop).
    """
    team: int
    day: int
    start_place: int
    stops: tuple[Stop, ...]
    overnight_place: int
    end_drive_minutes: float
    end_km: float
    end_minutes: float
    drive_minutes: float
    km: float
    start_minutes: float


@dataclass(frozen=True)
class LeftOut:
    """A candidate township not visited, with a reason code (keys of ``REASONS``)."""
    index: int
    name: str
    reason: str


@dataclass(frozen=True)
class TourPlan:
    """A multi-day plan for all teams, with what was left out and the totals.

    Every time and km comes from the network the matrices came from: when ``estimated`` is True they are
    estimates (straight line × circuity at assumed speeds) and must be shown as 估算/estimated.
    """
    days: tuple[DayPlan, ...]
    left_out: tuple[LeftOut, ...]
    names: tuple[str, ...]
    scores: np.ndarray
    population: np.ndarray
    covered: np.ndarray
    params: TourParams
    estimated: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def served(self) -> list[int]:
        """Candidate indices visited, in plan order."""
        return [s.index for d in self.days for s in d.stops]

    @property
    def totals(self) -> dict[str, float]:
        """Key figures: townships served/covered, estimated population served/covered, drive hours, km,
        priority."""
        served = self.served
        pop = np.nan_to_num(self.population, nan=0.0)
        return {
            "townships_served": len(served),
            "townships_covered": int(self.covered.sum()),
            "candidates": len(self.scores),
            "population_served_est": float(pop[served].sum()) if served else 0.0,
            "population_covered_est": float(pop[self.covered].sum()),
            "drive_hours": sum(d.drive_minutes for d in self.days) / 60.0,
            "km": sum(d.km for d in self.days),
            "priority_collected": float(self.scores[served].sum()) if served else 0.0,
            "priority_total": float(self.scores.sum()),
        }
