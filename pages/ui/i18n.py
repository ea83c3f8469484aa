# ruff: noqa: E501  (a string table: long Chinese/English lines read better unwrapped)
"""Every string the app shows, in Chinese (first) and English — the one string table of the UI.

Pages call ``t(key, lang, **values)``. A page file ``pages/NN_name.py`` gets its title and icon from
``PAGES["name"]``; add an entry here when you add a page (a missing entry falls back to the file name).
Keys are dotted by page: ``common.*`` (sidebar, header), ``home.*`` (the home page), ``<page>.*`` for the others.
Labels drawn inside maps (legend, popups) live next to the builders in ``geo/maps.py`` (``MAP_LABELS``),
because ``geo/`` cannot import the UI.
"""

from __future__ import annotations

from pages.ui.strings_app import COLUMNS as _APP_COLUMNS
from pages.ui.strings_app import STRINGS as _APP_STRINGS
from pages.ui.strings_app import VALUES
from pages.ui.strings_columns import COLUMNS as _TABLE_COLUMNS

LANGS: dict[str, str] = {"zh": "中文", "en": "English"}

#: Page key (file name without the ``NN_`` prefix) → title per language and icon (a bundled Material icon;
#: emoji need a colour-emoji font that servers often lack).
PAGES: dict[str, dict[str, str]] = {
    "home": {"zh": "总览地图", "en": "Overview map", "icon": ":material/map:"},
    "coverage": {"zh": "覆盖分析", "en": "Coverage", "icon": ":material/timer:"},
    "pairing": {"zh": "结对与排班", "en": "Pairing & roster", "icon": ":material/handshake:"},
    "tertiary": {"zh": "三级医院对口帮扶", "en": "Tertiary support", "icon": ":material/domain:"},
    "programme": {"zh": "项目年度", "en": "Programme year", "icon": ":material/calendar_month:"},
    "tours": {"zh": "巡诊路线", "en": "Mobile-hospital tours", "icon": ":material/airport_shuttle:"},
    "workspace": {"zh": "工作区", "en": "Workspace", "icon": ":material/folder_shared:"},
    "data": {"zh": "数据", "en": "Data", "icon": ":material/database:"},
    "locations": {"zh": "位置与定位", "en": "Locations", "icon": ":material/location_on:"},
    "scenarios": {"zh": "方案", "en": "Scenarios", "icon": ":material/compare_arrows:"},
    "admin": {"zh": "管理", "en": "Administration", "icon": ":material/admin_panel_settings:"},
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
        "zh": "当前未加载道路数据，所有行程时间和距离均为估算值（直线距离乘绕行系数）。请系统管理员按说明书“道路网络”一节载入福建的 OpenStreetMap 道路数据，之后各页面即按实际道路计算。",
        "en": "No road data is loaded: every travel time and distance is an estimate (straight-line distance times "
        "a detour factor). Ask your system administrator to load Fujian's OpenStreetMap roads (README, section "
        "“road network”); every page then uses real roads.",
    },
    "common.data_embedded_badge": {"zh": "内置数据", "en": "embedded data"},
    "common.data_embedded": {
        "zh": "**机构数据**：内置机构表（{n} 个机构，位置多为驻地近似）",
        "en": "**Facility data**: the embedded table ({n} facilities, mostly at approximate seat points)",
    },
    "common.data_planner_badge": {"zh": "规划数据", "en": "planner's data"},
    "common.data_planner": {
        "zh": "**机构数据**：“数据”页的工作机构表（{n} 个机构；上传新增 {added} 个，实测位置 {surveyed} 个）",
        "en": "**Facility data**: the working table of the Data page ({n} facilities; {added} added by "
        "upload, {surveyed} at surveyed points)",
    },
    "common.data_help": {
        "zh": "在“数据”页上传机构清单或标定实测位置后，各分析页即按该工作机构表计算；“恢复为内置数据”可撤销。",
        "en": "After an upload or a surveyed location on the Data page, every analysis uses that working "
        "table; “Reset to the embedded data” undoes it.",
    },
    "common.colon": {"zh": "：", "en": ": "},
    "common.est": {"zh": "（估算）", "en": " (estimated)"},
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
        "zh": "内置数据来自公开资料。以下问题请在规划前核实；可在“数据”页用实测坐标替换。",
        "en": "The embedded data comes from open sources. Check these before planning; replace locations with "
        "surveyed points on the “Data” page.",
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
    # --- coverage page (pages/10_coverage.py) ------------------------------------------------------------
    "coverage.intro": {"zh": "每个乡镇到最近的县级及以上医院（或流动医院停靠点）要多少分钟？T 分钟内可达即为覆盖；未覆盖乡镇按“人口×超时分钟”排序，并注明原因（超出时限 / 2 公里内无道路 / 无坐标点）。", "en": "How many minutes from each township to the nearest county-level-or-above hospital (or mobile stop)? Within T minutes = covered; left-out townships are ranked by population × excess minutes, with the reason (too far / no road within 2 km / no point)."},
    "coverage.computing": {"zh": "正在计算各乡镇到医院的行程时间…", "en": "Computing travel times from every township…"},
    "coverage.computing_areas": {"zh": "正在计算服务范围…", "en": "Computing service areas…"},
    "coverage.col_township": {"zh": "乡镇", "en": "Township"},
    "coverage.scope": {"zh": "范围", "en": "Scope"},
    "coverage.province": {"zh": "全省", "en": "Whole province"},
    "coverage.minutes": {"zh": "时间阈值 T（分钟）", "en": "Threshold T (minutes)"},
    "coverage.sources": {"zh": "医疗来源（医院类型）", "en": "Care sources (hospital types)"},
    "coverage.whatif": {"zh": "假设分析：增加流动医院停靠点 / 去掉医院", "en": "What-if: add mobile stops / remove hospitals"},
    "coverage.add_stops": {"zh": "在这些乡镇增设流动医院停靠点", "en": "Add a mobile-hospital stop at these townships"},
    "coverage.remove": {"zh": "去掉这些医院", "en": "Remove these hospitals"},
    "coverage.areas": {"zh": "显示服务范围（较慢）", "en": "Show service areas (slower)"},
    "coverage.share": {"zh": "覆盖人口占比", "en": "Population covered"},
    "coverage.covered_pop": {"zh": "覆盖人口", "en": "Covered population"},
    "coverage.townships": {"zh": "覆盖乡镇", "en": "Townships covered"},
    "coverage.left_out": {"zh": "未覆盖乡镇", "en": "Townships left out"},
    "coverage.delta": {"zh": "假设变化：覆盖人口增减", "en": "What-if: change in covered population"},
    "coverage.est": {"zh": "（估算）", "en": " (estimated)"},
    "coverage.pop_note": {"zh": "乡镇人口为估算值（县人口按村点数分配）；医院位置为近似（县城/街道驻地）。", "en": "Township population is estimated (county census split by village points); hospital locations are approximate (seat points)."},
    "coverage.est_note": {"zh": "当前为估算路网：所有时间均为估算值（直线距离×绕行系数），非道路实测。", "en": "Estimated network: every time is an estimate (great-circle × circuity), not road-routed."},
    "coverage.tab_left": {"zh": "未覆盖乡镇（排序）", "en": "Left out (ranked)"},
    "coverage.tab_county": {"zh": "按县区", "en": "By county"},
    "coverage.tab_pref": {"zh": "按地市", "en": "By prefecture"},
    "coverage.tab_change": {"zh": "假设分析：变化的乡镇", "en": "What-if: townships that change"},
    "coverage.tab_all": {"zh": "全部乡镇", "en": "All townships"},
    "coverage.no_change": {"zh": "没有乡镇发生变化。", "en": "No township changes."},
    "coverage.downloads": {"zh": "下载", "en": "Downloads"},
    "coverage.dl_csv": {"zh": "乡镇表 CSV", "en": "Townships CSV"},
    "coverage.dl_xlsx": {"zh": "工作簿 XLSX", "en": "Workbook XLSX"},
    "coverage.dl_html": {"zh": "离线地图 HTML", "en": "Offline map HTML"},
    "coverage.dl_png": {"zh": "静态地图 PNG", "en": "Static map PNG"},
    "coverage.dl_pdf": {"zh": "静态地图 PDF", "en": "Static map PDF"},
    # --- programme page (pages/30_programme.py) ---------------------------------------------------------
    "programme.intro": {"zh": '千名医师下基层项目年度：按医师名册为每个中心每月安排具名医师（中级及以上职称），节假日与调休、轮换、目标进度、医师台账，以及每月的附件1/附件2。', "en": 'The programme year: named doctors (中级 title or above) at every centre every month from the register, with holidays, rotation, targets, a ledger and the monthly forms 附件1/附件2.'},
    "programme.pref": {"zh": '设区市', "en": 'Prefecture'},
    "programme.county": {"zh": '县（市、区）', "en": 'County'},
    "programme.whole": {"zh": '全市', "en": 'Whole prefecture'},
    "programme.year": {"zh": '年份', "en": 'Year'},
    "programme.calendar": {"zh": '工作日历', "en": 'Working-day calendar'},
    "programme.holidays_upload": {"zh": '节假日与调休表（可选，CSV/XLSX：日期、类型 休息/上班、名称）', "en": 'Holiday list (optional, CSV/XLSX: 日期, 类型 休息/上班, 名称)'},
    "programme.provisional": {"zh": '该年官方放假安排尚未收录，按法定节假日推算；可在上表录入国务院通知', "en": 'no official schedule for this year yet: statutory holidays computed; enter the State Council notice above'},
    "programme.register": {"zh": '医师名册', "en": 'Doctor register'},
    "programme.register_upload": {"zh": '医师名册（CSV/XLSX：姓名、职称、科室、所属医院、可支援月份、每月最多天数）', "en": 'Doctor register (CSV/XLSX: 姓名, 职称, 科室, 所属医院, 可支援月份, 每月最多天数)'},
    "programme.no_register": {"zh": '未上传名册：将按假设可派人日生成未具名医师，表格中姓名留空待填。', "en": 'No register: unnamed doctors from the assumed capacities; name cells stay empty to fill in.'},
    "programme.register_saved": {"zh": '使用工作区保存的医师名册（{n} 名医师）；上传新名册将替换它。', "en": "Using the workspace's doctor register ({n} doctors); uploading a register replaces it."},
    "programme.holidays_saved": {"zh": '节假日表保存在工作区，修改后点击“生成年度计划”即保存。', "en": 'The holiday list is kept in the workspace: edits are saved when you press “Plan the year”.'},
    "programme.needs": {"zh": '卫生院专科需求（可选）', "en": "Centers' specialty needs (optional)"},
    "programme.needs_upload": {"zh": '专科需求表（CSV/XLSX：机构名称或机构编码、专科需求，如“儿科、中医”）；保存在工作区', "en": 'Specialty needs (CSV/XLSX: 机构名称 or 机构编码, 专科需求 e.g. “儿科、中医”); kept in the workspace'},
    "programme.no_needs": {"zh": '未填写专科需求：排班不考虑科室。', "en": 'No specialty needs: the plan does not look at specialties.'},
    "programme.saved_note": {"zh": '项目年度页保存', "en": 'saved by the programme page'},
    "programme.run": {"zh": '生成年度计划', "en": 'Plan the year'},
    "programme.press": {"zh": '设置好后点击“生成年度计划”。', "en": 'Set the inputs, then press “Plan the year”.'},
    "programme.solving": {"zh": '正在逐月求解…', "en": 'Solving month by month…'},
    "programme.annex2_upload": {"zh": '已填报的附件2（可多个，XLSX）', "en": 'Filled-in 附件2 (XLSX, several allowed)'},
    "programme.tab_plan": {"zh": '年度计划', "en": 'Year plan'},
    "programme.tab_burnup": {"zh": '目标进度', "en": 'Burn-up'},
    "programme.tab_ledger": {"zh": '医师台账', "en": 'Ledger'},
    "programme.tab_forms": {"zh": '表格下载', "en": 'Forms'},
    "programme.cum_planned": {"zh": '累计计划人日', "en": 'Cumulative planned'},
    "programme.cum_reported": {"zh": '累计上报人日', "en": 'Cumulative reported'},
    "programme.target": {"zh": '目标（按中心数分摊，假设）', "en": 'Target (pro-rated by centres, assumption)'},
    "programme.hospital": {"zh": '医院', "en": 'Hospital'},
    "programme.dl_ledger": {"zh": '下载该院台账 XLSX', "en": "Download the hospital's ledger (XLSX)"},
    "programme.month": {"zh": '月份', "en": 'Month'},
    "programme.unit": {"zh": '填报单位', "en": 'Reporting unit'},
    "programme.person": {"zh": '填报人', "en": 'Reported by'},
    "programme.phone": {"zh": '联系电话', "en": 'Phone'},
    "programme.date": {"zh": '填报日期', "en": 'Date'},
    "programme.dl_a1": {"zh": '附件1 XLSX', "en": '附件1 (XLSX)'},
    "programme.dl_a2": {"zh": '附件2 XLSX', "en": '附件2 (XLSX)'},
    "programme.dl_year": {"zh": '年度计划 XLSX', "en": 'Year plan (XLSX)'},
    "programme.dl_visits": {"zh": 'visits.csv', "en": 'visits.csv'},
    # --- pairing page (pages/20_pairing.py) ------------------------------------------------------------
    "pairing.caps_saved": {"zh": '修改的可派人日在点击“生成结对与排班”时保存到工作区；未修改的行仍为假设值。', "en": 'Edited doctor-days are kept in the workspace when you run the pairing; rows left unchanged stay assumptions.'},
    "pairing.saved_note": {"zh": '结对与排班页保存', "en": 'saved by the pairing page'},
    "pairing.intro": {"zh": "千名医师下基层：为每个乡镇卫生院、社区卫生服务中心安排每月至少1个医师工作日（县域内为主，市属医院约占30%），生成月度排班、附件1/附件2，并回收附件2跟踪进度。", "en": "Doctors to the grassroots: at least one doctor-day a month for every township and community health centre (mostly within the county, ~30% from city hospitals); monthly roster, forms 附件1/附件2, and progress from returned 附件2."},
    "pairing.annex2_upload": {"zh": "已填报的附件2（XLSX）", "en": "Filled-in 附件2 (XLSX)"},
    "pairing.solving": {"zh": "正在求解结对与排班…", "en": "Pairing and rostering…"},
    "pairing.solver": {"zh": "求解器", "en": "Solver"},
    "pairing.optimal": {"zh": "已证明最优", "en": "proven optimal"},
    "pairing.not_optimal": {"zh": "未证明最优", "en": "not proven optimal"},
    "pairing.bound": {"zh": "下界（分钟）", "en": "Bound (min)"},
    "pairing.city_share": {"zh": "市属医院占比", "en": "City-hospital share"},
    "pairing.level": {"zh": "范围", "en": "Scope"},
    "pairing.pref": {"zh": "设区市", "en": "Prefecture"},
    "pairing.county": {"zh": "县（市、区）", "en": "County"},
    "pairing.whole": {"zh": "全市", "en": "Whole prefecture"},
    "pairing.month": {"zh": "排班月份", "en": "Roster month"},
    "pairing.provisional": {
        "zh": "该年节假日安排尚未收录，按法定节假日推算",
        "en": "No official holiday schedule for this year yet: statutory holidays computed",
    },
    "pairing.params": {"zh": "规则与参数", "en": "Rules and parameters"},
    "pairing.objective": {"zh": "优化目标", "en": "Objective"},
    "pairing.total": {"zh": "总车程最短", "en": "Least total travel"},
    "pairing.max": {"zh": "最长单程最短", "en": "Shortest longest trip"},
    "pairing.rule": {"zh": "县域内规则", "en": "县域内 (within-county) rule"},
    "pairing.hard": {"zh": "必须县域内", "en": "Hard"},
    "pairing.soft": {"zh": "可跨县（加罚分）", "en": "Soft (penalty)"},
    "pairing.penalty": {"zh": "跨县罚分（分钟/人日）", "en": "Out-of-county penalty (min per doctor-day)"},
    "pairing.share": {"zh": "市属医院最低占比 %", "en": "Minimum city-hospital share %"},
    "pairing.per_doc": {"zh": "每名医师每月最多天数", "en": "Max days per doctor per month"},
    "pairing.caps": {"zh": "医院每月可派人日（可编辑；默认值为假设）", "en": "Doctor-days per hospital per month (editable; defaults are assumptions)"},
    "pairing.example": {"zh": "使用漳平示例人日（示例）", "en": "Use the Zhangping example capacities (example)"},
    "pairing.run": {"zh": "生成结对与排班", "en": "Pair and roster"},
    "pairing.press": {"zh": "设置后点击“生成结对与排班”。", "en": "Set the options, then press “Pair and roster”."},
    "pairing.centers": {"zh": "受援中心", "en": "Centres"},
    "pairing.days": {"zh": "每月人日", "en": "Doctor-days/month"},
    "pairing.total_min": {"zh": "总单程车程（分钟）", "en": "Total one-way travel (min)"},
    "pairing.max_min": {"zh": "最长单程（分钟）", "en": "Longest trip (min)"},
    "pairing.est": {"zh": "（估算）", "en": " (estimated)"},
    "pairing.pairs": {"zh": "结对表", "en": "Pairs"},
    "pairing.hospitals": {"zh": "医院使用情况", "en": "Hospitals"},
    "pairing.calendar": {"zh": "月历（休 = 周末/节假日；含调休上班日）", "en": "Calendar (休 = weekend/holiday; make-up workdays included)"},
    "pairing.annex": {"zh": "附件1 / 附件2 预览", "en": "附件1 / 附件2 preview"},
    "pairing.dl_xlsx": {"zh": "下载工作簿 XLSX", "en": "Download workbook (XLSX)"},
    "pairing.dl_a1": {"zh": "附件1 CSV", "en": "附件1 CSV"},
    "pairing.dl_a2": {"zh": "附件2 CSV", "en": "附件2 CSV"},
    "pairing.dl_pairs": {"zh": "结对 CSV", "en": "Pairs CSV"},
    "pairing.dl_map": {"zh": "离线地图 HTML", "en": "Offline map (HTML)"},
    "pairing.progress": {"zh": "进度：上传已填报的附件2", "en": "Progress: upload a filled-in 附件2"},
    "pairing.months_planned": {"zh": "计划执行月份", "en": "Months the plan runs"},
    "pairing.by_month": {"zh": "按地市、月份：计划与完成人日", "en": "Planned vs done doctor-days per prefecture and month"},
    "pairing.targets": {"zh": "与全省目标对比（10月底8000人次、12月底10000人次）", "en": "Against the province targets (8,000 by end Oct, 10,000 by end Dec)"},
    "pairing.gaps": {"zh": "当月无医师工作日的中心", "en": "Centres with no doctor-day in a month"},
    "pairing.tertiary": {"zh": "三级医院对口帮扶薄弱县医院（示例名单，非官方）", "en": "Tertiary → weak county hospitals (example lists, not official)"},
    "pairing.t_hosp": {"zh": "三级医院", "en": "Tertiary hospitals"},
    "pairing.t_counties": {"zh": "薄弱县", "en": "Weak counties"},
    "pairing.t_year": {"zh": '协议年度', "en": 'Agreement year'},
    "pairing.t_press": {"zh": '选好医院和薄弱县后点击“生成对口帮扶配对”。', "en": 'Choose hospitals and weak counties, then press “Pair tertiary hospitals”.'},
    "pairing.t_changed": {"zh": '选择已改动：点击“生成对口帮扶配对”更新下方结果。', "en": 'The selection changed: press “Pair tertiary hospitals” to update the results below.'},
    "pairing.t_agreements": {"zh": '三方帮扶合作协议（受援县医院、县政府、输出医院；10月底前签订）', "en": 'Tripartite agreements (county hospital, county government, sending hospital; due by end of October)'},
    "pairing.t_managers": {"zh": '派出管理人员', "en": 'Dispatched managers'},
    "pairing.t_managers_help": {"zh": '院长、副院长连续任职不少于2年，科室负责人不少于1年；姓名仅在本页使用，不进入地图和导出文件。', "en": 'Presidents and vice-presidents serve ≥ 2 years, department heads ≥ 1 year; names stay on this page, never in maps or exports.'},
    "pairing.t_dl_xlsx": {"zh": '下载配对与协议 XLSX', "en": 'Download pairing and agreements (XLSX)'},
    "pairing.t_run": {"zh": "生成对口帮扶配对", "en": "Pair tertiary hospitals"},
    # --- tours page (pages/40_tours.py) ------------------------------------------------------------
    "tours.intro": {"zh": "为移动医院规划有日期的多日、多站巡诊路线：按优先级（偏远程度、人口估算、覆盖缺口、距上次巡诊月数，圩日可加权）选择乡镇；按工作日排日期（可选周末巡诊）；每天的工作时段含驾驶和午餐，晚上住在允许住宿的地点（或每晚返回驻地）。", "en": "Plan dated multi-day, multi-stop tours for a mobile hospital: townships are chosen by priority (remoteness, estimated population, coverage gap, months since the last visit; raised on market days); days follow the working-day calendar (weekend touring optional); each working day includes driving and lunch; teams sleep at allowed overnight places (or return to the depot nightly)."},
    "tours.scope": {"zh": "巡诊范围（地市，来自左侧筛选）", "en": "Scope (prefectures, from the sidebar)"},
    "tours.depot": {"zh": "出发医院（驻地）", "en": "Depot hospital"},
    "tours.days": {"zh": "天数", "en": "Days"},
    "tours.teams": {"zh": "队伍数", "en": "Teams"},
    "tours.start_date": {"zh": "出发日期", "en": "Start date"},
    "tours.weekends": {"zh": "周末和节假日也巡诊", "en": "Tour on weekends and holidays"},
    "tours.weekends_help": {"zh": "不勾选时只在工作日巡诊（按国务院放假安排和调休），队伍在周末和节假日就地休息。", "en": "Unticked, the tour runs on working days only (official holidays and make-up days applied); the team rests where it slept over weekends and holidays."},
    "tours.start": {"zh": "每日开始", "en": "Day starts"},
    "tours.end": {"zh": "每日结束（含驾驶）", "en": "Day ends (driving included)"},
    "tours.clinic": {"zh": "每站义诊时长（小时）", "en": "Clinic hours per stop"},
    "tours.drive": {"zh": "每日最长驾驶（小时）", "en": "Max driving hours per day"},
    "tours.options": {"zh": "住宿、午餐、范围与必须安排的乡镇", "en": "Overnight, lunch, scope and required townships"},
    "tours.overnight": {"zh": "住宿方式", "en": "Overnight"},
    "tours.stay": {"zh": "住在允许住宿的地点", "en": "Sleep at an allowed overnight place"},
    "tours.home": {"zh": "每晚返回驻地", "en": "Return to the depot nightly"},
    "tours.return": {"zh": "最后一天返回驻地", "en": "Return to the depot on the last day"},
    "tours.lunch": {"zh": "午餐（分钟，0 = 不安排）", "en": "Lunch break (min, 0 = none)"},
    "tours.lunch_from": {"zh": "午餐最早开始", "en": "Lunch from"},
    "tours.lunch_to": {"zh": "午餐最晚结束", "en": "Lunch until"},
    "tours.remote": {"zh": "只考虑距县级及以上医院至少（分钟）的乡镇", "en": "Only townships at least (min) from a county hospital"},
    "tours.streets": {"zh": "包括街道", "en": "Include urban sub-districts (街道)"},
    "tours.cover": {"zh": "覆盖式巡诊：站点周边（分钟）内的乡镇计为覆盖", "en": "Covering tour: townships within (min) of a stop count as covered"},
    "tours.cover_on": {"zh": "覆盖式巡诊", "en": "Covering tour"},
    "tours.required": {"zh": "必须安排的乡镇", "en": "Townships that must be visited"},
    "tours.allowed": {"zh": "只允许在这些地点住宿（留空 = 驻地、范围内医院和有卫生院的乡镇）", "en": "Overnight only at these places (empty = depot, hospitals in scope and township seats with a health center)"},
    "tours.allowed_help": {"zh": "例如只选有住宿条件的地点。", "en": "For example only places with lodging."},
    "tours.visits": {"zh": "上次巡诊记录（CSV/XLSX：乡镇, 月数）", "en": "Last visits (CSV/XLSX: township, months)"},
    "tours.visits_help": {"zh": "每行一个乡镇（代码或名称，如 光泽县司前乡）及距上次移动医院巡诊的月数；用于优先级。", "en": "One township per row (code or name, e.g. 光泽县司前乡) and months since the last mobile-hospital visit; used in the priority."},
    "tours.market_title": {"zh": "圩日与开放时间", "en": "Market days and opening hours"},
    "tours.market_help": {"zh": "圩日写法：逢3、8（公历日期个位为3或8）；农历逢1、6；逢单/逢双；每月15日；每周三；或具体日期 2026-12-03。圩日当天优先级乘以下方倍数；勾选“仅圩日”则只在圩日安排。开放/结束为 HH:MM，义诊须在其间完成。", "en": "Market days: 逢3、8 (solar days ending in 3 or 8); 农历逢1、6 (lunar); 逢单/逢双 (odd/even); 每月15日; 每周三; or dates such as 2026-12-03. On a market day the priority is multiplied by the factor below; “market day only” schedules the township only then. Opening hours HH:MM: the clinic must fit inside."},
    "tours.market_factor": {"zh": "圩日优先级倍数", "en": "Priority factor on market days"},
    "tours.market_upload": {"zh": "上传乡镇规则（CSV/XLSX：乡镇, 圩日, 仅圩日, 开放, 结束）", "en": "Upload township rules (CSV/XLSX: 乡镇, 圩日, 仅圩日, 开放, 结束)"},
    "tours.col_township": {"zh": "乡镇", "en": "Township"},
    "tours.col_market": {"zh": "圩日", "en": "Market days"},
    "tours.col_only": {"zh": "仅圩日", "en": "Market day only"},
    "tours.col_open": {"zh": "开放", "en": "Opens"},
    "tours.col_close": {"zh": "结束", "en": "Closes"},
    "tours.plan": {"zh": "规划路线", "en": "Plan tours"},
    "tours.planning": {"zh": "正在求解（固定随机种子，结果可复现）…", "en": "Solving (fixed seed, reproducible)…"},
    "tours.served": {"zh": "安排乡镇", "en": "Townships served"},
    "tours.pop": {"zh": "服务人口（估算）", "en": "Population served (estimated)"},
    "tours.drive_h": {"zh": "驾驶小时", "en": "Drive hours"},
    "tours.priority": {"zh": "优先级合计", "en": "Priority collected"},
    "tours.itinerary": {"zh": "行程表", "en": "Itinerary"},
    "tours.per_day": {"zh": "每日汇总", "en": "Per day"},
    "tours.left": {"zh": "未安排的乡镇及原因", "en": "Townships not scheduled, and why"},
    "tours.dl_xlsx": {"zh": "下载 XLSX", "en": "Download XLSX"},
    "tours.dl_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "tours.dl_print": {"zh": "下载可打印行程（A4）", "en": "Download printable itinerary (A4)"},
    "tours.dl_map": {"zh": "下载离线地图 HTML", "en": "Download offline map (HTML)"},
    "tours.dl_png": {"zh": "下载静态地图 PNG（幻灯片）", "en": "Download static map (PNG, slides)"},
    "tours.dl_pdf": {"zh": "下载静态地图 PDF（打印）", "en": "Download static map (PDF, print)"},
    "tours.dl_print_pdf": {"zh": "下载可打印行程 PDF（A4）", "en": "Download printable itinerary (PDF, A4)"},
    "tours.est": {"zh": "（估算）", "en": " (estimated)"},
    "tours.no_depot": {"zh": "所选地市没有医院可作为驻地。", "en": "No hospital in the selected prefectures to start from."},
    "tours.press": {"zh": "设置参数后点击“规划路线”。", "en": "Set the parameters, then press “Plan tours”."},
    "tours.saved_note": {"zh": "巡诊路线页保存", "en": "saved by the tours page"},
    # --- data page (pages/50_data.py) ------------------------------------------------------------
    "data.intro": {"zh": "上传本地的机构清单（CSV 或 Excel），逐行检查并修正坐标，并入当前工作区的机构表；实测位置在“位置与定位”页标定，方案在“方案”页保存和比较。", "en": "Upload your own facility list (CSV or Excel), checked row by row and merged into the current workspace's facility table; surveyed points are marked on the Locations page, scenarios saved and compared on the Scenarios page."},
    "data.tab_upload": {"zh": "上传清单", "en": "Upload a list"},
    "data.tab_survey": {"zh": "标定实测位置", "en": "Surveyed locations"},
    "data.tab_geocode": {"zh": "地址定位", "en": "Geocoding"},
    "data.tab_scenarios": {"zh": "方案管理", "en": "Scenarios"},
    "data.working": {"zh": "当前工作机构表", "en": "Working facility table"},
    "data.working_help": {"zh": "上传和标定的结果保存在当前工作区的这张表中（数据库，每次保存一个版本）；刷新、新标签页和重启后仍在。", "en": "Uploads and surveyed points change this table of the current workspace (in the database, a version per save); it stays after a reload, in a new tab and after a restart."},
    "data.w_total": {"zh": "机构数", "en": "Facilities"},
    "data.w_surveyed": {"zh": "实测位置", "en": "Surveyed"},
    "data.w_approx": {"zh": "近似位置", "en": "Approximate"},
    "data.reset": {"zh": "恢复为内置数据", "en": "Reset to the embedded data"},
    "data.download_working": {"zh": "下载工作机构表（CSV）", "en": "Download the working table (CSV)"},
    "data.upload_label": {"zh": "机构清单：CSV（UTF-8 或 GBK）或 Excel（.xlsx）", "en": "Facility list: CSV (UTF-8 or GBK) or Excel (.xlsx)"},
    "data.upload_help": {"zh": "表头可用中文或英文：名称、类型、地址、经度、纬度、坐标系、医生数……", "en": "Headers in Chinese or English: name, type, address, lon, lat, crs, doctors …"},
    "data.read_info": {"zh": "已读取 {rows} 行（编码 {encoding}，表头在第 {header} 行{sheet}）。", "en": "Read {rows} rows (encoding {encoding}, header on row {header}{sheet})."},
    "data.mapping": {"zh": "未识别的列：请指定对应字段", "en": "Unrecognised columns: choose what each one is"},
    "data.ignore": {"zh": "（忽略此列）", "en": "(ignore this column)"},
    "data.crs": {"zh": "未注明坐标系的行按", "en": "Rows without a coordinate system are"},
    "data.crs_auto": {"zh": "自动判断（对照乡镇驻地）", "en": "detected (against township seats)"},
    "data.fix_swapped": {"zh": "交换填反的经纬度", "en": "Swap back swapped latitude/longitude"},
    "data.validating": {"zh": "正在逐行检查…", "en": "Checking every row…"},
    "data.m_rows": {"zh": "读取行数", "en": "Rows read"},
    "data.m_accepted": {"zh": "采用", "en": "Accepted"},
    "data.m_fixed": {"zh": "其中已修正", "en": "of which corrected"},
    "data.m_rejected": {"zh": "未采用", "en": "Rejected"},
    "data.problems": {"zh": "检查结果（每个问题一行）", "en": "Validation report (one line per problem)"},
    "data.no_problems": {"zh": "没有发现问题。", "en": "No problems found."},
    "data.accepted": {"zh": "采用的行", "en": "Accepted rows"},
    "data.rejected": {"zh": "未采用的行（下载后修改再上传，数据不会丢失）", "en": "Rejected rows (download, fix, upload again)"},
    "data.download_rejected": {"zh": "下载未采用的行", "en": "Download the rejected rows"},
    "data.apply": {"zh": "并入工作机构表", "en": "Merge into the working table"},
    "data.applied": {"zh": "已并入并保存到工作区：{moved} 个机构更新为实测位置，{replaced} 个替换占位医院，新增 {added} 个。", "en": "Merged and saved in the workspace: {moved} moved to surveyed points, {replaced} replaced a placeholder, {added} added."},
    "data.survey_intro": {"zh": "选择机构，在地图上点击其实际位置，然后点“设为实测位置”。也可直接输入坐标。", "en": "Choose a facility, click its true position on the map, then press “Set as surveyed”. Or type the coordinates."},
    "data.county": {"zh": "县（市、区）", "en": "County"},
    "data.facility": {"zh": "机构", "en": "Facility"},
    "data.clicked": {"zh": "点击位置：经度 {lon:.6f}，纬度 {lat:.6f}（{crs}），距当前位置 {d:.0f} 米", "en": "Clicked: lon {lon:.6f}, lat {lat:.6f} ({crs}), {d:.0f} m from the current location"},
    "data.click_first": {"zh": "请先在地图上点击实际位置。", "en": "Click the true position on the map first."},
    "data.set_surveyed": {"zh": "设为实测位置", "en": "Set as surveyed"},
    "data.manual": {"zh": "手动输入坐标", "en": "Type coordinates"},
    "data.lon": {"zh": "经度", "en": "Longitude"},
    "data.lat": {"zh": "纬度", "en": "Latitude"},
    "data.crs_of_input": {"zh": "坐标系", "en": "Coordinate system"},
    "data.moved": {"zh": "已更新：{name} 现为实测位置。", "en": "Updated: {name} is now at a surveyed point."},
    "data.geocode_intro": {"zh": "离线：按内置行政区划匹配到乡镇或县城驻地（近似）。在线服务需联网，高德/百度需密钥；结果均转换为 WGS84。", "en": "Offline: matched to the township or county seat of the embedded gazetteer (approximate). Online services need internet, AMap/Baidu a key; every answer is converted to WGS84."},
    "data.query": {"zh": "地址或机构名称", "en": "Address or facility name"},
    "data.provider": {"zh": "定位服务", "en": "Provider"},
    "data.api_key": {"zh": "密钥（仅本次会话）", "en": "API key (this session only)"},
    "data.kind_coverage": {"zh": "覆盖分析", "en": "coverage"},
    "data.kind_pairing": {"zh": "结对", "en": "pairing"},
    "data.kind_roster": {"zh": "排班", "en": "roster"},
    "data.kind_tours": {"zh": "巡诊路线", "en": "tours"},
    "data.geocoding": {"zh": "正在定位…", "en": "Geocoding…"},
    "data.geocode": {"zh": "定位", "en": "Geocode"},
    "data.save_title": {"zh": "保存当前方案", "en": "Save the current scenario"},
    "data.name": {"zh": "方案名称", "en": "Scenario name"},
    "data.notes": {"zh": "备注", "en": "Notes"},
    "data.overwrite": {"zh": "同名时覆盖", "en": "Overwrite a scenario of the same name"},
    "data.save": {"zh": "保存", "en": "Save"},
    "data.saved": {"zh": "已保存（编号 {id}），包含结果：{kinds}", "en": "Saved (id {id}) with results: {kinds}"},
    "data.none": {"zh": "无", "en": "none"},
    "data.saved_list": {"zh": "已保存的方案", "en": "Saved scenarios"},
    "data.db": {"zh": "数据库：{url}", "en": "Database: {url}"},
    "data.empty": {"zh": "还没有保存的方案。", "en": "No saved scenarios yet."},
    "data.pick": {"zh": "选择方案", "en": "Scenario"},
    "data.open": {"zh": "打开（载入其机构表和结果）", "en": "Open (load its facilities and results)"},
    "data.opened": {"zh": "已打开方案：{name}", "en": "Opened: {name}"},
    "data.new_name": {"zh": "新名称", "en": "New name"},
    "data.rename": {"zh": "重命名", "en": "Rename"},
    "data.confirm_delete": {"zh": "确认删除", "en": "Confirm deletion"},
    "data.delete": {"zh": "删除", "en": "Delete"},
    "data.compare_title": {"zh": "方案对比（B − A）", "en": "Compare two scenarios (B − A)"},
    "data.changed": {"zh": "结对变化", "en": "Changed pairings"},
    "data.estimated_note": {"zh": "对比中的行程与覆盖数字来自估算路网，均为估算值。", "en": "Travel and coverage figures here come from the estimated network: they are estimates."},
}


#: Column headers of the tables the pages show (data column name → zh/en header): ``strings_columns``.
COLUMNS: dict[str, dict[str, str]] = dict(_TABLE_COLUMNS)


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


def column_label(column: str, lang: str) -> str:
    """Header of the data column ``column`` in ``lang`` (the column name itself when it is not listed)."""
    entry = COLUMNS.get(column)
    return (entry.get(lang) or entry["zh"]) if entry else column


# --- the app frame, workspace, accounts and audit live in their own table (same shape) ----------------
STRINGS.update(_APP_STRINGS)
COLUMNS.update(_APP_COLUMNS)
__all__ = ["COLUMNS", "LANGS", "PAGES", "STRINGS", "VALUES", "column_label", "page_icon", "page_title", "t",
           "value_label"]


def value_label(column: str, value: object, lang: str) -> object:
    """A cell value of ``column`` in ``lang`` when ``VALUES`` lists it (codes, English words), else unchanged."""
    entry = VALUES.get(column, {}).get(str(value)) if isinstance(value, str) else None
    return (entry.get(lang) or entry["zh"]) if entry else value
