"""Pairing hospitals with health centers (千名医师下基层) and tertiary hospitals with weak counties.

Two entry points, as in spopt: cores on plain arrays (:func:`pair_from_matrix`,
:func:`pair_tertiary_from_matrix`, from :mod:`routing.pairing.core`) and adapters on the facility
table (:func:`plan_pairing`, :func:`plan_tertiary_pairing`) that pick the scope, fill capacities, ask
the network for travel minutes and return tables. CLI (see :func:`main`):
``python -m routing.pairing --prefecture 龙岩 --month 2026-12 --xlsx FILE``.

Capacities (doctor-days per hospital per month) are not in our data (``doctors_per_month`` is
empty). Unless the planner supplies them, :func:`default_capacities` derives them — an ASSUMPTION,
labelled as such in every table: a county hospital offers as many doctor-days as its county has
centers (split evenly if a county has several), a city hospital ⌈35% × its prefecture's centers /
number of city hospitals there⌉ (the policy's 30% plus 5 points of slack), a tertiary hospital 0
(it joins only when the planner gives it days and, for centers outside its own county, a
weak-county pairing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo._errors import InputValidationError, UnknownPlaceError
from geo.facilities import HOSPITAL_TYPES, PRIMARY_CARE_TYPES, load_facilities
from geo.network import active_network
from geo.scope import Scope, resolve_scope
from routing.matrix import travel_matrix
from routing.pairing._greedy import greedy_nearest
from routing.pairing._tertiary import TertiaryPairingResult, pair_tertiary_from_matrix
from routing.pairing.core import PairingParams, PairingResult, pair_from_matrix
from routing.pairing.example import load_example_scenario

__all__ = [
    "CENTER_TYPES",
    "HOSPITAL_TYPES",
    "PairingParams",
    "PairingPlan",
    "PairingResult",
    "TertiaryPairingResult",
    "TertiaryPlan",
    "capacity_table",
    "default_capacities",
    "greedy_nearest",
    "load_example_scenario",
    "pair_from_matrix",
    "pair_tertiary_from_matrix",
    "plan_pairing",
    "plan_tertiary_pairing",
    "read_capacities",
]

CENTER_TYPES = PRIMARY_CARE_TYPES
CAPACITY_ASSUMED = "假设：按中心数推算 assumed (derived from centre counts)"
CAPACITY_GIVEN = "规划人员填写 entered by planner"
CAPACITY_TABLE = "设施表 facility table"
CITY_SLACK = 0.05


def default_capacities(facilities: pd.DataFrame) -> pd.DataFrame:
    """Documented default capacities (doctor-days per month) for every hospital of the table — an assumption.

    Returns
    -------
    pandas.DataFrame
        ``facility_id``, ``name``, ``facility_type``, ``prefecture_name``, ``county_name``, ``capacity_days``,
        ``capacity_source`` (the facility table's ``doctors_per_month`` when known, else the assumption).
    """
    centers = facilities[facilities["facility_type"].isin(CENTER_TYPES)]
    per_county = centers.groupby(["prefecture_name", "county_name"]).size()
    per_pref = centers.groupby("prefecture_name").size()
    hosp = facilities[facilities["facility_type"].isin(HOSPITAL_TYPES)].copy()
    county_h = (
        hosp[hosp["facility_type"] == "county_hospital"].groupby(["prefecture_name", "county_name"]).size()
    )
    city_h = hosp[hosp["facility_type"] == "city_hospital"].groupby("prefecture_name").size()
    caps, sources = [], []
    for row in hosp.itertuples(index=False):
        known = getattr(row, "doctors_per_month", np.nan)
        if pd.notna(known):
            caps.append(int(known))
            sources.append(CAPACITY_TABLE)
            continue
        if row.facility_type == "county_hospital":
            key = (row.prefecture_name, row.county_name)
            cap = math.ceil(per_county.get(key, 0) / max(int(county_h.get(key, 1)), 1))
        elif row.facility_type == "city_hospital":
            n = per_pref.get(row.prefecture_name, 0)
            cap = math.ceil((0.30 + CITY_SLACK) * n / max(int(city_h.get(row.prefecture_name, 1)), 1))
        else:
            cap = 0
        caps.append(int(cap))
        sources.append(CAPACITY_ASSUMED)
    out = hosp[["facility_id", "name", "facility_type", "prefecture_name", "county_name"]].reset_index(
        drop=True
    )
    out["capacity_days"] = caps
    out["capacity_source"] = sources
    return out


def read_capacities(table: pd.DataFrame | str, *, source: str = "capacities") -> dict[str, int]:
    """Validate a capacity table (columns ``facility_id``, ``capacity_days``) from a file path or a frame.

    Raises
    ------
    InputValidationError
        Missing column, empty id, or a value that is not a whole number ≥ 0 (the row and column are named).
    """
    if isinstance(table, str):
        try:
            frame = pd.read_csv(table, dtype={"facility_id": str}, encoding="utf-8-sig")
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            msg = f"{table}: cannot read the capacity CSV ({exc})"
            raise InputValidationError(msg) from None
        source = table
    else:
        frame = table
    for col in ("facility_id", "capacity_days"):
        if col not in frame.columns:
            msg = f"{source}: missing column {col!r}; expected facility_id, capacity_days"
            raise InputValidationError(msg)
    out: dict[str, int] = {}
    for i, (fid, val) in enumerate(zip(frame["facility_id"], frame["capacity_days"], strict=True)):
        row = i + 2  # 1-based, after the header line, as a spreadsheet shows it
        if pd.isna(fid) or not str(fid).strip():
            msg = f"{source} row {row}, column facility_id: empty"
            raise InputValidationError(msg)
        try:
            num = float(val)
        except (TypeError, ValueError):
            num = float("nan")
        if not np.isfinite(num) or num < 0 or num != round(num):
            msg = f"{source} row {row}, column capacity_days: {val!r} is not a whole number ≥ 0"
            raise InputValidationError(msg)
        out[str(fid).strip()] = int(num)
    return out


def _relevant_hospitals(
    hosp: pd.DataFrame, centers: pd.DataFrame, tertiary_counties: Mapping[str, Sequence[str]] | None
) -> pd.Series:
    """Hospitals that may serve the centers: county hospitals of their counties, city hospitals of their
    prefectures, tertiary hospitals in those counties or paired with them."""
    prefs = set(centers["prefecture_name"])
    counties = set(zip(centers["prefecture_name"], centers["county_name"], strict=True))
    names = {c for _, c in counties}
    tert = {str(k): set(v) for k, v in (tertiary_counties or {}).items()}
    keys = zip(
        hosp["facility_type"], hosp["prefecture_name"], hosp["county_name"], hosp["facility_id"], strict=True
    )
    return pd.Series(
        [
            (t == "county_hospital" and (p, c) in counties)
            or (t == "city_hospital" and p in prefs)
            or (t == "tertiary_hospital" and ((p, c) in counties or bool(tert.get(fid, set()) & names)))
            for t, p, c, fid in keys
        ],
        index=hosp.index,
        dtype=bool,
    )


def capacity_table(
    facilities: pd.DataFrame | None = None,
    *,
    prefecture: str | None = None,
    county: str | None = None,
    capacities: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """The editable capacity table of the hospitals that may serve a scope (defaults = assumption).

    Returns
    -------
    pandas.DataFrame
        As :func:`default_capacities`, restricted to the scope's hospitals, ``capacities`` applied.
    """
    if facilities is None:
        facilities = load_facilities()
    fac = pd.DataFrame(facilities.drop(columns="geometry", errors="ignore"))
    scope = resolve_scope(counties=county, within=prefecture) if county else resolve_scope(prefecture)
    centers = fac[fac["facility_type"].isin(CENTER_TYPES) & scope.mask(fac)]
    table = default_capacities(fac)
    hosp = fac[fac["facility_type"].isin(HOSPITAL_TYPES)].set_index("facility_id")
    keep = _relevant_hospitals(hosp.reset_index(), centers, None).to_numpy()
    ids = set(hosp.index[keep])
    table = table[table["facility_id"].isin(ids)].reset_index(drop=True)
    if capacities:
        given = table["facility_id"].map(capacities)
        table.loc[given.notna(), "capacity_source"] = CAPACITY_GIVEN
        table["capacity_days"] = given.fillna(table["capacity_days"]).astype(int)
    return table


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
        ``lon``, ``lat``, ``location_quality``.
    pairs
        One row per pair: ``hospital_id``, ``hospital``, ``hospital_type``, ``center_id``, ``center``,
        ``county``, ``prefecture``, ``days``, ``minutes``, ``km``, ``out_of_county``, ``estimated``.
    not_planned
        Centers left out with the reason (no coordinates).
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

    def summary(self) -> dict[str, Any]:
        """Key figures: centers, doctor-days, total/max minutes, city share per prefecture, optimality."""
        r = self.result
        return {
            "scope": self.scope.label,
            "centers": len(self.centers),
            "hospitals_used": int(self.pairs["hospital_id"].nunique()),
            "doctor_days": int(self.pairs["days"].sum()),
            "total_minutes": round(r.total_minutes, 1),
            "mean_minutes": round(r.total_minutes / max(int(self.pairs["days"].sum()), 1), 1),
            "max_minutes": round(r.max_minutes, 1),
            "objective": r.objective,
            "optimal": r.optimal,
            "bound_minutes": round(r.bound_minutes, 1),
            "city_share": {p: f"{r.city_days[p]}/{r.total_days[p]}" for p in r.total_days},
            "estimated": self.estimated,
            "not_planned": len(self.not_planned),
            "solve_seconds": round(r.solve_seconds, 3),
        }


def _travel(network: Any, origins: np.ndarray, destinations: np.ndarray) -> Any:
    """Travel minutes/km through the cached matrix when available, else straight from the network."""
    return travel_matrix(network, origins, destinations)


def _points(frame: pd.DataFrame) -> np.ndarray:
    return frame[["lon", "lat"]].to_numpy(dtype=float)


def plan_pairing(
    facilities: pd.DataFrame | None = None,
    *,
    prefecture: str | None = None,
    county: str | None = None,
    capacities: Mapping[str, int] | None = None,
    network: Any = None,
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
    notes: list[str] = []
    centers_all = fac[fac["facility_type"].isin(CENTER_TYPES) & scope.mask(fac)]
    placed = centers_all["lon"].notna() & centers_all["lat"].notna()
    not_planned = centers_all.loc[~placed, ["facility_id", "name", "county_name", "prefecture_name"]].assign(
        reason="无坐标，无法计算车程 no coordinates: cannot compute travel; place it to include it"
    )
    centers = centers_all[placed].sort_values("facility_id").reset_index(drop=True)
    if centers.empty:
        msg = f"{scope.label}: no health center with coordinates to plan"
        raise InputValidationError(msg)
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
    prefs = set(centers["prefecture_name"])
    relevant = _relevant_hospitals(hosp, centers, tertiary_counties).to_numpy()
    tert = {str(k): set(v) for k, v in (tertiary_counties or {}).items()}
    hosp = hosp[relevant & hosp["lon"].notna().to_numpy()].sort_values("facility_id").reset_index(drop=True)
    for p in sorted(prefs):
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
    travel = _travel(network, _points(hosp), _points(centers))
    extra = np.zeros((len(hosp), len(centers)), dtype=bool)
    for i, fid in enumerate(hosp["facility_id"]):
        if fid in tert:
            extra[i] = centers["county_name"].isin(tert[fid]).to_numpy()
    is_city = (hosp["facility_type"] == "city_hospital").to_numpy()
    no_city = sorted(p for p in prefs if not (is_city & (hosp["prefecture_name"] == p).to_numpy()).any())
    result = pair_from_matrix(
        travel.minutes,
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
    keep_h = [
        "facility_id",
        "name",
        "facility_type",
        "prefecture_name",
        "county_name",
        "lon",
        "lat",
        "capacity_days",
        "capacity_source",
        "assigned_days",
    ]
    keep_c = [
        "facility_id",
        "name",
        "facility_type",
        "prefecture_name",
        "county_name",
        "lon",
        "lat",
        "location_quality",
    ]
    if len(not_planned):
        notes.append(
            f"{len(not_planned)} 个中心无坐标未纳入 centres without coordinates were not planned: "
            + "、".join((not_planned["county_name"] + not_planned["name"]).tolist()[:10])
        )
    return PairingPlan(
        scope=scope,
        hospitals=hosp[keep_h],
        centers=centers[keep_c],
        pairs=pairs,
        not_planned=not_planned.reset_index(drop=True),
        result=result,
        params=params,
        estimated=bool(travel.estimated),
        network_label=network.label("zh"),
        notes=notes,
    )


def _pairs_table(
    result: PairingResult, hosp: pd.DataFrame, centers: pd.DataFrame, travel: Any
) -> pd.DataFrame:
    h, c = result.hospital, result.center
    km = np.asarray(travel.km)[h, c] if getattr(travel, "km", None) is not None else np.full(h.size, np.nan)
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
            "minutes": np.round(result.minutes, 1),
            "km": np.round(km, 1),
            "out_of_county": result.out_of_county,
            "estimated": bool(travel.estimated),
        }
    )
    return pairs.sort_values(["hospital_id", "minutes", "center_id"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class TertiaryPlan:
    """Tertiary hospital → weak county pairing: ``pairs`` (hospital_id, hospital, county, county_hospital,
    minutes, km, estimated), the core result and the network label."""
    pairs: pd.DataFrame
    result: TertiaryPairingResult
    estimated: bool
    network_label: str


def plan_tertiary_pairing(
    tertiary_ids: Sequence[str],
    weak_counties: Sequence[str],
    facilities: pd.DataFrame | None = None,
    *,
    network: Any = None,
    min_per_hospital: int | None = None,
    max_per_hospital: int | None = None,
) -> TertiaryPlan:
    """Balanced, travel-aware tertiary → weak-county pairing (minutes to each county's general hospital).

    Parameters
    ----------
    tertiary_ids
        ``facility_id`` of the tertiary hospitals (e.g. the 8 of the programme; the planner chooses them).
    weak_counties
        County names (``长汀县`` or qualified ``龙岩市长汀县``) of the weak counties (e.g. the 25).

    Raises
    ------
    UnknownPlaceError
        An id or county name is not in the facility table.
    InfeasibleError
        The balance cannot hold, or a county is unreachable.
    """
    if facilities is None:
        facilities = load_facilities()
    if network is None:
        network = active_network()
    fac = pd.DataFrame(facilities.drop(columns="geometry", errors="ignore"))
    by_id = fac.set_index("facility_id")
    missing = [t for t in tertiary_ids if t not in by_id.index]
    if missing:
        msg = f"tertiary hospital id(s) not in the facility table: {missing}"
        raise UnknownPlaceError(msg)
    hosp = by_id.loc[list(tertiary_ids)].reset_index()
    ch = fac[fac["facility_type"] == "county_hospital"]
    rows = []
    for name in weak_counties:
        scope = resolve_scope(counties=name)
        hit = ch[(ch["prefecture_name"] == scope.prefecture) & (ch["county_name"] == scope.county)]
        if hit.empty:
            msg = f"weak county {name!r}: no county hospital in the facility table"
            raise UnknownPlaceError(msg)
        rows.append(hit.sort_values("facility_id").iloc[0])
    county_h = pd.DataFrame(rows).reset_index(drop=True)
    travel = _travel(network, _points(hosp), _points(county_h))
    result = pair_tertiary_from_matrix(
        travel.minutes,
        min_per_hospital=min_per_hospital,
        max_per_hospital=max_per_hospital,
        hospital_names=hosp["name"].tolist(),
        county_names=(county_h["prefecture_name"] + county_h["county_name"]).tolist(),
    )
    k = np.arange(len(county_h))
    h = result.hospital_of_county
    pairs = (
        pd.DataFrame(
            {
                "hospital_id": hosp["facility_id"].to_numpy()[h],
                "hospital": hosp["name"].to_numpy()[h],
                "prefecture": county_h["prefecture_name"].to_numpy(),
                "county": county_h["county_name"].to_numpy(),
                "county_hospital": county_h["name"].to_numpy(),
                "minutes": np.round(result.minutes, 1),
                "km": np.round(np.asarray(travel.km)[h, k], 1),
                "estimated": bool(travel.estimated),
            }
        )
        .sort_values(["hospital_id", "minutes"], kind="stable")
        .reset_index(drop=True)
    )
    return TertiaryPlan(
        pairs=pairs, result=result, estimated=bool(travel.estimated), network_label=network.label("zh")
    )
