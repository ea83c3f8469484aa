"""Two scenarios side by side (B − A): covered population, drive km, shared metrics and the pairings that
changed in substance.

A center counts as *changed* when the hospitals serving it differ in substance: a different hospital at
a different place, or only in one scenario. A swap between hospitals at the same point (龙岩市第一医院
and 龙岩人民医院 share one address) serves the center from the same place with the same times — an
arbitrary tie, reported as ``ties`` but not as a change. Hospitals are compared by id, so a placeholder
replaced by the planner's real hospital (which keeps the placeholder's id) is the same hospital.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from routing.scenarios.model import Scenario, covered_population, drive_km

__all__ = ["CHANGE_LABELS", "ScenarioComparison", "compare_scenarios"]

#: The values of ``changed_pairings["change"]`` in both languages.
CHANGE_LABELS: dict[str, dict[str, str]] = {
    "reassigned": {"zh": "改派", "en": "reassigned"},
    "only in A": {"zh": "仅方案 A", "en": "only in A"},
    "only in B": {"zh": "仅方案 B", "en": "only in B"},
}
_LABELS = {
    "covered_population": {"zh": "覆盖人口（人）", "en": "covered population (persons)"},
    "drive_km": {"zh": "行车里程（公里）", "en": "drive distance (km)"},
    "changed_pairings": {"zh": "变动的结对（个）", "en": "changed pairings (centers)"},
    "ties": {
        "zh": "同址医院之间的调换（不计为变动）",
        "en": "swaps between co-located hospitals (not counted)",
    },
    "est": {"zh": "（估算）", "en": " (estimated)"},
}


@dataclass(frozen=True)
class ScenarioComparison:
    """Two scenarios side by side (B − A).

    Attributes
    ----------
    a, b
        Names of the two scenarios.
    covered_population
        (A, B, Δ) persons; NaN where not stored.
    drive_km
        (A, B, Δ) km; NaN where not stored.
    changed_pairings
        One row per center whose hospitals differ in substance: ``center_id``, ``center``, ``hospitals_a``,
        ``hospitals_b``, ``change`` (``"reassigned"``, ``"only in A"``, ``"only in B"``).
    estimated
        True when either scenario's figures are estimated (label them 估算).
    metrics
        Other numeric metrics both scenarios hold: ``metric``, ``a``, ``b``, ``delta``.
    ties
        Centers whose hospital changed only between hospitals at the same point (not in ``changed_pairings``).
    """

    a: str
    b: str
    covered_population: tuple[float, float, float]
    drive_km: tuple[float, float, float]
    changed_pairings: pd.DataFrame
    estimated: bool
    metrics: pd.DataFrame
    ties: int = 0

    def table(self, lang: str = "zh") -> pd.DataFrame:
        """Metric rows with columns metric, A, B, Δ (labels in ``lang``; 估算 marked when estimated)."""
        lg = "en" if lang == "en" else "zh"
        tag = _LABELS["est"][lg] if self.estimated else ""
        nan = math.nan
        rows: list[list[object]] = [
            [_LABELS["covered_population"][lg] + tag, *self.covered_population],
            [_LABELS["drive_km"][lg] + tag, *self.drive_km],
            [_LABELS["changed_pairings"][lg], nan, nan, float(len(self.changed_pairings))],
        ]
        if self.ties:
            rows.append([_LABELS["ties"][lg], nan, nan, float(self.ties)])
        for _, r in self.metrics.iterrows():
            rows.append([str(r["metric"]), r["a"], r["b"], r["delta"]])
        return pd.DataFrame(rows, columns=["metric", self.a, self.b, "Δ"])

    def changes(self, lang: str = "zh") -> pd.DataFrame:
        """``changed_pairings`` with the ``change`` values in ``lang``."""
        lg = "en" if lang == "en" else "zh"
        out = self.changed_pairings.copy()
        out["change"] = out["change"].map(lambda c: CHANGE_LABELS.get(c, {}).get(lg, c))
        return out


def _pairs(scenario: Scenario) -> tuple[dict[str, frozenset[str]], dict[str, str], dict[str, str]]:
    """(center → hospital ids, center → name, hospital id → name) of a scenario's pairing table."""
    pairing = scenario.results.get("pairing")
    if pairing is None or not {"hospital_id", "center_id"} <= set(pairing.columns):
        return {}, {}, {}
    out: dict[str, set[str]] = {}
    centers: dict[str, str] = {}
    hospitals: dict[str, str] = {}
    for r in pairing.itertuples(index=False):
        center, hospital = str(r.center_id), str(r.hospital_id)
        out.setdefault(center, set()).add(hospital)
        centers[center] = str(getattr(r, "center", center))
        hospitals[hospital] = str(getattr(r, "hospital", hospital))
    return {k: frozenset(v) for k, v in out.items()}, centers, hospitals


