"""Tests of the mobile-hospital tour planner (core on hand-made matrices; adapter on the embedded data when
present)."""

from __future__ import annotations

import numpy as np
import pytest

from geo._errors import InfeasibleError, InputValidationError
from routing.tours._types import TourParams, hhmm
from routing.tours.core import plan_tours_matrix
from routing.tours.priority import PriorityWeights, priority_scores
from tests.paths import ROOT, TEST_DATA


def line_instance(n: int = 6, step: float = 60.0) -> tuple[np.ndarray, np.ndarray]:
    """Depot at 0 and n townships on a line, ``step`` minutes apart (km = minutes): obvious chaining by
    day."""
    pos = np.arange(n + 1) * step
    minutes = np.abs(pos[:, None] - pos[None, :])
    return minutes, minutes.copy()


def random_instance(n: int = 25, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n random townships in a 150 × 150 km square around a central depot, 40 km/h with circuity 1.3."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 150, (n + 1, 2))
    xy[0] = (75, 75)
    km = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) * 1.3
    return km / 40 * 60, km, rng.uniform(0, 1, n)


def test_line_tour_sleeps_on_the_road_and_respects_windows() -> None:
    minutes, km = line_instance(6, 60.0)
    p = TourParams(days=3, teams=1, clinic_minutes=180, max_drive_minutes_per_day=None, iterations=500)
    plan = plan_tours_matrix(minutes, km, np.ones(6), p)
    # 3 days, each 10 h: every township reachable; 6 clinics of 3 h in 3 days (2 a day) fit, return 6 h on
    # day 3?
    assert len(plan.days) == 3
    for d in plan.days:
        assert d.end_minutes <= p.day_end_minutes + 1e-6
        for s in d.stops:
            assert s.clinic_start_minutes >= p.day_start_minutes
            assert s.departure_minutes - s.clinic_start_minutes == pytest.approx(180)
    # days chain: each day starts where the previous one slept
    for a, b in zip(plan.days, plan.days[1:], strict=False):
        assert b.start_place == a.overnight_place
    assert plan.days[-1].overnight_place == 0  # back at the depot at the end
    served = plan.served
    assert len(served) == len(set(served))


def test_overnight_stay_serves_more_than_returning_nightly() -> None:
    minutes, km = line_instance(6, 90.0)
    base = dict(days=3, teams=1, clinic_minutes=120, max_drive_minutes_per_day=None, iterations=500)
    stay = plan_tours_matrix(minutes, km, np.ones(6), TourParams(**base, overnight="stay"))
    home = plan_tours_matrix(minutes, km, np.ones(6), TourParams(**base, overnight="depot"))
    assert all(d.overnight_place == 0 for d in home.days)
    # nightly return: 2·90·k + 120 ≤ 600 → only townships 1 and 2 (k ≤ 2) are servable at all
    assert {lo.index for lo in home.left_out if lo.reason == "too_far_for_a_day"} == {2, 3, 4, 5}
    assert len(stay.served) > len(home.served)


def test_daily_drive_limit_is_respected() -> None:
    minutes, km, scores = random_instance(25)
    p = TourParams(days=3, teams=1, max_drive_minutes_per_day=150, clinic_minutes=90, iterations=800)
    plan = plan_tours_matrix(minutes, km, scores, p)
    assert not plan.warnings
    for d in plan.days:
        assert d.drive_minutes <= 150 + 1e-6
        assert d.end_minutes <= p.day_end_minutes + 1e-6


def test_same_inputs_same_seed_same_plan() -> None:
    minutes, km, scores = random_instance(30, seed=3)
    p = TourParams(days=3, teams=2, iterations=600, seed=7)
    a = plan_tours_matrix(minutes, km, scores, p)
    b = plan_tours_matrix(minutes, km, scores, p)
    assert a.days == b.days
    assert a.left_out == b.left_out


