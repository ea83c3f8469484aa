"""Command line of the coverage analysis: ``python -m routing.coverage --minutes 60 [--prefecture 龙岩] …``.

A thin argparse layer over :mod:`routing.coverage` and its outputs (:mod:`routing.coverage.map`,
:mod:`routing.exports`). Bad input (T not a number, ≤ 0 or > 600, no sources, a source outside Fujian, an
unknown place) gets a one-line message and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence

import pandas as pd

from geo import cli
from geo._errors import InputValidationError
from geo.network import active_network
from geo.places import resolve_place
from geo.tables import write_csv, xlsx_bytes
from routing.coverage import (
    DEFAULT_SOURCE_TYPES,
    check_threshold,
    coverage_sheets,
    evaluate,
    export_notes,
    prepare,
)
from routing.coverage import map as coverage_map
from routing.workspace.cli import add_workspace_option, workspace_facilities

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m routing.coverage",
        description="Which townships are within T minutes of a county-level-or-above hospital, who is left "
        "out and why. On the estimated network every figure is an estimate (估算).",
    )
    p.add_argument("--minutes", required=True, help="threshold T in minutes (0 < T ≤ 600), e.g. 60")
    p.add_argument("--prefecture", help="only the townships of this prefecture (e.g. 龙岩)")
    p.add_argument(
        "--source-types",
        default=",".join(DEFAULT_SOURCE_TYPES),
        help="facility types used as care sources, comma-separated (default: %(default)s)",
    )
    p.add_argument(
        "--add-stop",
        action="append",
        default=[],
        metavar="TOWNSHIP",
        help="add a mobile-hospital stop at this township (name such as 长汀县新桥镇); repeatable",
    )
    p.add_argument(
        "--remove",
        action="append",
        default=[],
        metavar="SOURCE",
        help="remove this source (facility id such as CH-350821, or its exact name); repeatable",
    )
    p.add_argument("--csv", help="write one row per township in scope to this CSV file")
    p.add_argument(
        "--xlsx", help="write townships, counties, prefectures and left-out sheets to this XLSX file"
    )
    p.add_argument("--html", help="write a self-contained HTML map (opens offline)")
    p.add_argument("--png", help="write a static map (PNG)")
    p.add_argument("--pdf", help="write a static map (PDF)")
    p.add_argument("--top", type=int, default=10, help="how many left-out townships to print (default 10)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of map labels")
    add_workspace_option(p)
    return p


def _resolve_township(name: str) -> str:
    match = resolve_place(name)
    if match.kind != "township":
        msg = (
            f"{name!r} is a {match.kind}, not a township; a mobile stop needs a township (e.g. 长汀县新桥镇)."
        )
        raise InputValidationError(msg)
    return match.code


def _resolve_sources(names: Sequence[str], sources: pd.DataFrame) -> list[str]:
    out = []
    for name in names:
        hit = sources[(sources["source_id"] == name) | (sources["name"] == name)]
        if hit.empty:
            msg = f"--remove {name!r}: no such source (use a facility id such as CH-350821 or an exact name)."
            raise InputValidationError(msg)
        out.extend(hit["source_id"].tolist())
    return out


def run(args: argparse.Namespace) -> int:
    """Evaluate coverage, print the key figures and the most left-out townships, write the requested files."""
    t = check_threshold(args.minutes)
    if args.top < 0:
        msg = f"--top must be 0 or more, got {args.top}."
        raise InputValidationError(msg)
    types = [s.strip() for s in args.source_types.split(",") if s.strip()]
    if not types and not args.add_stop:
        msg = "No care sources: give --source-types or at least one --add-stop."
        raise InputValidationError(msg)
    network = active_network()
    stops = [_resolve_township(n) for n in args.add_stop]
    facilities = workspace_facilities(args)  # --workspace: its working facility table; else the embedded one
    if types:
        inputs = prepare(network, prefecture=args.prefecture, source_types=types, mobile_stops=stops,
                         facilities=facilities)
    else:
        inputs = prepare(
            network,
            prefecture=args.prefecture,
            sources=pd.DataFrame(columns=["facility_id", "name", "lon", "lat"]),
            mobile_stops=stops,
        )
    removed = _resolve_sources(args.remove, inputs.sources)
    result = evaluate(inputs, t, remove_source_ids=removed)
    s = result.summary
    est = "（估算）" if s["estimated"] else ""
    print(f"路网 network: {s['network_label']}")
    print(f"范围 scope: {s['scope']}; T = {t:g} min; 医疗来源 sources: {s['sources']}")
    print(
        f"覆盖乡镇 covered townships: {s['covered_townships']}/{s['townships']}; "
        f"覆盖人口{est} covered population (estimated): {s['covered_population_est']:,.0f} / "
        f"{s['population_est']:,.0f} = {s['covered_share']:.1%}"
    )
    for r in result.by_prefecture.itertuples():
        share = f"{r.covered_share:.1%}{est}"
        print(f"  {r.prefecture_name}: {share} ({r.covered_townships}/{r.townships} townships)")
    if args.top and len(result.left_out):
        print(f"最需关注的未覆盖乡镇 most left-out townships (population × excess minutes){est}:")
        for r in result.left_out.head(args.top).itertuples():
            minutes = float(r.minutes)  # type: ignore[arg-type]
            mins = "—" if math.isnan(minutes) else f"{minutes:.0f} min{est}"
            print(
                f"  {r.rank:>3}. {r.prefecture_name}{r.county_name}{r.name}: {mins}, "
                f"pop≈{r.population_est:,.0f}, {r.reason_zh} / {r.reason_en}"
            )
    notes = export_notes(result)
    if args.csv:
        write_csv(result.townships, args.csv)
        print(f"wrote {args.csv}")
    if args.xlsx:
        with open(args.xlsx, "wb") as fh:
            fh.write(xlsx_bytes(coverage_sheets(result), notes))
        print(f"wrote {args.xlsx}")
    if args.html or args.png or args.pdf:
        if args.html:
            html = coverage_map.coverage_html(result, inputs.sources, lang=args.lang)
            with open(args.html, "w", encoding="utf-8") as fh:
                fh.write(html)
            print(f"wrote {args.html}")
        for path, fmt in ((args.png, "png"), (args.pdf, "pdf")):
            if path:
                with open(path, "wb") as fh:
                    fh.write(
                        coverage_map.coverage_static(result, inputs.sources, fmt=fmt, lang=args.lang)
                    )
                print(f"wrote {path}")
    return cli.EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m routing.coverage``; returns the exit status (2 with a one-line message on bad input)."""
    return cli.run_parser(_parser(), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
