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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo._errors import InputValidationError
from geo.labels import text
from geo.network import Network
from routing.coverage._inputs import load_sources, scope_townships, source_frame, stop_frame
from routing.coverage.core import (
    DEFAULT_SOURCE_TYPES,
    LEFT_OUT_REASONS,
    CoreCoverage,
    coverage_core,
)
from routing.matrix import REASONS, travel_matrix

__all__ = [
    "CoverageInputs",
    "CoverageResult",
    "WhatIfResult",
    "add_stops",
    "evaluate",
    "prepare",
    "what_if",
]


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
    estimated, network_kind, network_label, network_label_en
        Where the times come from (the label in Chinese and English).
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
    network_label_en: str = ""


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
    network: Network,
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
        network_label_en=res.network_label_en,
        scope=scope,
    )


def add_stops(
    inputs: CoverageInputs, network: Network, township_codes: Sequence[str], cache: bool = True
) -> CoverageInputs:
    """The same inputs with mobile-hospital stops added at the given townships (only new columns computed).

    Raises
    ------
    InputValidationError
        Unknown township code or a township without a point.
    """
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
        network_label_en=inputs.network_label_en,
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
    core = coverage_core(
        inputs.minutes,
        town["population_est"].to_numpy(float),
        threshold_minutes,
        has_point=has_point,
        far_from_road=inputs.far_from_road,
        active_sources=active,
    )
    table = _township_table(inputs, core)
    return CoverageResult(
        core.threshold_minutes,
        table,
        _ranked_left_out(table),
        _grouped(table, ["prefecture_name", "county_code", "county_name"], inputs.estimated),
        _grouped(table, ["prefecture_code", "prefecture_name"], inputs.estimated),
        _summary(inputs, core, active),
        active,
    )


def _township_table(inputs: CoverageInputs, core: CoreCoverage) -> pd.DataFrame:
    """One row per township: place columns, nearest source, minutes, km, covered, reason, priority."""
    town = inputs.townships
    pop = town["population_est"].to_numpy(float)
    near = core.nearest
    ok = near >= 0
    src_ids = inputs.sources["source_id"].to_numpy(dtype=object)
    src_names = inputs.sources["name"].to_numpy(dtype=object)
    km = np.full(len(town), np.nan)
    km[ok] = inputs.km[np.flatnonzero(ok), near[ok]]
    reason = core.reason.astype(str)
    return pd.DataFrame(
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
            "minutes": np.where(np.isfinite(core.minutes), core.minutes, np.nan),
            "km": km,
            "covered": core.covered,
            "reason": reason,
            "reason_zh": [text(LEFT_OUT_REASONS, r, "zh") for r in reason],
            "reason_en": [text(LEFT_OUT_REASONS, r, "en") for r in reason],
            "excess_minutes": core.excess_minutes,
            "priority": np.nan_to_num(pop) * core.excess_minutes,
            "estimated": inputs.estimated,
        }
    )


def _ranked_left_out(table: pd.DataFrame) -> pd.DataFrame:
    """Left-out townships ranked: too far by population × excess minutes, then those with no time."""
    left = table[~table["covered"]].copy()
    left["_group"] = np.where(left["reason"] == "too_far", 0, 1)
    left = left.sort_values(
        ["_group", "priority", "population_est", "code"], ascending=[True, False, False, True]
    )
    left = left.drop(columns="_group").reset_index(drop=True)
    left.insert(0, "rank", np.arange(1, len(left) + 1))
    return left


def _grouped(table: pd.DataFrame, keys: list[str], estimated: bool) -> pd.DataFrame:
    """Townships, covered townships, population and covered population (persons, estimated) per group."""
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
    out["estimated"] = estimated
    return out.reset_index()


def _summary(inputs: CoverageInputs, core: CoreCoverage, active: np.ndarray) -> dict[str, Any]:
    """Key figures of one evaluation (threshold, shares, network, estimated flag)."""
    share = core.covered_population / core.total_population if core.total_population else float("nan")
    stops = (inputs.sources["source_kind"] == "mobile_stop").to_numpy() & active
    return {
        "scope": inputs.scope,
        "threshold_minutes": core.threshold_minutes,
        "townships": len(inputs.townships),
        "covered_townships": int(core.covered.sum()),
        "left_out_townships": int((~core.covered).sum()),
        "population_est": core.total_population,
        "covered_population_est": core.covered_population,
        "covered_share": share,
        "sources": int(active.sum()),
        "mobile_stops": int(stops.sum()),
        "estimated": inputs.estimated,
        "network_kind": inputs.network_kind,
        "network_label": inputs.network_label,
        "network_label_en": inputs.network_label_en or inputs.network_label,
    }


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
    network: Network,
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
