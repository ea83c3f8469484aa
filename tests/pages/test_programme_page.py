"""AppTest of the page 项目年度: the year calendar (暂定 for a year without an official schedule), a plan
without a register (names left empty), the tabs and downloads render without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.facilities import load_facilities
from routing.calendar import overrides_table, read_overrides
from routing.programme import read_register
from routing.programme.needs import read_center_needs
from routing.scenarios import DEFAULT_WORKSPACE
from routing.workspace.store import WorkspaceStore
from tests.paths import ROOT
from tests.routing.programme.conftest import REGISTER

pytestmark = pytest.mark.usefixtures("estimated_network")


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


@pytest.mark.slow
def test_programme_page_plans_with_the_workspaces_register_and_holidays() -> None:
    """The register, holiday list and specialty needs kept in the workspace are what the page plans with."""
    store = WorkspaceStore()
    store.ensure(DEFAULT_WORKSPACE)
    store.save_table(DEFAULT_WORKSPACE, "doctors", read_register(REGISTER, load_facilities()).doctors)
    holidays = "日期,类型,名称\n2027-03-15,休息,县庆测试\n2028-01-03,休息,\n".encode()
    store.save_table(DEFAULT_WORKSPACE, "holidays", overrides_table(read_overrides(holidays, name="h.csv")))
    needs_file = "机构名称,专科需求\n漳平市新桥中心卫生院,儿科、中医\n".encode()
    needs = read_center_needs(needs_file, load_facilities())
    store.save_table(DEFAULT_WORKSPACE, "specialty_needs", needs.table)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/30_programme.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="xz:prog_year").set_value(2027).run()
    assert any("16 名医师" in c.value for c in at.caption), [c.value for c in at.caption]
    assert not any("姓名留空" in i.value for i in at.info)
    shown = " ".join(d.value.to_string() for d in at.dataframe)
    assert "县庆测试" in shown and "2028" not in shown  # the calendar counts this year's saved rows only
    assert "儿科、中医" in shown  # the workspace's specialty needs
    before = store.versions(DEFAULT_WORKSPACE)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.versions(DEFAULT_WORKSPACE) == before  # nothing changed: no new version saved
