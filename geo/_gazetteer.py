"""The offline gazetteer: places of Fujian mentioned in a Chinese address or facility name → a seat point.

Private to :mod:`geo.geocoding` (which re-exports :class:`Gazetteer`, :class:`GeocodeResult` and
:func:`normalise_address`). Names are read through the rules of :mod:`geo.names`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from geo._errors import AmbiguousPlaceError, UnknownPlaceError
from geo.names import (
    COUNTY_RENAMES,
    COUNTY_SUFFIXES,
    TOWNSHIP_SUFFIXES,
    base_name,
    clean_text,
    strip_country_prefix,
)

__all__ = ["QUALITY", "Gazetteer", "GeocodeResult", "normalise_address"]

#: ``location_quality`` written for each match level (same strings as the facility table).
QUALITY = {
    "township": "approximate: township seat",
    "county": "approximate: county seat",
    "address": "approximate: geocoded address",
}

# Text that may follow a bare base name in a facility name or an address.
_TOWNSHIP_FOLLOW = ("镇", "乡", "街道", "中心卫生院", "卫生院", "社区", "中心")
_COUNTY_FOLLOW = ("县", "市", "区", "总医院", "人民医院", "医院", "中医院", "妇幼")
_KIND_RANK = {"full": 2, "renamed": 1, "base": 0}


@dataclass(frozen=True)
class GeocodeResult:
    """One geocoded point.

    Attributes
    ----------
    query
        The text asked for.
    lon, lat
        The point, WGS84 degrees.
    level
        ``"township"`` or ``"county"`` (seat points from the gazetteer) or ``"address"`` (an online geocoder).
    location_quality
        ``"approximate: township seat"``, ``"approximate: county seat"``
        or ``"approximate: geocoded address"``.
    matched
        The place matched, written in full (``福建省龙岩市漳平市双洋镇``), or the online answer's address.
    township_code, county_code, prefecture_code
        Codes of the matched place ("" where not known).
    provider
        ``"offline"`` (gazetteer), ``"nominatim"``, ``"amap"`` or ``"baidu"``.
    notes
        How the match was made (abbreviations, renames, fallbacks), for the user.
    """
    query: str
    lon: float
    lat: float
    level: str
    location_quality: str
    matched: str
    township_code: str = ""
    county_code: str = ""
    prefecture_code: str = ""
    provider: str = "offline"
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a plain dict (one row of :func:`geocode_many`)."""
        return {
            "query": self.query,
            "lon": self.lon,
            "lat": self.lat,
            "level": self.level,
            "location_quality": self.location_quality,
            "matched": self.matched,
            "township_code": self.township_code,
            "county_code": self.county_code,
            "prefecture_code": self.prefecture_code,
            "provider": self.provider,
            "notes": "; ".join(self.notes),
        }


def normalise_address(text: str) -> str:
    """Return an address reduced for matching: NFKC, no spaces or punctuation, no leading 中国/福建省."""
    return strip_country_prefix(clean_text(text))


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    level: str  # "prefecture" | "county" | "township"
    code: str
    kind: str  # "full" | "base" | "renamed"

    def overlaps(self, other: _Mention) -> bool:
        return self.start < other.end and other.start < self.end


def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


