"""Parameters and results of the mobile-hospital tour planner (plain dataclasses, no solver).

Every parameter checks itself on construction and says, in Chinese and English, which parameter is wrong
and what range is allowed (:class:`geo._errors.InputValidationError`).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import geopandas as gpd
import numpy as np

from geo._errors import InputValidationError, XunzhenError
from routing.tours._labels import REASONS

__all__ = [
    "DAY",
    "MAX_SEED",
    "REASONS",
    "Availability",
    "DayPlan",
    "FujianTour",
    "LeftOut",
    "Lunch",
    "Stop",
    "TourLike",
    "TourParams",
    "TourPlan",
    "as_plan",
    "bilingual_error",
    "hhmm",
    "iteration_budget",
    "parse_clock",
]

DAY = 1440.0
#: Largest solver seed (PyVRP takes a 32-bit seed).
MAX_SEED = 2**31 - 1
MAX_ITERATIONS = 1_000_000
#: The default iteration budget per solve: this much work (iterations × candidate townships), within
#: ``DEFAULT_ITERATIONS`` (large problems: each iteration costs more) and ``2 × DEFAULT_ITERATIONS`` (a
#: prefecture's ~115 candidates get ~6,000: measured on the 龙岩 and 南平 5-day examples, 3,000 left 南平 3 %
#: below the priority a 6,000 budget reaches).
DEFAULT_ITERATIONS = 3000
ITERATION_WORK = 720_000
MAX_TIME_LIMIT_SECONDS = 3600.0


def hhmm(minutes: float) -> str:
    """Format minutes since midnight as ``HH:MM`` (minutes ≥ 1440 wrap to the clock of that day)."""
    m = round(minutes) % 1440
    return f"{m // 60:02d}:{m % 60:02d}"


E = TypeVar("E", bound=XunzhenError)


def bilingual_error(cls: type[E], *, zh: str, en: str) -> E:
    """An error whose text is ``"中文 / English"`` (the command line prints both) and whose ``zh`` attribute
    is the Chinese part alone (the app shows it to a planner working in Chinese)."""
    err = cls(f"{zh} / {en}")
    err.zh = zh  # type: ignore[attr-defined]
    return err


def _bad(zh: str, en: str) -> InputValidationError:
    return bilingual_error(InputValidationError, zh=zh, en=en)


def parse_clock(text: str, where: str = "") -> float:
    """``"08:00"`` → 480.0 (minutes since midnight); ``where`` names the field in messages.

    Raises
    ------
    InputValidationError
        If the text is not ``HH:MM`` with 0 ≤ HH ≤ 24 and 0 ≤ MM < 60 (at most 24:00).
    """
    try:
        hh, mm = str(text).strip().replace("：", ":").split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        h = m = -1
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 1440:
        at_zh, at_en = (f"{where}：", f"{where}: ") if where else ("", "")
        raise _bad(
            f"{at_zh}时间 {text!r} 应为 HH:MM（如 08:00）",
            f"{at_en}clock time {text!r} is not HH:MM (e.g. 08:00)",
        )
    return float(h * 60 + m)


def _check_number(name: str, label_zh: str, value: object, low: float, high: float, unit: str = "") -> None:
    """``value`` must be a finite real number in [low, high] (NaN, inf, text and bools are refused)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))
    if not ok or not low <= float(value) <= high:  # type: ignore[arg-type]
        rng = f"{low:g}–{high:g}{unit}"
        raise _bad(
            f"{label_zh}（{name}）须在 {rng} 之间，收到 {value!r}", f"{name} must be in {rng}, got {value!r}"
        )


