"""Shared pieces of the orienteering benchmarks (``bench/toptw.py``, ``bench/ophs.py``): where the shared
instances live, best-known scores from the shipped ``bks_*.csv``, and the gap / mean lines."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

SHARED_BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bench"


def read_bks(path: Path, key_columns: tuple[str, ...]) -> dict[tuple[str, ...], float]:
    """Best-known scores from a ``bks_*.csv`` keyed by ``key_columns`` (e.g. instance and m)."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {tuple(row[c] for c in key_columns): float(row["bks"]) for row in csv.DictReader(fh)}


def gap_percent(score: float, bks: float | None) -> float:
    """Gap of ``score`` below the best-known score, percent (NaN when there is none; negative = better)."""
    if bks is None or bks <= 0:
        return math.nan
    return round(100.0 * (bks - score) / bks, 6) + 0.0


class Tally:
    """The runs of one benchmark: prints each run's contract line (plus best-known and gap, or what is
    infeasible) and keeps the figures for :meth:`close`."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.seconds: list[float] = []
        self.bad = 0

    def record(
        self, head: str, score: float, seconds: float, best: float | None, problems: list[str]
    ) -> None:
        """Print ``<head> score=<score> seconds=<seconds>`` and the gap (or the broken rules)."""
        gap = gap_percent(score, best) if not problems else math.nan
        self.gaps.append(gap)
        self.seconds.append(seconds)
        self.bad += bool(problems)
        line = f"{head} score={score:g} seconds={seconds:.1f}"
        extra = f"  bks={best:g} gap={gap:.2f}%" if best is not None and not problems else ""
        print(line + extra + ("  INFEASIBLE: " + "; ".join(problems) if problems else ""), flush=True)

    def close(self) -> int:
        """Print the mean line; the exit code (1 when a plan broke a rule)."""
        print(summary(self.gaps, self.seconds, self.bad))
        return 1 if self.bad else 0


def summary(gaps: list[float], seconds: list[float], infeasible: int) -> str:
    """The closing line: mean gap over the runs with a best-known score, worst gap, mean seconds."""
    known = [g for g in gaps if not math.isnan(g)]
    mean = float(np.mean(known)) if known else math.nan
    worst = max(known) if known else math.nan
    return (
        f"mean gap={mean:.2f}% worst gap={worst:.2f}% runs={len(gaps)} with_bks={len(known)} "
        f"mean seconds={float(np.mean(seconds)) if seconds else math.nan:.1f} infeasible={infeasible}"
    )
