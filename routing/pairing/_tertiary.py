"""Tertiary hospital → weak county pairing on a matrix (组团式帮扶), exact and balanced.

Re-exported by :mod:`routing.pairing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo._errors import InfeasibleError, InputValidationError
from routing.pairing._flow import FlowNetwork
from routing.pairing._model import listing, names_or_default
from routing.pairing.core import _SCALE

__all__ = ["TertiaryPairingResult", "pair_tertiary_from_matrix"]


@dataclass(frozen=True)
class TertiaryPairingResult:
    """Tertiary hospital → weak county assignment.

    Attributes
    ----------
    hospital_of_county
        (n_counties,) index of the tertiary hospital paired with each weak county.
    minutes
        (n_counties,) one-way travel minutes of each pair.
    total_minutes, max_minutes
        Sum and maximum over pairs.
    counties_per_hospital
        (n_hospitals,) number of counties each hospital takes.
    optimal
        Always True (exact min-cost flow; bound = objective).
    """
    hospital_of_county: np.ndarray
    minutes: np.ndarray
    total_minutes: float
    max_minutes: float
    counties_per_hospital: np.ndarray
    optimal: bool
    solver: str
    min_per_hospital: int
    max_per_hospital: int


def pair_tertiary_from_matrix(
    minutes: object,
    *,
    min_per_hospital: int | None = None,
    max_per_hospital: int | None = None,
    hospital_names: Sequence[str] | None = None,
    county_names: Sequence[str] | None = None,
) -> TertiaryPairingResult:
    """Balanced, travel-aware tertiary hospital → weak county pairing (exact; 组团式帮扶).

    Each weak county gets exactly one tertiary hospital; each hospital takes between ``min_per_hospital`` and
    ``max_per_hospital`` counties (default ⌊n/k⌋ and ⌈n/k⌉: 3–4 for 25 counties and 8 hospitals); the total
    one-way travel minutes (hospital → county hospital) is minimised.

    Parameters
    ----------
    minutes
        (n_hospitals, n_counties) one-way minutes; ``inf`` = not reachable.

    Raises
    ------
    InfeasibleError
        The balance cannot hold (``n_hospitals × max < n_counties`` or ``× min > n_counties``) or a county is
        reachable from no hospital (named).
    """
    m = np.asarray(minutes, dtype=float)
    if m.ndim != 2 or m.shape[0] == 0 or m.shape[1] == 0:
        msg = f"minutes must be a non-empty 2-D (hospitals × counties) matrix, got shape {m.shape}"
        raise InputValidationError(msg)
    if np.isnan(m).any() or (m < 0).any():
        msg = "minutes must be ≥ 0 (inf for unreachable pairs); found NaN or a negative value"
        raise InputValidationError(msg)
    n_h, n_k = m.shape
    hn = names_or_default(hospital_names, n_h, "hospital ")
    kn = names_or_default(county_names, n_k, "county ")
    lo = n_k // n_h if min_per_hospital is None else int(min_per_hospital)
    hi = -(-n_k // n_h) if max_per_hospital is None else int(max_per_hospital)
    if lo < 0 or hi < lo:
        msg = f"need 0 ≤ min_per_hospital ≤ max_per_hospital, got {lo} and {hi}"
        raise InputValidationError(msg)
    problems = []
    if n_h * hi < n_k:
        problems.append(f"{n_h} hospitals × at most {hi} counties = {n_h * hi} < {n_k} weak counties")
    if n_h * lo > n_k:
        problems.append(f"{n_h} hospitals × at least {lo} counties = {n_h * lo} > {n_k} weak counties")
    unreached = [kn[k] for k in np.flatnonzero(~np.isfinite(m).any(axis=0))]
    if unreached:
        problems.append(
            f"{len(unreached)} weak county(ies) no tertiary hospital reaches: {listing(unreached)}"
        )
    if problems:
        raise InfeasibleError("No feasible tertiary pairing:\n- " + "\n- ".join(problems))
    src, sink, h0, k0 = 0, 1, 2, 2 + n_h
    net = FlowNetwork(k0 + n_k)
    hh, kk = np.nonzero(np.isfinite(m))
    cost = np.rint(m[hh, kk] * _SCALE).astype(np.int64)
    big_m = int((cost.max() + 1) * n_k + 1)
    bonus = net.add(np.zeros(n_h), h0 + np.arange(n_h), lo, -big_m)
    net.add(np.zeros(n_h), h0 + np.arange(n_h), hi - lo, 0)
    pairs = net.add(h0 + hh, k0 + kk, 1, cost)
    net.add(k0 + np.arange(n_k), np.full(n_k, sink), 1, 0)
    sol = net.solve(src, sink, n_k)
    if sol.max_flow < n_k or (sol.flow[bonus] < lo).any():
        short = [hn[h] for h in np.flatnonzero(sol.flow[bonus] < lo)]
        detail = (
            f"hospitals that cannot get {lo} reachable counties: {listing(short)}"
            if short
            else f"only {sol.max_flow} of {n_k} counties can be paired"
        )
        raise InfeasibleError(f"No feasible tertiary pairing: {detail}")
    used = sol.flow[pairs] > 0
    of_county = np.full(n_k, -1, dtype=np.int64)
    of_county[kk[used]] = hh[used]
    mins = m[of_county, np.arange(n_k)]
    return TertiaryPairingResult(
        hospital_of_county=of_county,
        minutes=mins,
        total_minutes=float(mins.sum()),
        max_minutes=float(mins.max()),
        counties_per_hospital=np.bincount(of_county, minlength=n_h),
        optimal=True,
        solver="OR-Tools min-cost flow (exact; bound = objective)",
        min_per_hospital=lo,
        max_per_hospital=hi,
    )
