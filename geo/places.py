"""The embedded places of Fujian: townships, counties, prefectures, province (cached loaders) and name lookup.

All data are read from ``data/fujian/`` (built by ``python -m data.build``; sources in ``data/README.md``).
Coordinates are WGS84 lon/lat; every loader returns a GeoDataFrame in EPSG:4326, cached — call
``.copy()`` before mutating. Township population is **estimated** (``population_est``); county population
is the 2020 census.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import AmbiguousPlaceError, DataFileError, UnknownPlaceError
from geo.facilities import load_facilities
from geo.names import COUNTY_HOSPITAL_WORDS, PRIMARY_CARE_ENDINGS, base_name, clean_text

__all__ = [
    "DATA_DIR",
    "FOCUS_PREFECTURES",
    "PlaceMatch",
    "dataset_info",
    "find_places",
    "load_counties",
    "load_prefectures",
    "load_province",
    "load_townships",
    "resolve_place",
]

#: Folder of the embedded data files.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "fujian"

#: The four mountainous prefectures this tool focuses on (闽西北/闽东 rotation programme).
FOCUS_PREFECTURES: tuple[str, ...] = ("龙岩市", "三明市", "宁德市", "南平市")

TOWNSHIP_COLUMNS = (
    "code",
    "name",
    "kind",
    "county_code",
    "county_name",
    "prefecture_code",
    "prefecture_name",
    "lon",
    "lat",
    "point_source",
    "no_point_reason",
    "population_est",
)
# Read as text: the required columns but the numbers, and the provenance extras.
_TOWNSHIP_STR = [c for c in TOWNSHIP_COLUMNS if c not in ("lon", "lat", "population_est")] + [
    "population_weight_source",
    "vonng2016_code",
    "vonng2016_name",
    "match_2016",
]


def _path(name: str) -> Path:
    path = DATA_DIR / name
    if not path.is_file():
        msg = f"Embedded data file {str(path)!r} is missing; rebuild it with `python -m data.build`."
        raise DataFileError(msg)
    return path


def _require(frame: pd.DataFrame, columns: tuple[str, ...] | list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{name}: missing column(s) {missing}; rebuild it with `python -m data.build`."
        raise DataFileError(msg)


@lru_cache(maxsize=1)
def load_townships() -> gpd.GeoDataFrame:
    """Load all 1,106 township-level units (镇/乡/街道, NBS 2023 codes).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, sorted by ``code``. Columns: ``code`` (12 digits), ``name``, ``kind``, ``county_code``,
        ``county_name``, ``prefecture_code``, ``prefecture_name``, ``lon``, ``lat`` (WGS84 seat point, NaN for
        the 28 without one), ``point_source``, ``no_point_reason`` ("" when placed), ``population_est``
        (persons, **estimated**), ``population_weight``, ``population_weight_source``, ``vonng2016_code``,
        ``vonng2016_name``, ``match_2016``, ``geometry`` (Point or None).

    Raises
    ------
    DataFileError
        If the file is missing or lacks a column.
    """
    path = _path("townships.csv")
    table = pd.read_csv(path, dtype=dict.fromkeys(_TOWNSHIP_STR, str), keep_default_na=False, na_values={})
    _require(table, TOWNSHIP_COLUMNS, path.name)
    for column in ("lon", "lat", "population_weight"):
        table[column] = pd.to_numeric(table[column].replace("", np.nan)).astype(float)
    table["population_est"] = table["population_est"].astype(np.int64)
    placed = table["lon"].notna().to_numpy()
    points = gpd.points_from_xy(table["lon"], table["lat"])
    geometry = [p if ok else None for p, ok in zip(points, placed, strict=True)]
    return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")


def _read_geojson(name: str, str_columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    path = _path(name)
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for a corrupt file
        msg = f"Embedded data file {str(path)!r} cannot be read ({exc}); rebuild it: `python -m data.build`."
        raise DataFileError(msg) from exc
    _require(frame, str_columns, path.name)
    for column in str_columns:
        frame[column] = frame[column].astype(str)
    return frame.set_crs("EPSG:4326", allow_override=True).sort_values("code").reset_index(drop=True)


@lru_cache(maxsize=1)
def load_counties() -> gpd.GeoDataFrame:
    """Load the 84 county-level units (区/县/县级市, current codes) with WGS84 boundaries.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326. Columns: ``code``, ``name``, ``kind`` (区/县/县级市), ``prefecture_code``,
        ``prefecture_name``, ``population_2020`` (persons, 2020 census; NaN for 金门县), ``seat_lon``,
        ``seat_lat`` (WGS84 county seat), ``seat_source``, ``n_townships``, ``note``, ``geometry``
        (MultiPolygon). 金门县 (Taiwan-administered) is included as a boundary only: no townships, no census.

    Raises
    ------
    DataFileError
        If the file is missing or unreadable.
    """
    frame = _read_geojson(
        "counties.geojson",
        ("code", "name", "kind", "prefecture_code", "prefecture_name", "seat_source", "note"),
    )
    frame["population_2020"] = pd.to_numeric(frame["population_2020"]).astype(float)
    return frame


@lru_cache(maxsize=1)
def load_prefectures() -> gpd.GeoDataFrame:
    """Load the 9 prefecture-level cities with WGS84 boundaries (dissolved from the counties).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326. Columns: ``code``, ``name`` (龙岩市), ``short_name`` (龙岩), ``is_focus`` (one of
        :data:`FOCUS_PREFECTURES`), ``population_2020`` (persons, census), ``n_counties``, ``geometry``.

    Raises
    ------
    DataFileError
        If the file is missing or unreadable.
    """
    frame = _read_geojson("prefectures.geojson", ("code", "name", "short_name"))
    frame["is_focus"] = frame["is_focus"].astype(bool)
    return frame


@lru_cache(maxsize=1)
def load_province() -> gpd.GeoDataFrame:
    """Load the province outline (one row: ``code``, ``name``, ``population_2020``, ``geometry``; EPSG:4326).

    Raises
    ------
    DataFileError
        If the file is missing or unreadable.
    """
    return _read_geojson("province.geojson", ("code", "name"))


@lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    path = _path("manifest.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        msg = f"Embedded data file {str(path)!r} is not valid JSON ({exc})."
        raise DataFileError(msg) from exc


def dataset_info() -> dict[str, Any]:
    """Describe the embedded dataset: sources (licence, date), build parameters and counts.

    Returns
    -------
    dict
        ``sources`` (list of dicts: name, licence, date, used_for), ``build`` (parameters), ``counts``
        (rows per file as built), and live counts: ``townships``, ``townships_placed``, ``counties``,
        ``prefectures``, ``townships_per_prefecture``, ``counties_per_kind``, ``population_2020``.
    """
    info = dict(_manifest())
    town = load_townships()
    counties = load_counties()
    info["townships"] = len(town)
    info["townships_placed"] = int(town["lon"].notna().sum())
    info["counties"] = len(counties)
    info["prefectures"] = len(load_prefectures())
    info["townships_per_prefecture"] = {k: int(v) for k, v in town.groupby("prefecture_name").size().items()}
    info["counties_per_kind"] = {k: int(v) for k, v in counties.groupby("kind").size().items()}
    info["population_2020"] = int(np.nansum(counties["population_2020"]))
    return info


# ----------------------------------------------------------------------------------------------------------
# Name lookup

@dataclass(frozen=True)
class PlaceMatch:
    """One place found by :func:`find_places`.

    ``kind`` is "township", "county" or "facility"; ``code`` the township/county code or facility_id;
    ``display_name`` is qualified (prefecture + county + name) and can be typed back to find the same place;
    ``lon``/``lat`` WGS84 degrees, None when the place has no point (``no_point_reason`` says why).
    """
    kind: str
    code: str
    name: str
    display_name: str
    county_code: str
    prefecture_code: str
    lon: float | None
    lat: float | None
    no_point_reason: str = ""


@dataclass(frozen=True)
class _Entry:
    match: PlaceMatch
    county_name: str
    prefecture_name: str
    alias: str = ""  # primary care: "phc:" + township name; county hospital: "county_hospital"
    key: str = field(init=False)  # the name as matched (:func:`geo.names.clean_text`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", clean_text(self.match.name))


def _alias_of(rest: str, county: str) -> str:
    """The facility alias a query's remainder stands for (``phc:<township name as typed>``), or ""."""
    for ending in PRIMARY_CARE_ENDINGS:
        if rest.endswith(ending) and len(rest) > len(ending):
            return "phc:" + rest[: -len(ending)]
    if county:
        word = rest[1:] if rest[:1] in ("县", "市", "区") and rest[1:] in COUNTY_HOSPITAL_WORDS else rest
        if word in COUNTY_HOSPITAL_WORDS:
            return "county_hospital"
    return ""


