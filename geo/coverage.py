"""Coverage: who is within T minutes of care, who is left out and why, and what a change of sources would do.

Two entry points, as spopt's models have:

* :func:`coverage_core` works on plain arrays — a minutes matrix (townships × sources), populations and a
  threshold — and is what the tests exercise on hand-made networks;
* :func:`prepare` + :func:`evaluate` take the embedded townships and facilities (or GeoDataFrames in
  EPSG:4326), compute the travel matrix once on a :class:`geo.network.Network` (cached by
  :mod:`routing.matrix`) and then evaluate any threshold in milliseconds, as the page's slider needs.

Definitions
-----------
* Time of a township = travel time (minutes) from its seat point to the nearest care source.
* Sources by default: county-level-and-above hospitals (县级综合医院, 市属医院, 三级医院).
  Mobile-hospital stops (流动医院停靠点) at township seats can be added; hospitals can be removed (what-if).
* A township is *covered* when its time is ≤ T. Otherwise it is *left out*, with a reason: ``too_far`` (has a
  time, above T), ``no_road`` (on an OSM network, its point is > 2 km from any road), ``not_connected``
  (no road path to any source), ``no_point`` (no coordinates in the dataset).
* Left-out townships are ranked by population × excess minutes (``too_far`` ones); those with no time at all
  follow, by population, because their excess is unknown rather than infinite.
* Population is the township estimate of :mod:`geo.places` (``population_est``, split from the county census),
  so every covered population is an estimate too (估算).
* On the estimated network every time is an estimate as well (``estimated=True`` on every result).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo._coverage_inputs import load_sources, scope_townships, source_frame, stop_frame
from geo._errors import InputValidationError

__all__ = [
    "DEFAULT_SOURCE_TYPES",
    "LEFT_OUT_REASONS",
    "MAX_THRESHOLD_MINUTES",
    "CoreCoverage",
    "CoverageInputs",
    "CoverageResult",
    "WhatIfResult",
    "check_threshold",
    "coverage_core",
    "evaluate",
    "prepare",
    "service_areas",
    "what_if",
]

#: Facility types that are care sources by default (county level and above).
DEFAULT_SOURCE_TYPES: tuple[str, ...] = ("county_hospital", "city_hospital", "tertiary_hospital")
#: Largest threshold accepted (minutes): ten hours is beyond any planning question.
MAX_THRESHOLD_MINUTES = 600.0

LEFT_OUT_REASONS: dict[str, dict[str, str]] = {
    "": {"zh": "已覆盖", "en": "covered"},
    "too_far": {"zh": "超出时限", "en": "too far"},
    "no_road": {"zh": "2 公里内无道路", "en": "no road within 2 km"},
    "not_connected": {"zh": "道路不连通", "en": "not connected by road"},
    "no_point": {"zh": "无坐标点", "en": "no point"},
}
_REASON_KEYS = ("", "too_far", "no_road", "not_connected", "no_point")


def check_threshold(value: Any) -> float:
    """The threshold T as float minutes, checked: a number, 0 < T ≤ 600.

    Raises
    ------
    InputValidationError
        If ``value`` is not a number or is out of range.
    """
    if isinstance(value, bool):
        value = "true" if value else "false"
    try:
        t = float(value)
    except (TypeError, ValueError):
        msg = f"Threshold must be a number of minutes (e.g. 60), got {value!r}."
        raise InputValidationError(msg) from None
    if not math.isfinite(t) or t <= 0 or t > MAX_THRESHOLD_MINUTES:
        msg = f"Threshold must be more than 0 and at most {MAX_THRESHOLD_MINUTES:g} minutes, got {value!r}."
        raise InputValidationError(msg)
    return t


# ---------------------------------------------------------------------------------------------------- core


@dataclass(frozen=True, eq=False)
class CoreCoverage:
    """Per-township coverage on arrays (n townships).

    Attributes
    ----------
    nearest
        Column index of the nearest source, -1 when none is reachable.
    minutes
        Minutes to the nearest source (``inf`` when none is reachable).
    covered
        ``minutes <= threshold``.
    reason
        Keys of :data:`LEFT_OUT_REASONS` ("" when covered).
    excess_minutes
        ``minutes - threshold`` for ``too_far`` townships, NaN otherwise.
    covered_population, total_population
        Sums of the populations (persons; NaN counted as 0).
    """

    threshold_minutes: float
    nearest: np.ndarray
    minutes: np.ndarray
    covered: np.ndarray
    reason: np.ndarray
    excess_minutes: np.ndarray
    covered_population: float
    total_population: float


def coverage_core(
    minutes: np.ndarray,
    population: np.ndarray,
    threshold_minutes: float,
    *,
    has_point: np.ndarray | None = None,
    far_from_road: np.ndarray | None = None,
    active_sources: np.ndarray | None = None,
) -> CoreCoverage:
    """Nearest source, coverage and left-out reasons from a minutes matrix.

    Parameters
    ----------
    minutes
        Travel time (minutes), shape (n townships, m sources), ``inf`` where unreachable.
    population
        Persons per township, shape (n,).
    threshold_minutes
        T, in (0, 600].
    has_point
        False for townships without coordinates (reason ``no_point``); default all True.
    far_from_road
        True for townships more than 2 km from any road (reason ``no_road``); default all False.
    active_sources
        Boolean mask (m,) of the sources to use (what-if removals); default all.

    Returns
    -------
    CoreCoverage

    Raises
    ------
    InputValidationError
        Bad threshold, no (active) source, or shapes that do not match.
    """
    t = check_threshold(threshold_minutes)
    mat = np.asarray(minutes, dtype=float)
    if mat.ndim != 2:
        msg = f"minutes must be a 2-D matrix (townships × sources), got shape {mat.shape}."
        raise InputValidationError(msg)
    n, m = mat.shape
    pop = np.nan_to_num(np.asarray(population, dtype=float), nan=0.0)
    if pop.shape != (n,):
        msg = f"population has shape {pop.shape}, expected ({n},) to match the minutes matrix."
        raise InputValidationError(msg)
    if active_sources is not None:
        active = np.asarray(active_sources, dtype=bool)
        if active.shape != (m,):
            msg = f"active_sources has shape {active.shape}, expected ({m},)."
            raise InputValidationError(msg)
    else:
        active = np.ones(m, dtype=bool)
    if m == 0 or not active.any():
        msg = "No care sources: select at least one hospital or mobile-hospital stop."
        raise InputValidationError(msg)
    point = np.ones(n, dtype=bool) if has_point is None else np.asarray(has_point, dtype=bool)
    far = np.zeros(n, dtype=bool) if far_from_road is None else np.asarray(far_from_road, dtype=bool)
    use = np.where(active[None, :], mat, np.inf)
    nearest = np.argmin(use, axis=1) if n else np.zeros(0, dtype=np.int64)
    best = use[np.arange(n), nearest] if n else np.zeros(0)
    reachable = np.isfinite(best)
    nearest = np.where(reachable, nearest, -1)
    covered = best <= t
    reason = np.full(n, "", dtype=object)
    reason[~covered & reachable] = "too_far"
    reason[~reachable] = "not_connected"
    reason[~reachable & far] = "no_road"
    reason[~point] = "no_point"
    excess = np.where(reason == "too_far", best - t, np.nan)
    return CoreCoverage(
        threshold_minutes=t,
        nearest=nearest,
        minutes=best,
        covered=covered,
        reason=reason,
        excess_minutes=excess,
        covered_population=float(pop[covered].sum()),
        total_population=float(pop.sum()),
    )


# ------------------------------------------------------------------------------------------------- adapter


@dataclass(frozen=True, eq=False)
class CoverageInputs:
    """Townships in scope, care sources and the travel matrix between them (computed once, cached).

    Attributes
    ----------
    townships
        One row per township in scope (columns of :func:`geo.places.load_townships`, no geometry).
    sources
        ``source_id``, ``name``, ``source_kind`` ("hospital" | "mobile_stop"), ``facility_type``,
        ``county_name``, ``prefecture_name``, ``lon``, ``lat``, ``location_quality``.
    minutes, km
        Township × source matrices (``inf`` where unreachable).
    far_from_road
        Townships more than 2 km from a road (OSM network only).
    estimated, network_kind, network_label
        Where the times come from.
    """

    townships: pd.DataFrame
    sources: pd.DataFrame
    minutes: np.ndarray
    km: np.ndarray
    far_from_road: np.ndarray
    estimated: bool
    network_kind: str
    network_label: str
    scope: str = ""


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Coverage at one threshold: tables ready to show or export.

    Attributes
    ----------
    townships
        One row per township in scope: place columns, ``nearest_source_id``, ``nearest_source``, ``minutes``,
        ``km`` (NaN where none), ``covered``, ``reason``, ``reason_zh``, ``reason_en``, ``excess_minutes``,
        ``priority`` (population × excess minutes), ``estimated``.
    left_out
        The left-out townships, ranked (``rank`` 1 = most left out).
    by_county, by_prefecture
        Townships, covered townships, estimated population, covered population and share.
    summary
        Key figures (threshold, shares, network, estimated flag).
    """

    threshold_minutes: float
    townships: pd.DataFrame
    left_out: pd.DataFrame
    by_county: pd.DataFrame
    by_prefecture: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    active_sources: np.ndarray | None = None


