"""Capacities a planner gives are kept in the workspace; rows left at the assumed default stay assumptions."""

from __future__ import annotations

from routing.database import frame_from_json, frame_to_json
from routing.pairing.capacity import capacities_frame, capacities_from_table, given_capacities


def test_only_edited_or_previously_given_rows_are_kept() -> None:
    shown = {"H1": 4, "H2": 6, "H3": 2}  # H1 given before (saved), H2 and H3 assumed defaults
    edited = {"H1": 4, "H2": 9, "H3": 2}  # the planner changed H2 only
    assert given_capacities(edited, shown, {"H1": 4, "H9": 3}) == {"H1": 4, "H2": 9, "H9": 3}
    assert given_capacities(shown, shown, {}) == {}  # nothing edited: nothing stored as "given"
    assert given_capacities({"H1": 0}, {"H1": 0}, {"H1": 5}) == {"H1": 0}  # set to 0: still given


def test_the_stored_table_round_trips() -> None:
    caps = {"H2": 9, "H1": 4}
    table = frame_from_json(frame_to_json(capacities_frame(caps)))
    assert list(table.columns) == ["facility_id", "capacity_days"]
    assert list(table["facility_id"]) == ["H1", "H2"]
    assert capacities_from_table(table) == caps
    assert capacities_from_table(capacities_frame({})) is None
