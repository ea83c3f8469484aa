"""Mobile-hospital (移动医院) tours on Fujian's places: the adapter over the core.

:func:`plan_fujian_tours` takes a depot by name, the prefecture(s)/counties in scope and the active road
network; it scores each township (:func:`routing.tours.priority.priority_scores`: remoteness, estimated
population, left out by coverage, months since the last visit), dates the days on the working-day calendar
(:mod:`routing.tours.dates`), turns the townships' market days and opening hours into per-day availability
(:mod:`routing.tours.market`), adds the hospitals in scope as overnight places
(:mod:`routing.tours.places`), builds the travel matrix and calls
:func:`routing.tours.core.plan_tours_matrix`.

Command line: ``python -m routing.tours`` (see ``routing/tours/__main__.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import DataFileError, InputValidationError
from geo.facilities import HOSPITAL_TYPES, load_facilities
from geo.facilities.upload import read_upload
from geo.network import Network, active_network
from geo.places import PlaceMatch, load_townships
from geo.scope import resolve_scope
from routing.calendar import CalendarOverrides
from routing.matrix import travel_matrix
from routing.tours._types import FujianTour, TourParams, bilingual_error
from routing.tours.core import plan_tours_matrix
from routing.tours.dates import next_working_day, provisional, tour_dates
from routing.tours.market import VisitRule, availability
from routing.tours.places import (
    DEFAULT_DEPOT,
    Places,
    default_scope,
    depot_place,
    overnight_mask,
    township_code,
)
from routing.tours.priority import PriorityWeights, priority_scores

__all__ = ["plan_fujian_tours", "read_visits_csv", "tour_candidates"]


def tour_candidates(
    prefectures: Sequence[str] = (),
    counties: Sequence[str] = (),
    *,
    include_streets: bool = False,
    min_remoteness_minutes: float = 0.0,
    network: Network | None = None,
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
    if not prefectures and not counties:
        raise InputValidationError(
            "请至少选择一个地市或县 / choose at least one prefecture or county for the tour (e.g. 南平)"
        )
    net = network or active_network()
    w = weights or PriorityWeights()
    t = load_townships()
    mask = resolve_scope(prefectures, counties).mask(t)
    if not include_streets:
        mask &= (t["kind"] != "街道").to_numpy()
    scope = t[mask]
    placed = scope[scope["lon"].notna()].copy()
    unplaced = [f"{r.county_name}{r.name}" for r in scope[scope["lon"].isna()].itertuples()]
    f = load_facilities() if facilities is None else facilities
    hosp = f[f["facility_type"].isin(list(HOSPITAL_TYPES)) & f["lon"].notna()]
    pts = placed[["lon", "lat"]].to_numpy(float)
    res = travel_matrix(net, pts, hosp[["lon", "lat"]].to_numpy(float))
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


def _places(place: PlaceMatch, cand: gpd.GeoDataFrame, facilities: pd.DataFrame) -> Places:
    """Depot, candidates, then the hospitals of the candidates' prefectures (not the depot itself)."""
    hosp = facilities[
        facilities["facility_type"].isin(list(HOSPITAL_TYPES))
        & facilities["lon"].notna()
        & facilities["prefecture_code"].isin(set(cand["prefecture_code"]))
        & (facilities["facility_id"].astype(str) != place.code)
        & ~((facilities["lon"] == place.lon) & (facilities["lat"] == place.lat))
    ].sort_values("facility_id")
    phc = facilities[facilities["facility_type"] == "township_health_center"]
    with_center = set(phc["township_code"].dropna().astype(str))
    codes = [place.code, *cand["code"].astype(str), *hosp["facility_id"].astype(str)]
    names = [
        place.name,
        *(cand["county_name"] + cand["name"]),
        *(hosp["county_name"].fillna("") + hosp["name"]),
    ]
    lonlat = np.vstack(
        [[place.lon, place.lat], cand[["lon", "lat"]].to_numpy(float), hosp[["lon", "lat"]].to_numpy(float)]
    )
    health = np.array([False, *(c in with_center for c in cand["code"].astype(str)), *([True] * len(hosp))])
    return Places(tuple(codes), tuple(names), lonlat, len(cand), health)


