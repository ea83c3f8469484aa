"""routing.coverage: the array core, the adapter on a hand-made road, what-if, service areas, CLI, exports."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import network as gn
from geo._errors import InputValidationError, OutsideFujianError
from geo.network import EstimatedNetwork
from routing import coverage as cov
from routing import matrix as rm
from routing.coverage.__main__ import main as coverage_cli
from tests.routing.test_matrix import LINE_LAT, line_network, node_point

INF = np.inf


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache directory and an empty in-process matrix cache."""
    path = tmp_path / "cache"
    monkeypatch.setenv(gn.CACHE_ENV, str(path))
    rm.clear_memory_cache()
    gn._ACTIVE.clear()
    return path


def _townships() -> pd.DataFrame:
    """Six townships on the hand-made line road (see tests.test_matrix.line_network).

    At nodes 2, 6 and 10 (10, 30 and 50 minutes from the hospital at node 0), one 5 km off the road, one on
    the separate road (not connected) and one without a point.
    """
    pts = [
        node_point(2),
        node_point(6),
        node_point(10),
        (117.04, LINE_LAT + 0.045),
        node_point(11),
        (np.nan, np.nan),
    ]
    return pd.DataFrame(
        {
            "code": [f"35080000{k}" for k in range(1, 7)],
            "name": ["近镇", "中镇", "远镇", "离路乡", "孤岛乡", "无点乡"],
            "kind": ["镇", "镇", "镇", "乡", "乡", "乡"],
            "county_code": "350800",
            "county_name": ["甲县", "甲县", "乙县", "乙县", "乙县", "乙县"],
            "prefecture_code": "350800",
            "prefecture_name": "龙岩市",
            "lon": [p[0] for p in pts],
            "lat": [p[1] for p in pts],
            "population_est": [1000.0, 2000.0, 3000.0, 400.0, 500.0, 600.0],
        }
    )


def _hospital(k: int = 0, fid: str = "H0") -> pd.DataFrame:
    lon, lat = node_point(k)
    return pd.DataFrame({"facility_id": [fid], "name": [f"医院{fid}"], "lon": [lon], "lat": [lat]})


# ------------------------------------------------------------------------------------------------- core


def test_core_obvious_sets() -> None:
    minutes = np.array([[10.0, 50.0], [70.0, 80.0], [INF, INF], [INF, INF], [INF, INF]])
    pop = np.array([100.0, 200.0, 300.0, 400.0, np.nan])
    res = cov.coverage_core(
        minutes,
        pop,
        60,
        has_point=np.array([1, 1, 1, 1, 0], bool),
        far_from_road=np.array([0, 0, 1, 0, 0], bool),
    )
    assert res.covered.tolist() == [True, False, False, False, False]
    assert res.reason.tolist() == ["", "too_far", "no_road", "not_connected", "no_point"]
    assert res.nearest.tolist() == [0, 0, -1, -1, -1]
    assert res.excess_minutes[1] == pytest.approx(10.0) and np.isnan(res.excess_minutes[0])
    assert res.covered_population == 100.0 and res.total_population == 1000.0
    removed = cov.coverage_core(minutes, pop, 60, active_sources=np.array([False, True]))
    assert removed.covered.tolist() == [True, False, False, False, False] and removed.nearest[0] == 1


@pytest.mark.parametrize("bad", [0, -5, 600.5, "abc", "nan", float("inf"), None, True, "", [60]])
def test_bad_threshold_is_a_clear_error(bad: object) -> None:
    with pytest.raises(InputValidationError, match="Threshold must be"):
        cov.check_threshold(bad)


def test_no_sources_is_a_clear_error() -> None:
    with pytest.raises(InputValidationError, match="No care sources"):
        cov.coverage_core(np.zeros((2, 0)), np.ones(2), 60)
    with pytest.raises(InputValidationError, match="No care sources"):
        cov.coverage_core(np.zeros((2, 1)), np.ones(2), 60, active_sources=np.array([False]))


# ------------------------------------------------------------------------------------- hand-made network


