"""Validate an uploaded facility list row by row: one message per problem, valid rows kept.

Private plumbing of :mod:`geo.facilities.upload`. Every problem names the spreadsheet
row, the column as written
in the file and the value. An ``error`` rejects its row; a
``fixed`` problem was corrected (coordinates converted
to WGS84, latitude/longitude swapped back when asked) and the row kept; a ``note`` only informs.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geo import tables
from geo._errors import AmbiguousPlaceError, InputValidationError, UnknownPlaceError
from geo.coords import bd09_to_wgs84, gcj02_to_wgs84, haversine_km, in_fujian, to_wgs84
from geo.facilities import FACILITY_COLUMNS, FACILITY_TYPES
from geo.facilities._read import FIELD_LABELS, FIELDS, UploadTable
from geo.geocoding import Gazetteer, default_gazetteer

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CRS_ALIASES",
    "MESSAGES",
    "Problem",
    "UploadResult",
    "parse_crs",
    "parse_facility_type",
    "parse_number",
    "validate_upload",
]

#: Message templates per problem code: (English, Chinese). Fields: value, other, detail.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing_column": (
        "no column for {detail}; map one of the unrecognised columns {value} to it",
        "找不到“{detail}”列；请把未识别的列 {value} 之一对应到它",
    ),
    "missing_name": ("name is empty; every facility needs a name", "名称为空：每个机构都需要名称"),
    "duplicate_name": (
        "name {value!r} already appears on row {other} (same county); row skipped",
        "名称 {value!r} 与第 {other} 行重复（同一县区），本行未采用",
    ),
    "duplicate_id": (
        "id {value!r} already appears on row {other}; row skipped",
        "编号 {value!r} 与第 {other} 行重复，本行未采用",
    ),
    "bad_number": ("{value!r} is not a number{detail}", "{value!r} 不是数字{detail}"),
    "missing_coordinate": (
        "{detail} is filled but this one is empty; give both longitude and latitude",
        "填了{detail}但此项为空：经度和纬度需同时填写",
    ),
    "outside_fujian": ("point ({detail}) lies outside Fujian", "坐标点 ({detail}) 不在福建省内"),
    "swapped": (
        "longitude and latitude look swapped ({detail}); re-run with the swap fix to accept "
        "(--fix-swapped, or the 数据 page's 交换经纬度 option)",
        "经纬度似乎填反了（{detail}）；选择“交换经纬度”（--fix-swapped）后可采用",
    ),
    "swapped_fixed": (
        "longitude and latitude were swapped ({detail}); swapped back",
        "经纬度填反了（{detail}），已交换",
    ),
    "unknown_crs": (
        "{value!r} is not a coordinate system; use WGS84 (GPS, 天地图), GCJ-02 (高德, 腾讯) or BD-09 (百度)",
        "{value!r} 不是可识别的坐标系：请填 WGS84（GPS、天地图）、GCJ-02（高德、腾讯）或 BD-09（百度）",
    ),
    "converted": (
        "coordinates converted from {detail} to WGS84 (moved {other} m)",
        "坐标已由 {detail} 转换为 WGS84（移动 {other} 米）",
    ),
    "detected_crs": (
        "point is {other} m from the seat of {detail} in the {value} direction; "
        "treated as {value} and converted to WGS84",
        "坐标点距{detail}驻地 {other} 米、偏向 {value} 方向：按 {value} 处理并转换为 WGS84",
    ),
    "detected_crs_file": (
        "other rows of this file look {value}; treated as {value} and converted to WGS84 (moved {other} m)",
        "本文件其他行的坐标呈 {value} 特征：按 {value} 处理并转换为 WGS84（移动 {other} 米）",
    ),
    "crs_unclear": (
        "point looks {value} against the seat of {detail}, but other rows look WGS84; kept as WGS84 "
        "(fill the 坐标系 column to convert)",
        "对照{detail}驻地，坐标似乎是 {value}，但其他行像 WGS84：按 WGS84 保留，如需转换请填写“坐标系”列",
    ),
    "unknown_type": (
        "{value!r} is not a facility type; use one of {detail}",
        "{value!r} 不是可识别的机构类型：请填 {detail}",
    ),
    "missing_type": (
        "type is empty and cannot be told from the name; use one of {detail}",
        "类型为空，且无法从名称判断：请填 {detail}",
    ),
    "inferred_type": (
        "type is empty; taken as {detail} from the name",
        "类型为空：根据名称按{detail}处理",
    ),
    "bad_doctors": (
        "{value!r} is not a whole number of doctors (0 or more)",
        "{value!r} 不是有效的医生人数（0 或正整数）",
    ),
    "geocoded": (
        "no coordinates; placed at the seat of {detail} ({value})",
        "未填坐标：按{detail}驻地定位（{value}）",
    ),
    "geocoded_county": (
        "no coordinates; {detail} has no point in the gazetteer, so placed at its county seat ({value})",
        "未填坐标：{detail}在内置数据中无坐标，按所在县城驻地定位（{value}）",
    ),
    "not_geocoded": (
        "no coordinates, and the address/name gives no place: {detail}",
        "未填坐标，且无法根据地址或名称定位：{detail}",
    ),
    "ambiguous_place": (
        "no coordinates, and the address/name matches several places: {detail}; add the county",
        "未填坐标，地址或名称对应多个地点：{detail}；请注明县区",
    ),
    "county_mismatch": (
        "point lies in {detail}, not in the stated {value!r}; kept (check the point)",
        "坐标点位于{detail}，与所填 {value!r} 不符；已采用，请核对",
    ),
}

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

_CRS_LABEL = {"wgs84": "WGS84", "gcj02": "GCJ-02", "bd09": "BD-09"}

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

#: A point is checked against Fujian's county polygons with this tolerance (simplified coastlines), km.
COUNTY_TOLERANCE_KM = 3.0
#: CRS detection: a row is evidence for a system when, converted from it,
#: the point lies within this distance of
#: its stated township seat (m) ...
DETECT_NEAR_M = 250.0
#: ... while as written it lies at least this far from the seat (m).
DETECT_FAR_M = 450.0


@dataclass(frozen=True)
class Problem:
    """One problem in an upload.

    Attributes
    ----------
    row
        Spreadsheet row number (``None`` for a problem with the whole file).
    column
        Column as named in the file (``None`` when the problem is not tied to one column).
    value
        The offending cell text ("" when empty or not applicable).
    code
        Machine-readable kind (a key of :data:`MESSAGES`).
    severity
        ``"error"`` (row rejected), ``"fixed"`` (row kept after a correction) or ``"note"``.
    message, message_zh
        The explanation in English and Chinese.
    """
    row: int | None
    column: str | None
    value: str
    code: str
    severity: str
    message: str
    message_zh: str

    def text(self, lang: str = "en") -> str:
        """Return ``row N, column C: message`` (``第N行，列“C”：…`` in Chinese)."""
        if lang == "zh":
            where = "文件" if self.row is None else f"第{self.row}行"
            if self.column:
                where += f"，列“{self.column}”"
            return f"{where}：{self.message_zh}"
        where = "file" if self.row is None else f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.text("en")


_QUALITY_ZH = {
    "approximate: township seat": "近似：乡镇驻地",
    "approximate: county seat": "近似：县城驻地",
    "approximate: geocoded address": "近似：在线地址解析",
}


def _problem(
    row: int | None, column: str | None, value: str, code: str, severity: str, **fmt: Any
) -> Problem:
    en, zh = MESSAGES[code]
    fields = {"value": value, "other": "", "detail": "", **fmt}
    zh_fields = {**fields, "value": _QUALITY_ZH.get(value, value)} if code.startswith("geocoded") else fields
    return Problem(row, column, value, code, severity, en.format(**fields), zh.format(**zh_fields))


@dataclass
class UploadResult:
    """What validation made of an upload.

    Attributes
    ----------
    accepted
        Facility table (columns of :data:`geo.facilities.FACILITY_COLUMNS` +
        ``geometry``, EPSG:4326, WGS84) of
        the rows kept.
    rejected
        The rejected rows as written (the file's columns) plus ``row`` and ``problems`` (the reasons).
    problems
        Every problem, in row order (file-level ones first).
    table
        The :class:`UploadTable` validated.
    mapping
        Header → field mapping used.
    """
    accepted: gpd.GeoDataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    table: UploadTable
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Number of data rows read."""
        return len(self.table.rows)

    @property
    def all_accepted(self) -> bool:
        """True when every row was kept and the file had no problem of its own."""
        return (
            self.n_rows > 0
            and len(self.rejected) == 0
            and not any(p.row is None and p.severity == "error" for p in self.problems)
        )

    def summary(self, lang: str = "en") -> str:
        """One line: rows read, accepted (of which corrected), rejected."""
        fixed = len({p.row for p in self.problems if p.severity == "fixed" and p.row is not None})
        if lang == "zh":
            return (
                f"{self.table.source}：共 {self.n_rows} 行，采用 {len(self.accepted)} 行"
                f"（其中 {fixed} 行已修正），"
                f"未采用 {len(self.rejected)} 行。"
            )
        return (
            f"{self.table.source}: {self.n_rows} rows, {len(self.accepted)} accepted ({fixed} corrected), "
            f"{len(self.rejected)} rejected."
        )

    def problems_table(self, lang: str = "zh") -> pd.DataFrame:
        """Problems as a table: row, column, value, severity, message (headers and messages in ``lang``)."""
        zh = lang == "zh"
        severity = {
            "error": "未采用" if zh else "rejected",
            "fixed": "已修正" if zh else "corrected",
            "note": "提示" if zh else "note",
        }
        columns = (
            ["行", "列", "值", "处理", "说明"] if zh else ["row", "column", "value", "outcome", "message"]
        )
        rows = [
            [p.row, p.column or "", p.value, severity[p.severity], p.message_zh if zh else p.message]
            for p in self.problems
        ]
        return pd.DataFrame(rows, columns=columns).astype({columns[0]: "Int64"})

    def rejected_csv(self, lang: str = "zh") -> bytes:
        """The rejected rows as written plus ``row`` and the reasons (in ``lang``), CSV in UTF-8 with BOM.

        Fix the cells and upload this file again: the two extra columns are ignored on reading.
        """
        out = self.rejected.copy()
        if lang == "zh":
            reasons: dict[int | None, list[str]] = {}
            for p in self.problems:
                if p.severity == "error":
                    reasons.setdefault(p.row, []).append(p.message_zh)
            file_level = reasons.get(None, [])
            out["problems"] = ["；".join(file_level + reasons.get(int(r), [])) for r in out["row"]]
            out = out.rename(columns={"row": "原行号", "problems": "问题"})
        return tables.csv_bytes(out)

    def report_lines(self, lang: str = "en") -> list[str]:
        """Every problem as one line, then the summary."""
        return [p.text(lang) for p in self.problems] + [self.summary(lang)]


# ------------------------------------------------------------------------------------------------ c

_DMS = re.compile(
    r"^(\d+(?:\.\d+)?)[°度](?:(\d+(?:\.\d+)?)['′分])?(?:(\d+(?:\.\d+)?)(?:\"|″|′′|''|秒))?$"
)


def parse_number(text: str) -> float | None:
    """Parse a coordinate or count typed by a person; ``None`` when it is not a finite number.

    Accepts full-width digits, a trailing ``°``/``度``/E/N, a 东经/北纬 prefix and degree-minute-second
    (``117°24′36″``, ``117度24分36秒``).
    """
    t = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    t = re.sub(r"^(东经|北纬|e|n)", "", t, flags=re.IGNORECASE)
    t = re.sub(r"([eEnN]|东经|北纬)$", "", t)
    m = _DMS.match(t)
    if m:
        deg, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
        if minutes >= 60 or seconds >= 60:
            return None
        return deg + minutes / 60.0 + seconds / 3600.0
    t = t.rstrip("°度")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", t):
        return None
    value = float(t)
    return value if math.isfinite(value) else None


def parse_crs(text: str) -> str | None:
    """Return ``"wgs84"``, ``"gcj02"`` or ``"bd09"`` for
    a coordinate-system cell, ``None`` if unrecognised.
    """
    t = re.sub(r"[\s\-_:：()（）]", "", unicodedata.normalize("NFKC", str(text)).lower())
    return CRS_ALIASES.get(t)


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]", "", unicodedata.normalize("NFKC", str(text)).lower())


