"""``python -m routing.tours``: plan a dated multi-day mobile-hospital tour and write the itinerary and maps.

Examples::

    python -m routing.tours --depot 南平市第一医院 --days 5 --prefecture 南平 --xlsx 巡诊.xlsx
    python -m routing.tours --days 3 --teams 2 --start-date 2026-12-07 --required 长汀县红山乡 \
        --market 长汀县红山乡=逢3、8 --visit-rules 圩日.xlsx --overnight 驻地 --overnight 长汀县医院

Every number is checked against its allowed range before anything is planned (argparse: the message names
the flag and the range, exit code 2); every other problem is one message through ``geo.cli``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from geo import cli
from geo._errors import InputValidationError
from routing.calendar import holidays_from_table, read_overrides
from routing.tours import map as tmap
from routing.tours import outputs as out
from routing.tours import printing
from routing.tours._types import MAX_ITERATIONS, MAX_SEED, MAX_TIME_LIMIT_SECONDS, TourParams, parse_clock
from routing.tours.explore import rules_from_frame
from routing.tours.market import VisitRule, read_visit_rules, visit_rule
from routing.tours.places import DEFAULT_DEPOT, township_code
from routing.tours.plan import plan_fujian_tours, read_visits_csv
from routing.workspace.cli import add_workspace_option, workspace_facilities, workspace_table


def bounded(
    name: str, kind: type[int] | type[float], low: float, high: float, unit: str = ""
) -> Callable[[str], float]:
    """An argparse type: a finite number of ``kind`` in [low, high]; the message names ``name`` and the
    range."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            what = "a whole number" if kind is int else "a number"
            lo, hi = (f"{int(low)}", f"{int(high)}") if kind is int else (f"{low:g}", f"{high:g}")
            msg = f"{name} 须为 {lo}–{hi}{unit} / {name} must be {what} from {lo} to {hi}{unit}, got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``python -m routing.tours`` (flags in groups; every number bounded)."""
    ap = argparse.ArgumentParser(
        prog="python -m routing.tours",
        description="移动医院巡诊路线 — dated multi-day mobile-hospital tours from a depot hospital",
    )
    for add in (_where, _days, _nights, _rules, _townships, _solver, _outputs):
        add(ap)
    add_workspace_option(ap)
    return ap