def _places(*scenarios: Scenario) -> dict[str, tuple[float, float]]:
    """Facility id → (lon, lat) rounded to ~1 m, from the scenarios' facility tables (later ones win)."""
    places: dict[str, tuple[float, float]] = {}
    for s in scenarios:
        f = s.facilities
        if f is None or not {"facility_id", "lon", "lat"} <= set(f.columns):
            continue
        for fid, lon, lat in zip(f["facility_id"].astype(str), f["lon"], f["lat"], strict=True):
            if lon == lon and lat == lat:  # not NaN
                places[fid] = (round(float(lon), 5), round(float(lat), 5))
    return places


def _same_places(ha: frozenset[str], hb: frozenset[str], places: dict[str, tuple[float, float]]) -> bool:
    if not all(h in places for h in ha | hb):
        return False
    return Counter(places[h] for h in ha) == Counter(places[h] for h in hb)


def compare_scenarios(a: Scenario, b: Scenario) -> ScenarioComparison:
    """Compare two scenarios (B − A): covered population, drive km, pairings, shared numeric metrics."""
    cov = (covered_population(a), covered_population(b))
    km = (drive_km(a), drive_km(b))
    pa, centers_a, names_a = _pairs(a)
    pb, centers_b, names_b = _pairs(b)
    names = {**names_a, **names_b}
    places = _places(a, b)
    changes, ties = [], 0
    for center in sorted(set(pa) | set(pb)):
        ha, hb = pa.get(center, frozenset()), pb.get(center, frozenset())
        if ha == hb:
            continue
        if ha and hb and _same_places(ha, hb, places):
            ties += 1
            continue
        changes.append(
            {
                "center_id": center,
                "center": centers_b.get(center, centers_a.get(center, center)),
                "hospitals_a": "、".join(sorted(names.get(h, h) for h in ha)),
                "hospitals_b": "、".join(sorted(names.get(h, h) for h in hb)),
                "change": "reassigned" if ha and hb else ("only in A" if ha else "only in B"),
            }
        )
    shared = []
    for key in sorted(set(a.metrics) & set(b.metrics) - {"covered_population", "drive_km", "estimated"}):
        va, vb = a.metrics[key], b.metrics[key]
        if isinstance(va, int | float) and isinstance(vb, int | float) and not isinstance(va, bool):
            shared.append({"metric": key, "a": float(va), "b": float(vb), "delta": float(vb) - float(va)})
    return ScenarioComparison(
        a=a.name,
        b=b.name,
        covered_population=(cov[0], cov[1], cov[1] - cov[0]),
        drive_km=(km[0], km[1], km[1] - km[0]),
        changed_pairings=pd.DataFrame(
            changes, columns=["center_id", "center", "hospitals_a", "hospitals_b", "change"]
        ),
        estimated=a.estimated or b.estimated,
        metrics=pd.DataFrame(shared, columns=["metric", "a", "b", "delta"]),
        ties=ties,
    )