class Gazetteer:
    """The embedded places of Fujian, indexed for name matching.

    Parameters
    ----------
    townships, counties, prefectures
        Frames with the columns of :func:`geo.places.load_townships`, ``load_counties`` and
        ``load_prefectures`` (``code``, ``name``, codes of the parent levels, ``lon``/``lat`` for townships,
        ``seat_lon``/``seat_lat`` for counties, ``short_name`` for prefectures).
    """
    def __init__(
        self, townships: pd.DataFrame, counties: pd.DataFrame, prefectures: pd.DataFrame
    ) -> None:
        self.township_frame = townships
        self.county_frame = counties
        self.prefecture_frame = prefectures
        self.prefectures: dict[str, Any] = {str(r.code): r for r in prefectures.itertuples(index=False)}
        self.counties: dict[str, Any] = {str(r.code): r for r in counties.itertuples(index=False)}
        self.townships: dict[str, Any] = {str(r.code): r for r in townships.itertuples(index=False)}
        aliases: dict[str, list[tuple[str, str, str]]] = {}

        def add(alias: str, level: str, code: str, kind: str) -> None:
            if len(alias) >= 2:
                aliases.setdefault(alias, []).append((level, code, kind))

        def add_names(
            places: dict[str, Any], level: str, suffixes: Sequence[str], renamed: Sequence[str]
        ) -> None:
            """Each place's full name, its base name and the base with each suffix in ``renamed``."""
            for code, r in places.items():
                name = str(r.name)
                add(name, level, code, "full")
                base = base_name(name, suffixes)
                if base != name:
                    add(base, level, code, "base")
                    for suffix in renamed:
                        if base + suffix != name:
                            add(base + suffix, level, code, "renamed")

        for code, p in self.prefectures.items():
            add(str(p.name), "prefecture", code, "full")
            short = str(getattr(p, "short_name", "") or base_name(str(p.name), ("市", "地区")))
            if short != p.name:
                add(short, "prefecture", code, "base")
        # renamed: 长乐市 → 长乐区, 长泰县 → 长泰区
        add_names(self.counties, "county", COUNTY_SUFFIXES, ("县", "市", "区"))
        for old, code in COUNTY_RENAMES.items():
            if code in self.counties:
                add(old, "county", code, "renamed")
        # 乡 → 镇 upgrades, 镇 → 街道 conversions
        add_names(self.townships, "township", TOWNSHIP_SUFFIXES, ("镇", "乡", "街道"))
        self._aliases = aliases
        self._longest = max((len(a) for a in aliases), default=0)

    # ------------------------------------------------------------------ helpers
    def full_name(self, level: str, code: str) -> str:
        """Return ``福建省<prefecture><county><township>`` for a place code."""
        if level == "township":
            t = self.townships[code]
            return f"{self.full_name('county', str(t.county_code))}{t.name}"
        if level == "county":
            c = self.counties[code]
            p = self.prefectures.get(str(c.prefecture_code))
            return f"福建省{p.name if p is not None else ''}{c.name}"
        return f"福建省{self.prefectures[code].name}"

    def _mentions(self, text: str) -> list[_Mention]:
        """Every alias occurrence in ``text`` (overlapping ones too: 漳平市 and 漳平 both start at 0)."""
        found: list[_Mention] = []
        for start in range(len(text) - 1):
            for end in range(min(len(text), start + self._longest), start + 1, -1):
                for level, code, kind in self._aliases.get(text[start:end], ()):
                    found.append(_Mention(start, end, level, code, kind))
        return found

    def _county_of(self, m: _Mention) -> str:
        return str(self.townships[m.code].county_code) if m.level == "township" else m.code

    def _prefecture_of(self, m: _Mention) -> str:
        if m.level == "prefecture":
            return m.code
        if m.level == "township":
            return str(self.townships[m.code].prefecture_code)
        return str(self.counties[m.code].prefecture_code)

    # ------------------------------------------------------------------ matching
    def match(self, query: str) -> GeocodeResult:
        """Match a Chinese address or facility name; see :func:`geocode_offline`."""
        text = normalise_address(query)
        if not text:
            msg = f"Nothing to geocode in {query!r}."
            raise UnknownPlaceError(msg)
        mentions = self._mentions(text)
        prefs = [m for m in mentions if m.level == "prefecture"]
        counties = [m for m in mentions if m.level == "county"]
        towns = [m for m in mentions if m.level == "township"]

        def followed(m: _Mention, words: Sequence[str]) -> bool:
            rest = text[m.end :]
            return rest == "" or rest.startswith(tuple(words))

        def context(m: _Mention) -> tuple[int, bool]:
            """(support from other levels, conflict with them)."""
            support, conflict = 0, False
            county = self._county_of(m)
            pref = self._prefecture_of(m)
            if m.level == "township":
                cs = [c for c in counties if not c.overlaps(m)]
                if cs:
                    if any(c.code == county for c in cs):
                        support += 2
                    elif any(c.kind == "full" for c in cs):
                        conflict = True
            ps = [p for p in prefs if not p.overlaps(m)]
            if ps:
                if any(p.code == pref for p in ps):
                    support += 1
                elif any(p.kind == "full" for p in ps):
                    conflict = True
            return support, conflict

        def rank(cands: list[_Mention], follow: Sequence[str]) -> list[tuple[tuple[int, ...], _Mention]]:
            ranked: list[tuple[tuple[int, ...], _Mention]] = []
            for m in cands:
                support, conflict = context(m)
                if conflict:
                    continue
                if m.kind == "base" and support == 0 and not followed(m, follow):
                    continue  # a bare 2-character base inside other words is too weak alone
                score = (support, m.end - m.start, _KIND_RANK[m.kind], -m.start)
                ranked.append((score, m))
            ranked.sort(key=lambda sm: sm[0], reverse=True)
            return ranked

        for level, cands, follow in (
            ("township", towns, _TOWNSHIP_FOLLOW),
            ("county", counties, _COUNTY_FOLLOW),
        ):
            ranked = rank(cands, follow)
            if not ranked:
                continue
            best_score = ranked[0][0][:3]
            best = {m.code: m for s, m in ranked if s[:3] == best_score}
            if len(best) > 1:
                names = sorted(self.full_name(level, code) for code in best)
                msg = (
                    f"{query!r} matches {len(names)} places: {', '.join(names)}. "
                    "Add the county (县/市/区) to the address."
                )
                raise AmbiguousPlaceError(msg, names)
            return self._result(query, next(iter(best.values())))
        if prefs:
            name = self.prefectures[prefs[0].code].name
            msg = (
                f"{query!r}: only the prefecture {name} was recognised, which is not precise enough; "
                "add the county (县/市/区) or township (乡/镇/街道)."
            )
            raise UnknownPlaceError(msg)
        msg = f"{query!r}: no prefecture, county or township of Fujian recognised in it."
        raise UnknownPlaceError(msg)

    def _result(self, query: str, m: _Mention) -> GeocodeResult:
        notes: list[str] = []
        if m.kind == "base":
            notes.append("matched an abbreviated name")
        elif m.kind == "renamed":
            notes.append("matched a former or variant name (县/市/区 or 乡/镇 renamed)")
        if m.level == "township":
            t = self.townships[m.code]
            county_code = str(t.county_code)
            if _finite(t.lon) and _finite(t.lat):
                return GeocodeResult(
                    query=query,
                    lon=float(t.lon),
                    lat=float(t.lat),
                    level="township",
                    location_quality=QUALITY["township"],
                    matched=self.full_name("township", m.code),
                    township_code=m.code,
                    county_code=county_code,
                    prefecture_code=str(t.prefecture_code),
                    notes=tuple(notes),
                )
            reason = str(getattr(t, "no_point_reason", "") or "no point in the gazetteer")
            notes.append(f"township {t.name} has no point ({reason}); placed at its county seat")
            c = self.counties[county_code]
            if not (_finite(c.seat_lon) and _finite(c.seat_lat)):
                place = self.full_name("township", m.code)
                msg = f"{query!r}: matched {place}; neither it nor its county has a point."
                raise UnknownPlaceError(msg)
            matched = self.full_name("township", m.code)
            return _county_seat_result(query, c, county_code, matched, notes, township_code=m.code)
        c = self.counties[m.code]
        if not (_finite(c.seat_lon) and _finite(c.seat_lat)):
            place = self.full_name("county", m.code)
            msg = f"{query!r}: matched {place}, which has no seat point in the gazetteer."
            raise UnknownPlaceError(msg)
        return _county_seat_result(query, c, m.code, self.full_name("county", m.code), notes)


def _county_seat_result(
    query: str, county: Any, county_code: str, matched: str, notes: list[str], township_code: str = ""
) -> GeocodeResult:
    """The result placed at ``county``'s seat (a gazetteer row with a seat point)."""
    return GeocodeResult(
        query=query,
        lon=float(county.seat_lon),
        lat=float(county.seat_lat),
        level="county",
        location_quality=QUALITY["county"],
        matched=matched,
        township_code=township_code,
        county_code=county_code,
        prefecture_code=str(county.prefecture_code),
        notes=tuple(notes),
    )
