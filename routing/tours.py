"""Mobile-hospital (移动医院) tours: multi-day, multi-stop plans from a depot hospital over townships.

Two entry points, as elsewhere in xunzhen:

* :func:`plan_tours_matrix` — the core on plain matrices (drive minutes and km, depot first), priorities and a
  :class:`TourParams` budget; a prize-collecting VRP with time windows solved by PyVRP (model in
  ``routing/_tours_model.py``).
* :func:`plan_fujian_tours` — the adapter: a depot by name, the prefecture(s)/counties in scope, the
  active road network; it scores each township (:func:`priority_scores`: remoteness, estimated population,
  left out by coverage, months since the last visit), builds the matrix and calls the core.

Command line::

    python -m routing.tours --depot 南平市第一医院 --days 5 [--prefecture 南平] [--teams 1] \
        [--xlsx FILE] [--csv FILE] [--html FILE] [--print-html FILE] \
        [--print-pdf FILE] [--png FILE] [--pdf FILE]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import (
    AmbiguousPlaceError,
    DataFileError,
    InputValidationError,
    UnknownPlaceError,
    XunzhenError,
)
from geo.places import PlaceMatch
from routing._tours_model import plan_tours_matrix
from routing._tours_priority import PriorityWeights, priority_scores
from routing._tours_types import (
    REASONS,
    DayPlan,
    LeftOut,
    Stop,
    TourParams,
    TourPlan,
    hhmm,
)

__all__ = [
    "REASONS",
    "DayPlan",
    "FujianTour",
    "LeftOut",
    "PriorityWeights",
    "Stop",
    "TourParams",
    "TourPlan",
    "hhmm",
    "parse_clock",
    "plan_fujian_tours",
    "plan_tours_matrix",
    "priority_scores",
    "read_visits_csv",
    "tour_candidates",
]

logger = logging.getLogger(__name__)

#: Facility types counted as "county-level-or-above hospitals" for remoteness.
HOSPITAL_TYPES = ("county_hospital", "city_hospital", "tertiary_hospital")


def parse_clock(text: str) -> float:
    """``"08:00"`` → 480.0 (minutes since midnight).

    Raises
    ------
    InputValidationError
        If the text is not ``HH:MM`` with 0 ≤ HH ≤ 24 and 0 ≤ MM < 60.
    """
    try:
        hh, mm = str(text).strip().replace("：", ":").split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        h = m = -1
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 1440:
        msg = f"clock time {text!r} is not HH:MM (e.g. 08:00)"
        raise InputValidationError(msg)
    return float(h * 60 + m)


@dataclass(frozen=True, eq=False)
class FujianTour:
    """A tour plan on Fujian's places: the core :class:`TourPlan` plus where everything is.

    ``candidates`` is the scored township table (one row per candidate, in the plan's candidate order, with
    ``remoteness_minutes``, ``left_out_at_threshold``, ``score``); ``lonlat`` (n+1, 2) WGS84 with the depot
    first; ``unplaced`` lists townships in scope without a point (left out: no location); ``network_label``
    says which network gave the figures.
    """

    plan: TourPlan
    depot_name: str
    depot_code: str
    candidates: gpd.GeoDataFrame
    lonlat: np.ndarray
    network_label: str
    unplaced: tuple[str, ...] = field(default_factory=tuple)
    network_label_en: str = ""


def _pref_match(names: Sequence[str], column) -> np.ndarray:  # column: pandas Series
    wanted = {n.strip().removesuffix("市") for n in names if n and n.strip()}
    return column.str.removesuffix("市").isin(wanted).to_numpy()


def _matrix(network, origins: np.ndarray, destinations: np.ndarray):
    """Travel minutes/km on the network, through routing.matrix (cached) when it is available."""
    try:
        from routing.matrix import travel_matrix
    except ImportError:  # pragma: no cover - routing.matrix is built in parallel
        return network.travel(origins, destinations)
    return travel_matrix(network, origins, destinations)


def tour_candidates(
    prefectures: Sequence[str] = (),
    counties: Sequence[str] = (),
    *,
    include_streets: bool = False,
    min_remoteness_minutes: float = 0.0,
    network=None,
    weights: PriorityWeights | None = None,
    months_since_visit: Mapping[str, float] | None = None,
    facilities: pd.DataFrame | None = None,
) -> tuple[gpd.GeoDataFrame, list[str], bool]:
    """Townships in scope, scored for a tour.

    Parameters
    ----------
    prefectures, counties
        Names (南平 or 南平市; 光泽县); a township is in scope if its prefecture or county is listed.
    include_streets
        Include 街道 (urban sub-districts); by default only 镇 and 乡.
    min_remoteness_minutes
        Keep only townships at least this many minutes from the nearest county-level-or-above hospital.
    network
        A ``geo.network.Network``; default the active one.
    weights
        Priority weights (default :class:`PriorityWeights`).
    months_since_visit
        Township code (12 digits) → months since the last mobile-hospital visit; None drops that term.
    facilities
        Facility table whose hospitals set the remoteness (default: the embedded one), e.g. the planner's
        working table with uploads and surveyed points.

    Returns
    -------
    (GeoDataFrame, list of str, bool)
        Placed candidates with ``remoteness_minutes``, ``left_out_at_threshold``, ``months_since_visit``,
        ``score``; the qualified names of townships in scope with no point; whether the figures are
        estimated.

    Raises
    ------
    InputValidationError
        If no prefecture/county is given or none matches.
    """
    from geo.facilities import load_facilities
    from geo.network import active_network
    from geo.places import load_townships

    if not prefectures and not counties:
        raise InputValidationError("choose at least one prefecture or county for the tour (e.g. 南平)")
    net = network or active_network()
    w = weights or PriorityWeights()
    t = load_townships()
    mask = _pref_match(prefectures, t["prefecture_name"]) | t["county_name"].isin(list(counties)).to_numpy()
    if not mask.any():
        msg = f"no township matches prefectures {list(prefectures)!r} / counties {list(counties)!r}"
        raise InputValidationError(msg)
    if not include_streets:
        mask &= (t["kind"] != "街道").to_numpy()
    scope = t[mask]
    placed = scope[scope["lon"].notna()].copy()
    unplaced = [f"{r.county_name}{r.name}" for r in scope[scope["lon"].isna()].itertuples()]
    f = load_facilities() if facilities is None else facilities
    hosp = f[f["facility_type"].isin(HOSPITAL_TYPES) & f["lon"].notna()]
    pts = placed[["lon", "lat"]].to_numpy(float)
    res = _matrix(net, pts, hosp[["lon", "lat"]].to_numpy(float))
    placed["remoteness_minutes"] = np.min(res.minutes, axis=1) if len(hosp) else np.inf
    placed["left_out_at_threshold"] = placed["remoteness_minutes"] > w.threshold_minutes
    months = None
    if months_since_visit is not None:
        months = placed["code"].map(lambda c: months_since_visit.get(c, np.nan)).to_numpy(float)
        placed["months_since_visit"] = months
    placed = placed[placed["remoteness_minutes"] >= min_remoteness_minutes]
    if months is not None:
        months = placed["months_since_visit"].to_numpy(float)
    placed["score"] = priority_scores(
        placed["remoteness_minutes"].to_numpy(float), placed["population_est"].to_numpy(float), months, w
    )
    return placed.reset_index(drop=True), unplaced, bool(res.estimated)


def plan_fujian_tours(
    depot: str,
    *,
    prefectures: Sequence[str] = (),
    counties: Sequence[str] = (),
    params: TourParams | None = None,
    weights: PriorityWeights | None = None,
    network=None,
    include_streets: bool = False,
    min_remoteness_minutes: float = 0.0,
    months_since_visit: Mapping[str, float] | None = None,
    required: Sequence[str] = (),
    clinic_minutes: Mapping[str, float] | None = None,
    facilities: pd.DataFrame | None = None,
) -> FujianTour:
    """Plan tours from a named depot over the townships of the given prefectures/counties.

    Parameters
    ----------
    depot
        Hospital, township or county name (``geo.places.resolve_place``), e.g. 南平市第一医院; or, with
        ``facilities``, a ``facility_id`` of that table (its point is used, e.g. a surveyed one).
    prefectures, counties
        Scope; default the depot's prefecture.
    params
        Budget and options (:class:`TourParams`).
    weights, include_streets, min_remoteness_minutes, months_since_visit
        See :func:`tour_candidates`.
    required
        Township codes (12 digits) that must be visited.
    clinic_minutes
        Township code → clinic minutes (others use ``params.clinic_minutes``).
    facilities
        Facility table (default: the embedded one): its hospitals set the remoteness of each township, and
        ``depot`` may name one of its rows by ``facility_id``.

    Returns
    -------
    FujianTour

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        The depot name matches nothing or several places.
    InputValidationError
        The depot has no point, or the scope holds no placed township.
    InfeasibleError
        Required townships cannot be served within the budget (the message says what to relax).
    """
    from geo.network import active_network
    from geo.places import load_prefectures, resolve_place

    p = params or TourParams()
    net = network or active_network()
    place = _facility_place(facilities, depot) or resolve_place(depot)
    if place.lon is None or place.lat is None:
        msg = f"depot {place.display_name!r} has no location ({place.no_point_reason}); choose another depot"
        raise InputValidationError(msg)
    if not prefectures and not counties:
        prefs = load_prefectures()
        prefectures = list(prefs.loc[prefs["code"] == place.prefecture_code, "name"])
    cand, unplaced, estimated = tour_candidates(
        prefectures,
        counties,
        include_streets=include_streets,
        min_remoteness_minutes=min_remoteness_minutes,
        network=net,
        weights=weights,
        months_since_visit=months_since_visit,
        facilities=facilities,
    )
    if cand.empty:
        msg = "no placed township in scope for the tour: widen the scope or lower the minimum remoteness"
        raise InputValidationError(msg)
    lonlat = np.vstack([[place.lon, place.lat], cand[["lon", "lat"]].to_numpy(float)])
    res = _matrix(net, lonlat, lonlat)
    codes = cand["code"].tolist()
    unknown = [c for c in required if c not in set(codes)]
    if unknown:
        msg = f"required township code(s) {unknown!r} are not among the placed candidates in scope"
        raise InputValidationError(msg)
    service = None
    if clinic_minutes:
        service = np.array([float(clinic_minutes.get(c, p.clinic_minutes)) for c in codes])
    names = [place.name] + [f"{r.county_name}{r.name}" for r in cand.itertuples()]
    plan = plan_tours_matrix(
        res.minutes,
        res.km,
        cand["score"].to_numpy(float),
        p,
        names=names,
        population=cand["population_est"].to_numpy(float),
        service_minutes=service,
        required=np.isin(codes, list(required)),
        estimated=bool(res.estimated or estimated),
    )
    return FujianTour(
        plan, place.display_name, place.code, cand, lonlat, net.label("zh"), tuple(unplaced), net.label("en")
    )


def _facility_place(facilities: pd.DataFrame | None, facility_id: str) -> PlaceMatch | None:
    """The row ``facility_id`` of ``facilities`` as a place (None when there is no such row)."""
    if facilities is None or "facility_id" not in facilities.columns:
        return None
    rows = facilities[facilities["facility_id"].astype(str) == str(facility_id)]
    if rows.empty:
        return None
    r = rows.iloc[0]
    placed = pd.notna(r["lon"]) and pd.notna(r["lat"])
    return PlaceMatch(
        "facility",
        str(r["facility_id"]),
        str(r["name"]),
        f"{r.get('county_name', '') or ''}{r['name']}",
        str(r.get("county_code", "") or ""),
        str(r.get("prefecture_code", "") or ""),
        float(r["lon"]) if placed else None,
        float(r["lat"]) if placed else None,
        "" if placed else "facility location unknown",
    )


def _township_code(text: str, where: str) -> str:
    """A township code from a 12-digit code or a (qualified) township name."""
    from geo.places import resolve_place

    text = str(text).strip()
    if text.isdigit() and len(text) == 12:
        return text
    match = resolve_place(text)
    if match.kind != "township":
        msg = f"{where}: {text!r} is a {match.kind}, not a township (乡镇/街道)"
        raise InputValidationError(msg)
    return match.code


def read_visits_csv(source: str | Path | bytes, name: str | None = None) -> dict[str, float]:
    """Months since the last mobile-hospital visit per township, from a CSV (UTF-8 or GBK).

    Columns: ``township`` (or ``乡镇``; a 12-digit code or a name such as 光泽县司前乡) and ``months`` (or
    ``月数``, a number ≥ 0).

    Parameters
    ----------
    source
        A file path, or the file's bytes (an upload).
    name
        File name used in messages (default: the path's name, or "upload").

    Raises
    ------
    DataFileError
        Unreadable file or missing columns (message names the file).
    InputValidationError
        A bad row (message names the file, row and column).
    """
    import io

    if isinstance(source, bytes):
        raw, label = source, name or "upload"
    else:
        label = name or Path(source).name
        try:
            raw = Path(source).read_bytes()
        except OSError as err:
            raise DataFileError(f"{str(source)!r}: cannot read the visits CSV ({err})") from err
    frame = None
    for enc in ("utf-8-sig", "gbk"):
        try:
            frame = pd.read_csv(io.BytesIO(raw), dtype=str, encoding=enc)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise DataFileError(f"{label!r}: cannot read the visits CSV ({err})") from err
    if frame is None:
        raise DataFileError(f"{label!r}: not UTF-8 or GBK text")
    frame = frame.rename(columns={"乡镇": "township", "月数": "months"})
    missing = [c for c in ("township", "months") if c not in frame.columns]
    if missing:
        msg = f"{label!r}: missing column(s) {missing}; expected township (乡镇) and months (月数)"
        raise DataFileError(msg)
    out: dict[str, float] = {}
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{label} row {i}"
        try:
            months = float(row.months)
        except (TypeError, ValueError):
            months = float("nan")
        if not np.isfinite(months) or months < 0:
            msg = f"{where}, column months: {row.months!r} is not a number of months ≥ 0"
            raise InputValidationError(msg)
        try:
            out[_township_code(row.township, f"{where}, column township")] = months
        except (UnknownPlaceError, AmbiguousPlaceError) as err:
            raise InputValidationError(f"{where}, column township: {err}") from err
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI: plan a tour and print the itinerary; optionally write XLSX/CSV/HTML map/printable itinerary."""
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
    args = ap.parse_args(argv)
    try:
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
        required = [_township_code(r, "--required") for r in args.required]
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
        from routing import tour_map as tmap
        from routing import tour_outputs as out

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
    except XunzhenError as err:
        print(f"错误 / error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"错误 / error: cannot write output: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