def _where(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("depot, scope, teams / 出发地、范围、队伍")
    g.add_argument(
        "--depot", default=DEFAULT_DEPOT, help=f"depot hospital/township/county (default {DEFAULT_DEPOT})"
    )
    g.add_argument(
        "--days", type=bounded("days", int, 1, 14), default=5, help="touring days, 1–14 (default 5)"
    )
    g.add_argument("--teams", type=bounded("teams", int, 1, 10), default=1, help="teams, 1–10 (default 1)")
    g.add_argument(
        "--prefecture", action="append", default=[], help="prefecture in scope (repeatable), e.g. 南平"
    )
    g.add_argument("--county", action="append", default=[], help="county in scope (repeatable)")


def _days(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("dates and hours / 日期与时段")
    g.add_argument(
        "--start-date",
        type=dt.date.fromisoformat,
        default=None,
        help="first day YYYY-MM-DD (default: the next working day)",
    )
    g.add_argument(
        "--weekends", action="store_true", help="tour on weekends and holidays too (consecutive days)"
    )
    g.add_argument("--holidays", help="CSV/XLSX of holidays and make-up workdays (columns 日期, 类型)")
    g.add_argument("--start", default="08:00", help="working day start HH:MM (default 08:00)")
    g.add_argument("--end", default="18:00", help="working day end HH:MM, driving included (default 18:00)")
    g.add_argument(
        "--clinic-hours",
        type=bounded("clinic hours", float, 0.25, 12, " h"),
        default=3.0,
        help="clinic hours per stop, 0.25–12 (default 3)",
    )
    g.add_argument(
        "--max-drive-hours",
        type=bounded("max drive hours", float, 0.5, 24, " h"),
        default=6.0,
        help="max driving hours per day, 0.5–24 (default 6)",
    )
    g.add_argument("--no-drive-limit", action="store_true", help="no daily driving limit (the window only)")
    g.add_argument(
        "--lunch-minutes",
        type=bounded("lunch minutes", float, 0, 180, " min"),
        default=60.0,
        help="lunch break, 0–180 min (default 60; 0 = none)",
    )
    g.add_argument(
        "--lunch-window", default="11:30-13:30", help="window of the lunch break (default 11:30-13:30)"
    )


def _nights(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("overnight places / 住宿")
    g.add_argument("--return-nightly", action="store_true", help="return to the depot every night")
    g.add_argument("--no-return", action="store_true", help="do not return to the depot at the end")
    g.add_argument(
        "--overnight",
        action="append",
        default=None,
        help="allowed overnight place (repeatable; 驻地 = the depot); default: depot, hospitals, "
        "township seats with a health center",
    )


def _rules(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("market days and opening hours / 圩日与开放时间")
    g.add_argument(
        "--market",
        action="append",
        default=[],
        metavar="TOWNSHIP=RULE",
        help="market days of a township, e.g. 长汀县红山乡=逢3、8 (repeatable)",
    )
    g.add_argument(
        "--market-only",
        action="append",
        default=[],
        metavar="TOWNSHIP",
        help="township that may only be visited on its market day (repeatable)",
    )
    g.add_argument("--visit-rules", help="CSV/XLSX of township rules: 乡镇, 圩日, 仅圩日, 开放, 结束")
    g.add_argument(
        "--market-factor",
        type=bounded("market factor", float, 1, 10),
        default=1.5,
        help="priority × this on a market day, 1–10 (default 1.5)",
    )


def _townships(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("townships / 乡镇")
    g.add_argument(
        "--cover-minutes",
        type=bounded("cover minutes", float, 1, 600, " min"),
        default=None,
        help="covering tour: N minutes around each stop",
    )
    g.add_argument(
        "--min-remoteness",
        type=bounded("min remoteness", float, 0, 600, " min"),
        default=0.0,
        help="only townships at least this many minutes from a county-level hospital",
    )
    g.add_argument("--include-streets", action="store_true", help="include 街道 (urban sub-districts)")
    g.add_argument("--visits", help="CSV of months since the last visit: columns township, months")
    g.add_argument(
        "--required", action="append", default=[], help="township that must be visited (repeatable)"
    )


def _solver(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("solver / 求解")
    g.add_argument(
        "--seed", type=bounded("seed", int, 0, MAX_SEED), default=0, help=f"solver seed, 0–{MAX_SEED}"
    )
    g.add_argument(
        "--iterations",
        type=bounded("iterations", int, 1, MAX_ITERATIONS),
        default=None,
        help=f"solver iterations per solve, 1–{MAX_ITERATIONS:,} (deterministic budget; default: scaled to "
        "the candidates, 3,000–6,000)",
    )
    g.add_argument(
        "--time-limit",
        type=bounded("time limit", float, 1, MAX_TIME_LIMIT_SECONDS, " s"),
        default=120.0,
        help="wall-clock limit of the whole plan, seconds (default 120)",
    )


def _outputs(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("outputs / 输出")
    g.add_argument("--lang", choices=["zh", "en"], default="zh")
    g.add_argument("--xlsx", help="write the itinerary workbook (XLSX)")
    g.add_argument("--csv", help="write the itinerary table (CSV)")
    g.add_argument("--html", help="write a self-contained HTML map of the routes")
    g.add_argument("--print-html", help="write a printable A4 itinerary per team (HTML)")
    g.add_argument("--print-pdf", help="write the printable A4 itinerary per team as PDF")
    g.add_argument("--png", help="write a static map of the routes for slides (PNG, A4 landscape)")
    g.add_argument("--pdf", help="write a static map of the routes for print (PDF, A4 landscape)")


def params_from(args: argparse.Namespace) -> TourParams:
    """The :class:`TourParams` of the parsed command line."""
    lunch_a, _, lunch_b = str(args.lunch_window).replace("–", "-").partition("-")
    return TourParams(
        days=int(args.days),
        teams=int(args.teams),
        day_start_minutes=parse_clock(args.start, "--start"),
        day_end_minutes=parse_clock(args.end, "--end"),
        clinic_minutes=args.clinic_hours * 60,
        max_drive_minutes_per_day=None if args.no_drive_limit else args.max_drive_hours * 60,
        overnight="depot" if args.return_nightly else "stay",
        return_to_depot=not args.no_return,
        cover_minutes=args.cover_minutes,
        lunch_minutes=args.lunch_minutes,
        lunch_earliest_minutes=parse_clock(lunch_a, "--lunch-window"),
        lunch_latest_minutes=parse_clock(lunch_b, "--lunch-window"),
        market_day_factor=args.market_factor,
        seed=int(args.seed),
        iterations=args.iterations,
        time_limit_seconds=args.time_limit,
    )


def rules_from(args: argparse.Namespace) -> dict[str, VisitRule]:
    """Township rules from ``--visit-rules`` then ``--market``/``--market-only`` (the flags win)."""
    rules = (
        read_visit_rules(args.visit_rules, resolve=lambda t: township_code(t, "--visit-rules"))
        if args.visit_rules
        else {}
    )
    only = {township_code(t, "--market-only") for t in args.market_only}
    for item in args.market:
        town, sep, rule = item.partition("=")
        if not sep:
            raise cli_error(
                f"--market {item!r}：应写作 乡镇=规则 / should be TOWNSHIP=RULE, e.g. 长汀县红山乡=逢3、8"
            )
        code = township_code(town, "--market")
        rules[code] = visit_rule(rule, code in only, where=f"--market {town}")
    for code in only:
        old = rules.get(code)
        if old is None or old.market is None:
            raise cli_error(
                f"--market-only {code}：没有该乡镇的圩日规则 / no market-day rule for this township"
            )
        rules[code] = dataclasses.replace(old, market_only=True)
    return rules


def cli_error(message: str) -> InputValidationError:
    """An input error with ``message`` (shown by the ``geo.cli`` boundary)."""
    return InputValidationError(message)


def run(args: argparse.Namespace) -> int:
    """Plan the tour, print the summary and itinerary, write the requested files; returns the exit code.

    With ``--workspace``: its facility table, market-day rules, overnight places and holidays, unless the
    flags give their own.
    """
    params = params_from(args)
    overrides = read_overrides(args.holidays) if args.holidays else None
    stored_places = workspace_table(args, "overnight_places")
    places = [] if stored_places is None else [str(p) for p in stored_places["place"]]
    tour = plan_fujian_tours(
        args.depot,
        prefectures=args.prefecture,
        counties=args.county,
        params=params,
        include_streets=args.include_streets,
        min_remoteness_minutes=args.min_remoteness,
        months_since_visit=read_visits_csv(args.visits) if args.visits else None,
        required=[township_code(r, "--required") for r in args.required],
        start_date=args.start_date,
        weekends=args.weekends,
        calendar_overrides=overrides or holidays_from_table(workspace_table(args, "holidays")),
        visit_rules={**dict(rules_from_frame(workspace_table(args, "market_days"), {})), **rules_from(args)},
        overnight=args.overnight or places or None,
        facilities=workspace_facilities(args),
    )
    print("\n".join(out.summary_lines(tour, args.lang)))
    print(out.itinerary_frame(tour, args.lang, as_text=True).to_string(index=False))
    if args.xlsx:
        out.write_xlsx(tour, args.xlsx, args.lang)
    if args.csv:
        Path(args.csv).write_bytes(out.csv_bytes(tour, args.lang))
    if args.html:
        Path(args.html).write_text(tmap.tour_map_html(tour, lang=args.lang), encoding="utf-8")
    if args.print_html:
        Path(args.print_html).write_text(printing.itinerary_print_html(tour, args.lang), encoding="utf-8")
    if args.print_pdf:
        Path(args.print_pdf).write_bytes(printing.itinerary_print_pdf(tour, args.lang))
    for fmt, target in (("png", args.png), ("pdf", args.pdf)):
        if target:
            Path(target).write_bytes(tmap.tour_static_map(tour, lang=args.lang, fmt=fmt))
    return cli.EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: plan a tour and print the itinerary; optionally write XLSX/CSV/HTML map/printable itinerary.
    A bad flag or value gets argparse's usage and message (naming the flag and its range), exit code 2."""
    try:
        return cli.run_parser(build_parser(), run, argv)
    except SystemExit as done:  # argparse: --help (0) or a bad flag (2)
        return done.code if isinstance(done.code, int) else cli.EXIT_USER


if __name__ == "__main__":
    raise SystemExit(main())