@functools.lru_cache(maxsize=1)
def _type_index() -> dict[str, str]:
    index = {_norm(k): v for k, v in _TYPE_EXTRA.items()}
    for key, labels in FACILITY_TYPES.items():
        for label in (key, labels["zh"], labels["en"]):
            index[_norm(label)] = key
    return index


def parse_facility_type(text: str) -> str | None:
    """Return the facility-type key for a type cell (key, Chinese or English label, common synonyms)."""
    return _type_index().get(_norm(text))


def _type_from_name(name: str) -> str | None:
    if "社区卫生服务中心" in name or "社区卫生服务站" in name:
        return "community_health_center"
    if "卫生院" in name:
        return "township_health_center"
    return None


def _type_choices() -> str:
    return ", ".join(f"{v['zh']} ({k})" for k, v in FACILITY_TYPES.items())


# ------------------------------------------------------------------------------------------------ places


class _Places:
    """Gazetteer plus point → county lookup, built once per validation."""
    def __init__(self, gazetteer: Gazetteer) -> None:
        from shapely import STRtree

        self.gazetteer = gazetteer
        counties = gazetteer.county_frame
        self.county_codes = [str(c) for c in counties["code"]]
        self.county_names = [str(n) for n in counties["name"]]
        geoms = list(counties["geometry"]) if "geometry" in counties else []
        self.tree = STRtree(geoms) if geoms and all(g is not None for g in geoms) else None
        self.geoms = geoms
        t = gazetteer.township_frame
        placed = t["lon"].notna() & t["lat"].notna()
        self.t_codes = t.loc[placed, "code"].astype(str).to_numpy()
        self.t_county = t.loc[placed, "county_code"].astype(str).to_numpy()
        self.t_lon = t.loc[placed, "lon"].to_numpy(float)
        self.t_lat = t.loc[placed, "lat"].to_numpy(float)

    def county_at(self, lon: float, lat: float) -> tuple[str | None, float]:
        """County code containing the point (or within the tolerance) and the distance to it, km."""
        from shapely import Point

        if self.tree is None:
            return None, math.nan
        p = Point(lon, lat)
        hits = self.tree.query(p, predicate="intersects")
        if len(hits):
            return self.county_codes[int(hits[0])], 0.0
        i = int(self.tree.nearest(p))
        # distance in degrees → km, roughly (this is only a tolerance test)
        d_deg = self.geoms[i].distance(p)
        d_km = d_deg * 111.32 * math.cos(math.radians(lat)) if d_deg else 0.0
        return (self.county_codes[i] if d_km <= COUNTY_TOLERANCE_KM else None), d_km

    def nearest_township(self, lon: float, lat: float, county_code: str | None) -> str:
        mask = self.t_county == county_code if county_code else np.ones(len(self.t_codes), bool)
        if not mask.any():
            return ""
        d = haversine_km(lon, lat, self.t_lon[mask], self.t_lat[mask])
        return str(self.t_codes[mask][int(np.argmin(d))])


