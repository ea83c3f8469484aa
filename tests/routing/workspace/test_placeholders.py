"""No phantom hospitals: the real 长汀县医院 replaces the embedded placeholder (CLI reports, then applies with
--replace-placeholders); its id, hence capacity and pairings, stay; a comparison does not count it, nor swaps
between co-located hospitals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from routing.database import Database
from routing.scenarios import Scenario, compare_scenarios
from routing.workspace import WorkspaceStore, find_placeholders
from routing.workspace.__main__ import main

PLACEHOLDER = "CH-350821"  # 长汀县县级综合医院（名称待核实）, county seat of 长汀县


@pytest.fixture
def changting_csv(tmp_path: Path) -> Path:
    path = tmp_path / "changting.csv"
    path.write_text(
        "名称,类型,地址,经度,纬度,医生数\n长汀县医院,县医院,福建省龙岩市长汀县汀州镇,116.3560,25.8390,30\n"
        "长汀县第二医院,县医院,长汀县河田镇,116.4000,25.6500,\n",
        encoding="utf-8",
    )
    return path


def test_proposals(embedded) -> None:
    from geo.facilities.upload import validate_file

    fac = embedded[3]
    up = validate_file(Path(__file__).parents[2] / "data" / "uploads" / "good_utf8.csv").accepted
    assert find_placeholders(fac, up).empty  # township health centers are never placeholders


def test_cli_reports_then_replaces(
    db: Database, changting_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = WorkspaceStore(db)
    store.create("龙岩", prefecture="龙岩")
    n0 = len(store.facilities("龙岩"))
    assert main(["import", "龙岩", "facilities", str(changting_csv)]) == 0
    out = capsys.readouterr().out
    assert (
        "长汀县医院 距占位医院 长汀县县级综合医院（名称待核实） 0.44 公里" in out
        and "--replace-placeholders" in out
    )
    fac = store.facilities("龙岩")
    assert len(fac) == n0 + 1  # only 长汀县第二医院 (18 km away) was added; 长汀县医院 waits for the decision
    assert "长汀县医院" not in set(fac["name"])

    assert main(["import", "龙岩", "facilities", str(changting_csv), "--replace-placeholders"]) == 0
    out = capsys.readouterr().out
    assert "替换占位医院" in out
    fac = store.facilities("龙岩")
    row = fac[fac["facility_id"] == PLACEHOLDER].iloc[0]
    assert row["name"] == "长汀县医院" and row["location_quality"] == "surveyed" and not row["name_derived"]
    assert (
        len(fac) == n0 + 1
        and (fac["county_code"].eq("350821") & fac["facility_type"].eq("county_hospital")).sum() == 2
    )
    assert "长汀县县级综合医院（名称待核实）" not in set(fac["name"])  # never two


def test_comparison_counts_substance_only(embedded) -> None:
    fac = embedded[3]
    a_pairs = pd.DataFrame(
        {
            "hospital_id": ["CITY-350800-01", PLACEHOLDER, "CITY-350800-01"],
            "hospital": ["龙岩市第一医院", "长汀县县级综合医院（名称待核实）", "龙岩市第一医院"],
            "center_id": ["c1", "c2", "c3"],
            "center": ["一", "二", "三"],
        }
    )
    b_pairs = a_pairs.copy()
    b_pairs.loc[0, ["hospital_id", "hospital"]] = ["CITY-350800-02", "龙岩人民医院"]  # same address: a tie
    b_pairs.loc[1, "hospital"] = "长汀县医院"  # the replaced placeholder keeps its id
    b_pairs.loc[2, ["hospital_id", "hospital"]] = ["CH-350881", "漳平市医院"]  # another place: a change
    c = compare_scenarios(
        Scenario("A", facilities=fac, results={"pairing": a_pairs}),
        Scenario("B", facilities=fac, results={"pairing": b_pairs}),
    )
    assert list(c.changed_pairings["center_id"]) == ["c3"] and c.ties == 1
    # two hospitals at one (approximate) seat are a tie too: 新罗区's county hospital and 龙岩市第一医院
    b_pairs.loc[2, "hospital_id"] = "CH-350802"
    c = compare_scenarios(
        Scenario("A", facilities=fac, results={"pairing": a_pairs}),
        Scenario("B", facilities=fac, results={"pairing": b_pairs}),
    )
    assert c.changed_pairings.empty and c.ties == 2
    assert "同址医院之间的调换（不计为变动）" in set(c.table("zh")["metric"])
