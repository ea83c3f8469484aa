"""``python -m routing.pairing``: a thin argparse layer over :func:`routing.pairing.plan_pairing`.

Examples::

    python -m routing.pairing --prefecture 龙岩 --month 2026-12 --xlsx longyan.xlsx
    python -m routing.pairing --county 漳平市 --month 2026-12 --capacities zhangping.csv
    python -m routing.pairing --tertiary-example          # example 8 → 25 pairing (not the official lists)
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from geo import cli
from geo._errors import DataFileError, InputValidationError
from routing.calendar import PROVISIONAL_LABEL, parse_month, year_is_provisional
from routing.pairing import PairingParams, PairingPlan, plan_pairing, plan_tertiary_pairing, read_capacities
from routing.pairing.capacity import capacities_from_table
from routing.pairing.example import load_example_scenario
from routing.pairing.forms import annex1_table, annex2_table, prepare_out_dir, to_csv_bytes, write_plan_xlsx
from routing.pairing.progress import planned_from_annex2, progress_report, read_annex2
from routing.pairing.roster import (
    WEEKDAY_ZH,
    RosterParams,
    calendar_table,
    make_rosters,
    month_list,
    working_days,
)
from routing.workspace.cli import add_workspace_option, workspace_facilities, workspace_table


def _fmt_minutes(value: float, estimated: bool) -> str:
    return f"{value:,.1f} 分钟{'（估算）' if estimated else ''} min{' (estimated)' if estimated else ''}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m routing.pairing",
        description="结对与排班 pair hospitals with health centers, roster a month, export 附件1/附件2.",
    )
    p.add_argument("--prefecture", help="设区市, e.g. 龙岩 or 龙岩市 (omit both for the whole province)")
    p.add_argument("--county", help="县（市、区）, e.g. 漳平市")
    p.add_argument("--month", help="roster month(s): 2026-12, 2026-10,2026-11 or 2026-10..2026-12")
    p.add_argument("--xlsx", help="write the workbook (结对, 排班, 日历, 附件1, 附件2, 说明) here")
    p.add_argument("--csv-dir", help="write pairs.csv, roster.csv, annex1.csv, annex2.csv here")
    p.add_argument("--capacities", help="CSV with facility_id, capacity_days (doctor-days per month)")
    p.add_argument(
        "--example-capacities",
        action="store_true",
        help="use the Zhangping example capacities (data/example_scenario, 示例)",
    )
    p.add_argument(
        "--objective",
        choices=["total", "max"],
        default="total",
        help="minimise total travel minutes (default) or the longest trip",
    )
    p.add_argument("--county-rule", choices=["hard", "soft"], default="hard", help="县域内 rule")
    p.add_argument(
        "--penalty-minutes",
        type=float,
        default=60.0,
        help="soft rule: penalty per out-of-county doctor-day (minutes)",
    )
    p.add_argument("--city-share", type=float, default=0.30, help="minimum city-hospital share (0 = off)")
    p.add_argument("--max-minutes", type=float, default=None, help="forbid pairs farther than this")
    p.add_argument("--max-days-per-doctor", type=int, default=4, help="roster: days per doctor per month")
    p.add_argument(
        "--annex2",
        nargs="+",
        metavar="FILE",
        help="progress report: planned vs done doctor-days from filled-in 附件2 workbooks (XLSX)",
    )
    p.add_argument("--working-days", metavar="YYYY-MM", help="print a month's working days")
    p.add_argument(
        "--tertiary-example",
        action="store_true",
        help="pair the example 8 tertiary hospitals with the example 25 weak counties (示例)",
    )
    add_workspace_option(p)
    return p


def _print_plan(plan: PairingPlan) -> None:
    s = plan.summary()
    est = plan.estimated
    print(f"范围 scope: {s['scope']}    路网 network: {plan.network_label}")
    print(
        f"受援中心 centres: {s['centers']}    支援医院 hospitals used: {s['hospitals_used']}    "
        f"每月人日 doctor-days/month: {s['doctor_days']}"
    )
    print(
        f"总单程车程 total one-way travel: {_fmt_minutes(s['total_minutes'], est)}; "
        f"平均 mean {s['mean_minutes']}; 最长 max {s['max_minutes']}"
    )
    print(
        f"求解 solver: {plan.result.solver}; optimal={s['optimal']}, bound={s['bound_minutes']} "
        f"({s['solve_seconds']} s)"
    )
    print("市属医院人日 city-hospital days: " + ", ".join(f"{k} {v}" for k, v in s["city_share"].items()))
    for note in plan.notes:
        print(f"注 note: {note}")
    cols = ["hospital", "center", "county", "days", "minutes"]
    table = plan.pairs[cols].rename(columns={"minutes": "minutes_est" if est else "minutes"})
    limit = 60
    print(table.head(limit).to_string(index=False))
    if len(table) > limit:
        print(f"… {len(table) - limit} more pairs (see --xlsx / --csv-dir)")


def _run_working_days(month: str) -> int:
    days = working_days(month)
    provisional = year_is_provisional(parse_month(month)[0])
    label = f"（{PROVISIONAL_LABEL} provisional）" if provisional else ""
    print(f"{month}: {len(days)} 个工作日 working days{label}")
    print(" ".join(f"{d:%m-%d}{WEEKDAY_ZH[d.weekday()]}" for d in days))
    return cli.EXIT_OK


def _run_progress(files: Sequence[str], csv_dir: str | None) -> int:
    done = pd.concat([read_annex2(path) for path in files], ignore_index=True)
    dup = done[done.duplicated(["month", "center_id"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        msg = f"{first['center_id']} in {first['month']} appears in more than one workbook"
        raise DataFileError(msg)
    report = progress_report(planned_from_annex2(done), done)
    pd.set_option("display.width", 160)
    print("按地市、月份 planned vs done doctor-days (1 人日 = 1 人次, assumption):")
    print(report.by_month.to_string(index=False))
    print("目标 targets (闽卫医政函〔2022〕595号; per prefecture pro-rated by centres — assumption):")
    print(report.targets.to_string(index=False))
    print(f"当月无医师工作日的中心 centres with no doctor-day: {len(report.gaps)}")
    print(report.gaps.to_string(index=False))
    if csv_dir:
        out = prepare_out_dir(csv_dir, "--csv-dir")
        for name, frame in (
            ("by_month", report.by_month),
            ("targets", report.targets),
            ("gaps", report.gaps),
        ):
            (out / f"{name}.csv").write_bytes(to_csv_bytes(frame))
    return cli.EXIT_OK


def _run_tertiary_example() -> int:
    """The example 8 tertiary hospitals ↔ 25 weak counties (示例, not the official lists)."""
    ex = load_example_scenario()
    tp = plan_tertiary_pairing(
        ex["tertiary"]["facility_id"].tolist(),
        (ex["weak_counties"]["prefecture_name"] + ex["weak_counties"]["county_name"]).tolist(),
    )
    print("示例（非官方名单）EXAMPLE lists, not the official ones — 三级医院对口帮扶薄弱县医院")
    print(f"路网 network: {tp.network_label}")
    shown = tp.pairs.drop(columns=["hospital_lon", "hospital_lat", "county_lon", "county_lat"])
    print(
        shown.rename(
            columns={"minutes": "minutes_est", "km": "km_est"} if tp.estimated else {}
        ).to_string(index=False)
    )
    print(
        f"总车程 total: {_fmt_minutes(tp.result.total_minutes, tp.estimated)}; counties per hospital "
        f"{tp.result.min_per_hospital}–{tp.result.max_per_hospital}: "
        f"{tp.result.counties_per_hospital.tolist()}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m routing.pairing``; returns the exit code (2 on a user error, never a traceback)."""
    return cli.run_parser(_parser(), run, argv)