def prepare(
    network: Any,
    *,
    prefecture: str | None = None,
    source_types: Sequence[str] = DEFAULT_SOURCE_TYPES,
    sources: pd.DataFrame | None = None,
    mobile_stops: Sequence[str] = (),
    townships: pd.DataFrame | None = None,
    cache: bool = True,
    facilities: pd.DataFrame | None = None,
) -> CoverageInputs:
    """Townships in scope, care sources and the township × source travel matrix.

    Parameters
    ----------
    network
        A :class:`geo.network.Network` (``active_network()`` in the app).
    prefecture
        Limit the townships to one prefecture (name 龙岩市, short name 龙岩 or code); sources stay
        province-wide, so a township may be served across the border.
    source_types
        Facility types used as sources when ``sources`` is not given.
    sources
        Explicit source facilities (``facility_id``, ``name``, ``lon``, ``lat`` …), e.g. an upload.
    mobile_stops
        Township codes where a mobile hospital stops (added as sources).
    townships
        Township table (default: the embedded one); a GeoDataFrame must be EPSG:4326.
    cache
        Use the disk cache of :func:`routing.matrix.travel_matrix`.
    facilities
        Facility table the sources of ``source_types`` are taken from (default: the embedded one), e.g. the
        planner's working table with uploads and surveyed points; ignored when ``sources`` is given.

    Returns
    -------
    CoverageInputs

    Raises
    ------
    InputValidationError
        Unknown prefecture or type, a source without coordinates, no sources at all.
    OutsideFujianError
        A source lies outside Fujian.
    """
    from routing.matrix import REASONS, travel_matrix

    town, scope = scope_townships(townships, prefecture)
    src = source_frame(sources if sources is not None else load_sources(source_types, facilities))
    stops = stop_frame(list(mobile_stops), town)
    src = pd.concat([src, stops], ignore_index=True) if len(stops) else src
    if src.empty:
        msg = "No care sources: select at least one hospital type or mobile-hospital stop."
        raise InputValidationError(msg)
    if src["source_id"].duplicated().any():
        dup = src.loc[src["source_id"].duplicated(), "source_id"].iloc[0]
        msg = f"Source id {dup!r} appears twice; each source needs its own id."
        raise InputValidationError(msg)
    pts_t = town[["lon", "lat"]].to_numpy(float)
    pts_s = src[["lon", "lat"]].to_numpy(float)
    res = travel_matrix(network, pts_t, pts_s, cache=cache)
    reason = res.reason if res.reason is not None else np.zeros(res.minutes.shape, np.int8)
    far = (
        (reason == REASONS.index("no_road_origin")).any(axis=1) if reason.size else np.zeros(len(town), bool)
    )
    return CoverageInputs(
        townships=town,
        sources=src,
        minutes=np.asarray(res.minutes),
        km=np.asarray(res.km),
        far_from_road=far,
        estimated=bool(res.estimated),
        network_kind=res.network_kind,
        network_label=res.network_label,
        scope=scope,
    )