def _distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(haversine_km(lon1, lat1, lon2, lat2)) * 1000.0


# ------------------------------------------------------------------------------------------------ validation


@dataclass
class _Row:
    number: int
    cells: dict[str, str]  # field -> text
    errors: list[Problem] = field(default_factory=list)
    others: list[Problem] = field(default_factory=list)
    lon: float = math.nan
    lat: float = math.nan
    crs: str | None = None
    crs_from: str = ""  # "cell" | "option" | "header"
    seat: Any = None  # GeocodeResult of the row's text (township level) when found
    geo: Any = None
    facility_type: str = ""
    doctors: float = math.nan
    county_code: str = ""
    township_code: str = ""
    had_point: bool = False


def _effective_mapping(table: UploadTable, mapping: Mapping[str, str | None] | None) -> dict[str, str]:
    merged: dict[str, str] = dict(table.mapping)
    if mapping:
        for header, fieldname in mapping.items():
            if header not in table.headers:
                msg = (
                    f"{table.source}: mapping names column {header!r}, which the file does not have "
                    f"{list(table.headers)}."
                )
                raise InputValidationError(msg)
            merged.pop(header, None)
            if fieldname:
                if fieldname not in FIELDS:
                    msg = f"Mapping {header!r} → {fieldname!r}: unknown field; expected one of {FIELDS}."
                    raise InputValidationError(msg)
                for other in [h for h, f in merged.items() if f == fieldname]:
                    merged.pop(other)  # the user's choice replaces the automatic one
                merged[header] = fieldname
    return merged