def test_line_network_covered_sets_follow_the_threshold() -> None:
    net = line_network()
    inputs = cov.prepare(net, townships=_townships(), sources=_hospital())
    assert not inputs.estimated and inputs.network_kind == "osm"
    r40 = cov.evaluate(inputs, 40)
    assert r40.townships["covered"].tolist() == [True, True, False, False, False, False]
    assert r40.townships["reason"].tolist() == ["", "", "too_far", "no_road", "not_connected", "no_point"]
    np.testing.assert_allclose(r40.townships["minutes"].to_numpy()[:3], [10, 30, 50], atol=1e-9)
    assert r40.summary["covered_population_est"] == 3000.0 and r40.summary["population_est"] == 7500.0
    assert r40.left_out["name"].tolist() == [
        "远镇",
        "无点乡",
        "孤岛乡",
        "离路乡",
    ]  # too far first, then by pop
    assert r40.left_out.loc[0, "priority"] == pytest.approx(3000 * 10)
    r60 = cov.evaluate(inputs, 60)
    assert r60.townships["covered"].tolist() == [True, True, True, False, False, False]
    county = r60.by_county.set_index("county_name")
    assert county.loc["甲县", "covered_share"] == 1.0
    assert county.loc["乙县", "covered_population_est"] == 3000.0


def test_what_if_add_stop_and_remove_hospital() -> None:
    net = line_network()
    town = _townships()
    sources = pd.concat([_hospital(0, "H0"), _hospital(10, "H10")], ignore_index=True)
    inputs = cov.prepare(net, townships=town, sources=sources)
    base = cov.evaluate(inputs, 15)
    assert base.townships["covered"].tolist()[:3] == [True, False, True]
    # a mobile stop at the middle township covers it; the isolated one stays out (not connected)
    wi = cov.what_if(inputs, net, 15, add_stops_at=["350800002"])
    assert wi.delta_covered_population == 2000.0
    assert wi.changed["name"].tolist() == ["中镇"] and wi.changed["change"].tolist() == ["gained"]
    assert wi.after.summary["mobile_stops"] == 1
    # removing the far hospital loses the far township
    wi2 = cov.what_if(inputs, net, 15, remove_source_ids=["H10"])
    assert wi2.delta_covered_population == -3000.0
    assert wi2.changed.set_index("name").loc["远镇", "change"] == "lost"
    with pytest.raises(InputValidationError, match="unknown source"):
        cov.evaluate(inputs, 20, remove_source_ids=["nope"])
    with pytest.raises(InputValidationError, match="No care sources"):
        cov.evaluate(inputs, 20, remove_source_ids=["H0", "H10"])
    with pytest.raises(InputValidationError, match="has no point"):
        cov.what_if(inputs, net, 20, add_stops_at=["350800006"])


def test_determinism() -> None:
    net = line_network()
    a = cov.evaluate(cov.prepare(net, townships=_townships(), sources=_hospital(), cache=False), 40)
    b = cov.evaluate(cov.prepare(net, townships=_townships(), sources=_hospital(), cache=False), 40)
    pd.testing.assert_frame_equal(a.townships, b.townships)
    pd.testing.assert_frame_equal(a.left_out, b.left_out)
    pd.testing.assert_frame_equal(a.by_county, b.by_county)


def test_source_outside_fujian_or_without_point() -> None:
    net = EstimatedNetwork()
    outside = pd.DataFrame({"facility_id": ["X"], "name": ["广州某医院"], "lon": [113.26], "lat": [23.13]})
    with pytest.raises(OutsideFujianError, match="outside Fujian"):
        cov.prepare(net, townships=_townships(), sources=outside)
    no_point = pd.DataFrame({"facility_id": ["X"], "name": ["某医院"], "lon": [np.nan], "lat": [25.0]})
    with pytest.raises(InputValidationError, match="has no coordinates"):
        cov.prepare(net, townships=_townships(), sources=no_point)
    with pytest.raises(InputValidationError, match="Unknown prefecture"):
        cov.prepare(net, prefecture="火星")


