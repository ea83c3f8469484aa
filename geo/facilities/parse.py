"""Parsers of what planners type in a facility list: numbers and coordinates, coordinate systems, types."""

from __future__ import annotations

import functools
import math
import re
import unicodedata

from geo.facilities import FACILITY_TYPES

__all__ = [
    "CRS_ALIASES",
    "CRS_LABEL",
    "parse_coordinate",
    "parse_crs",
    "parse_facility_type",
    "parse_number",
    "type_choices",
    "type_from_name",
]

#: Coordinate-system spellings accepted in a 坐标系/crs cell (after NFKC, lower case, no spaces/dashes).
CRS_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        (
            "wgs84",
            "wgs",
            "gps",
            "epsg4326",
            "4326",
            "cgcs2000",
            "cgcs",
            "天地图",
            "国家2000",
            "2000国家大地坐标系",
            "地球坐标",
            "wgs84坐标",
        ),
        "wgs84",
    ),
    **dict.fromkeys(
        (
            "gcj02",
            "gcj",
            "火星",
            "火星坐标",
            "火星坐标系",
            "高德",
            "高德坐标",
            "amap",
            "gaode",
            "腾讯",
            "腾讯坐标",
            "tencent",
            "qq",
            "国测局",
            "国测局坐标",
            "国测局坐标系",
            "gcj02坐标",
        ),
        "gcj02",
    ),
    **dict.fromkeys(
        ("bd09", "bd09ll", "bd", "百度", "百度坐标", "百度坐标系", "baidu", "bd09坐标"), "bd09"
    ),
}

#: Display name of each coordinate system.
CRS_LABEL = {"wgs84": "WGS84", "gcj02": "GCJ-02", "bd09": "BD-09"}

#: Facility-type spellings beyond the keys and labels of FACILITY_TYPES.
_TYPE_EXTRA: dict[str, str] = {
    "卫生院": "township_health_center",
    "中心卫生院": "township_health_center",
    "镇卫生院": "township_health_center",
    "乡卫生院": "township_health_center",
    "乡镇卫生院": "township_health_center",
    "thc": "township_health_center",
    "社区卫生服务中心": "community_health_center",
    "社区卫生中心": "community_health_center",
    "社区中心": "community_health_center",
    "chc": "community_health_center",
    "县医院": "county_hospital",
    "县级医院": "county_hospital",
    "县人民医院": "county_hospital",
    "县总医院": "county_hospital",
    "县级综合医院": "county_hospital",
    "县综合医院": "county_hospital",
    "countyhospital": "county_hospital",
    "市医院": "city_hospital",
    "市级医院": "city_hospital",
    "市属医院": "city_hospital",
    "cityhospital": "city_hospital",
    "三级医院": "tertiary_hospital",
    "三甲医院": "tertiary_hospital",
    "三甲": "tertiary_hospital",
    "三级甲等医院": "tertiary_hospital",
    "省级医院": "tertiary_hospital",
    "省属医院": "tertiary_hospital",
    "tertiary": "tertiary_hospital",
}

_DMS = re.compile(
    r"^(\d+(?:\.\d+)?)[°度](?:(\d+(?:\.\d+)?)['′分])?(?:(\d+(?:\.\d+)?)(?:\"|″|′′|''|秒))?$"
)
#: Degrees, minutes and seconds separated by spaces only: ``117 24 36``.
_SPACED_DMS = re.compile(r"^(\d{1,3})\s+(\d{1,2})\s+(\d{1,2}(?:\.\d+)?)$")
_SYMBOL_SPACES = re.compile(r"\s*([°度′'分″\"秒])\s*")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _dms(deg: float, minutes: float, seconds: float) -> float | None:
    if minutes >= 60 or seconds >= 60:
        return None
    return deg + minutes / 60.0 + seconds / 3600.0


def parse_coordinate(text: str) -> tuple[float | None, bool]:
    """Parse a coordinate or count typed by a person: ``(value, spaced_dms)``.

    ``value`` is ``None`` when the text is not a finite number. ``spaced_dms`` is True when the text was
    degrees, minutes and seconds separated by spaces only (``117 24 36`` → 117.41), which the caller notes.
    Any other space inside the digits (``117 4``, ``1 172 436``) is refused rather than read as 1172436.
    See :func:`parse_number` for the accepted forms.
    """
    t = unicodedata.normalize("NFKC", str(text)).strip()
    try:  # the common case: a plain decimal number
        value = float(t)
    except ValueError:
        pass
    else:
        return (value if math.isfinite(value) and _DECIMAL.fullmatch(t) else None), False
    spaced = _SPACED_DMS.match(t)
    if spaced:
        return _dms(*(float(g) for g in spaced.groups())), True
    t = _SYMBOL_SPACES.sub(r"\1", t)
    t = re.sub(r"^(东经|北纬|e|n)\s*", "", t, flags=re.IGNORECASE)
    t = re.sub(r"\s*([eEnN]|东经|北纬)$", "", t).strip()
    if re.search(r"\s", t):
        return None, False
    m = _DMS.match(t)
    if m:
        deg, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
        return _dms(deg, minutes, seconds), False
    t = t.rstrip("°度")
    if not _DECIMAL.fullmatch(t):
        return None, False
    value = float(t)
    return (value if math.isfinite(value) else None), False


def parse_number(text: str) -> float | None:
    """Parse a coordinate or count typed by a person; ``None`` when it is not a finite number.

    Accepts full-width digits, a trailing ``°``/``度``/E/N, a 东经/北纬 prefix and degree-minute-second
    (``117°24′36″``, ``117度24分36秒``, ``117 24 36``). Spaces inside a number otherwise are refused.
    """
    return parse_coordinate(text)[0]


def parse_crs(text: str) -> str | None:
    """``"wgs84"``, ``"gcj02"`` or ``"bd09"`` for a coordinate-system cell, ``None`` if unrecognised."""
    t = re.sub(r"[\s\-_:：()（）]", "", unicodedata.normalize("NFKC", str(text)).lower())
    return CRS_ALIASES.get(t)


def norm(text: str) -> str:
    """``text`` for comparing names and types: NFKC, lower case, no spaces, dashes or underscores."""
    return re.sub(r"[\s_\-]", "", unicodedata.normalize("NFKC", str(text)).lower())


@functools.lru_cache(maxsize=1)
def _type_index() -> dict[str, str]:
    index = {norm(k): v for k, v in _TYPE_EXTRA.items()}
    for key, labels in FACILITY_TYPES.items():
        for label in (key, labels["zh"], labels["en"]):
            index[norm(label)] = key
    return index


def parse_facility_type(text: str) -> str | None:
    """Return the facility-type key for a type cell (key, Chinese or English label, common synonyms)."""
    return _type_index().get(norm(text))


def type_from_name(name: str) -> str | None:
    """The type a name implies: 社区卫生服务中心/站 → community, 卫生院 → township center, else None."""
    if "社区卫生服务中心" in name or "社区卫生服务站" in name:
        return "community_health_center"
    if "卫生院" in name:
        return "township_health_center"
    return None


def type_choices() -> str:
    """The facility types as a message lists them: ``乡镇卫生院 (township_health_center), …``."""
    return ", ".join(f"{v['zh']} ({k})" for k, v in FACILITY_TYPES.items())
