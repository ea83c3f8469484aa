"""The working-day calendar of mainland China for any month from 2022 to 2035.

Three sources, strongest first:

1. **Planner overrides** (:class:`CalendarOverrides`): holidays and make-up workdays (调休) the planner
   entered or uploaded (:func:`read_overrides`) — they win over both sources below.
2. **The official arrangement** from the maintained ``chinese_calendar`` package (State Council notices:
   holidays, bridging days, 调休 Saturdays) for every year the installed version covers.
3. **A rule-based fallback** for the other years: weekends plus the statutory holidays of
   《全国年节及纪念日放假办法》 (2024 revision) — 元旦 1 day, 春节 4 (除夕 + 初一–初三), 清明 1,
   劳动节 2 (5-1, 5-2), 端午 1, 中秋 1, 国庆 3 (10-1–10-3) — with the lunar dates and the 清明 solar term
   computed by the maintained ``lunar_python`` package. The State Council's yearly notice adds bridging
   days and 调休 that no rule predicts, so every day of such a year is ``provisional`` and is shown with
   :data:`PROVISIONAL_LABEL` wherever it is used.

All functions are pure and cached; the same inputs give the same days.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
import pandas as pd
from lunar_python import Lunar

from geo._errors import DataFileError, InputValidationError
from geo.facilities.upload import read_upload

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PROVISIONAL_LABEL",
    "CalendarOverrides",
    "DayInfo",
    "day_info",
    "is_official_year",
    "is_working_day",
    "month_choices",
    "month_days",
    "overrides_from_rows",
    "overrides_from_table",
    "overrides_table",
    "parse_month",
    "read_overrides",
    "replace_year_rows",
    "working_days",
    "year_is_provisional",
    "year_rows",
    "year_table",
]

#: Shown beside every date, count or plan that rests on the rule-based fallback calendar.
PROVISIONAL_LABEL = "暂定，以国务院通知为准"
#: Years the calendar answers for.
FIRST_YEAR, LAST_YEAR = 2022, 2035

#: chinese_calendar's English holiday names → the Chinese names shown to planners.
_OFFICIAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
#: Name given to a planner-entered holiday without a name of its own.
OVERRIDE_HOLIDAY_NAME = "自定休息日"


@dataclass(frozen=True)
class CalendarOverrides:
    """Planner-entered exceptions to the calendar; they win over the official and the fallback calendar.

    Attributes
    ----------
    holidays
        Days off (e.g. a local holiday, or the State Council's notice for a year not yet in the package).
    workdays
        Make-up workdays (调休), e.g. a Saturday worked.
    names
        Optional ``(date, name)`` pairs naming holidays (shown in calendars); ``""`` names fall back to
        ``自定休息日``.
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    names: tuple[tuple[dt.date, str], ...] = ()

    def __post_init__(self) -> None:
        both = sorted(self.holidays & self.workdays)
        if both:
            listed = "、".join(d.isoformat() for d in both[:5])
            msg = (
                f"日期 {listed} 既是休息日又是上班日，请只保留一种 / "
                f"dates listed both as holiday and workday: {listed}"
            )
            raise InputValidationError(msg)

    def name_of(self, day: dt.date) -> str:
        """The planner's name for a holiday ``day`` ("" when it has none)."""
        return next((n for d, n in self.names if d == day), "")

    def within(self, year: int) -> CalendarOverrides:
        """Only the entries of one year (cache key for a month's days)."""
        return CalendarOverrides(
            frozenset(d for d in self.holidays if d.year == year),
            frozenset(d for d in self.workdays if d.year == year),
            tuple((d, n) for d, n in self.names if d.year == year),
        )


@dataclass(frozen=True)
class DayInfo:
    """One calendar day.

    Attributes
    ----------
    date
        The day.
    working
        True when doctors can be sent (a working day).
    name
        Holiday name (元旦, 春节, …, or the planner's name) on a day off for a holiday; "" otherwise.
    provisional
        True when the day rests on the rule-based fallback (:data:`PROVISIONAL_LABEL`), not on the official
        arrangement or a planner override.
    """

    date: dt.date
    working: bool
    name: str
    provisional: bool


def parse_month(month: str | tuple[int, int]) -> tuple[int, int]:
    """``"YYYY-MM"`` (or ``(year, month)``) → ``(year, month)``, checked against 2022–2035.

    Raises
    ------
    InputValidationError
        Not of the form ``YYYY-MM`` with a month 01–12, or a year outside 2022–2035.
    """
    if isinstance(month, tuple):
        year, mon = (int(month[0]), int(month[1])) if len(month) == 2 else (0, 0)
        text = f"{month!r}"
    else:
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(month))
        year, mon = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        text = repr(str(month))
    if not 1 <= mon <= 12:
        msg = f"月份 {text} 格式不对，应为 YYYY-MM，如 2027-01 / month {text}: expected YYYY-MM, e.g. 2027-01"
        raise InputValidationError(msg)
    _check_year(year)
    return year, mon


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        msg = (
            f"年份 {year} 不在日历范围 {FIRST_YEAR}–{LAST_YEAR} 内 / year {year} is outside the calendar's "
            f"range {FIRST_YEAR}–{LAST_YEAR}"
        )
        raise InputValidationError(msg)


