"""Calendar dates of a tour's days: from a start date, on the working-day calendar (``routing.calendar``:
weekends, statutory holidays, 调休 and the planner's overrides), or — a team's choice — on consecutive
calendar days including weekends and holidays.

A day of a year the installed holiday calendar does not cover is provisional (rule-based); the itinerary
then shows :data:`routing.calendar.PROVISIONAL_LABEL` beside it.
"""

from __future__ import annotations

import datetime as dt

from geo._errors import InputValidationError
from routing import calendar
from routing.calendar import PROVISIONAL_LABEL, CalendarOverrides
from routing.tours._types import bilingual_error

__all__ = ["PROVISIONAL_LABEL", "WEEKDAYS", "next_working_day", "provisional", "tour_dates", "weekday_label"]

WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def weekday_label(day: dt.date, lang: str = "zh") -> str:
    """``周三`` / ``Wed``."""
    return WEEKDAYS["en"][day.weekday()] if lang == "en" else "周" + WEEKDAYS["zh"][day.weekday()]


def _info(day: dt.date, overrides: CalendarOverrides | None) -> calendar.DayInfo:
    if not calendar.FIRST_YEAR <= day.year <= calendar.LAST_YEAR:
        raise bilingual_error(
            InputValidationError,
            zh=f"开始日期 {day.isoformat()} 超出日历范围 {calendar.FIRST_YEAR}–{calendar.LAST_YEAR} 年",
            en=f"start date {day.isoformat()} is outside the calendar's years "
            f"{calendar.FIRST_YEAR}–{calendar.LAST_YEAR}",
        )
    return calendar.day_info(day, overrides=overrides)


def next_working_day(after: dt.date, overrides: CalendarOverrides | None = None) -> dt.date:
    """The first working day strictly after ``after`` (the default start of a tour planned today)."""
    day = after + dt.timedelta(days=1)
    while not _info(day, overrides).working:
        day += dt.timedelta(days=1)
    return day


def tour_dates(
    start: dt.date, days: int, *, weekends: bool = False, overrides: CalendarOverrides | None = None
) -> tuple[dt.date, ...]:
    """The dates of the tour's ``days`` touring days.

    Parameters
    ----------
    start
        First day of the tour.
    days
        Number of touring days.
    weekends
        Tour on consecutive calendar days, weekends and holidays included (a team's choice); by default only
        working days count and the team rests over weekends and holidays where it slept.
    overrides
        The planner's holidays and make-up workdays.

    Raises
    ------
    InputValidationError
        Without weekend touring, a start date that is not a working day (the message names the holiday or
        weekend); a date outside the calendar's years.
    """
    if weekends:
        out = tuple(start + dt.timedelta(days=k) for k in range(days))
        _info(out[-1], overrides)
        return out
    info = _info(start, overrides)
    if not info.working:
        why_zh = info.name or "周末"
        why_en = info.name or "a weekend day"
        raise bilingual_error(
            InputValidationError,
            zh=f"开始日期 {start.isoformat()}（{weekday_label(start)}，{why_zh}）不是工作日："
            "请选择工作日，或允许周末和节假日巡诊",
            en=f"start date {start.isoformat()} ({weekday_label(start, 'en')}, {why_en}) is not a working "
            "day: choose a working day or allow touring on weekends and holidays",
        )
    out_days = [start]
    while len(out_days) < days:
        out_days.append(next_working_day(out_days[-1], overrides))
    return tuple(out_days)


def provisional(dates: tuple[dt.date, ...], overrides: CalendarOverrides | None = None) -> bool:
    """Whether any date rests on the rule-based (provisional) holiday calendar."""
    return any(calendar.day_info(d, overrides=overrides).provisional for d in dates)