def _check_int(name: str, label_zh: str, value: object, low: int, high: int) -> None:
    """``value`` must be a whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= int(value) <= high:
        raise _bad(
            f"{label_zh}（{name}）须为 {low}–{high} 的整数，收到 {value!r}",
            f"{name} must be a whole number from {low} to {high}, got {value!r}",
        )


@dataclass(frozen=True)
class TourParams:
    """Tour budget and options (minutes since midnight for clock times; minutes for durations).

    Attributes
    ----------
    days : 1–14 touring days. teams : 1–10 teams, all from the same depot. day_start_minutes,
    day_end_minutes : working window, driving included (default 08:00–18:00). max_drive_minutes_per_day :
    driving budget per team-day, 0 < x ≤ 1440 (default 360 = 6 h); None = the window only.
    clinic_minutes : default clinic duration per stop, 0 < x ≤ the window (default 180 = 3 h).
    overnight : "stay" — sleep at an allowed overnight place at the end of each day; "depot" — return
    nightly. return_to_depot : whether the last day ends back at the depot. cover_minutes : covering tour:
    townships within this many minutes of a stop count as covered (None = off). lunch_minutes,
    lunch_earliest_minutes, lunch_latest_minutes : a lunch break of this length (0 = none) taken inside
    the lunch window (default 60 min within 11:30–13:30); no clinic and no driving runs through it.
    market_day_factor : a township's priority is multiplied by this on its market day (1–10, default 1.5).
    seed, iterations : solver seed (0 … 2³¹−1) and iteration budget per solve (1 … 1,000,000;
    deterministic; None = scaled to the problem, :func:`iteration_budget`). time_limit_seconds : wall-clock
    limit of the whole plan (1–3600 s; a safety net: with the default budgets plans finish well within it).
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
    lunch_minutes: float = 60.0
    lunch_earliest_minutes: float = 690.0
    lunch_latest_minutes: float = 810.0
    market_day_factor: float = 1.5
    seed: int = 0
    iterations: int | None = None
    time_limit_seconds: float = 120.0

    def __post_init__(self) -> None:
        _check_int("days", "巡诊天数", self.days, 1, 14)
        _check_int("teams", "队伍数", self.teams, 1, 10)
        _check_number("day_start_minutes", "每日开始", self.day_start_minutes, 0, DAY, " min")
        _check_number("day_end_minutes", "每日结束", self.day_end_minutes, 0, DAY, " min")
        if not self.day_start_minutes < self.day_end_minutes:
            w = f"{hhmm(self.day_start_minutes)}–{hhmm(self.day_end_minutes)}"
            raise _bad(
                f"每日工作时段 {w} 为空或跨越午夜：开始时间须早于结束时间",
                f"working window {w} is empty or crosses midnight: choose a start before the end within one "
                "day",
            )
        self._check_clinic()
        if self.max_drive_minutes_per_day is not None:
            _check_number(
                "max_drive_minutes_per_day", "每日最长驾驶", self.max_drive_minutes_per_day, 1, DAY, " min"
            )
        if self.overnight not in ("stay", "depot"):
            raise _bad(
                f"住宿方式须为 stay 或 depot，收到 {self.overnight!r}",
                f"overnight must be 'stay' or 'depot', got {self.overnight!r}",
            )
        if self.cover_minutes is not None:
            _check_number("cover_minutes", "覆盖半径（分钟）", self.cover_minutes, 1, 600, " min")
        self._check_lunch()
        _check_number("market_day_factor", "圩日优先级倍数", self.market_day_factor, 1, 10)
        _check_int("seed", "随机种子", self.seed, 0, MAX_SEED)
        if self.iterations is not None:
            _check_int("iterations", "迭代次数", self.iterations, 1, MAX_ITERATIONS)
        _check_number(
            "time_limit_seconds", "求解时限（秒）", self.time_limit_seconds, 1, MAX_TIME_LIMIT_SECONDS, " s"
        )

    def _check_clinic(self) -> None:
        c = self.clinic_minutes
        ok = isinstance(c, numbers.Real) and not isinstance(c, bool) and math.isfinite(float(c)) and c > 0
        if not ok:
            raise _bad(
                f"每站义诊时长须为正数（小时），收到 {c!r} 分钟",
                f"clinic hours per stop must be a positive number, got {c!r} minutes",
            )
        if c > self.window_minutes:
            raise _bad(
                f"每站义诊 {c / 60:g} 小时超过每日工作时段 {self.window_minutes / 60:g} 小时："
                "缩短义诊或放宽时段",
                f"clinic of {c / 60:g} h does not fit the working day of {self.window_minutes / 60:g} h: "
                "shorten the clinic or widen the window",
            )

    def _check_lunch(self) -> None:
        _check_number("lunch_minutes", "午餐时长", self.lunch_minutes, 0, 180, " min")
        if not self.lunch_minutes:
            return
        _check_number("lunch_earliest_minutes", "午餐最早开始", self.lunch_earliest_minutes, 0, DAY, " min")
        _check_number("lunch_latest_minutes", "午餐最晚结束", self.lunch_latest_minutes, 0, DAY, " min")
        a, b = self.lunch_earliest_minutes, self.lunch_latest_minutes
        w = f"{hhmm(a)}–{hhmm(b)}"
        if not (self.day_start_minutes <= a and b <= self.day_end_minutes):
            day = f"{hhmm(self.day_start_minutes)}–{hhmm(self.day_end_minutes)}"
            raise _bad(
                f"午餐时段 {w} 不在每日工作时段 {day} 之内",
                f"lunch window {w} lies outside the working day {day}",
            )
        if b - a < self.lunch_minutes:
            raise _bad(
                f"午餐时段 {w} 短于午餐时长 {self.lunch_minutes:g} 分钟",
                f"lunch window {w} is shorter than the lunch break of {self.lunch_minutes:g} min",
            )
        if self.clinic_minutes > self.window_minutes - self.lunch_minutes:
            raise _bad(
                f"每站义诊 {self.clinic_minutes / 60:g} 小时加午餐超过每日工作时段：缩短义诊或放宽时段",
                f"clinic of {self.clinic_minutes / 60:g} h plus lunch does not fit the working day: shorten "
                "the clinic or widen the window",
            )

    @property
    def window_minutes(self) -> float:
        """Length of the working day (minutes)."""
        return float(self.day_end_minutes - self.day_start_minutes)

    @property
    def drive_budget_minutes(self) -> float:
        """Driving possible in one day (minutes): the lower of the window and the driving limit."""
        lim = self.max_drive_minutes_per_day
        return self.window_minutes if lim is None else min(lim, self.window_minutes)


