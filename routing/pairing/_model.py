"""The pairing model on arrays: inputs checked and turned into masks (who may serve whom), plus the quick
necessary-condition checks that name a shortfall before any solve (used by :mod:`routing.pairing.core`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from geo._errors import InputValidationError

if TYPE_CHECKING:
    from routing.pairing.core import PairingParams

_MAX_LISTED = 12  # names listed in one message before "… and N more"


def names_or_default(values: Sequence[str] | None, n: int, prefix: str) -> list[str]:
    if values is None:
        return [f"{prefix}{i}" for i in range(n)]
    out = [str(v) for v in values]
    if len(out) != n:
        msg = f"{prefix} names: expected {n} entries, got {len(out)}"
        raise InputValidationError(msg)
    return out


def listing(names: Sequence[str]) -> str:
    names = list(names)
    head = "、".join(names[:_MAX_LISTED])
    more = f" … and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else ""
    return head + more


def _as_str_array(values: Sequence[str], n: int, what: str) -> np.ndarray:
    arr = np.asarray([str(v) for v in values], dtype=object)
    if arr.shape != (n,):
        msg = f"{what}: expected {n} entries, got {arr.shape[0] if arr.ndim else 0}"
        raise InputValidationError(msg)
    return arr


def _int_array(values: object, n: int, what: str, minimum: int) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.shape != (n,):
        msg = f"{what}: expected {n} values, got shape {arr.shape}"
        raise InputValidationError(msg)
    bad = ~np.isfinite(arr) | (arr < minimum) | (arr != np.round(arr))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"{what}[{i}] = {float(arr[i])!r}: expected a whole number ≥ {minimum}"
        raise InputValidationError(msg)
    return arr.astype(np.int64)


@dataclass
class _Model:
    """Everything derived from the inputs that the solves share."""
    minutes: np.ndarray
    cap: np.ndarray
    demand: np.ndarray
    allowed: np.ndarray
    penalised: np.ndarray
    same_county: np.ndarray
    is_city: np.ndarray
    center_pref: np.ndarray
    center_county: np.ndarray
    hosp_names: list[str]
    center_names: list[str]
    share_groups: list[str] = field(default_factory=list)
    share_lower: dict[str, int] = field(default_factory=dict)


def _hospital_scope(hospital_scope: Sequence[str] | None, is_city: np.ndarray, n_h: int) -> np.ndarray:
    """Per hospital ``"county"`` or ``"prefecture"`` (default: prefecture for city hospitals)."""
    if hospital_scope is None:
        return np.where(is_city, "prefecture", "county").astype(object)
    scope = _as_str_array(hospital_scope, n_h, "hospital_scope")
    bad = ~np.isin(scope, ["county", "prefecture"])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"hospital_scope[{i}] = {scope[i]!r}: expected 'county' or 'prefecture'"
        raise InputValidationError(msg)
    return scope


def _extra_allowed(extra_allowed: object | None, n_h: int, n_c: int) -> np.ndarray:
    """The (n_h, n_c) bool mask of pairs allowed whatever the scope (all False by default)."""
    if extra_allowed is None:
        return np.zeros((n_h, n_c), dtype=bool)
    extra = np.asarray(extra_allowed, dtype=bool)
    if extra.shape != (n_h, n_c):
        msg = f"extra_allowed must have shape {(n_h, n_c)}, got {extra.shape}"
        raise InputValidationError(msg)
    return extra


def _check_city_extra(extra: np.ndarray, is_city: np.ndarray, same_pref: np.ndarray) -> None:
    """A city hospital counts toward its own prefecture's share: no extra pairs outside it."""
    if (extra & is_city[:, None] & ~same_pref).any():
        i = int(np.flatnonzero((extra & is_city[:, None] & ~same_pref).any(axis=1))[0])
        msg = (
            f"hospital {i} is a city hospital: it counts toward its own prefecture's city share and "
            "cannot be paired with centers of another prefecture through extra_allowed"
        )
        raise InputValidationError(msg)


