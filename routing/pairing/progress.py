"""Closing the loop: read a filled-in 附件2 back, compare planned and done doctor-days, list the gaps.

Targets (闽卫医政函〔2022〕595号): about 8,000 doctor-visits (人次) by the end of October covering every
township and community center, 10,000 cumulative by the end of December — province-wide. We count one doctor
working one day at one center as one 人次 (an assumption, said in the tables). A prefecture's share of the
province target is pro-rated by its number of centers (an assumption too, labelled 按中心数分摊).

A workbook that is not a 附件2 as written by :mod:`routing.pairing.forms`, or a row with a bad value, is
rejected with
the file, sheet, row and column named.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo._errors import DataFileError, InputValidationError
from routing.pairing.forms import ANNEX2_SHEET
from routing.pairing.roster import parse_month

__all__ = [
    "PROVINCE_TARGETS",
    "ProgressReport",
    "planned_from_annex2",
    "planned_table",
    "progress_report",
    "read_annex2",
]

#: (month of the year, cumulative province-wide doctor-visits due by the end of that month).
PROVINCE_TARGETS: tuple[tuple[int, int], ...] = ((10, 8000), (12, 10000))
_REQUIRED = ("月份", "受援单位编码", "实际支援人日")
_OPTIONAL_INT = ("实际支援医师人数", "计划支援人日", "门诊诊疗人次")
_TEXT = ("受援单位", "设区市", "县（市、区）", "支援医院")
_MAX_PROBLEMS = 15


def _month_of(value: object) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m}"
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", str(value))
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return None


def _whole(value: object) -> int | str | None:
    """None for blank, an int for a whole number ≥ 0, else the string "bad"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "bad"
    try:
        num = float(str(value).strip())
    except ValueError:
        return "bad"
    if not np.isfinite(num) or num < 0 or num != round(num):
        return "bad"
    return int(num)


