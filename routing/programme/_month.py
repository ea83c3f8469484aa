"""One month of the programme year: the model the months share, and what a month adds to the plan.

:class:`MonthModel` holds what does not change from month to month (doctors, centers, travel, allowed pairs,
specialty mismatches) and what the earlier months leave behind (who served where, which specialties a center
has seen): :meth:`MonthModel.plan` builds month *m*'s costs and bounds (see :mod:`routing.programme.year`),
solves it exactly (:func:`routing.programme.solver.solve_month`), dates the visits and records the month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from routing.calendar import CalendarOverrides, day_info, working_days, year_is_provisional
from routing.programme.register import months_of
from routing.programme.solver import solve_month

if TYPE_CHECKING:
    from routing.programme.year import ProgrammeParams

__all__ = ["WEEKDAY_ZH", "MonthModel"]

_GOLDEN = 0.6180339887498949
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass
class MonthModel:
    """The year's fixed inputs and the state the months carry forward.

    Attributes
    ----------
    doctors, centers
        Eligible in-scope doctors (register rows) and the scope's centers.
    base
        (n_doctors, n_centers) one-way travel minutes (stand-ins for centers without coordinates).
    allowed
        Pairs the 县域内 rule allows (and travel reaches).
    mismatch
        The center asked for specialties and the doctor has none of them.
    served, spec_seen
        Months in which a doctor served a center; earlier doctor-days per center and specialty.
    """

    doctors: pd.DataFrame
    centers: pd.DataFrame
    base: np.ndarray
    allowed: np.ndarray
    mismatch: np.ndarray
    params: ProgrammeParams
    overrides: CalendarOverrides | None
    estimated: bool
    served: np.ndarray = field(init=False)
    spec_seen: np.ndarray = field(init=False)
    spec_of: np.ndarray = field(init=False)
    available: list[tuple[int, ...]] = field(init=False)

    def __post_init__(self) -> None:
        specs = {s: k for k, s in enumerate(sorted(set(self.doctors["specialty"].astype(str))))}
        self.spec_of = np.array([specs[s] for s in self.doctors["specialty"].astype(str)], dtype=np.int64)
        self.served = np.zeros(self.allowed.shape)
        self.spec_seen = np.zeros((len(self.centers), len(specs)))
        self.available = months_of(self.doctors)

    def plan(self, year: int, mon: int) -> tuple[pd.DataFrame, dict[str, object], list[str]]:
        """Solve month ``mon`` exactly; return its visits, its summary row and the shortfalls found."""
        params, doctors, centers = self.params, self.doctors, self.centers
        month = f"{year:04d}-{mon:02d}"
        work = working_days(month, overrides=self.overrides)
        avail = np.array([mon in a for a in self.available], dtype=bool)
        cap = np.minimum(
            doctors["max_days"].fillna(params.default_max_days).astype(int).to_numpy(), len(work)
        )
        cap = np.where(avail, cap, 0)
        named = (doctors["name"].astype(str) != "").to_numpy()
        min_days = np.where(avail & named & self.allowed.any(axis=1), 1, 0)
        problems = _precheck(month, doctors, centers, self.allowed, cap, avail, named, params)
        cost = (
            self.base
            + params.rotation_minutes * self.served
            + params.specialty_repeat_minutes * self.spec_seen[:, self.spec_of].T
            + params.specialty_mismatch_minutes * self.mismatch
        )
        groups, lower, shares = _city_groups(doctors, centers, avail, params)
        sol = solve_month(
            np.where(self.allowed, cost, 0.0),
            self.allowed,
            cap,
            min_days,
            np.full(len(centers), params.demand_days),
            city_groups=groups,
            city_lower=lower,
            extra_day_minutes=params.extra_day_minutes,
        )
        problems += _shortfalls(month, sol.center_short, sol.doctor_short, centers, doctors)
        np.add.at(self.served, (sol.doctor, sol.center), 1)
        np.add.at(self.spec_seen, (sol.center, self.spec_of[sol.doctor]), sol.days)
        dated = _dated_visits(sol.doctor, sol.center, sol.days, work, mon, params.seed)
        frame = _visit_frame(dated, month, doctors, centers, self.base, self.estimated, self.overrides)
        row = _month_row(month, work, year, self.overrides, frame, centers, avail, sol.cost, shares)
        return frame, row, problems


def _city_groups(
    doctors: pd.DataFrame, centers: pd.DataFrame, avail: np.ndarray, params: ProgrammeParams
) -> tuple[list[np.ndarray], np.ndarray, dict[str, int]]:
    """City-hospital doctor groups per prefecture and the days they must supply (share × demand)."""
    groups: list[np.ndarray] = []
    lower: list[int] = []
    shares: dict[str, int] = {}
    if not params.city_share_min:
        return groups, np.zeros(0, dtype=np.int64), shares
    is_city = (doctors["hospital_type"] == "city_hospital").to_numpy()
    for p in sorted(set(centers["prefecture_name"])):
        members = np.flatnonzero(is_city & avail & (doctors["prefecture"] == p).to_numpy())
        if members.size:
            need = math.ceil(
                params.city_share_min * params.demand_days * int((centers["prefecture_name"] == p).sum())
            )
            groups.append(members)
            lower.append(need)
            shares[p] = need
    return groups, np.asarray(lower, dtype=np.int64), shares


def _precheck(
    month: str,
    doctors: pd.DataFrame,
    centers: pd.DataFrame,
    allowed: np.ndarray,
    cap: np.ndarray,
    avail: np.ndarray,
    named: np.ndarray,
    params: ProgrammeParams,
) -> list[str]:
    """Shortfalls seen before solving: per county, the centers' need vs the doctors who can reach them."""
    out = []
    keys = list(zip(centers["prefecture_name"].astype(str), centers["county_name"].astype(str), strict=True))
    for pref, cty in dict.fromkeys(keys):
        idx = np.asarray([k for k, key in enumerate(keys) if key == (pref, cty)])
        need = params.demand_days * idx.size
        offer = int(cap[allowed[:, idx].any(axis=1)].sum())
        if offer < need:
            out.append(
                f"{month} {pref}{cty}：{idx.size} 个中心需 {need} 人日，可派医师最多 {offer} 人日，"
                f"缺 {need - offer} 人日 / {idx.size} centers need {need} doctor-days, available doctors "
                f"offer {offer}: {need - offer} short"
            )
    stranded = np.flatnonzero(avail & named & ~allowed.any(axis=1))
    for i in stranded:
        out.append(
            f"{month}：名册第{doctors.at[i, 'row']!s}行医师（{doctors.at[i, 'doctor_id']!s}）"
            "没有可支援的中心 / a doctor has no center he or she may serve"
        )
    return out


