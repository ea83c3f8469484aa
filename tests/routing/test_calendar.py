"""routing.calendar: official arrangement, rule-based fallback (provisional), planner overrides, uploads."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from geo._errors import DataFileError, InputValidationError
from routing.calendar import (
    PROVISIONAL_LABEL,
    CalendarOverrides,
    day_info,
    is_official_year,
    is_working_day,
    month_choices,
    overrides_from_table,
    overrides_table,
    read_overrides,
    replace_year_rows,
    statutory_holidays,
    working_days,
    year_rows,
)


def test_official_year_uses_the_state_council_arrangement():
    days = working_days("2026-10")
    assert len(days) == 18 and dt.date(2026, 10, 10) in days  # 调休 Saturday
    info = day_info(dt.date(2026, 10, 1))
    assert info == day_info(dt.date(2026, 10, 1)) and not info.working and info.name == "国庆节"
    assert not info.provisional
    assert working_days((2026, 10)) == days


@pytest.mark.parametrize(
    ("year", "new_year_eve", "qingming", "duanwu", "zhongqiu"),
    [
        (2027, dt.date(2027, 2, 5), dt.date(2027, 4, 5), dt.date(2027, 6, 9), dt.date(2027, 9, 15)),
        (2030, dt.date(2030, 2, 2), dt.date(2030, 4, 5), dt.date(2030, 6, 5), dt.date(2030, 9, 12)),
        (2035, dt.date(2035, 2, 7), dt.date(2035, 4, 5), dt.date(2035, 6, 10), dt.date(2035, 9, 16)),
    ],
)
def test_fallback_statutory_holidays_2024_rules(year, new_year_eve, qingming, duanwu, zhongqiu):
    assert not is_official_year(year)
    hol = statutory_holidays(year)
    spring = [d for d, n in hol.items() if n == "春节"]
    assert spring == [new_year_eve + dt.timedelta(days=k) for k in range(4)]  # 除夕 + 初一–初三
    assert hol[qingming] == "清明节" and hol[duanwu] == "端午节" and hol[zhongqiu] == "中秋节"
    assert [d for d, n in hol.items() if n == "劳动节"] == [dt.date(year, 5, 1), dt.date(year, 5, 2)]
    assert [d for d, n in hol.items() if n == "国庆节"] == [dt.date(year, 10, d) for d in (1, 2, 3)]
    assert len(hol) == 13
    for day in hol:
        info = day_info(day)
        assert not info.working and info.provisional and info.name


def test_fallback_month_2027_is_provisional_weekdays_minus_holidays():
    days = working_days("2027-10")
    assert dt.date(2027, 10, 4) in days  # a Monday: no bridging day is guessed
    assert not {dt.date(2027, 10, d) for d in (1, 2, 3)} & set(days)
    assert all(d.weekday() < 5 for d in days) and len(days) == 20  # 21 weekdays − 10-01 (Fri)
    assert day_info(dt.date(2027, 10, 4)).provisional
    assert PROVISIONAL_LABEL == "暂定，以国务院通知为准"


def test_overrides_win_over_both_sources():
    over = CalendarOverrides(
        holidays=frozenset({dt.date(2027, 10, 4), dt.date(2026, 10, 12)}),
        workdays=frozenset({dt.date(2027, 9, 26), dt.date(2026, 10, 1)}),
        names=((dt.date(2027, 10, 4), "国庆节"),),
    )
    assert not is_working_day(dt.date(2027, 10, 4), overrides=over)
    assert is_working_day(dt.date(2027, 9, 26), overrides=over)  # a Sunday worked (调休)
    assert is_working_day(dt.date(2026, 10, 1), overrides=over)  # even over the official calendar
    assert not is_working_day(dt.date(2026, 10, 12), overrides=over)
    info = day_info(dt.date(2027, 10, 4), overrides=over)
    assert info.name == "国庆节" and not info.provisional
    assert len(working_days("2027-10", overrides=over)) == 19
    assert len(working_days("2027-09", overrides=over)) == len(working_days("2027-09")) + 1
    with pytest.raises(InputValidationError, match="既是休息日又是上班日"):
        CalendarOverrides(frozenset({dt.date(2027, 1, 2)}), frozenset({dt.date(2027, 1, 2)}))


@pytest.mark.parametrize("month", ["2027-13", "2027-", "13", "", "2021-05", "2036-01"])
def test_bad_months_and_years_outside_the_range(month):
    with pytest.raises(InputValidationError, match=r"YYYY-MM|2022–2035"):
        working_days(month)


def test_month_choices_follow_today():
    months = month_choices(dt.date(2026, 12, 1))
    assert months[0] == "2026-01" and months[-1] == "2027-12" and len(months) == 24


def test_read_overrides_csv_gbk_and_xlsx():
    csv = "日期,类型,名称\n2027-10-04,休息,国庆节\n2027/9/26,上班,\n\n2027年10月8日,调休,\n".encode("gbk")
    over = read_overrides(csv, year=2027, name="假日.csv")
    assert over.holidays == {dt.date(2027, 10, 4)}
    assert over.workdays == {dt.date(2027, 9, 26), dt.date(2027, 10, 8)}
    assert over.name_of(dt.date(2027, 10, 4)) == "国庆节"
    buf = io.BytesIO()
    pd.DataFrame({"date": ["2027-01-02"], "type": ["holiday"]}).to_excel(buf, index=False)
    assert read_overrides(buf.getvalue()).holidays == {dt.date(2027, 1, 2)}


def test_read_overrides_names_every_bad_row():
    bad = "日期,类型\n2026-10-04,休息\n2027-13-01,休\n2027-01-02,午休\n".encode()
    with pytest.raises(InputValidationError) as err:
        read_overrides(bad, year=2027, name="h.csv")
    text = str(err.value)
    assert "第2行" in text and "不在 2027 年内" in text
    assert "第3行" in text and "无法识别" in text
    assert "第4行" in text and "休息 或 上班" in text
    with pytest.raises(DataFileError, match="日期"):
        read_overrides("day_x,kind_x\n2027-01-02,休\n".encode(), name="h.csv")


def test_a_years_rows_are_edited_without_touching_the_other_years():
    text = "日期,类型,名称\n2027-01-01,休息,元旦\n2027-02-06,上班,\n2028-01-01,休息,元旦\n"
    stored = overrides_table(read_overrides(text.encode(), name="h.csv"))
    rows = year_rows(stored, 2027)
    assert list(rows["日期"]) == [dt.date(2027, 1, 1), dt.date(2027, 2, 6)]
    assert year_rows(stored, 2030).empty and year_rows(None, 2027).empty
    edited = overrides_from_table(pd.concat([rows, pd.DataFrame(
        {"日期": [dt.date(2027, 5, 6)], "类型": ["休息"], "名称": ["县庆"]})]), year=2027)
    kept = replace_year_rows(stored, 2027, edited)
    assert list(kept["日期"]) == ["2027-01-01", "2027-02-06", "2027-05-06", "2028-01-01"]
    assert overrides_from_table(year_rows(kept, 2027), year=2027) == edited  # unchanged: nothing to save
    assert "2028-01-01" in list(replace_year_rows(kept, 2027, overrides_from_table(rows.iloc[0:0]))["日期"])
