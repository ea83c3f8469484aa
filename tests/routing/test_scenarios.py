"""Saved scenarios: SQLite survives a restart; list/open/rename/delete/compare; PostgreSQL
when a server is there.

The PostgreSQL test runs in a private schema of ``$XUNZHEN_TEST_POSTGRES_URL`` (see tests/routing/pg.py) and
is skipped, with the reason, when no server answers; ``.ci/run`` starts Debian's PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo._errors import DataFileError, InputValidationError
from routing.scenarios import (
    DATA_DIR_ENV,
    Scenario,
    ScenarioStore,
    compare_scenarios,
    covered_population,
    default_database_url,
    drive_km,
)
from tests.paths import ROOT
from tests.routing.pg import postgres_schema_url


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory for this test (the store's SQLite file lives there)."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture(scope="module")
def facilities() -> pd.DataFrame:
    """The embedded facilities of 漳平市 (19 rows)."""
    from geo.facilities import load_facilities

    f = load_facilities()
    return f[f["county_code"] == "350881"].reset_index(drop=True)


def _pairing(moved_center: str | None = None) -> pd.DataFrame:
    """A small pairing table in routing.pairing's column layout (figures estimated)."""
    pairs = pd.DataFrame(
        {
            "hospital_id": ["CH-350881", "CH-350881", "CITY-1"],
            "hospital": ["漳平市医院", "漳平市医院", "龙岩市第一医院"],
            "center_id": ["PHC-350881101000", "PHC-350881100000", "PHC-350881102000"],
            "center": ["双洋镇卫生院", "新桥镇卫生院", "永福镇卫生院"],
            "days": [1, 2, 1],
            "minutes": [55.0, 60.0, 80.0],
            "km": [40.0, 42.5, 70.0],
            "estimated": [True, True, True],
        }
    )
    if moved_center:
        i = pairs.index[pairs["center_id"] == moved_center][0]
        pairs.loc[i, ["hospital_id", "hospital"]] = ["CITY-1", "龙岩市第一医院"]
    return pairs


def _scenario(name: str, facilities: pd.DataFrame, **kw: object) -> Scenario:
    coverage = pd.DataFrame(
        {
            "township_code": ["a", "b", "c"],
            "covered": [True, True, False],
            "population_est": [1000.0, 2500.0, 700.0],
        }
    )
    roster = pd.DataFrame({"date": [dt.date(2026, 3, 2), dt.date(2026, 3, 3)], "center_id": ["x", "y"]})
    return Scenario(
        name=name,
        facilities=facilities,
        parameters={
            "max_minutes": 90,
            "month": "2026-03",
            "seeds": np.array([1, 2]).tolist(),
            "day": dt.date(2026, 3, 1),
        },
        results={"coverage": coverage, "pairing": _pairing(), "roster": roster, **kw.pop("results", {})},  # type: ignore[dict-item]
        **kw,  # type: ignore[arg-type]
    )


def test_default_url_is_sqlite_in_data_dir(data_dir: Path) -> None:
    assert default_database_url() == f"sqlite:///{data_dir / 'xunzhen.sqlite'}"


def test_survives_restart(data_dir: Path, facilities: pd.DataFrame) -> None:
    """Saved with one engine, read back with a new engine on the same SQLite file: everything equal."""
    store = ScenarioStore()
    sid = store.save(_scenario("基线 baseline", facilities, notes="第一版"))
    store.close()
    assert (data_dir / "xunzhen.sqlite").is_file()

    again = ScenarioStore()  # a restart: new engine, same file
    listed = again.list()
    assert list(listed["name"]) == ["基线 baseline"] and int(listed["id"][0]) == sid
    assert listed["created_at"][0].tzinfo is not None
    s = again.open("基线 baseline")
    assert s.id == sid and s.notes == "第一版"
    pd.testing.assert_frame_equal(
        s.facilities.drop(columns="geometry"), facilities.drop(columns="geometry"), check_dtype=False
    )
    assert (
        s.facilities.crs == "EPSG:4326" and s.facilities.geometry.iloc[0].x == facilities["lon"].iloc[0]
    )
    pd.testing.assert_frame_equal(s.results["pairing"], _pairing(), check_dtype=False)
    assert list(s.results["roster"]["date"]) == [
        "2026-03-02",
        "2026-03-03",
    ]  # dates come back as ISO text
    assert s.parameters == {"max_minutes": 90, "month": "2026-03", "seeds": [1, 2], "day": "2026-03-01"}
    assert s.estimated  # pairing figures carry estimated=True
    again.close()


