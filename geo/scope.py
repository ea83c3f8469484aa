"""The one scope resolver: which prefectures and counties an analysis covers, from names a planner types;
and the one check that a place lies in the programme's area (Fujian, mainland-administered).

Every analysis (coverage, pairing, tours, programme) and every command line resolves ``--prefecture`` and
``--county`` here: a prefecture by name (龙岩市), short name (龙岩) or code (350800); a county by name
(漳平市),
prefecture + name (龙岩市漳平市) or code (350881). :meth:`Scope.mask` then selects the rows of any table with
``prefecture_code``/``county_code`` (or ``prefecture_name``/``county_name``) columns.

Every analysis refuses a place outside Fujian, or in 金门县 (Kinmen: on Fujian's administrative map but
administered from Taiwan), the same way and with the same words: :func:`check_in_fujian` (one point),
:func:`check_points_in_fujian` (a table of points, the first bad one named) and :func:`check_county_code`
(a place known by its county code), all raising :class:`~geo._errors.OutsideFujianError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

from geo._errors import OutsideFujianError, UnknownScopeError
from geo.coords import in_fujian
from geo.places import load_counties, load_prefectures, load_province

__all__ = [
    "KINMEN_COUNTY_CODE",
    "PROVINCE_LABEL",
    "PROVINCE_TOLERANCE_KM",
    "Scope",
    "check_county_code",
    "check_in_fujian",
    "check_points_in_fujian",
    "fujian_status",
    "prefecture_code",
    "resolve_scope",
]

PROVINCE_LABEL = "福建省"
#: 金门县: on Fujian's administrative map (code 350527) but administered from Taiwan; never planned for.
KINMEN_COUNTY_CODE = "350527"
#: A point this close to the province outline (km) still counts as inside (simplified coast, small islands).
PROVINCE_TOLERANCE_KM = 5.0
#: :func:`fujian_status` codes.
IN_AREA, NO_POINT, OUTSIDE, KINMEN = 0, 1, 2, 3


@dataclass(frozen=True)
class Scope:
    """Prefectures and counties an analysis covers (empty both = the whole province).

    Attributes
    ----------
    prefecture_codes, county_codes
        6-digit codes; a county listed here is in scope whether or not its prefecture is.
    prefecture_names, county_names
        The same places by name (龙岩市; 漳平市), in the same order.
    """

    prefecture_codes: tuple[str, ...] = ()
    county_codes: tuple[str, ...] = ()
    prefecture_names: tuple[str, ...] = ()
    county_names: tuple[str, ...] = ()
    county_prefectures: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``province``, ``prefecture``, ``county`` (exactly one of them) or ``several``."""
        n_pref, n_county = len(self.prefecture_codes), len(self.county_codes)
        if n_pref == n_county == 0:
            return "province"
        if n_pref == 1 and n_county == 0:
            return "prefecture"
        if n_county == 1 and n_pref == 0:
            return "county"
        return "several"

    @property
    def prefecture(self) -> str:
        """Name of the one prefecture in scope (that of the one county), else ""."""
        if self.kind == "prefecture":
            return self.prefecture_names[0]
        return self.county_prefectures[0] if self.kind == "county" else ""

    @property
    def county(self) -> str:
        """Name of the one county in scope, else ""."""
        return self.county_names[0] if self.kind == "county" else ""

    @property
    def label(self) -> str:
        """Human label: 福建省, 龙岩市, 龙岩市漳平市, or the places joined by 、."""
        if self.kind == "province":
            return PROVINCE_LABEL
        counties = [p + c for p, c in zip(self.county_prefectures, self.county_names, strict=True)]
        return "、".join([*self.prefecture_names, *counties])

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean array: the rows of ``frame`` in scope (by code columns, else by name columns)."""
        n = len(frame)
        if self.kind == "province":
            return np.ones(n, dtype=bool)
        if "prefecture_code" in frame.columns and "county_code" in frame.columns:
            pref = frame["prefecture_code"].astype(str).isin(self.prefecture_codes).to_numpy()
            county = frame["county_code"].astype(str).isin(self.county_codes).to_numpy()
            return pref | county
        pref = frame["prefecture_name"].astype(str).isin(self.prefecture_names).to_numpy()
        pairs = set(zip(self.county_prefectures, self.county_names, strict=True))
        keys = zip(frame["prefecture_name"].astype(str), frame["county_name"].astype(str), strict=True)
        county = np.fromiter((k in pairs for k in keys), dtype=bool, count=n)
        return pref | county


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def prefecture_code(text: str) -> str:
    """Code of a prefecture given by name (龙岩市), short name (龙岩) or code (350800).

    Raises
    ------
    UnknownScopeError
        No prefecture of Fujian has that name or code.
    """
    prefs = load_prefectures()
    key = str(text).strip()
    hit = prefs[(prefs["name"] == key) | (prefs["short_name"] == key) | (prefs["code"] == key)]
    if hit.empty:
        hit = prefs[prefs["short_name"] == key.removesuffix("市")]
    if hit.empty:
        msg = f"Unknown prefecture {text!r}; choose one of: {'、'.join(prefs['short_name'])}."
        raise UnknownScopeError(msg)
    return str(hit["code"].iloc[0])


def _county(text: str, within: Sequence[str]) -> tuple[str, str, str]:
    """(code, name, prefecture name) of a county; ``within`` (prefecture codes) settles a shared name."""
    counties = load_counties()
    key = str(text).strip()
    full = counties["prefecture_name"] + counties["name"]
    hit = counties[(counties["name"] == key) | (full == key) | (counties["code"] == key)]
    if within and len(hit) > 1:
        hit = hit[hit["prefecture_code"].isin(list(within))]
    if hit.empty:
        near = [f for f, n in zip(full, counties["name"], strict=True) if key[:2] and key[:2] in n][:10]
        msg = f"county {text!r} not found" + (f"; did you mean {'、'.join(near)}?" if near else "")
        raise UnknownScopeError(msg)
    if len(hit) > 1:
        names = "、".join(hit["prefecture_name"] + hit["name"])
        msg = f"county {text!r} is ambiguous: {names}; add the prefecture"
        raise UnknownScopeError(msg)
    row = hit.iloc[0]
    return str(row["code"]), str(row["name"]), str(row["prefecture_name"])


def resolve_scope(
    prefectures: str | Iterable[str] | None = None,
    counties: str | Iterable[str] | None = None,
    *,
    within: str | None = None,
) -> Scope:
    """The scope of an analysis: the union of ``prefectures`` and ``counties`` (none = the whole province).

    Parameters
    ----------
    prefectures
        Prefecture names, short names or codes (one string or several).
    counties
        County names, prefecture + county names or codes.
    within
        A prefecture that the ``counties`` must lie in (used to tell apart counties of the same name, and
        checked): ``resolve_scope(counties="漳平市", within="龙岩")`` is the county alone.

    Raises
    ------
    UnknownScopeError
        A name matches no prefecture/county of Fujian, a county name is ambiguous, or a county is not in
        ``within`` (also an :class:`~geo._errors.UnknownPlaceError` and an
        :class:`~geo._errors.InputValidationError`).
    """
    prefs = load_prefectures().set_index("code")
    pref_codes = list(dict.fromkeys(prefecture_code(p) for p in _as_list(prefectures)))
    fence = [prefecture_code(within)] if within else []
    found = [_county(c, fence or pref_codes) for c in _as_list(counties)]
    if fence:
        outside = [f"{p}{n}" for _, n, p in found if p != prefs.loc[fence[0], "name"]]
        if outside:
            msg = f"county {outside[0]!r} is not in {prefs.loc[fence[0], 'name']}"
            raise UnknownScopeError(msg)
    found = list(dict.fromkeys(found))
    return Scope(
        prefecture_codes=tuple(pref_codes),
        county_codes=tuple(c for c, _, _ in found),
        prefecture_names=tuple(str(prefs.loc[c, "name"]) for c in pref_codes),
        county_names=tuple(n for _, n, _ in found),
        county_prefectures=tuple(p for _, _, p in found),
    )


# ------------------------------------------------------------------------------------- the programme's area


@lru_cache(maxsize=1)
def _outlines() -> tuple[BaseGeometry, BaseGeometry]:
    """(province outline, 金门县 outline), prepared for fast point tests."""
    province = load_province().geometry.union_all()
    counties = load_counties()
    kinmen = counties.loc[counties["code"] == KINMEN_COUNTY_CODE].geometry.union_all()
    for geom in (province, kinmen):
        shapely.prepare(geom)
    return province, kinmen


def fujian_status(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.int8]:
    """Where WGS84 points lie, vectorised: ``IN_AREA`` (0), ``NO_POINT`` (1, NaN), ``OUTSIDE`` (2: outside
    Fujian — beyond :data:`PROVINCE_TOLERANCE_KM` of its outline) or ``KINMEN`` (3: in 金门县).
    """
    x = np.atleast_1d(np.asarray(lon, dtype=float))
    y = np.atleast_1d(np.asarray(lat, dtype=float))
    x, y = np.broadcast_arrays(x, y)
    status = np.full(x.shape, IN_AREA, dtype=np.int8)
    finite = np.isfinite(x) & np.isfinite(y)
    status[~finite] = NO_POINT
    boxed = finite & np.asarray(in_fujian(x, y), dtype=bool)
    status[finite & ~boxed] = OUTSIDE
    if boxed.any():
        province, kinmen = _outlines()
        inside = np.zeros(x.shape, dtype=bool)
        inside[boxed] = shapely.contains_xy(province, x[boxed], y[boxed])
        for i in np.flatnonzero(boxed & ~inside):  # few: points near the coast or just over a border
            d_km = province.distance(shapely.Point(x[i], y[i])) * 111.32 * math.cos(math.radians(y[i]))
            if d_km > PROVINCE_TOLERANCE_KM:
                status[i] = OUTSIDE
        in_kinmen = np.zeros(x.shape, dtype=bool)
        in_kinmen[boxed] = shapely.contains_xy(kinmen, x[boxed], y[boxed])
        status[in_kinmen] = KINMEN
    return status


def _refusal(label: str, lon: float, lat: float, status: int) -> str:
    if status == KINMEN:
        return (
            f"{label}：位于金门县（台湾地区管辖），不在本规划范围内 / "
            f"{label} lies in 金门县 (Kinmen, administered from Taiwan): outside the area of this plan."
        )
    if status == NO_POINT:
        return f"{label}：没有坐标 / {label} has no coordinates; give it a lon/lat."
    return (
        f"{label}：坐标 ({lon:.5f}, {lat:.5f}) 不在福建省内 / {label} at lon {lon:.5f}, lat {lat:.5f} lies "
        "outside Fujian; check its coordinates (WGS84 lon, lat — not swapped, not GCJ-02)."
    )


def check_in_fujian(lon: float, lat: float, label: str) -> None:
    """Refuse a WGS84 point outside Fujian or in 金门县 (one wording everywhere).

    Parameters
    ----------
    lon, lat
        WGS84 degrees.
    label
        What the point is, as the user knows it (``出发地 连城县``, ``source row 3 ('XX医院')``).

    Raises
    ------
    OutsideFujianError
        The point is NaN, outside Fujian (more than :data:`PROVINCE_TOLERANCE_KM` from its outline), or in
        金门县; the message names ``label`` and the point.
    """
    status = int(fujian_status(lon, lat)[0])
    if status != IN_AREA:
        raise OutsideFujianError(_refusal(label, float(lon), float(lat), status))


def check_points_in_fujian(lon: ArrayLike, lat: ArrayLike, labels: Sequence[str]) -> None:
    """:func:`check_in_fujian` for many points: the first refused one is named (and how many others are).

    NaN points are not checked here (callers say "no point" in their own way, e.g. as a left-out reason).

    Raises
    ------
    OutsideFujianError
        At least one point is outside Fujian or in 金门县.
    """
    x = np.atleast_1d(np.asarray(lon, dtype=float))
    y = np.atleast_1d(np.asarray(lat, dtype=float))
    status = fujian_status(x, y)
    bad = np.flatnonzero((status == OUTSIDE) | (status == KINMEN))
    if len(bad):
        i = int(bad[0])
        msg = _refusal(labels[i], float(x[i]), float(y[i]), int(status[i]))
        if len(bad) > 1:
            msg += f"（另有 {len(bad) - 1} 处 / and {len(bad) - 1} more）"
        raise OutsideFujianError(msg)


def check_county_code(county_code: str, label: str) -> None:
    """Refuse a place in 金门县 by its county code (for places known by code, with or without a point).

    Raises
    ------
    OutsideFujianError
        ``county_code`` is :data:`KINMEN_COUNTY_CODE`.
    """
    if str(county_code).strip() == KINMEN_COUNTY_CODE:
        raise OutsideFujianError(_refusal(label, math.nan, math.nan, KINMEN))