def _opt(value: float) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def _entry_in_county(kind: str, code: str, r: Any, reason: str, alias: str = "") -> _Entry:
    """Entry of a township or facility row (``name``, ``lon``/``lat`` and its county's and prefecture's names
    and codes), displayed as prefecture + county + name."""
    m = PlaceMatch(
        kind,
        code,
        r.name,
        f"{r.prefecture_name}{r.county_name}{r.name}",
        r.county_code,
        r.prefecture_code,
        _opt(r.lon),
        _opt(r.lat),
        reason,
    )
    return _Entry(m, r.county_name, r.prefecture_name, alias)


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[_Entry, ...]:
    entries: list[_Entry] = []
    for r in load_counties().itertuples():
        reason = "" if not np.isnan(r.seat_lon) else "no county seat point"
        m = PlaceMatch(
            "county",
            r.code,
            r.name,
            f"{r.prefecture_name}{r.name}",
            r.code,
            r.prefecture_code,
            _opt(r.seat_lon),
            _opt(r.seat_lat),
            reason,
        )
        entries.append(_Entry(m, "", r.prefecture_name))
    for r in load_townships().itertuples():
        entries.append(_entry_in_county("township", r.code, r, r.no_point_reason))
    town_names = dict(zip(load_townships()["code"], load_townships()["name"], strict=True))
    for r in load_facilities().itertuples():
        reason = "" if not np.isnan(r.lon) else "facility location unknown (its township has no point)"
        alias = ""
        if r.facility_type in ("township_health_center", "community_health_center") and r.township_code:
            alias = "phc:" + town_names.get(r.township_code, "")
        elif r.facility_type == "county_hospital":
            alias = "county_hospital"
        entries.append(_entry_in_county("facility", r.facility_id, r, reason, alias))
    return tuple(entries)


