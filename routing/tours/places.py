"""Where a tour starts and where its teams may sleep, on Fujian's places.

* the depot: :data:`DEFAULT_DEPOT` (a hospital in a focus prefecture), :func:`depot_choices` (the hospitals a
  planner picks from, focus prefectures and city hospitals first), :func:`depot_place` (a name or a facility
  id → a checked point in mainland-administered Fujian);
* overnight places: by default the depot, the hospitals in scope and every candidate township seat with a
  township health center (乡镇卫生院); a planner may restrict them to a list (:func:`overnight_mask`);
* :func:`township_code`: a 12-digit code or a (qualified) township name → its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._errors import AmbiguousPlaceError, InputValidationError, UnknownPlaceError
from geo.facilities import HOSPITAL_TYPES
from geo.places import FOCUS_PREFECTURES, PlaceMatch, load_prefectures, resolve_place
from geo.scope import check_county_code, check_in_fujian
from routing.tours._types import bilingual_error

__all__ = [
    "DEFAULT_DEPOT",
    "Places",
    "depot_choices",
    "depot_place",
    "overnight_mask",
    "township_code",
]

#: The depot a tour starts from unless the planner chooses another: a city hospital in 龙岩, a focus
#: prefecture of the mobile-hospital programme.
DEFAULT_DEPOT = "龙岩市第一医院"
_TYPE_ORDER = {"city_hospital": 0, "tertiary_hospital": 1, "county_hospital": 2}


def depot_choices(facilities: pd.DataFrame, prefecture_codes: Sequence[str] = ()) -> pd.DataFrame:
    """Hospitals a tour can start from, in the order offered: :data:`DEFAULT_DEPOT` first, then focus
    prefectures before the others, city before tertiary before county hospitals, then by id.

    Parameters
    ----------
    facilities
        The working facility table (embedded or the planner's).
    prefecture_codes
        Keep hospitals of these prefectures (6-digit codes); empty = all.

    Returns
    -------
    pandas.DataFrame
        ``facility_id``, ``label`` (prefecture + name), ``prefecture_code``, ``prefecture_name``, ``name``.
    """
    f = facilities[facilities["facility_type"].isin(list(HOSPITAL_TYPES)) & facilities["lon"].notna()]
    if prefecture_codes:
        f = f[f["prefecture_code"].isin(list(prefecture_codes))]
    focus = f["prefecture_name"].isin(FOCUS_PREFECTURES)
    order = pd.DataFrame(
        {
            "default": (f["name"] != DEFAULT_DEPOT).astype(int),
            "focus": (~focus).astype(int),
            "type": f["facility_type"].map(_TYPE_ORDER).fillna(3),
            "id": f["facility_id"].astype(str),
        },
        index=f.index,
    ).sort_values(["default", "focus", "type", "id"])
    out = f.loc[order.index]
    return pd.DataFrame(
        {
            "facility_id": out["facility_id"].astype(str),
            "label": (out["prefecture_name"].fillna("") + " " + out["name"]).str.strip(),
            "prefecture_code": out["prefecture_code"].astype(str),
            "prefecture_name": out["prefecture_name"].astype(str),
            "name": out["name"].astype(str),
        }
    ).reset_index(drop=True)


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


def depot_place(depot: str, facilities: pd.DataFrame | None = None) -> PlaceMatch:
    """The depot as a place with a point in mainland-administered Fujian.

    ``depot`` is a ``facility_id`` of ``facilities`` (e.g. a surveyed point) or a hospital, township or county
    name (``geo.places.resolve_place``).

    Raises
    ------
    UnknownPlaceError, AmbiguousPlaceError
        The name matches nothing or several places.
    InputValidationError
        The depot has no point.
    OutsideFujianError
        The depot lies outside Fujian or in 金门县 (refused as every analysis refuses it).
    """
    place = _facility_place(facilities, depot) or resolve_place(depot)
    label = f"出发地/depot {place.display_name}"
    check_county_code(place.county_code, label)
    if place.lon is None or place.lat is None:
        raise bilingual_error(
            InputValidationError,
            zh=f"出发地 {place.display_name} 没有坐标（{place.no_point_reason}）：请选择其他出发地",
            en=f"depot {place.display_name!r} has no location ({place.no_point_reason}); "
            "choose another depot",
        )
    check_in_fujian(place.lon, place.lat, label)
    return place


def default_scope(place: PlaceMatch) -> list[str]:
    """The depot's prefecture (the default scope of a tour)."""
    prefs = load_prefectures()
    return list(prefs.loc[prefs["code"] == place.prefecture_code, "name"])


def township_code(text: str, where: str) -> str:
    """A township code from a 12-digit code or a (qualified) township name.

    Raises
    ------
    InputValidationError
        The name is not a township, matches nothing or several places (message names ``where``).
    """
    text = str(text).strip()
    if text.isdigit() and len(text) == 12:
        return text
    try:
        match = resolve_place(text)
    except (UnknownPlaceError, AmbiguousPlaceError) as err:
        raise InputValidationError(f"{where}: {err}") from err
    if match.kind != "township":
        raise bilingual_error(
            InputValidationError,
            zh=f"{where}：“{text}”是{match.kind}，不是乡镇",
            en=f"{where}: {text!r} is a {match.kind}, not a township (乡镇/街道)",
        )
    return match.code


@dataclass(frozen=True)
class Places:
    """The locations of a tour in the core's order: the depot, the candidate townships, then extra places
    (hospitals in scope) usable as overnight places; ``codes`` are township codes / facility ids / the depot
    code, ``names`` display names, ``lonlat`` (L, 2) WGS84, ``has_health_center`` per location."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    lonlat: np.ndarray
    n_candidates: int
    has_health_center: np.ndarray


def overnight_mask(places: Places, allowed: Sequence[str] | None) -> np.ndarray:
    """Allowed overnight places as an (L,) mask.

    Parameters
    ----------
    places
        The tour's locations.
    allowed
        None: the default — the depot, every hospital in scope and every candidate township seat with a
        township health center. A list: exactly these places, each a township code or name, a facility id or
        hospital name, or ``驻地``/``depot``.

    Raises
    ------
    InputValidationError
        An empty list, or an entry that names none of the tour's places (the message names it).
    """
    n_loc = len(places.codes)
    if allowed is None:
        mask = places.has_health_center.copy()
        mask[0] = True
        mask[places.n_candidates + 1 :] = True
        return mask
    items = [str(a).strip() for a in allowed if str(a).strip()]
    if not items:
        raise bilingual_error(
            InputValidationError,
            zh="允许住宿的地点为空：至少填写一处（如 驻地）",
            en="the list of allowed overnight places is empty: give at least one (e.g. depot)",
        )
    mask = np.zeros(n_loc, bool)
    lookup = {c: j for j, c in enumerate(places.codes)}
    lookup.update({nm: j for j, nm in enumerate(places.names)})
    for item in items:
        if item in ("驻地", "depot"):
            mask[0] = True
            continue
        j = lookup.get(item)
        if j is None:
            try:  # a township or a facility by name (长汀县红山乡, 长汀县医院)
                j = lookup.get(resolve_place(item).code)
            except (UnknownPlaceError, AmbiguousPlaceError):
                j = None
        if j is None:
            raise bilingual_error(
                InputValidationError,
                zh=f"允许住宿的地点“{item}”不是本次巡诊的出发地、候选乡镇或范围内的医院",
                en=f"allowed overnight place {item!r} is not the depot, a candidate township or a hospital "
                "in scope",
            )
        mask[j] = True
    return mask