def test_rename_delete_and_name_rules(data_dir: Path, facilities: pd.DataFrame) -> None:
    store = ScenarioStore()
    store.save(_scenario("A", facilities))
    store.save(_scenario("B", facilities))
    with pytest.raises(InputValidationError, match="already exists"):
        store.save(_scenario("A", facilities))
    with pytest.raises(InputValidationError, match="already exists"):
        store.rename("A", "B")
    with pytest.raises(InputValidationError, match="needs a name"):
        store.save(_scenario("  ", facilities))
    store.rename("A", "A2")
    assert set(store.list()["name"]) == {"A2", "B"}
    store.delete("B")
    assert list(store.list()["name"]) == ["A2"]
    with pytest.raises(InputValidationError, match="No saved scenario 'B'"):
        store.open("B")
    # overwrite keeps created_at, replaces the tables
    before = store.open("A2")
    store.save(Scenario("A2", results={"pairing": _pairing()}), overwrite=True)
    after = store.open("A2")
    assert (
        after.created_at == before.created_at
        and after.facilities is None
        and set(after.results) == {"pairing"}
    )


def test_delete_removes_tables(data_dir: Path, facilities: pd.DataFrame) -> None:
    import sqlite3

    store = ScenarioStore()
    store.save(_scenario("A", facilities))
    store.delete("A")
    store.close()
    with sqlite3.connect(data_dir / "xunzhen.sqlite") as con:
        assert con.execute("select count(*) from xz_workspace_scenario_tables").fetchone()[0] == 0


def test_compare(data_dir: Path, facilities: pd.DataFrame) -> None:
    store = ScenarioStore()
    store.save(_scenario("A", facilities, metrics={"doctor_days": 4}))
    b = _scenario("B", facilities, metrics={"doctor_days": 5})
    b.results["pairing"] = _pairing(moved_center="PHC-350881100000")
    b.results["coverage"].loc[2, "covered"] = True
    store.save(b)
    c = store.compare("A", "B")
    assert c.covered_population == (3500.0, 4200.0, 700.0)
    # 2 × Σ km × days: A = 2 × (40 + 85 + 70) = 390; B is the same distances (only the hospital changed)
    assert c.drive_km == (390.0, 390.0, 0.0)
    assert c.changed_pairings.to_dict("records") == [
        {
            "center_id": "PHC-350881100000",
            "center": "新桥镇卫生院",
            "hospitals_a": "漳平市医院",
            "hospitals_b": "龙岩市第一医院",
            "change": "reassigned",
        }
    ]
    table = c.table("zh")
    assert table.columns.tolist() == ["metric", "A", "B", "Δ"]
    assert table["metric"][0] == "覆盖人口（人）（估算）"  # estimated figures say so
    assert table[table["metric"] == "doctor_days"]["Δ"].item() == 1.0


def test_metrics_override_and_missing() -> None:
    s = Scenario("x", metrics={"covered_population": 12.0, "drive_km": 3.5})
    assert (covered_population(s), drive_km(s)) == (12.0, 3.5)
    empty = Scenario("y")
    assert math.isnan(covered_population(empty)) and math.isnan(drive_km(empty))
    c = compare_scenarios(s, empty)
    assert math.isnan(c.covered_population[2]) and len(c.changed_pairings) == 0 and not c.estimated


def test_bad_inputs(data_dir: Path) -> None:
    store = ScenarioStore()
    with pytest.raises(InputValidationError, match="Result kind 'Bad Kind'"):
        store.save(Scenario("x", results={"Bad Kind": pd.DataFrame()}))
    with pytest.raises(InputValidationError, match=r"Cannot store object"):
        store.save(Scenario("x", parameters={"f": object()}))
    assert store.list().empty


def test_unopenable_database_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "not_a_db.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DataFileError, match=r"not_a_db\.sqlite"):
        ScenarioStore(f"sqlite:///{bad}")


def test_password_masked() -> None:
    from routing.database import mask_url

    masked = mask_url("postgresql+psycopg2://user:secret@db.example/x")
    assert "secret" not in masked and "user:***@" in masked


