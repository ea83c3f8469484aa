"""Dated tours, market days, visiting windows, lunch and allowed overnight places (core on hand-made matrices;
dates, rules and overnight places on the embedded data)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from geo._errors import InputValidationError
from routing.tours import Availability, TourParams, plan_tours_matrix
from routing.tours.dates import tour_dates
from routing.tours.market import parse_market_rule, read_visit_rules, visit_rule
from tests.routing.tours.test_tours import line_instance, random_instance


def test_days_follow_the_working_day_calendar() -> None:
    # 2026-12-04 is a Friday: the next touring day is Monday 12-07
    assert tour_dates(dt.date(2026, 12, 3), 3) == (
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 7),
    )
    # 国庆: 2026-10-01…10-07 are holidays, 10-08 the next working day (calendar of routing.calendar)
    dates = tour_dates(dt.date(2026, 9, 30), 2)
    assert dates[0] == dt.date(2026, 9, 30) and dates[1] > dt.date(2026, 10, 7)
    weekend = tour_dates(dt.date(2026, 12, 4), 3, weekends=True)
    assert weekend == (dt.date(2026, 12, 4), dt.date(2026, 12, 5), dt.date(2026, 12, 6))


def test_start_on_a_holiday_without_weekend_touring_says_why() -> None:
    with pytest.raises(InputValidationError, match=r"2026-10-01.*国庆") as err:
        tour_dates(dt.date(2026, 10, 1), 3)
    assert "allow touring on weekends" in str(err.value)
    with pytest.raises(InputValidationError, match=r"周六|周末"):
        tour_dates(dt.date(2026, 12, 5), 3)
    assert tour_dates(dt.date(2026, 10, 1), 2, weekends=True)[1] == dt.date(2026, 10, 2)


@pytest.mark.parametrize(
    ("rule", "days"),
    [
        ("逢3、8", [3, 8, 13, 18, 23, 28]),
        ("逢三逢八", [3, 8, 13, 18, 23, 28]),
        ("逢5、10", [5, 10, 15, 20, 25, 30]),
        ("每月15日", [15]),
        ("每月5、15、25日", [5, 15, 25]),
        ("每周三", [2, 9, 16, 23, 30]),
        ("2026-12-03、2026-12-18", [3, 18]),
        ("逢单", list(range(1, 32, 2))),
        ("农历初一、十五", None),
    ],
)
def test_market_rules_give_the_market_days_of_december_2026(rule: str, days: list[int] | None) -> None:
    if (
        days is None
    ):  # the lunar 每月 form needs 每月: 农历每月初一、十五 → 2026-12-09 (冬月初一), 12-23 (十五)
        parsed = parse_market_rule("农历每月初一、十五")
        days = [9, 23]
    else:
        parsed = parse_market_rule(rule)
    assert parsed is not None
    assert [d for d in range(1, 32) if parsed.is_market(dt.date(2026, 12, d))] == days


def test_lunar_digit_cycle() -> None:
    rule = parse_market_rule("农历逢1、6")
    assert rule is not None
    # 2026-12-04 is 十月廿六, 12-09 冬月初一
    assert rule.is_market(dt.date(2026, 12, 4)) and rule.is_market(dt.date(2026, 12, 9))
    assert not rule.is_market(dt.date(2026, 12, 3))


@pytest.mark.parametrize(
    ("rule", "match"), [("逢13", "个位数字"), ("每月32日", "1–31"), ("每周八", "每周"), ("逢", None)]
)
def test_unparseable_market_rules_name_the_township(rule: str, match: str | None) -> None:
    with pytest.raises(InputValidationError, match=match) as err:
        parse_market_rule(rule, "乡镇 长汀县红山乡")
    assert "长汀县红山乡" in str(err.value) and rule in str(err.value)


def test_visiting_window_closing_before_it_opens_names_the_township() -> None:
    with pytest.raises(InputValidationError, match=r"长汀县红山乡.*closes before it opens"):
        visit_rule("逢3", False, "14:00", "12:00", "长汀县红山乡")
    with pytest.raises(InputValidationError, match="market day only"):
        visit_rule("", True, "", "", "长汀县红山乡")


def test_rules_table_upload_lists_every_bad_row(tmp_path) -> None:
    good = tmp_path / "rules.csv"
    good.write_text("乡镇,圩日,仅圩日,开放,结束\n长汀县红山乡,逢3、8,是,08:00,12:30\n", encoding="utf-8")
    rules = read_visit_rules(good, resolve=lambda t: "X" + t)
    rule = rules["X长汀县红山乡"]
    assert rule.market_only and rule.open_minutes == 480 and rule.close_minutes == 750
    bad = tmp_path / "bad.csv"
    bad.write_text("乡镇,圩日\n红山乡,逢13\n涂坊镇,每月32日\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as err:
        read_visit_rules(bad)
    assert "红山乡" in str(err.value) and "涂坊镇" in str(err.value) and "第2行" in str(err.value)


def _avail(n: int, days: int, p: TourParams) -> Availability:
    return Availability.every_day(n, days, p.day_start_minutes, p.day_end_minutes)


def test_market_day_raises_priority_and_market_only_restricts_the_day() -> None:
    """Two equal townships, room for one clinic a day on two days: the market-day one is visited on its
    market day; a market-day-only township is never visited on another day."""
    minutes, km = line_instance(2, 30.0)
    p = TourParams(
        days=2, clinic_minutes=480, lunch_minutes=0, iterations=300, max_drive_minutes_per_day=None
    )
    a = _avail(2, 2, p)
    factor = np.array([[1.0, 1.0], [1.0, 1.5]])  # township 2's market day is day 2
    market = np.array([[False, False], [False, True]])
    plan = plan_tours_matrix(
        minutes, km, np.ones(2), p, availability=Availability(a.open_minutes, a.close_minutes, factor, market)
    )
    day_of = {s.index: d.day for d in plan.days for s in d.stops}
    assert day_of[1] == 2 and day_of[0] == 1
    assert plan.totals["market_day_visits"] == 1 and plan.totals["priority_weighted"] == pytest.approx(2.5)
    only = Availability(a.open_minutes, a.close_minutes, np.array([[1.0, 1.0], [0.0, 1.5]]), market)
    one_day = TourParams(days=2, clinic_minutes=480, lunch_minutes=0, iterations=300)
    plan = plan_tours_matrix(minutes, km, np.ones(2), one_day, availability=only)
    assert all(s.index != 1 or d.day == 2 for d in plan.days for s in d.stops)


def test_opening_hours_are_kept() -> None:
    minutes, km, scores = random_instance(12, seed=4)
    p = TourParams(days=2, clinic_minutes=120, iterations=400)
    a = _avail(12, 2, p)
    opens, closes = a.open_minutes.copy(), a.close_minutes.copy()
    opens[:6] = 13 * 60  # afternoon only
    closes[6:] = 12 * 60  # morning only
    plan = plan_tours_matrix(
        minutes, km, scores, p, availability=Availability(opens, closes, a.factor, a.market)
    )
    assert plan.served
    for d in plan.days:
        for s in d.stops:
            assert s.clinic_start_minutes >= opens[s.index, d.day - 1] - 1e-6
            assert s.departure_minutes <= closes[s.index, d.day - 1] + 1e-6


def test_lunch_break_within_its_window_and_no_clinic_runs_through_it() -> None:
    minutes, km, scores = random_instance(25, seed=2)
    p = TourParams(days=3, teams=2, clinic_minutes=150, iterations=500)
    plan = plan_tours_matrix(minutes, km, scores, p)
    lunches = 0
    for d in plan.days:
        if d.end_minutes <= p.lunch_earliest_minutes:
            continue
        assert d.lunch is not None, d
        lunches += 1
        assert p.lunch_earliest_minutes - 1e-6 <= d.lunch.start_minutes
        assert d.lunch.end_minutes <= p.lunch_latest_minutes + 1e-6
        assert d.lunch.end_minutes - d.lunch.start_minutes == pytest.approx(60)
        for s in d.stops:  # a clinic overlapping lunch pauses for it (its span includes the hour)
            overlaps = (
                s.clinic_start_minutes < d.lunch.end_minutes and d.lunch.start_minutes < s.departure_minutes
            )
            if overlaps:
                assert s.lunch_inside_minutes == pytest.approx(60)
                assert s.departure_minutes - s.clinic_start_minutes == pytest.approx(150 + 60)
        assert d.end_minutes <= p.day_end_minutes + 1e-6
    assert lunches


def test_lunch_shows_in_the_itinerary() -> None:
    from routing.tours import outputs

    minutes, km, scores = random_instance(10, seed=6)
    plan = plan_tours_matrix(
        minutes,
        km,
        scores,
        TourParams(days=2, iterations=300),
        dates=[dt.date(2026, 12, 3), dt.date(2026, 12, 4)],
    )
    frame = outputs.itinerary_frame(plan, "zh", as_text=True)
    assert (frame["类型"] == "午餐").sum() >= 1
    assert set(frame["日期"]) == {"2026-12-03 周四", "2026-12-04 周五"}
    assert (outputs.itinerary_frame(plan, "en", as_text=True)["Type"] == "lunch").sum() >= 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lunch_earliest_minutes": 420}, "lunch window .* outside the working day"),
        ({"lunch_latest_minutes": 1140}, "outside the working day"),
        ({"lunch_earliest_minutes": 720, "lunch_latest_minutes": 750}, "shorter than the lunch break"),
    ],
)
def test_lunch_window_outside_the_day_is_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(InputValidationError, match=match):
        TourParams(**kwargs)


def test_teams_sleep_only_at_allowed_places() -> None:
    minutes, km, scores = random_instance(20, seed=8)
    allowed = np.zeros(21, bool)
    allowed[[0, 3, 7, 12]] = True
    p = TourParams(days=3, teams=1, iterations=500)
    plan = plan_tours_matrix(minutes, km, scores, p, overnight_places=allowed)
    for d in plan.days[:-1]:
        assert allowed[d.overnight_place], d
    with pytest.raises(InputValidationError, match="empty"):
        plan_tours_matrix(minutes, km, scores, p, overnight_places=np.zeros(21, bool))


def test_extra_places_serve_only_as_overnight_places() -> None:
    """A hotel (location 3, not a candidate) halfway along a long line is where the team sleeps."""
    pos = np.array([0.0, 400.0, 420.0, 220.0])
    minutes = np.abs(pos[:, None] - pos[None, :])
    p = TourParams(
        days=2,
        clinic_minutes=120,
        lunch_minutes=0,
        iterations=300,
        max_drive_minutes_per_day=None,
        return_to_depot=False,
    )
    allowed = np.array([True, False, False, True])
    plan = plan_tours_matrix(
        minutes, minutes, np.ones(2), p, overnight_places=allowed, names=["depot", "A", "B", "hotel"]
    )
    assert sorted(plan.served) == [0, 1]
    assert plan.days[0].overnight_place == 3 and plan.names[3] == "hotel"