def test_service_areas_osm_and_estimated() -> None:
    net = line_network()
    src = cov.prepare(net, townships=_townships(), sources=_hospital()).sources
    areas = cov.service_areas(net, src, 22)
    poly = areas.geometry.iloc[0]
    assert not areas["estimated"].iloc[0]
    assert poly.contains(shapely.Point(node_point(4))) and not poly.contains(shapely.Point(node_point(7)))
    est = EstimatedNetwork()
    e_src = pd.DataFrame({"source_id": ["A"], "name": ["a"], "lon": [117.0], "lat": [25.1]})
    e_areas = cov.service_areas(est, e_src, 30)
    assert e_areas["estimated"].iloc[0] and e_areas["method"].iloc[0].startswith("estimated")
    ring = np.asarray(e_areas.geometry.iloc[0].exterior.coords)[:-1]
    times = est.travel(np.array([[117.0, 25.1]]), ring).minutes[0]
    assert times.max() <= 30.0 and times.min() > 29.0  # the boundary is where the estimated time reaches T


# -------------------------------------------------------------------------------------- embedded + CLI


def test_embedded_longyan_estimated_and_labelled() -> None:
    inputs = cov.prepare(EstimatedNetwork(), prefecture="龙岩")
    res = cov.evaluate(inputs, 60)
    assert len(res.townships) == 133 and res.townships["estimated"].all()
    assert res.summary["estimated"] and "估算" in res.summary["network_label"]
    shares = [cov.evaluate(inputs, t).summary["covered_share"] for t in (30, 60, 90)]
    assert shares[0] <= shares[1] <= shares[2]
    assert (res.left_out["reason"] != "").all() and res.left_out["rank"].tolist() == list(
        range(1, len(res.left_out) + 1)
    )


def test_cli_writes_csv_and_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.csv"
    assert coverage_cli(["--minutes", "60", "--prefecture", "龙岩", "--csv", str(out), "--top", "3"]) == 0
    table = pd.read_csv(out, dtype={"code": str})  # plain RFC 4180: header first
    assert len(table) == 133 and {"minutes", "covered", "reason", "estimated"} <= set(table.columns)
    assert table["estimated"].all()
    for argv, msg in [
        (["--minutes", "0"], "more than 0"),
        (["--minutes", "abc"], "must be a number"),
        (["--minutes", "601"], "at most 600"),
        (["--minutes", "60", "--source-types", ""], "No care sources"),
        (["--minutes", "60", "--source-types", "clinic"], "Unknown source facility type"),
        (["--minutes", "60", "--remove", "nope"], "no such source"),
        (["--minutes", "60", "--add-stop", "连城县"], "not a township"),
    ]:
        capsys.readouterr()
        assert coverage_cli(argv) == 2, argv
        err = capsys.readouterr().err
        assert msg in err and "Traceback" not in err


def test_exports_html_png_pdf_xlsx(tmp_path: Path) -> None:
    from geo.tables import csv_bytes, xlsx_bytes
    from routing.coverage.map import coverage_html, coverage_static

    inputs = cov.prepare(EstimatedNetwork(), prefecture="龙岩", mobile_stops=["350821103000"])
    res = cov.evaluate(inputs, 45)
    html = coverage_html(res, inputs.sources, lang="zh")
    assert "估算" in html and '<script src="http' not in html and "xz-left-out" in html
    english = coverage_html(res, inputs.sources, lang="en")
    assert EstimatedNetwork().label("en") in english and inputs.network_label not in english
    png = coverage_static(res, inputs.sources, fmt="png")
    pdf = coverage_static(res, inputs.sources, fmt="pdf")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and pdf[:5] == b"%PDF-"
    with pytest.raises(InputValidationError, match="'png' or 'pdf'"):
        coverage_static(res, inputs.sources, fmt="gif")
    data = csv_bytes(res.townships)
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")["estimated"].all()  # plain CSV, header first
    book = xlsx_bytes(cov.coverage_sheets(res), cov.export_notes(res))
    sheets = pd.read_excel(io.BytesIO(book), sheet_name=None)
    assert next(iter(sheets)) == "说明" and len(sheets["乡镇 townships"]) == 133
