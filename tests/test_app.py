"""AppTest smoke tests: every page file runs through the navigation frame without an exception.

New pages (``pages/NN_name.py``) are picked up automatically. The home page also gets checks of what it shows
and of the view kept in the URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
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
