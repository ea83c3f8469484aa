"""AppTest smoke tests: every page file runs through the navigation frame without an exception.

New pages (``pages/NN_name.py``) are picked up automatically. The home page also gets checks of what it shows
and of the view kept in the URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.paths import ROOT

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("[!_]*.py"))
TIMEOUT_S = 180


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_pages_are_found_and_helpers_are_not_pages():
    assert "pages/00_home.py" in PAGES
    assert not [p for p in PAGES if Path(p).name.startswith("_")]


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page):
    at = _app()
    at.run()
    assert not at.exception, at.exception
    if page != "pages/00_home.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"


EN_TITLES = {
    "pages/00_home.py": "Overview map",
    "pages/10_coverage.py": "Coverage",
    "pages/20_pairing.py": "Pairing & roster",
    "pages/40_tours.py": "Mobile-hospital tours",
    "pages/50_data.py": "Data",
}


@pytest.mark.parametrize("page", PAGES)
def test_english_toggle_covers_every_page(page):
    """In English every page title, caption and label comes from pages/ui/i18n.py (no key shown raw)."""
    import re

    at = _app(lang="en")
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == EN_TITLES.get(page, at.title[0].value)
    texts = [c.value for c in at.caption] + [m.value for m in at.markdown] + [m.label for m in at.metric]
    texts += [w.label for w in (*at.button, *at.selectbox, *at.slider, *at.checkbox, *at.multiselect)]
    raw_keys = [x for x in texts if re.fullmatch(r"(common|home|coverage|pairing|tours|data)\.[a-z_0-9]+", x)]
    assert not raw_keys, raw_keys
    intro = next((c.value for c in at.caption), "")
    assert not re.search(r"[\u4e00-\u9fff]{4,}", intro.split("(")[0]), intro  # the intro is English


def test_home_shows_every_facility_and_states_the_network():
    from geo.facilities import load_facilities
    from geo.network import active_network

    at = _app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "总览地图"
    assert _metric(at, "显示机构") == f"{len(load_facilities()):,}"
    header = " ".join(m.value for m in at.markdown)
    if active_network().is_estimated:
        assert "估算" in header
    assert any("数据质量" in s.value for s in at.subheader)


def test_url_reopens_the_same_view_and_filters_survive_reruns():
    from geo.facilities import load_facilities

    fac = load_facilities()
    want = fac[(fac["prefecture_code"] == "350800") & (fac["facility_type"] == "township_health_center")]
    at = _app(pref="350800", types="township_health_center", lang="en")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Overview map"
    assert _metric(at, "Facilities shown") == f"{len(want):,}"
    at.run()  # a rerun keeps the filters
    assert _metric(at, "Facilities shown") == f"{len(want):,}"
    assert at.query_params["pref"] in ("350800", ["350800"]) and at.query_params["lang"] in ("en", ["en"])


def test_bad_url_values_fall_back_to_defaults():
    at = _app(pref="999999", types="spaceport", basemap="bing", lang="xx")
    at.run()
    assert not at.exception
    assert at.title[0].value == "总览地图"
    assert _metric(at, "显示机构") != "0"


def test_focus_button_selects_the_four_focus_prefectures():
    from geo.facilities import load_facilities

    fac = load_facilities()
    at = _app()
    at.run()
    next(b for b in at.button if b.label == "重点地市 ★").click().run()
    assert not at.exception
    focus = fac[fac["prefecture_code"].isin(["350400", "350700", "350800", "350900"])]
    assert _metric(at, "显示机构") == f"{len(focus):,}"
    pref = at.query_params["pref"]
    focus_codes = ["350400", "350700", "350800", "350900"]
    assert sorted((pref if isinstance(pref, str) else pref[0]).split(",")) == focus_codes


@pytest.fixture
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh data dir (scenario SQLite) and cache dir (estimated network, no matrix cache); caches dropped."""
    import streamlit as st

    from geo import network as gn

    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(gn.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    gn._ACTIVE.clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path
    st.cache_resource.clear()
    st.cache_data.clear()
    gn._ACTIVE.clear()


def _click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]


def _save_scenario(at: AppTest, name: str) -> None:
    at.switch_page("pages/55_scenarios.py").run()
    assert not at.exception, [e.value for e in at.exception]
    next(t for t in at.text_input if t.label == "方案名称").input(name)
    _click(at, "保存")
    saved = " ".join(x.value for x in at.success)
    assert "已保存" in saved and all(k in saved for k in ("覆盖分析", "结对", "排班", "巡诊路线")), saved