def add_stops(
    inputs: CoverageInputs, network: Any, township_codes: Sequence[str], cache: bool = True
) -> CoverageInputs:
    """The same inputs with mobile-hospital stops added at the given townships (only new columns computed).

    Raises
    ------
    InputValidationError
        Unknown township code or a township without a point.
    """
    from routing.matrix import travel_matrix

    new = [
        c
        for c in dict.fromkeys(str(c) for c in township_codes)
        if f"STOP-{c}" not in set(inputs.sources["source_id"])
    ]
    if not new:
        return inputs
    stops = stop_frame(new, inputs.townships)
    res = travel_matrix(
        network,
        inputs.townships[["lon", "lat"]].to_numpy(float),
        stops[["lon", "lat"]].to_numpy(float),
        cache=cache,
    )
    return CoverageInputs(
        townships=inputs.townships,
        sources=pd.concat([inputs.sources, stops], ignore_index=True),
        minutes=np.hstack([inputs.minutes, res.minutes]),
        km=np.hstack([inputs.km, res.km]),
        far_from_road=inputs.far_from_road,
        estimated=inputs.estimated,
        network_kind=inputs.network_kind,
        network_label=inputs.network_label,
        scope=inputs.scope,
    )


def _active_mask(inputs: CoverageInputs, remove_source_ids: Sequence[str]) -> np.ndarray:
    ids = inputs.sources["source_id"].to_numpy()
    remove = {str(r) for r in remove_source_ids}
    unknown = remove - set(ids)
    if unknown:
        msg = f"Cannot remove unknown source(s): {', '.join(sorted(unknown))}."
        raise InputValidationError(msg)
    return ~np.isin(ids, list(remove))


