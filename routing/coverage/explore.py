"""One interactive coverage run, as the 覆盖分析 page shows it: evaluate (or what-if), the tables to show in
a language, the options for the what-if pickers and every download.

The page reads its widgets, calls :func:`run_coverage` and renders what :func:`display_tables` and
:func:`downloads` return; the command line (``python -m routing.coverage``) calls the same functions below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.network import Network
from geo.tables import csv_bytes, xlsx_bytes
from routing.coverage.map import coverage_html, coverage_static
from routing.coverage.outputs import coverage_sheets, export_notes
from routing.coverage.plan import CoverageInputs, CoverageResult, WhatIfResult, add_stops, evaluate, what_if
from routing.downloads import Download

__all__ = ["CoverageRun", "Download", "display_tables", "downloads", "run_coverage", "source_options",
           "stop_options"]

#: Columns each table shows (``reason`` is the planner's language).
TABLE_COLUMNS: dict[str, list[str]] = {
    "left_out": ["rank", "county_name", "name", "minutes", "population_est", "reason", "nearest_source",
                 "priority"],
    "by_county": ["prefecture_name", "county_name", "townships", "covered_townships", "population_est",
                  "covered_population_est", "covered_share"],
    "by_prefecture": ["prefecture_name", "townships", "covered_townships", "population_est",
                      "covered_population_est", "covered_share"],
    "changed": ["county_name", "name", "population_est", "minutes_before", "minutes_after", "nearest_after",
                "change"],
    "townships": ["county_name", "name", "code", "minutes", "km", "covered", "reason", "nearest_source"],
}
_DIGITS = {"minutes": 1, "km": 1, "minutes_before": 1, "minutes_after": 1, "population_est": 0,
           "covered_population_est": 0, "priority": 0}


@dataclass(frozen=True, eq=False)
class CoverageRun:
    """Coverage at one threshold, with the what-if change when stops were added or hospitals removed.

    Attributes
    ----------
    inputs
        The prepared scope (townships × sources matrix).
    result
        Coverage after the change (or the baseline when there is none).
    sources
        The sources of ``result`` (mobile stops included).
    what_if
        Before/after, or None when nothing was changed.
    """
    inputs: CoverageInputs
    result: CoverageResult
    sources: pd.DataFrame
    what_if: WhatIfResult | None

    @property
    def estimated(self) -> bool:
        """True on the estimated network (every time and population figure is labelled 估算)."""
        return bool(self.result.summary["estimated"])


def run_coverage(
    inputs: CoverageInputs,
    network: Network,
    minutes: float,
    *,
    add_stops_at: Sequence[str] = (),
    remove_source_ids: Sequence[str] = (),
) -> CoverageRun:
    """Evaluate coverage at ``minutes`` (T), with mobile stops added and hospitals removed when given.

    Raises
    ------
    InputValidationError
        Bad threshold, unknown township or source, no source left.
    """
    if add_stops_at or remove_source_ids:
        wi = what_if(inputs, network, minutes, add_stops_at=add_stops_at, remove_source_ids=remove_source_ids)
        sources = add_stops(inputs, network, add_stops_at).sources if add_stops_at else inputs.sources
        return CoverageRun(inputs, wi.after, sources, wi)
    return CoverageRun(inputs, evaluate(inputs, minutes), inputs.sources, None)


def stop_options(inputs: CoverageInputs) -> dict[str, str]:
    """Township code → "county township" for every placed township in scope (where a stop can go)."""
    placed = inputs.townships[inputs.townships["lon"].notna()]
    return dict(zip(placed["code"].astype(str), placed["county_name"] + placed["name"], strict=True))


def source_options(inputs: CoverageInputs) -> dict[str, str]:
    """Source id → "prefecture name" for every hospital of the scope (which one may be removed)."""
    src = inputs.sources
    return dict(zip(src["source_id"].astype(str), src["prefecture_name"] + " " + src["name"], strict=True))


def display_tables(run: CoverageRun, lang: str) -> dict[str, pd.DataFrame]:
    """The tables the page shows, columns chosen and rounded, reasons in ``lang``; share in per cent.

    Keys: ``left_out``, ``by_county``, ``by_prefecture``, ``townships`` and, after a what-if, ``changed``.
    """
    reason = "reason_en" if lang == "en" else "reason_zh"
    frames = {
        "left_out": run.result.left_out, "by_county": run.result.by_county,
        "by_prefecture": run.result.by_prefecture, "townships": run.result.townships,
    }
    if run.what_if is not None and len(run.what_if.changed):
        frames["changed"] = run.what_if.changed
    out = {}
    for key, frame in frames.items():
        cols = [c for c in TABLE_COLUMNS[key] if (reason if c == "reason" else c) in frame.columns]
        table = frame[[reason if c == "reason" else c for c in cols]].copy()
        for col, digits in _DIGITS.items():
            if col in table:
                table[col] = table[col].round(digits)
        if "covered_share" in table:
            table["covered_share"] = (table["covered_share"] * 100).round(1)
        out[key] = table
    return out


def downloads(run: CoverageRun, *, lang: str, areas: gpd.GeoDataFrame | None = None) -> list[Download]:
    """CSV (townships), XLSX (every table + the what-if), HTML map, static PNG and PDF maps.

    Costly files (maps) are functions, made when the planner clicks.
    """
    result, sources = run.result, run.sources
    summ = result.summary
    stem = f"xunzhen-coverage-{summ['scope']}-{int(result.threshold_minutes)}min"
    notes = export_notes(result)
    sheets = coverage_sheets(result)
    if run.what_if is not None:
        sheets["假设变化 what-if"] = run.what_if.changed
    return [
        Download("csv", f"{stem}.csv", csv_bytes(result.townships)),  # plain CSV; notes in the XLSX
        Download("xlsx", f"{stem}.xlsx", lambda: xlsx_bytes(sheets, notes)),
        Download("html", f"{stem}.html",
                 lambda: coverage_html(result, sources, lang=lang, areas=areas).encode("utf-8")),
        *(Download(fmt, f"{stem}.{fmt}", _static(run, fmt, lang, areas)) for fmt in ("png", "pdf")),
    ]


def _static(run: CoverageRun, fmt: str, lang: str, areas: gpd.GeoDataFrame | None) -> Callable[[], bytes]:
    return lambda: coverage_static(run.result, run.sources, fmt=fmt, lang=lang, areas=areas)
