"""The programme year: every center every month, holidays, eligibility, availability, caps, rotation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from geo._errors import InfeasibleError, InputValidationError
from routing.calendar import CalendarOverrides, is_working_day, statutory_holidays
from routing.programme import ProgrammeParams, plan_year
from routing.programme.solver import solve_month


def test_zhangping_2027_every_center_every_month(zhangping_2027):
    plan = zhangping_2027
    v = plan.visits
    assert plan.months == [f"2027-{m:02d}" for m in range(1, 13)]
    per_month = v.groupby("month")["center_id"].nunique()
    assert (per_month == 16).all() and len(plan.centers) == 16
    assert (plan.summary["centers_covered"] == 16).all()
    holidays = set(statutory_holidays(2027))
    assert not set(v["date"]) & holidays  # no visit on a statutory holiday
    assert all(is_working_day(d) for d in v["date"])
    assert v["provisional"].all()  # 2027 is not in chinese_calendar: 暂定
    assert "D010" not in set(v["doctor_id"])  # 住院医师: never assigned
    months = v.assign(m=[d.month for d in v["date"]])
    assert not months[(months["doctor_id"] == "D003") & (months["m"] > 6)].shape[0]  # available 1-6
    assert set(months.loc[months["doctor_id"] == "D006", "m"]) == set(range(3, 13))  # 3-12, ≥1 day each month
    assert set(months.loc[months["doctor_id"] == "D008", "m"]) == {1, 2, 7, 8, 9, 10, 11, 12}
    assert months[months["doctor_id"] == "D004"].groupby("m").size().max() <= 2  # cap 2
    assert not v.duplicated(["date", "doctor_id"]).any()  # one center a day per doctor
    eligible = plan.doctors[plan.doctors["eligible"]]
    for row in eligible.itertuples():
        avail = [m for m in range(1, 13) if m in _months(row.months)]
        got = set(months.loc[months["doctor_id"] == row.doctor_id, "m"])
        assert got == set(avail), row.doctor_id  # every available doctor ≥ 1 day every available month


def _months(text):
    from routing.programme.register import parse_months

    return parse_months(text)


def test_rotation_spreads_doctors_and_city_share(zhangping_2027):
    v = zhangping_2027.visits
    distinct = v.groupby("center_id")["doctor_id"].nunique()
    assert distinct.min() >= 6  # a center sees several doctors over the year
    city = v.groupby("month").apply(lambda g: (g["hospital_type"] == "city_hospital").mean())
    assert (city >= 0.30).all()


def test_deterministic(register, facilities, estimated, zhangping_2027):
    again = plan_year(register, year=2027, county="漳平市", facilities=facilities, network=estimated)
    assert again.visits.equals(zhangping_2027.visits)


def test_overrides_move_visits_off_planner_holidays(register, facilities, estimated):
    day = dt.date(2027, 3, 15)
    over = CalendarOverrides(holidays=frozenset({day}))
    plan = plan_year(register, year=2027, county="漳平市", facilities=facilities, network=estimated,
                     overrides=over, months=[3])  # fmt: skip
    assert day not in set(plan.visits["date"]) and len(plan.visits) >= 16


def test_centers_without_coordinates_are_planned_travel_unknown(facilities, estimated):
    plan = plan_year(None, year=2027, county="上杭县", facilities=facilities, network=estimated, months=[1])
    unknown = plan.visits[plan.visits["travel_unknown"]]
    assert "上杭县下都镇卫生院" in " ".join(unknown["center"]) or "下都" in " ".join(unknown["center"])
    assert unknown["minutes"].isna().all()
    assert plan.visits["center_id"].nunique() == len(plan.centers)
    assert (plan.visits["doctor"] == "").all()  # no register: names left empty, never placeholders


def test_shortfall_names_month_county_and_doctor_days(facilities, estimated, register):
    few = register.doctors.iloc[:3]
    from routing.programme.register import Register

    small = Register(few, register.rejected, (), "few")
    pattern = r"2027-01 龙岩市漳平市：16 个中心需 16 人日，可派医师最多 12 人日，缺 4 人日"
    with pytest.raises(InfeasibleError, match=pattern):
        plan_year(small, year=2027, county="漳平市", facilities=facilities, network=estimated, months=[1])


def test_params_are_checked():
    with pytest.raises(InputValidationError, match="default_max_days"):
        ProgrammeParams(default_max_days=0)
    with pytest.raises(InputValidationError, match="seed"):
        ProgrammeParams(seed=-1)


def test_solver_meets_lower_bounds_exactly():
    cost = np.array([[1.0, 5.0, 9.0], [9.0, 1.0, 5.0]])
    allowed = np.ones_like(cost, dtype=bool)
    sol = solve_month(cost, allowed, np.array([2, 2]), np.array([1, 1]), np.array([1, 1, 1]))
    assert sol.feasible and sol.days.sum() == 3
    assert sol.cost == pytest.approx(1 + 1 + 5)  # the cheapest cover
    short = solve_month(cost, allowed, np.array([1, 1]), np.array([1, 1]), np.array([1, 1, 1]))
    assert not short.feasible and short.center_short.sum() == 1