def test_priority_first_when_budget_binds() -> None:
    """One day, one team, room for two 4-hour clinics: the two high-priority townships win over nearer
    ones."""
    minutes, km = line_instance(4, 10.0)
    scores = np.array([0.0, 0.0, 1.0, 1.0])
    p = TourParams(
        days=1, clinic_minutes=240, max_drive_minutes_per_day=None, iterations=300, lunch_minutes=0
    )
    plan = plan_tours_matrix(minutes, km, scores, p)
    assert sorted(plan.served) == [2, 3]
    assert {lo.reason for lo in plan.left_out} == {"budget"}


def test_multiple_teams_split_work_and_all_days_chain() -> None:
    minutes, km, scores = random_instance(20, seed=5)
    p = TourParams(days=2, teams=2, iterations=500)
    plan = plan_tours_matrix(minutes, km, scores, p)
    assert {d.team for d in plan.days} == {1, 2}
    assert len(plan.days) == 4
    assert len(plan.served) == len(set(plan.served))


def test_covering_tour_counts_neighbours() -> None:
    minutes, km = line_instance(5, 20.0)
    p = TourParams(
        days=1,
        clinic_minutes=480,
        cover_minutes=25,
        max_drive_minutes_per_day=None,
        iterations=200,
        lunch_minutes=0,
    )
    plan = plan_tours_matrix(minutes, km, np.ones(5), p, population=np.full(5, 1000.0))
    assert len(plan.served) == 1
    assert plan.totals["townships_covered"] == 3  # the stop and its two neighbours 20 min away
    assert plan.totals["population_covered_est"] == 3000.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"days": 0}, "days must be"),
        ({"days": 15}, "days must be"),
        ({"teams": 0}, "teams must be"),
        ({"clinic_minutes": 700}, "shorten the clinic or widen the window"),
        ({"day_start_minutes": 600, "day_end_minutes": 540}, "window"),
        ({"overnight": "tent"}, "overnight"),
    ],
)
def test_bad_parameters_say_what_to_change(kwargs: dict, match: str) -> None:
    with pytest.raises(InputValidationError, match=match):
        TourParams(**kwargs)


def test_required_township_out_of_reach_says_what_to_relax() -> None:
    minutes, km = line_instance(3, 60.0)
    minutes[:, 3] = minutes[3, :] = 700.0  # township 3 is 11 h 40 from anything
    minutes[3, 3] = 0.0
    p = TourParams(days=3, iterations=100)
    req = np.array([False, False, True])
    with pytest.raises(InfeasibleError, match="widen the working window"):
        plan_tours_matrix(minutes, km, np.ones(3), p, required=req)
    plan = plan_tours_matrix(minutes, km, np.ones(3), p)
    assert [lo.reason for lo in plan.left_out] == ["too_far_for_a_day"]


def test_unreachable_township_is_left_out_with_reason() -> None:
    minutes, km = line_instance(3, 30.0)
    minutes[0, 2] = minutes[2, 0] = np.inf
    plan = plan_tours_matrix(minutes, km, np.ones(3), TourParams(days=1, iterations=100))
    assert [(lo.index, lo.reason) for lo in plan.left_out] == [(1, "unreachable")]


def test_malformed_matrix_is_rejected() -> None:
    with pytest.raises(InputValidationError, match="matrices"):
        plan_tours_matrix(np.zeros((3, 3)), np.zeros((3, 3)), np.ones(3), TourParams())


def test_priority_score_formula() -> None:
    w = PriorityWeights(
        remoteness=1,
        population=1,
        left_out=1,
        months_since_visit=0,
        remoteness_cap_minutes=120,
        threshold_minutes=60,
    )
    s = priority_scores(np.array([0.0, 60.0, 240.0]), np.array([100.0, 50.0, np.nan]), None, w)
    np.testing.assert_allclose(s, [(0 + 1 + 0) / 3, (0.5 + 0.5 + 0) / 3, (1 + 0 + 1) / 3])
    assert priority_scores(np.array([np.inf]))[0] > 0.5  # unreachable hospital counts as most remote


def test_hhmm() -> None:
    assert hhmm(480) == "08:00"
    assert hhmm(1440 + 61) == "01:01"


# --- adapter, outputs, CLI and page on the embedded dataset (estimated network)