@dataclass(frozen=True)
class Availability:
    """When each candidate township may be visited, per tour day (arrays of shape (n, days)).

    ``open_minutes``/``close_minutes``: the clinic must start at or after ``open`` and end by ``close``
    (minutes since midnight of that day); NaN = not available that day. ``factor``: the township's priority
    on that day is multiplied by it (e.g. 1.5 on its market day); 0 = not that day. ``market``: True where
    the day is one of the township's market days (shown in the itinerary).
    """

    open_minutes: np.ndarray
    close_minutes: np.ndarray
    factor: np.ndarray
    market: np.ndarray

    @classmethod
    def every_day(cls, n: int, days: int, open_minutes: float, close_minutes: float) -> Availability:
        """Every candidate available on every day within the same window, priority unchanged."""
        return cls(
            np.full((n, days), float(open_minutes)),
            np.full((n, days), float(close_minutes)),
            np.ones((n, days)),
            np.zeros((n, days), bool),
        )

    def available(self) -> np.ndarray:
        """(n, days) bool: the township can be visited that day."""
        return np.isfinite(self.open_minutes) & np.isfinite(self.close_minutes) & (self.factor > 0)


@dataclass(frozen=True)
class Stop:
    """One clinic stop: candidate index, name, clock times (minutes since midnight of its day), leg from the
    previous place (drive minutes, km), the lunch pause inside the clinic (minutes, 0 when none), and
    whether the day is the township's market day."""

    index: int
    name: str
    arrival_minutes: float
    clinic_start_minutes: float
    departure_minutes: float
    drive_minutes: float
    km: float
    lunch_inside_minutes: float = 0.0
    market_day: bool = False


@dataclass(frozen=True)
class Lunch:
    """The lunch break of a team-day: clock times; where: ``"clinic"`` (the clinic at ``place`` pauses),
    ``"place"`` (at ``place``, between activities) or ``"road"`` (a stop on the way; ``place`` is -1);
    ``after`` counts the itinerary's clinic rows that come before the lunch row."""

    start_minutes: float
    end_minutes: float
    where: Literal["clinic", "place", "road"]
    after: int
    place: int = -1


