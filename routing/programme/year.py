"""The programme year: 12 monthly plans that send named doctors to every center on working days.

:func:`plan_year` is the adapter on the facility table and a :class:`~routing.programme.register.Register`.
Each month is solved exactly by :func:`routing.programme.solver.solve_month` (min-cost flow with lower
bounds); the months are solved in order and each one sees the earlier months' choices as costs (a rolling
horizon). The objective of month *m*, in minutes per doctor-day (documented in ARCHITECTURE.md):

    travel (one-way minutes, hospital → center; for a center without coordinates the farthest known center
           of its county from that hospital stands in, and the visit is flagged "travel unknown")
    + rotation_minutes × (months before *m* in which this doctor served this center)
    + specialty_repeat_minutes × (earlier visits of a doctor of the same specialty to this center)
    + specialty_mismatch_minutes × [the center asked for specialties and the doctor's is not one of them]
    + extra_day_minutes for every day beyond what a bound needs,

subject to: every center ≥ ``demand_days`` every month, every available named doctor ≥ 1 day in each month
he or she is available, each doctor ≤ his or her monthly cap, the 县域内 rule, and city-hospital doctors ≥
``city_share_min`` of each prefecture's doctor-days (when the register has city doctors there). Visits fall
on working days (:mod:`routing.calendar`, overrides applied), spread through the month, one center a day per
doctor. Deterministic: the same inputs and seed give the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo._errors import InfeasibleError, InputValidationError
from geo.facilities import load_facilities
from geo.network import Network, active_network
from geo.scope import Scope, resolve_scope
from routing.calendar import CalendarOverrides, year_is_provisional
from routing.pairing.capacity import CENTER_TYPES, default_capacities
from routing.pairing.plan import travel_minutes
from routing.programme._month import MonthModel
from routing.programme.register import REGISTER_COLUMNS, Register

__all__ = ["ProgrammeParams", "ProgrammeYear", "plan_year"]


@dataclass(frozen=True)
class ProgrammeParams:
    """Parameters of the programme year (checked on creation; minutes are cost weights per doctor-day).

    Attributes
    ----------
    demand_days
        Doctor-days every center needs each month (policy: at least 1).
    default_max_days
        Monthly cap of a doctor whose register row gives none.
    rotation_minutes, specialty_repeat_minutes, specialty_mismatch_minutes, extra_day_minutes
        Weights of the objective (see the module doc).
    city_share_min
        Share of each prefecture's doctor-days from city-hospital doctors (市属医院 30%); None = off.
    seed
        Seeds the spread of visit dates within a month.
    """

    demand_days: int = 1
    default_max_days: int = 4
    rotation_minutes: float = 60.0
    specialty_repeat_minutes: float = 15.0
    specialty_mismatch_minutes: float = 30.0
    extra_day_minutes: float = 1.0
    city_share_min: float | None = 0.30
    seed: int = 0

    def __post_init__(self) -> None:
        checks = [
            ("demand_days", self.demand_days, 1, 10),
            ("default_max_days", self.default_max_days, 1, 23),
            ("seed", self.seed, 0, 2**31 - 1),
        ]
        for name, value, lo, hi in checks:
            if not (isinstance(value, int) and lo <= value <= hi):
                msg = (
                    f"{name} 须为 {lo}–{hi} 的整数 / {name} must be a whole number from {lo} to {hi}, "
                    f"got {value!r}"
                )
                raise InputValidationError(msg)
        for name in (
            "rotation_minutes",
            "specialty_repeat_minutes",
            "specialty_mismatch_minutes",
            "extra_day_minutes",
        ):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0 <= value <= 10_000):
                msg = f"{name} must be between 0 and 10000 minutes, got {value!r}"
                raise InputValidationError(msg)
        if self.city_share_min is not None and not 0 <= self.city_share_min <= 1:
            msg = f"city_share_min must be between 0 and 1 or None, got {self.city_share_min!r}"
            raise InputValidationError(msg)


@dataclass(frozen=True)
class ProgrammeYear:
    """A year of monthly plans.

    Attributes
    ----------
    visits
        One row per doctor-day: ``date`` (datetime.date), ``month`` (YYYY-MM), ``weekday``, ``doctor_id``,
        ``doctor`` (name, "" without a register), ``title``, ``specialty``, ``hospital_id``, ``hospital``,
        ``hospital_type``, ``center_id``, ``center``, ``county``, ``prefecture``, ``minutes`` (one-way, NaN
        when travel is unknown), ``travel_unknown``, ``estimated``, ``provisional`` (date on the fallback
        calendar).
    doctors
        The register rows with ``in_scope`` and ``planned_days``.
    centers
        Centers of the scope with ``travel_unknown`` and ``needs`` (requested specialties).
    summary
        Per month: working days, provisional, centers, centers covered, doctor-days, doctors available and
        used, city-hospital days and share, objective.
    notes
        Assumptions and warnings (estimated travel, provisional calendar, city share, scope).
    """

    scope: Scope
    year: int
    visits: pd.DataFrame
    doctors: pd.DataFrame
    centers: pd.DataFrame
    summary: pd.DataFrame
    estimated: bool
    network_label: str
    named: bool
    notes: list[str] = field(default_factory=list)

    def month_visits(self, month: str) -> pd.DataFrame:
        """The visits of one month (``YYYY-MM``)."""
        return self.visits[self.visits["month"] == month].reset_index(drop=True)

    @property
    def months(self) -> list[str]:
        """The months planned, in order."""
        return self.summary["month"].tolist()


def _anonymous_register(fac: pd.DataFrame, hospital_ids: Sequence[str]) -> pd.DataFrame:
    """Without a register: one unnamed one-day-a-month doctor per assumed capacity day of each hospital."""
    caps = default_capacities(fac).set_index("facility_id")
    rows = []
    for fid, h in zip(hospital_ids, caps.loc[list(hospital_ids)].to_dict("records"), strict=True):
        for k in range(int(h["capacity_days"])):
            rows.append(
                {
                    "doctor_id": f"{fid}#{k + 1}",
                    "name": "",
                    "title": "",
                    "title_level": "",
                    "eligible": True,
                    "flag": "",
                    "specialty": "",
                    "hospital_id": fid,
                    "hospital": h["name"],
                    "hospital_type": h["facility_type"],
                    "county": h["county_name"],
                    "prefecture": h["prefecture_name"],
                    "months": "1-12",
                    "max_days": 1,
                    "row": 0,
                }
            )
    return pd.DataFrame(rows, columns=REGISTER_COLUMNS)


def _allowed(
    doctors: pd.DataFrame, centers: pd.DataFrame, tertiary: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """(n_doctors, n_centers) pairs the 县域内 rule allows (city hospitals: the whole prefecture)."""
    same_pref = doctors["prefecture"].to_numpy()[:, None] == centers["prefecture_name"].to_numpy()[None, :]
    same_county = same_pref & (
        doctors["county"].to_numpy()[:, None] == centers["county_name"].to_numpy()[None, :]
    )
    is_city = (doctors["hospital_type"] == "city_hospital").to_numpy()[:, None]
    allowed = np.where(is_city, same_pref, same_county)
    for i, fid in enumerate(doctors["hospital_id"]):
        if fid in tertiary:
            allowed[i] |= centers["county_name"].isin(list(tertiary[fid])).to_numpy()
    return allowed


def _specialty_matrix(doctors: pd.DataFrame, centers: pd.DataFrame) -> np.ndarray:
    """(n_doctors, n_centers) True where the center asked for specialties and the doctor has none of them."""
    out = np.zeros((len(doctors), len(centers)), dtype=bool)
    for c, needs in enumerate(centers["needs"]):
        wanted = [n for n in str(needs).replace("，", "、").replace(",", "、").split("、") if n.strip()]
        if not wanted:
            continue
        for i, spec in enumerate(doctors["specialty"].astype(str)):
            out[i, c] = not (spec and any(w.strip() in spec or spec in w for w in wanted))
    return out


def _centers(fac: pd.DataFrame, scope: Scope, needs: pd.DataFrame | None) -> pd.DataFrame:
    centers = fac[fac["facility_type"].isin(CENTER_TYPES) & scope.mask(fac)]
    centers = centers.sort_values("facility_id").reset_index(drop=True)
    if centers.empty:
        msg = f"{scope.label}：范围内没有卫生院或社区卫生服务中心 / no health center to plan"
        raise InputValidationError(msg)
    centers = centers.assign(travel_unknown=centers["lon"].isna() | centers["lat"].isna(), needs="")
    if needs is not None and len(needs):
        by_id = dict(zip(needs["center_id"].astype(str), needs["needs"].astype(str), strict=True))
        centers["needs"] = centers["facility_id"].map(by_id).fillna("")
    return centers


def _doctors_in_scope(
    register: Register | None, fac: pd.DataFrame, centers: pd.DataFrame, tertiary: Mapping[str, Sequence[str]]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(eligible doctors who can serve a center of the scope, all register rows with in_scope, notes)."""
    notes: list[str] = []
    if register is None:
        hosp = fac[fac["facility_type"].isin(["county_hospital", "city_hospital"])]
        hosp = hosp[hosp["prefecture_name"].isin(set(centers["prefecture_name"]))]
        everyone = _anonymous_register(fac, hosp["facility_id"].tolist())
        notes.append(
            "未载入医师名册：按假设可派人日生成未具名医师（表中姓名留空待填） no register: unnamed doctors "
            "from the assumed capacities; name cells are left empty"
        )
    else:
        everyone = register.doctors.copy()
    reach = _allowed(everyone, centers, tertiary).any(axis=1) if len(everyone) else np.zeros(0, dtype=bool)
    everyone = everyone.assign(in_scope=reach & everyone["eligible"].to_numpy(dtype=bool))
    if register is None:
        everyone = everyone[everyone["in_scope"]].reset_index(drop=True)
    out = (~reach).sum()
    if register is not None and out:
        notes.append(
            f"名册中 {out} 名医师所属医院不能支援本范围的中心，未安排 {out} register doctor(s) cannot serve "
            "this scope (县域内 rule) and were not planned"
        )
    flagged = int((~everyone["eligible"].astype(bool)).sum())
    if flagged:
        notes.append(
            f"{flagged} 名医师职称低于中级或无法识别，已标注，不安排 "
            f"{flagged} doctor(s) below 中级: never assigned"
        )
    return everyone[everyone["in_scope"]].reset_index(drop=True), everyone, notes


