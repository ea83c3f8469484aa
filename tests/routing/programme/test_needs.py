"""Centers' specialty needs: the file reader (names or ids, row problems, hostile cells), the workspace input
kind, the command line, and the plan preferring doctors of the asked-for specialty."""

from __future__ import annotations

import pandas as pd
import pytest

from geo._errors import DataFileError
from geo.network import EstimatedNetwork
from routing.programme import plan_year
from routing.programme.needs import read_center_needs
from routing.programme.register import read_register
from routing.workspace.inputs import INPUT_KINDS

from .conftest import REGISTER

CENTERS = ["漳平市菁城社区卫生服务中心", "漳平市桂林社区卫生服务中心", "漳平市新桥中心卫生院"]


def test_names_or_ids_and_every_bad_row_named(facilities):
    text = (
        "说明：漳平市卫生院专科需求\n机构名称,专科需求\n"
        f"{CENTERS[0]},儿科、中医\n{CENTERS[1]},\"内科, 妇产科 内科\"\n不存在卫生院,儿科\n"
        f"{CENTERS[0]},外科\n{CENTERS[2]},{'很' * 101}\n=cmd|' /C calc'!A0,儿科\n漳平市总医院,内科\n"
    ).encode("gbk")
    got = read_center_needs(text, facilities, name="needs.csv")
    assert got.table["center"].tolist() == CENTERS[:2]
    assert got.table["needs"].tolist() == ["儿科、中医", "内科、妇产科"]  # split, repeats dropped
    assert got.table["row"].tolist() == [3, 4]
    problems = "\n".join(got.problems)
    assert "第5行" in problems and "第6行" in problems and "与第3行是同一机构" in problems
    assert "第7行，列“专科需求”：内容过长" in problems
    assert "第8行" in problems and "cmd" not in problems  # the hostile cell is not echoed
    assert "第9行" in problems  # a hospital is not a center
    by_id = read_center_needs(f"机构编码,需求\n{got.table['center_id'][0]},儿科\n".encode(), facilities,
                              name="ids.csv")  # fmt: skip
    assert by_id.table["center"].tolist() == [CENTERS[0]]


def test_missing_columns_are_refused(facilities):
    with pytest.raises(DataFileError, match="专科需求"):
        read_center_needs("机构名称,备注\nx,y\n".encode(), facilities, name="bad.csv")


def test_workspace_input_kind_reads_needs(facilities):
    table, lines = INPUT_KINDS["specialty_needs"].read(  # type: ignore[misc]
        f"机构名称,专科需求\n{CENTERS[2]},儿科\n".encode(), "n.csv", facilities
    )
    assert table["needs"].tolist() == ["儿科"] and "1 个卫生院" in lines[0][0]


def test_a_center_asking_for_paediatrics_gets_the_paediatrician_more_often(facilities, tmp_path, monkeypatch):
    monkeypatch.setenv("XUNZHEN_CACHE_DIR", str(tmp_path))
    register = read_register(REGISTER, facilities)
    paed = set(register.doctors.loc[register.doctors["specialty"] == "儿科", "name"])
    assert paed
    center = read_center_needs(f"机构名称,专科需求\n{CENTERS[2]},儿科\n".encode(), facilities, name="n.csv")

    def paediatric_visits(needs: pd.DataFrame | None) -> int:
        plan = plan_year(register, year=2027, county="漳平市", facilities=facilities,
                         network=EstimatedNetwork(), center_needs=needs)  # fmt: skip
        visits = plan.visits[plan.visits["center"] == CENTERS[2]]
        return int(visits["doctor"].isin(paed).sum())

    assert paediatric_visits(center.table) > paediatric_visits(None)