def validate_upload(
    table: UploadTable,
    mapping: Mapping[str, str | None] | None = None,
    *,
    crs: str | None = None,
    fix_swapped: bool = False,
    gazetteer: Gazetteer | None = None,
) -> UploadResult:
    """Validate an uploaded facility list; see :func:`geo.facilities.upload.validate_upload`."""
    header_of = _effective_mapping(table, mapping)
    column_of = {f: h for h, f in header_of.items()}  # field -> header
    problems: list[Problem] = []
    if crs is not None and crs not in _CRS_LABEL:
        parsed = parse_crs(crs)
        if parsed is None:
            msg = f"Unknown coordinate system {crs!r}; expected one of {list(_CRS_LABEL)}."
            raise InputValidationError(msg)
        crs = parsed
    if "name" not in column_of:
        unmapped = [h for h in table.headers if h not in header_of]
        problems.append(
            _problem(
                None,
                None,
                str(unmapped),
                "missing_column",
                "error",
                detail=f"{FIELD_LABELS['name'][0]}/name",
            )
        )
        return _finish(table, [], problems, header_of, None)
    places = _Places(gazetteer or default_gazetteer())
    index = {h: i for i, h in enumerate(table.headers)}
    rows = [
        _Row(n, {f: cells[index[h]] for f, h in column_of.items()})
        for n, cells in zip(table.row_numbers, table.rows, strict=True)
    ]
    for r in rows:
        _check_row(
            r, column_of, places, crs or table.crs_hint, "option" if crs else "header", fix_swapped
        )
    _resolve_crs(rows, column_of, places)
    for r in rows:
        if not r.errors:
            _finish_location(r, column_of, places)
    _check_duplicates(rows, column_of)
    return _finish(table, rows, problems, header_of, places)