@lru_cache(maxsize=1)
def _qualifier_names() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    prefectures = tuple(sorted(set(load_prefectures()["name"])))
    counties = load_counties()[["name", "prefecture_name"]].itertuples(index=False)
    return prefectures, tuple(sorted({(c.name, c.prefecture_name) for c in counties}))


def _qualifier_splits(query: str) -> list[tuple[str, str, str]]:
    """All ways to read ``query`` as [prefecture][county]rest; returns (prefecture, county, rest) names."""
    prefectures, county_names = _qualifier_names()
    splits: list[tuple[str, str, str]] = [("", "", query)]
    pref_splits = [("", query)]
    for pref in prefectures:
        for form in {pref, base_name(pref)}:
            if query.startswith(form):
                pref_splits.append((pref, query[len(form) :]))
    for pref, rest in pref_splits:
        if pref:
            splits.append((pref, "", rest))
        for county, county_pref in county_names:
            if pref and county_pref != pref:
                continue
            for form in {county, base_name(county)}:
                if rest.startswith(form):
                    splits.append((county_pref if pref else pref, county, rest[len(form) :]))
    return splits


def _first_county(prefecture: str) -> str:
    counties = load_counties()
    return str(counties.loc[counties["prefecture_name"] == prefecture, "name"].iloc[0])


