"""Tables shaped like the county plan's forms, as XLSX (openpyxl) and CSV.

* 附件1 支援人员安排情况表 — who (an anonymous 医师序号 and an empty name cell; named doctors come from the
  register, see :mod:`routing.programme`), from which hospital, to which
  center, in which month, on which dates.
* 附件2 对口支援工作量月报表 — per center and month: planned doctor-days and doctors, and blank
  columns the center fills in (actual doctor-days, doctors, outpatient visits, health-education,
  teaching rounds, lectures, case discussions, tele-consultations — the activities the plan lists).

The Zhangping text (漳卫〔2022〕60号) names both forms and what they record but our copy does not include
their printed layouts; the columns here follow the text and every sheet says so. Check them against the
template your health bureau issues. Travel minutes from the estimated network are marked 估算 in headers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from geo import tables
from geo._errors import InputValidationError
from geo.labels import Labels, text

__all__ = [
    "ANNEX1_COLUMNS",
    "ANNEX2_COLUMNS",
    "ANNEX2_FILL_COLUMNS",
    "ANNEX2_SHEET",
    "FORM_NOTE",
    "HOSPITAL_TYPE_LABELS",
    "annex1_table",
    "annex2_table",
    "frames_to_xlsx",
    "prepare_out_dir",
    "to_csv_bytes",
    "write_plan_xlsx",
]

FORM_NOTE = (
    "表式依据漳卫〔2022〕60号文所述内容编制（原文附件版式未收录），正式上报请以主管部门下发模板为准。"
    "Layout follows what 漳卫〔2022〕60号 says the form records; the printed template was not available."
)
ANNEX1_TITLE = "附件1 支援人员安排情况表"
ANNEX2_TITLE = "附件2 对口支援工作量月报表"
ANNEX2_SHEET = "附件2"

ANNEX1_COLUMNS = (
    "序号",
    "支援医院",
    "医院类别",
    "医师序号",
    "支援医师",
    "职称",
    "专业/科室",
    "受援单位",
    "受援单位编码",
    "所在县（市、区）",
    "支援月份",
    "当月支援天数",
    "计划支援日期",
    "单程车程（分钟）",
    "备注",
)
#: Columns of 附件2 the center fills in (left blank in the export; read back by routing.pairing.progress).
ANNEX2_FILL_COLUMNS = (
    "实际支援人日",
    "实际支援医师人数",
    "门诊诊疗人次",
    "健康宣教/义诊人次",
    "教学查房（次）",
    "专题讲座（次）",
    "病例讨论（次）",
    "远程会诊（次）",
)
ANNEX2_COLUMNS = (
    "序号",
    "月份",
    "设区市",
    "县（市、区）",
    "受援单位",
    "受援单位编码",
    "支援医院",
    "计划支援人日",
    "计划支援医师人数",
    *ANNEX2_FILL_COLUMNS,
    "备注",
)
#: Hospital types as the forms name them (short forms of geo.facilities.FACILITY_TYPES).
HOSPITAL_TYPE_LABELS: Labels = {
    "county_hospital": {"zh": "县级医院", "en": "county hospital"},
    "city_hospital": {"zh": "市属医院", "en": "city hospital"},
    "tertiary_hospital": {"zh": "三级医院", "en": "tertiary hospital"},
}


def _minutes_header(estimated: bool) -> str:
    return "单程车程（分钟，估算）" if estimated else "单程车程（分钟）"


def annex1_table(roster: pd.DataFrame, *, estimated: bool = True) -> pd.DataFrame:
    """附件1 rows: one per (doctor, center, month) of a roster (several months may be concatenated).

    Parameters
    ----------
    roster
        Output of :func:`routing.pairing.roster.make_roster` (``date``, ``hospital_id``, ``hospital``,
        ``doctor``,
        ``center_id``, ``center`` and optionally ``county``, ``minutes``, ``hospital_type``).
    estimated
        Whether minutes come from the estimated network (the header then says 估算).
    """
    if roster.empty:
        return pd.DataFrame(
            columns=[_minutes_header(estimated) if c.startswith("单程") else c for c in ANNEX1_COLUMNS]
        )
    r = roster.copy()
    r["_month"] = [f"{d:%Y-%m}" for d in r["date"]]
    keys = ["hospital_id", "doctor", "center_id", "_month"]
    rows = []
    for (hid, doctor, cid, month), g in r.groupby(keys, sort=True):
        first = g.iloc[0]
        rows.append(
            {
                "支援医院": first["hospital"],
                "医院类别": text(HOSPITAL_TYPE_LABELS, str(first.get("hospital_type", "")))
                if first.get("hospital_type")
                else "",
                "医师序号": doctor,
                "支援医师": None,  # an empty cell to fill (names come from the register: 项目年度)
                "职称": "",
                "专业/科室": "",
                "受援单位": first["center"],
                "受援单位编码": cid,
                "所在县（市、区）": first.get("county", ""),
                "支援月份": month,
                "当月支援天数": len(g),
                "计划支援日期": "、".join(d.isoformat() for d in sorted(g["date"])),
                _minutes_header(estimated): first.get("minutes", ""),
                "备注": "",
                "_h": hid,
            }
        )
    out = pd.DataFrame(rows).sort_values(
        ["支援月份", "_h", "医师序号", "受援单位编码"], kind="stable"
    )
    out = out.drop(columns="_h").reset_index(drop=True)
    out.insert(0, "序号", range(1, len(out) + 1))
    return out


def annex2_table(roster: pd.DataFrame, centers: pd.DataFrame | None = None) -> pd.DataFrame:
    """附件2 rows: one per center and month, planned figures filled, report columns blank.

    Parameters
    ----------
    roster
        Output of :func:`routing.pairing.roster.make_roster` (one or several months).
    centers
        Optional center table (``facility_id``, ``name``, ``county_name``, ``prefecture_name``): centers
        with no planned visit in a month still get a row (planned 0) so the gap is visible.
    """
    r = roster.copy()
    r["_month"] = [f"{d:%Y-%m}" for d in r["date"]]
    rows = {}
    for (month, cid), g in r.groupby(["_month", "center_id"], sort=True):
        first = g.iloc[0]
        rows[(month, cid)] = {
            "月份": month,
            "设区市": first.get("prefecture", ""),
            "县（市、区）": first.get("county", ""),
            "受援单位": first["center"],
            "受援单位编码": cid,
            "支援医院": "、".join(dict.fromkeys(g["hospital"])),
            "计划支援人日": len(g),
            "计划支援医师人数": g[["hospital_id", "doctor"]].drop_duplicates().shape[0],
        }
    if centers is not None and len(centers):
        for month in sorted(set(r["_month"])) or []:
            for c in centers.itertuples(index=False):
                rows.setdefault(
                    (month, c.facility_id),
                    {
                        "月份": month,
                        "设区市": c.prefecture_name,
                        "县（市、区）": c.county_name,
                        "受援单位": c.name,
                        "受援单位编码": c.facility_id,
                        "支援医院": "（未安排）",
                        "计划支援人日": 0,
                        "计划支援医师人数": 0,
                    },
                )
    out = pd.DataFrame([rows[k] for k in sorted(rows)], columns=[c for c in ANNEX2_COLUMNS if c != "序号"])
    for col in (*ANNEX2_FILL_COLUMNS, "备注"):
        out[col] = ""
    out.insert(0, "序号", range(1, len(out) + 1))
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV, UTF-8 with BOM (opens correctly in Excel on Chinese Windows): :func:`geo.tables.csv_bytes`."""
    return tables.csv_bytes(frame)