@dataclass(frozen=True)
class DayPlan:
    """One team's day: where it starts, its stops in order, where it sleeps (or ends), driving totals.

    ``start_place``/``overnight_place`` are location indices (0 = depot, i+1 = candidate i, then any extra
    overnight places); the end leg is the drive from the last stop to the overnight place (0 when the team
    sleeps at its last stop). ``date`` is the calendar date when the tour is dated; ``lunch`` the lunch
    break (None when the day has none).
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
    date: dt.date | None = None
    lunch: Lunch | None = None


@dataclass(frozen=True)
class LeftOut:
    """A candidate township not visited, with a reason code (keys of ``REASONS``)."""

    index: int
    name: str
    reason: str


@dataclass(frozen=True)
class TourPlan:
    """A multi-day plan for all teams, with what was left out and the totals.

    ``names`` has one entry per location (depot, the n candidates, then extra overnight places).
    ``priority_factor`` (n,) is the factor of the day each served township is visited (1 when not served);
    ``overnight_places`` (L,) the allowed overnight places.
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
    dates: tuple[dt.date, ...] | None = None
    priority_factor: np.ndarray | None = None
    overnight_places: np.ndarray | None = None

    @property
    def served(self) -> list[int]:
        """Candidate indices visited, in plan order."""
        return [s.index for d in self.days for s in d.stops]

    @property
    def totals(self) -> dict[str, float]:
        """Key figures: townships served/covered, estimated population served/covered, drive hours, km,
        priority (base scores), priority weighted by market days, market-day visits."""
        served = self.served
        pop = np.nan_to_num(self.population, nan=0.0)
        factor = self.priority_factor if self.priority_factor is not None else np.ones(len(self.scores))
        return {
            "townships_served": len(served),
            "townships_covered": int(self.covered.sum()),
            "candidates": len(self.scores),
            "population_served_est": float(pop[served].sum()) if served else 0.0,
            "population_covered_est": float(pop[self.covered].sum()),
            "drive_hours": sum(d.drive_minutes for d in self.days) / 60.0,
            "km": sum(d.km for d in self.days),
            "priority_collected": float(self.scores[served].sum()) if served else 0.0,
            "priority_weighted": float((self.scores * factor)[served].sum()) if served else 0.0,
            "priority_total": float(self.scores.sum()),
            "market_day_visits": sum(s.market_day for d in self.days for s in d.stops),
        }


@dataclass(frozen=True, eq=False)
class FujianTour:
    """A tour plan on Fujian's places: the core :class:`TourPlan` plus where everything is.

    ``candidates`` is the scored township table (one row per candidate, in the plan's candidate order, with
    ``remoteness_minutes``, ``left_out_at_threshold``, ``score``); ``lonlat`` (L, 2) WGS84 with the depot
    first, then the candidates, then extra overnight places; ``unplaced`` lists townships in scope without a
    point (left out: no location); ``network_label`` says which network gave the figures; ``provisional``
    whether a date rests on the rule-based holiday calendar (shown with
    ``routing.calendar.PROVISIONAL_LABEL``).
    """

    plan: TourPlan
    depot_name: str
    depot_code: str
    candidates: gpd.GeoDataFrame | None
    lonlat: np.ndarray
    network_label: str
    unplaced: tuple[str, ...] = field(default_factory=tuple)
    network_label_en: str = ""
    provisional: bool = False


#: What the outputs accept: a tour on Fujian's places, or a bare plan from the core.
TourLike = FujianTour | TourPlan


def as_plan(tour: TourLike) -> TourPlan:
    """The core plan of ``tour``."""
    return tour.plan if isinstance(tour, FujianTour) else tour


def iteration_budget(params: TourParams, candidates: int) -> int:
    """Iterations per solve: ``params.iterations`` when given, else :data:`ITERATION_WORK` / candidates
    within :data:`DEFAULT_ITERATIONS` … 2 × :data:`DEFAULT_ITERATIONS` (deterministic: inputs only)."""
    if params.iterations is not None:
        return params.iterations
    scaled = ITERATION_WORK // max(candidates, 1)
    return int(min(max(scaled, DEFAULT_ITERATIONS), 2 * DEFAULT_ITERATIONS))
