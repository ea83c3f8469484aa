"""Reading a filled-in 附件2 对口支援工作量月报表 back, with plausibility checks.

The sheet is found by its header (受援单位编码 and 实际支援人日 in the first 15 rows of any sheet), so a
renamed sheet still reads; a workbook with no such sheet is refused naming the sheets it has. Rows are
checked one by one and a bad row is rejected with its sheet, row and column, the others kept
(:func:`import_annex2`); :func:`read_annex2` is the strict form that refuses the file when any row is
bad. Checks:

* 月份 a month ``YYYY-MM`` of 2022–2035; 受援单位编码 not empty and, when ``known_ids`` is given, a center of
  the plan; 实际支援人日 / 实际支援医师人数 / 计划支援人日 whole numbers ≥ 0;
* plausibility: a row's 实际支援人日 ≤ the working days of its month (:mod:`routing.calendar`), the days of
  one center in one month ≤ those working days, and one doctor's days in one month (all centers) ≤ those
  working days (10¹² or 40 days in a month are refused);
* 支援医师 (when the form has the column and a register is given) must be in the register (by name and
  hospital); the message names the row, never the person;
* a row counted twice (same month, center and doctor) is refused;
* total rows (合计 / 小计 / 总计 in any text cell) are skipped with a note, footnotes (注：…) silently.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from geo._errors import DataFileError, InputValidationError
from routing.calendar import CalendarOverrides, working_days

__all__ = ["ANNEX2_ID", "Annex2Import", "import_annex2", "read_annex2"]

ANNEX2_ID = "受援单位编码"
_REQUIRED = ("月份", ANNEX2_ID, "实际支援人日")
_HEADER_ROWS = 15
_MAX_PROBLEMS = 15
_TOTAL = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计|total)", re.IGNORECASE)
_OUT_COLUMNS = [
    "month",
    "center_id",
    "center",
    "prefecture",
    "county",
    "hospital",
    "doctor",
    "doctor_id",
    "planned_days",
    "done_days",
    "done_doctors",
    "reported",
    "row",
]


@dataclass(frozen=True)
class Annex2Import:
    """What a 附件2 gave: accepted rows, rejected rows with reasons, notes (skipped total rows, sheet)."""

    done: pd.DataFrame
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    sheet: str = ""

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return not self.problems


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
    except (ValueError, OverflowError):
        return "bad"
    if not np.isfinite(num) or num < 0 or num != round(num):
        return "bad"
    return int(num)


def _find_sheet(wb: Workbook, label: str) -> tuple[str, int, list[str], list[tuple[object, ...]]]:
    """(sheet, header row index, header cells, rows) of the first sheet whose header has the 附件2 columns."""
    names = list(wb.sheetnames)
    best: tuple[int, str] | None = None
    for sheet in sorted(names, key=lambda s: s != "附件2"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        for r, values in enumerate(rows[:_HEADER_ROWS]):
            cells = [str(v).strip() if v is not None else "" for v in values]
            hits = sum(c in cells for c in _REQUIRED)
            if hits == len(_REQUIRED):
                return sheet, r, cells, rows
            if hits and (best is None or hits > best[0]):
                best = (hits, sheet)
    if best is not None:
        sheet = best[1]
        rows = list(wb[sheet].iter_rows(values_only=True))
        for r, values in enumerate(rows[:_HEADER_ROWS]):
            cells = [str(v).strip() if v is not None else "" for v in values]
            if any(c in cells for c in _REQUIRED):
                missing = [c for c in _REQUIRED if c not in cells]
                msg = (
                    f"{label}, sheet {sheet!r}, row {r + 1}: missing column(s) {'、'.join(missing)} "
                    f"(found: {'、'.join(c for c in cells if c)})"
                )
                raise DataFileError(msg)
    msg = (
        f"{label}: no sheet has the 附件2 header (columns {'、'.join(_REQUIRED)}) "
        f"in its first {_HEADER_ROWS} "
        f"rows (sheets: {', '.join(repr(s) for s in names)}); this is not a 附件2 对口支援工作量月报表"
    )
    raise DataFileError(msg)


def _open(source: str | Path | bytes, label: str) -> Workbook:
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        return load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-XLSX file
        msg = f"{label}: not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        raise DataFileError(msg) from None


def _work_days(month: str, overrides: CalendarOverrides | None, cache: dict[str, int]) -> int | None:
    if month not in cache:
        try:
            cache[month] = len(working_days(month, overrides=overrides))
        except InputValidationError:
            cache[month] = -1
    return cache[month] if cache[month] >= 0 else None


def import_annex2(
    source: str | Path | bytes,
    *,
    known_ids: Sequence[str] | None = None,
    doctors: pd.DataFrame | None = None,
    overrides: CalendarOverrides | None = None,
    name: str | None = None,
) -> Annex2Import:
    """Read a filled-in 附件2; keep good rows, reject bad ones by row (see the module doc).

    Parameters
    ----------
    source
        Path or the file's bytes (an upload).
    known_ids
        Center ``facility_id`` values of the plan; other ids are rejected by row. None = any.
    doctors
        Register rows (``doctor_id``, ``name``, ``hospital``) to check the 支援医师 column against.
    overrides
        The planner's holidays and make-up workdays (working days per month for the plausibility checks).
    name
        File name used in messages.

    Raises
    ------
    DataFileError
        Not a readable XLSX or no sheet with the 附件2 header (the message lists the sheets).
    """
    label = name or (str(source) if not isinstance(source, bytes) else "uploaded workbook")
    sheet, hr, header, rows = _find_sheet(_open(source, label), label)
    col = {h: j for j, h in enumerate(header) if h}
    known = set(known_ids) if known_ids is not None else None
    by_person = (
        {
            (str(n), str(h)): str(d)
            for d, n, h in zip(doctors["doctor_id"], doctors["name"], doctors["hospital"], strict=True)
        }
        if doctors is not None and "支援医师" in col
        else None
    )
    problems: list[str] = []
    notes: list[str] = []
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str, str], int] = {}
    cache: dict[str, int] = {}

    def where(row_no: int, name_: str) -> str:
        return f"sheet {sheet!r}, row {row_no}, column {get_column_letter(col[name_] + 1)} ({name_})"

    for r in range(hr + 1, len(rows)):
        values, row_no = rows[r], r + 1

        def get(c: str, v: tuple[object, ...] = values) -> object:
            return v[col[c]] if c in col and col[c] < len(v) else None

        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        filled = [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]
        if len(filled) == 1 and isinstance(filled[0], str) and filled[0].lstrip().startswith(("注", "说明")):
            continue  # a footnote under the table
        if any(isinstance(v, str) and _TOTAL.match(v) for v in values):
            notes.append(f"sheet {sheet!r}, row {row_no}: 合计/小计行，已跳过 total row skipped")
            continue
        rec, errs = _row_record(get, row_no, where, known, by_person, overrides, cache)
        key = (str(rec["month"]), str(rec["center_id"]), str(rec["doctor"]))
        if not errs and rec["month"] and rec["center_id"]:
            if key in seen:
                errs.append(
                    f"sheet {sheet!r}, row {row_no}: {rec['center_id']} in {rec['month']} already "
                    f"reported in row {seen[key]}"
                )
            else:
                seen[key] = row_no
        if errs:
            problems += errs
        else:
            records.append(rec)
        if len(problems) >= _MAX_PROBLEMS:
            notes.append("（只列出前 15 个问题 first problems only）")
            break
    done = pd.DataFrame(records, columns=_OUT_COLUMNS)
    for column in ("done_days", "done_doctors", "planned_days"):
        done[column] = pd.array(done[column].tolist(), dtype="Int64")
    done["reported"] = done["done_days"].notna()
    problems += _totals_problems(done, sheet, cache)
    if problems:
        bad_rows = {int(m.group(1)) for p in problems if (m := re.search(r"row (\d+)", p))}
        done = done[~done["row"].isin(bad_rows)].reset_index(drop=True)
    return Annex2Import(done, tuple(problems), tuple(notes), sheet)


def _row_record(
    get: Callable[[str], object],
    row_no: int,
    where: Callable[[int, str], str],
    known: set[str] | None,
    by_person: dict[tuple[str, str], str] | None,
    overrides: CalendarOverrides | None,
    cache: dict[str, int],
) -> tuple[dict[str, object], list[str]]:
    """One row's record and its problems (month, id, numbers, plausibility, doctor in the register)."""
    errs: list[str] = []
    month = _month_of(get("月份"))
    work = _work_days(month, overrides, cache) if month else None
    if month is None or work is None:
        errs.append(f"{where(row_no, '月份')}: {get('月份')!r} is not a month YYYY-MM (2022–2035)")
    cid = "" if get(ANNEX2_ID) is None else str(get(ANNEX2_ID)).strip()
    if not cid:
        errs.append(f"{where(row_no, ANNEX2_ID)}: empty")
    elif known is not None and cid not in known:
        errs.append(f"{where(row_no, ANNEX2_ID)}: {cid!r} is not a center of this plan")
    text = {
        k: ("" if get(c) is None else str(get(c)).strip())
        for c, k in (
            ("受援单位", "center"),
            ("设区市", "prefecture"),
            ("县（市、区）", "county"),
            ("支援医院", "hospital"),
            ("支援医师", "doctor"),
        )
    }
    rec: dict[str, object] = {"month": month, "center_id": cid, "row": row_no, **text, "doctor_id": ""}
    for c, key in (
        ("实际支援人日", "done_days"),
        ("实际支援医师人数", "done_doctors"),
        ("计划支援人日", "planned_days"),
    ):
        v = _whole(get(c))
        if v == "bad":
            errs.append(f"{where(row_no, c)}: {get(c)!r} is not a whole number ≥ 0")
            v = None
        elif key == "done_days" and isinstance(v, int) and work is not None and v > work:
            errs.append(
                f"{where(row_no, c)}: {v} 人日 exceeds the {work} working days of {month} "
                f"(超过当月工作日 {work} 天)"
            )
            v = None
        rec[key] = v
    if by_person is not None and text["doctor"]:
        doctor_id = by_person.get((text["doctor"], text["hospital"]))
        if doctor_id is None:
            errs.append(
                f"{where(row_no, '支援医师')}: 不在医师名册中（姓名与所属医院需与名册一致） "
                "not in the register"
            )
        rec["doctor_id"] = doctor_id or ""
    return rec, errs