def frames_to_xlsx(
    sheets: Sequence[tuple[str, pd.DataFrame, str]],
    path: str | Path | None = None,
    *,
    notes: Sequence[str] = (),
) -> bytes:
    """Write titled sheets to an XLSX workbook (returns its bytes; also saved to ``path`` if given).

    Parameters
    ----------
    sheets
        ``(sheet name, frame, title)``; the title goes in row 1, :data:`FORM_NOTE` in row 2, the header in
        row 3.
    notes
        Lines for the ``说明`` sheet (assumptions, 估算 labels, network used).

    Raises
    ------
    InputValidationError
        The path cannot be written.
    """
    data = tables.xlsx_bytes(
        [tables.Sheet(name[:31], frame, title=title, lines=(FORM_NOTE,)) for name, frame, title in sheets],
        notes,
    )
    if path is not None:
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            msg = f"{path}: cannot write the workbook ({exc.strerror or exc})"
            raise InputValidationError(msg) from None
    return data


def write_plan_xlsx(
    path: str | Path | None,
    *,
    pairs: pd.DataFrame,
    roster: pd.DataFrame,
    centers: pd.DataFrame | None = None,
    calendar: pd.DataFrame | Mapping[str, pd.DataFrame] | None = None,
    estimated: bool = True,
    notes: Sequence[str] = (),
) -> bytes:
    """The planner's workbook: 结对 (pairs), 排班 (roster), 日历 (calendar), 附件1, 附件2 and 说明.

    ``calendar`` is one frame (sheet 日历) or a mapping month → frame (sheets 日历2026-10, …).

    Minutes columns say 估算 when ``estimated``. Returns the XLSX bytes (and saves them to ``path``).
    """
    mh = _minutes_header(estimated)
    pair_cols = {
        "hospital": "支援医院",
        "hospital_type": "医院类别",
        "center": "受援单位",
        "center_id": "受援单位编码",
        "county": "县（市、区）",
        "prefecture": "设区市",
        "days": "每月人日",
        "minutes": mh,
        "km": "路程（公里，估算）" if estimated else "路程（公里）",
        "out_of_county": "跨县",
    }
    p = pairs[[c for c in pair_cols if c in pairs.columns]].rename(columns=pair_cols)
    if "医院类别" in p.columns:
        p["医院类别"] = [text(HOSPITAL_TYPE_LABELS, str(t)) for t in p["医院类别"]]
    ro = roster.copy()
    ro["date"] = [f"{d:%Y-%m-%d}" for d in ro["date"]]
    ro = ro.rename(
        columns={
            "date": "日期",
            "weekday": "星期",
            "hospital": "支援医院",
            "doctor": "支援医师",
            "center": "受援单位",
            "center_id": "受援单位编码",
            "county": "县（市、区）",
            "prefecture": "设区市",
            "minutes": mh,
        }
    )
    ro = ro.drop(columns=[c for c in ("hospital_id", "estimated") if c in ro.columns])
    sheets = [("结对", p, "结对安排 hospital → centre pairing"), ("排班", ro, "月度排班 monthly roster")]
    calendars = {"": calendar} if isinstance(calendar, pd.DataFrame) else dict(calendar or {})
    for month, cal in calendars.items():
        name = f"日历{month}" if month else "日历"
        sheets.append(
            (name, cal.reset_index(), f"月历 calendar {month} (休 = 节假日/周末)".replace("  ", " "))
        )
    sheets.append(("附件1", annex1_table(roster, estimated=estimated), ANNEX1_TITLE))
    sheets.append((ANNEX2_SHEET, annex2_table(roster, centers), ANNEX2_TITLE))
    extra = (
        [
            "车程、路程为估算值（直线距离×绕行系数÷假定车速），不是道路导航时间。"
            "Travel minutes/km are ESTIMATED (great-circle × circuity at assumed speeds), not road-routed."
        ]
        if estimated
        else []
    )
    return frames_to_xlsx(sheets, path, notes=[*extra, *notes])


def prepare_out_dir(path: str | Path, flag: str = "--out-dir") -> Path:
    """Create the output folder, or say clearly why it cannot be used.

    Raises
    ------
    InputValidationError
        The path is an existing file, or cannot be created / written (permissions, missing drive).
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        msg = f"{flag} {out}: 这是一个已有文件，不是文件夹 / is an existing file, not a folder"
        raise InputValidationError(msg)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".xunzhen-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        msg = f"{flag} {out}: 无法创建或写入 / cannot be created or written ({exc.strerror or exc})"
        raise InputValidationError(msg) from None
    return out
