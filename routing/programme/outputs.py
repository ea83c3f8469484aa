"""Files of a programme year: visits.csv (an interface), ledger.csv, 年度计划.xlsx and the monthly forms.

``visits.csv`` has exactly the header ``date,doctor,title,specialty,hospital_id,center_id,center,minutes``:
one row per doctor-day, ISO dates, minutes one-way (empty when the travel is unknown). All files go through
:mod:`geo.tables` (formula-safe text cells).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo import tables
from routing.pairing.forms import prepare_out_dir
from routing.programme.forms import FormHeader, annex1_xlsx, annex2_xlsx
from routing.programme.progress import TARGET_BASIS, ledger_xlsx
from routing.programme.year import ProgrammeYear

__all__ = ["VISITS_HEADER", "center_month_table", "visits_table", "write_year", "year_workbook"]

#: The header of visits.csv (a contract: other tools read it).
VISITS_HEADER = ("date", "doctor", "title", "specialty", "hospital_id", "center_id", "center", "minutes")
OBJECTIVE_NOTE = (
    "目标函数（每月精确求解，按月滚动）：单程车程 + 轮换项（该医师此前各月到过该中心的次数×轮换分钟）"
    "+ 专科重复项"
    "（该中心此前同专科医师人日×分钟）+ 专科不符项（中心提出专科需求而医师专科不符）+ 超出下限的天数×分钟；"
    "约束：每个中心每月 ≥ 需求人日，每名可支援医师每月 ≥ 1 天，每人每月 ≤ 上限，县域内规则，"
    "市属医院医师占比下限。 Objective per month (exact min-cost flow, months in order): travel + rotation + "
    "specialty terms; bounds as "
    "in the docs."
)
_SUMMARY_ZH = {
    "month": "月份",
    "working_days": "工作日",
    "provisional": "暂定日历",
    "centers": "中心数",
    "centers_covered": "已覆盖中心",
    "doctor_days": "计划人日",
    "doctors_available": "可支援医师",
    "doctors_used": "安排医师",
    "city_days": "市属医院人日",
    "city_share": "市属医院占比",
    "city_days_required": "市属医院人日下限",
    "objective_minutes": "目标值（分钟）",
}
_VISITS_ZH = {
    "date": "日期",
    "weekday": "星期",
    "doctor": "医师",
    "title": "职称",
    "specialty": "专业/科室",
    "hospital": "支援医院",
    "center": "受援单位",
    "center_id": "受援单位编码",
    "county": "县（市、区）",
    "minutes": "单程车程（分钟）",
    "travel_unknown": "车程未知",
}
_BURNUP_ZH = {
    "area": "范围",
    "month": "月份",
    "centers": "中心数",
    "planned_days": "计划人日",
    "reported_days": "上报人日",
    "cum_planned": "累计计划",
    "cum_reported": "累计上报",
    "target": "累计目标（月底）",
    "target_basis": "目标口径",
}


def visits_table(plan: ProgrammeYear) -> pd.DataFrame:
    """visits.csv rows: :data:`VISITS_HEADER`, ISO dates, one row per doctor-day."""
    v = plan.visits
    out = v[list(VISITS_HEADER)].copy()
    out["date"] = [d.isoformat() for d in v["date"]]
    return out


def center_month_table(plan: ProgrammeYear) -> pd.DataFrame:
    """Center × month: who goes (名 or hospital·id), so a planner sees the rotation at a glance."""
    v = plan.visits
    who = [
        f"{d}（{h}）" if d else f"{h}·{i}"
        for d, h, i in zip(v["doctor"], v["hospital"], v["doctor_id"], strict=True)
    ]
    v = v.assign(who=who)
    table = v.groupby(["center", "month"])["who"].agg(lambda s: "、".join(dict.fromkeys(s))).unstack("month")
    table = table.reindex(columns=plan.months).fillna("")
    distinct = v.groupby("center")["doctor_id"].nunique().rename("全年不同医师数")
    return table.join(distinct).reset_index().rename(columns={"center": "受援单位"})


def year_workbook(plan: ProgrammeYear, ledger: pd.DataFrame, burnup: pd.DataFrame) -> bytes:
    """年度计划.xlsx: 说明, 月度汇总, 中心月度安排, 排班明细, 医师台账, 目标进度, 医师名册."""
    visits = plan.visits.assign(date=[d.isoformat() for d in plan.visits["date"]])
    register = plan.doctors.drop(columns=["row"], errors="ignore")
    sheets = [
        tables.Sheet(
            "月度汇总",
            plan.summary.rename(columns=_SUMMARY_ZH),
            title=f"{plan.year}年 月度汇总 {plan.scope.label}",
        ),
        tables.Sheet("中心月度安排", center_month_table(plan), title=f"{plan.year}年 各中心每月支援医师"),
        tables.Sheet(
            "排班明细", visits[list(_VISITS_ZH)].rename(columns=_VISITS_ZH), title="排班明细（每行一人日）"
        ),
        tables.Sheet("医师台账", ledger, title="医师下基层台账", landscape=True),
        tables.Sheet("目标进度", burnup.rename(columns=_BURNUP_ZH), title="目标进度（8000/10000 人次）"),
        tables.Sheet("医师名册", register, title="医师名册（含不派出人员及原因）"),
    ]
    notes = [
        f"范围：{plan.scope.label}；年份：{plan.year}；路网：{plan.network_label}",
        *plan.notes,
        OBJECTIVE_NOTE,
        TARGET_BASIS,
        "医师姓名为个人信息，仅供规划人员使用，勿公开分享。"
        "Doctor names are personal data: do not share publicly.",
    ]
    return tables.xlsx_bytes(sheets, notes)


def write_year(
    plan: ProgrammeYear,
    out_dir: str | Path,
    *,
    ledger: pd.DataFrame,
    burnup: pd.DataFrame,
    header: FormHeader | None = None,
) -> list[Path]:
    """Write visits.csv, ledger.csv, 年度计划.xlsx, 附件1_YYYY-MM.xlsx and 附件2_YYYY-MM.xlsx per month."""
    out = prepare_out_dir(out_dir)
    written = [
        tables.write_csv(visits_table(plan), out / "visits.csv"),
        tables.write_csv(ledger, out / "ledger.csv"),
    ]
    (out / "年度计划.xlsx").write_bytes(year_workbook(plan, ledger, burnup))
    written.append(out / "年度计划.xlsx")
    for month in plan.months:
        for name, build in (("附件1", annex1_xlsx), ("附件2", annex2_xlsx)):
            path = out / f"{name}_{month}.xlsx"
            path.write_bytes(build(plan, month, header))
            written.append(path)
    for hospital_id in sorted(set(ledger["hospital_id"])):
        path = out / f"台账_{hospital_id}.xlsx"
        path.write_bytes(ledger_xlsx(ledger, hospital_id, year=plan.year))
        written.append(path)
    return written