@pytest.mark.slow
def test_page_results_flow_into_saved_scenarios_and_compare(private_dirs: Path) -> None:
    """Coverage, pairing and tours runs land in xz:results; two saved scenarios compare with real Δs."""
    at = _app(pref="350800", days="1", cov_t="45")  # 龙岩: coverage scope, tour scope; 1-day tour
    at.run()
    at.switch_page("pages/10_coverage.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/20_pairing.py").run()
    _click(at, "生成结对与排班")
    at.switch_page("pages/40_tours.py").run()
    _click(at, "规划路线")
    results = at.session_state["xz:results"]
    assert {"coverage", "pairing", "roster", "tours"} <= set(results)
    assert results["tours"]["km"].sum() > 0
    assert {"hospital_id", "center_id", "km", "days"} <= set(results["pairing"].columns)
    _save_scenario(at, "方案A")

    # scenario B: a longer threshold and the other pairing objective
    at.switch_page("pages/10_coverage.py").run()
    at.slider[0].set_value(90).run()
    at.switch_page("pages/20_pairing.py").run()
    next(r for r in at.radio if r.key == "xz:pair_obj").set_value("max").run()
    _click(at, "生成结对与排班")
    _save_scenario(at, "方案B")

    table = next(d.value for d in at.dataframe if "指标" in d.value.columns).set_index("指标")
    # columns with a blank cell are shown as formatted text ("1,152.6"): read them back as numbers
    table = table.map(lambda v: float(str(v).replace(",", "")) if str(v).strip() else float("nan"))
    covered = table.loc[next(i for i in table.index if i.startswith("覆盖人口"))]
    drive = table.loc[next(i for i in table.index if i.startswith("行车里程"))]
    assert covered["Δ"] > 0 and covered["方案B"] > covered["方案A"] > 0
    assert drive["方案A"] > 0 and drive["方案B"] > 0
    assert drive["Δ"] == pytest.approx(drive["方案B"] - drive["方案A"])
    assert any("估算" in i for i in table.index)  # estimated network: the figures say so
    changed = table.loc["变动的结对（个）", "Δ"]
    assert changed >= 1
    assert any("结对变化" in m.value for m in at.markdown)


@pytest.mark.slow
def test_planner_data_changes_the_analyses(private_dirs: Path) -> None:
    """A hospital added to the working facility table (as the 数据 page does on an upload) covers 红山乡."""
    from tests.routing.test_planner_data import HONGSHAN, _with_hospital_at

    def covered_population(at: AppTest) -> int:
        value = next(m.value for m in at.metric if m.label.startswith("覆盖人口（"))
        return int(value.replace(",", ""))

    at = _app(cov_t="60")
    at.run()
    at.switch_page("pages/10_coverage.py").run()
    assert not at.exception, [e.value for e in at.exception]
    before = covered_population(at)
    assert any("内置数据" in m.value for m in at.markdown)

    from routing.database import connect
    from routing.workspace import WorkspaceStore

    WorkspaceStore(connect()).save_facilities("默认", _with_hospital_at(HONGSHAN))  # as the 数据 page does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("规划数据" in m.value and "上传新增 1 个" in m.value for m in at.markdown)
    assert covered_population(at) >= before + 14_000  # 红山乡 (≈ 14,574, 估算) is now covered

    at.switch_page("pages/40_tours.py").run()  # the new hospital is offered as a depot
    assert not at.exception, [e.value for e in at.exception]
    depot = next(s for s in at.selectbox if s.label == "出发医院（驻地）")
    assert "U0000000001" in depot.options or any("测试医院" in o for o in depot.options)


def test_a_bug_on_a_page_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside development (no XUNZHEN_DEBUG), an unexpected error shows "内部错误" and the log file only."""
    from pages.ui import frame

    monkeypatch.delenv("XUNZHEN_DEBUG", raising=False)
    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(ROOT / "test-output" / "error-log"))

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(frame, "data_source_line", broken)
    at = _app()
    at.run()
    assert not at.exception
    line = " ".join(e.value for e in at.error)
    assert "内部错误" in line and "ZeroDivisionError" in line and "xunzhen-errors.log" in line
    assert "Traceback" not in line