def test_cli_list_compare(
    data_dir: Path, facilities: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    from routing.scenarios.__main__ import main

    store = ScenarioStore()
    store.save(_scenario("A", facilities))
    store.save(_scenario("B", facilities))
    store.close()
    assert main(["list"]) == 0
    assert "2 scenario(s)" in capsys.readouterr().out
    assert main(["compare", "--name", "A", "--name", "B", "--lang", "en"]) == 0
    assert "covered population (persons) (estimated)" in capsys.readouterr().out
    assert main(["show", "--name", "nope"]) == 2
    assert "No saved scenario 'nope'" in capsys.readouterr().err


def test_cli_save_upload_and_export(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from routing.scenarios.__main__ import main

    upload = ROOT / "tests" / "data" / "uploads" / "gcj02_undeclared.csv"
    assert main(["save", "漳平实测", "--upload", str(upload)]) == 0
    out = capsys.readouterr().out
    assert "4 accepted (3 corrected)" in out and "'moved': 3" in out
    s = ScenarioStore().open("漳平实测")
    assert (s.facilities["location_quality"] == "surveyed").sum() == 3
    assert s.notes == "upload gcj02_undeclared.csv"
    assert main(["export", "--name", "漳平实测", "--dir", str(data_dir / "out")]) == 0
    assert (data_dir / "out" / "facilities.csv").is_file() and (data_dir / "out" / "scenario.json").is_file()
    assert main(["save", "漳平实测"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_cli_no_traceback_on_bad_database(tmp_path: Path) -> None:
    """The real process: a corrupt database file gives one line and exit 1, no traceback."""
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 200)
    run = subprocess.run(
        [sys.executable, "-m", "routing.scenarios", "--db", f"sqlite:///{bad}", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "bad.sqlite" in run.stderr and "Traceback" not in run.stderr


def test_postgresql_round_trip(facilities: pd.DataFrame) -> None:
    """Same behaviour on PostgreSQL (a private schema), including surviving a new engine."""
    with postgres_schema_url() as url:
        store = ScenarioStore(url)
        store.save(_scenario("A", facilities))
        b = _scenario("B", facilities)
        b.results["pairing"] = _pairing(moved_center="PHC-350881101000")
        store.save(b)
        store.close()
        again = ScenarioStore(url)
        assert set(again.list()["name"]) == {"A", "B"}
        s = again.open("A")
        pd.testing.assert_frame_equal(
            s.facilities.drop(columns="geometry"), facilities.drop(columns="geometry"), check_dtype=False
        )
        assert len(again.compare("A", "B").changed_pairings) == 1
        again.rename("B", "B2")
        again.delete("A")
        assert list(again.list()["name"]) == ["B2"]
        again.close()


def test_scenario_commands_take_id_or_name_never_guess(
    data_dir: Path, facilities: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: ``scenarios delete 1`` deleted the scenario *named* "1" (a guess); now --id or --name."""
    from routing.scenarios.__main__ import main

    store = ScenarioStore()
    first = store.save(_scenario("基线", facilities))
    named_one = store.save(_scenario("1", facilities))
    assert first == 1 and named_one != 1
    with pytest.raises(SystemExit):  # a bare key is refused by the parser: say which it is
        main(["delete", "1"])
    assert main(["delete", "--id", "1"]) == 0  # id 1 is 基线
    assert set(store.list()["name"]) == {"1"}
    assert main(["delete", "--name", "1"]) == 0
    assert store.list().empty
    assert main(["show", "--id", "1", "--name", "x"]) == 2
    assert "--id N or --name S" in capsys.readouterr().err
    assert isinstance(store.open, object)
    with pytest.raises(InputValidationError, match="No saved scenario id 7"):
        store.open(7)
    with pytest.raises(InputValidationError, match="No saved scenario '7'"):
        store.open("7")  # a name is never read as an id


def test_first_release_database_is_migrated(data_dir: Path, facilities: pd.DataFrame) -> None:
    """A scenarios.sqlite written by the first release opens: renamed, migrated, its scenarios in 默认."""
    import sqlite3

    from routing.database import SCHEMA_VERSION, connect, schema_version

    legacy = data_dir / "scenarios.sqlite"
    with sqlite3.connect(legacy) as con:
        con.executescript(
            "CREATE TABLE xz_scenarios (id INTEGER PRIMARY KEY, name VARCHAR(200) UNIQUE NOT NULL,"
            " created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, notes TEXT, parameters JSON,"
            " metrics JSON, n_facilities INTEGER, estimated BOOLEAN);"
            "CREATE TABLE xz_scenario_tables (id INTEGER PRIMARY KEY, scenario_id INTEGER NOT NULL"
            " REFERENCES xz_scenarios(id) ON DELETE CASCADE, kind VARCHAR(40) NOT NULL, n_rows INTEGER,"
            " content TEXT NOT NULL);"
            "INSERT INTO xz_scenarios VALUES (5, '旧方案', '2026-01-02 03:04:05', '2026-01-02 03:04:05',"
            " 'old',"
            " '{\"month\": \"2026-03\"}', '{\"covered_population\": 12.0}', 0, 0);"
        )
        content = _pairing().to_json(orient="table", index=False)
        con.execute("INSERT INTO xz_scenario_tables VALUES (1, 5, 'pairing', 3, ?)", (content,))
    db = connect()
    assert schema_version(db.engine) == SCHEMA_VERSION
    assert not legacy.exists() and (data_dir / "xunzhen.sqlite").is_file()
    old = ScenarioStore(db=db).open("旧方案")
    assert old.workspace == "默认" and old.parameters == {"month": "2026-03"}
    assert covered_population(old) == 12.0 and len(old.results["pairing"]) == 3
    db.close()
