"""The message catalogue of upload validation, and :func:`problem`, which makes a :class:`Problem` from it."""

from __future__ import annotations

from geo.facilities.types import Problem
from geo.labels import Labels

__all__ = ["MESSAGES", "problem"]

#: Message templates per problem code (:mod:`geo.labels` shape). Fields: value, other, detail.
MESSAGES: Labels = {
    "missing_column": {
        "zh": "找不到“{detail}”列；请把未识别的列 {value} 之一对应到它",
        "en": "no column for {detail}; map one of the unrecognised columns {value} to it",
    },
    "missing_name": {
        "zh": "名称为空：每个机构都需要名称",
        "en": "name is empty; every facility needs a name",
    },
    "duplicate_name": {
        "zh": "名称 {value!r} 与第 {other} 行重复（同一县区），本行未采用",
        "en": "name {value!r} already appears on row {other} (same county); row skipped",
    },
    "duplicate_id": {
        "zh": "编号 {value!r} 与第 {other} 行重复，本行未采用",
        "en": "id {value!r} already appears on row {other}; row skipped",
    },
    "bad_number": {
        "zh": "{value!r} 不是数字{detail}",
        "en": "{value!r} is not a number{detail}",
    },
    "missing_coordinate": {
        "zh": "填了{detail}但此项为空：经度和纬度需同时填写",
        "en": "{detail} is filled but this one is empty; give both longitude and latitude",
    },
    "outside_fujian": {
        "zh": "坐标点 ({detail}) 不在福建省内",
        "en": "point ({detail}) lies outside Fujian",
    },
    "swapped": {
        "zh": "经纬度似乎填反了（{detail}）；选择“交换经纬度”（--fix-swapped）后可采用",
        "en": (
            'longitude and latitude look swapped ({detail}); re-run with the swap fix to '
            "accept (--fix-swapped, or the 数据 page's 交换经纬度 option)"
        ),
    },
    "swapped_fixed": {
        "zh": "经纬度填反了（{detail}），已交换",
        "en": "longitude and latitude were swapped ({detail}); swapped back",
    },
    "unknown_crs": {
        "zh": "{value!r} 不是可识别的坐标系：请填 WGS84（GPS、天地图）、GCJ-02（高德、腾讯）或 BD-09（百度）",
        "en": (
            "{value!r} is not a coordinate system; "
            "use WGS84 (GPS, 天地图), GCJ-02 (高德, 腾讯) or BD-09 (百度)"
        ),
    },
    "converted": {
        "zh": "坐标已由 {detail} 转换为 WGS84（移动 {other} 米）",
        "en": "coordinates converted from {detail} to WGS84 (moved {other} m)",
    },
    "detected_crs": {
        "zh": "坐标点距{detail}驻地 {other} 米、偏向 {value} 方向：按 {value} 处理并转换为 WGS84",
        "en": (
            'point is {other} m from the seat of {detail} in the {value} direction; treated '
            'as {value} and converted to WGS84'
        ),
    },
    "detected_crs_file": {
        "zh": "本文件其他行的坐标呈 {value} 特征：按 {value} 处理并转换为 WGS84（移动 {other} 米）",
        "en": (
            'other rows of this file look {value}; treated as {value} and converted to WGS84 '
            '(moved {other} m)'
        ),
    },
    "crs_unclear": {
        "zh": (
            "对照{detail}驻地，坐标似乎是 {value}，但其他行像 WGS84："
            "按 WGS84 保留，如需转换请填写“坐标系”列"
        ),
        "en": (
            'point looks {value} against the seat of {detail}, but other rows look WGS84; '
            'kept as WGS84 (fill the 坐标系 column to convert)'
        ),
    },
    "unknown_type": {
        "zh": "{value!r} 不是可识别的机构类型：请填 {detail}",
        "en": "{value!r} is not a facility type; use one of {detail}",
    },
    "missing_type": {
        "zh": "类型为空，且无法从名称判断：请填 {detail}",
        "en": "type is empty and cannot be told from the name; use one of {detail}",
    },
    "inferred_type": {
        "zh": "类型为空：根据名称按{detail}处理",
        "en": "type is empty; taken as {detail} from the name",
    },
    "bad_doctors": {
        "zh": "{value!r} 不是有效的医生人数（0 或正整数）",
        "en": "{value!r} is not a whole number of doctors (0 or more)",
    },
    "geocoded": {
        "zh": "未填坐标：按{detail}驻地定位（{value}）",
        "en": "no coordinates; placed at the seat of {detail} ({value})",
    },
    "geocoded_county": {
        "zh": "未填坐标：{detail}在内置数据中无坐标，按所在县城驻地定位（{value}）",
        "en": (
            'no coordinates; {detail} has no point in the gazetteer, so placed at its county '
            'seat ({value})'
        ),
    },
    "not_geocoded": {
        "zh": "未填坐标，且无法根据地址或名称定位：{detail}",
        "en": "no coordinates, and the address/name gives no place: {detail}",
    },
    "ambiguous_place": {
        "zh": "未填坐标，地址或名称对应多个地点：{detail}；请注明县区",
        "en": "no coordinates, and the address/name matches several places: {detail}; add the county",
    },
    "county_mismatch": {
        "zh": "坐标点位于{detail}，与所填 {value!r} 不符；已采用，请核对",
        "en": "point lies in {detail}, not in the stated {value!r}; kept (check the point)",
    },
    "outside_kinmen": {
        "zh": "坐标点 ({detail}) 位于金门县（台湾地区管辖），不在本规划范围内",
        "en": (
            'point ({detail}) lies in 金门县 (Kinmen, administered from Taiwan): outside the '
            'area of this plan'
        ),
    },
    "far_from_named_place": {
        "zh": "坐标点位于{detail}，距本行所写的{value} {other} 公里；已采用，请核对坐标",
        "en": "point lies in {detail}, {other} km from {value} named in this row; kept (check the point)",
    },
    "dms_spaces": {
        "zh": "{value!r} 按度、分、秒读取（{detail}°）",
        "en": "{value!r} read as degrees minutes seconds ({detail}°)",
    },
    "formula_no_value": {
        "zh": "单元格是公式（{value}），但没有保存计算结果：请在 Excel 中保存文件（或粘贴为数值）后重新上传",
        "en": (
            'the cell holds a formula ({value}) with no saved value; in Excel save the file '
            '(or paste the values) and upload it again'
        ),
    },
    "hidden_row": {
        "zh": "此行在 Excel 中被隐藏；已同其他行一样导入",
        "en": "this row was hidden in Excel; it was imported like the others",
    },
    "not_checked": {
        "zh": "另有 {value} 行未核对坐标与所写地点是否相符（每个文件最多核对 {detail} 行）",
        "en": (
            '{value} more rows were not checked against the place their text names (limit '
            '{detail} per file)'
        ),
    },
}

#: Chinese for the location qualities quoted in geocoding messages.
_QUALITY_ZH = {
    "approximate: township seat": "近似：乡镇驻地",
    "approximate: county seat": "近似：县城驻地",
    "approximate: geocoded address": "近似：在线地址解析",
}


def problem(
    row: int | None, column: str | None, value: str, code: str, severity: str, **fmt: object
) -> Problem:
    """A :class:`Problem` of kind ``code`` (a key of :data:`MESSAGES`) with both messages filled in.

    Parameters
    ----------
    row, column, value
        Where: spreadsheet row (``None`` = the file), column as written in the file, the cell text.
    code, severity
        Kind of problem and ``error`` | ``fixed`` | ``warning`` | ``note``.
    fmt
        ``other``, ``detail`` (and any other template field) for the message.
    """
    label = MESSAGES[code]
    fields: dict[str, object] = {"value": value, "other": "", "detail": "", **fmt}
    zh_fields = {**fields, "value": _QUALITY_ZH.get(value, value)} if code.startswith("geocoded") else fields
    return Problem(
        row, column, value, code, severity, label["en"].format(**fields), label["zh"].format(**zh_fields)
    )