def _check_row(
    r: _Row,
    col: dict[str, str],
    places: _Places,
    default_crs: str | None,
    default_from: str,
    fix_swapped: bool,
) -> None:
    name = r.cells.get("name", "")
    if not name:
        r.errors.append(_problem(r.number, col["name"], "", "missing_name", "error"))
    # facility type
    type_text = r.cells.get("facility_type", "")
    if type_text:
        key = parse_facility_type(type_text)
        if key is None:
            r.errors.append(
                _problem(
                    r.number,
                    col["facility_type"],
                    type_text,
                    "unknown_type",
                    "error",
                    detail=_type_choices(),
                )
            )
        else:
            r.facility_type = key
    else:
        key = _type_from_name(name)
        if key is None:
            r.errors.append(
                _problem(
                    r.number,
                    col.get("facility_type", col["name"]),
                    "",
                    "missing_type",
                    "error",
                    detail=_type_choices(),
                )
            )
        else:
            r.facility_type = key
            r.others.append(
                _problem(
                    r.number,
                    col.get("facility_type", col["name"]),
                    "",
                    "inferred_type",
                    "note",
                    detail=FACILITY_TYPES[key]["zh"],
                )
            )
    # doctors
    doc_text = r.cells.get("doctors_per_month", "")
    if doc_text:
        value = parse_number(re.sub(r"[人名位]$", "", doc_text.strip()))
        if value is None or value < 0 or not float(value).is_integer():
            r.errors.append(
                _problem(r.number, col["doctors_per_month"], doc_text, "bad_doctors", "error")
            )
        else:
            r.doctors = float(value)
    # coordinate system
    crs_text = r.cells.get("crs", "")
    if crs_text:
        parsed = parse_crs(crs_text)
        if parsed is None:
            r.errors.append(_problem(r.number, col["crs"], crs_text, "unknown_crs", "error"))
        else:
            r.crs, r.crs_from = parsed, "cell"
    elif default_crs:
        r.crs, r.crs_from = default_crs, default_from
    # coordinates
    lon_text, lat_text = r.cells.get("lon", ""), r.cells.get("lat", "")
    lon = parse_number(lon_text) if lon_text else None
    lat = parse_number(lat_text) if lat_text else None
    bad = False
    for f, text, value in (("lon", lon_text, lon), ("lat", lat_text, lat)):
        if text and value is None:
            detail = (
                "; expected decimal degrees such as 117.41"
                if f == "lon"
                else "; expected decimal degrees such as 25.29"
            )
            r.errors.append(_problem(r.number, col[f], text, "bad_number", "error", detail=detail))
            bad = True
    if bad:
        return
    if (lon is None) != (lat is None):
        missing, given = ("lon", "lat") if lon is None else ("lat", "lon")
        r.errors.append(
            _problem(
                r.number,
                col.get(missing, col[given]),
                "",
                "missing_coordinate",
                "error",
                detail=FIELD_LABELS[given][0] + "/" + FIELD_LABELS[given][1],
            )
        )
        return
    if lon is None or lat is None:
        return

    def inside(x: float, y: float) -> bool:
        wx, wy = to_wgs84(x, y, r.crs or "wgs84")
        return bool(in_fujian(float(wx), float(wy)))

    if not inside(lon, lat) and inside(lat, lon):
        detail = f"{FIELD_LABELS['lon'][0]} {lon_text}, {FIELD_LABELS['lat'][0]} {lat_text}"
        if fix_swapped:
            r.others.append(
                _problem(r.number, col["lon"], lon_text, "swapped_fixed", "fixed", detail=detail)
            )
            lon, lat = lat, lon
        else:
            r.errors.append(_problem(r.number, col["lon"], lon_text, "swapped", "error", detail=detail))
            return
    r.lon, r.lat, r.had_point = lon, lat, True


