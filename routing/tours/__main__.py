"""``python -m routing.tours``: plan a multi-day mobile-hospital tour and write the itinerary and maps.

Examples::

    python -m routing.tours --depot 南平市第一医院 --days 5 --prefecture 南平 --xlsx 巡诊.xlsx
    python -m routing.tours --depot 龙岩市第一医院 --days 3 --teams 2 --required 长汀县红山乡
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from geo import cli
from routing.tours import map as tmap
from routing.tours import outputs as out
from routing.tours._types import TourParams
from routing.tours.plan import parse_clock, plan_fujian_tours, read_visits_csv, township_code


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``python -m routing.tours``."""
    ap = argparse.ArgumentParser(
        prog="python -m routing.tours",
        description="移动医院巡诊路线 — multi-day mobile-hospital tours from a depot hospital",
    )
    ap.add_argument("--depot", required=True, help="depot hospital/township/county name, e.g. 南平市第一医院")
    ap.add_argument("--days", type=int, default=5, help="touring days, 1–14 (default 5)")
    ap.add_argument("--teams", type=int, default=1, help="teams (default 1)")
    ap.add_argument(
        "--prefecture", action="append", default=[], help="prefecture in scope (repeatable), e.g. 南平"
    )
    ap.add_argument("--county", action="append", default=[], help="county in scope (repeatable)")
    ap.add_argument("--start", default="08:00", help="working day start HH:MM (default 08:00)")
    ap.add_argument("--end", default="18:00", help="working day end HH:MM, driving included (default 18:00)")
    ap.add_argument("--clinic-hours", type=float, default=3.0, help="clinic hours per stop (default 3)")
    ap.add_argument(
        "--max-drive-hours", type=float, default=6.0, help="max driving hours per day (default 6)"
    )
    ap.add_argument("--return-nightly", action="store_true", help="return to the depot every night")
    ap.add_argument("--no-return", action="store_true", help="do not return to the depot at the end")
    ap.add_argument(
        "--cover-minutes", type=float, default=None, help="covering tour: N minutes around each stop"
    )
    ap.add_argument(
        "--min-remoteness",
        type=float,
        default=0.0,
        help="only townships at least this many minutes from a county-level hospital",
    )
    ap.add_argument("--include-streets", action="store_true", help="include 街道 (urban sub-districts)")
    ap.add_argument("--visits", help="CSV of months since the last visit: columns township, months")
    ap.add_argument(
        "--required", action="append", default=[], help="township that must be visited (repeatable)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--iterations", type=int, default=3000, help="solver iterations (deterministic budget)")
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    ap.add_argument("--xlsx", help="write the itinerary workbook (XLSX)")
    ap.add_argument("--csv", help="write the itinerary table (CSV, UTF-8 with BOM)")
    ap.add_argument("--html", help="write a self-contained HTML map of the routes")
    ap.add_argument("--print-html", help="write a printable A4 itinerary per team (HTML)")
    ap.add_argument("--print-pdf", help="write the printable A4 itinerary per team as PDF")
    ap.add_argument("--png", help="write a static map of the routes for slides (PNG, A4 landscape)")
    ap.add_argument("--pdf", help="write a static map of the routes for print (PDF, A4 landscape)")
    return ap


def run(args: argparse.Namespace) -> int:
    """Plan the tour, print the summary and itinerary, write the requested files; returns the exit code."""
    params = TourParams(
        days=args.days,
        teams=args.teams,
        day_start_minutes=parse_clock(args.start),
        day_end_minutes=parse_clock(args.end),
        clinic_minutes=args.clinic_hours * 60,
        max_drive_minutes_per_day=args.max_drive_hours * 60 if args.max_drive_hours > 0 else None,
        overnight="depot" if args.return_nightly else "stay",
        return_to_depot=not args.no_return,
        cover_minutes=args.cover_minutes,
        seed=args.seed,
        iterations=args.iterations,
    )
    visits = read_visits_csv(args.visits) if args.visits else None
    required = [township_code(r, "--required") for r in args.required]
    tour = plan_fujian_tours(
        args.depot,
        prefectures=args.prefecture,
        counties=args.county,
        params=params,
        include_streets=args.include_streets,
        min_remoteness_minutes=args.min_remoteness,
        months_since_visit=visits,
        required=required,
    )

    print("\n".join(out.summary_lines(tour, args.lang)))
    print(out.itinerary_frame(tour, args.lang, as_text=True).to_string(index=False))
    if args.xlsx:
        out.write_xlsx(tour, args.xlsx, args.lang)
    if args.csv:
        Path(args.csv).write_bytes(out.csv_bytes(tour, args.lang))
    if args.html:
        with open(args.html, "w", encoding="utf-8") as fh:
            fh.write(tmap.tour_map_html(tour, lang=args.lang))
    if args.print_html:
        with open(args.print_html, "w", encoding="utf-8") as fh:
            fh.write(out.itinerary_print_html(tour, args.lang))
    if args.print_pdf:
        Path(args.print_pdf).write_bytes(out.itinerary_print_pdf(tour, args.lang))
    for fmt, target in (("png", args.png), ("pdf", args.pdf)):
        if target:
            Path(target).write_bytes(tmap.tour_static_map(tour, lang=args.lang, fmt=fmt))
    return cli.EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: plan a tour and print the itinerary; optionally write XLSX/CSV/HTML map/printable itinerary."""
    return cli.run_parser(build_parser(), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
