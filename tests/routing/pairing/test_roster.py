"""Monthly roster: working days only (holidays, make-up workdays), spread, per-doctor cap, determinism."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo._errors import InputValidationError
from routing.pairing.roster import RosterParams, calendar_table, make_roster, schedule_visits, working_days


def _pairs(n_centers: int = 16, days: int = 1) -> pd.DataFrame:
    """Two hospitals: H1 takes the first 10 centers, H2 the rest, ``days`` doctor-days each."""
    rows = []
    for c in range(n_centers):
        h = "H1" if c < 10 else "H2"
        rows.append({"hospital_id": h, "hospital": f"医院{h}", "center_id": f"C{c:02d}",
                     "center": f"中心{c:02d}", "days": days, "minutes": 10.0 + c, "estimated": True})
    return pd.DataFrame(rows)


def test_october_2026_golden_week_and_make_up_saturday():
    days = working_days("2026-10")
    assert dt.date(2026, 10, 1) not in days and dt.date(2026, 10, 7) not in days  # 国庆
    assert dt.date(2026, 10, 10) in days  # Saturday make-up workday (调休)
    assert dt.date(2026, 10, 11) not in days  # ordinary Sunday
    assert len(days) == 18


def test_february_2026_spring_festival():
    days = working_days("2026-02")
    assert dt.date(2026, 2, 14) in days and dt.date(2026, 2, 28) in days  # Saturdays worked
    assert not any(dt.date(2026, 2, d) in days for d in range(15, 24))  # 春节 15–23


@pytest.mark.parametrize("month", ["2026-10", "2026-02"])
def test_roster_only_on_working_days(month):
    roster = make_roster(_pairs(days=2), month, params=RosterParams(max_days_per_doctor=3))
    work = set(working_days(month))
    assert set(roster["date"]) <= work
    assert len(roster) == 32  # every doctor-day is scheduled
    # no doctor twice on one day, no doctor above the cap
    assert not roster.duplicated(["date", "hospital_id", "doctor"]).any()
    assert roster.groupby(["hospital_id", "doctor"]).size().max() <= 3


def test_visits_spread_through_the_month():
    roster = make_roster(_pairs(), "2026-12")
    h1 = sorted(roster.loc[roster["hospital_id"] == "H1", "date"])
    assert len(set(h1)) == 10  # ten visits on ten different working days
    assert h1[0].day <= 5 and h1[-1].day >= 25
    # a center with two days gets them apart
    two = make_roster(_pairs(days=2), "2026-12")
    c0 = sorted(two.loc[two["center_id"] == "C00", "date"])
    assert (c0[1] - c0[0]).days >= 7


def test_same_inputs_same_roster():
    a = make_roster(_pairs(days=2), "2026-11")
    b = make_roster(_pairs(days=2).sample(frac=1, random_state=1).reset_index(drop=True), "2026-11")
    assert a.equals(make_roster(_pairs(days=2), "2026-11"))
    assert sorted(map(tuple, a[["date", "hospital_id", "center_id"]].astype(str).values)) == sorted(
        map(tuple, b[["date", "hospital_id", "center_id"]].astype(str).values))


def test_year_without_official_schedule_is_provisional_not_refused():
    """2031 is not in chinese_calendar: weekends + statutory holidays, labelled provisional."""
    from routing.calendar import day_info

    days = working_days("2031-03")
    assert days and all(d.weekday() < 5 for d in days)
    assert day_info(days[0]).provisional
    roster = make_roster(_pairs(), "2031-10")
    assert not {dt.date(2031, 10, d) for d in (1, 2, 3)} & set(roster["date"])


def test_bad_month_and_too_few_doctors():
    with pytest.raises(InputValidationError, match=r"expected YYYY-MM"):
        working_days("2026-13")
    with pytest.raises(InputValidationError, match=r"医院H1: 10 doctor-days in 2026-12 but 2 doctor\(s\)"):
        make_roster(_pairs(), "2026-12", doctors={"H1": 2}, params=RosterParams(max_days_per_doctor=4))
    with pytest.raises(InputValidationError, match=r"max_days_per_doctor"):
        RosterParams(max_days_per_doctor=0)


def test_core_doctor_count_default():
    params = RosterParams(max_days_per_doctor=4)
    visits = schedule_visits([0, 0, 0], [0, 1, 2], [3, 3, 3], "2026-12", params=params)
    assert visits["doctor"].max() == 3  # ⌈9 / 4⌉


def test_calendar_marks_rest_days():
    roster = make_roster(_pairs(), "2026-10")
    cal = calendar_table(roster, "2026-10")
    assert cal.shape == (16, 31)
    assert "1 周四 休" in cal.columns and "10 周六" in cal.columns
    assert (cal["1 周四 休"] == "").all()


def test_doctors_rotate_between_months():
    """A doctor serves different centers in different months (漳卫〔2022〕60号), caps still hold."""
    params = RosterParams(max_days_per_doctor=2)
    nov = make_roster(_pairs(), "2026-11", params=params)
    dec = make_roster(_pairs(), "2026-12", params=params)
    key = ["hospital_id", "doctor"]
    nov_sets = nov.groupby(key)["center_id"].apply(frozenset)
    dec_sets = dec.groupby(key)["center_id"].apply(frozenset)
    assert (nov_sets != dec_sets.reindex(nov_sets.index)).any()
    assert dec.groupby(key).size().max() <= 2 and not dec.duplicated(["date", *key]).any()
    fixed = RosterParams(max_days_per_doctor=2, rotate_doctors=False)
    a = make_roster(_pairs(), "2026-11", params=fixed).groupby(key)["center_id"].apply(frozenset)
    b = make_roster(_pairs(), "2026-12", params=fixed).groupby(key)["center_id"].apply(frozenset)
    assert (a == b.reindex(a.index)).all()


def test_month_list_ranges_and_errors():
    from routing.pairing.roster import month_list

    assert month_list("2026-11..2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert month_list("2026-1,2026-03,2026-01") == ["2026-01", "2026-03"]
    with pytest.raises(InputValidationError, match="runs backwards"):
        month_list("2026-12..2026-10")
    with pytest.raises(InputValidationError, match="at most 24"):
        month_list("2026-01..2028-12")