def _row_query(r: _Row) -> str:
    parts = [
        r.cells.get(f, "") for f in ("prefecture_name", "county_name", "township_name", "address", "name")
    ]
    return " ".join(p for p in parts if p)


def _row_place(r: _Row, places: _Places) -> Any:
    """The row's place from its text (geocoding result) or the error raised, cached on the row."""
    if r.geo is None:
        query = _row_query(r)
        try:
            r.geo = places.gazetteer.match(query) if query else UnknownPlaceError("empty")
        except (UnknownPlaceError, AmbiguousPlaceError) as exc:
            r.geo = exc
    return r.geo


def _evidence(rows: list[_Row], places: _Places) -> dict[int, tuple[str | None, float, float, str]]:
    """Per row (by ``id``): the system its offset from its township seat suggests, the distance as written and
    converted (m), and the seat's name. Vectorised over the rows."""
    out: dict[int, tuple[str | None, float, float, str]] = {}
    located = []
    for r in rows:
        place = _row_place(r, places)
        if isinstance(place, Exception) or place.level != "township":
            out[id(r)] = (None, math.nan, math.nan, "")
        else:
            located.append((r, place))
    if not located:
        return out
    lon = np.array([r.lon for r, _ in located])
    lat = np.array([r.lat for r, _ in located])
    seat_lon = np.array([p.lon for _, p in located])
    seat_lat = np.array([p.lat for _, p in located])
    d_raw = haversine_km(lon, lat, seat_lon, seat_lat) * 1000.0
    d_sys = {
        system: haversine_km(*conv(lon, lat), seat_lon, seat_lat) * 1000.0
        for system, conv in (("gcj02", gcj02_to_wgs84), ("bd09", bd09_to_wgs84))
    }
    for i, (r, place) in enumerate(located):
        system = min(d_sys, key=lambda k: d_sys[k][i])
        raw, conv = float(d_raw[i]), float(d_sys[system][i])
        if conv <= DETECT_NEAR_M and raw >= DETECT_FAR_M:
            out[id(r)] = (system, raw, conv, place.matched)
        elif raw <= DETECT_NEAR_M and conv >= DETECT_FAR_M:
            out[id(r)] = ("wgs84", raw, conv, place.matched)
        else:
            out[id(r)] = (None, raw, conv, place.matched)
    return out


