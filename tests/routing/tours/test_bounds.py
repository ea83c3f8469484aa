"""Every tours parameter is bounded with a message naming it and its range; a depot outside Fujian or in
金门县 is refused as every analysis refuses it; the default depot is in a focus prefecture; every solve
stops within its wall-clock limit."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from geo._errors import InputValidationError, OutsideFujianError
from routing.tours import DEFAULT_DEPOT, TourParams, depot_choices, plan_tours_matrix
from routing.tours.places import depot_place
from tests.routing.tours.test_tours import random_instance


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, r"seed.*0–2147483647"),
        ({"seed": 99999999999}, r"seed.*0–2147483647"),
        ({"iterations": 0}, r"iterations.*1–1000000"),
        ({"iterations": 10**10}, r"iterations.*1–1000000"),
        ({"max_drive_minutes_per_day": -60}, r"max_drive_minutes_per_day.*1–1440"),
        ({"max_drive_minutes_per_day": math.nan}, r"max_drive_minutes_per_day"),
        ({"clinic_minutes": 0}, r"clinic hours"),
        ({"clinic_minutes": math.nan}, r"clinic hours"),
        ({"time_limit_seconds": 0}, r"time_limit_seconds.*1–3600"),
        ({"market_day_factor": 0.5}, r"market_day_factor.*1–10"),
        ({"cover_minutes": math.inf}, r"cover_minutes"),
        ({"teams": 11}, r"teams.*1 to 10"),
        ({"lunch_minutes": -5}, r"lunch_minutes"),
    ],
)
def test_parameters_are_bounded_with_a_message(kwargs: dict, match: str) -> None:
    with pytest.raises(InputValidationError, match=match):
        TourParams(**kwargs)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--seed", "-1"], "seed must be a whole number from 0 to 2147483647"),
        (["--seed", "99999999999"], "seed must be a whole number from 0 to 2147483647"),
        (["--iterations", "1000000000"], "iterations must be a whole number from 1 to 1000000"),
        (["--max-drive-hours", "-1"], "max drive hours must be a number from 0.5 to 24"),
        (["--max-drive-hours", "nan"], "max drive hours must be a number from 0.5 to 24"),
        (["--clinic-hours", "0"], "clinic hours must be a number from 0.25 to 12"),
        (["--clinic-hours", "nan"], "clinic hours must be a number from 0.25 to 12"),
        (["--time-limit", "0"], "time limit must be a number from 1 to 3600"),
        (["--start-date", "2026-10-01"], "not a working day"),
        (["--lunch-window", "07:00-08:00"], "outside the working day"),
        (["--market", "长汀县红山乡=逢13"], "逢13"),
        (["--market", "长汀县红山乡=每月32日"], "每月32日"),
        (["--overnight", ""], "empty"),
    ],
)
def test_cli_refuses_out_of_range_values_without_a_traceback(argv: list[str], match: str, capsys) -> None:
    from routing.tours.__main__ import main

    base = ["--days", "1", "--prefecture", "龙岩", "--min-remoteness", "60", "--iterations", "50"]
    code = main([*base, *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert match in err
    assert "Traceback" not in err


def test_max_drive_hours_no_longer_removes_the_limit_silently(capsys) -> None:
    from routing.tours.__main__ import build_parser, params_from

    args = build_parser().parse_args(["--max-drive-hours", "2"])
    assert params_from(args).max_drive_minutes_per_day == 120
    assert params_from(build_parser().parse_args(["--no-drive-limit"])).max_drive_minutes_per_day is None


def test_depot_outside_fujian_or_in_kinmen_is_refused() -> None:
    guangzhou = pd.DataFrame(
        [
            {
                "facility_id": "U1",
                "name": "广州某医院",
                "lon": 113.26,
                "lat": 23.13,
                "county_code": "440104",
                "prefecture_code": "440100",
                "county_name": "越秀区",
            }
        ]
    )
    with pytest.raises(OutsideFujianError, match=r"不在福建省内|outside Fujian"):
        depot_place("U1", guangzhou)
    with pytest.raises(OutsideFujianError, match="金门县"):
        depot_place("金门县")


def test_depot_in_kinmen_refused_by_the_cli(capsys) -> None:
    from routing.tours.__main__ import main

    assert main(["--depot", "金门县", "--days", "1"]) == 2
    assert "金门县" in capsys.readouterr().err


def test_default_depot_is_in_a_focus_prefecture() -> None:
    from geo.facilities import load_facilities
    from routing.tours.__main__ import build_parser

    assert DEFAULT_DEPOT == "龙岩市第一医院"
    choices = depot_choices(load_facilities())
    assert choices.iloc[0]["name"] == DEFAULT_DEPOT and choices.iloc[0]["prefecture_name"] == "龙岩市"
    assert build_parser().parse_args([]).depot == DEFAULT_DEPOT
    nanping = depot_choices(load_facilities(), ["350700"])
    assert set(nanping["prefecture_code"]) == {"350700"}


def test_every_solve_stops_within_the_time_limit() -> None:
    minutes, km, scores = random_instance(60, seed=9)
    p = TourParams(days=4, teams=2, iterations=1_000_000, time_limit_seconds=3)
    t0 = time.perf_counter()
    plan = plan_tours_matrix(minutes, km, scores, p)
    assert time.perf_counter() - t0 < 3 + 4  # the limit plus set-up and the exact schedules
    assert plan.served
    assert np.isfinite(plan.totals["drive_hours"])
