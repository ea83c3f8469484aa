"""The fields a planner's facility list can fill, their labels, and how file headers map to them."""

from __future__ import annotations

import re
import unicodedata

from geo.labels import Labels

__all__ = ["FIELDS", "FIELD_ALIASES", "FIELD_LABELS", "crs_hint", "map_headers", "normalise_header"]

#: Facility fields an upload can fill, in display order.
FIELDS: tuple[str, ...] = (
    "facility_id",
    "name",
    "facility_type",
    "address",
    "lon",
    "lat",
    "crs",
    "doctors_per_month",
    "prefecture_name",
    "county_name",
    "township_name",
)

#: Chinese and English label of each field (for reports and the mapping step; :mod:`geo.labels` shape).
FIELD_LABELS: Labels = {
    "facility_id": {"zh": "编号", "en": "id"},
    "name": {"zh": "名称", "en": "name"},
    "facility_type": {"zh": "类型", "en": "type"},
    "address": {"zh": "地址", "en": "address"},
    "lon": {"zh": "经度", "en": "longitude"},
    "lat": {"zh": "纬度", "en": "latitude"},
    "crs": {"zh": "坐标系", "en": "coordinate system"},
    "doctors_per_month": {"zh": "医生数", "en": "doctors per month"},
    "prefecture_name": {"zh": "设区市", "en": "prefecture"},
    "county_name": {"zh": "县（市、区）", "en": "county"},
    "township_name": {"zh": "乡镇（街道）", "en": "township"},
}

#: Header spellings recognised for each field, after :func:`normalise_header` (lower case, no spaces,
#: no brackets, half-width).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "facility_id": ("编号", "机构编号", "机构代码", "代码", "序号编码", "id", "facilityid", "code"),
    "name": (
        "名称",
        "机构名称",
        "医院名称",
        "医疗机构名称",
        "单位名称",
        "卫生院名称",
        "机构",
        "单位",
        "name",
        "facilityname",
        "facility",
    ),
    "facility_type": ("类型", "机构类型", "类别", "机构类别", "医院类型", "type", "facilitytype", "kind"),
    "address": ("地址", "详细地址", "机构地址", "单位地址", "address", "addr"),
    "lon": ("经度", "lon", "lng", "long", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "crs": ("坐标系", "坐标系统", "坐标类型", "crs", "coordinatesystem", "coordsystem", "srs", "datum"),
    "doctors_per_month": (
        "医生数",
        "每月医生数",
        "下派医生数",
        "医生人数",
        "派驻医生数",
        "doctors",
        "doctorspermonth",
        "doctorsmonth",
    ),
    "prefecture_name": ("设区市", "地市", "市", "所属地市", "所属设区市", "prefecture", "city"),
    "county_name": ("县", "县区", "区县", "县市区", "县(市、区)", "所属县区", "county", "district"),
    "township_name": ("乡镇", "乡镇街道", "乡镇名称", "所属乡镇", "乡镇(街道)", "township", "town"),
}

_ALIAS_INDEX: dict[str, str] = {}
for _field, _aliases in FIELD_ALIASES.items():
    for _alias in _aliases:
        _ALIAS_INDEX[_alias] = _field

_CRS_HINTS: tuple[tuple[str, str], ...] = (
    ("gcj", "gcj02"),
    ("火星", "gcj02"),
    ("高德", "gcj02"),
    ("bd", "bd09"),
    ("百度", "bd09"),
    ("wgs", "wgs84"),
    ("gps", "wgs84"),
    ("cgcs", "wgs84"),
)


def normalise_header(text: str) -> str:
    """Return a header reduced for matching: NFKC (full-width → half-width), lower case, no spaces/marks.

    Bracketed parts are removed (``经度（GCJ-02）`` → ``经度``) except in the few aliases that contain them.
    """
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    t = re.sub(r"[\s_\-*:：.·/]", "", t)
    if t in _ALIAS_INDEX:
        return t
    t = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", t)
    return re.sub(r"(wgs84|gcj02|bd09ll|bd09|cgcs2000|gps)$", "", t)


def crs_hint(header: str) -> str | None:
    """The coordinate system a coordinate header names (``经度(GCJ-02)`` → ``"gcj02"``), else ``None``."""
    t = unicodedata.normalize("NFKC", header).lower()
    for key, crs in _CRS_HINTS:
        if key in t:
            return crs
    return None


def map_headers(headers: tuple[str, ...] | list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Map file headers to facility fields.

    Parameters
    ----------
    headers
        Column headers as written in the file (Chinese or English).

    Returns
    -------
    mapping, unmapped
        ``{header: field}`` for recognised headers (each field at most once: the first header wins) and the
        headers left unrecognised, in file order.
    """
    mapping: dict[str, str] = {}
    used: set[str] = set()
    unmapped: list[str] = []
    for header in headers:
        fieldname = _ALIAS_INDEX.get(normalise_header(header))
        if fieldname is None or fieldname in used:
            unmapped.append(header)
            continue
        mapping[header] = fieldname
        used.add(fieldname)
    return mapping, tuple(unmapped)
