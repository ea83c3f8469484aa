# ruff: noqa: E501  (a string table: long Chinese/English lines read better unwrapped)
"""Every string the app shows, in Chinese (first) and English — the one string table of the UI.

Pages call ``t(key, lang, **values)``. A page file ``pages/NN_name.py`` gets its title and icon from
``PAGES["name"]``; add an entry here when you add a page (a missing entry falls back to the file name).
Keys are dotted by page: ``common.*`` (sidebar, header), ``home.*`` (the home page), ``<page>.*`` for the others.
Labels drawn inside maps (legend, popups) live next to the builders in ``geo/maps.py`` (``MAP_LABELS``),
because ``geo/`` cannot import the UI.
"""

from __future__ import annotations

LANGS: dict[str, str] = {"zh": "中文", "en": "English"}

#: Page key (file name without the ``NN_`` prefix) → title per language and icon (a bundled Material icon;
#: emoji need a colour-emoji font that servers often lack).
PAGES: dict[str, dict[str, str]] = {
    "home": {"zh": "总览地图", "en": "Overview map", "icon": ":material/map:"},
    "coverage": {"zh": "覆盖分析", "en": "Coverage", "icon": ":material/timer:"},
    "pairing": {"zh": "对口帮扶配对", "en": "Hospital pairing", "icon": ":material/handshake:"},
    "roster": {"zh": "排班表", "en": "Roster", "icon": ":material/calendar_month:"},
    "tours": {"zh": "巡回医疗路线", "en": "Mobile-hospital tours", "icon": ":material/airport_shuttle:"},
    "data": {"zh": "数据与上传", "en": "Data and uploads", "icon": ":material/database:"},
}