def _shortfalls(
    month: str,
    center_short: np.ndarray,
    doctor_short: np.ndarray,
    centers: pd.DataFrame,
    doctors: pd.DataFrame,
) -> list[str]:
    out = []
    for c in np.flatnonzero(center_short > 0):
        out.append(
            f"{month} {centers.at[c, 'county_name']!s}{centers.at[c, 'name']!s}："
            f"缺 {int(center_short[c])} 人日 / center short of doctor-days"
        )
    short = np.flatnonzero(doctor_short > 0)
    if short.size:
        rows = "、".join(f"第{doctors.at[i, 'row']!s}行" for i in short[:10])
        out.append(
            f"{month}：{short.size} 名可支援医师本月无法安排（名册{rows}）：中心不足或被其他医师占满 "
            f"/ {short.size} available doctor(s) cannot get a day this month"
        )
    return out


def _dated_visits(
    doc: np.ndarray, cen: np.ndarray, days: np.ndarray, work: list, mon: int, seed: int
) -> list:
    """(date, doctor, center) for every doctor-day: a doctor's days spread over the month, one per day."""
    out = []
    n_work = len(work)
    for i in np.unique(doc):
        sel = doc == i
        visits = [int(c) for c, d in zip(cen[sel], days[sel], strict=True) for _ in range(int(d))]
        n = len(visits)
        u = ((int(i) + 1) * _GOLDEN + mon * 0.1 + seed * 0.37) % 1.0
        for k, c in enumerate(visits):
            out.append((work[min(math.floor((k + u) * n_work / n), n_work - 1)], int(i), c))
    return sorted(out)


def _visit_frame(
    visits: list,
    month: str,
    doctors: pd.DataFrame,
    centers: pd.DataFrame,
    base: np.ndarray,
    estimated: bool,
    overrides: CalendarOverrides | None,
) -> pd.DataFrame:
    d = np.array([v[1] for v in visits], dtype=np.int64)
    c = np.array([v[2] for v in visits], dtype=np.int64)
    unknown = centers["travel_unknown"].to_numpy()[c] if len(c) else np.zeros(0, dtype=bool)
    dates = [v[0] for v in visits]
    return pd.DataFrame(
        {
            "date": dates,
            "month": month,
            "weekday": [WEEKDAY_ZH[x.weekday()] for x in dates],
            "doctor_id": doctors["doctor_id"].to_numpy()[d],
            "doctor": doctors["name"].to_numpy()[d],
            "title": doctors["title"].to_numpy()[d],
            "specialty": doctors["specialty"].to_numpy()[d],
            "hospital_id": doctors["hospital_id"].to_numpy()[d],
            "hospital": doctors["hospital"].to_numpy()[d],
            "hospital_type": doctors["hospital_type"].to_numpy()[d],
            "center_id": centers["facility_id"].to_numpy()[c],
            "center": centers["name"].to_numpy()[c],
            "county": centers["county_name"].to_numpy()[c],
            "prefecture": centers["prefecture_name"].to_numpy()[c],
            "minutes": np.where(unknown, np.nan, np.round(base[d, c], 1) if len(c) else np.zeros(0)),
            "travel_unknown": unknown,
            "estimated": bool(estimated),
            "provisional": [day_info(x, overrides=overrides).provisional for x in dates],
        }
    )


def _month_row(
    month: str,
    work: list,
    year: int,
    overrides: CalendarOverrides | None,
    visits: pd.DataFrame,
    centers: pd.DataFrame,
    avail: np.ndarray,
    cost: float,
    shares: dict[str, int],
) -> dict[str, object]:
    city = int((visits["hospital_type"] == "city_hospital").sum())
    return {
        "month": month,
        "working_days": len(work),
        "provisional": year_is_provisional(year, overrides),
        "centers": len(centers),
        "centers_covered": int(visits["center_id"].nunique()),
        "doctor_days": len(visits),
        "doctors_available": int(avail.sum()),
        "doctors_used": int(visits["doctor_id"].nunique()),
        "city_days": city,
        "city_share": round(city / len(visits), 3) if len(visits) else 0.0,
        "city_days_required": int(sum(shares.values())),
        "objective_minutes": round(cost, 1),
    }
