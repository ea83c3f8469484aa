"""AppTest of the page 覆盖分析: figures say 估算 on the estimated network, T and what-if change them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.paths import ROOT

pytestmark = pytest.mark.usefixtures("estimated_network")


def _metric(at: AppTest, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


@pytest.mark.slow
def test_coverage_page_threshold_and_what_if() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["cov_t"] = "30"
    at.run()
    at.switch_page("pages/10_coverage.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "覆盖分析"
    labels = [m.label for m in at.metric]
    assert "覆盖人口占比（估算）" in labels
    share30 = float(_metric(at, "覆盖人口占比").rstrip("%"))
    at.slider[0].set_value(90).run()
    share90 = float(_metric(at, "覆盖人口占比").rstrip("%"))
    assert share90 > share30
    at.slider[0].set_value(60).run()
    at.multiselect[0].set_value(["350821205000"]).run()  # a mobile stop at 长汀县红山乡, 74 min (估算) away
    assert not at.exception, [e.value for e in at.exception]
    assert int(_metric(at, "假设变化").replace(",", "")) >= 14_000  # at least 红山乡 itself (≈ 14,574)


@pytest.mark.slow
def test_coverage_page_service_areas_and_remove_hospital() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["cov_scope"] = "宁德市"
    at.run()
    at.switch_page("pages/10_coverage.py")
    at.run()
    at.checkbox[0].check().run()  # service areas (estimated circles)
    assert not at.exception, [e.value for e in at.exception]
    at.multiselect[1].set_value(["CH-350902"]).run()  # remove 蕉城区 county hospital
    assert not at.exception, [e.value for e in at.exception]
    assert int(_metric(at, "假设变化").replace(",", "")) <= 0


@pytest.mark.slow
def test_language_switch_keeps_every_selection() -> None:
    """Scope, T, what-if stops, removed hospitals and the service-area box survive 中文 → English."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["cov_scope"] = "宁德市"
    at.run()
    at.switch_page("pages/10_coverage.py").run()
    at.multiselect[0].set_value([at.multiselect[0].options[0]]).run()
    at.multiselect[1].set_value([at.multiselect[1].options[0]]).run()
    at.checkbox[0].check().run()
    at.slider[0].set_value(45).run()

    def selection() -> tuple[object, ...]:
        return (at.selectbox[0].value, at.slider[0].value, at.multiselect[0].value, at.multiselect[1].value,
                at.checkbox[0].value)

    before = selection()
    at.session_state["xz:lang"] = at.session_state["xz:w:lang"] = "en"  # what the language radio does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Coverage"
    assert selection() == before
