"""The tours page's library side: choices offered, the rules table it edits and keeps in the workspace, the
overnight places list, the request it plans."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo._errors import InputValidationError
from geo.facilities import load_facilities
from routing.tours import explore
from routing.tours.market import visit_rule


def test_depot_options_start_with_the_default_depot_and_scope_follows_the_depot() -> None:
    fac = load_facilities()
    options = explore.depot_options(fac, [])
    first = next(iter(options))
    assert "龙岩市第一医院" in options[first]
    assert explore.tour_scope(first, fac, [], whole_province=True) == ["龙岩市"]
    assert explore.tour_scope(first, fac, ["350700", "350800"], whole_province=False) == ["南平市", "龙岩市"]


def test_rules_table_round_trip_and_bad_rows_named() -> None:
    towns = explore.township_options(["龙岩市"], include_streets=False)
    code = next(c for c, name in towns.items() if name == "长汀县红山乡")
    rules = {code: visit_rule("逢3、8", True, "08:00", "12:30", "x")}
    frame = explore.rules_frame(rules, towns)
    assert frame.iloc[0]["乡镇"] == "长汀县红山乡" and frame.iloc[0]["开放"] == "08:00"
    back = explore.rules_from_frame(frame, towns)
    assert back[0][0] == code and back[0][1].market_only
    stored = explore.rules_frame(dict(back), {})  # as the workspace keeps it: township codes
    assert stored.iloc[0]["乡镇"] == code
    assert dict(explore.rules_from_frame(stored, {}))[code].market is not None
    assert explore.rules_from_frame(None, {}) == ()
    bad = pd.DataFrame(
        [
            {"乡镇": "长汀县红山乡", "圩日": "逢13", "仅圩日": False, "开放": "", "结束": ""},
            {"乡镇": "长汀县涂坊镇", "圩日": "", "仅圩日": False, "开放": "14:00", "结束": "09:00"},
        ]
    )
    with pytest.raises(InputValidationError) as err:
        explore.rules_from_frame(bad, towns)
    assert "长汀县红山乡" in str(err.value) and "长汀县涂坊镇" in str(err.value)


def test_workspace_reader_for_overnight_places(tmp_path) -> None:
    places = tmp_path / "places.csv"
    places.write_text("住宿地点\n驻地\n长汀县医院\n", encoding="utf-8")
    table, lines = explore.read_overnight_places(places, "places.csv")
    assert table["place"].tolist() == ["驻地", "长汀县医院"] and "2" in lines[0][0]
    offered = {"驻地": "驻地 / depot"}
    assert explore.overnight_from_stored(pd.DataFrame({"place": ["驻地", "gone"]}), offered) == ["驻地"]


def test_request_is_hashable_for_the_page_cache() -> None:
    from routing.tours import TourParams

    req = explore.TourRequest("CITY-1", ("龙岩市",), TourParams(), dt.date(2026, 12, 3))
    assert hash(req) == hash(explore.TourRequest("CITY-1", ("龙岩市",), TourParams(), dt.date(2026, 12, 3)))
