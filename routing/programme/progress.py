"""Targets, burn-up and the per-doctor ledger of a programme year; filled 附件2 reports fill the "done" side.

* :func:`burnup` — cumulative planned and reported doctor-days per month, per prefecture (or the county
  planned) and for the province, against the province targets of 闽卫医政函〔2022〕595号: 8,000 人次 by the
  end of October and 10,000 by the end of December. A part of the province gets the share of its centers
  (1,106 in the province): **an assumption**, said in the ``target_basis`` column; one doctor working one day
  at one center counts as one 人次 (also an assumption).
* :func:`ledger` — planned and reported days per doctor per month, with the centers and dates: the record a
  doctor needs for 职称 promotion (下乡服务时长可累计). :func:`ledger_xlsx` writes it per hospital.
* :func:`reported_days` — what imported 附件2 rows (:func:`routing.pairing.annex2.import_annex2`) say, per
  center and per doctor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo import tables
from routing.calendar import CalendarOverrides
from routing.pairing.annex2 import Annex2Import, import_annex2
from routing.pairing.progress import PROVINCE_TARGETS
from routing.programme.register import Register
from routing.programme.year import ProgrammeYear

__all__ = [
    "LEDGER_COLUMNS",
    "PROVINCE_CENTERS",
    "TARGET_BASIS",
    "burnup",
    "import_reports",
    "ledger",
    "ledger_xlsx",
]

#: Township-level units of Fujian, one center each (the denominator of the pro-rated targets).
PROVINCE_CENTERS = 1106
TARGET_BASIS = (
    "全省目标按中心数分摊（假设）；1人日计1人次（假设） province target pro-rated by centres (assumption)"
)
LEDGER_COLUMNS = [
    "doctor_id",
    "doctor",
    "title",
    "specialty",
    "hospital_id",
    "hospital",
    "month",
    "planned_days",
    "planned_centers",
    "planned_dates",
    "reported_days",
]


def _reported(done: pd.DataFrame | None, by: list[str]) -> pd.DataFrame:
    """Σ reported doctor-days of imported 附件2 rows grouped by ``by`` (rows not reported are left out)."""
    if done is None or done.empty:
        return pd.DataFrame(columns=[*by, "reported_days"])
    rows = done[done["done_days"].notna()]
    if "doctor_id" in by:
        rows = rows[rows["doctor_id"].astype(str) != ""]
    return rows.groupby(by, as_index=False).agg(reported_days=("done_days", "sum"))


def _area(plan: ProgrammeYear, frame: pd.DataFrame) -> pd.Series:
    """The area of each row: the county for a county plan, else the prefecture."""
    return frame["county"] if plan.scope.county else frame["prefecture"]


def burnup(
    plan: ProgrammeYear, done: pd.DataFrame | None = None, *, province_centers: int = PROVINCE_CENTERS
) -> pd.DataFrame:
    """Cumulative planned vs reported doctor-days per area and month against the pro-rated targets.

    Parameters
    ----------
    plan
        The programme year.
    done
        Imported 附件2 rows (``month``, ``center_id``, ``done_days``); None = nothing reported yet.
    province_centers
        Centers in the province (the pro-rating denominator).

    Returns
    -------
    pandas.DataFrame
        ``area``, ``month``, ``centers``, ``planned_days``, ``reported_days``, ``cum_planned``,
        ``cum_reported``, ``target`` (cumulative target due at the end of that month, NaN between
        milestones), ``target_basis``. A ``全省`` area is added when the plan covers several prefectures.
    """
    centers = plan.centers.rename(columns={"county_name": "county", "prefecture_name": "prefecture"})
    centers = centers.assign(area=_area(plan, centers))
    visits = plan.visits.assign(area=_area(plan, plan.visits))
    reported = _reported(done, ["month", "center_id"])
    reported = reported.merge(centers[["facility_id", "area"]], left_on="center_id", right_on="facility_id")
    frames = []
    areas = sorted(set(centers["area"]))
    groups = [(a, [a]) for a in areas] + ([("全省", areas)] if len(areas) > 1 else [])
    for label, members in groups:
        n_centers = int(centers["area"].isin(members).sum())
        rows = []
        for month in plan.months:
            planned = int((visits["area"].isin(members) & (visits["month"] == month)).sum())
            got = reported[reported["area"].isin(members) & (reported["month"] == month)]
            rows.append(
                {
                    "area": label,
                    "month": month,
                    "centers": n_centers,
                    "planned_days": planned,
                    "reported_days": int(got["reported_days"].sum()),
                }
            )
        frame = pd.DataFrame(rows)
        frame["cum_planned"] = frame["planned_days"].cumsum()
        frame["cum_reported"] = frame["reported_days"].cumsum()
        due = dict(PROVINCE_TARGETS)
        frame["target"] = [
            round(due[int(m[5:7])] * n_centers / province_centers) if int(m[5:7]) in due else np.nan
            for m in frame["month"]
        ]
        frame["target_basis"] = TARGET_BASIS
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def ledger(plan: ProgrammeYear, done: pd.DataFrame | None = None) -> pd.DataFrame:
    """Planned and reported days per doctor and month (:data:`LEDGER_COLUMNS`), sorted by hospital, doctor.

    ``planned_centers`` and ``planned_dates`` list the month's centers and ISO dates; ``reported_days`` is
    NA until a 附件2 row names the doctor.
    """
    v = plan.visits.sort_values(["date", "center_id"])
    keys = ["doctor_id", "doctor", "title", "specialty", "hospital_id", "hospital", "month"]
    out = v.groupby(keys, as_index=False, sort=True).agg(
        planned_days=("date", "size"),
        planned_centers=("center", lambda s: "、".join(dict.fromkeys(s))),
        planned_dates=("date", lambda s: "、".join(d.isoformat() for d in s)),
    )
    reported = _reported(done, ["month", "doctor_id"])
    out = out.merge(reported, on=["month", "doctor_id"], how="left")
    out["reported_days"] = out["reported_days"].astype("Int64")
    return out[LEDGER_COLUMNS].sort_values(["hospital_id", "doctor_id", "month"]).reset_index(drop=True)


_LEDGER_ZH = {
    "doctor": "医师",
    "title": "职称",
    "specialty": "专业/科室",
    "hospital": "所属医院",
    "month": "月份",
    "planned_days": "计划下基层天数",
    "planned_centers": "受援单位",
    "planned_dates": "计划日期",
    "reported_days": "实际下基层天数（附件2）",
}


def ledger_xlsx(table: pd.DataFrame, hospital_id: str | None = None, *, year: int | None = None) -> bytes:
    """The ledger as a printable XLSX: one sheet per doctor-month table with a 全年合计 row per doctor.

    Parameters
    ----------
    table
        :func:`ledger` output.
    hospital_id
        Only this hospital's doctors (a hospital hands its own ledger to its doctors and HR office).
    """
    rows = table if hospital_id is None else table[table["hospital_id"] == hospital_id]
    parts = []
    for _, g in rows.groupby(["hospital_id", "doctor_id"], sort=True):
        parts.append(g)
        total = g.iloc[[0]].copy()
        total["month"] = "全年合计"
        total["planned_days"] = int(g["planned_days"].sum())
        total["planned_centers"] = "、".join(dict.fromkeys("、".join(g["planned_centers"]).split("、")))
        total["planned_dates"] = ""
        total["reported_days"] = g["reported_days"].sum() if g["reported_days"].notna().any() else pd.NA
        parts.append(total)
    frame = pd.concat(parts, ignore_index=True) if parts else rows
    frame = frame[list(_LEDGER_ZH)].rename(columns=_LEDGER_ZH)
    hospital = str(rows["hospital"].iloc[0]) if hospital_id is not None and len(rows) else ""
    title = f"医师下基层服务台账{f'（{year}年）' if year else ''}{f' — {hospital}' if hospital else ''}"
    sheet = tables.Sheet(
        name="医师台账",
        table=frame,
        title=title,
        footnotes=[
            "注：下乡服务时长可累计作为职称晋升时的下乡服务时长（闽卫医政函〔2022〕595号）；实际天数以附件2为准。"
        ],
        column_widths={"受援单位": 30, "计划日期": 40},
        wrap_columns=("受援单位", "计划日期"),
    )
    return tables.xlsx_bytes([sheet])


def import_reports(
    files: Sequence[tuple[str, bytes]],
    plan: ProgrammeYear,
    register: Register | None = None,
    overrides: CalendarOverrides | None = None,
) -> Annex2Import:
    """Several filled 附件2 (name, bytes) checked against the plan's centers and the register, as one import.

    A center, month and doctor reported in two files is rejected by row like a row repeated in one file.
    """
    known = plan.centers["facility_id"].tolist()
    doctors = register.doctors if register is not None else None
    results = [
        import_annex2(data, known_ids=known, doctors=doctors, overrides=overrides, name=name)
        for name, data in files
    ]
    done = pd.concat([r.done for r in results], ignore_index=True) if results else pd.DataFrame()
    problems = [f"{n}: {p}" for (n, _), r in zip(files, results, strict=True) for p in r.problems]
    notes = [f"{n}: {x}" for (n, _), r in zip(files, results, strict=True) for x in r.notes]
    if len(done):
        twice = done.duplicated(["month", "center_id", "doctor"], keep="first")
        problems += [
            f"{m} {c}: 在多个文件中重复上报 reported in more than one file"
            for m, c in zip(done.loc[twice, "month"], done.loc[twice, "center_id"], strict=True)
        ]
        done = done[~twice].reset_index(drop=True)
    return Annex2Import(done, tuple(problems), tuple(notes), ", ".join(r.sheet for r in results))