STRINGS: dict[str, dict[str, str]] = {
    # --- shared: app frame, sidebar, header -------------------------------------------------------------
    "common.app_name": {"zh": "巡诊 xunzhen", "en": "xunzhen 巡诊"},
    "common.app_tagline": {
        "zh": "福建省基层巡诊与对口帮扶规划工具",
        "en": "Planning touring care for Fujian's township health centers",
    },
    "common.language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "common.filters": {"zh": "筛选", "en": "Filters"},
    "common.prefectures": {"zh": "地市", "en": "Prefectures"},
    "common.prefectures_help": {
        "zh": "★ 为对口帮扶重点地市：龙岩、三明、宁德、南平",
        "en": "★ marks the programme's focus prefectures: Longyan, Sanming, Ningde, Nanping",
    },
    "common.all_prefectures": {"zh": "全省", "en": "All"},
    "common.focus_prefectures": {"zh": "重点地市 ★", "en": "Focus ★"},
    "common.facility_types": {"zh": "机构类型", "en": "Facility types"},
    "common.basemap": {"zh": "底图", "en": "Basemap"},
    "common.basemap_help": {
        "zh": "默认只画行政区划，离线可用。在线底图需要联网；高德底图为 GCJ-02 坐标，图上要素会随之偏移以对准街道。",
        "en": "By default only boundaries are drawn (works offline). Online tiles need internet; Amap tiles are "
        "GCJ-02, so overlays are shifted to match its streets.",
    },
    "common.tianditu_key": {"zh": "天地图密钥（tk）", "en": "Tianditu key (tk)"},
    "common.tianditu_key_help": {
        "zh": "在天地图开发者控制台申请；只保存在本次会话中，不写入链接。也可设置环境变量 XUNZHEN_TIANDITU_KEY。",
        "en": "From the Tianditu developer console; kept in this session only, never put in the link. "
        "Or set the environment variable XUNZHEN_TIANDITU_KEY.",
    },
    "common.tianditu_missing": {
        "zh": "天地图需要密钥，请在左侧输入；暂用仅行政区划底图。",
        "en": "Tianditu needs a key (enter it in the sidebar); showing boundaries only for now.",
    },
    "common.loading_data": {"zh": "正在加载内置数据…", "en": "Loading the embedded data…"},
    "common.network_label": {"zh": "路网", "en": "Road network"},
    "common.network_estimated_badge": {"zh": "估算", "en": "estimated"},
    "common.network_osm_badge": {"zh": "OpenStreetMap 路网", "en": "OpenStreetMap roads"},
    "common.network_estimated_note": {
        "zh": "当前未加载道路数据，所有行程时间和距离均为估算值。可用 `python -m geo network --osm 文件` 载入 OpenStreetMap 路网。",
        "en": "No road data is loaded: every travel time and distance is an estimate. Load OpenStreetMap roads "
        "with `python -m geo network --osm FILE`.",
    },
    "common.error": {"zh": "出错了：{message}", "en": "Something went wrong: {message}"},
    "common.nothing_selected": {
        "zh": "未选择任何地市或机构类型。",
        "en": "No prefecture or facility type is selected.",
    },
    # --- home page ---------------------------------------------------------------------------------------------
    "home.intro": {
        "zh": "全省乡镇卫生院、社区卫生服务中心和各级医院的分布。点击地图上的机构查看名称、类型、所在县区和位置精度。",
        "en": "Where Fujian's township and community health centers and hospitals are. Click a facility on the "
        "map for its name, type, county and how precise its location is.",
    },
    "home.drawing_map": {"zh": "正在绘制地图…", "en": "Drawing the map…"},
    "home.metric_shown": {"zh": "显示机构", "en": "Facilities shown"},
    "home.metric_unmapped": {"zh": "其中无坐标（未上图）", "en": "of which without location"},
    "home.metric_townships": {"zh": "乡镇级单位", "en": "Township-level units"},
    "home.metric_primary": {"zh": "基层机构", "en": "Primary-care facilities"},
    "home.metric_hospitals": {"zh": "医院", "en": "Hospitals"},
    "home.summary": {"zh": "各地市机构数", "en": "Facilities per prefecture"},
    "home.quality": {"zh": "数据质量", "en": "Data quality"},
    "home.quality_intro": {
        "zh": "内置数据来自公开资料。以下问题请在规划前核实；可在“数据与上传”页用实测坐标替换。",
        "en": "The embedded data comes from open sources. Check these before planning; replace locations with "
        "surveyed points on the “Data and uploads” page.",
    },
    "home.q_townships_without_point": {"zh": "无坐标的乡镇", "en": "Townships without a point"},
    "home.q_facilities_approximate": {"zh": "位置为近似值的机构", "en": "Facilities at approximate locations"},
    "home.q_facilities_without_location": {"zh": "无坐标的机构", "en": "Facilities without a location"},
    "home.q_facilities_name_unverified": {"zh": "名称待核实的机构", "en": "Facility names to verify"},
    "home.q_download": {"zh": "下载数据质量清单（CSV）", "en": "Download the data-quality list (CSV)"},
    "home.q_col_issue": {"zh": "问题", "en": "Issue"},
    "home.pages": {"zh": "功能页面", "en": "Pages"},
    "home.source": {
        "zh": "数据来源：{sources}。乡镇人口为按村级单位数估算。",
        "en": "Sources: {sources}. Township population is estimated from village counts.",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` ("zh" or "en"), formatted with ``values``.

    A missing English text falls back to Chinese; a missing key shows the key itself, so a typo is visible
    on screen rather than crashing the page.
    """
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("zh") or key
    return text.format(**values) if values else text


def page_title(name: str, lang: str) -> str:
    """Title of the page ``name`` (file stem without the ``NN_`` prefix) in ``lang``."""
    entry = PAGES.get(name)
    return (entry.get(lang) or entry["zh"]) if entry else name.replace("_", " ").capitalize()


def page_icon(name: str) -> str | None:
    """Icon of the page ``name`` (an emoji), or None."""
    return PAGES.get(name, {}).get("icon")
