"""Real facility names for the derived facilities, where a 2020 list names them unambiguously.

Inputs (``../shared/data/places``, see its SOURCES.md):

* ``fujian_facility_names_2020.txt`` — the Fujian section of a province-wide 2020 list of facility
  names, grouped by prefecture (``== code name`` lines). A 卫生院 / 社区卫生服务中心 name is matched to one
  township of its prefecture: the county prefix (``漳平市``) is stripped, then the type word (中心卫生院,
  卫生院, 社区卫生服务中心) and the township kind (镇, 乡, 畲族乡, 街道), and the stem must equal exactly one
  township's stem in that county (or, without a county prefix, in the prefecture) whose derived facility
  has the same type (卫生院 ↔ 镇/乡, 社区卫生服务中心 ↔ 街道). Names that match several townships, and
  townships that several names match, keep their derived name.
* ``county_hospitals_2020.csv`` — the main general hospital of 72 counties. Used where a county has one
  distinct name; counties with two candidates, a garbled name or a row the SOURCES file asks to verify by hand
  keep the placeholder.
* 漳平市总医院 for 漳平市, from 漳卫〔2022〕60号 (newer than the 2020 list, which has 漳平市医院).

Every renamed row gets ``name_derived = False`` and its name's source and date in ``source``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

from geo._errors import DataFileError

NAMES_FILE = "fujian_facility_names_2020.txt"
COUNTY_HOSPITALS_FILE = "county_hospitals_2020.csv"
NAMES_SOURCE = (
    "name: 2020 list of Fujian facility names (fujian_facility_names_2020.txt ← github:hhui64/wuhan2020map "
    "hospital.js @55187c55, 2020-02; credits 国家人口健康科学数据中心), matched to the township; "
    "location derived (township seat)"
)
#: County hospitals the SOURCES file asks to verify by hand (placed by position, a university hospital).
VERIFY_BY_HAND = {
    "350821": "长汀县 → 福建省汀州医院 placed by position in the list",
    "350102": "鼓楼区 → 鼓楼医院 placed by position in the list",
    "350213": "翔安区 → a university hospital",
}
#: Newer and authoritative for one county (漳卫〔2022〕60号, 2022-05-30).
COUNTY_OVERRIDES = {
    "350881": (
        "漳平市总医院",
        "name: 漳卫〔2022〕60号 漳平市卫生健康局 (2022-05-30) names 市总医院 as the organising hospital; "
        "location derived (county seat)",
    )
}
_TYPE_WORDS = (("社区卫生服务中心", "community_health_center"), ("卫生院", "township_health_center"))
_KIND_TYPE = {
    "街道": "community_health_center", "镇": "township_health_center", "乡": "township_health_center"
}


def read_name_list(source: Path) -> list[tuple[str, str]]:
    """``(prefecture_code, name)`` for every name of the list, in file order.

    Raises
    ------
    DataFileError
        The file is missing or a name appears before the first ``== code name`` line.
    """
    path = Path(source) / NAMES_FILE
    if not path.is_file():
        msg = f"{path}: missing (the 2020 facility-name list; see SOURCES.md)."
        raise DataFileError(msg)
    out: list[tuple[str, str]] = []
    prefecture = ""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("=="):
            prefecture = text[2:].split()[0]
            continue
        if not prefecture:
            msg = f"{path.name} line {i}: a name before the first '== code name' line."
            raise DataFileError(msg)
        out.append((prefecture, text))
    return out


def _stem(name: str) -> str:
    """Township stem: the name without 街道 / 镇 / 乡 / 民族乡."""
    return re.sub(r"(街道|(畲族|回族)?乡|镇)$", "", name)


def _parse(name: str, counties: list[str], prefecture: str) -> tuple[str, str, str] | None:
    """(facility type, county name or "", township stem) of a primary-care name, else None."""
    ftype = next((t for word, t in _TYPE_WORDS if name.endswith(word)), None)
    if ftype is None:
        return None
    rest = name.removeprefix(prefecture)
    county = next((c for c in counties if rest.startswith(c)), "")
    rest = rest.removeprefix(county)
    rest = re.sub(r"(街道)?(社区卫生服务中心|中心卫生院|卫生院)$", "", rest)
    rest = re.sub(r"社区$", "", rest)
    stem = _stem(rest)
    return (ftype, county, stem) if stem else None


def match_primary_names(
    primary: pd.DataFrame, townships: pd.DataFrame, names: list[tuple[str, str]]
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Give primary-care facilities their 2020 names where one name matches one township unambiguously.

    Returns
    -------
    (pandas.DataFrame, dict)
        The facilities (renamed rows: ``name_derived`` False, ``source`` :data:`NAMES_SOURCE`) and counts:
        ``names`` (primary-care names in the list), ``matched``, ``ambiguous_name``, ``ambiguous_township``,
        ``unmatched``.
    """
    town = townships.assign(stem=[_stem(n) for n in townships["name"]])
    town = town.assign(ftype=town["kind"].map(_KIND_TYPE))
    counties_by_pref = {
        p: sorted(set(g["county_name"]), key=len, reverse=True) for p, g in town.groupby("prefecture_code")
    }
    pref_names = dict(zip(town["prefecture_code"], town["prefecture_name"], strict=False))
    hits: dict[str, list[str]] = defaultdict(list)  # township code → names
    stats = {"names": 0, "matched": 0, "ambiguous_name": 0, "ambiguous_township": 0, "unmatched": 0}
    for pref, name in names:
        parsed = _parse(name, counties_by_pref.get(pref, []), pref_names.get(pref, ""))
        if parsed is None:
            continue
        stats["names"] += 1
        ftype, county, stem = parsed
        sel = (town["prefecture_code"] == pref) & (town["stem"] == stem) & (town["ftype"] == ftype)
        if county:
            sel &= town["county_name"] == county
        codes = town.loc[sel, "code"].tolist()
        if len(codes) == 1:
            hits[codes[0]].append(name)
        elif codes:
            stats["ambiguous_name"] += 1
        else:
            stats["unmatched"] += 1
    out = primary.copy()
    by_code = {c: n[0] for c, n in hits.items() if len(set(n)) == 1}
    stats["ambiguous_township"] = sum(len(n) for n in hits.values() if len(set(n)) > 1)
    renamed = out["township_code"].isin(list(by_code))
    out.loc[renamed, "name"] = out.loc[renamed, "township_code"].map(by_code)
    out.loc[renamed, "name_derived"] = False
    out.loc[renamed, "source"] = NAMES_SOURCE
    stats["matched"] = int(renamed.sum())
    return out, stats


