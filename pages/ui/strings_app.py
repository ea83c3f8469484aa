# ruff: noqa: E501  (a string table: long Chinese/English lines read better unwrapped)
"""Strings of the app frame, the workspace, accounts and audit (merged into ``pages/ui/i18n.STRINGS``).

Same shape as ``i18n.STRINGS``: ``"<page>.<key>": {"zh": …, "en": …}``. ``VALUES`` translates the *values* of
columns that hold codes or English words (``column → value → {zh, en}``); ``ui.localize_table`` applies it.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "common.internal_error": {"zh": "内部错误（{kind}），已记录。请把日志文件发给技术支持：{log}", "en": "Internal error ({kind}), logged. Please send the log file to support: {log}"},
    "common.candidates": {"zh": "。可选：{names}", "en": ". Candidates: {names}"},
    "common.static_readonly": {"zh": "无法写入 static/vendor（{error}），地图可能无法显示。", "en": "static/vendor cannot be written ({error}); the map may stay blank."},
    "data.read_info_sheet": {"zh": "已读取 {rows} 行（编码 {encoding}，表头在第 {header} 行，工作表 {sheet}）。", "en": "Read {rows} rows (encoding {encoding}, header on row {header}, sheet {sheet})."},
    "data.provider_offline": {"zh": "离线（内置行政区划）", "en": "Offline (embedded gazetteer)"},
    "data.provider_nominatim": {"zh": "OpenStreetMap Nominatim（联网）", "en": "OpenStreetMap Nominatim (online)"},
    "data.provider_amap": {"zh": "高德（联网，需密钥）", "en": "AMap (online, key)"},
    "data.provider_baidu": {"zh": "百度（联网，需密钥）", "en": "Baidu (online, key)"},
}

#: Extra column headers (merged into ``i18n.COLUMNS``).
COLUMNS: dict[str, dict[str, str]] = {
    "matched_by": {"zh": "匹配方式", "en": "Matched by"},
    "moved_m": {"zh": "移动距离（米）", "en": "Moved (m)"},
    "problems": {"zh": "问题", "en": "Problems"},
    "severity": {"zh": "级别", "en": "Severity"},
    "column": {"zh": "列", "en": "Column"},
    "value": {"zh": "值", "en": "Value"},
    "message": {"zh": "说明", "en": "Message"},
}

VALUES: dict[str, dict[str, dict[str, str]]] = {
    "action": {
        "moved": {"zh": "已移到实测位置", "en": "moved"},
        "updated": {"zh": "已更新", "en": "updated"},
        "added": {"zh": "新增", "en": "added"},
        "not matched": {"zh": "未匹配", "en": "not matched"},
        "replaced placeholder": {"zh": "替换占位医院", "en": "replaced placeholder"},
    },
    "matched_by": {
        "id": {"zh": "编号", "en": "id"},
        "name and county": {"zh": "名称和县", "en": "name and county"},
        "township and type": {"zh": "乡镇和类型", "en": "township and type"},
        "placeholder": {"zh": "同县同类型的占位医院", "en": "placeholder of the same county and type"},
    },
    "change": {
        "gained": {"zh": "新覆盖", "en": "gained"},
        "lost": {"zh": "失去覆盖", "en": "lost"},
        "faster": {"zh": "更快", "en": "faster"},
        "slower": {"zh": "更慢", "en": "slower"},
        "reassigned": {"zh": "改派", "en": "reassigned"},
        "only in A": {"zh": "仅方案 A", "en": "only in A"},
        "only in B": {"zh": "仅方案 B", "en": "only in B"},
    },
    "severity": {
        "error": {"zh": "错误", "en": "error"},
        "fixed": {"zh": "已修正", "en": "fixed"},
        "note": {"zh": "提示", "en": "note"},
    },
}
