"""The tertiary programme: 8 strong tertiary hospitals ↔ 25 weak county hospitals (三级医院对口帮扶).

:func:`plan_tertiary_pairing` is the adapter on the facility table over the balanced assignment core
(:func:`routing.pairing._tertiary.pair_tertiary_from_matrix`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import tables
from geo._errors import InputValidationError, UnknownPlaceError
from geo.facilities import load_facilities
from geo.network import Network, active_network
from geo.scope import resolve_scope
from routing.matrix import travel_matrix
from routing.pairing._tertiary import TertiaryPairingResult, pair_tertiary_from_matrix
from routing.pairing.example import load_example_scenario

__all__ = [
    "AGREEMENT_COLUMNS",
    "AGREEMENT_STATUS",
    "MANAGER_COLUMNS",
    "MIN_TENURE_YEARS",
    "TertiaryChoices",
    "TertiaryPlan",
    "agreement_table",
    "check_agreements",
    "plan_tertiary_pairing",
    "tenure_warnings",
    "tertiary_choices",
    "tertiary_xlsx",
]

#: Tripartite agreement tracker columns (one row per weak county): 受援县医院, 县政府, 输出医院 sign.
AGREEMENT_COLUMNS = ["设区市", "县（市、区）", "受援医院", "县政府", "输出医院", "签订日期", "状态", "备注"]
AGREEMENT_STATUS = ("未签订", "洽谈中", "已签订")
#: Dispatched managers (派出管理人员) tracker columns; 姓名 is personal data (never in messages).
MANAGER_COLUMNS = ["姓名", "派出医院", "县（市、区）", "职务", "任职开始", "计划结束"]
#: Minimum continuous tenure in years by post (闽卫医政函〔2022〕595号).
MIN_TENURE_YEARS = {"院长": 2, "副院长": 2, "科室负责人": 1}
#: Agreements are due by the end of October of the programme year.
AGREEMENT_DUE = (10, 31)


def _points(frame: pd.DataFrame) -> np.ndarray:
    return frame[["lon", "lat"]].to_numpy(dtype=float)


@dataclass(frozen=True)
class TertiaryPlan:
    """Tertiary hospital → weak county pairing: ``pairs`` (hospital_id, hospital, county, county_hospital,
    minutes, km, estimated), the core result and the network label."""

    pairs: pd.DataFrame
    result: TertiaryPairingResult
    estimated: bool
    network_label: str


def plan_tertiary_pairing(
    tertiary_ids: Sequence[str],
    weak_counties: Sequence[str],
    facilities: pd.DataFrame | None = None,
    *,
    network: Network | None = None,
    min_per_hospital: int | None = None,
    max_per_hospital: int | None = None,
) -> TertiaryPlan:
    """Balanced, travel-aware tertiary → weak-county pairing (minutes to each county's general hospital).

    Parameters
    ----------
    tertiary_ids
        ``facility_id`` of the tertiary hospitals (e.g. the 8 of the programme; the planner chooses them).
    weak_counties
        County names (``长汀县`` or qualified ``龙岩市长汀县``) of the weak counties (e.g. the 25).

    Raises
    ------
    InputValidationError
        No tertiary hospital or no weak county chosen.
    UnknownPlaceError
        An id or county name is not in the facility table.
    InfeasibleError
        The balance cannot hold, or a county is unreachable.
    """
    if not list(tertiary_ids):
        msg = "请至少选择一家三级医院 / choose at least one tertiary hospital"
        raise InputValidationError(msg)
    if not list(weak_counties):
        msg = "请至少选择一个薄弱县 / choose at least one weak county"
        raise InputValidationError(msg)
    if facilities is None:
        facilities = load_facilities()
    if network is None:
        network = active_network()
    fac = pd.DataFrame(facilities.drop(columns="geometry", errors="ignore"))
    by_id = fac.set_index("facility_id")
    missing = [t for t in tertiary_ids if t not in by_id.index]
    if missing:
        msg = f"tertiary hospital id(s) not in the facility table: {missing}"
        raise UnknownPlaceError(msg)
    hosp = by_id.loc[list(tertiary_ids)].reset_index()
    ch = fac[fac["facility_type"] == "county_hospital"]
    rows = []
    for name in weak_counties:
        scope = resolve_scope(counties=name)
        hit = ch[(ch["prefecture_name"] == scope.prefecture) & (ch["county_name"] == scope.county)]
        if hit.empty:
            msg = f"weak county {name!r}: no county hospital in the facility table"
            raise UnknownPlaceError(msg)
        rows.append(hit.sort_values("facility_id").iloc[0])
    county_h = pd.DataFrame(rows).reset_index(drop=True)
    travel = travel_matrix(network, _points(hosp), _points(county_h))
    result = pair_tertiary_from_matrix(
        travel.minutes,
        min_per_hospital=min_per_hospital,
        max_per_hospital=max_per_hospital,
        hospital_names=hosp["name"].tolist(),
        county_names=(county_h["prefecture_name"] + county_h["county_name"]).tolist(),
    )
    k = np.arange(len(county_h))
    h = result.hospital_of_county
    pairs = (
        pd.DataFrame(
            {
                "hospital_id": hosp["facility_id"].to_numpy()[h],
                "hospital": hosp["name"].to_numpy()[h],
                "prefecture": county_h["prefecture_name"].to_numpy(),
                "county": county_h["county_name"].to_numpy(),
                "county_hospital": county_h["name"].to_numpy(),
                "county_hospital_id": county_h["facility_id"].to_numpy(),
                "minutes": np.round(result.minutes, 1),
                "km": np.round(np.asarray(travel.km)[h, k], 1),
                "estimated": bool(travel.estimated),
                "hospital_lon": hosp["lon"].to_numpy()[h],
                "hospital_lat": hosp["lat"].to_numpy()[h],
                "county_lon": county_h["lon"].to_numpy(),
                "county_lat": county_h["lat"].to_numpy(),
            }
        )
        .sort_values(["hospital_id", "minutes"], kind="stable")
        .reset_index(drop=True)
    )
    return TertiaryPlan(
        pairs=pairs, result=result, estimated=bool(travel.estimated), network_label=network.label("zh")
    )


def agreement_table(plan: TertiaryPlan, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tripartite-agreement tracker of a pairing: one row per weak county with its three parties
    (受援医院, 县政府 ``<county>人民政府``, 输出医院); signed dates and status carried over from ``previous``
    where the county and the sending hospital are unchanged (a new partner starts 未签订)."""
    rows = pd.DataFrame(
        {
            "设区市": plan.pairs["prefecture"],
            "县（市、区）": plan.pairs["county"],
            "受援医院": plan.pairs["county_hospital"],
            "县政府": plan.pairs["county"] + "人民政府",
            "输出医院": plan.pairs["hospital"],
            "签订日期": None,
            "状态": "未签订",
            "备注": "",
        }
    )
    if previous is not None and len(previous):
        carried = ["县（市、区）", "输出医院", "签订日期", "状态", "备注"]
        rows = rows.drop(columns=["签订日期", "状态", "备注"]).merge(
            previous[carried].drop_duplicates(["县（市、区）", "输出医院"]),
            how="left",
            on=["县（市、区）", "输出医院"],
        )
        rows["状态"] = rows["状态"].fillna("未签订")
        rows["备注"] = rows["备注"].fillna("")
        rows = rows[AGREEMENT_COLUMNS]
    return rows.sort_values(["设区市", "县（市、区）"]).reset_index(drop=True)


def _date(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise ValueError(f"{value!r} 不是日期（应如 2027-10-31）") from exc


def check_agreements(table: pd.DataFrame, year: int, *, today: dt.date | None = None) -> list[str]:
    """Problems and reminders of the agreement tracker: bad status or date (row named), signed without a
    date, and — after the due date (end of October of ``year``) — counties still without a signed
    agreement."""
    out: list[str] = []
    due = dt.date(year, *AGREEMENT_DUE)
    today = today or dt.date.today()
    for i, row in enumerate(table.to_dict("records"), start=1):
        where = f"第{i}行（{row.get('县（市、区）', '')}）"
        status = str(row.get("状态") or "")
        if status not in AGREEMENT_STATUS:
            out.append(f"{where}，列“状态”：{status!r} 应为 {'、'.join(AGREEMENT_STATUS)}")
            continue
        try:
            signed = _date(row.get("签订日期"))
        except ValueError as exc:
            out.append(f"{where}，列“签订日期”：{exc}")
            continue
        if status == "已签订" and signed is None:
            out.append(f"{where}：已签订但未填签订日期")
        elif status != "已签订" and today > due:
            out.append(f"{where}：{due.isoformat()} 前应签订三方协议，目前{status}")
    return out


def tenure_warnings(
    managers: pd.DataFrame, plan: TertiaryPlan | None = None, *, today: dt.date | None = None
) -> list[str]:
    """Warnings for dispatched managers whose posting would end before the minimum tenure
    (院长/副院长 ≥ 2 years, 科室负责人 ≥ 1 year in post).

    A posting ends early when its 计划结束 is before 任职开始 + the minimum, or when ``plan`` pairs the
    manager's county with another sending hospital (the change would end the posting ``today``). Rows are
    named by number, never by the person's name.
    """
    out: list[str] = []
    today = today or dt.date.today()
    partner = dict(zip(plan.pairs["county"], plan.pairs["hospital"], strict=True)) if plan is not None else {}
    for i, row in enumerate(managers.to_dict("records"), start=1):
        role = str(row.get("职务") or "")
        years = MIN_TENURE_YEARS.get(role)
        where = f"第{i}行（{role or '职务未填'}，{row.get('县（市、区）', '')}）"
        if years is None:
            out.append(f"{where}：职务应为 {'、'.join(MIN_TENURE_YEARS)}")
            continue
        try:
            start, end = _date(row.get("任职开始")), _date(row.get("计划结束"))
        except ValueError as exc:
            out.append(f"{where}：{exc}")
            continue
        if start is None:
            out.append(f"{where}：未填任职开始日期")
            continue
        minimum = dt.date(start.year + years, start.month, min(start.day, 28))
        if end is not None and end < minimum:
            out.append(
                f"{where}：计划 {end.isoformat()} 结束，任职不满 {years} 年（应至少到 {minimum.isoformat()}）"
            )
        county, sender = row.get("县（市、区）"), row.get("派出医院")
        if county in partner and sender and partner[county] != sender and today < minimum:
            out.append(
                f"{where}：新配对把该县改由 {partner[county]} 帮扶，将使派出人员在 {minimum.isoformat()} "
                f"前离任（任职不满 {years} 年）"
            )
    return out


def tertiary_xlsx(
    plan: TertiaryPlan, agreements: pd.DataFrame | None = None, year: int | None = None
) -> bytes:
    """The pairing and the agreement tracker as one XLSX (no personal data: the manager list is not in it)."""
    zh = {
        "hospital": "输出医院（三级）",
        "prefecture": "设区市",
        "county": "县（市、区）",
        "county_hospital": "受援医院",
        "minutes": "单程车程（分钟，估算）" if plan.estimated else "单程车程（分钟）",
        "km": "路程（公里，估算）" if plan.estimated else "路程（公里）",
    }
    pairs = plan.pairs[list(zh)].rename(columns=zh)
    sheets = [tables.Sheet("对口帮扶", pairs, title="三级医院对口帮扶薄弱县医院")]
    if agreements is not None:
        title = f"三方帮扶合作协议签订情况{f'（{year}年10月底前）' if year else ''}"
        sheets.append(tables.Sheet("三方协议", agreements, title=title))
    notes = [
        f"路网：{plan.network_label}",
        plan.result.solver,
        "8 家三级医院与 25 个薄弱县名单由规划人员选择；示例名单非官方。",
    ]
    return tables.xlsx_bytes(sheets, notes)


@dataclass(frozen=True)
class TertiaryChoices:
    """What a planner picks from: tertiary hospitals (id → name), counties with a county hospital
    (``龙岩市长汀县`` form), and the example lists as defaults (示例, not official)."""

    hospitals: dict[str, str]
    counties: list[str]
    default_hospitals: list[str]
    default_counties: list[str]


def tertiary_choices(facilities: pd.DataFrame) -> TertiaryChoices:
    """The tertiary hospitals and counties of ``facilities``, with the example scenario as defaults."""
    tert = facilities[facilities["facility_type"] == "tertiary_hospital"]
    hospitals = dict(zip(tert["facility_id"].astype(str), tert["name"].astype(str), strict=True))
    ch = facilities[facilities["facility_type"] == "county_hospital"]
    counties = sorted(set(ch["prefecture_name"].astype(str) + ch["county_name"].astype(str)))
    example = load_example_scenario()
    ex_c = example["weak_counties"]["prefecture_name"] + example["weak_counties"]["county_name"]
    return TertiaryChoices(
        hospitals,
        counties,
        [t for t in example["tertiary"]["facility_id"] if t in hospitals],
        [c for c in ex_c if c in counties],
    )