def _resolve_crs(rows: list[_Row], col: dict[str, str], places: _Places) -> None:
    """Convert declared systems; detect undeclared GCJ-02/BD-09 rows against their township seat."""
    pending = [r for r in rows if not r.errors and math.isfinite(r.lon) and r.crs is None]
    evidence = _evidence(pending, places)
    votes = [e[0] for e in evidence.values() if e[0] is not None]
    file_system = None
    if votes:
        top = max(set(votes), key=votes.count)
        if top != "wgs84" and votes.count(top) >= 2 and votes.count(top) >= 0.8 * len(votes):
            file_system = top
    for r in rows:
        if r.errors or not math.isfinite(r.lon):
            continue
        lon_col = col["lon"]
        if r.crs is None:
            system, d_raw, _d_conv, seat = evidence[id(r)]
            if system in ("gcj02", "bd09") and (file_system == system or "wgs84" not in votes):
                r.crs, r.crs_from = system, "detected"
                r.others.append(
                    _problem(
                        r.number,
                        lon_col,
                        _CRS_LABEL[system],
                        "detected_crs",
                        "fixed",
                        other=f"{d_raw:.0f}",
                        detail=seat,
                    )
                )
            elif file_system is not None:
                r.crs, r.crs_from = file_system, "file"
            elif system in ("gcj02", "bd09"):
                r.others.append(
                    _problem(r.number, lon_col, _CRS_LABEL[system], "crs_unclear", "note", detail=seat)
                )
        if r.crs in ("gcj02", "bd09"):
            x, y = to_wgs84(r.lon, r.lat, r.crs)
            moved = _distance_m(r.lon, r.lat, float(x), float(y))
            if r.crs_from in ("cell", "option", "header"):
                r.others.append(
                    _problem(
                        r.number,
                        col.get("crs", lon_col),
                        r.cells.get("crs", ""),
                        "converted",
                        "fixed",
                        detail=_CRS_LABEL[r.crs],
                        other=f"{moved:.0f}",
                    )
                )
            elif r.crs_from == "file":
                r.others.append(
                    _problem(
                        r.number,
                        lon_col,
                        _CRS_LABEL[r.crs],
                        "detected_crs_file",
                        "fixed",
                        other=f"{moved:.0f}",
                    )
                )
            r.lon, r.lat = float(x), float(y)


def _finish_location(r: _Row, col: dict[str, str], places: _Places) -> None:
    """Check the final point lies in Fujian (or geocode
    a row without one) and find its county and township.
    """
    if math.isfinite(r.lon):
        lon_col = col["lon"]
        detail = f"{r.lon:.5f}, {r.lat:.5f}"
        if not bool(in_fujian(r.lon, r.lat)):
            r.errors.append(
                _problem(
                    r.number,
                    lon_col,
                    r.cells.get("lon", ""),
                    "outside_fujian",
                    "error",
                    detail=detail + " WGS84",
                )
            )
            return
        county, d_km = places.county_at(r.lon, r.lat)
        if county is None and places.tree is not None:
            r.errors.append(
                _problem(
                    r.number,
                    lon_col,
                    r.cells.get("lon", ""),
                    "outside_fujian",
                    "error",
                    detail=f"{detail} WGS84, {d_km:.1f} km from the nearest Fujian county",
                )
            )
            return
        r.county_code = county or ""
        place = _row_place(r, places)
        if not isinstance(place, Exception) and place.level == "township" and place.county_code == county:
            r.township_code = place.township_code
        else:
            r.township_code = places.nearest_township(r.lon, r.lat, county)
        stated = r.cells.get("county_name", "")
        if (
            stated
            and county
            and not isinstance(place, Exception)
            and place.county_code not in ("", county)
        ):
            name = places.county_names[places.county_codes.index(county)]
            r.others.append(
                _problem(r.number, col["county_name"], stated, "county_mismatch", "note", detail=name)
            )
        return
    place = _row_place(r, places)
    where = col.get("address", col["name"])
    if isinstance(place, AmbiguousPlaceError):
        r.errors.append(
            _problem(
                r.number,
                where,
                _row_query(r),
                "ambiguous_place",
                "error",
                detail=", ".join(place.candidates[:6]),
            )
        )
    elif isinstance(place, Exception):
        r.errors.append(
            _problem(r.number, where, _row_query(r), "not_geocoded", "error", detail=str(place))
        )
    else:
        r.lon, r.lat, r.county_code, r.township_code = (
            place.lon,
            place.lat,
            place.county_code,
            place.township_code,
        )
        r.others.append(
            _problem(r.number, where, place.location_quality,
                     "geocoded_county" if place.level == "county" and place.township_code else "geocoded",
                     "note", detail=place.matched)
        )


