"""Input tables from planners' files: holidays (调休), hospital capacities, the doctor register and market
days are read by their analyses' own readers, stored as versions in the workspace, and read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo._errors import InputValidationError
from routing.database import Database
from routing.workspace import WorkspaceStore
from routing.workspace.__main__ import main
from routing.workspace.inputs import INPUT_KINDS, capacities_from_table, holidays_from_table, import_file
from tests.paths import ROOT

REGISTER = ROOT / "tests" / "routing" / "programme" / "data" / "zhangping_register_test.csv"


@pytest.fixture
def store(db: Database) -> WorkspaceStore:
    s = WorkspaceStore(db)
    s.create("漳平", county="漳平市")
    return s


def test_holidays(store: WorkspaceStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "2027.csv"
    path.write_text("日期,类型,名称\n2027-01-01,休息,元旦\n2027-02-07,上班,\n", encoding="utf-8")
    assert main(["import", "漳平", "holidays", str(path)]) == 0
    assert "节假日 1 天，调休上班 1 天" in capsys.readouterr().out
    overrides = holidays_from_table(store.load_table("漳平", "holidays"))
    assert overrides.holidays == {dt.date(2027, 1, 1)} and overrides.workdays == {dt.date(2027, 2, 7)}
    path.write_text("日期,类型\n2027-13-01,休息\n", encoding="utf-8")
    assert main(["import", "漳平", "holidays", str(path)]) == 2  # a bad date: nothing saved
    assert store.versions("漳平") == {"holidays": 1}


def test_capacities_and_market_days(store: WorkspaceStore, tmp_path: Path) -> None:
    caps = tmp_path / "caps.csv"
    caps.write_text("facility_id,capacity_days\nCH-350881,12\n", encoding="utf-8")
    import_file(store, "漳平", "capacities", caps)
    assert capacities_from_table(store.load_table("漳平", "capacities")) == {"CH-350881": 12}
    rules = tmp_path / "rules.csv"
    rules.write_text("乡镇,圩日\n漳平市双洋镇,农历逢五\n", encoding="utf-8")
    report = import_file(store, "漳平", "market-days", rules)
    assert report.version == 1 and len(store.load_table("漳平", "market_days")) == 1


def test_doctor_register(store: WorkspaceStore) -> None:
    if not REGISTER.is_file():
        pytest.skip("the programme's test register is not there")
    report = import_file(store, "漳平", "doctors", REGISTER)
    doctors = store.load_table("漳平", "doctors")
    assert report.version == 1 and len(doctors) > 0 and "采用" in report.text("zh")[0]


def test_kinds_without_a_reader_say_so(store: WorkspaceStore, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    without = [k for k, v in INPUT_KINDS.items() if v.read is None and k != "facilities"]
    for kind in without:  # overnight places, specialty needs: their analyses have no file reader yet
        with pytest.raises(InputValidationError, match="not available yet"):
            import_file(store, "漳平", kind.replace("_", "-"), path)
    assert store.versions("漳平") == {}
    with pytest.raises(InputValidationError, match="Unknown input kind"):
        import_file(store, "漳平", "weather", tmp_path / "x.csv")
