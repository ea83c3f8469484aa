"""The doctor register: who may be sent, from which hospital, with which title and specialty, when.

A register is a plain table the planner uploads (XLSX or CSV, UTF-8 or GBK) with the columns 姓名, 职称,
科室 (or 专业), 所属医院 (or 机构编码), and optionally 可支援月份 (``3-12``, ``1,2,7``; empty = all year) and
每月最多天数. :func:`read_register` reads and validates it row by row, like facility uploads: an empty name,
an unknown or ambiguous hospital, a duplicate person (same name and hospital), a bad month list or a cap of 0
reject the row with the row, column and problem; nothing else is lost.

The programme requires 中级 title or above (主治医师 / 副主任医师 / 主任医师 and the 中医 / 全科 equivalents).
Other doctors stay in the register, flagged (``eligible`` False, ``flag`` says why), and are never assigned.

Names are personal data: they go to the planner's tables and forms only, never into logs, error messages
(rows are named by number) or shared HTML maps.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo._errors import DataFileError
from geo.facilities import HOSPITAL_TYPES
from geo.facilities.upload import UploadTable, read_upload

__all__ = [
    "REGISTER_COLUMNS",
    "TITLE_LEVELS",
    "FacilityLookup",
    "Register",
    "RegisterProblem",
    "field_columns",
    "format_months",
    "header_and_rows",
    "months_of",
    "parse_months",
    "read_register",
    "title_level",
    "validate_register",
]

#: Columns of :attr:`Register.doctors`.
REGISTER_COLUMNS = [
    "doctor_id",
    "name",
    "title",
    "title_level",
    "eligible",
    "flag",
    "specialty",
    "hospital_id",
    "hospital",
    "hospital_type",
    "county",
    "prefecture",
    "months",
    "max_days",
    "row",
]
#: Title levels, lowest first; 中级 and above may be sent (闽卫医政函〔2022〕595号).
TITLE_LEVELS = ("初级", "中级", "副高", "正高")
#: Accepted header spellings → field.
_HEADERS = {
    "name": ("姓名", "医师姓名", "医生姓名", "name"),
    "title": ("职称", "专业技术职称", "title"),
    "specialty": ("科室", "专业", "专业/科室", "科室/专业", "specialty", "department"),
    "hospital": ("所属医院", "医院", "派出医院", "支援医院", "所在单位", "单位", "hospital"),
    "hospital_id": ("机构编码", "医院编码", "facility_id", "hospital_id"),
    "months": ("可支援月份", "支援月份", "月份", "months"),
    "max_days": ("每月最多天数", "每月最多支援天数", "每月天数上限", "max_days"),
}
_LABEL = {
    "name": "姓名",
    "title": "职称",
    "specialty": "科室",
    "hospital": "所属医院",
    "months": "可支援月份",
    "max_days": "每月最多天数",
}


@dataclass(frozen=True)
class RegisterProblem:
    """One problem of one register row (row = the spreadsheet's row number; no names in the message)."""

    row: int
    column: str
    message: str

    def text(self) -> str:
        """``第N行，列“C”：message``."""
        return f"第{self.row}行，列“{self.column}”：{self.message}"


@dataclass(frozen=True)
class Register:
    """A validated register.

    Attributes
    ----------
    doctors
        Accepted rows (:data:`REGISTER_COLUMNS`), eligible or flagged; ``doctor_id`` D001… in file order.
    rejected
        Rejected rows as written, with ``row`` and ``problems``.
    problems
        Every problem, rejected rows and flags alike.
    source
        File name shown in messages.
    """

    doctors: pd.DataFrame
    rejected: pd.DataFrame
    problems: tuple[RegisterProblem, ...] = ()
    source: str = "register"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> pd.DataFrame:
        """Doctors who may be assigned (中级 or above)."""
        return self.doctors[self.doctors["eligible"]].reset_index(drop=True)

    def report_lines(self) -> list[str]:
        """One line per problem, Chinese."""
        return [p.text() for p in self.problems]

    @classmethod
    def from_stored(cls, doctors: pd.DataFrame, source: str) -> Register:
        """The register a workspace keeps (its accepted rows, validated when they were imported)."""
        return cls(doctors.reset_index(drop=True), doctors.iloc[0:0], source=source)


def title_level(title: str) -> str:
    """初级 / 中级 / 副高 / 正高 of a title (医师, 中医, 全科 series alike), or "" when not recognised."""
    t = re.sub(r"\s", "", str(title)).lower()
    if not t:
        return ""
    if "副主任" in t or "associatechief" in t or "副教授" in t:
        return "副高"
    if "主任" in t or t in ("chief", "教授"):
        return "正高"
    if "主治" in t or "attending" in t:
        return "中级"
    if re.search(r"(医师|医士|住院|resident)", t):
        return "初级"
    return ""


def parse_months(text: str) -> tuple[int, ...]:
    """Months a doctor can go: ``""``/全年 → 1–12, ``3-12``, ``1,2,7``, ``1、2、7``, ``3月-12月``.

    Raises
    ------
    ValueError
        Months outside 1–12 or an open range such as ``3-``.
    """
    t = re.sub(r"\s", "", str(text)).replace("月", "").replace("，", ",").replace("、", ",")
    if t in ("", "全年", "all"):
        return tuple(range(1, 13))
    months: set[int] = set()
    for part in t.split(","):
        m = re.fullmatch(r"(\d{1,2})(?:[-~至到](\d{1,2}))?", part)
        if not m:
            msg = f"{text!r} 无法识别，应如 3-12 或 1,2,7"
            raise ValueError(msg)
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if not (1 <= lo <= 12 and 1 <= hi <= 12) or hi < lo:
            msg = f"{text!r}：月份须在 1–12 之间且从小到大"
            raise ValueError(msg)
        months.update(range(lo, hi + 1))
    return tuple(sorted(months))


def format_months(months: Sequence[int]) -> str:
    """The compact form of a month set: ``1-12``, ``3-12``, ``1,2,7``, ``1-3,7``."""
    ms = sorted(set(months))
    parts: list[str] = []
    i = 0
    while i < len(ms):
        j = i
        while j + 1 < len(ms) and ms[j + 1] == ms[j] + 1:
            j += 1
        parts.append(f"{ms[i]}-{ms[j]}" if j > i + 1 else ",".join(str(m) for m in ms[i : j + 1]))
        i = j + 1
    return ",".join(parts)


def months_of(doctors: pd.DataFrame) -> list[tuple[int, ...]]:
    """The available months of each register row (from its ``months`` text)."""
    return [parse_months(m) for m in doctors["months"]]


def field_columns(
    headers: Sequence[str], fields: Mapping[str, Sequence[str]] | None = None
) -> dict[str, int]:
    """Column index of each field whose accepted spelling (``fields``: field → header spellings; default the
    register's) is among ``headers`` (spaces, brackets and case ignored); the first match wins."""
    norm = [re.sub(r"[\s（）()]", "", h).lower() for h in headers]
    out: dict[str, int] = {}
    for fld, names in (fields or _HEADERS).items():
        for i, h in enumerate(norm):
            if h in {re.sub(r"[\s（）()]", "", n).lower() for n in names} and fld not in out:
                out[fld] = i
    return out


def header_and_rows(
    upload: UploadTable, key: str, fields: Mapping[str, Sequence[str]] | None = None
) -> tuple[list[str], list[list[str]], list[int]]:
    """(headers, rows, row numbers) of an uploaded table whose header is the first row naming ``key`` (one of
    ``fields``, as :func:`field_columns`): the file's own header, else one of the next 10 rows (a title row
    above the header is common)."""
    headers, rows, numbers = list(upload.headers), [list(r) for r in upload.rows], list(upload.row_numbers)
    if key not in field_columns(headers, fields):
        for k, row in enumerate(rows[:10]):
            if key in field_columns(row, fields):
                return row, rows[k + 1 :], numbers[k + 1 :]
    return headers, rows, numbers


class FacilityLookup:
    """Facility lookup by facility_id, exact name, or county + name, spaces ignored; ambiguity is reported.

    ``types``: the facility types looked up (default the hospitals); ``noun``: what they are called in
    messages (医院, 卫生院/中心)."""

    def __init__(
        self, facilities: pd.DataFrame, types: Sequence[str] = tuple(HOSPITAL_TYPES), noun: str = "医院"
    ) -> None:
        self.noun = noun
        hosp = facilities[facilities["facility_type"].isin(list(types))]
        self.table = pd.DataFrame(hosp.drop(columns="geometry", errors="ignore")).set_index("facility_id")
        self.by_name: dict[str, list[str]] = {}
        for fid, name, county in zip(
            self.table.index, self.table["name"], self.table["county_name"], strict=True
        ):
            for key in {re.sub(r"\s", "", str(name)), re.sub(r"\s", "", f"{county}{name}")}:
                self.by_name.setdefault(key, []).append(str(fid))

    def find(self, name: str, fid: str) -> tuple[str | None, str]:
        """(facility_id, "") or (None, problem)."""
        if fid:
            return (fid, "") if fid in self.table.index else (None, f"机构编码 {fid!r} 不是已知{self.noun}")
        key = re.sub(r"\s", "", name)
        if not key:
            return None, f"{self.noun}名称为空"
        ids = sorted(set(self.by_name.get(key, [])))
        if len(ids) == 1:
            return ids[0], ""
        if len(ids) > 1:
            where = "、".join(f"{self.table.at[i, 'county_name']!s}{self.table.at[i, 'name']!s}" for i in ids)
            return None, f"{self.noun}名称不唯一（{where}），请加县名或填机构编码"
        close = difflib.get_close_matches(key, list(self.by_name), n=3, cutoff=0.6)
        hint = f"；相近：{'、'.join(close)}" if close else ""
        return None, f"未找到{self.noun}（请用设施表中的名称或机构编码）{hint}"


def _cell(row: Sequence[str], cols: dict[str, int], fld: str) -> str:
    return row[cols[fld]].strip() if fld in cols else ""


def _check_row(
    row_no: int, row: Sequence[str], cols: dict[str, int], hospitals: FacilityLookup
) -> tuple[str | None, tuple[int, ...], int | None, list[RegisterProblem]]:
    """(hospital id, months, monthly cap, problems) of one register row (name, hospital, months, cap)."""
    errs: list[RegisterProblem] = []
    if not _cell(row, cols, "name"):
        errs.append(RegisterProblem(row_no, "姓名", "姓名为空"))
    hid, why = hospitals.find(_cell(row, cols, "hospital"), _cell(row, cols, "hospital_id"))
    if hid is None:
        errs.append(RegisterProblem(row_no, "所属医院" if "hospital" in cols else "机构编码", why))
    months: tuple[int, ...] = ()
    try:
        months = parse_months(_cell(row, cols, "months"))
    except ValueError as exc:
        errs.append(RegisterProblem(row_no, "可支援月份", str(exc)))
    cap_text = _cell(row, cols, "max_days")
    cap: int | None = None
    if cap_text:
        try:
            cap = int(float(cap_text))
            if cap != float(cap_text) or not 1 <= cap <= 23:
                raise ValueError
        except ValueError:
            errs.append(RegisterProblem(row_no, "每月最多天数", f"{cap_text!r} 应为 1–23 的整数"))
    return hid, months, cap, errs


def validate_register(
    table: pd.DataFrame,
    facilities: pd.DataFrame,
    *,
    row_numbers: Sequence[int] | None = None,
    source: str = "register",
) -> Register:
    """Validate a register given as a table of text cells (headers as written; see module doc).

    Raises
    ------
    DataFileError
        The 姓名, 职称 or hospital (所属医院 / 机构编码) column is missing.
    """
    headers = [str(c) for c in table.columns]
    cols = field_columns(headers)
    missing = [_LABEL[f] for f in ("name", "title") if f not in cols]
    if "hospital" not in cols and "hospital_id" not in cols:
        missing.append("所属医院（或机构编码）")
    if missing:
        msg = f"{source}：缺少列 {'、'.join(missing)}（现有列：{'、'.join(headers)}）"
        raise DataFileError(msg)
    rows = table.astype(str).where(table.notna(), "").to_numpy().tolist()
    numbers = list(row_numbers) if row_numbers is not None else [i + 2 for i in range(len(rows))]
    hospitals = FacilityLookup(facilities)
    accepted: list[dict[str, object]] = []
    rejected: list[dict[str, object]] = []
    problems: list[RegisterProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for row_no, row in zip(numbers, rows, strict=True):
        if not any(str(c).strip() for c in row):
            continue
        name = _cell(row, cols, "name")
        hid, months, cap, errs = _check_row(row_no, row, cols, hospitals)
        if name and hid is not None and (name, hid) in seen:
            errs.append(RegisterProblem(row_no, "姓名", f"与第{seen[(name, hid)]}行重复（同一医院同名）"))
        elif name and hid is not None:
            seen[(name, hid)] = row_no
        if errs:
            problems += errs
            rejected.append(
                {
                    **dict(zip(headers, row, strict=True)),
                    "row": row_no,
                    "problems": "；".join(e.message for e in errs),
                }
            )
            continue
        assert hid is not None
        title = _cell(row, cols, "title")
        level = title_level(title)
        flag = ""
        if level not in ("中级", "副高", "正高"):
            flag = f"职称“{title}”低于中级，不派出" if level == "初级" else f"职称“{title}”无法识别，不派出"
            problems.append(RegisterProblem(row_no, "职称", flag))
        h = hospitals.table.loc[hid]
        accepted.append(
            {
                "doctor_id": f"D{len(accepted) + 1:03d}",
                "name": name,
                "title": title,
                "title_level": level or "未知",
                "eligible": not flag,
                "flag": flag,
                "specialty": _cell(row, cols, "specialty"),
                "hospital_id": hid,
                "hospital": str(h["name"]),
                "hospital_type": str(h["facility_type"]),
                "county": str(h["county_name"]),
                "prefecture": str(h["prefecture_name"]),
                "months": format_months(months),
                "max_days": cap,
                "row": row_no,
            }
        )
    doctors = pd.DataFrame(accepted, columns=REGISTER_COLUMNS)
    doctors["max_days"] = doctors["max_days"].astype("Int64")
    doctors["eligible"] = doctors["eligible"].astype(bool)
    return Register(doctors, pd.DataFrame(rejected), tuple(problems), source)


def read_register(file: str | Path | bytes, facilities: pd.DataFrame, *, name: str | None = None) -> Register:
    """Read and validate a register file (XLSX or CSV, UTF-8 or GBK; the header may sit below a title row).

    Raises
    ------
    DataFileError
        Unreadable file or missing columns.
    """
    upload = read_upload(file, name=name)
    headers, rows, numbers = header_and_rows(upload, "name")
    frame = pd.DataFrame(rows, columns=[h or f"列{i + 1}" for i, h in enumerate(headers)])
    return validate_register(frame, facilities, row_numbers=numbers, source=upload.source)