def find_places(query: str) -> list[PlaceMatch]:
    """Find townships, counties and facilities by name.

    Accepts a bare name (新桥镇), a name without its suffix (新桥), or one qualified by county and/or
    prefecture (长汀县新桥镇, 龙岩市长汀县新桥镇, 龙岩新罗区龙岩市第一医院). Primary-care facilities are also
    found by the usual forms of their names (长汀县新桥中心卫生院, 菁城社区卫生服务中心), and a county's
    general hospital by "<county>医院" / "人民医院" / "总医院" (长汀县医院). Exact names beat these
    tolerant matches.

    Parameters
    ----------
    query
        The place name as typed by a user.

    Returns
    -------
    list of PlaceMatch
        Every best match (one or more), sorted by kind and code.

    Raises
    ------
    UnknownPlaceError
        If nothing matches.
    """
    text = clean_text(query)
    if not text:
        msg = f"Empty place name {query!r}; type a township, county or facility name such as 长汀县新桥镇."
        raise UnknownPlaceError(msg)
    entries = _gazetteer()
    # tier 0: exact name; 1: same name up to the suffix, or a facility named as users do; 2: such a
    # facility name whose township part also differs in its suffix (新桥中心卫生院 → 新桥镇/新桥乡卫生院)
    tiers: dict[int, dict[tuple[str, str], PlaceMatch]] = {0: {}, 1: {}, 2: {}}
    splits = _qualifier_splits(text)
    for prefix in ("福建省", "福建"):
        if text.startswith(prefix) and len(text) > len(prefix):
            splits += _qualifier_splits(text[len(prefix) :])
    for pref, county, rest in splits:
        if not rest:
            if county:  # the query is just a county (perhaps with its prefecture)
                for e in entries:
                    if (
                        e.match.kind == "county"
                        and e.match.name == county
                        and (not pref or e.prefecture_name == pref)
                    ):
                        tiers[0][(e.match.kind, e.match.code)] = e.match
            continue
        rest_base = base_name(rest)
        alias = _alias_of(rest, county)
        for e in entries:
            if pref and e.prefecture_name != pref:
                continue
            if county and e.county_name != county:
                continue
            if e.key == rest:
                tiers[0][(e.match.kind, e.match.code)] = e.match
            elif (base_name(e.key) == rest_base and e.match.kind != "facility") or (
                alias and e.alias == alias
            ):
                tiers[1][(e.match.kind, e.match.code)] = e.match
            elif alias.startswith("phc:") and e.alias.startswith("phc:") and (
                base_name(e.alias) == base_name(alias)
            ):
                tiers[2][(e.match.kind, e.match.code)] = e.match
    for tier in (0, 1, 2):
        if tiers[tier]:
            order = {"county": 0, "township": 1, "facility": 2}
            return sorted(tiers[tier].values(), key=lambda m: (order[m.kind], m.code))
    for pref, county, rest in splits:
        if pref and not county and not rest:
            msg = (
                f"{query!r} is a prefecture-level city; name one of its counties, townships or facilities "
                f"instead (e.g. {pref}{_first_county(pref)})."
            )
            raise UnknownPlaceError(msg)
    msg = (
        f"No township, county or facility named {query!r} in Fujian. "
        "Check the spelling, or qualify it by county (e.g. 长汀县新桥镇)."
    )
    raise UnknownPlaceError(msg)


def resolve_place(query: str) -> PlaceMatch:
    """Find exactly one place by name (see :func:`find_places`).

    Raises
    ------
    UnknownPlaceError
        If nothing matches.
    AmbiguousPlaceError
        If several places match; ``candidates`` lists their qualified names.
    """
    matches = find_places(query)
    if len(matches) > 1:
        candidates = [m.display_name for m in matches]
        shown = "、".join(candidates[:20]) + ("…" if len(candidates) > 20 else "")
        msg = f"{query!r} matches {len(matches)} places; qualify it by county, e.g. one of: {shown}"
        raise AmbiguousPlaceError(msg, candidates)
    return matches[0]
