"""The data pages under Streamlit's AppTest: 方案 saves a scenario that is still listed after a restart (a
fresh AppTest on the same SQLite file); 位置 geocodes and marks surveyed points — but never relabels an
approximate point "surveyed" when its pre-filled coordinates were not changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import ROOT

DATA = str(ROOT / "pages" / "50_data.py")
LOCATIONS = str(ROOT / "pages" / "52_locations.py")
SCENARIOS = str(ROOT / "pages" / "55_scenarios.py")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory (the scenario SQLite file goes there); cached stores are dropped."""
    import streamlit as st

    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def _app(page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(page, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_data_page_shows_the_working_table(data_dir: Path) -> None:
    at = _app(DATA)
    assert [m.label for m in at.metric] == ["机构数", "实测位置", "近似位置"]
    assert [m.value for m in at.metric][1] == "0"


def test_page_runs_and_scenario_survives_restart(data_dir: Path) -> None:
    import streamlit as st

    at = _app(SCENARIOS)
    assert any("还没有保存的方案" in i.value for i in at.info)
    next(t for t in at.text_input if t.label == "方案名称").input("基线方案")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert not at.exception, at.exception
    assert any("已保存" in x.value for x in at.success)
    assert list(data_dir.glob("*.sqlite"))

    st.cache_resource.clear()  # a restart: nothing cached, a new engine on the same file
    again = _app(SCENARIOS)
    listing = next(d for d in again.dataframe if "名称" in d.value.columns)  # headers in Chinese
    assert list(listing.value["名称"]) == ["基线方案"]
    assert listing.value["机构数"][0] > 1000


def test_geocode(data_dir: Path) -> None:
    at = _app(LOCATIONS)
    next(b for b in at.button if b.label == "定位").click()
    at.run()
    assert not at.exception
    result = next(d for d in at.dataframe if "匹配到" in d.value.columns).value
    assert result["匹配到"][0] == "福建省龙岩市漳平市双洋镇"
    assert result["位置精度"][0] == "近似：乡镇驻地"  # approximate: township seat


def _surveyed_count(at) -> int:
    from routing.database import connect
    from routing.workspace import WorkspaceStore

    frame = WorkspaceStore(connect()).facilities("默认")  # the workspace in the database, not the session
    return int((frame["location_quality"] == "surveyed").sum())


def test_manual_surveyed_point(data_dir: Path) -> None:
    at = _app(LOCATIONS)
    lon = next(n for n in at.number_input if n.key.startswith("xz:survey_lon"))
    lon.set_value(lon.value + 0.001)
    next(b for b in at.button if b.key == "xz:survey_manual").click()
    at.run()
    assert not at.exception
    assert any("实测位置" in x.value for x in at.success)
    assert _surveyed_count(at) == 1


def test_unedited_prefilled_coordinates_are_not_surveyed(data_dir: Path) -> None:
    """Issue 13: 设为实测位置 on the pre-filled (approximate) coordinates must not relabel the point."""
    at = _app(LOCATIONS)
    next(b for b in at.button if b.key == "xz:survey_manual").click()
    at.run()
    assert not at.exception
    assert not at.success
    assert any("没有改动" in e.value for e in at.error)
    assert _surveyed_count(at) == 0
    # the same pre-filled WGS84 numbers read as GCJ-02 would move the point ~500 m: still refused
    next(s for s in at.selectbox if s.key == "xz:survey_crs").set_value("gcj02")
    next(b for b in at.button if b.key == "xz:survey_manual").click()
    at.run()
    assert any("没有改动" in e.value for e in at.error)
    assert _surveyed_count(at) == 0
