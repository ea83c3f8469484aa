"""The tour problem, checked and normalised: what the core's steps (model, schedule, repair) all read.

Locations are ``0`` = depot, ``1..n`` = candidate townships, ``n+1..L-1`` = extra places that only serve as
overnight places (e.g. hospitals, or hotels in the OPHS benchmark). Day ``k`` (0-based) runs on the real
clock over ``[day_start[k], day_end[k]]`` minutes since its midnight.

Lunch (documented model). A break of ``lunch`` minutes starting within ``[lunch_a, lunch_b − lunch]``;
nothing else happens during it (no clinic, no driving). The solver sees a *model clock* on which the day is
``lunch`` minutes shorter: a real time r maps to ``r`` before ``lunch_b − lunch`` and to
``max(r − lunch, lunch_b − lunch)`` after, so a plan that fits the model clock fits the real day with lunch
at ``lunch_b − lunch`` at the latest. The exact schedule (:mod:`routing.tours._schedule`) then places lunch
at the first natural break after ``lunch_a`` (arriving somewhere, a clinic ending, waiting), or pauses the
clinic or the drive at the latest start.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo._errors import InputValidationError
from routing.tours._types import DAY, Availability, TourParams

__all__ = ["TourProblem", "build_problem"]


@dataclass(frozen=True)
class TourProblem:
    """Checked inputs of one plan (see the module docstring for the conventions).

    Attributes
    ----------
    minutes, km : (L, L) float, ``inf`` where unreachable. n : number of candidates. scores : (n,).
    service : (n,) clinic minutes. required : (n,) bool. avail : :class:`Availability` (n, D).
    day_start, day_end : (D,) working window per day (real clock). overnight : (L,) bool, allowed overnight
    places. end_place : location where the last day ends, or -1 for "wherever the last stop is".
    max_total_drive : limit on the drive minutes of the whole tour (per team), or None. names : (L,).
    dates : one date per day, or None. resolution : minutes per integer unit in the solver.
    """

    minutes: np.ndarray
    km: np.ndarray
    n: int
    scores: np.ndarray
    service: np.ndarray
    required: np.ndarray
    avail: Availability
    day_start: np.ndarray
    day_end: np.ndarray
    overnight: np.ndarray
    end_place: int
    max_total_drive: float | None
    names: tuple[str, ...]
    dates: tuple[dt.date, ...] | None
    params: TourParams
    resolution: float

    @property
    def n_loc(self) -> int:
        """Number of locations L (depot, candidates, extra places)."""
        return int(self.minutes.shape[0])

    @property
    def days(self) -> int:
        """Number of touring days D."""
        return int(self.params.days)

    @property
    def drive_limit(self) -> float:
        """Daily driving limit (minutes), ``inf`` when only the window limits it."""
        lim = self.params.max_drive_minutes_per_day
        return math.inf if lim is None else float(lim)

    @property
    def span(self) -> float:
        """Minutes between the midnights of two consecutive days on the solver's timeline."""
        return float(max(DAY, math.ceil(float(self.day_end.max())) + 1.0))

    def has_lunch(self, k: int) -> bool:
        """Whether day ``k`` has a lunch break (a lunch length > 0 and the day covers the lunch window)."""
        p = self.params
        return bool(
            p.lunch_minutes > 0
            and self.day_start[k] <= p.lunch_earliest_minutes
            and p.lunch_latest_minutes <= self.day_end[k]
        )

    def model_clock(self, k: int, real: float | np.ndarray) -> np.ndarray:
        """Real clock of day ``k`` → the solver's lunch-free clock (see the module docstring)."""
        r = np.asarray(real, dtype=float)
        if not self.has_lunch(k):
            return r
        p = self.params
        cut = p.lunch_latest_minutes - p.lunch_minutes
        return np.where(r <= cut, r, np.maximum(r - p.lunch_minutes, cut))


def _matrix(name: str, value: np.ndarray, n_loc: int) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.shape != (n_loc, n_loc):
        msg = (
            f"minutes and km must be ({n_loc}, {n_loc}) matrices (depot, candidates, extra places); "
            f"{name} is {arr.shape!r}"
        )
        raise InputValidationError(msg)
    if np.isnan(arr).any() or (arr < 0).any():
        raise InputValidationError(
            f"{name} matrix has NaN or negative entries (use inf for unreachable pairs)"
        )
    return arr


def _per_candidate(name: str, value: np.ndarray | None, n: int, default: float, dtype: type) -> np.ndarray:
    if value is None:
        return np.full(n, default, dtype=dtype)
    arr: np.ndarray = np.asarray(value, dtype=dtype)
    if arr.shape != (n,):
        raise InputValidationError(
            f"{name} must have {n} entries (one per candidate), got shape {arr.shape!r}"
        )
    return arr