@pytest.fixture(autouse=True, scope="module")
def _private_cache(tmp_path_factory):
    """Matrix cache in a temporary folder, never the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XUNZHEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def nanping_tour():
    """A 2-day, 1-team tour from 南平市第一医院 over Nanping's townships ≥ 45 min from a county hospital."""
    from geo.network import EstimatedNetwork
    from routing.tours import plan_fujian_tours

    p = TourParams(days=2, iterations=400)
    return plan_fujian_tours(
        "南平市第一医院",
        prefectures=["南平"],
        params=p,
        network=EstimatedNetwork(),
        min_remoteness_minutes=45,
    )


def test_fujian_adapter_plans_an_estimated_tour(nanping_tour) -> None:
    tour = nanping_tour
    plan = tour.plan
    assert plan.estimated
    # depot, candidates, then the hospitals in scope (extra overnight places)
    assert tour.lonlat.shape == (len(plan.names), 2) and len(plan.names) > len(plan.scores) + 1
    assert (tour.candidates["remoteness_minutes"] >= 45).all()
    assert (tour.candidates["prefecture_name"] == "南平市").all()
    assert not (tour.candidates["kind"] == "街道").any()
    assert 1 <= len(plan.served) <= 6
    assert len(plan.served) + len(plan.left_out) == len(plan.scores)
    for d in plan.days:
        assert d.drive_minutes <= 360 + 1e-6 and d.end_minutes <= 1080 + 1e-6


def test_outputs_label_estimates_and_escape(nanping_tour, tmp_path) -> None:
    from routing.tours import outputs as out
    from routing.tours import printing

    frame = out.itinerary_frame(nanping_tour, "zh")
    assert any("估算" in c for c in frame.columns)
    assert any("estimated" in c for c in out.itinerary_frame(nanping_tour, "en").columns)
    assert all("估算" in line or "驻地" in line for line in out.summary_lines(nanping_tour)[:2])
    out.write_xlsx(nanping_tour, tmp_path / "t.xlsx")
    assert (tmp_path / "t.xlsx").stat().st_size > 0
    csv = out.csv_bytes(nanping_tour).decode("utf-8")
    assert not csv.startswith("\ufeff#") and "估算" in csv.splitlines()[0]  # plain CSV: 估算 in the header
    printable = printing.itinerary_print_html(nanping_tour)
    assert "@page" in printable and "size: A4" in printable
    from routing.tours.map import tour_map_html

    html_map = tour_map_html(nanping_tour)
    assert "xz-tour-stop" in html_map and "直线示意" in html_map
    assert "https://unpkg" not in html_map and "cdn.jsdelivr" not in html_map


def test_print_html_escapes_names() -> None:
    from routing.tours import printing

    minutes, km = line_instance(2, 30.0)
    names = ["<b>depot</b>", "<script>alert(1)</script>", "A&B"]
    plan = plan_tours_matrix(minutes, km, np.ones(2), TourParams(days=1, iterations=100), names=names)
    page = printing.itinerary_print_html(plan)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_tour_map_follows_road_geometry_on_osm() -> None:
    """On a real OSM sample, each leg is drawn along the road path (more than two vertices), not dashed."""

    from geo.network import OSMNetwork
    from routing.tours import FujianTour
    from routing.tours.map import tour_map

    osm = TEST_DATA / "osm" / "West-Oakland.osm.bz2"
    net = OSMNetwork.from_file(osm)
    g = net.graph
    idx = [0, g.n_nodes // 2, g.n_nodes - 1]
    lonlat = np.column_stack([g.node_lon[idx], g.node_lat[idx]])
    res = net.travel(lonlat, lonlat)
    plan = plan_tours_matrix(
        res.minutes,
        res.km,
        np.ones(2),
        TourParams(days=1, clinic_minutes=60, iterations=100),
        estimated=False,
    )
    assert len(plan.served) == 2
    tour = FujianTour(plan, "depot", "x", None, lonlat, net.label("en"))
    html_map = tour_map(tour, network=net, lang="en").get_root().render()
    assert "straight line" not in html_map
    d = plan.days[0]
    first = net.path(lonlat[0], lonlat[d.stops[0].index + 1]).lonlat
    assert len(first) > 2  # a road path, not a straight segment
    mid_lon, mid_lat = first[len(first) // 2]
    assert f"[{float(mid_lat)}, {float(mid_lon)}]" in html_map


def test_cli_plans_and_writes(tmp_path, capsys) -> None:
    from routing.tours.__main__ import main

    xlsx, html_file = tmp_path / "t.xlsx", tmp_path / "t.html"
    code = main(
        [
            "--depot",
            "南平市第一医院",
            "--days",
            "1",
            "--prefecture",
            "南平",
            "--min-remoteness",
            "55",
            "--iterations",
            "100",
            "--xlsx",
            str(xlsx),
            "--print-html",
            str(html_file),
        ]
    )
    assert code == 0
    assert "估算" in capsys.readouterr().out
    assert xlsx.exists() and html_file.exists()


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--depot", "不存在的医院XYZ"], "No township, county or facility"),
        (["--depot", "南平市第一医院", "--days", "0"], "days must be"),
        (["--depot", "南平市第一医院", "--start", "25:00"], "HH:MM"),
    ],
)
def test_cli_bad_input_gives_a_message_not_a_traceback(argv, match, capsys) -> None:
    from routing.tours.__main__ import main

    assert main(argv) == 2
    assert match in capsys.readouterr().err