def _hospital_frame(fac: pd.DataFrame, doctors: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    ids = sorted(set(doctors["hospital_id"]))
    hosp = fac.set_index("facility_id").loc[ids].reset_index()
    hosp[["lon", "lat"]] = hosp[["lon", "lat"]].fillna({"lon": np.nan, "lat": np.nan})
    index = {h: i for i, h in enumerate(ids)}
    return hosp, np.array([index[h] for h in doctors["hospital_id"]], dtype=np.int64)


def plan_year(
    register: Register | None,
    *,
    year: int,
    prefecture: str | None = None,
    county: str | None = None,
    facilities: pd.DataFrame | None = None,
    network: Network | None = None,
    overrides: CalendarOverrides | None = None,
    params: ProgrammeParams | None = None,
    center_needs: pd.DataFrame | None = None,
    months: Sequence[int] | None = None,
    tertiary_counties: Mapping[str, Sequence[str]] | None = None,
) -> ProgrammeYear:
    """Plan the programme year for a county, a prefecture or the province (see the module doc).

    Parameters
    ----------
    register
        The validated doctor register (:func:`routing.programme.register.read_register`); None plans unnamed
        doctors from the assumed capacities (names left empty in the forms).
    year
        2022–2035.
    prefecture, county
        Scope; neither = the province.
    overrides
        Planner-entered holidays and make-up workdays.
    center_needs
        Optional ``center_id``, ``needs`` (specialties the center asks for, e.g. ``儿科、中医``).
    months
        Months to plan (default 1–12).
    tertiary_counties
        Tertiary hospital ``facility_id`` → counties it supports (its doctors may serve their centers).

    Raises
    ------
    InfeasibleError
        Some month cannot cover every center or give every available doctor a day: the message names the
        month, the county or prefecture and the shortfall in doctor-days, and doctors by register row.
    """
    params = params or ProgrammeParams()
    fac = pd.DataFrame(
        (facilities if facilities is not None else load_facilities()).drop(
            columns="geometry", errors="ignore"
        )
    )
    network = network or active_network()
    scope = resolve_scope(counties=county, within=prefecture) if county else resolve_scope(prefecture)
    centers = _centers(fac, scope, center_needs)
    doctors, everyone, notes = _doctors_in_scope(register, fac, centers, tertiary_counties or {})
    if doctors.empty:
        msg = (
            f"{scope.label}：名册中没有可派出的医师（中级及以上、所属医院可支援本范围） "
            "/ no eligible doctor in scope"
        )
        raise InputValidationError(msg)
    hosp, doc_hosp = _hospital_frame(fac, doctors)
    travel, hosp_minutes = travel_minutes(network, hosp, centers)
    base = hosp_minutes[doc_hosp]
    allowed = _allowed(doctors, centers, tertiary_counties or {}) & np.isfinite(base)
    model = MonthModel(
        doctors,
        centers,
        base,
        allowed,
        _specialty_matrix(doctors, centers),
        params,
        overrides,
        bool(travel.estimated),
    )
    frames, rows, problems = [], [], []
    for mon in months or range(1, 13):
        frame, row, found = model.plan(year, mon)
        frames.append(frame)
        rows.append(row)
        problems += found
    if problems:
        raise InfeasibleError("排班不可行 / no feasible plan:\n- " + "\n- ".join(dict.fromkeys(problems)))
    visits = pd.concat(frames, ignore_index=True)
    summary = pd.DataFrame(rows)
    planned = visits.groupby("doctor_id").size()
    everyone = everyone.assign(planned_days=everyone["doctor_id"].map(planned).fillna(0).astype(int))
    notes += _year_notes(year, travel.estimated, centers, summary, params)
    return ProgrammeYear(
        scope,
        year,
        visits,
        everyone,
        centers,
        summary,
        bool(travel.estimated),
        network.label("zh"),
        register is not None,
        notes,
    )


def _year_notes(
    year: int, estimated: bool, centers: pd.DataFrame, summary: pd.DataFrame, params: ProgrammeParams
) -> list[str]:
    notes = []
    if estimated:
        notes.append("车程为估算值 travel minutes are ESTIMATED (straight line × circuity at assumed speeds)")
    if year_is_provisional(year):
        notes.append(
            f"{year} 年节假日安排：暂定，以国务院通知为准 (statutory holidays computed; provisional)"
        )
    unknown = centers[centers["travel_unknown"]]
    if len(unknown):
        notes.append(
            f"{len(unknown)} 个中心无坐标，已排班但车程未知 travel unknown: "
            + "、".join((unknown["county_name"] + unknown["name"]).tolist()[:10])
        )
    short = summary[summary["city_days"] < summary["city_days_required"]]
    if params.city_share_min and len(short):
        notes.append(
            f"市属医院医师人日低于 {params.city_share_min:.0%} 的月份：{'、'.join(short['month'])} "
            "(not enough city-hospital doctors available)"
        )
    return notes
