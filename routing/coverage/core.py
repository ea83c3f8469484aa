"""Coverage on plain arrays: nearest source, covered or left out with a reason, at a threshold T (minutes).

:func:`coverage_core` takes a minutes matrix (townships × sources) and populations; the adapter in
:mod:`routing.coverage.plan` builds both from the embedded data and a :class:`geo.network.Network`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from geo._errors import InputValidationError
from geo.facilities import HOSPITAL_TYPES
from geo.labels import Labels

__all__ = [
    "DEFAULT_SOURCE_TYPES",
    "LEFT_OUT_REASONS",
    "MAX_THRESHOLD_MINUTES",
    "CoreCoverage",
    "check_threshold",
    "coverage_core",
]

#: Facility types that are care sources by default (county level and above).
DEFAULT_SOURCE_TYPES: tuple[str, ...] = HOSPITAL_TYPES
#: Largest threshold accepted (minutes): ten hours is beyond any planning question.
MAX_THRESHOLD_MINUTES = 600.0

LEFT_OUT_REASONS: Labels = {
    "": {"zh": "已覆盖", "en": "covered"},
    "too_far": {"zh": "超出时限", "en": "too far"},
    "no_road": {"zh": "2 公里内无道路", "en": "no road within 2 km"},
    "not_connected": {"zh": "道路不连通", "en": "not connected by road"},
    "no_point": {"zh": "无坐标点", "en": "no point"},
}
_REASON_KEYS = ("", "too_far", "no_road", "not_connected", "no_point")


def check_threshold(value: Any) -> float:
    """The threshold T as float minutes, checked: a number, 0 < T ≤ 600.

    Raises
    ------
    InputValidationError
        If ``value`` is not a number or is out of range.
    """
    if isinstance(value, bool):
        value = "true" if value else "false"
    try:
        t = float(value)
    except (TypeError, ValueError):
        msg = f"Threshold must be a number of minutes (e.g. 60), got {value!r}."
        raise InputValidationError(msg) from None
    if not math.isfinite(t) or t <= 0 or t > MAX_THRESHOLD_MINUTES:
        msg = f"Threshold must be more than 0 and at most {MAX_THRESHOLD_MINUTES:g} minutes, got {value!r}."
        raise InputValidationError(msg)
    return t


# ---------------------------------------------------------------------------------------------------- core


@dataclass(frozen=True, eq=False)
class CoreCoverage:
    """Per-township coverage on arrays (n townships).

    Attributes
    ----------
    nearest
        Column index of the nearest source, -1 when none is reachable.
    minutes
        Minutes to the nearest source (``inf`` when none is reachable).
    covered
        ``minutes <= threshold``.
    reason
        Keys of :data:`LEFT_OUT_REASONS` ("" when covered).
    excess_minutes
        ``minutes - threshold`` for ``too_far`` townships, NaN otherwise.
    covered_population, total_population
        Sums of the populations (persons; NaN counted as 0).
    """

    threshold_minutes: float
    nearest: np.ndarray
    minutes: np.ndarray
    covered: np.ndarray
    reason: np.ndarray
    excess_minutes: np.ndarray
    covered_population: float
    total_population: float


def coverage_core(
    minutes: np.ndarray,
    population: np.ndarray,
    threshold_minutes: float,
    *,
    has_point: np.ndarray | None = None,
    far_from_road: np.ndarray | None = None,
    active_sources: np.ndarray | None = None,
) -> CoreCoverage:
    """Nearest source, coverage and left-out reasons from a minutes matrix.

    Parameters
    ----------
    minutes
        Travel time (minutes), shape (n townships, m sources), ``inf`` where unreachable.
    population
        Persons per township, shape (n,).
    threshold_minutes
        T, in (0, 600].
    has_point
        False for townships without coordinates (reason ``no_point``); default all True.
    far_from_road
        True for townships more than 2 km from any road (reason ``no_road``); default all False.
    active_sources
        Boolean mask (m,) of the sources to use (what-if removals); default all.

    Returns
    -------
    CoreCoverage

    Raises
    ------
    InputValidationError
        Bad threshold, no (active) source, or shapes that do not match.
    """
    t = check_threshold(threshold_minutes)
    mat = np.asarray(minutes, dtype=float)
    if mat.ndim != 2:
        msg = f"minutes must be a 2-D matrix (townships × sources), got shape {mat.shape}."
        raise InputValidationError(msg)
    n, m = mat.shape
    pop = np.nan_to_num(np.asarray(population, dtype=float), nan=0.0)
    if pop.shape != (n,):
        msg = f"population has shape {pop.shape}, expected ({n},) to match the minutes matrix."
        raise InputValidationError(msg)
    if active_sources is not None:
        active = np.asarray(active_sources, dtype=bool)
        if active.shape != (m,):
            msg = f"active_sources has shape {active.shape}, expected ({m},)."
            raise InputValidationError(msg)
    else:
        active = np.ones(m, dtype=bool)
    if m == 0 or not active.any():
        msg = "No care sources: select at least one hospital or mobile-hospital stop."
        raise InputValidationError(msg)
    point = np.ones(n, dtype=bool) if has_point is None else np.asarray(has_point, dtype=bool)
    far = np.zeros(n, dtype=bool) if far_from_road is None else np.asarray(far_from_road, dtype=bool)
    use = np.where(active[None, :], mat, np.inf)
    nearest = np.argmin(use, axis=1) if n else np.zeros(0, dtype=np.int64)
    best = use[np.arange(n), nearest] if n else np.zeros(0)
    reachable = np.isfinite(best)
    nearest = np.where(reachable, nearest, -1)
    covered = best <= t
    reason = np.full(n, "", dtype=object)
    reason[~covered & reachable] = "too_far"
    reason[~reachable] = "not_connected"
    reason[~reachable & far] = "no_road"
    reason[~point] = "no_point"
    excess = np.where(reason == "too_far", best - t, np.nan)
    return CoreCoverage(
        threshold_minutes=t,
        nearest=nearest,
        minutes=best,
        covered=covered,
        reason=reason,
        excess_minutes=excess,
        covered_population=float(pop[covered].sum()),
        total_population=float(pop.sum()),
    )