def read_annex2(
    source: str | Path | bytes,
    *,
    known_ids: Sequence[str] | None = None,
    name: str | None = None,
) -> pd.DataFrame:
    """Read a filled-in 附件2 对口支援工作量月报表 (XLSX).

    Parameters
    ----------
    source
        Path or the file's bytes (an upload).
    known_ids
        Center ``facility_id`` values that may appear (others are rejected); None = any.
    name
        File name used in messages (default: the path).

    Returns
    -------
    pandas.DataFrame
        One row per (month, center): ``month``, ``center_id``, ``center``, ``prefecture``, ``county``,
        ``planned_days`` (Int64), ``done_days`` (Int64, NA = not reported), ``done_doctors`` (Int64),
        ``reported`` (bool), ``row`` (spreadsheet row).

    Raises
    ------
    DataFileError
        Not a readable XLSX, no 附件2 header, missing columns, or bad rows — the message names the file,
        sheet, row and column of each problem (up to 15).
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    label = name or (str(source) if not isinstance(source, bytes) else "uploaded workbook")
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-XLSX file
        msg = f"{label}: not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        raise DataFileError(msg) from None
    order = sorted(wb.sheetnames, key=lambda s: s != ANNEX2_SHEET)
    found = None
    for sheet in order:
        rows = list(wb[sheet].iter_rows(values_only=True))
        for r, values in enumerate(rows[:10]):
            cells = [str(v).strip() if v is not None else "" for v in values]
            if "受援单位编码" in cells or ("受援单位" in cells and "月份" in cells):
                found = (sheet, r, cells, rows)
                break
        if found:
            break
    if found is None:
        msg = (
            f"{label}: no sheet has the 附件2 header (columns {'、'.join(_REQUIRED)}) in its first 10 rows "
            f"(sheets: {', '.join(repr(s) for s in wb.sheetnames)}); this is not a 附件2 对口支援工作量月报表"
        )
        raise DataFileError(msg)
    sheet, hr, header, rows = found
    col = {h: j for j, h in enumerate(header) if h}
    missing = [c for c in _REQUIRED if c not in col]
    if missing:
        msg = (
            f"{label}, sheet {sheet!r}, row {hr + 1}: missing column(s) {'、'.join(missing)} "
            f"(found: {'、'.join(h for h in header if h)})"
        )
        raise DataFileError(msg)
    known = set(known_ids) if known_ids is not None else None
    problems: list[str] = []
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}

    def where(row_no: int, name_: str) -> str:
        return f"sheet {sheet!r}, row {row_no}, column {get_column_letter(col[name_] + 1)} ({name_})"

    for r in range(hr + 1, len(rows)):
        values = rows[r]
        row_no = r + 1
        get = lambda c, v=values: v[col[c]] if c in col and col[c] < len(v) else None  # noqa: E731
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        month = _month_of(get("月份"))
        if month is None:
            problems.append(f"{where(row_no, '月份')}: {get('月份')!r} is not a month YYYY-MM")
        cid = get("受援单位编码")
        cid = "" if cid is None else str(cid).strip()
        if not cid:
            problems.append(f"{where(row_no, '受援单位编码')}: empty")
        elif known is not None and cid not in known:
            problems.append(f"{where(row_no, '受援单位编码')}: {cid!r} is not a center of this plan")
        rec: dict[str, object] = {"month": month, "center_id": cid, "row": row_no}
        for c, key in (
            ("实际支援人日", "done_days"),
            ("实际支援医师人数", "done_doctors"),
            ("计划支援人日", "planned_days"),
        ):
            v = _whole(get(c))
            if v == "bad":
                problems.append(f"{where(row_no, c)}: {get(c)!r} is not a whole number ≥ 0")
                v = None
            rec[key] = v
        for c, key in (("受援单位", "center"), ("设区市", "prefecture"), ("县（市、区）", "county")):
            v = get(c)
            rec[key] = "" if v is None else str(v).strip()
        if month and cid:
            if (month, cid) in seen:
                problems.append(
                    f"sheet {sheet!r}, row {row_no}: {cid} in {month} already reported in row "
                    f"{seen[(month, cid)]}"
                )
            seen[(month, cid)] = row_no
        records.append(rec)
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        more = " (first problems only)" if len(problems) >= _MAX_PROBLEMS else ""
        msg = f"{label}: rejected{more}:\n- " + "\n- ".join(problems)
        raise DataFileError(msg)
    if not records:
        msg = f"{label}, sheet {sheet!r}: no data rows below the header (row {hr + 1})"
        raise DataFileError(msg)
    out = pd.DataFrame(records)
    for key in ("done_days", "done_doctors", "planned_days"):
        out[key] = pd.array(out[key].tolist(), dtype="Int64")
    out["reported"] = out["done_days"].notna()
    return out[
        [
            "month",
            "center_id",
            "center",
            "prefecture",
            "county",
            "planned_days",
            "done_days",
            "done_doctors",
            "reported",
            "row",
        ]
    ]


def planned_table(pairs: pd.DataFrame, months: Sequence[str]) -> pd.DataFrame:
    """Planned doctor-days per (month, center) when the same pairing runs every month in ``months``.

    ``pairs`` as :attr:`routing.pairing.PairingPlan.pairs` (``center_id``, ``center``, ``county``,
    ``prefecture``, ``days``).
    """
    for m in months:
        parse_month(m)
    per_center = pairs.groupby(["center_id", "center", "county", "prefecture"], as_index=False)["days"].sum()
    frames = [per_center.assign(month=f"{parse_month(m)[0]:04d}-{parse_month(m)[1]:02d}") for m in months]
    out = pd.concat(frames, ignore_index=True).rename(columns={"days": "planned_days"})
    return out[["month", "center_id", "center", "county", "prefecture", "planned_days"]]


@dataclass(frozen=True)
class ProgressReport:
    """Planned vs done.

    Attributes
    ----------
    by_month
        Per prefecture and month: ``centers``, ``planned_days``, ``done_days``, ``reported_centers``,
        ``cum_planned``, ``cum_done``.
    targets
        Per prefecture and milestone (end of October / December): ``target_visits`` (province figure
        pro-rated by centers — assumption), ``cum_planned``, ``cum_done``, ``done_pct``; plus a ``全省`` row
        set against the full province target only when the plan covers the whole province.
    gaps
        Every center with no doctor-day in a month — not planned, or (for months a 附件2 was read for)
        reported as 0 or not reported: ``month``, ``prefecture``, ``county``, ``center_id``,
        ``center``, ``planned_days``, ``done_days``, ``reason``.
    """
    by_month: pd.DataFrame
    targets: pd.DataFrame
    gaps: pd.DataFrame


def progress_report(
    planned: pd.DataFrame,
    done: pd.DataFrame | None = None,
    *,
    province_centers: int = 1106,
    targets: Sequence[tuple[int, int]] = PROVINCE_TARGETS,
) -> ProgressReport:
    """Compare planned and done doctor-days per prefecture and month; list centers without a doctor-day.

    Parameters
    ----------
    planned
        :func:`planned_table` output (``month``, ``center_id``, ``center``, ``county``, ``prefecture``,
        ``planned_days``).
    done
        :func:`read_annex2` output (or None: nothing reported yet).
    province_centers
        Number of centers in the province, to pro-rate the province targets (default 1,106: one per
        township-level unit).
    targets
        (month of year, cumulative province doctor-visits) milestones.

    Raises
    ------
    InputValidationError
        ``planned`` lacks a column.
    """
    need = ["month", "center_id", "center", "county", "prefecture", "planned_days"]
    missing = [c for c in need if c not in planned.columns]
    if missing:
        msg = f"planned table: missing column(s) {missing}"
        raise InputValidationError(msg)
    base = planned[need].copy()
    if done is not None and len(done):
        d = done[["month", "center_id", "done_days"]].copy()
        base = base.merge(d, on=["month", "center_id"], how="left")
        extra = d[
            ~d.set_index(["month", "center_id"]).index.isin(base.set_index(["month", "center_id"]).index)
        ]
        if len(extra):  # reported for a center/month outside the plan: keep it, attributed via done's labels
            info = done.drop_duplicates(["month", "center_id"]).set_index(["month", "center_id"])
            index = pd.MultiIndex.from_frame(extra[["month", "center_id"]])
            add = extra.assign(
                center=info["center"].reindex(index).to_numpy(),
                county=info["county"].reindex(index).to_numpy(),
                prefecture=info["prefecture"].reindex(index).to_numpy(),
                planned_days=0,
            )
            base = pd.concat([base, add[base.columns]], ignore_index=True)
    else:
        base["done_days"] = pd.array([pd.NA] * len(base), dtype="Int64")
    base["done_days"] = base["done_days"].astype("Int64")
    base["reported"] = base["done_days"].notna()
    g = base.groupby(["prefecture", "month"], as_index=False).agg(
        centers=("center_id", "nunique"),
        planned_days=("planned_days", "sum"),
        done_days=("done_days", lambda s: int(s.fillna(0).sum())),
        reported_centers=("reported", "sum"),
    )
    g = g.sort_values(["prefecture", "month"]).reset_index(drop=True)
    g["cum_planned"] = g.groupby("prefecture")["planned_days"].cumsum()
    g["cum_done"] = g.groupby("prefecture")["done_days"].cumsum()
    trows = []
    years = sorted({m[:4] for m in base["month"]})
    for prefecture, sub in g.groupby("prefecture"):
        n_centers = int(base.loc[base["prefecture"] == prefecture, "center_id"].nunique())
        for year in years:
            for mon, visits in targets:
                end = f"{year}-{mon:02d}"
                upto = sub[sub["month"] <= end]
                target = round(visits * n_centers / province_centers)
                cum_done = int(upto["done_days"].sum())
                trows.append(
                    {
                        "prefecture": prefecture,
                        "milestone": f"{end} 月底",
                        "target_visits": target,
                        "target_basis": "全省目标按中心数分摊（假设）pro-rated by centres (assumption)",
                        "cum_planned": int(upto["planned_days"].sum()),
                        "cum_done": cum_done,
                        "done_pct": round(100 * cum_done / target, 1) if target else np.nan,
                    }
                )
    tdf = pd.DataFrame(trows)
    if len(tdf) and base["center_id"].nunique() >= 0.9 * province_centers:
        for milestone, sub in tdf.groupby("milestone", sort=True):
            mon = int(str(milestone)[5:7])
            visits = dict(targets)[mon]
            cum_done = int(sub["cum_done"].sum())
            tdf = pd.concat(
                [
                    tdf,
                    pd.DataFrame(
                        [
                            {
                                "prefecture": "全省",
                                "milestone": milestone,
                                "target_visits": visits,
                                "target_basis": "闽卫医政函〔2022〕595号 province target",
                                "cum_planned": int(sub["cum_planned"].sum()),
                                "cum_done": cum_done,
                                "done_pct": round(100 * cum_done / visits, 1),
                            }
                        ]
                    ),
                ],
                ignore_index=True,
            )
    reported_months = set(done["month"]) if done is not None and len(done) else set()
    zero = base["done_days"].fillna(0) == 0
    gap = base[(base["planned_days"] == 0) | (zero & base["month"].isin(reported_months))].copy()
    gap["reason"] = np.where(
        gap["planned_days"] == 0,
        "未安排 not planned",
        np.where(gap["reported"], "已安排、实际0人日 planned, none done", "未填报 not reported"),
    )
    gaps = gap[
        ["month", "prefecture", "county", "center_id", "center", "planned_days", "done_days", "reason"]
    ]
    gaps = gaps.sort_values(["month", "prefecture", "county", "center_id"]).reset_index(drop=True)
    return ProgressReport(by_month=g, targets=tdf, gaps=gaps)


def planned_from_annex2(report: pd.DataFrame) -> pd.DataFrame:
    """Planned doctor-days as printed in a 附件2 (its 计划支援人日 column; blank counts as 0)."""
    out = report[["month", "center_id", "center", "county", "prefecture", "planned_days"]].copy()
    out["planned_days"] = out["planned_days"].fillna(0).astype(int)
    return out