def plan_fujian_tours(
    depot: str = DEFAULT_DEPOT,
    *,
    prefectures: Sequence[str] = (),
    counties: Sequence[str] = (),
    params: TourParams | None = None,
    weights: PriorityWeights | None = None,
    network: Network | None = None,
    include_streets: bool = False,
    min_remoteness_minutes: float = 0.0,
    months_since_visit: Mapping[str, float] | None = None,
    required: Sequence[str] = (),
    clinic_minutes: Mapping[str, float] | None = None,
    facilities: pd.DataFrame | None = None,
    start_date: dt.date | None = None,
    weekends: bool = False,
    calendar_overrides: CalendarOverrides | None = None,
    visit_rules: Mapping[str, VisitRule] | None = None,
    overnight: Sequence[str] | None = None,
) -> FujianTour:
    """Plan dated tours from a named depot over the townships of the given prefectures/counties.

    Parameters
    ----------
    depot
        Hospital, township or county name (``geo.places.resolve_place``), e.g. 龙岩市第一医院 (the default);
        or, with ``facilities``, a ``facility_id`` of that table (its point is used, e.g. a surveyed one).
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
        Facility table (default: the embedded one): its hospitals set the remoteness of each township and
        are the extra overnight places; ``depot`` may name one of its rows by ``facility_id``.
    start_date
        First day of the tour (default: the next working day after today).
    weekends
        Tour on consecutive calendar days including weekends and holidays (default: working days only).
    calendar_overrides
        The planner's holidays and make-up workdays (``routing.calendar``).
    visit_rules
        Township code → :class:`routing.tours.market.VisitRule` (market days, market-day-only, opening hours).
    overnight
        Allowed overnight places (names or codes, ``驻地`` for the depot); None = the default set (see
        :func:`routing.tours.places.overnight_mask`).

    Returns
    -------
    FujianTour

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        The depot name matches nothing or several places.
    OutsideFujianError
        The depot lies outside Fujian or in 金门县.
    InputValidationError
        The depot has no point, the scope holds no placed township, a start date that is not a working day
        (without weekend touring), a bad overnight list.
    InfeasibleError
        Required townships cannot be served within the budget (the message says what to relax).
    """
    p = params or TourParams()
    net = network or active_network()
    fac = load_facilities() if facilities is None else facilities
    place = depot_place(depot, facilities)
    dates = tour_dates(
        start_date or next_working_day(dt.date.today(), calendar_overrides),
        p.days,
        weekends=weekends,
        overrides=calendar_overrides,
    )
    if not prefectures and not counties:
        prefectures = default_scope(place)
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
        raise bilingual_error(
            InputValidationError,
            zh="范围内没有有坐标的乡镇：扩大范围或降低最低偏远程度",
            en="no placed township in scope for the tour: widen the scope or lower the minimum remoteness",
        )
    places = _places(place, cand, fac)
    res = travel_matrix(net, places.lonlat, places.lonlat)
    codes = cand["code"].astype(str).tolist()
    unknown = [c for c in required if c not in set(codes)]
    if unknown:
        raise bilingual_error(
            InputValidationError,
            zh=f"必须安排的乡镇 {unknown} 不在范围内的候选乡镇中",
            en=f"required township code(s) {unknown!r} are not among the placed candidates in scope",
        )
    service = None
    if clinic_minutes:
        service = np.array([float(clinic_minutes.get(c, p.clinic_minutes)) for c in codes])
    plan = plan_tours_matrix(
        res.minutes,
        res.km,
        cand["score"].to_numpy(float),
        p,
        names=list(places.names),
        population=cand["population_est"].to_numpy(float),
        service_minutes=service,
        required=np.isin(codes, list(required)),
        estimated=bool(res.estimated or estimated),
        availability=availability(codes, dates, visit_rules or {}, p),
        overnight_places=overnight_mask(places, overnight),
        dates=dates,
    )
    return FujianTour(
        plan,
        place.display_name,
        place.code,
        cand,
        places.lonlat,
        net.label("zh"),
        tuple(unplaced),
        net.label("en"),
        provisional(dates, calendar_overrides),
    )


def read_visits_csv(source: str | Path | bytes, name: str | None = None) -> dict[str, float]:
    """Months since the last mobile-hospital visit per township, from a CSV (UTF-8 or GBK) or XLSX.

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
    label = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    table = read_upload(source, name=label)
    heads = [h.strip().lower() for h in table.headers]
    col = {
        key: next((i for i, h in enumerate(heads) if h in names), None)
        for key, names in (("township", {"township", "乡镇"}), ("months", {"months", "月数"}))
    }
    missing = [k for k, i in col.items() if i is None]
    if missing:
        raise DataFileError(
            f"{label!r}: missing column(s) {missing}; expected township (乡镇) and months (月数)"
        )
    out: dict[str, float] = {}
    for row_no, row in zip(table.row_numbers, table.rows, strict=True):
        where = f"{label} row {row_no}"
        town, raw = row[col["township"] or 0], row[col["months"] or 0]
        try:
            months = float(raw)
        except ValueError:
            months = float("nan")
        if not np.isfinite(months) or months < 0:
            raise InputValidationError(f"{where}, column months: {raw!r} is not a number of months ≥ 0")
        out[township_code(town, f"{where}, column township")] = months
    return out
