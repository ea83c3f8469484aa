"""Priority of a township for a mobile-hospital tour: one documented weighted score in [0, 1].

score = (w_r · min(remoteness / remoteness_cap, 1) + w_p · population / max population
         + w_l · left_out + w_m · min(months_since_visit / months_cap, 1)) / (sum of the weights used)

- remoteness: minutes from the township seat to the nearest county-level-or-above hospital (active
  network);
- population: estimated township population (persons), scaled by the largest among the candidates;
- left_out: 1 when coverage at ``threshold_minutes`` leaves the township out (remoteness > T), else 0;
- months_since_visit: months since the last mobile-hospital visit; when the planner gives none for any
  township, the term is dropped (its weight not counted) rather than guessed. A township missing from a
  partial table counts as ``months_cap`` (no recorded visit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo._errors import InputValidationError


@dataclass(frozen=True)
class PriorityWeights:
    """Weights of the priority score and the caps that scale each term to [0, 1] (minutes, months)."""

    remoteness: float = 0.4
    population: float = 0.3
    left_out: float = 0.2
    months_since_visit: float = 0.1
    remoteness_cap_minutes: float = 120.0
    threshold_minutes: float = 60.0
    months_cap: float = 12.0

    def __post_init__(self) -> None:
        ws = (self.remoteness, self.population, self.left_out, self.months_since_visit)
        if any(not np.isfinite(w) or w < 0 for w in ws) or sum(ws) <= 0:
            msg = f"priority weights must be >= 0 with a positive sum, got {ws!r}"
            raise InputValidationError(msg)
        for name in ("remoteness_cap_minutes", "threshold_minutes", "months_cap"):
            if not getattr(self, name) > 0:
                msg = f"{name} must be > 0, got {getattr(self, name)!r}"
                raise InputValidationError(msg)


def priority_scores(
    remoteness_minutes: np.ndarray,
    population: np.ndarray | None = None,
    months_since_visit: np.ndarray | None = None,
    weights: PriorityWeights | None = None,
) -> np.ndarray:
    """Score each township in [0, 1] by the formula in the module docstring.

    Parameters
    ----------
    remoteness_minutes
        (n,) minutes to the nearest county-level-or-above hospital (``inf`` when none is reachable).
    population
        (n,) estimated persons, NaN when unknown (counts 0).
    months_since_visit
        (n,) months, NaN when no visit is recorded; None to drop the term.
    weights
        Weights and caps; defaults to :class:`PriorityWeights()`.

    Returns
    -------
    numpy.ndarray
        (n,) scores in [0, 1].
    """
    w = weights or PriorityWeights()
    rem = np.asarray(remoteness_minutes, dtype=float)
    n = len(rem)
    r_term = np.clip(
        np.nan_to_num(rem, nan=0.0, posinf=w.remoteness_cap_minutes) / w.remoteness_cap_minutes, 0, 1
    )
    l_term = (np.nan_to_num(rem, nan=0.0, posinf=np.inf) > w.threshold_minutes).astype(float)
    total = w.remoteness * r_term + w.left_out * l_term
    wsum = w.remoteness + w.left_out
    if population is not None:
        pop = np.nan_to_num(np.asarray(population, dtype=float), nan=0.0)
        top = pop.max() if n and pop.max() > 0 else 1.0
        total = total + w.population * pop / top
        wsum += w.population
    if months_since_visit is not None:
        m = np.asarray(months_since_visit, dtype=float)
        m = np.where(np.isnan(m), w.months_cap, m)
        total = total + w.months_since_visit * np.clip(m / w.months_cap, 0, 1)
        wsum += w.months_since_visit
    return total / wsum if wsum > 0 else np.zeros(n)
