"""``python -m routing.programme``: plan a programme year and write its files.

Example::

    python -m routing.programme --county 漳平市 --year 2027 --doctors 医师名册.xlsx --out-dir 2027
    # a filled 附件2 updates the burn-up and the ledger:
    python -m routing.programme --county 漳平市 --year 2027 --doctors 医师名册.xlsx \\
        --annex2 附件2_2027-01.xlsx --out-dir 2027

Writes visits.csv (``date,doctor,title,specialty,hospital_id,center_id,center,minutes``), ledger.csv,
年度计划.xlsx, 附件1_YYYY-MM.xlsx and 附件2_YYYY-MM.xlsx for every month, and 台账_<hospital>.xlsx. Doctor
names are never printed on screen.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from geo import cli
from geo.facilities import load_facilities
from routing.calendar import PROVISIONAL_LABEL, holidays_from_table, read_overrides
from routing.pairing.annex2 import import_annex2
from routing.programme.forms import FormHeader
from routing.programme.needs import read_center_needs
from routing.programme.outputs import write_year
from routing.programme.progress import burnup, ledger
from routing.programme.register import Register, read_register
from routing.programme.year import ProgrammeParams, ProgrammeYear, plan_year
from routing.workspace.cli import add_workspace_option, workspace_facilities, workspace_table


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m routing.programme",
        description="千名医师下基层 programme year: named doctors → every center every month; "
        "forms 附件1/附件2.",
    )
    p.add_argument("--prefecture", help="设区市, e.g. 龙岩 (omit both for the province)")
    p.add_argument("--county", help="县（市、区）, e.g. 漳平市")
    p.add_argument("--year", type=int, required=True, help="year to plan, 2022–2035")
    p.add_argument(
        "--doctors", help="doctor register (XLSX/CSV: 姓名, 职称, 科室, 所属医院, 可支援月份, 每月最多天数)"
    )
    p.add_argument("--holidays", help="holiday list (CSV/XLSX: 日期, 类型 休息|上班) overriding the calendar")
    p.add_argument("--needs", help="卫生院专科需求 (XLSX/CSV: 机构名称 or 机构编码, 专科需求 如 儿科、中医)")
    p.add_argument(
        "--annex2", nargs="+", metavar="FILE", help="filled 附件2 workbooks: update burn-up and ledger"
    )
    p.add_argument(
        "--out-dir", required=True, help="folder for visits.csv, ledger.csv, 年度计划.xlsx and forms"
    )
    p.add_argument("--max-days", type=int, default=4, help="monthly cap of a doctor without one (1–23)")
    p.add_argument("--seed", type=int, default=0, help="seed of the date spread (0 … 2^31−1)")
    p.add_argument("--unit", default="", help="填报单位 on the forms (default: the county hospital)")
    p.add_argument("--person", default="", help="填报人 on the forms")
    p.add_argument("--phone", default="", help="联系电话 on the forms")
    p.add_argument("--date", default="", help="填报日期 on the forms (YYYY-MM-DD)")
    add_workspace_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Plan the year, read reports, write every file; print figures without names."""
    facilities = workspace_facilities(args)
    if facilities is None:
        facilities = load_facilities()
    register = read_register(args.doctors, facilities) if args.doctors else None
    stored = workspace_table(args, "doctors") if register is None else None
    if stored is not None:  # the workspace's register, validated when it was imported
        register = Register.from_stored(stored, str(args.workspace))
    if register is not None:
        for line in register.report_lines():
            print(f"名册 register: {line}")
    overrides = read_overrides(args.holidays, year=args.year) if args.holidays else None
    if overrides is None:
        overrides = holidays_from_table(workspace_table(args, "holidays"))
    needs = workspace_table(args, "specialty_needs")
    if args.needs:
        read = read_center_needs(args.needs, facilities)
        for line in read.problems:
            print(f"专科需求 needs: {line}")
        needs = read.table
    params = ProgrammeParams(default_max_days=args.max_days, seed=args.seed)
    plan = plan_year(
        register,
        year=args.year,
        prefecture=args.prefecture,
        county=args.county,
        facilities=facilities,
        overrides=overrides,
        params=params,
        center_needs=needs,
    )
    done = None
    if args.annex2:
        doctors = register.doctors if register is not None else None
        known = plan.centers["facility_id"].tolist()
        results = [
            import_annex2(f, known_ids=known, doctors=doctors, overrides=overrides) for f in args.annex2
        ]
        for res in results:
            for line in (*res.notes, *res.problems):
                print(f"附件2: {line}")
        done = pd.concat([r.done for r in results], ignore_index=True)
    led, burn = ledger(plan, done), burnup(plan, done)
    header = FormHeader(unit=args.unit, person=args.person, phone=args.phone, date=args.date)
    written = write_year(plan, args.out_dir, ledger=led, burnup=burn, header=header if args.unit else None)
    _print(plan, burn)
    print(f"写入 wrote {len(written)} files to {args.out_dir}")
    return cli.EXIT_OK


def _print(plan: ProgrammeYear, burn: pd.DataFrame) -> None:
    s = plan.summary
    print(f"范围 scope: {plan.scope.label}; {plan.year}; 路网 network: {plan.network_label}")
    if s["provisional"].any():
        print(f"节假日 holidays: {PROVISIONAL_LABEL} (statutory holidays computed)")
    cols = [
        "month",
        "working_days",
        "centers",
        "centers_covered",
        "doctor_days",
        "doctors_used",
        "city_share",
    ]
    print(s[cols].to_string(index=False))
    distinct = plan.visits.groupby("center_id")["doctor_id"].nunique()
    print(
        f"每中心全年不同医师数 distinct doctors per centre over the year: min {distinct.min()}, "
        f"median {distinct.median():.0f}, max {distinct.max()}"
    )
    last = burn.groupby("area").tail(1)
    for row in last.itertuples(index=False):
        print(
            f"{row.area}: 累计计划 {row.cum_planned} / 上报 {row.cum_reported} 人日; "
            f"12月底目标 {row.target:.0f} (按中心数分摊，假设)"
        )
    for note in plan.notes:
        print(f"注 note: {note}")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m routing.programme``; returns the exit code (2 on a user error, never a traceback)."""
    return cli.run_parser(_parser(), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
