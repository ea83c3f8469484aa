"""What a scenario is: a snapshot of a workspace's inputs (the facility table), its parameters, the results
the analyses produced, and headline figures computed from them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["RESULT_KINDS", "Scenario", "covered_population", "drive_km", "snapshot"]

#: The result kinds the app stores (others are allowed: any lower-case identifier).
RESULT_KINDS = ("coverage", "pairing", "roster", "tours")


@dataclass
class Scenario:
    """A saved (or to-be-saved) planning scenario.

    Attributes
    ----------
    name
        Unique within its workspace (≤ 200 characters).
    facilities
        Facility table (columns of :func:`geo.facilities.load_facilities`; WGS84 ``lon``/``lat``).
    parameters
        JSON-serialisable parameters (dataclasses are turned into dicts when saved).
    results
        Result tables by kind (``coverage``, ``pairing``, ``roster``, ``tours``, …).
    metrics
        Headline figures, e.g. ``covered_population`` (persons), ``drive_km`` (km), ``estimated`` (bool).
    notes
        Free text.
    id, created_at, updated_at, workspace
        Set by the store (UTC timestamps; the workspace it belongs to).
    """

    name: str
    facilities: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    id: int | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    workspace: str = ""

    @property
    def estimated(self) -> bool:
        """True when any stored figure comes from the estimated network (then shown as 估算/estimated)."""
        if bool(self.metrics.get("estimated", False)):
            return True
        return any(
            "estimated" in t.columns and bool(pd.Series(t["estimated"]).fillna(False).astype(bool).any())
            for t in self.results.values()
        )


def covered_population(scenario: Scenario) -> float:
    """Covered population (persons): ``metrics["covered_population"]``, else Σ population of covered rows.

    The coverage table is read when it has a boolean ``covered`` column and a population column
    (``population_est``, ``population`` or ``covered_population``); NaN when neither is available.
    """
    if scenario.metrics.get("covered_population") is not None:
        return float(scenario.metrics["covered_population"])
    table = scenario.results.get("coverage")
    if table is None or "covered" not in table.columns:
        return math.nan
    for column in ("population_est", "population", "covered_population"):
        if column in table.columns:
            covered = table["covered"].fillna(False).astype(bool)
            return float(pd.to_numeric(table.loc[covered, column], errors="coerce").sum())
    return math.nan


def drive_km(scenario: Scenario) -> float:
    """Driving distance (km): ``metrics["drive_km"]``, else from the results.

    From the pairing table: a round trip per doctor-day, 2 × Σ ``km`` × ``days``; plus, from the tours table,
    Σ of a ``km`` (or ``drive_km``) column. NaN when neither is available.
    """
    if scenario.metrics.get("drive_km") is not None:
        return float(scenario.metrics["drive_km"])
    total, found = 0.0, False
    pairing = scenario.results.get("pairing")
    if pairing is not None and "km" in pairing.columns:
        days = pairing["days"] if "days" in pairing.columns else 1
        total += float((2.0 * pd.to_numeric(pairing["km"], errors="coerce") * days).sum())
        found = True
    tours = scenario.results.get("tours")
    if tours is not None:
        for column in ("drive_km", "km"):
            if column in tours.columns:
                total += float(pd.to_numeric(tours[column], errors="coerce").sum())
                found = True
                break
    return total if found else math.nan


def snapshot(
    name: str,
    facilities: pd.DataFrame | None,
    results: dict[str, pd.DataFrame],
    *,
    notes: str = "",
    parameters: dict[str, Any] | None = None,
) -> Scenario:
    """A scenario of the current inputs and results, with its headline figures (covered population, drive
    km) computed from the results; a figure no result provides is left out."""
    scenario = Scenario(
        name=name,
        facilities=facilities,
        results=dict(results),
        notes=notes,
        parameters=dict(parameters or {}),
    )
    figures = {"covered_population": covered_population, "drive_km": drive_km}
    scenario.metrics = {k: v for k, f in figures.items() if (v := f(scenario)) == v}
    return scenario