def test_tours_page_smoke() -> None:
    """The page renders, plans a 1-day Nanping tour on click, and offers the seven downloads."""

    from streamlit.testing.v1 import AppTest

    page = ROOT / "pages" / "40_tours.py"
    at = AppTest.from_file(str(page), default_timeout=120)
    at.query_params["pref"] = "350700"
    at.query_params["days"] = "1"
    at.run()
    assert not at.exception
    [btn] = [b for b in at.button if b.label in ("规划路线", "Plan tours")]
    btn.click().run()
    assert not at.exception
    assert not at.error
    assert len(at.metric) == 4
    assert len(at.get("download_button")) == 7


def test_visits_csv_reads_names_and_reports_bad_rows(tmp_path) -> None:
    from geo._errors import DataFileError
    from routing.tours import read_visits_csv

    good = tmp_path / "v.csv"
    good.write_text("乡镇,月数\n光泽县司前乡,24\n350723100000,3\n", encoding="utf-8")
    visits = read_visits_csv(good)
    assert visits["350723100000"] == 3.0
    assert 24.0 in visits.values()
    bad = tmp_path / "bad.csv"
    bad.write_text("township,months\n光泽县司前乡,-1\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match=r"bad\.csv row 2, column months"):
        read_visits_csv(bad)
    cols = tmp_path / "cols.csv"
    cols.write_text("name,m\nx,1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        read_visits_csv(cols)


def test_static_map_png_and_pdf_are_written(nanping_tour, tmp_path) -> None:
    from routing import exports
    from routing.tours.map import tour_static_map

    png = tour_static_map(nanping_tour, fmt="png", dpi=60)
    pdf = tour_static_map(nanping_tour, fmt="pdf", lang="en")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    with pytest.raises(InputValidationError, match="png"):
        exports.static_map_with_lines(title="x", fmt="svg")


def test_cli_writes_static_maps(tmp_path, capsys) -> None:
    from routing.tours.__main__ import main

    png, pdf = tmp_path / "t.png", tmp_path / "t.pdf"
    argv = ["--depot", "南平市第一医院", "--days", "1", "--prefecture", "南平", "--min-remoteness", "60"]
    assert main([*argv, "--iterations", "200", "--png", str(png), "--pdf", str(pdf)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000


def test_print_pdf_is_a_pdf_with_one_page_per_team(nanping_tour) -> None:
    from routing.tours.printing import itinerary_print_pdf

    pdf = itinerary_print_pdf(nanping_tour, "zh")
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page>") >= 1
    small = itinerary_print_pdf(nanping_tour, "en", rows_per_page=3)
    assert small.count(b"/Type /Page") > pdf.count(b"/Type /Page")
