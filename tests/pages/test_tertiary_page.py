"""AppTest of the page 三级医院对口帮扶: the plan stays across interactions, empty selections give a message
(issue 13: a KeyError / an English matrix message before), the agreement tracker and manager warnings."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.paths import ROOT

pytestmark = pytest.mark.usefixtures("estimated_network")


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/25_tertiary.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.slow
def test_tertiary_pairing_persists_and_tracks_agreements() -> None:
    at = _page()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe) >= 1
    at.selectbox(key="xz:tert_year").set_value(at.selectbox(key="xz:tert_year").options[0]).run()
    assert not at.exception and len(at.dataframe) >= 1  # the table does not vanish on the next interaction


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "message"), [("xz:tert_c", "至少选择一个薄弱县"), ("xz:tert_h", "至少选择一家三级医院")]
)
def test_empty_selection_is_a_clear_message(key, message) -> None:
    at = _page()
    at.multiselect(key=key).set_value([]).run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