def run(args: argparse.Namespace) -> int:
    """Pair, roster and export; or the tertiary example, a progress report, a month's working days."""
    if args.working_days:
        return _run_working_days(args.working_days)
    if args.annex2:
        return _run_progress(args.annex2, args.csv_dir)
    if args.tertiary_example:
        return _run_tertiary_example()
    capacities = capacities_from_table(workspace_table(args, "capacities"))
    if args.capacities:
        capacities = {**(capacities or {}), **read_capacities(args.capacities)}
    if args.example_capacities:
        capacities = {
            **read_capacities(load_example_scenario()["capacities_zhangping"], source="example"),
            **(capacities or {}),
        }
    params = PairingParams(
        objective=args.objective,
        county_rule=args.county_rule,
        out_of_county_penalty_minutes=args.penalty_minutes,
        city_share_min=args.city_share or None,
        max_minutes=args.max_minutes,
    )
    plan = plan_pairing(
        workspace_facilities(args),
        prefecture=args.prefecture,
        county=args.county,
        capacities=capacities,
        params=params,
    )
    _print_plan(plan)
    if not args.month:
        if args.xlsx or args.csv_dir:
            msg = "--xlsx/--csv-dir need --month (the roster month)"
            raise InputValidationError(msg)
        return 0
    pairs = plan.pairs
    months = month_list(args.month)
    rparams = RosterParams(max_days_per_doctor=args.max_days_per_doctor)
    roster = make_rosters(pairs, months, params=rparams)
    for month in months:
        r = roster[[f"{d:%Y-%m}" == month for d in roster["date"]]]
        n_doctors = r[["hospital_id", "doctor"]].drop_duplicates().shape[0]
        print(
            f"{month}: {len(r)} 次下沉 visits on {r['date'].nunique()} working days by "
            f"{n_doctors} 名医师 doctors (≤ {args.max_days_per_doctor} days each)"
        )
    notes = [
        f"范围 scope: {plan.scope.label}; 路网 network: {plan.network_label}",
        *plan.notes,
        f"求解 solver: {plan.result.solver}",
    ]
    if args.xlsx:
        cal = {m: calendar_table(roster[[f"{d:%Y-%m}" == m for d in roster["date"]]], m) for m in months}
        write_plan_xlsx(
            args.xlsx,
            pairs=pairs,
            roster=roster,
            centers=plan.centers,
            calendar=cal,
            estimated=plan.estimated,
            notes=notes,
        )
        print(f"写入 wrote {args.xlsx}")
    if args.csv_dir:
        out = prepare_out_dir(args.csv_dir, "--csv-dir")
        for name, frame in (
            ("pairs", pairs),
            ("roster", roster),
            ("annex1", annex1_table(roster, estimated=plan.estimated)),
            ("annex2", annex2_table(roster, plan.centers)),
        ):
            (out / f"{name}.csv").write_bytes(to_csv_bytes(frame))
        print(f"写入 wrote {out}/pairs.csv, roster.csv, annex1.csv, annex2.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
