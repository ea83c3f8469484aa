"""The one scope resolver: which prefectures and counties an analysis covers, from names a planner types.

Every analysis (coverage, pairing, tours, programme) and every command line resolves ``--prefecture`` and
``--county`` here: a prefecture by name (龙岩市), short name (龙岩) or code (350800); a county by name
(漳平市),
prefecture + name (龙岩市漳平市) or code (350881). :meth:`Scope.mask` then selects the rows of any table with
``prefecture_code``/``county_code`` (or ``prefecture_name``/``county_name``) columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._errors import UnknownScopeError
from geo.places import load_counties, load_prefectures

__all__ = ["PROVINCE_LABEL", "Scope", "prefecture_code", "resolve_scope"]

PROVINCE_LABEL = "福建省"


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