def _totals_problems(done: pd.DataFrame, sheet: str, cache: dict[str, int]) -> list[str]:
    """Days of one center, or one doctor, in one month above that month's working days."""
    out: list[str] = []
    valid = done[done["done_days"].notna()]
    for keys, label in ((["month", "center_id"], "center"), (["month", "doctor_id"], "doctor")):
        sub = valid[valid["doctor_id"] != ""] if label == "doctor" else valid
        for key, g in sub.groupby(keys):
            month = str(key[0])
            work = cache.get(month, -1)
            total = int(g["done_days"].sum())
            if work >= 0 and total > work and len(g) > 1:
                rows = "、".join(str(r) for r in g["row"])
                out.append(
                    f"sheet {sheet!r}, rows {rows}: one {label} has {total} 人日 in {month}, more than its "
                    f"{work} working days (row {g['row'].iloc[-1]})"
                )
    return out


def read_annex2(
    source: str | Path | bytes,
    *,
    known_ids: Sequence[str] | None = None,
    name: str | None = None,
    overrides: CalendarOverrides | None = None,
) -> pd.DataFrame:
    """Strict :func:`import_annex2`: the accepted rows, or :class:`DataFileError` naming every bad row.

    Returns
    -------
    pandas.DataFrame
        One row per (month, center[, doctor]): ``month``, ``center_id``, ``center``, ``prefecture``,
        ``county``, ``hospital``, ``doctor``, ``doctor_id``, ``planned_days``, ``done_days`` (Int64, NA =
        not reported), ``done_doctors``, ``reported``, ``row``.
    """
    label = name or (str(source) if not isinstance(source, bytes) else "uploaded workbook")
    result = import_annex2(source, known_ids=known_ids, overrides=overrides, name=name)
    if result.problems:
        more = " (first problems only)" if len(result.problems) >= _MAX_PROBLEMS else ""
        msg = f"{label}: rejected{more}:\n- " + "\n- ".join(result.problems)
        raise DataFileError(msg)
    if result.done.empty:
        msg = f"{label}, sheet {result.sheet!r}: no data rows below the header"
        raise DataFileError(msg)
    return result.done
