"""The doctor register: columns, titles (中级 and above), months, caps, per-row problems, GBK and XLSX."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from geo._errors import DataFileError
from routing.programme.register import format_months, parse_months, read_register, title_level

from .conftest import REGISTER


def test_test_register_reads_with_one_flagged_doctor(register):
    doctors = register.doctors
    assert len(doctors) == 16 and register.rejected.empty
    assert doctors["doctor_id"].tolist()[:3] == ["D001", "D002", "D003"]
    flagged = doctors[~doctors["eligible"]]
    assert flagged["title"].tolist() == ["住院医师"] and "低于中级" in flagged["flag"].iloc[0]
    assert (doctors["hospital_type"] == "city_hospital").sum() == 6
    assert set(doctors.loc[doctors["hospital_type"] == "county_hospital", "hospital"]) == {"漳平市总医院"}
    assert doctors.set_index("doctor_id").at["D003", "months"] == "1-6"
    assert doctors.set_index("doctor_id").at["D008", "months"] == "1,2,7-12"
    assert doctors.set_index("doctor_id").at["D004", "max_days"] == 2


@pytest.mark.parametrize(
    ("title", "level"),
    [("主治医师", "中级"), ("主治中医师", "中级"), ("中医主治医师", "中级"), ("全科主治医师", "中级"),
     ("副主任医师", "副高"), ("副主任中医师", "副高"), ("主任医师", "正高"), ("住院医师", "初级"),
     ("医师", "初级"), ("主管护师", ""), ("", "")],
)  # fmt: skip
def test_title_levels(title, level):
    assert title_level(title) == level


def test_month_specs():
    assert parse_months("") == tuple(range(1, 13))
    assert parse_months("3-12") == tuple(range(3, 13))
    assert parse_months("1,2,7") == (1, 2, 7) and parse_months("1、2、7月") == (1, 2, 7)
    assert format_months((1, 2, 3, 7)) == "1-3,7" and format_months(range(1, 13)) == "1-12"
    for bad in ("13", "3-", "12-3", "x"):
        with pytest.raises(ValueError, match=r"月份|无法识别"):
            parse_months(bad)


def test_bad_rows_are_rejected_by_row_without_names(facilities):
    text = (
        "医师名册（测试）\n"  # a title row above the header
        "姓名,职称,科室,所属医院,可支援月份,每月最多天数\n"
        "测试·甲,主治医师,内科,漳平市总医院,,\n"
        "测试·乙,主治医师,内科,火星医院,,\n"
        ",主治医师,内科,漳平市总医院,,\n"
        "测试·甲,主治医师,儿科,漳平市总医院,,\n"
        "测试·丙,主治医师,内科,漳平市总医院,13,\n"
        "测试·丁,主治医师,内科,漳平市总医院,3-,\n"
        "测试·戊,主治医师,内科,漳平市总医院,,0\n"
        "测试·己,主管护师,护理,漳平市总医院,,\n"
    ).encode("gbk")
    reg = read_register(text, facilities, name="名册.csv")
    lines = reg.report_lines()
    assert reg.doctors["name"].tolist() == ["测试·甲", "测试·己"]
    assert not reg.doctors.set_index("name").at["测试·己", "eligible"]  # kept, flagged, never assigned
    expected = [
        ("第4行，列“所属医院”", "未找到医院"), ("第5行，列“姓名”", "姓名为空"),
        ("第6行，列“姓名”", "与第3行重复"), ("第7行，列“可支援月份”", "13"), ("第8行，列“可支援月份”", "3-"),
        ("第9行，列“每月最多天数”", "1–23"), ("第10行，列“职称”", "无法识别"),
    ]  # fmt: skip
    for where, what in expected:
        assert any(line.startswith(where) and what in line for line in lines), (where, lines)
    assert not any("测试·乙" in line for line in lines)  # names are personal data: rows are named by number
    assert len(reg.rejected) == 6


def test_ambiguous_hospital_and_missing_columns(facilities):
    fac = facilities.copy()
    extra = fac[fac["facility_id"] == "CH-350881"].assign(facility_id="CH-X", county_name="长汀县")
    fac = pd.concat([fac, extra], ignore_index=True)
    reg = read_register("姓名,职称,所属医院\n测试·甲,主治医师,漳平市总医院\n".encode(), fac)
    assert "不唯一" in reg.report_lines()[0]
    with pytest.raises(DataFileError, match="缺少列 职称"):
        read_register("姓名,所属医院\n测试·甲,漳平市总医院\n".encode(), facilities)


def test_xlsx_register(facilities):
    buf = io.BytesIO()
    pd.read_csv(REGISTER, dtype=str).to_excel(buf, index=False)
    assert len(read_register(buf.getvalue(), facilities).doctors) == 16