def evaluate(
    inputs: CoverageInputs, threshold_minutes: float, *, remove_source_ids: Sequence[str] = ()
) -> CoverageResult:
    """Coverage of every township in scope at threshold T (fast: no routing, the matrix is in ``inputs``).

    Parameters
    ----------
    inputs
        From :func:`prepare` (or :func:`add_stops`).
    threshold_minutes
        T, in (0, 600] minutes.
    remove_source_ids
        Sources to leave out (what-if).

    Returns
    -------
    CoverageResult

    Raises
    ------
    InputValidationError
        Bad threshold, unknown source id, or no source left.
    """
    active = _active_mask(inputs, remove_source_ids)
    town = inputs.townships
    has_point = np.isfinite(town["lon"].to_numpy(float)) & np.isfinite(town["lat"].to_numpy(float))
    pop = town["population_est"].to_numpy(float)
    core = coverage_core(
        inputs.minutes,
        pop,
        threshold_minutes,
        has_point=has_point,
        far_from_road=inputs.far_from_road,
        active_sources=active,
    )
    t = core.threshold_minutes
    n = len(town)
    near = core.nearest
    ok = near >= 0
    src_ids = inputs.sources["source_id"].to_numpy(dtype=object)
    src_names = inputs.sources["name"].to_numpy(dtype=object)
    km = np.full(n, np.nan)
    km[ok] = inputs.km[np.flatnonzero(ok), near[ok]]
    minutes = np.where(np.isfinite(core.minutes), core.minutes, np.nan)
    reason = core.reason.astype(str)
    table = pd.DataFrame(
        {
            "code": town["code"].to_numpy(),
            "name": town["name"].to_numpy(),
            "kind": town["kind"].to_numpy() if "kind" in town else "",
            "county_code": town["county_code"].to_numpy(),
            "county_name": town["county_name"].to_numpy(),
            "prefecture_code": town["prefecture_code"].to_numpy(),
            "prefecture_name": town["prefecture_name"].to_numpy(),
            "lon": town["lon"].to_numpy(float),
            "lat": town["lat"].to_numpy(float),
            "population_est": pop,
            "nearest_source_id": np.where(ok, src_ids[np.maximum(near, 0)], ""),
            "nearest_source": np.where(ok, src_names[np.maximum(near, 0)], ""),
            "minutes": minutes,
            "km": km,
            "covered": core.covered,
            "reason": reason,
            "reason_zh": [LEFT_OUT_REASONS[r]["zh"] for r in reason],
            "reason_en": [LEFT_OUT_REASONS[r]["en"] for r in reason],
            "excess_minutes": core.excess_minutes,
            "priority": np.nan_to_num(pop) * core.excess_minutes,
            "estimated": inputs.estimated,
        }
    )
    left = table[~table["covered"]].copy()
    left["_group"] = np.where(left["reason"] == "too_far", 0, 1)
    left = left.sort_values(
        ["_group", "priority", "population_est", "code"], ascending=[True, False, False, True]
    )
    left = left.drop(columns="_group").reset_index(drop=True)
    left.insert(0, "rank", np.arange(1, len(left) + 1))

    def groups(keys: list[str]) -> pd.DataFrame:
        g = table.assign(covered_population_est=np.where(table["covered"], table["population_est"], 0.0))
        out = g.groupby(keys, sort=True).agg(
            townships=("code", "size"),
            covered_townships=("covered", "sum"),
            population_est=("population_est", "sum"),
            covered_population_est=("covered_population_est", "sum"),
        )
        out["covered_share"] = np.where(
            out["population_est"] > 0, out["covered_population_est"] / out["population_est"], np.nan
        )
        out["estimated"] = inputs.estimated
        return out.reset_index()

    by_county = groups(["prefecture_name", "county_code", "county_name"])
    by_pref = groups(["prefecture_code", "prefecture_name"])
    share = core.covered_population / core.total_population if core.total_population else float("nan")
    summary = {
        "scope": inputs.scope,
        "threshold_minutes": t,
        "townships": n,
        "covered_townships": int(core.covered.sum()),
        "left_out_townships": int((~core.covered).sum()),
        "population_est": core.total_population,
        "covered_population_est": core.covered_population,
        "covered_share": share,
        "sources": int(active.sum()),
        "mobile_stops": int(((inputs.sources["source_kind"] == "mobile_stop").to_numpy() & active).sum()),
        "estimated": inputs.estimated,
        "network_kind": inputs.network_kind,
        "network_label": inputs.network_label,
    }
    return CoverageResult(t, table, left, by_county, by_pref, summary, active)


