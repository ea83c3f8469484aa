"""The 数据 page (pages/50_data.py) under Streamlit's AppTest: it runs, saves a scenario, and the scenario is
still listed after a restart (a fresh AppTest on the same SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import ROOT

PAGE = str(ROOT / "pages" / "50_data.py")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory (the scenario SQLite file goes there); cached stores are dropped."""
    import streamlit as st

    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def _app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_page_runs_and_scenario_survives_restart(data_dir: Path) -> None:
    import streamlit as st

    at = _app()
    assert [t.label for t in at.tabs] == ["上传清单", "标定实测位置", "地址定位", "方案管理"]
    assert any("还没有保存的方案" in i.value for i in at.info)
    next(t for t in at.text_input if t.label == "方案名称").input("基线方案")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert not at.exception, at.exception
    assert any("已保存" in x.value for x in at.success)
    assert (data_dir / "scenarios.sqlite").is_file()

    st.cache_resource.clear()  # a restart: nothing cached, a new engine on the same file
    again = _app()
    listing = next(d for d in again.dataframe if "名称" in d.value.columns)  # headers in Chinese
    assert list(listing.value["名称"]) == ["基线方案"]
    assert listing.value["机构数"][0] > 1000


def test_geocode_tab(data_dir: Path) -> None:
    at = _app()
    next(b for b in at.button if b.label == "定位").click()
    at.run()
    assert not at.exception
    result = next(d for d in at.dataframe if "匹配到" in d.value.columns).value
    assert result["匹配到"][0] == "福建省龙岩市漳平市双洋镇"
    assert result["位置精度"][0] == "近似：乡镇驻地"  # approximate: township seat


def test_manual_surveyed_point(data_dir: Path) -> None:
    at = _app()
    lon = next(n for n in at.number_input if n.key == "xz:survey_lon")
    lon.set_value(lon.value + 0.001)
    next(b for b in at.button if b.key == "xz:survey_manual").click()
    at.run()
    assert not at.exception
    assert any("实测位置" in x.value for x in at.success)
    assert [m.value for m in at.metric if m.label == "实测位置"] == ["1"]
