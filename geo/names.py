"""How Fujian's place and facility names are written, in one place: the rules every name matcher uses.

:func:`geo.places.find_places` (a place typed by a planner: 长汀县新桥镇, 新桥, 长汀县医院) and
:class:`geo.geocoding.Gazetteer` (places mentioned in a free-text address: 福建省龙岩市漳平市双洋镇卫生院)
both read names through these rules: one text cleaner, one suffix stripper per level, one table of county
renames and one vocabulary of facility-name endings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "ADMIN_SUFFIXES",
    "COUNTRY_PREFIXES",
    "COUNTY_HOSPITAL_WORDS",
    "COUNTY_RENAMES",
    "COUNTY_SUFFIXES",
    "PRIMARY_CARE_ENDINGS",
    "TOWNSHIP_SUFFIXES",
    "base_name",
    "clean_text",
    "strip_country_prefix",
]

#: Township-level suffixes, longest first (街道办事处 before 街道; 畲族乡 before 乡).
TOWNSHIP_SUFFIXES: tuple[str, ...] = ("街道办事处", "街道", "畲族乡", "民族乡", "镇", "乡")
#: County-level suffixes, longest first (自治县 before 县).
COUNTY_SUFFIXES: tuple[str, ...] = ("自治县", "区", "县", "市")
#: Every administrative suffix (township-level first), for names whose level is not known.
ADMIN_SUFFIXES: tuple[str, ...] = TOWNSHIP_SUFFIXES + COUNTY_SUFFIXES
#: Counties renamed or merged since the 2010s: former name → current county code.
COUNTY_RENAMES: dict[str, str] = {"梅列区": "350404", "梅列": "350404"}
#: Words before a place name that say nothing about it, stripped from addresses (longest first).
COUNTRY_PREFIXES: tuple[str, ...] = ("中华人民共和国", "中国", "福建省", "福建")
#: Endings of primary-care facility names as people write them (新桥镇中心卫生院, 菁城社区卫生服务中心).
PRIMARY_CARE_ENDINGS: tuple[str, ...] = ("社区卫生服务中心", "中心卫生院", "卫生院")
#: What people call a county's general hospital once the county is named (长汀县医院, 漳平市总医院).
COUNTY_HOSPITAL_WORDS: tuple[str, ...] = ("医院", "人民医院", "总医院", "综合医院", "县级综合医院")

_PUNCTUATION = re.compile(r"[\s,，、;；:：()（）\[\]【】\"'“”‘’·.\-—_/]")


def clean_text(text: object) -> str:
    """``text`` reduced for matching: NFKC (full-width → half-width), no spaces or punctuation."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", str(text)))


def strip_country_prefix(text: str) -> str:
    """``text`` without leading 中华人民共和国 / 中国 / 福建省 / 福建 (repeated: 中国福建省…)."""
    changed = True
    while changed:
        changed = False
        for prefix in COUNTRY_PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                changed = True
    return text


def base_name(name: str, suffixes: Sequence[str] = ADMIN_SUFFIXES) -> str:
    """``name`` without its administrative suffix, keeping at least 2 characters.

    新桥镇 → 新桥, 长汀县 → 长汀, 城郊畲族乡 → 城郊; 沙县 stays 沙县 (its base would be one character).
    """
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name