def _check_duplicates(rows: list[_Row], col: dict[str, str]) -> None:
    seen_name: dict[str, list[_Row]] = {}
    seen_id: dict[str, _Row] = {}
    for r in rows:
        if r.errors:
            continue
        fid = r.cells.get("facility_id", "")
        if fid:
            if fid in seen_id:
                r.errors.append(
                    _problem(
                        r.number,
                        col["facility_id"],
                        fid,
                        "duplicate_id",
                        "error",
                        other=seen_id[fid].number,
                    )
                )
                continue
            seen_id[fid] = r
        key = _norm(r.cells.get("name", ""))
        for earlier in seen_name.get(key, []):
            if not earlier.county_code or not r.county_code or earlier.county_code == r.county_code:
                r.errors.append(
                    _problem(
                        r.number,
                        col["name"],
                        r.cells["name"],
                        "duplicate_name",
                        "error",
                        other=earlier.number,
                    )
                )
                break
        else:
            seen_name.setdefault(key, []).append(r)


def _stable_id(r: _Row) -> str:
    digest = hashlib.sha1(f"{_norm(r.cells.get('name', ''))}|{r.county_code}".encode()).hexdigest()
    return f"U{digest[:10]}"


def _finish(
    table: UploadTable,
    rows: list[_Row],
    problems: list[Problem],
    header_of: dict[str, str],
    places: _Places | None,
) -> UploadResult:
    import geopandas as gpd

    kept, rejected = [], []
    file_rejects = any(p.severity == "error" for p in problems)
    for r in rows:
        problems.extend(r.errors)
        problems.extend(r.others)
    if file_rejects:
        for n, cells in zip(table.row_numbers, table.rows, strict=True):
            rejected.append(
                {
                    **dict(zip(table.headers, cells, strict=True)),
                    "row": n,
                    "problems": "; ".join(p.message for p in problems if p.row is None),
                }
            )
    for r, cells in zip(rows, table.rows if rows else (), strict=True):
        if r.errors:
            rejected.append(
                {
                    **dict(zip(table.headers, cells, strict=True)),
                    "row": r.number,
                    "problems": "; ".join(p.message for p in r.errors),
                }
            )
            continue
        kept.append(_facility_record(r, table, places))  # type: ignore[arg-type]
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    accepted = pd.DataFrame(kept, columns=list(FACILITY_COLUMNS))
    for c in ("lon", "lat", "doctors_per_month"):
        accepted[c] = accepted[c].astype(float)
    accepted["name_derived"] = accepted["name_derived"].astype(bool)
    accepted = gpd.GeoDataFrame(
        accepted, geometry=gpd.points_from_xy(accepted["lon"], accepted["lat"]), crs="EPSG:4326"
    )
    rejected_df = pd.DataFrame(rejected, columns=[*table.headers, "row", "problems"])
    return UploadResult(accepted, rejected_df, problems, table, header_of)


def _facility_record(r: _Row, table: UploadTable, places: _Places) -> dict[str, Any]:
    gaz = places.gazetteer
    place = r.geo if r.geo is not None and not isinstance(r.geo, Exception) else None
    quality = "surveyed" if r.had_point else (place.location_quality if place is not None else "")
    county = gaz.counties.get(r.county_code)
    prefecture = gaz.prefectures.get(str(county.prefecture_code)) if county is not None else None
    return {
        "facility_id": r.cells.get("facility_id") or _stable_id(r),
        "name": r.cells.get("name", ""),
        "name_derived": False,
        "facility_type": r.facility_type,
        "township_code": r.township_code,
        "county_code": r.county_code,
        "county_name": str(county.name) if county is not None else "",
        "prefecture_code": str(county.prefecture_code) if county is not None else "",
        "prefecture_name": str(prefecture.name) if prefecture is not None else "",
        "address": r.cells.get("address", ""),
        "lon": r.lon,
        "lat": r.lat,
        "location_quality": quality,
        "source": f"upload {table.source} row {r.number}",
        "doctors_per_month": r.doctors,
    }
