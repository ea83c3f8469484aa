"""Pairing hospitals with health centers (千名医师下基层): the adapter on the facility table.

Two entry points, as in spopt: the core on plain arrays (:func:`pair_from_matrix` in
:mod:`routing.pairing.core`) and :func:`plan_pairing`, which picks the scope, fills capacities
(:mod:`routing.pairing.capacity`), asks the network for travel minutes and returns tables. Centers without
coordinates are planned too, flagged ``travel_unknown``: only a hospital of their own county (or a city
hospital of their prefecture) may serve them, at the cost of the farthest placed center of that county from
that hospital (a stand-in so the optimiser treats them as "no nearer than anything known"); their minutes
and km stay empty. CLI: ``python -m routing.pairing --prefecture 龙岩 --month 2026-12 --xlsx FILE``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np
import pandas as pd

from geo._errors import InputValidationError
from geo.facilities import HOSPITAL_TYPES, load_facilities
from geo.network import Network, active_network
from geo.scope import Scope, resolve_scope
from routing.matrix import MatrixResult, travel_matrix
from routing.pairing.capacity import (
    CAPACITY_ASSUMED,
    CAPACITY_GIVEN,
    CENTER_TYPES,
    default_capacities,
    relevant_hospitals,
)
from routing.pairing.core import PairingParams, PairingResult, pair_from_matrix

__all__ = ["TRAVEL_UNKNOWN", "PairingPlan", "PairingSummary", "plan_pairing", "travel_minutes"]

class PairingSummary(TypedDict):
    """Key figures of a :class:`PairingPlan` (minutes one-way, per month; travel-unknown pairs excluded)."""

    scope: str
    centers: int
    travel_unknown: int
    hospitals_used: int
    doctor_days: int
    total_minutes: float
    mean_minutes: float
    max_minutes: float
    objective: str
    optimal: bool
    bound_minutes: float
    city_share: dict[str, str]
    estimated: bool
    not_planned: int
    solve_seconds: float


@dataclass(frozen=True)
class PairingPlan:
    """A hospital → center pairing with its tables (all minutes one-way; ``estimated`` says 估算).

    Attributes
    ----------
    scope
        The :class:`Scope` planned.
    hospitals
        Hospitals considered: ``facility_id``, ``name``, ``facility_type``, ``prefecture_name``,
        ``county_name``, ``lon``, ``lat``, ``capacity_days``, ``capacity_source``, ``assigned_days``.
    centers
        Centers planned: ``facility_id``, ``name``, ``facility_type``, ``prefecture_name``, ``county_name``,
        ``lon``, ``lat``, ``location_quality``, ``travel_unknown`` (no coordinates: planned, travel unknown).
    pairs
        One row per pair: ``hospital_id``, ``hospital``, ``hospital_type``, ``center_id``, ``center``,
        ``county``, ``prefecture``, ``days``, ``minutes``, ``km`` (NaN when the travel is unknown),
        ``out_of_county``, ``travel_unknown``, ``estimated``.
    not_planned
        Centers left out with the reason (empty since centers without coordinates are planned; kept for
        callers that list it).
    result
        The core's :class:`PairingResult`.
    estimated
        True when travel figures come from the estimated network.
    network_label
        The network's one-line label.
    notes
        Assumptions and warnings to show with the plan.
    """
    scope: Scope
    hospitals: pd.DataFrame
    centers: pd.DataFrame
    pairs: pd.DataFrame
    not_planned: pd.DataFrame
    result: PairingResult
    params: PairingParams
    estimated: bool
    network_label: str
    notes: list[str] = field(default_factory=list)

    def summary(self) -> PairingSummary:
        """Key figures: centers, doctor-days, minutes (known travel only), city share, optimality."""
        r = self.result
        days = int(self.pairs["days"].sum())
        known = self.pairs[~self.pairs["travel_unknown"]]
        total = float((known["days"] * known["minutes"]).sum())
        return {
            "scope": self.scope.label,
            "centers": len(self.centers),
            "travel_unknown": int(self.centers["travel_unknown"].sum()),
            "hospitals_used": int(self.pairs["hospital_id"].nunique()),
            "doctor_days": days,
            "total_minutes": round(total, 1),
            "mean_minutes": round(total / max(int(known["days"].sum()), 1), 1),
            "max_minutes": round(float(known["minutes"].max()) if len(known) else 0.0, 1),
            "objective": r.objective,
            "optimal": r.optimal,
            "bound_minutes": round(r.bound_minutes, 1),
            "city_share": {p: f"{r.city_days[p]}/{r.total_days[p]}" for p in r.total_days},
            "estimated": self.estimated,
            "not_planned": len(self.not_planned),
            "solve_seconds": round(r.solve_seconds, 3),
        }


def _points(frame: pd.DataFrame) -> np.ndarray:
    return frame[["lon", "lat"]].to_numpy(dtype=float)


def plan_pairing(
    facilities: pd.DataFrame | None = None,
    *,
    prefecture: str | None = None,
    county: str | None = None,
    capacities: Mapping[str, int] | None = None,
    network: Network | None = None,
    params: PairingParams | None = None,
    demand_days: int = 1,
    tertiary_counties: Mapping[str, Sequence[str]] | None = None,
) -> PairingPlan:
    """Plan which hospital sends doctor-days to which center, for a prefecture, a county or the province.

    Parameters
    ----------
    facilities
        Facility table (default: the embedded one, :func:`geo.facilities.load_facilities`).
    prefecture, county
        Scope (``龙岩`` / ``龙岩市``; ``漳平市``); neither = the whole province.
    capacities
        Doctor-days per month by ``facility_id``; hospitals not listed get :func:`default_capacities`.
    network
        A :class:`geo.network.Network` (default: :func:`geo.network.active_network`).
    params
        :class:`PairingParams`.
    demand_days
        Doctor-days each center needs per month (policy: at least 1).
    tertiary_counties
        Optional tertiary-hospital ``facility_id`` → county names it supports (组团式帮扶); with capacity, the
        hospital may then serve those counties' centers too.

    Returns
    -------
    PairingPlan

    Raises
    ------
    UnknownPlaceError
        Unknown prefecture/county.
    InputValidationError
        Unknown facility ids in ``capacities``.
    InfeasibleError
        No pairing satisfies the rules (message names the binding constraint and shortfall).
    """
    if facilities is None:
        facilities = load_facilities()
    if network is None:
        network = active_network()
    params = params or PairingParams()
    fac = pd.DataFrame(facilities.drop(columns="geometry", errors="ignore")).copy()
    scope = resolve_scope(counties=county, within=prefecture) if county else resolve_scope(prefecture)
    centers = fac[fac["facility_type"].isin(CENTER_TYPES) & scope.mask(fac)]
    centers = centers.sort_values("facility_id").reset_index(drop=True)
    if centers.empty:
        msg = f"{scope.label}：范围内没有卫生院或社区卫生服务中心 / no health center to plan"
        raise InputValidationError(msg)
    centers = centers.assign(travel_unknown=centers["lon"].isna() | centers["lat"].isna())
    hosp = _hospitals(fac, centers, capacities, tertiary_counties)
    notes = _notes(hosp, centers)
    travel, minutes = travel_minutes(network, hosp, centers)
    tert = {str(k): set(v) for k, v in (tertiary_counties or {}).items()}
    extra = np.zeros((len(hosp), len(centers)), dtype=bool)
    for i, fid in enumerate(hosp["facility_id"]):
        if fid in tert:
            extra[i] = centers["county_name"].isin(tert[fid]).to_numpy()
    is_city = (hosp["facility_type"] == "city_hospital").to_numpy()
    prefs = set(centers["prefecture_name"])
    no_city = sorted(p for p in prefs if not (is_city & (hosp["prefecture_name"] == p).to_numpy()).any())
    result = pair_from_matrix(
        minutes,
        hosp["capacity_days"].to_numpy(),
        hospital_county=hosp["county_name"].tolist(),
        hospital_prefecture=hosp["prefecture_name"].tolist(),
        hospital_is_city=is_city,
        center_county=centers["county_name"].tolist(),
        center_prefecture=centers["prefecture_name"].tolist(),
        demand_days=np.full(len(centers), int(demand_days)),
        extra_allowed=extra,
        hospital_names=hosp["name"].tolist(),
        center_names=(centers["county_name"] + centers["name"]).tolist(),
        params=params,
        share_exempt=no_city,
    )
    pairs = _pairs_table(result, hosp, centers, travel)
    hosp = hosp.assign(
        assigned_days=np.bincount(result.hospital, weights=result.days, minlength=len(hosp)).astype(int)
    )
    return PairingPlan(
        scope=scope,
        hospitals=hosp[_HOSPITAL_COLUMNS],
        centers=centers[_CENTER_COLUMNS],
        pairs=pairs,
        not_planned=pd.DataFrame(columns=["facility_id", "name", "county_name", "prefecture_name", "reason"]),
        result=result,
        params=params,
        estimated=bool(travel.estimated),
        network_label=network.label("zh"),
        notes=notes,
    )


_HOSPITAL_COLUMNS = [
    "facility_id", "name", "facility_type", "prefecture_name", "county_name", "lon", "lat",
    "capacity_days", "capacity_source", "assigned_days",
]
_CENTER_COLUMNS = [
    "facility_id", "name", "facility_type", "prefecture_name", "county_name", "lon", "lat",
    "location_quality", "travel_unknown",
]
#: Note on every plan that has centers without coordinates.
TRAVEL_UNKNOWN = "无坐标，车程未知 travel unknown (no coordinates)"


def _hospitals(
    fac: pd.DataFrame,
    centers: pd.DataFrame,
    capacities: Mapping[str, int] | None,
    tertiary_counties: Mapping[str, Sequence[str]] | None,
) -> pd.DataFrame:
    """The placed hospitals that may serve ``centers``, with ``capacity_days`` and ``capacity_source``."""
    caps_table = default_capacities(fac)
    if capacities:
        unknown = sorted(set(capacities) - set(caps_table["facility_id"]))
        if unknown:
            msg = f"capacities: unknown hospital facility_id(s) {unknown[:10]}"
            raise InputValidationError(msg)
        given = caps_table["facility_id"].map(capacities)
        caps_table.loc[given.notna(), "capacity_source"] = CAPACITY_GIVEN
        caps_table["capacity_days"] = given.fillna(caps_table["capacity_days"]).astype(int)
    hosp = fac[fac["facility_type"].isin(HOSPITAL_TYPES)].merge(
        caps_table[["facility_id", "capacity_days", "capacity_source"]], on="facility_id"
    )
    relevant = relevant_hospitals(hosp, centers, tertiary_counties).to_numpy()
    placed = hosp["lon"].notna().to_numpy() & hosp["lat"].notna().to_numpy()
    return hosp[relevant & placed].sort_values("facility_id").reset_index(drop=True)


def _notes(hosp: pd.DataFrame, centers: pd.DataFrame) -> list[str]:
    """Assumptions and warnings of a plan: no city hospital, assumed capacities, centers without points."""
    notes = []
    for p in sorted(set(centers["prefecture_name"])):
        if not ((hosp["facility_type"] == "city_hospital") & (hosp["prefecture_name"] == p)).any():
            notes.append(
                f"{p}: 设施表中没有市属医院，不适用市属医院占比约束 no city hospital in the facility table, "
                "so the city-share rule is not applied there"
            )
    if (hosp["capacity_source"] == CAPACITY_ASSUMED).any():
        notes.append(
            "医院可派人日为假设值（按中心数推算），请在表中修改 capacities are ASSUMED (derived from centre "
            "counts: county hospital = centres in its county; city hospitals = 35% of the prefecture's "
            "centres); edit them"
        )
    unknown = centers[centers["travel_unknown"]]
    if len(unknown):
        notes.append(
            f"{len(unknown)} 个中心无坐标，已纳入排班但车程未知（仅本县医院或本市市属医院支援）"
            f" {len(unknown)} centre(s) without coordinates are planned, travel unknown: "
            + "、".join((unknown["county_name"] + unknown["name"]).tolist()[:10])
        )
    return notes


def travel_minutes(
    network: Network, hosp: pd.DataFrame, centers: pd.DataFrame
) -> tuple[MatrixResult, np.ndarray]:
    """Travel to the placed centers, and the (hospitals × all centers) minutes the optimiser uses.

    A center without coordinates gets, from each hospital of its own county (or city hospital of its
    prefecture), the largest finite minutes from that hospital to a placed center of the same county — a
    stand-in, never reported — and ``inf`` from every other hospital.
    """
    placed = ~centers["travel_unknown"].to_numpy()
    travel = travel_matrix(network, _points(hosp), _points(centers[placed]))
    minutes = np.full((len(hosp), len(centers)), np.inf)
    minutes[:, placed] = np.asarray(travel.minutes, dtype=float)
    for c in np.flatnonzero(~placed):
        same = (
            (centers["county_name"].to_numpy()[placed] == centers.at[c, "county_name"])
            & (centers["prefecture_name"].to_numpy()[placed] == centers.at[c, "prefecture_name"])
        )
        known = np.where(np.isfinite(minutes[:, placed][:, same]), minutes[:, placed][:, same], np.nan)
        with np.errstate(all="ignore"):
            stand_in = np.nanmax(known, axis=1) if same.any() else np.full(len(hosp), np.nan)
        stand_in = np.where(np.isnan(stand_in), 60.0, stand_in)  # a county of unplaced centers only
        minutes[:, c] = stand_in
    return travel, minutes


def _pairs_table(
    result: PairingResult, hosp: pd.DataFrame, centers: pd.DataFrame, travel: MatrixResult
) -> pd.DataFrame:
    """One row per pair; minutes/km from ``travel`` (placed centers only), NaN where travel is unknown."""
    h, c = result.hospital, result.center
    unknown = centers["travel_unknown"].to_numpy()[c]
    placed_index = np.cumsum(~centers["travel_unknown"].to_numpy()) - 1  # column in travel of each center
    col = np.where(unknown, 0, placed_index[c])
    minutes = np.full(h.size, np.nan)
    km = np.full(h.size, np.nan)
    if np.asarray(travel.minutes).shape[1]:
        minutes = np.where(unknown, np.nan, np.round(np.asarray(travel.minutes, dtype=float)[h, col], 1))
        km = np.where(unknown, np.nan, np.round(np.asarray(travel.km, dtype=float)[h, col], 1))
    pairs = pd.DataFrame(
        {
            "hospital_id": hosp["facility_id"].to_numpy()[h],
            "hospital": hosp["name"].to_numpy()[h],
            "hospital_type": hosp["facility_type"].to_numpy()[h],
            "center_id": centers["facility_id"].to_numpy()[c],
            "center": centers["name"].to_numpy()[c],
            "county": centers["county_name"].to_numpy()[c],
            "prefecture": centers["prefecture_name"].to_numpy()[c],
            "days": result.days.astype(int),
            "minutes": minutes,
            "km": km,
            "out_of_county": result.out_of_county,
            "travel_unknown": unknown,
            "estimated": bool(travel.estimated),
        }
    )
    return pairs.sort_values(["hospital_id", "minutes", "center_id"], kind="stable").reset_index(drop=True)