def county_hospital_names(source: Path) -> dict[str, tuple[str, str]]:
    """county code → (hospital name, source with date) where the name is unambiguous (see module doc).

    Raises
    ------
    DataFileError
        The file is missing or lacks a column.
    """
    path = Path(source) / COUNTY_HOSPITALS_FILE
    if not path.is_file():
        msg = f"{path}: missing (county hospital names 2020; see SOURCES.md)."
        raise DataFileError(msg)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = ["county_code", "county_name", "hospital_name", "source", "source_date"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        msg = f"{path.name}: missing column(s) {missing}."
        raise DataFileError(msg)
    out: dict[str, tuple[str, str]] = {}
    for code, rows in table.groupby("county_code", sort=True):
        names = {re.sub(r"^.*\s\((.+)\)$", r"\1", n.strip()) for n in rows["hospital_name"]}
        county = str(rows["county_name"].iloc[0])
        if len(names) != 1 or code in VERIFY_BY_HAND:
            continue
        name = names.pop()
        if name.count(county) > 1 or "(" in name or "（" in name:  # garbled in the source
            continue
        first = rows.iloc[0]
        out[str(code)] = (
            name,
            f"name: {COUNTY_HOSPITALS_FILE} ← {first['source']} ({first['source_date']}); "
            "location derived (county seat)",
        )
    out.update(COUNTY_OVERRIDES)
    return out
