"""Roles and what they reach: the province sees everything, a prefecture officer his prefecture, a county
officer his county. A workspace belongs to the province (no scope), a prefecture or a county.

Laptop use (no accounts) runs as :data:`LOCAL`, a province-level account of the machine's planner.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._errors import AccessDeniedError, InputValidationError
from geo.places import load_counties, load_prefectures
from geo.scope import resolve_scope
from routing.database.messages import bilingual

__all__ = [
    "LOCAL",
    "PERSONAL_COLUMNS",
    "ROLES",
    "Account",
    "cli_actor",
    "no_such_workspace",
    "resolve_role_scope",
    "scope_name",
    "scope_options",
]

#: Role key → (Chinese, English) name.
ROLES: dict[str, dict[str, str]] = {
    "province": {"zh": "省级", "en": "province"},
    "prefecture": {"zh": "市级", "en": "prefecture"},
    "county": {"zh": "县级", "en": "county"},
}
#: Personal columns of the input tables (doctor names and phones): shown only within an account's scope.
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "doctors": ("name", "doctor", "doctor_name", "phone", "mobile")
}
#: What a hidden personal value shows instead (names and phones outside one's scope).
HIDDEN = "（不在权限范围内）"


def scope_name(code: str | None) -> str:
    """Name of a prefecture or county code (福建省 for None)."""
    if not code:
        return "福建省"
    prefs = load_prefectures()
    hit = prefs.loc[prefs["code"] == code, "name"]
    if len(hit):
        return str(hit.iloc[0])
    counties = load_counties()
    row = counties[counties["code"] == code]
    return str(row["prefecture_name"].iloc[0] + row["name"].iloc[0]) if len(row) else code


def resolve_role_scope(role: str, scope: str | None) -> str | None:
    """The scope code of an account: None for the province, a prefecture code, or a county code.

    Raises
    ------
    InputValidationError
        Unknown role, a prefecture/county role without a scope, a province role with one, or a scope that is
        not a prefecture (prefecture role) / county (county role) of Fujian.
    """
    if role not in ROLES:
        raise bilingual(
            InputValidationError,
            zh=f"未知角色“{role}”，应为 province、prefecture 或 county。",
            en=f"Unknown role {role!r}; expected province, prefecture or county.",
        )
    text = (scope or "").strip()
    if role == "province":
        if text and text not in ("福建", "福建省"):
            raise bilingual(
                InputValidationError,
                zh="省级账号不设范围（可看全省）。",
                en="A province account has no scope (it sees the whole province).",
            )
        return None
    if not text:
        raise bilingual(
            InputValidationError,
            zh=f"{ROLES[role]['zh']}账号需要范围，例如 --scope 龙岩市。",
            en=f"A {role} account needs a scope, e.g. --scope 龙岩市.",
        )
    try:
        found = resolve_scope(prefectures=text) if role == "prefecture" else resolve_scope(counties=text)
    except InputValidationError as err:
        what = "地市" if role == "prefecture" else "县（市、区）"
        raise bilingual(
            InputValidationError,
            zh=f"范围“{text}”不是福建省的{what}。",
            en=f"Scope {text!r} is not a {role} of Fujian: {err}",
        ) from err
    return found.prefecture_codes[0] if role == "prefecture" else found.county_codes[0]


@dataclass(frozen=True)
class Account:
    """Who is working: name, role, scope code (None = the whole province)."""

    name: str
    role: str
    scope_code: str | None = None

    @property
    def scope_name(self) -> str:
        """福建省, 龙岩市 or 龙岩市长汀县."""
        return scope_name(self.scope_code)

    def label(self, lang: str = "zh") -> str:
        """``name（市级 · 龙岩市）``."""
        return (
            f"{self.name}（{ROLES[self.role][lang if lang in ('zh', 'en') else 'zh']} · {self.scope_name}）"
        )

    def can_access(self, prefecture_code: str | None, county_code: str | None) -> bool:
        """True when a workspace of this scope (None, None = province-wide) is within the account's reach."""
        if self.role == "province":
            return True
        if self.role == "prefecture":
            return prefecture_code == self.scope_code
        return county_code == self.scope_code

    def check_access(self, workspace: str, prefecture_code: str | None, county_code: str | None) -> None:
        """Raise :class:`AccessDeniedError` (the same words as "no such workspace") when out of reach."""
        if not self.can_access(prefecture_code, county_code):
            raise no_such_workspace(workspace)

    def workspace_scope(self, prefecture: str | None, county: str | None) -> tuple[str | None, str | None]:
        """(prefecture code, county code) of a new workspace: what was asked, within the account's scope.

        Raises
        ------
        AccessDeniedError
            The scope asked for lies outside the account's.
        """
        pref = resolve_scope(prefectures=prefecture).prefecture_codes[0] if prefecture else None
        county_code = resolve_scope(counties=county, within=prefecture).county_codes[0] if county else None
        if county_code and not pref:
            pref = county_code[:4] + "00"
        if self.role == "prefecture":
            pref = pref or self.scope_code
        elif self.role == "county":
            county_code = county_code or self.scope_code
            pref = pref or (county_code[:4] + "00" if county_code else None)
        if not self.can_access(pref, county_code):
            raise bilingual(
                AccessDeniedError,
                zh=f"不能在{scope_name(county_code or pref)}建立工作区：超出本账号范围"
                f"（{self.scope_name}）。",
                en=f"Cannot create a workspace for {scope_name(county_code or pref)}: outside this "
                f"account's scope ({self.scope_name}).",
            )
        return pref, county_code

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of ``frame`` within the account's scope (by ``prefecture_code``/``county_code`` columns; rows
        without them count as outside for prefecture and county accounts)."""
        n = len(frame)
        if self.role == "province":
            return np.ones(n, dtype=bool)
        column = "prefecture_code" if self.role == "prefecture" else "county_code"
        if column in frame.columns:
            return (frame[column].astype(str) == str(self.scope_code)).to_numpy()
        # tables that name places instead (a doctor register: prefecture, county)
        pref_col = next((c for c in ("prefecture_name", "prefecture") if c in frame.columns), None)
        county_col = next((c for c in ("county_name", "county") if c in frame.columns), None)
        code = str(self.scope_code)
        pref_name = scope_name(code[:4] + "00")
        if pref_col is None or (self.role == "county" and county_col is None):
            return np.zeros(n, dtype=bool)
        inside = (frame[pref_col].astype(str) == pref_name).to_numpy()
        if self.role == "county":
            county = scope_name(code).removeprefix(pref_name)
            inside = inside & (frame[county_col].astype(str) == county).to_numpy()
        return inside

    def redact(self, frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
        """A copy with the personal ``columns`` (doctor names, phones) hidden on rows outside the scope."""
        inside = self.mask(frame)
        if inside.all():
            return frame
        out = frame.copy()
        for col in columns:
            if col in out.columns:
                out[col] = out[col].astype(object)
                out.loc[~inside, col] = HIDDEN
        return out


def scope_options(who: Account) -> dict[str, str]:
    """Scopes a new workspace of ``who`` may have: code → name ("" = the whole province), widest first."""
    prefs = load_prefectures().sort_values("code")
    counties = load_counties().sort_values("code")
    options = {"": "福建省"} if who.role == "province" else {}
    for code, name in zip(prefs["code"], prefs["name"], strict=True):
        if who.can_access(str(code), None):
            options[str(code)] = str(name)
    for code, pref, pref_name, name in zip(
        counties["code"],
        counties["prefecture_code"],
        counties["prefecture_name"],
        counties["name"],
        strict=True,
    ):
        if (
            who.role != "province"
            and who.can_access(str(pref), str(code))
            and int(counties.loc[counties["code"] == code, "n_townships"].iloc[0]) > 0
        ):
            options[str(code)] = f"{pref_name}{name}"
    return options


def no_such_workspace(name: str) -> AccessDeniedError:
    """The one message for a workspace that does not exist *or* is outside the account's reach."""
    return bilingual(
        AccessDeniedError,
        zh=f"没有名为“{name}”的工作区，或您无权打开它。",
        en=f"No workspace named {name!r}, or you may not open it.",
    )


#: Laptop use without accounts: the planner at the machine, province-wide.
LOCAL = Account("local", "province", None)


def cli_actor() -> Account:
    """Who runs a command line on the server: ``cli:<system user>``, province-wide (so named in the audit)."""
    return Account(f"cli:{getpass.getuser()}", "province", None)
