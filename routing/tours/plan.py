"""Mobile-hospital (移动医院) tours: multi-day, multi-stop plans from a depot hospital over townships.

Two entry points, as elsewhere in xunzhen:

* :func:`plan_tours_matrix` — the core on plain matrices (drive minutes and km, depot first), priorities and a
  :class:`TourParams` budget; a prize-collecting VRP with time windows solved by PyVRP (model in
  ``routing/tours/core.py``).
* :func:`plan_fujian_tours` — the adapter: a depot by name, the prefecture(s)/counties in scope, the
  active road network; it scores each township (:func:`priority_scores`: remoteness, estimated population,
  left out by coverage, months since the last visit), builds the matrix and calls the core.

Command line::

    python -m routing.tours --depot 南平市第一医院 --days 5 [--prefecture 南平] [--teams 1] \
        [--xlsx FILE] [--csv FILE] [--html FILE] [--print-html FILE] \
        [--print-pdf FILE] [--png FILE] [--pdf FILE]
"""

from __future__ import annotations

import logging
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
)
from geo.facilities import HOSPITAL_TYPES, load_facilities
from geo.network import active_network
from geo.places import PlaceMatch, load_prefectures, load_townships, resolve_place
from geo.scope import resolve_scope
from routing.matrix import travel_matrix
from routing.tours._types import (
    REASONS,
    DayPlan,
    LeftOut,
    Stop,
    TourParams,
    TourPlan,
    hhmm,
)
from routing.tours.core import plan_tours_matrix
from routing.tours.priority import PriorityWeights, priority_scores

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


def _matrix(network, origins: np.ndarray, destinations: np.ndarray):
    """Travel minutes/km on the network, through routing.matrix (cached) when it is available."""
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
    if not prefectures and not counties:
        raise InputValidationError("choose at least one prefecture or county for the tour (e.g. 南平)")
    net = network or active_network()
    w = weights or PriorityWeights()
    t = load_townships()
    mask = resolve_scope(prefectures, counties).mask(t)
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


def township_code(text: str, where: str) -> str:
    """A township code from a 12-digit code or a (qualified) township name."""
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
            out[township_code(row.township, f"{where}, column township")] = months
        except (UnknownPlaceError, AmbiguousPlaceError) as err:
            raise InputValidationError(f"{where}, column township: {err}") from err
    return out