def build_model(
    minutes: np.ndarray,
    capacity_days: object,
    hospital_county: Sequence[str],
    hospital_prefecture: Sequence[str],
    hospital_is_city: object,
    center_county: Sequence[str],
    center_prefecture: Sequence[str],
    demand_days: object | None,
    hospital_scope: Sequence[str] | None,
    extra_allowed: object | None,
    hospital_names: Sequence[str] | None,
    center_names: Sequence[str] | None,
    params: PairingParams,
    share_exempt: Sequence[str] = (),
) -> _Model:
    m = np.asarray(minutes, dtype=float)
    if m.ndim != 2:
        msg = f"minutes must be a 2-D (hospitals × centers) matrix, got shape {m.shape}"
        raise InputValidationError(msg)
    n_h, n_c = m.shape
    if np.isnan(m).any() or (m < 0).any():
        msg = "minutes must be ≥ 0 (inf for unreachable pairs); found NaN or a negative value"
        raise InputValidationError(msg)
    cap = _int_array(capacity_days, n_h, "capacity_days", 0)
    demand = (
        np.ones(n_c, dtype=np.int64)
        if demand_days is None
        else _int_array(demand_days, n_c, "demand_days", 1)
    )
    h_county = _as_str_array(hospital_county, n_h, "hospital_county")
    h_pref = _as_str_array(hospital_prefecture, n_h, "hospital_prefecture")
    c_county = _as_str_array(center_county, n_c, "center_county")
    c_pref = _as_str_array(center_prefecture, n_c, "center_prefecture")
    is_city = np.asarray(hospital_is_city, dtype=bool).reshape(-1)
    if is_city.shape != (n_h,):
        msg = f"hospital_is_city: expected {n_h} values, got {is_city.shape[0]}"
        raise InputValidationError(msg)
    scope = _hospital_scope(hospital_scope, is_city, n_h)
    extra = _extra_allowed(extra_allowed, n_h, n_c)
    same_county = (h_county[:, None] == c_county[None, :]) & (h_pref[:, None] == c_pref[None, :])
    same_pref = h_pref[:, None] == c_pref[None, :]
    _check_city_extra(extra, is_city, same_pref)
    pref_scope = (scope == "prefecture")[:, None]
    in_scope = np.where(pref_scope, same_pref, same_county) | extra
    soft = (
        (~pref_scope) & same_pref & ~same_county & ~extra
        if params.county_rule == "soft"
        else np.zeros_like(extra)
    )
    finite = np.isfinite(m)
    if params.max_minutes is not None:
        finite &= m <= params.max_minutes
    allowed = finite & (in_scope | soft)
    model = _Model(
        minutes=m,
        cap=cap,
        demand=demand,
        allowed=allowed,
        penalised=soft & allowed & ~in_scope,
        same_county=same_county,
        is_city=is_city,
        center_pref=c_pref,
        center_county=c_county,
        hosp_names=names_or_default(hospital_names, n_h, "hospital "),
        center_names=names_or_default(center_names, n_c, "center "),
    )
    if params.city_share_min:
        for p in sorted(set(c_pref.tolist()) - set(share_exempt)):
            d_p = int(demand[c_pref == p].sum())
            lower = math.ceil(params.city_share_min * d_p - 1e-9)
            if lower > 0:
                model.share_groups.append(p)
                model.share_lower[p] = lower
    return model


def days_by_prefecture(
    model: _Model, hh: np.ndarray, cc: np.ndarray, days: np.ndarray
) -> tuple[dict[str, int], dict[str, int]]:
    """Doctor-days of the pairs (hh, cc, days) per center prefecture: (from city hospitals, in all)."""
    city_days: dict[str, int] = {}
    total_days: dict[str, int] = {}
    for p in sorted(set(model.center_pref.tolist())):
        sel = model.center_pref[cc] == p
        total_days[p] = int(days[sel].sum())
        city_days[p] = int(days[sel & model.is_city[hh]].sum())
    return city_days, total_days


def precheck(model: _Model, params: PairingParams) -> list[str]:
    """Messages for the simple necessary conditions: reach, capacity per prefecture/county, city share."""
    problems: list[str] = []
    m, allowed, cap, demand = model.minutes, model.allowed, model.cap, model.demand
    unreached = np.flatnonzero(~allowed.any(axis=0))
    if unreached.size:
        any_road = np.isfinite(m[:, unreached]).any(axis=0)
        no_road = [model.center_names[c] for c, r in zip(unreached, any_road, strict=True) if not r]
        out_scope = [model.center_names[c] for c, r in zip(unreached, any_road, strict=True) if r]
        if no_road:
            problems.append(
                f"{len(no_road)} center(s) no hospital can reach (no road / infinite travel time): "
                f"{listing(no_road)}"
            )
        if out_scope:
            why = "within the allowed minutes or " if params.max_minutes is not None else ""
            rule = "县域内 rule is hard" if params.county_rule == "hard" else "soft rule, own prefecture"
            problems.append(
                f"{len(out_scope)} center(s) no hospital reaches {why}within its scope ({rule}): "
                f"{listing(out_scope)}"
            )
    dup_names: dict[str, int] = {}
    for _, county in sorted(set(zip(model.center_pref.tolist(), model.center_county.tolist(), strict=True))):
        dup_names[county] = dup_names.get(county, 0) + 1
    groups: list[tuple[str, np.ndarray]] = [
        (str(p), model.center_pref == p) for p in sorted(set(model.center_pref.tolist()))
    ]
    for p, county in sorted(set(zip(model.center_pref.tolist(), model.center_county.tolist(), strict=True))):
        label = str(county) if dup_names.get(county, 0) <= 1 else f"{county}（{p}）"
        groups.append((label, (model.center_pref == p) & (model.center_county == county)))
    for label, sel in groups:
        need = int(demand[sel].sum())
        offer = int(cap[allowed[:, sel].any(axis=1)].sum())
        if offer < need:
            n_sel = int(np.count_nonzero(sel))
            problems.append(f"{label}: {n_sel} centers need {need} doctor-days, hospitals offer {offer}")
    for p in model.share_groups:
        sel = model.center_pref == p
        lower = model.share_lower[p]
        city = model.is_city & allowed[:, sel].any(axis=1)
        offer = int(cap[city].sum())
        reach = int((allowed[model.is_city][:, sel].any(axis=0)).sum()) if model.is_city.any() else 0
        if offer < lower:
            problems.append(
                f"{p}: city hospitals must supply ≥ {lower} of {int(model.demand[sel].sum())} "
                f"doctor-days ({params.city_share_min:.0%}), they offer {offer}"
            )
        elif reach and int(model.demand[sel][allowed[model.is_city][:, sel].any(axis=0)].sum()) < lower:
            problems.append(
                f"{p}: city hospitals must supply ≥ {lower} doctor-days "
                f"({params.city_share_min:.0%}), but they reach only {reach} centers"
            )
    return problems
