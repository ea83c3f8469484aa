"""Bilingual words of the tour outputs (itinerary, tables, maps), in the one shape of ``geo.labels``.

``LABELS`` holds column headers and row kinds, ``REASONS`` why a candidate township was left out; read both
with :func:`lab` / :func:`geo.labels.text`.
"""

from __future__ import annotations

from geo.labels import Labels, text

__all__ = ["LABELS", "REASONS", "lab"]

#: Why a candidate township is not in the plan (``LeftOut.reason`` is a key).
REASONS: Labels = {
    "unreachable": {"zh": "无道路可达", "en": "no road connects it to the depot"},
    "clinic_too_long": {"zh": "义诊时长超过每日工作时段", "en": "its clinic is longer than the working day"},
    "too_far_for_a_day": {
        "zh": "一天内无法从任何允许住宿的地点到达并开诊",
        "en": "cannot be reached and served within one day from any allowed overnight place",
    },
    "closed": {
        "zh": "巡诊期间没有可开诊的日子（开放时间或圩日）",
        "en": "no day of the tour on which it can be visited (opening hours or market days)",
    },
    "budget": {
        "zh": "天数/队伍不足，优先级低于已安排的乡镇",
        "en": "not enough team-days; lower priority than those served",
    },
    "drive_limit": {
        "zh": "超出每日驾驶时长上限（修复时移除）",
        "en": "removed to respect the daily driving limit",
    },
}

LABELS: Labels = {
    "team": {"zh": "队伍", "en": "Team"},
    "day": {"zh": "第几天", "en": "Day"},
    "date": {"zh": "日期", "en": "Date"},
    "weekday": {"zh": "星期", "en": "Weekday"},
    "seq": {"zh": "序号", "en": "Stop"},
    "kind": {"zh": "类型", "en": "Type"},
    "place": {"zh": "地点", "en": "Place"},
    "arrive": {"zh": "到达", "en": "Arrive"},
    "clinic": {"zh": "开诊", "en": "Clinic from"},
    "leave": {"zh": "离开", "en": "Leave"},
    "drive": {"zh": "驾驶分钟", "en": "Drive min"},
    "km": {"zh": "公里", "en": "km"},
    "score": {"zh": "优先级", "en": "Priority"},
    "pop": {"zh": "人口（估算）", "en": "Population (estimated)"},
    "note": {"zh": "备注", "en": "Note"},
    "start": {"zh": "出发", "en": "start"},
    "stop": {"zh": "义诊", "en": "clinic"},
    "lunch": {"zh": "午餐", "en": "lunch"},
    "lunch_paused": {"zh": "义诊暂停午餐", "en": "clinic paused for lunch"},
    "lunch_road": {"zh": "途中午餐", "en": "lunch on the way"},
    "market": {"zh": "圩日", "en": "market day"},
    "sleep": {"zh": "住宿", "en": "overnight"},
    "home": {"zh": "返回驻地", "en": "back at depot"},
    "end": {"zh": "结束", "en": "end"},
    "est": {"zh": "（估算）", "en": " (estimated)"},
    "reason": {"zh": "原因", "en": "Reason"},
    "township": {"zh": "乡镇", "en": "Township"},
    "left": {"zh": "未安排的乡镇", "en": "Townships not scheduled"},
    "title": {"zh": "移动医院巡诊行程", "en": "Mobile hospital tour itinerary"},
    "depot": {"zh": "驻地医院", "en": "Depot"},
    "network": {"zh": "路网", "en": "Network"},
    "served": {"zh": "安排乡镇", "en": "Townships served"},
    "drive_h": {"zh": "驾驶小时", "en": "Drive hours"},
    "pop_served": {"zh": "服务人口（估算）", "en": "Population served (estimated)"},
    "covered": {"zh": "覆盖乡镇", "en": "Townships covered"},
    "pop_cov": {"zh": "覆盖人口（估算）", "en": "Population covered (estimated)"},
    "priority": {"zh": "优先级合计", "en": "Priority collected"},
    "straight": {"zh": "直线示意（估算，非道路）", "en": "straight line (estimated, not a road)"},
    "road": {"zh": "沿道路", "en": "along roads"},
    "day_n": {"zh": "第{d}天", "en": "Day {d}"},
    "team_n": {"zh": "第{t}队", "en": "Team {t}"},
    "unplaced": {"zh": "无坐标乡镇（未纳入）", "en": "Townships without a point (not considered)"},
    "warn": {"zh": "注意", "en": "Note"},
    "print": {"zh": "打印", "en": "Print"},
    "no_place": {"zh": "无坐标", "en": "no point"},
    "remote": {"zh": "距最近县级及以上医院分钟", "en": "Minutes to nearest county-level hospital"},
    "months": {"zh": "距上次巡诊月数", "en": "Months since last visit"},
    "candidates": {"zh": "候选乡镇与优先级", "en": "Candidates and priority"},
    "sched": {"zh": "已安排", "en": "Scheduled"},
    "per_day": {"zh": "每日汇总", "en": "Per day"},
    "stops_n": {"zh": "义诊站数", "en": "Clinics"},
    "route": {"zh": "路线", "en": "Route"},
    "days_unit": {"zh": "天", "en": "days"},
    "teams_unit": {"zh": "队", "en": "team(s)"},
    "all_estimated": {
        "zh": "所有行程时间和公里数均为估算（直线距离 × 绕行系数，假定车速），非道路实测。",
        "en": "Every time and km is estimated (straight line × circuity, assumed speeds), not road-routed.",
    },
    "straight_note": {
        "zh": "路线为直线示意（估算）：所有时间和公里数均为估算，非道路实测。",
        "en": "Routes are straight lines; every time and km is estimated, not road-routed.",
    },
    "footer": {
        "zh": "xunzhen 巡诊 · 行政区划：内置数据 · 人口为估算",
        "en": "xunzhen 巡诊 · boundaries: embedded dataset · population: estimated",
    },
    "legend": {"zh": "图例", "en": "Legend"},
    "stops_layer": {"zh": "站点", "en": "Stops"},
}


def lab(key: str, lang: str = "zh", **values: object) -> str:
    """The label ``key`` of :data:`LABELS` in ``lang``, formatted with ``values`` (e.g. ``d=3``)."""
    label = text(LABELS, key, lang)
    return label.format(**values) if values else label