@dataclass(frozen=True, eq=False)
class WhatIfResult:
    """Before/after coverage of a change of sources.

    Attributes
    ----------
    before, after
        Coverage results.
    delta_covered_population
        After − before (persons, estimated).
    changed
        Townships whose covered status or nearest source changed: code, name, county, population,
        minutes before/after, covered before/after, ``change`` ("gained" | "lost" | "faster" | "slower").
    """

    before: CoverageResult
    after: CoverageResult
    delta_covered_population: float
    changed: pd.DataFrame


def what_if(
    inputs: CoverageInputs,
    network: Any,
    threshold_minutes: float,
    *,
    add_stops_at: Sequence[str] = (),
    remove_source_ids: Sequence[str] = (),
    base_removed: Sequence[str] = (),
    cache: bool = True,
) -> WhatIfResult:
    """Δ coverage when mobile stops are added at townships and/or sources are removed.

    Parameters
    ----------
    inputs
        The baseline from :func:`prepare`.
    network
        Network for the new stops' travel times.
    threshold_minutes
        T (minutes).
    add_stops_at
        Township codes where a mobile hospital would stop.
    remove_source_ids
        Sources to remove in the scenario.
    base_removed
        Sources already removed in the baseline.
    cache
        Use the matrix cache.

    Returns
    -------
    WhatIfResult

    Raises
    ------
    InputValidationError
        Bad threshold, unknown township or source, no source left.
    """
    before = evaluate(inputs, threshold_minutes, remove_source_ids=base_removed)
    scenario = add_stops(inputs, network, add_stops_at, cache=cache) if add_stops_at else inputs
    after = evaluate(scenario, threshold_minutes, remove_source_ids=[*base_removed, *remove_source_ids])
    b, a = before.townships, after.townships
    mb = b["minutes"].to_numpy(float)
    ma = a["minutes"].to_numpy(float)
    status = np.where(
        a["covered"] & ~b["covered"],
        "gained",
        np.where(
            ~a["covered"] & b["covered"],
            "lost",
            np.where(
                np.nan_to_num(ma, nan=np.inf) < np.nan_to_num(mb, nan=np.inf) - 1e-9,
                "faster",
                np.where(np.nan_to_num(ma, nan=np.inf) > np.nan_to_num(mb, nan=np.inf) + 1e-9, "slower", ""),
            ),
        ),
    )
    changed = pd.DataFrame(
        {
            "code": b["code"],
            "name": b["name"],
            "county_name": b["county_name"],
            "prefecture_name": b["prefecture_name"],
            "population_est": b["population_est"],
            "minutes_before": mb,
            "minutes_after": ma,
            "nearest_before": b["nearest_source"],
            "nearest_after": a["nearest_source"],
            "covered_before": b["covered"],
            "covered_after": a["covered"],
            "change": status,
            "estimated": inputs.estimated,
        }
    )
    changed = changed[changed["change"] != ""]
    order = changed["change"].map({"gained": 0, "lost": 1, "faster": 2, "slower": 3})
    changed = changed.assign(_o=order).sort_values(["_o", "population_est"], ascending=[True, False])
    changed = changed.drop(columns="_o").reset_index(drop=True)
    delta = after.summary["covered_population_est"] - before.summary["covered_population_est"]
    return WhatIfResult(before, after, float(delta), changed)


