"""Monthly roster: from a pairing and a month, which doctor of which hospital goes where on which day.

Working days come from :mod:`routing.calendar` (the official arrangement where ``chinese_calendar`` covers
the year, else weekends + statutory holidays labelled 「暂定，以国务院通知为准」, and the planner's
overrides).
Visits are spread through the month: the ``k``-th of a hospital's ``N`` visits falls on
working day ``⌊(k + u) · W / N⌋`` (``W`` working days, ``u`` ∈ [0, 1) a fixed per-hospital offset so that
hospitals do not all pick the same days), and visits go round-robin to the hospital's doctors, so no doctor
exceeds the per-doctor cap or works two centers on one day. Deterministic: the same pairs and month give the
same roster.

Doctors are placeholders (``医师1`` …) until the planner enters names in 附件1.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._errors import InputValidationError
from routing.calendar import CalendarOverrides, day_info, month_days, parse_month, working_days

__all__ = [
    "RosterParams",
    "calendar_table",
    "make_roster",
    "make_rosters",
    "month_list",
    "parse_month",
    "schedule_visits",
    "working_days",
]

WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_GOLDEN = 0.6180339887498949


@dataclass(frozen=True)
class RosterParams:
    """Roster parameters (checked on creation).

    Attributes
    ----------
    max_days_per_doctor
        Most days one doctor works at centers in a month (default 4: about one day a week).
    rotate_doctors
        Shift which doctor takes which visit from one month to the next, so a doctor serves different centers
        in different months (支援人员可于不同月份支援不同单位, 漳卫〔2022〕60号).
    """
    max_days_per_doctor: int = 4
    rotate_doctors: bool = True

    def __post_init__(self) -> None:
        if not (isinstance(self.max_days_per_doctor, int) and 1 <= self.max_days_per_doctor <= 23):
            msg = f"max_days_per_doctor must be a whole number from 1 to 23, got {self.max_days_per_doctor!r}"
            raise InputValidationError(msg)


def month_list(spec: str) -> list[str]:
    """Months from ``"2026-10"``, ``"2026-10,2026-12"`` or a range ``"2026-10..2026-12"`` (at most 24).

    Raises
    ------
    InputValidationError
        A bad month, a reversed range, or more than 24 months.
    """
    out: list[str] = []
    for part in str(spec).split(","):
        if ".." in part:
            a, b = part.split("..", 1)
            (y0, m0), (y1, m1) = parse_month(a), parse_month(b)
            first, last = y0 * 12 + m0 - 1, y1 * 12 + m1 - 1
            if last < first:
                msg = f"month range {part.strip()!r} runs backwards"
                raise InputValidationError(msg)
            out += [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in range(first, last + 1)]
        else:
            y, m = parse_month(part)
            out.append(f"{y:04d}-{m:02d}")
    out = list(dict.fromkeys(out))
    if len(out) > 24:
        msg = f"{len(out)} months requested; at most 24 at a time"
        raise InputValidationError(msg)
    return out


def schedule_visits(
    hospital: Sequence[int],
    center: Sequence[int],
    days: Sequence[int],
    month: str,
    *,
    doctors: Mapping[int, int] | None = None,
    params: RosterParams | None = None,
    hospital_names: Mapping[int, str] | None = None,
    overrides: CalendarOverrides | None = None,
) -> pd.DataFrame:
    """Core on arrays: spread each pair's doctor-days over the month's working days.

    Parameters
    ----------
    hospital, center, days
        One entry per pair: hospital index, center index, doctor-days per month.
    month
        ``"YYYY-MM"``.
    doctors
        Number of doctors per hospital index (default ⌈visits / max_days_per_doctor⌉).
    params
        :class:`RosterParams`.
    hospital_names
        Names for messages.
    overrides
        Planner-entered holidays and make-up workdays (:class:`routing.calendar.CalendarOverrides`).

    Returns
    -------
    pandas.DataFrame
        One row per visit: ``date`` (datetime.date), ``hospital`` (index), ``doctor`` (1-based within the
        hospital), ``center`` (index); sorted by date, hospital, doctor.

    Raises
    ------
    InputValidationError
        Bad month or uncovered year; more visits than the hospital's doctors may work.
    """
    params = params or RosterParams()
    year, mon = parse_month(month)
    work = working_days(month, overrides=overrides)
    n_work = len(work)
    if params.max_days_per_doctor > n_work:
        msg = (
            f"max_days_per_doctor = {params.max_days_per_doctor} exceeds the {n_work} working days of {month}"
        )
        raise InputValidationError(msg)
    h_arr = np.asarray(hospital, dtype=np.int64)
    c_arr = np.asarray(center, dtype=np.int64)
    d_arr = np.asarray(days, dtype=np.int64)
    if not (h_arr.shape == c_arr.shape == d_arr.shape) or (d_arr < 0).any():
        msg = "hospital, center and days must have the same length and days must be ≥ 0"
        raise InputValidationError(msg)
    rows: list[tuple[dt.date, int, int, int]] = []
    for rank, h in enumerate(sorted(set(h_arr.tolist()))):
        sel = np.flatnonzero(h_arr == h)
        # interleave rounds so that a center with several days gets them spread: (round, center)
        visits = sorted((r, int(c_arr[i])) for i in sel for r in range(int(d_arr[i])))
        n = len(visits)
        if n == 0:
            continue
        cap = params.max_days_per_doctor
        m = math.ceil(n / cap) if not doctors or h not in doctors else int(doctors[h])
        name = (hospital_names or {}).get(h, f"hospital {h}")
        if m < 1 or n > m * cap:
            msg = (
                f"{name}: {n} doctor-days in {month} but {m} doctor(s) × at most {cap} days = {m * cap}; "
                "add doctors or raise max_days_per_doctor"
            )
            raise InputValidationError(msg)
        u = (rank * _GOLDEN) % 1.0
        shift = (year * 12 + mon) % m if params.rotate_doctors else 0
        for k, (_, c) in enumerate(visits):
            day = min(math.floor((k + u) * n_work / n), n_work - 1)
            rows.append((work[day], int(h), (k + shift) % m + 1, c))
    out = pd.DataFrame(rows, columns=["date", "hospital", "doctor", "center"])
    return out.sort_values(["date", "hospital", "doctor"], kind="stable").reset_index(drop=True)


def make_roster(
    pairs: pd.DataFrame,
    month: str,
    *,
    doctors: Mapping[str, int] | None = None,
    params: RosterParams | None = None,
    overrides: CalendarOverrides | None = None,
) -> pd.DataFrame:
    """Roster of a pairing table for one month.

    Parameters
    ----------
    pairs
        Pairing table with columns ``hospital_id``, ``hospital``, ``center_id``, ``center``, ``days``
        (doctor-days per month) and optionally ``hospital_type``, ``county``, ``prefecture``, ``minutes``,
        ``estimated``
        (as :func:`routing.pairing.plan_pairing` returns in ``plan.pairs``).
    month
        ``"YYYY-MM"``.
    doctors
        Number of doctors per ``hospital_id`` (default ⌈visits / max_days_per_doctor⌉).
    params
        :class:`RosterParams`.
    overrides
        Planner-entered holidays and make-up workdays.

    Returns
    -------
    pandas.DataFrame
        One row per visit: ``date``, ``weekday`` (周一…), ``hospital_id``, ``hospital``, ``doctor``
        (placeholder label ``医师1``…, per hospital), ``center_id``, ``center`` and the optional columns
        carried over.

    Raises
    ------
    InputValidationError
        Missing columns, bad month, uncovered year, or too few doctors.
    """
    need = ["hospital_id", "hospital", "center_id", "center", "days"]
    missing = [c for c in need if c not in pairs.columns]
    if missing:
        msg = f"pairing table: missing column(s) {missing}; expected {need}"
        raise InputValidationError(msg)
    h_ids = sorted(pairs["hospital_id"].astype(str).unique().tolist())
    h_index = {h: i for i, h in enumerate(h_ids)}
    c_ids = pairs["center_id"].astype(str).tolist()
    c_index = {c: i for i, c in enumerate(sorted(set(c_ids)))}  # input order does not matter
    h_names = dict(zip(pairs["hospital_id"].astype(str), pairs["hospital"].astype(str), strict=True))
    visits = schedule_visits(
        [h_index[h] for h in pairs["hospital_id"].astype(str)],
        [c_index[c] for c in c_ids],
        pairs["days"].astype(int).tolist(),
        month,
        doctors={h_index[h]: int(n) for h, n in (doctors or {}).items() if h in h_index},
        params=params,
        hospital_names={h_index[h]: h_names[h] for h in h_ids},
        overrides=overrides,
    )
    first_rows = pairs.drop_duplicates("center_id")
    c_lookup = first_rows.set_index(first_rows["center_id"].astype(str))
    out = pd.DataFrame(
        {
            "date": visits["date"],
            "weekday": [WEEKDAY_ZH[d.weekday()] for d in visits["date"]],
            "hospital_id": [h_ids[i] for i in visits["hospital"]],
        }
    )
    out["hospital"] = [h_names[h] for h in out["hospital_id"]]
    out["doctor"] = [f"医师{k}" for k in visits["doctor"]]
    centers = list(c_index)
    out["center_id"] = [centers[i] for i in visits["center"]]
    out["center"] = [str(c_lookup.at[c, "center"]) for c in out["center_id"]]
    pair_key = pairs.assign(_h=pairs["hospital_id"].astype(str), _c=pairs["center_id"].astype(str))
    pair_key = pair_key.drop_duplicates(["_h", "_c"]).set_index(["_h", "_c"])
    for col in ("hospital_type", "county", "prefecture", "minutes", "estimated"):
        if col in pairs.columns:
            keys = list(zip(out["hospital_id"], out["center_id"], strict=True))
            out[col] = pair_key[col].reindex(pd.MultiIndex.from_tuples(keys)).to_numpy() if keys else []
    return out


def make_rosters(
    pairs: pd.DataFrame,
    months: Sequence[str],
    *,
    doctors: Mapping[str, int] | None = None,
    params: RosterParams | None = None,
    overrides: CalendarOverrides | None = None,
) -> pd.DataFrame:
    """:func:`make_roster` for several months, concatenated in month order (the same pairing each month)."""
    if not months:
        msg = "no month given: expected at least one YYYY-MM"
        raise InputValidationError(msg)
    frames = [make_roster(pairs, m, doctors=doctors, params=params, overrides=overrides) for m in months]
    return pd.concat(frames, ignore_index=True)


def calendar_table(
    roster: pd.DataFrame, month: str, *, overrides: CalendarOverrides | None = None
) -> pd.DataFrame:
    """Month calendar: one row per center, one column per day (``1`` … ``31``), cells name the doctor(s).

    Non-working days get the column but stay empty; the column label carries the weekday (``"1 周四"``) and
    ``休`` for holidays/weekends (planner overrides applied).
    """
    labels = {}
    for day in month_days(month):
        info = day_info(day, overrides=overrides)
        rest = "" if info.working else " 休"
        labels[day] = f"{day.day} {WEEKDAY_ZH[day.weekday()]}{rest}"
    centers = list(dict.fromkeys(roster["center"].tolist()))
    table = pd.DataFrame("", index=pd.Index(centers, name="受援单位"), columns=list(labels.values()))
    for day, hospital, doctor, center in zip(
        roster["date"], roster["hospital"], roster["doctor"], roster["center"], strict=True
    ):
        col = labels[day]
        cell = f"{hospital!s}·{doctor!s}"
        prev = str(table.at[center, col])
        table.at[center, col] = f"{prev}；{cell}" if prev else cell
    return table
