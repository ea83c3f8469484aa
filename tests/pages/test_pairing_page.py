"""AppTest of the page 结对与排班 with capacities kept in the workspace: they are what the page shows and
plans with; running again without an edit saves no new version."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from routing.pairing.capacity import CAPACITY_GIVEN, capacities_frame
from routing.scenarios import DEFAULT_WORKSPACE
from routing.workspace.store import WorkspaceStore
from tests.paths import ROOT

pytestmark = pytest.mark.usefixtures("estimated_network")


@pytest.mark.slow
def test_pairing_page_plans_with_the_workspaces_capacities() -> None:
    store = WorkspaceStore()
    store.ensure(DEFAULT_WORKSPACE)
    store.save_table(DEFAULT_WORKSPACE, "capacities", capacities_frame({"CH-350881": 13}))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/20_pairing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    before = store.versions(DEFAULT_WORKSPACE)
    next(b for b in at.button if b.label == "生成结对与排班").click().run()
    assert not at.exception, [e.value for e in at.exception]
    hospitals = next(d.value for d in at.dataframe if "漳平市总医院" in d.value.to_string())
    row = hospitals[hospitals.apply(lambda r: "漳平市总医院" in r.to_string(), axis=1)].iloc[0]
    assert "13" in row.to_string() and CAPACITY_GIVEN.split()[0] in row.to_string(), row.to_string()
    assert store.versions(DEFAULT_WORKSPACE) == before  # nothing edited: no new version