# ------------------------------------------------------------------------------------------------- outputs


def export_notes(result: CoverageResult) -> list[str]:
    """Header lines for exports: network, estimated labels, threshold, population caveat."""
    s = result.summary
    lines = [
        f"覆盖分析 coverage — {s['scope']}, T = {s['threshold_minutes']:g} min",
        f"路网 network: {s['network_label']}",
    ]
    if s["estimated"]:
        lines.append(
            "所有时间均为估算值（直线距离×绕行系数，非道路实测）/ every time is ESTIMATED, not road-routed"
        )
    lines.append("人口为估算值（县人口按村点数分配到乡镇）/ township population is estimated")
    lines.append("医院位置为近似（县城/街道驻地）/ hospital locations are approximate (seat points)")
    return lines


def coverage_sheets(result: CoverageResult) -> dict[str, pd.DataFrame]:
    """Sheets for the XLSX export: townships, left out, counties, prefectures (Chinese sheet names)."""
    return {
        "乡镇 townships": result.townships,
        "未覆盖 left out": result.left_out,
        "县区 counties": result.by_county,
        "地市 prefectures": result.by_prefecture,
    }


def service_areas(
    network: Any, sources: pd.DataFrame, threshold_minutes: float, *, bearings: int = 72
) -> Any:
    """Service area polygons per source at T minutes (see :func:`geo.isochrones.service_areas`)."""
    from geo.isochrones import service_areas as _service_areas

    return _service_areas(network, sources, threshold_minutes, bearings=bearings)


def main(argv: list[str] | None = None) -> int:
    """``python -m geo.coverage`` (see :mod:`geo._coverage_cli`); returns the exit status."""
    from geo._coverage_cli import main as _main

    return _main(argv)


if __name__ == "__main__":
    sys.exit(main())