def _day_windows(p: TourParams, day_windows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if day_windows is None:
        return np.full(p.days, float(p.day_start_minutes)), np.full(p.days, float(p.day_end_minutes))
    w = np.asarray(day_windows, dtype=float)
    if (
        w.shape != (p.days, 2)
        or not np.isfinite(w).all()
        or (w[:, 0] < 0).any()
        or (w[:, 0] >= w[:, 1]).any()
    ):
        msg = f"day_windows must be {p.days} (start, end) pairs with 0 ≤ start < end, got {w.tolist()!r}"
        raise InputValidationError(msg)
    return w[:, 0].copy(), w[:, 1].copy()


def _availability(
    avail: Availability | None, n: int, p: TourParams, start: np.ndarray, end: np.ndarray
) -> Availability:
    if avail is None:
        base = Availability.every_day(n, p.days, 0.0, 0.0)
        return Availability(
            np.broadcast_to(start, (n, p.days)).copy(),
            np.broadcast_to(end, (n, p.days)).copy(),
            base.factor,
            base.market,
        )
    for name in ("open_minutes", "close_minutes", "factor", "market"):
        shape = np.shape(getattr(avail, name))
        if shape != (n, p.days):
            raise InputValidationError(f"availability.{name} must have shape ({n}, {p.days}), got {shape!r}")
    if (np.asarray(avail.factor) < 0).any() or np.isnan(np.asarray(avail.factor, float)).any():
        raise InputValidationError("availability.factor must be ≥ 0 (0 = not that day)")
    # clip each window to the working day of that day; a window that no longer fits a clinic is closed
    o = np.maximum(np.asarray(avail.open_minutes, float), start[None, :])
    c = np.minimum(np.asarray(avail.close_minutes, float), end[None, :])
    return Availability(o, c, np.asarray(avail.factor, float), np.asarray(avail.market, bool))


def build_problem(
    minutes: np.ndarray,
    km: np.ndarray,
    scores: np.ndarray,
    params: TourParams,
    *,
    names: Sequence[str] | None,
    service_minutes: np.ndarray | None,
    required: np.ndarray | None,
    availability: Availability | None,
    day_windows: np.ndarray | None,
    overnight_places: np.ndarray | None,
    end_place: int | None,
    max_total_drive_minutes: float | None,
    dates: Sequence[dt.date] | None,
    resolution_minutes: float,
) -> TourProblem:
    """Check the core's inputs and normalise them into a :class:`TourProblem`.

    Raises
    ------
    InputValidationError
        Malformed matrices or arrays, an empty overnight set, a bad end place (message names the input).
    """
    p = params
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    if np.isnan(scores).any() or (scores < 0).any():
        raise InputValidationError("scores must be numbers ≥ 0 (priority of each candidate)")
    n_loc = np.shape(minutes)[0] if np.ndim(minutes) == 2 else n + 1
    if n_loc < n + 1:
        msg = (
            f"minutes and km must be square matrices of at least ({n + 1}, {n + 1}) (depot first, then the "
            f"{n} candidates)"
        )
        raise InputValidationError(msg)
    m = _matrix("minutes", minutes, n_loc)
    k = _matrix("km", km, n_loc)
    label = (
        list(names)
        if names is not None
        else (["depot"] + [f"#{i + 1}" for i in range(n)] + [f"place {j}" for j in range(n + 1, n_loc)])
    )
    if len(label) != n_loc:
        raise InputValidationError(f"names must have {n_loc} entries (depot first), got {len(label)}")
    service = _per_candidate("service_minutes", service_minutes, n, float(p.clinic_minutes), float)
    if not np.isfinite(service).all() or (service < 0).any():
        raise InputValidationError(f"service_minutes must be {n} numbers ≥ 0 (clinic minutes per township)")
    req = _per_candidate("required", required, n, False, bool)
    start, end = _day_windows(p, day_windows)
    avail = _availability(availability, n, p, start, end)
    if p.overnight == "depot":
        night = np.zeros(n_loc, bool)
        night[0] = True
    elif overnight_places is None:
        night = np.ones(n_loc, bool)
    else:
        night = np.asarray(overnight_places, dtype=bool).copy()
        if night.shape != (n_loc,):
            raise InputValidationError(f"overnight_places must have {n_loc} entries (one per location)")
        if not night.any():
            raise InputValidationError(
                "允许住宿的地点为空：至少保留驻地 / "
                "the set of allowed overnight places is empty: keep at least the depot"
            )
    end_loc = (0 if p.return_to_depot else -1) if end_place is None else int(end_place)
    if not -1 <= end_loc < n_loc:
        raise InputValidationError(
            f"end_place must be a location index (0 … {n_loc - 1}) or -1, got {end_place!r}"
        )
    if dates is not None and len(dates) != p.days:
        raise InputValidationError(f"dates must have {p.days} entries (one per day), got {len(dates)}")
    if not resolution_minutes > 0:
        raise InputValidationError(f"resolution_minutes must be > 0, got {resolution_minutes!r}")
    return TourProblem(
        minutes=m,
        km=k,
        n=n,
        scores=scores,
        service=service,
        required=req,
        avail=avail,
        day_start=start,
        day_end=end,
        overnight=night,
        end_place=end_loc,
        max_total_drive=None if max_total_drive_minutes is None else float(max_total_drive_minutes),
        names=tuple(str(x) for x in label),
        dates=tuple(dates) if dates is not None else None,
        params=p,
        resolution=float(resolution_minutes),
    )
