"""Pairing cores (hospitals → centers, tertiary → weak counties) on small hand-made matrices."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from geo._errors import InfeasibleError, InputValidationError
from routing.pairing import (
    PairingParams,
    greedy_nearest,
    pair_from_matrix,
    pair_tertiary_from_matrix,
)
from tests.paths import ROOT

INF = np.inf


def _two_counties(**kw):
    """Prefecture P: county A (centers 0, 1; hospital a), county B (centers 2, 3; hospital b), city c.

    Travel minutes are chosen so that the optimum is obvious: a→0, b→2 are 10 min; the city hospital is 30
    min from everything, so with a 30% city share (⌈1.2⌉ = 2 days) it takes the two centers its county
    hospital reaches worst.
    """
    minutes = np.array([[10, 20, 30, 80], [50, 40, 10, 90], [30, 30, 30, 30.0]])
    args = dict(
        hospital_county=["A", "B", "X"],
        hospital_prefecture=["P"] * 3,
        hospital_is_city=[0, 0, 1],
        center_county=["A", "A", "B", "B"],
        center_prefecture=["P"] * 4,
        hospital_names=["a", "b", "c"],
        center_names=["A0", "A1", "B2", "B3"],
    )
    args.update(kw)
    return minutes, args


def _brute_force(minutes, caps, allowed, lower_city, is_city):
    """Exhaustive optimum for demand 1 per center (tiny instances only)."""
    n_h, n_c = minutes.shape
    best = INF
    for choice in itertools.product(range(n_h), repeat=n_c):
        if not all(allowed[h, c] for c, h in enumerate(choice)):
            continue
        if any(choice.count(h) > caps[h] for h in range(n_h)):
            continue
        if sum(is_city[h] for h in choice) < lower_city:
            continue
        best = min(best, sum(minutes[h, c] for c, h in enumerate(choice)))
    return best


def test_obvious_optimum_total_and_city_share():
    minutes, args = _two_counties()
    r = pair_from_matrix(minutes, [2, 2, 2], **args)
    pairs = {(int(h), int(c)) for h, c in zip(r.hospital, r.center, strict=True)}
    assert pairs == {(0, 0), (1, 2), (2, 1), (2, 3)}
    assert r.total_minutes == pytest.approx(10 + 10 + 30 + 30)
    assert r.optimal and r.bound_minutes == r.objective_minutes
    assert r.city_days == {"P": 2} and r.total_days == {"P": 4}


def test_max_objective_minimises_bottleneck():
    minutes, args = _two_counties()
    # without the city share the total optimum uses a→1 (20) and b→3 (90); the bottleneck optimum avoids b→3.
    params_total = PairingParams(city_share_min=None)
    params_max = PairingParams(city_share_min=None, objective="max")
    r_total = pair_from_matrix(minutes, [2, 2, 2], params=params_total, **args)
    r_max = pair_from_matrix(minutes, [2, 2, 2], params=params_max, **args)
    assert r_total.max_minutes == 30.0  # city hospital covers B3 at 30 < 90
    assert r_max.max_minutes <= r_total.max_minutes
    assert r_max.objective_minutes == pytest.approx(r_max.max_minutes)


def test_matches_brute_force_on_random_instances():
    rng = np.random.default_rng(7)
    for _ in range(25):
        n_h, n_c = 3, 6
        minutes = rng.integers(5, 120, size=(n_h, n_c)).astype(float)
        minutes[rng.random((n_h, n_c)) < 0.15] = INF
        caps = rng.integers(1, 4, size=n_h)
        h_county = ["A", "B", "X"]
        c_county = list(rng.choice(["A", "B"], size=n_c))
        is_city = np.array([False, False, True])
        allowed = np.isfinite(minutes) & (
            (np.array(h_county)[:, None] == np.array(c_county)[None, :]) | is_city[:, None]
        )
        lower = int(np.ceil(0.3 * n_c))
        expected = _brute_force(minutes, caps, allowed, lower, is_city)
        kw = dict(
            hospital_county=h_county,
            hospital_prefecture=["P"] * 3,
            hospital_is_city=is_city,
            center_county=c_county,
            center_prefecture=["P"] * n_c,
        )
        if not np.isfinite(expected):
            with pytest.raises(InfeasibleError):
                pair_from_matrix(minutes, caps, **kw)
            continue
        r = pair_from_matrix(minutes, caps, **kw)
        assert r.total_minutes == pytest.approx(expected)


def test_short_capacity_names_prefecture_and_shortfall():
    minutes, args = _two_counties()
    with pytest.raises(InfeasibleError, match=r"P: 4 centers need 4 doctor-days, hospitals offer 3"):
        pair_from_matrix(minutes, [1, 2, 0], **args)


def test_short_city_share_is_named():
    minutes, args = _two_counties()
    with pytest.raises(
        InfeasibleError,
        match=r"P: city hospitals must supply ≥ 2 of 4 doctor-days \(30%\), "
        r"they offer 1",
    ):
        pair_from_matrix(minutes, [2, 2, 1], **args)


def test_unreachable_center_is_named():
    minutes, args = _two_counties()
    minutes[:, 3] = INF
    with pytest.raises(InfeasibleError, match=r"no hospital can reach.*B3"):
        pair_from_matrix(minutes, [3, 3, 3], **args)


def test_hard_county_rule_names_out_of_scope_center():
    minutes, args = _two_counties(hospital_is_city=[0, 0, 0])
    minutes[1, 3] = INF  # B3 now reachable only from a (other county) and c (not a city hospital here)
    with pytest.raises(InfeasibleError, match=r"within its scope \(县域内 rule is hard\): B3"):
        pair_from_matrix(minutes, [3, 3, 3], params=PairingParams(city_share_min=None), **args)
    soft = PairingParams(city_share_min=None, county_rule="soft", out_of_county_penalty_minutes=100)
    r = pair_from_matrix(minutes, [3, 3, 3], params=soft, **args)
    assert r.out_of_county.sum() >= 1
    assert r.objective_minutes > r.total_minutes  # the penalty counts in the objective, not in travel


def test_hall_violation_inside_a_county_is_found_by_the_cut():
    """Centers 0 and 1 can only be served by hospital a (capacity 1): county-level totals look fine."""
    minutes = np.array([[10, 10, 10], [INF, INF, 20.0]])
    with pytest.raises(InfeasibleError, match=r"2 centers \(A\) need 2 doctor-days.*\(a\) offer 1"):
        pair_from_matrix(
            minutes,
            [1, 5],
            hospital_county=["A", "A"],
            hospital_prefecture=["P", "P"],
            hospital_is_city=[0, 0],
            center_county=["A"] * 3,
            center_prefecture=["P"] * 3,
            hospital_names=["a", "b"],
            params=PairingParams(city_share_min=None),
        )


def test_same_inputs_same_plan():
    rng = np.random.default_rng(3)
    minutes = rng.uniform(5, 200, size=(12, 150)).round(1)
    counties = [f"K{i % 6}" for i in range(150)]
    kw = dict(
        hospital_county=[f"K{i % 6}" for i in range(12)],
        hospital_prefecture=["P"] * 12,
        hospital_is_city=[i >= 10 for i in range(12)],
        center_county=counties,
        center_prefecture=["P"] * 150,
    )
    caps = [20] * 10 + [40, 40]
    a = pair_from_matrix(minutes, caps, **kw)
    b = pair_from_matrix(minutes.copy(), list(caps), **kw)
    for field in ("hospital", "center", "days"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.total_minutes == b.total_minutes


def test_optimum_beats_or_equals_greedy():
    rng = np.random.default_rng(11)
    minutes = rng.uniform(5, 200, size=(8, 80)).round(1)
    kw = dict(
        hospital_county=[f"K{i % 4}" for i in range(8)],
        hospital_prefecture=["P"] * 8,
        hospital_is_city=[i >= 6 for i in range(8)],
        center_county=[f"K{i % 4}" for i in range(80)],
        center_prefecture=["P"] * 80,
    )
    caps = [12] * 6 + [20, 20]
    opt = pair_from_matrix(minutes, caps, **kw)
    greedy = greedy_nearest(minutes, caps, **kw)
    assert opt.total_minutes <= greedy.total_minutes + 1e-9
    assert greedy.city_days["P"] >= 24 and opt.city_days["P"] >= 24


def test_bad_inputs_are_named():
    minutes, args = _two_counties()
    with pytest.raises(InputValidationError, match=r"capacity_days\[1\] = -1.0"):
        pair_from_matrix(minutes, [2, -1, 2], **args)
    with pytest.raises(InputValidationError, match="objective must be"):
        PairingParams(objective="fastest")
    with pytest.raises(InputValidationError, match="city_share_min"):
        PairingParams(city_share_min=30)


def test_tertiary_pairing_is_balanced_and_optimal():
    rng = np.random.default_rng(0)
    minutes = rng.uniform(60, 400, size=(8, 25)).round(1)
    r = pair_tertiary_from_matrix(minutes)
    assert set(r.counties_per_hospital.tolist()) <= {3, 4}
    assert r.counties_per_hospital.sum() == 25
    # exactness on a small instance against brute force over all balanced assignments
    small = rng.uniform(10, 100, size=(2, 5)).round(1)
    best = min(
        sum(small[h, k] for k, h in enumerate(ch))
        for ch in itertools.product(range(2), repeat=5)
        if sorted((ch.count(0), ch.count(1))) == [2, 3]
    )
    assert pair_tertiary_from_matrix(small).total_minutes == pytest.approx(best)


def test_tertiary_infeasible_messages():
    with pytest.raises(InfeasibleError, match=r"2 hospitals × at most 2 counties = 4 < 5 weak counties"):
        pair_tertiary_from_matrix(np.ones((2, 5)), max_per_hospital=2)
    m = np.ones((2, 4))
    m[:, 1] = INF
    with pytest.raises(InfeasibleError, match=r"no tertiary hospital reaches: 长汀县"):
        pair_tertiary_from_matrix(m, county_names=["a", "长汀县", "c", "d"])


# --- adapters on the embedded facility table (estimated network; matrix cache in a temp dir) ----------------


@pytest.fixture
def estimated(tmp_path, monkeypatch):
    """The estimated network, with any on-disk cache redirected to a temporary directory."""
    from geo.network import EstimatedNetwork

    monkeypatch.setenv("XUNZHEN_CACHE_DIR", str(tmp_path))
    return EstimatedNetwork()


def test_zhangping_worked_example(estimated):
    """漳卫〔2022〕60号: 16 centers, 16 doctors (6 from Longyan city hospitals), ≥ 1 day a month each."""
    from routing.pairing import load_example_scenario, plan_pairing, read_capacities

    caps = read_capacities(load_example_scenario()["capacities_zhangping"], source="example")
    plan = plan_pairing(county="漳平市", capacities=caps, network=estimated)
    assert len(plan.centers) == 16 and plan.pairs["center_id"].nunique() == 16
    assert plan.pairs["days"].sum() == 16
    assert plan.result.city_days == {"龙岩市": 6}  # the plan's 6 city-hospital doctors, every day used
    assert plan.estimated and plan.pairs["estimated"].all()
    assert plan.result.optimal and plan.result.bound_minutes == pytest.approx(plan.result.total_minutes)
    assert (plan.pairs["county"] == "漳平市").all()


def test_adapter_same_inputs_same_plan(estimated):
    from routing.pairing import plan_pairing

    a = plan_pairing(prefecture="龙岩", network=estimated)
    b = plan_pairing(prefecture="龙岩市", network=estimated)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    assert a.result.city_days["龙岩市"] >= 0.3 * len(a.centers)


def test_adapter_short_capacity_message(estimated):
    """133 centers: the 2 without coordinates (上杭县下都镇, 连城县四堡镇) are planned too."""
    from routing.pairing import capacity_table, plan_pairing

    table = capacity_table(prefecture="龙岩")
    caps = {
        fid: (10 if t == "county_hospital" else 20)
        for fid, t in zip(table["facility_id"], table["facility_type"], strict=True)
    }
    n_county = int((table["facility_type"] == "county_hospital").sum())
    offer = 10 * n_county + 20 * int((table["facility_type"] == "city_hospital").sum())
    with pytest.raises(
        InfeasibleError, match=rf"龙岩市: 133 centers need 133 doctor-days, hospitals offer {offer}"
    ):
        plan_pairing(prefecture="龙岩", capacities=caps, network=estimated)


def test_adapter_unreachable_center_is_named(estimated):
    from geo.facilities import load_facilities
    from routing.pairing import PairingParams, plan_pairing

    fac = load_facilities().copy()
    row = fac.index[fac["facility_id"] == "PHC-350881100000"][0]  # 漳平市新桥中心卫生院
    fac.loc[row, ["lon", "lat"]] = [119.9, 23.9]  # moved far away: beyond the allowed minutes
    with pytest.raises(
        InfeasibleError, match=r"no hospital reaches within the allowed minutes.*漳平市新桥中心卫生院"
    ):
        plan_pairing(fac, county="漳平市", network=estimated, params=PairingParams(max_minutes=150))


def test_unknown_scope_and_bad_capacity_file(tmp_path, estimated):
    from geo._errors import UnknownPlaceError
    from routing.pairing import plan_pairing, read_capacities

    with pytest.raises(UnknownPlaceError, match="county '漳平县' not found"):
        plan_pairing(county="漳平县", network=estimated)
    bad = tmp_path / "caps.csv"
    bad.write_text("facility_id,capacity_days\nCH-350881,10\nCITY-350800-01,三\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match=r"caps.csv row 3, column capacity_days: '三'"):
        read_capacities(str(bad))


def test_tertiary_example_is_balanced(estimated):
    from routing.pairing import load_example_scenario, plan_tertiary_pairing

    ex = load_example_scenario()
    assert len(ex["tertiary"]) == 8 and len(ex["weak_counties"]) == 25
    assert ex["weak_counties"]["basis"].str.contains("示例").all()
    tp = plan_tertiary_pairing(
        ex["tertiary"]["facility_id"].tolist(),
        (ex["weak_counties"]["prefecture_name"] + ex["weak_counties"]["county_name"]).tolist(),
        network=estimated,
    )
    counts = tp.pairs.groupby("hospital_id").size()
    assert counts.between(3, 4).all() and counts.sum() == 25 and len(counts) == 8


def test_cli_zhangping_writes_forms(tmp_path, estimated, capsys):
    from openpyxl import load_workbook

    from routing.pairing.__main__ import main

    out = tmp_path / "zp.xlsx"
    code = main(
        [
            "--county",
            "漳平市",
            "--month",
            "2026-10",
            "--example-capacities",
            "--max-days-per-doctor",
            "1",
            "--xlsx",
            str(out),
            "--csv-dir",
            str(tmp_path / "csv"),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "估算" in text and "estimated" in text
    assert "16 名医师 doctors" in text
    wb = load_workbook(out)
    assert {"结对", "排班", "日历2026-10", "附件1", "附件2", "说明"} <= set(wb.sheetnames)
    assert (tmp_path / "csv" / "annex2.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["--county", "不存在县"]) == 2
    assert "unknown place" in capsys.readouterr().err


@pytest.mark.slow
def test_page_smoke():
    """The page runs, and a click on the run button shows the four metrics (AppTest, no browser)."""

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "20_pairing.py"), default_timeout=180)
    at.run()
    assert not at.exception
    next(b for b in at.button if b.label == "生成结对与排班").click()
    at.run()
    assert not at.exception
    assert [m.label for m in at.metric][:2] == ["受援中心", "每月人日"]


def test_extra_allowed_lets_a_tertiary_hospital_serve_a_paired_county():
    """Hospital t sits in another prefecture; only the tertiary pairing (extra_allowed) lets it serve B."""
    minutes = np.array([[10, 15, 200.0], [300, 300, 120.0]])
    kw = dict(
        hospital_county=["A", "T"],
        hospital_prefecture=["P", "Q"],
        hospital_is_city=[0, 0],
        center_county=["A", "A", "B"],
        center_prefecture=["P"] * 3,
        hospital_names=["a", "t"],
        center_names=["A0", "A1", "B2"],
        params=PairingParams(city_share_min=None),
    )
    with pytest.raises(InfeasibleError, match="B2"):
        pair_from_matrix(minutes, [5, 5], **kw)
    extra = np.array([[False, False, False], [False, False, True]])
    r = pair_from_matrix(minutes, [5, 5], extra_allowed=extra, **kw)
    assert {(int(h), int(c)) for h, c in zip(r.hospital, r.center, strict=True)} == {(0, 0), (0, 1), (1, 2)}


def test_library_imports_without_streamlit():
    import subprocess
    import sys

    code = (
        "import sys, routing.pairing, routing.pairing.roster, routing.pairing.forms, "
        "routing.pairing.progress, "
        "routing.pairing.map; "
        "sys.exit(1 if 'streamlit' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
