"""AppTest of the page 项目年度: the year calendar (暂定 for a year without an official schedule), a plan
without a register (names left empty), the tabs and downloads render without an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import network as gn
from tests.paths import ROOT


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache dir: the active network is the estimated one."""
    monkeypatch.setenv(gn.CACHE_ENV, str(tmp_path / "cache"))
    gn._ACTIVE.clear()
    return tmp_path


@pytest.mark.slow
def test_programme_page_plans_a_year_for_zhangping() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/30_programme.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "项目年度"
    year = int(at.selectbox(key="xz:prog_year").value)
    if year >= 2027:  # chinese_calendar 1.11 covers up to 2026
        assert any("暂定，以国务院通知为准" in w.value for w in at.warning)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    texts = " ".join(t.label for t in at.tabs)
    assert "年度计划" in texts and "目标进度" in texts and "医师台账" in texts
    assert any("未具名" in i.value or "姓名留空" in i.value for i in at.info)
