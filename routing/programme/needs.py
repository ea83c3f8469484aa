"""Centers' specialty needs (卫生院专科需求): the specialties a township or community health center asks the
visiting doctors for, e.g. 儿科、中医. The programme prefers doctors of those specialties there
(:func:`routing.programme.plan_year`, ``center_needs``).

A planner's file (XLSX or CSV, UTF-8 or GBK; the header may sit below a title row) has a column 专科需求 and
the center as 机构名称 (the name in the facility table, with the county name when two share it) or 机构编码.
:func:`read_center_needs` checks it row by row: an unknown or ambiguous center, an over-long cell or a center
listed twice is reported with the row and column, and the other rows are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo._errors import DataFileError
from geo.facilities import PRIMARY_CARE_TYPES
from geo.facilities.upload import read_upload
from routing.programme.register import FacilityLookup, field_columns, header_and_rows

__all__ = ["NEEDS_COLUMNS", "CenterNeeds", "read_center_needs"]

#: Columns of :attr:`CenterNeeds.table` (what the workspace keeps).
NEEDS_COLUMNS = ["center_id", "center", "county", "needs", "row"]
#: Accepted header spellings → field.
_HEADERS = {
    "center_id": ("机构编码", "中心编码", "center_id", "facility_id"),
    "center": ("机构名称", "卫生院", "卫生院名称", "中心名称", "名称", "center", "name"),
    "needs": ("专科需求", "需求专科", "需求科室", "需求", "needs", "specialties"),
}
#: Longest needs cell (characters) and specialty name accepted.
MAX_NEEDS_CHARS = 100
MAX_SPECIALTY_CHARS = 20
_SPLIT = re.compile(r"[、，,；;/／\s]+")


@dataclass(frozen=True)
class CenterNeeds:
    """Accepted rows (:data:`NEEDS_COLUMNS`; needs joined by 、) and one line per problem (Chinese)."""

    table: pd.DataFrame
    problems: tuple[str, ...] = ()


def _specialties(text: str) -> tuple[list[str], str]:
    """(specialties in order, without repeats; a problem or "")."""
    if len(text) > MAX_NEEDS_CHARS:
        return [], f"内容过长（{len(text)} 个字符，最多 {MAX_NEEDS_CHARS}）"
    names = list(dict.fromkeys(n.strip() for n in _SPLIT.split(text) if n.strip()))
    long = [n for n in names if len(n) > MAX_SPECIALTY_CHARS]
    if long:
        return [], f"专科名称过长（最多 {MAX_SPECIALTY_CHARS} 个字符），请用“、”分隔多个专科"
    return names, ""


def read_center_needs(
    file: str | Path | bytes, facilities: pd.DataFrame, *, name: str | None = None
) -> CenterNeeds:
    """Read and check a specialty-needs file against the facility table (see the module docstring).

    Raises
    ------
    DataFileError
        Unreadable file, or the 专科需求 column or both center columns (机构名称, 机构编码) missing.
    """
    upload = read_upload(file, name=name)
    headers, rows, numbers = header_and_rows(upload, "needs", _HEADERS)
    cols = field_columns(headers, _HEADERS)
    if "needs" not in cols or not ({"center", "center_id"} & set(cols)):
        msg = (f"{upload.source}：需要列 专科需求 和 机构名称（或机构编码）（现有列：{'、'.join(headers)}）"
               f" / needs the columns 专科需求 and 机构名称 (or 机构编码)")
        raise DataFileError(msg)
    centers = FacilityLookup(facilities, tuple(PRIMARY_CARE_TYPES), noun="卫生院/中心")
    accepted: list[dict[str, object]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for row_no, row in zip(numbers, rows, strict=True):
        cell = {f: (row[i].strip() if i < len(row) else "") for f, i in cols.items()}
        if not any(cell.values()):
            continue
        cid, why = centers.find(cell.get("center", ""), cell.get("center_id", ""))
        needs, bad = _specialties(cell["needs"])
        if cid is None or bad:
            column = "专科需求" if bad else ("机构名称" if "center" in cols else "机构编码")
            problems.append(f"第{row_no}行，列“{column}”：{bad or why}")
        elif cid in seen:
            problems.append(f"第{row_no}行，列“机构名称”：与第{seen[cid]}行是同一机构，请合并为一行")
        elif needs:
            seen[cid] = row_no
            info = centers.table.loc[cid]
            accepted.append(
                {"center_id": cid, "center": str(info["name"]), "county": str(info["county_name"]),
                 "needs": "、".join(needs), "row": row_no}
            )  # fmt: skip
    return CenterNeeds(pd.DataFrame(accepted, columns=NEEDS_COLUMNS), tuple(problems))
