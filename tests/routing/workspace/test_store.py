"""Workspaces in the database: versioned tables survive a restart, names and kinds are checked, scopes keep
prefectures apart, every change is in the audit log; the same on PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest

from geo._errors import AccessDeniedError, InputValidationError
from routing.accounts.audit import audit_log
from routing.accounts.roles import LOCAL, Account
from routing.database import Database, connect
from routing.workspace import WorkspaceStore, load_table, save_table
from routing.workspace.cli import add_workspace_option, workspace_facilities
from tests.routing.pg import postgres_schema_url

LONGYAN = Account("ly", "prefecture", "350800")
NANPING = Account("np", "prefecture", "350700")
CHANGTING = Account("ct", "county", "350821")


def _holidays(n: int) -> pd.DataFrame:
    return pd.DataFrame({"date": [f"2027-01-0{i + 1}" for i in range(n)], "working": [False] * n, "name": ""})


def test_tables_are_versioned_and_survive_a_restart(db: Database) -> None:
    store = WorkspaceStore(db)
    store.create("龙岩 2027", prefecture="龙岩")
    assert store.load_table("龙岩 2027", "holidays") is None
    assert store.save_table("龙岩 2027", "holidays", _holidays(1)) == 1
    assert store.save_table("龙岩 2027", "holidays", _holidays(3), note="second") == 2
    db.close()
    again = WorkspaceStore(connect())  # a restart: a new engine on the same file
    assert len(again.load_table("龙岩 2027", "holidays")) == 3
    assert len(again.load_table("龙岩 2027", "holidays", version=1)) == 1
    assert again.versions("龙岩 2027") == {"holidays": 2}
    assert list(again.history("龙岩 2027")["note"]) == ["second", ""]
    info = again.info("龙岩 2027")
    assert (info.prefecture_code, info.scope_name) == ("350800", "龙岩市")


def test_module_level_calls(db: Database) -> None:
    WorkspaceStore(db).create("w")
    assert save_table("w", "market_days", pd.DataFrame({"township": ["古田镇"], "days": ["1,4,7"]})) == 1
    assert load_table("w", "market_days")["days"][0] == "1,4,7"


def test_facilities_default_to_the_embedded_table_and_keep_one_order(db: Database, embedded) -> None:
    store = WorkspaceStore(db)
    store.create("w")
    assert len(store.facilities("w")) == len(embedded[3])
    shuffled = embedded[3].sample(frac=1, random_state=1)
    store.save_facilities("w", shuffled)
    back = store.facilities("w")
    assert list(back["facility_id"]) == sorted(embedded[3]["facility_id"])
    assert back.crs == "EPSG:4326" and back.geometry.notna().sum() == embedded[3].geometry.notna().sum()


def test_bad_names_and_kinds(db: Database) -> None:
    store = WorkspaceStore(db)
    store.create("w")
    with pytest.raises(InputValidationError, match="exists") as err:
        store.create(" w ")
    assert "已有名为“w”的工作区" in err.value.zh  # type: ignore[attr-defined]
    for bad in ("", "  ", "x" * 201, "a\x00b"):
        with pytest.raises(InputValidationError):
            store.create(bad)
    with pytest.raises(InputValidationError, match="Table kind"):
        store.save_table("w", "Doctors!", pd.DataFrame())
    with pytest.raises(AccessDeniedError, match="No workspace named 'gone'"):
        store.load_table("gone", "holidays")


def test_scopes_keep_prefectures_apart_and_changes_are_audited(db: Database) -> None:
    WorkspaceStore(db, LONGYAN).create("龙岩 A")
    WorkspaceStore(db, NANPING).create("南平 A")
    WorkspaceStore(db, CHANGTING).create("长汀 A")
    WorkspaceStore(db).create("全省")
    assert set(WorkspaceStore(db, LONGYAN).list()["name"]) == {"龙岩 A", "长汀 A"}
    assert set(WorkspaceStore(db, CHANGTING).list()["name"]) == {"长汀 A"}
    assert set(WorkspaceStore(db, LOCAL).list()["name"]) == {"龙岩 A", "南平 A", "长汀 A", "全省"}
    longyan = WorkspaceStore(db, LONGYAN)
    # the same words whether the workspace is missing or out of reach: names cannot be probed
    for name in ("南平 A", "全省", "no such"):
        with pytest.raises(AccessDeniedError, match=f"No workspace named '{name}', or you may not open it"):
            longyan.load_table(name, "facilities")
    with pytest.raises(AccessDeniedError, match="outside this account's scope"):
        longyan.create("南平 B", prefecture="南平")
    with pytest.raises(AccessDeniedError):
        WorkspaceStore(db, CHANGTING).create("连城", county="连城县")
    longyan.save_table("龙岩 A", "holidays", _holidays(2))
    longyan.delete("长汀 A")
    log = audit_log(db, LOCAL)
    assert list(log["action"])[:2] == ["workspace deleted", "table saved"]
    saved = log[log["action"] == "table saved"].iloc[0]
    assert (
        saved["account"] == "ly"
        and saved["workspace"] == "龙岩 A"
        and '"kind": "holidays"' in saved["detail"]
    )
    with pytest.raises(AccessDeniedError, match="Only province accounts"):
        audit_log(db, LONGYAN)


def test_workspace_option_of_the_analysis_command_lines(db: Database) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_workspace_option(parser)
    assert workspace_facilities(parser.parse_args([])) is None
    WorkspaceStore(db).create("w")
    assert len(workspace_facilities(parser.parse_args(["--workspace", "w"]))) > 1000
    with pytest.raises(AccessDeniedError):
        workspace_facilities(parser.parse_args(["--workspace", "nope"]))


def test_postgresql(embedded) -> None:
    with postgres_schema_url() as url:
        db = connect(url)
        store = WorkspaceStore(db, LONGYAN)
        store.create("龙岩 PG")
        store.save_facilities("龙岩 PG", embedded[3].head(50))
        store.save_table("龙岩 PG", "holidays", _holidays(2))
        db.close()
        again = WorkspaceStore(connect(url), LONGYAN)
        assert len(again.facilities("龙岩 PG")) == 50
        assert again.versions("龙岩 PG") == {"facilities": 1, "holidays": 1}
        with pytest.raises(AccessDeniedError):
            WorkspaceStore(again.db, NANPING).info("龙岩 PG")
