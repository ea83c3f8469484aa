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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._errors import InputValidationError
from routing.pairing.annex2 import import_annex2, read_annex2
from routing.pairing.roster import parse_month

__all__ = [
    "PROVINCE_TARGETS",
    "ProgressReport",
    "import_annex2",
    "planned_from_annex2",
    "planned_table",
    "progress_report",
    "read_annex2",
]

#: (month of the year, cumulative province-wide doctor-visits due by the end of that month).
PROVINCE_TARGETS: tuple[tuple[int, int], ...] = ((10, 8000), (12, 10000))
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
    tdf = _targets(base, g, targets, province_centers)
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


def _targets(
    base: pd.DataFrame, g: pd.DataFrame, targets: Sequence[tuple[int, int]], province_centers: int
) -> pd.DataFrame:
    """Per prefecture and milestone: the pro-rated target (assumption) against cumulative planned and done;
    a 全省 row when the plan covers (nearly) the whole province."""
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
    return tdf


def planned_from_annex2(report: pd.DataFrame) -> pd.DataFrame:
    """Planned doctor-days as printed in a 附件2 (its 计划支援人日 column; blank counts as 0)."""
    out = report[["month", "center_id", "center", "county", "prefecture", "planned_days"]].copy()
    out["planned_days"] = out["planned_days"].fillna(0).astype(int)
    return out
