"""The forms a county hands in as they are: 附件1 and 附件2 per month, each its own XLSX, and 年度计划.xlsx.

* 附件1 支援人员安排情况表 — one row per doctor and center in the month: hospital, doctor (real name from the
  register; an empty cell to fill when no register is loaded), title, specialty, center, days, full dates.
* 附件2 对口支援工作量月报表 — one row per doctor and center: the planned days and dates, and empty columns
  the center fills in (实际支援人日, 实际支援日期, outpatient visits, health education, teaching rounds,
  lectures, case discussions, tele-consultations); read back by :func:`routing.pairing.annex2.import_annex2`.

Both are printable forms (:class:`geo.tables.Sheet`): merged title, the 填报单位 / 填报人 / 联系电话 /
填报日期 line, Chinese headers only, column widths, A4 landscape, header rows repeated on every page, fit to
the page
width, and the notes (layout basis, estimated travel, provisional calendar) in a footnote under the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from geo import tables
from geo.labels import text
from routing.calendar import PROVISIONAL_LABEL
from routing.pairing.forms import ANNEX2_FILL_COLUMNS, FORM_NOTE, HOSPITAL_TYPE_LABELS
from routing.programme.year import ProgrammeYear

__all__ = [
    "ANNEX1_HEADERS",
    "ANNEX2_HEADERS",
    "FormHeader",
    "annex1_frame",
    "annex1_xlsx",
    "annex2_frame",
    "annex2_xlsx",
]

ANNEX1_HEADERS = (
    "序号",
    "支援医院",
    "医院类别",
    "支援医师",
    "职称",
    "专业/科室",
    "受援单位",
    "所在县（市、区）",
    "支援天数",
    "支援日期",
    "单程车程（分钟）",
    "备注",
)
ANNEX2_HEADERS = (
    "序号",
    "月份",
    "受援单位",
    "受援单位编码",
    "县（市、区）",
    "支援医院",
    "支援医师",
    "职称",
    "计划支援人日",
    "计划支援日期",
    "实际支援人日",
    "实际支援日期",
    *(c for c in ANNEX2_FILL_COLUMNS if c not in ("实际支援人日", "实际支援医师人数")),
    "备注",
)
_WIDTHS_1 = {
    "序号": 5,
    "支援医院": 16,
    "医院类别": 9,
    "支援医师": 10,
    "职称": 11,
    "专业/科室": 11,
    "受援单位": 26,
    "所在县（市、区）": 10,
    "支援天数": 6,
    "支援日期": 24,
    "备注": 14,
}
_WIDTHS_2 = {
    "序号": 5,
    "月份": 8,
    "受援单位": 26,
    "受援单位编码": 17,
    "县（市、区）": 10,
    "支援医院": 14,
    "支援医师": 9,
    "职称": 10,
    "计划支援人日": 6,
    "实际支援人日": 6,
    "计划支援日期": 22,
    "实际支援日期": 14,
    "备注": 10,
}


@dataclass(frozen=True)
class FormHeader:
    """The lines above a form's table (blank = a space to fill by hand).

    Attributes
    ----------
    unit
        填报单位 (default: the scope's county hospital, e.g. 漳平市总医院, else the scope).
    person, phone, date
        填报人, 联系电话, 填报日期 (``YYYY-MM-DD``).
    """

    unit: str = ""
    person: str = ""
    phone: str = ""
    date: str = ""

    def line(self) -> str:
        """``填报单位（盖章）：…　　填报人：…　　联系电话：…　　填报日期：…``."""
        blank = "　" * 8
        return (
            f"填报单位（盖章）：{self.unit or blank}　　　填报人：{self.person or blank}　　　"
            f"联系电话：{self.phone or blank}　　　填报日期：{self.date or blank}"
        )


def _month_title(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


def _minutes_header(plan: ProgrammeYear) -> str:
    return "单程车程（分钟，估算）" if plan.estimated else "单程车程（分钟）"


def _footnotes(plan: ProgrammeYear, month: str, extra: Sequence[str] = ()) -> list[str]:
    rows = plan.summary.set_index("month")
    notes = [f"注：{FORM_NOTE}"]
    if bool(rows.at[month, "provisional"]):
        notes.append(f"注：本月工作日按法定节假日推算，{PROVISIONAL_LABEL}。")
    if plan.estimated:
        notes.append("注：车程为估算值（直线距离×绕行系数÷假定车速），不是道路导航时间。")
    if plan.visits.loc[plan.visits["month"] == month, "travel_unknown"].any():
        notes.append("注：备注“车程未知”的中心无坐标，车程未计算。")
    return [*notes, *extra]


def _groups(visits: pd.DataFrame) -> list[pd.DataFrame]:
    keys = ["hospital_id", "doctor_id", "center_id"]
    return [g for _, g in visits.groupby(keys, sort=True)]


def _name(value: object) -> str | None:
    """A doctor's name, or None (an empty cell to fill) when there is none."""
    text_value = "" if value is None else str(value)
    return text_value or None


def annex1_frame(plan: ProgrammeYear, month: str) -> pd.DataFrame:
    """附件1 rows of one month (Chinese headers; one row per doctor and center)."""
    rows = []
    for g in _groups(plan.month_visits(month)):
        first = g.iloc[0]
        unknown = bool(first["travel_unknown"])
        rows.append(
            {
                "支援医院": first["hospital"],
                "医院类别": text(HOSPITAL_TYPE_LABELS, str(first["hospital_type"])),
                "支援医师": _name(first["doctor"]),
                "职称": first["title"] or None,
                "专业/科室": first["specialty"] or None,
                "受援单位": first["center"],
                "所在县（市、区）": first["county"],
                "支援天数": len(g),
                "支援日期": "、".join(d.isoformat() for d in sorted(g["date"])),
                _minutes_header(plan): None if unknown else float(first["minutes"]),
                "备注": "车程未知" if unknown else None,
            }
        )
    cols = [c if not c.startswith("单程") else _minutes_header(plan) for c in ANNEX1_HEADERS if c != "序号"]
    out = pd.DataFrame(rows, columns=cols)
    out.insert(0, "序号", range(1, len(out) + 1))
    return out


def annex2_frame(plan: ProgrammeYear, month: str) -> pd.DataFrame:
    """附件2 rows of one month: planned figures filled, the columns the center reports left empty."""
    rows = []
    for g in sorted(
        _groups(plan.month_visits(month)), key=lambda x: (x["center_id"].iloc[0], x["doctor_id"].iloc[0])
    ):
        first = g.iloc[0]
        rows.append(
            {
                "月份": month,
                "受援单位": first["center"],
                "受援单位编码": first["center_id"],
                "县（市、区）": first["county"],
                "支援医院": first["hospital"],
                "支援医师": _name(first["doctor"]),
                "职称": first["title"] or None,
                "计划支援人日": len(g),
                "计划支援日期": "、".join(d.isoformat() for d in sorted(g["date"])),
            }
        )
    out = pd.DataFrame(rows, columns=[c for c in ANNEX2_HEADERS if c != "序号"])
    out.insert(0, "序号", range(1, len(out) + 1))
    return out


def _unit(plan: ProgrammeYear) -> str:
    hospitals = plan.visits.loc[plan.visits["hospital_type"] == "county_hospital", "hospital"]
    if plan.scope.county and len(hospitals):
        return str(hospitals.mode().iloc[0])
    return plan.scope.label


def _widths(frame: pd.DataFrame, base: Mapping[str, float]) -> dict[str, float]:
    """Column widths: the form's own, 6 for the count columns a center fills in, else 10."""
    return {c: base.get(c, 6.0 if c.endswith(("人次", "（次）")) else 10.0) for c in frame.columns}


def annex1_xlsx(plan: ProgrammeYear, month: str, header: FormHeader | None = None) -> bytes:
    """附件1 of one month as its own printable XLSX (one sheet, no notes sheet in front)."""
    header = header or FormHeader(unit=_unit(plan))
    frame = annex1_frame(plan, month)
    sheet = tables.Sheet(
        name="附件1",
        table=frame,
        title=f"附件1　支援人员安排情况表（{_month_title(month)}）",
        lines=(header.line(),),
        footnotes=_footnotes(plan, month, ["注：支援人员有变动的，应及时重新报送本表。"]),
        column_widths=_widths(frame, _WIDTHS_1),
        header_height=32,
        wrap_columns=("支援日期", "受援单位"),
    )
    return tables.xlsx_bytes([sheet])


def annex2_xlsx(plan: ProgrammeYear, month: str, header: FormHeader | None = None) -> bytes:
    """附件2 of one month as its own printable XLSX; the filled copy imports back."""
    header = header or FormHeader(unit=_unit(plan))
    frame = annex2_frame(plan, month)
    sheet = tables.Sheet(
        name="附件2",
        table=frame,
        title=f"附件2　对口支援工作量月报表（{_month_title(month)}）",
        lines=(header.line(),),
        footnotes=_footnotes(plan, month, ["注：实际支援人日按每名医师每天计 1 人日；请于次月 2 日前报送。"]),
        column_widths=_widths(frame, _WIDTHS_2),
        header_height=46,
        wrap_columns=("计划支援日期", "受援单位"),
    )
    return tables.xlsx_bytes([sheet])
