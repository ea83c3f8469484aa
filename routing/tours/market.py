"""Market days (圩日/集日) and visiting hours per township: parse the rules planners write, read them from a
table, and turn them into the core's per-day :class:`Availability`.

A market-day rule is text, one of (several parts joined by ``；``/``;`` are all market days):

=====================================  ======================================================================
``逢3、8`` · ``逢三逢八`` · ``逢5、10``   solar days of the month ending in 3 or 8 (3, 8, 13, 18, 23, 28);
                                       ``10``
                                       or ``十`` stands for the digit 0 (10, 20, 30)
``农历逢1、6`` · ``农历逢一、六``         the same on the lunar calendar (初一, 初六, 十一, 十六, 廿一, 廿六)
``逢单`` · ``逢双`` · ``农历逢单``        odd / even days of the month
``每月15日`` · ``每月5、15、25日``        fixed days of the month (1–31); ``农历每月初一、十五`` lunar
``每周三`` · ``每周一、四``               weekdays
``2026-12-03、2026-12-18``              explicit dates
=====================================  ======================================================================

Lunar dates come from the maintained ``lunar_python`` package (already used by ``routing.calendar``).
A township's *visiting rule* adds its opening hours (the clinic must start and end within them; default the
working day) and whether a visit must fall on a market day (``仅圩日``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from lunar_python import Solar

from geo._errors import DataFileError, InputValidationError
from geo.facilities.upload import read_upload
from routing.tours._types import Availability, TourParams, bilingual_error, hhmm, parse_clock

__all__ = [
    "MarketRule",
    "VisitRule",
    "availability",
    "parse_market_rule",
    "read_visit_rules",
    "visit_rule",
]

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_SEP = re.compile(r"[、，,/\s和及]+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class MarketRule:
    """A parsed market-day rule (see the module docstring); :meth:`is_market` answers for one date."""

    text: str
    lunar: bool = False
    digits: frozenset[int] = frozenset()
    days: frozenset[int] = frozenset()
    parity: str = ""
    weekdays: frozenset[int] = frozenset()
    dates: frozenset[dt.date] = frozenset()
    parts: tuple[MarketRule, ...] = ()

    def is_market(self, day: dt.date) -> bool:
        """Whether ``day`` is a market day under this rule."""
        if self.parts:
            return any(p.is_market(day) for p in self.parts)
        if day in self.dates or day.weekday() in self.weekdays:
            return True
        dom = Solar.fromYmd(day.year, day.month, day.day).getLunar().getDay() if self.lunar else day.day
        if dom % 10 in self.digits or dom in self.days:
            return True
        return (self.parity == "odd" and dom % 2 == 1) or (self.parity == "even" and dom % 2 == 0)


def _number(token: str) -> int | None:
    """``"3"`` → 3, ``"三"`` → 3, ``"十五"`` → 15, ``"廿三"`` → 23, ``"初八"`` → 8, ``"三十"`` → 30."""
    t = token.strip().removeprefix("初").removesuffix("日").removesuffix("号")
    if t.isdigit():
        return int(t)
    if not t:
        return None
    t = t.replace("廿", "二十").replace("卅", "三十")
    if t in _CN_DIGITS:
        return _CN_DIGITS[t]
    if "十" in t:
        tens, _, ones = t.partition("十")
        hi = _CN_DIGITS.get(tens, -99) if tens else 1
        lo = _CN_DIGITS.get(ones, -99) if ones else 0
        return hi * 10 + lo if hi >= 0 and lo >= 0 else None
    return None


def _bad_rule(text: str, where: str, zh: str, en: str) -> InputValidationError:
    at_zh, at_en = (f"{where}：", f"{where}: ") if where else ("", "")
    return bilingual_error(
        InputValidationError,
        zh=f"{at_zh}圩日规则“{text}”无法识别：{zh}（示例：逢3、8；农历逢1、6；每月15日；每周三；2026-12-03）",
        en=f"{at_en}market-day rule {text!r} cannot be parsed: {en} (examples: 逢3、8; 农历逢1、6; 每月15日; "
        "每周三; 2026-12-03)",
    )


def _part(text: str, where: str) -> MarketRule:
    t = text.strip().replace(" ", "")
    lunar = t.startswith(("农历", "阴历"))
    body = t[2:] if lunar else t.removeprefix("公历").removeprefix("阳历")
    dates = (
        frozenset(dt.date(int(y), int(m), int(d)) for y, m, d in _DATE.findall(body))
        if _DATE.search(body)
        else None
    )
    if dates is not None:
        if _DATE.sub("", body).strip("、，,;；/ 和及"):
            raise _bad_rule(text, where, "日期之外还有其他文字", "text besides the dates")
        return MarketRule(text, dates=dates)
    if body in ("逢单", "单日", "逢双", "双日"):
        return MarketRule(text, lunar=lunar, parity="odd" if "单" in body else "even")
    if body.startswith(("每周", "星期", "周")):
        names = [
            x for x in _SEP.split(body.removeprefix("每周").removeprefix("星期").removeprefix("周")) if x
        ]
        names = [x.removeprefix("周").removeprefix("星期") for x in names]
        if not names or any(x not in _WEEKDAYS for x in names):
            raise _bad_rule(text, where, "星期应写作 每周一、四", "weekdays are written 每周一、四")
        return MarketRule(text, weekdays=frozenset(_WEEKDAYS[x] for x in names))
    if body.startswith("每月"):
        nums = [_number(x) for x in _SEP.split(body[2:].removesuffix("日").removesuffix("号")) if x]
        if not nums or any(n is None or not 1 <= n <= (30 if lunar else 31) for n in nums):
            top = 30 if lunar else 31
            raise _bad_rule(text, where, f"每月的日子应为 1–{top}", f"days of the month must be 1–{top}")
        return MarketRule(text, lunar=lunar, days=frozenset(int(n) for n in nums if n is not None))
    cycle = body.removeprefix("逢")
    nums = [_number(x) for x in _SEP.split(cycle.replace("逢", "、")) if x]
    if not nums or any(n is None or not (0 <= n <= 9 or n == 10) for n in nums):
        raise _bad_rule(
            text,
            where,
            "“逢”后应为个位数字 0–9（10 表示逢十）",
            "after 逢 give single digits 0–9 (10 for 逢十)",
        )
    return MarketRule(text, lunar=lunar, digits=frozenset(int(n) % 10 for n in nums if n is not None))


def parse_market_rule(text: str, where: str = "") -> MarketRule | None:
    """Parse a market-day rule (module docstring); blank text → None.

    Parameters
    ----------
    text
        The rule as written, e.g. ``逢3、8`` or ``农历逢一、六；每周日``.
    where
        What the rule belongs to, for messages (e.g. ``乡镇 长汀县红山乡，列“圩日”``).

    Raises
    ------
    InputValidationError
        The rule cannot be parsed (``逢13``, ``每月32日`` …); the message names ``where`` and the rule.
    """
    text = str(text or "").strip()
    if not text:
        return None
    parts = [p for p in re.split(r"[;；]", text) if p.strip()]
    rules = tuple(_part(p, where) for p in parts)
    return rules[0] if len(rules) == 1 else MarketRule(text, parts=rules)


@dataclass(frozen=True)
class VisitRule:
    """A township's visiting rule: market days, whether a visit must fall on one, opening hours (minutes
    since midnight; None = the working day)."""

    market: MarketRule | None = None
    market_only: bool = False
    open_minutes: float | None = None
    close_minutes: float | None = None
    source: str = field(default="", compare=False)


_YES = {"是", "y", "yes", "true", "1", "仅圩日", "必须", "√", "✓"}
_NO = {"", "否", "n", "no", "false", "0"}


def visit_rule(
    market: str = "", market_only: object = False, opens: str = "", closes: str = "", where: str = ""
) -> VisitRule:
    """Build and check one township's rule from the texts a planner typed (messages name ``where``).

    Raises
    ------
    InputValidationError
        An unparseable market rule or clock time, a window that closes before it opens, or "market day
        only" without a market rule.
    """
    rule = parse_market_rule(market, where)
    only = market_only if isinstance(market_only, bool) else str(market_only).strip().lower() in _YES
    if not isinstance(market_only, bool) and str(market_only).strip().lower() not in _YES | _NO:
        raise bilingual_error(
            InputValidationError,
            zh=f"{where}：“仅圩日”应为 是 或 否，收到 {market_only!r}",
            en=f"{where}: 'market day only' must be yes or no, got {market_only!r}",
        )
    if only and rule is None:
        raise bilingual_error(
            InputValidationError,
            zh=f"{where}：选择了“仅圩日”但没有填写圩日规则",
            en=f"{where}: 'market day only' is set but no market-day rule is given",
        )
    o = parse_clock(opens, f"{where} 开放时间/open") if str(opens or "").strip() else None
    c = parse_clock(closes, f"{where} 结束时间/close") if str(closes or "").strip() else None
    if o is not None and c is not None and c <= o:
        raise bilingual_error(
            InputValidationError,
            zh=f"{where}：开放时间 {hhmm(o)}–{hhmm(c)} 结束早于开始",
            en=f"{where}: visiting window {hhmm(o)}–{hhmm(c)} closes before it opens",
        )
    return VisitRule(rule, only, o, c, where)


_HEADERS = {
    "township": {"乡镇", "乡镇名称", "乡镇代码", "township", "town"},
    "market": {"圩日", "集日", "圩日规则", "market", "market days", "market_day"},
    "market_only": {"仅圩日", "只在圩日", "market only", "market_only"},
    "opens": {"开放", "开始", "开放时间", "opens", "open"},
    "closes": {"结束", "关闭", "结束时间", "closes", "close"},
}


def read_visit_rules(
    path_or_bytes: str | Path | bytes, *, name: str | None = None, resolve: object = None
) -> dict[str, VisitRule]:
    """Read township visiting rules from a CSV/XLSX: columns 乡镇 (a 12-digit code or a name such as
    长汀县红山乡) and any of 圩日, 仅圩日, 开放, 结束.

    ``resolve`` maps a township text to its 12-digit code (default :func:`routing.tours.plan.township_code`
    semantics, passed in by the caller to keep this module below the adapter).

    Raises
    ------
    DataFileError
        Unreadable file or no 乡镇 column.
    InputValidationError
        Bad rows; every problem is listed with its row, column and township.
    """
    table = read_upload(path_or_bytes, name=name)
    cols = {
        key: next((i for i, h in enumerate(table.headers) if h.strip().lower() in names), None)
        for key, names in _HEADERS.items()
    }
    if cols["township"] is None or all(cols[k] is None for k in ("market", "opens", "closes")):
        raise DataFileError(
            f"{table.source}：需要“乡镇”列和“圩日”或“开放/结束”列（现有列：{'、'.join(table.headers)}） / "
            f"{table.source}: expected a 乡镇 (township) column and 圩日 (market) or 开放/结束 (opens/closes)"
        )
    rules: dict[str, VisitRule] = {}
    problems: list[str] = []
    for row_no, row in zip(table.row_numbers, table.rows, strict=True):

        def cell(key: str, row: tuple[str, ...] = row) -> str:
            i = cols[key]
            return row[i].strip() if i is not None else ""

        town = cell("township")
        where = f"{table.source} 第{row_no}行 乡镇“{town}” / row {row_no}, township {town!r}"
        try:
            code = resolve(town) if callable(resolve) else town
            rules[str(code)] = visit_rule(
                cell("market"), cell("market_only") or False, cell("opens"), cell("closes"), where
            )
        except (InputValidationError, LookupError) as err:
            problems.append(str(err))
    if problems:
        raise InputValidationError("；".join(problems))
    return rules


def availability(
    codes: Sequence[str], dates: Sequence[dt.date], rules: Mapping[str, VisitRule], params: TourParams
) -> Availability:
    """Per candidate (township code) and tour date: the clinic window, the priority factor
    (``params.market_day_factor`` on a market day, 0 on other days for "market day only") and the market
    flag."""
    n, d = len(codes), len(dates)
    base = Availability.every_day(n, d, params.day_start_minutes, params.day_end_minutes)
    opens, closes, factor, market = base.open_minutes, base.close_minutes, base.factor, base.market
    for i, code in enumerate(codes):
        rule = rules.get(code)
        if rule is None:
            continue
        if rule.open_minutes is not None:
            opens[i, :] = rule.open_minutes
        if rule.close_minutes is not None:
            closes[i, :] = rule.close_minutes
        if rule.market is not None:
            flags = np.array([rule.market.is_market(day) for day in dates], bool)
            market[i] = flags
            factor[i] = np.where(flags, params.market_day_factor, 0.0 if rule.market_only else 1.0)
    return Availability(opens, closes, factor, market)
