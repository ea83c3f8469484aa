"""附件1/附件2 exports, reading a filled-in 附件2 back, and planned-vs-done progress."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from geo._errors import DataFileError
from routing.pairing.forms import ANNEX1_COLUMNS, ANNEX2_COLUMNS, annex1_table, annex2_table, write_plan_xlsx
from routing.pairing.progress import planned_table, progress_report, read_annex2
from routing.pairing.roster import make_roster
from tests.paths import TEST_DATA

FORMS = TEST_DATA / "forms"
sys.path.insert(0, str(FORMS))
from make_broken import valid_annex2  # noqa: E402


def _pairs() -> pd.DataFrame:
    """Three centers in two prefectures; C3 gets two doctor-days a month."""
    return pd.DataFrame({
        "hospital_id": ["H1", "H1", "H2"], "hospital": ["医院甲", "医院甲", "医院乙"],
        "hospital_type": ["county_hospital", "county_hospital", "city_hospital"],
        "center_id": ["C1", "C2", "C3"], "center": ["甲镇卫生院", "乙镇卫生院", "丙街道社区卫生服务中心"],
        "county": ["漳平市", "漳平市", "新罗区"], "prefecture": ["龙岩市", "龙岩市", "三明市"],
        "days": [1, 1, 2], "minutes": [30.0, 45.5, 12.0], "estimated": True,
    })


def _fill(xlsx: bytes, done: dict[str, object]) -> bytes:
    """Fill 实际支援人日 of the 附件2 sheet by center id, as a center would."""
    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb["附件2"]
    header = [c.value for c in ws[3]]
    id_col, done_col = header.index("受援单位编码"), header.index("实际支援人日")
    for row in ws.iter_rows(min_row=4):
        cid = row[id_col].value
        if cid in done:
            row[done_col].value = done[cid]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_annex_tables_have_the_form_columns():
    roster = make_roster(_pairs(), "2026-12")
    a1 = annex1_table(roster, estimated=True)
    expected = [c if not c.startswith("单程") else "单程车程（分钟，估算）" for c in ANNEX1_COLUMNS]
    assert list(a1.columns) == expected
    assert a1["当月支援天数"].sum() == 4
    a2 = annex2_table(roster)
    assert list(a2.columns) == list(ANNEX2_COLUMNS)
    assert a2.set_index("受援单位编码").at["C3", "计划支援人日"] == 2
    assert (a2["实际支援人日"] == "").all()  # left for the center to fill


def test_round_trip_and_progress_with_gaps(tmp_path):
    pairs = _pairs()
    roster = make_roster(pairs, "2026-12")
    xlsx = write_plan_xlsx(tmp_path / "plan.xlsx", pairs=pairs, roster=roster, estimated=True, notes=["示例"])
    wb = load_workbook(tmp_path / "plan.xlsx")
    assert {"结对", "排班", "附件1", "附件2", "说明"} <= set(wb.sheetnames)
    assert any("估算" in str(c.value) for c in wb["结对"][3])
    filled = _fill(xlsx, {"C1": 1, "C2": 0})  # C3 left blank: not reported
    done = read_annex2(filled, known_ids=["C1", "C2", "C3"], name="filled.xlsx")
    by_id = done.set_index("center_id")["done_days"]
    assert by_id["C1"] == 1 and by_id["C2"] == 0 and pd.isna(by_id["C3"])
    planned = planned_table(pairs, ["2026-11", "2026-12"])
    report = progress_report(planned, done)
    dec = report.by_month.set_index(["prefecture", "month"])
    assert dec.at[("龙岩市", "2026-12"), "planned_days"] == 2
    assert dec.at[("龙岩市", "2026-12"), "done_days"] == 1
    gaps = report.gaps.set_index("center_id")["reason"].to_dict()
    assert gaps == {"C2": "已安排、实际0人日 planned, none done", "C3": "未填报 not reported"}
    milestones = set(report.targets["milestone"])
    assert milestones == {"2026-10 月底", "2026-12 月底"}
    assert "假设" in report.targets["target_basis"].iloc[0]


def test_unplanned_center_is_a_gap():
    planned = planned_table(_pairs(), ["2026-12"])
    planned.loc[planned["center_id"] == "C2", "planned_days"] = 0
    gaps = progress_report(planned).gaps
    assert gaps["center_id"].tolist() == ["C2"] and gaps["reason"].iloc[0] == "未安排 not planned"


BROKEN = [
    ("not_a_workbook.xlsx", r"not_a_workbook.xlsx: not a readable XLSX workbook"),
    ("foreign_workbook.xlsx", r"no sheet has the 附件2 header .* \(sheets: '工资表'\); this is not a 附件2"),
    ("missing_column.xlsx", r"sheet '附件2', row 3: missing column\(s\) 实际支援人日"),
    ("bad_days.xlsx", r"sheet '附件2', row 5, column J \(实际支援人日\): '三天' is not a whole number"),
    ("bad_month.xlsx", r"sheet '附件2', row 4, column B \(月份\): '2026-13' is not a month YYYY-MM"),
    ("negative_days.xlsx", r"sheet '附件2', row 4, column J \(实际支援人日\): -1 is not a whole number"),
    ("duplicate_row.xlsx", r"sheet '附件2', row 5: C1 in 2026-12 already reported in row 4"),
]


@pytest.mark.parametrize(("name", "pattern"), BROKEN)
def test_broken_workbooks_are_rejected_with_sheet_row_column(name, pattern):
    with pytest.raises(DataFileError, match=pattern):
        read_annex2(FORMS / name, name=name)


def test_unknown_center_is_named():
    pattern = r"row 5, column F \(受援单位编码\): 'C2' is not a center of this plan"
    with pytest.raises(DataFileError, match=pattern):
        read_annex2(valid_annex2(), known_ids=["C1"])


def test_valid_reference_workbook_reads():
    done = read_annex2(valid_annex2())
    assert done["center_id"].tolist() == ["C1", "C2"]
    assert not done["reported"].any()


def test_progress_cli_reads_planned_from_the_form(tmp_path, capsys):
    from routing.pairing.__main__ import main

    roster = make_roster(_pairs(), "2026-12")
    path = tmp_path / "filled.xlsx"
    path.write_bytes(_fill(write_plan_xlsx(None, pairs=_pairs(), roster=roster), {"C1": 1, "C2": 1, "C3": 1}))
    assert main(["--annex2", str(path), "--csv-dir", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert "centres with no doctor-day: 0" in text
    by_month = pd.read_csv(tmp_path / "out" / "by_month.csv")
    assert by_month.set_index("prefecture").at["三明市", "planned_days"] == 2
    assert by_month.set_index("prefecture").at["三明市", "done_days"] == 1
    assert main(["--annex2", str(FORMS / "bad_days.xlsx")]) == 2
    assert "column J (实际支援人日)" in capsys.readouterr().err