def month_days(month: str | tuple[int, int]) -> list[dt.date]:
    """Every calendar day of a month, in order."""
    year, mon = parse_month(month)
    first = dt.date(year, mon, 1)
    last = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return [first + dt.timedelta(days=k) for k in range((last - first).days)]


@functools.cache
def is_official_year(year: int) -> bool:
    """True when the installed ``chinese_calendar`` has the State Council's arrangement for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def year_is_provisional(year: int, overrides: CalendarOverrides | None = None) -> bool:
    """True when ``year`` rests on the fallback (label it :data:`PROVISIONAL_LABEL`).

    A year counts as settled when the package covers it; planner overrides settle single days only.
    """
    _check_year(year)
    del overrides  # the planner may have entered the notice, but we cannot tell it is complete
    return not is_official_year(year)


@functools.cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year`` by the 2024 rules (no bridging days, no 调休): date → name.

    Lunar dates (春节, 端午, 中秋) and the 清明 solar term come from ``lunar_python``.
    """

    def solar(lunar_month: int, lunar_day: int, lunar_year: int = year) -> dt.date:
        s = Lunar.fromYmd(lunar_year, lunar_month, lunar_day).getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    # 春节 of lunar year `year` (除夕 is the day before 初一) and, when it falls in this calendar year,
    # 除夕 of the next lunar year (never: 初一 is always after 21 January).
    new_year = solar(1, 1)
    for k in range(-1, 3):
        days[new_year + dt.timedelta(days=k)] = "春节"
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    days[dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[solar(5, 5)] = "端午节"
    days.setdefault(solar(8, 15), "中秋节")  # 2028: 中秋 on 10-03 is also 国庆
    for d in (1, 2, 3):
        days[dt.date(year, 10, d)] = "国庆节"
    return {d: n for d, n in sorted(days.items()) if d.year == year}


@functools.cache
def _base_day(day: dt.date) -> DayInfo:
    """The day by the official calendar where covered, else by the fallback rules (no overrides)."""
    _check_year(day.year)
    if is_official_year(day.year):
        working = bool(chinese_calendar.is_workday(day))
        name = ""
        if not working:
            is_holiday, english = chinese_calendar.get_holiday_detail(day)
            name = _OFFICIAL_NAMES.get(str(english), str(english or "")) if is_holiday and english else ""
        return DayInfo(day, working, name, provisional=False)
    name = statutory_holidays(day.year).get(day, "")
    return DayInfo(day, working=not name and day.weekday() < 5, name=name, provisional=True)


def day_info(day: dt.date, *, overrides: CalendarOverrides | None = None) -> DayInfo:
    """What kind of day ``day`` is: working or not, holiday name, provisional or not.

    Raises
    ------
    InputValidationError
        A year outside 2022–2035.
    """
    if isinstance(day, dt.datetime):
        day = day.date()
    base = _base_day(day)
    if overrides is not None:
        if day in overrides.holidays:
            return DayInfo(day, False, overrides.name_of(day) or base.name or OVERRIDE_HOLIDAY_NAME, False)
        if day in overrides.workdays:
            return DayInfo(day, True, "", False)
    return base


def is_working_day(day: dt.date, *, overrides: CalendarOverrides | None = None) -> bool:
    """True when ``day`` is a working day (see :func:`day_info`)."""
    return day_info(day, overrides=overrides).working


@functools.cache
def _working_days(year: int, mon: int, overrides: CalendarOverrides | None) -> tuple[dt.date, ...]:
    return tuple(d for d in month_days((year, mon)) if day_info(d, overrides=overrides).working)


def working_days(
    month: str | tuple[int, int], *, overrides: CalendarOverrides | None = None
) -> list[dt.date]:
    """Working days of a month in date order (weekends, holidays, 调休 and the planner's overrides applied).

    Parameters
    ----------
    month
        ``"YYYY-MM"`` or ``(year, month)``, 2022–2035.
    overrides
        Planner-entered holidays and make-up workdays.

    Raises
    ------
    InputValidationError
        A bad month or a year outside 2022–2035.
    """
    year, mon = parse_month(month)
    return list(_working_days(year, mon, overrides.within(year) if overrides else None))


def month_choices(today: dt.date | None = None) -> list[str]:
    """The months a planner picks from: every month of this year and the next (``"YYYY-MM"``)."""
    today = today or dt.date.today()
    years = [y for y in (today.year, today.year + 1) if FIRST_YEAR <= y <= LAST_YEAR] or [LAST_YEAR]
    return [f"{y:04d}-{m:02d}" for y in years for m in range(1, 13)]


_HOLIDAY_WORDS = {"休", "休息", "放假", "假", "假日", "节假日", "休息日", "holiday", "off", "rest"}
_WORKDAY_WORDS = {"班", "上班", "调休", "调休上班", "补班", "工作日", "workday", "work", "working"}
_DATE_HEADERS = {"日期", "date", "day"}
_KIND_HEADERS = {"类型", "安排", "type", "kind"}
_NAME_HEADERS = {"名称", "节日", "说明", "name", "holiday name"}


_DATE_RE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(00:00(:00)?)?\s*")


def _parse_date(text: str) -> dt.date | None:
    m = _DATE_RE.fullmatch(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _column(headers: Iterable[str], wanted: set[str]) -> int | None:
    return next((i for i, h in enumerate(headers) if h.strip().lower() in wanted), None)


def read_overrides(
    path_or_bytes: str | Path | bytes, *, year: int | None = None, name: str | None = None
) -> CalendarOverrides:
    """Read a planner's holiday list: CSV/XLSX, columns 日期 and 类型 (休息/放假 or 上班/调休), optional 名称.

    Dates as ``2027-01-01``, ``2027/1/1`` or ``2027年1月1日``. Blank rows are skipped.

    Parameters
    ----------
    path_or_bytes
        File path or uploaded bytes (CSV UTF-8/GBK, or XLSX).
    year
        When given, every date must fall in this year (a holiday list is entered per year).
    name
        File name for messages.

    Raises
    ------
    DataFileError
        Unreadable file, or the 日期/类型 columns are missing.
    InputValidationError
        Rows with a bad date, an unknown kind, a date outside ``year`` or 2022–2035: every bad row is listed.
    """
    table = read_upload(path_or_bytes, name=name)
    return overrides_from_rows(
        list(table.headers), [list(r) for r in table.rows], table.row_numbers, year=year, source=table.source
    )


def overrides_from_table(
    frame: pd.DataFrame, *, year: int | None = None, source: str = "节假日表"
) -> CalendarOverrides:
    """:class:`CalendarOverrides` from a table with columns 日期, 类型 (休息/上班), optional 名称 — e.g. the
    app's editable holiday list (dates may be ``datetime.date``); checked as :func:`read_overrides` does."""
    rows = [
        [
            ""
            if v is None or v is pd.NaT or (isinstance(v, float) and v != v)
            else (v.isoformat() if isinstance(v, dt.date) else str(v))
            for v in r
        ]
        for r in frame.itertuples(index=False)
    ]
    return overrides_from_rows(
        [str(c) for c in frame.columns], rows, range(2, len(rows) + 2), year=year, source=source
    )


def overrides_table(overrides: CalendarOverrides | None) -> pd.DataFrame:
    """The overrides as an editable table: 日期 (date), 类型 (休息 | 上班), 名称."""
    rows = []
    if overrides is not None:
        rows += [(d, "休息", overrides.name_of(d)) for d in sorted(overrides.holidays)]
        rows += [(d, "上班", "") for d in sorted(overrides.workdays)]
    return pd.DataFrame(sorted(rows), columns=["日期", "类型", "名称"])


def year_table(year: int, overrides: CalendarOverrides | None = None) -> pd.DataFrame:
    """One row per month: 月份, 工作日, 休息日 (holidays by name with dates), 暂定 (fallback calendar)."""
    rows = []
    for mon in range(1, 13):
        days = month_days((year, mon))
        infos = [day_info(d, overrides=overrides) for d in days]
        named: dict[str, list[str]] = {}
        for info in infos:
            if not info.working and info.name:
                named.setdefault(info.name, []).append(f"{info.date:%m-%d}")
        rows.append(
            {
                "月份": f"{year:04d}-{mon:02d}",
                "工作日": sum(i.working for i in infos),
                "节假日": "；".join(f"{n} {'、'.join(d)}" for n, d in named.items()),
                "调休上班": "、".join(
                    f"{i.date:%m-%d}" for i in infos if i.working and i.date.weekday() >= 5
                ),
                "暂定": PROVISIONAL_LABEL if any(i.provisional for i in infos) else "",
            }
        )
    return pd.DataFrame(rows)


def overrides_from_rows(
    headers: list[str],
    rows: list[list[str]],
    row_numbers: Sequence[int],
    *,
    year: int | None = None,
    source: str = "",
) -> CalendarOverrides:
    """Parse holiday-list rows (text cells) into :class:`CalendarOverrides`; every bad row is named."""
    col_date, col_kind = _column(headers, _DATE_HEADERS), _column(headers, _KIND_HEADERS)
    col_name = _column(headers, _NAME_HEADERS)
    if col_date is None or col_kind is None:
        msg = (
            f"{source}：找不到“日期”和“类型”列（现有列：{'、'.join(headers)}） / "
            f"{source}: expected columns 日期 (date) and 类型 (type: 休息 or 上班)"
        )
        raise DataFileError(msg)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    names: list[tuple[dt.date, str]] = []
    problems: list[str] = []
    for row_no, row in zip(row_numbers, rows, strict=True):
        if not any(str(c).strip() for c in row):
            continue
        raw_date, raw_kind = row[col_date].strip(), row[col_kind].strip()
        day = _parse_date(raw_date)
        kind = raw_kind.lower()
        at_date = f"第{row_no}行，列“{headers[col_date]}”："
        if day is None:
            problems.append(f"{at_date}日期 {raw_date!r} 无法识别（应如 2027-01-01）")
        elif year is not None and day.year != year:
            problems.append(f"{at_date}{day.isoformat()} 不在 {year} 年内")
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append(f"{at_date}{day.isoformat()} 不在 {FIRST_YEAR}–{LAST_YEAR} 年内")
        elif kind in _HOLIDAY_WORDS:
            holidays.add(day)
            label = row[col_name].strip() if col_name is not None else ""
            if label:
                names.append((day, label))
        elif kind in _WORKDAY_WORDS:
            workdays.add(day)
        else:
            where = f"第{row_no}行，列“{headers[col_kind]}”"
            problems.append(f"{where}：类型 {raw_kind!r} 应为 休息 或 上班（调休）")
        if day is not None and day in holidays and day in workdays:
            problems.append(f"第{row_no}行：{day.isoformat()} 同时列为休息和上班")
    if problems:
        msg = f"{source}：" + "；".join(problems)
        raise InputValidationError(msg)
    return CalendarOverrides(frozenset(holidays), frozenset(workdays), tuple(sorted(names)))


def holidays_from_table(table: pd.DataFrame | None) -> CalendarOverrides | None:
    """The :class:`CalendarOverrides` of a stored holiday table (None when there is none)."""
    return None if table is None or table.empty else overrides_from_table(table)


def year_rows(table: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """The rows of a stored holiday table (日期, 类型, 名称; any years) that fall in ``year``, dates as
    ``datetime.date`` for editing; an empty table when there are none."""
    if table is None or table.empty:
        return overrides_table(None)
    dates = pd.to_datetime(table["日期"].astype(str), errors="coerce")
    rows = table[dates.dt.year == year].copy()
    rows["日期"] = dates[dates.dt.year == year].dt.date
    return rows[["日期", "类型", "名称"]].reset_index(drop=True)


def replace_year_rows(table: pd.DataFrame | None, year: int, overrides: CalendarOverrides) -> pd.DataFrame:
    """The stored holiday table with ``year``'s rows replaced by ``overrides`` (other years kept), dates as
    ISO text, sorted — what the workspace keeps."""
    kept = overrides_table(None)
    if table is not None and not table.empty:
        dates = pd.to_datetime(table["日期"].astype(str), errors="coerce")
        kept = table[dates.dt.year != year][["日期", "类型", "名称"]]
    new = overrides_table(overrides)
    new["日期"] = [d.isoformat() for d in new["日期"]]
    out = pd.concat([kept.astype(str), new.astype(str)], ignore_index=True)
    return out.sort_values(["日期", "类型"], kind="stable").reset_index(drop=True)
