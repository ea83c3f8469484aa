"""Issue 13 in the pairing area: implausible 附件2 reports, bad output folders, huge or repeated capacities,
empty selections of the tertiary pairing. Each case failed (traceback, silent acceptance) before."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from geo._errors import DataFileError, InputValidationError
from routing.pairing.annex2 import import_annex2, read_annex2
from routing.pairing.capacity import read_capacities
from tests.paths import TEST_DATA

sys.path.insert(0, str(TEST_DATA / "forms"))
from make_broken import valid_annex2  # (C1, C2 in 2026-12; 实际支援人日 = column J)


def _edit(edit, data: bytes | None = None) -> bytes:
    wb = load_workbook(io.BytesIO(data or valid_annex2()))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("days", [10**12, 40])
def test_days_above_the_working_days_of_the_month_are_rejected(days):
    data = _edit(lambda wb: wb["附件2"].__setitem__("J4", days))
    pattern = r"row 4, column J \(实际支援人日\): .* exceeds the 2[0-9] working days of 2026-12"
    with pytest.raises(DataFileError, match=pattern):
        read_annex2(data)
    res = import_annex2(data)
    assert res.done["center_id"].tolist() == ["C2"]  # the other row is kept


def test_one_center_above_the_working_days_in_total_is_rejected():
    """Two doctors' rows for one center: 15 + 15 = 30 days in a 22-working-day month."""
    frame = pd.DataFrame({"月份": ["2026-12", "2026-12"], "受援单位编码": ["C1", "C1"],
                          "支援医师": ["甲", "乙"], "实际支援人日": [15, 15]})  # fmt: skip
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name="report")
    with pytest.raises(DataFileError, match="one center has 30 人日 in 2026-12"):
        read_annex2(buf.getvalue())


def test_unknown_center_is_rejected_by_row_and_the_rest_kept():
    res = import_annex2(valid_annex2(), known_ids=["C1"])
    assert not res.ok and "'C2' is not a center of this plan" in res.problems[0]
    assert res.done["center_id"].tolist() == ["C1"]


def test_total_rows_are_skipped_with_a_note():
    def total(wb):
        ws = wb["附件2"]
        ws["A6"], ws["E6"], ws["J6"] = "合计", "合计", 2

    res = import_annex2(_edit(total))
    assert res.ok and any("合计" in n for n in res.notes)
    assert read_annex2(_edit(total))["center_id"].tolist() == ["C1", "C2"]


def test_renamed_sheet_is_found_by_its_header_and_named_in_messages():
    def rename(wb):
        wb["附件2"].title = "12月"
        wb.create_sheet("封面", 0)["A1"] = "对口支援工作量月报表"

    data = _edit(rename)
    assert read_annex2(data)["center_id"].tolist() == ["C1", "C2"]
    broken = _edit(lambda wb: wb["12月"].delete_cols(10), data)
    with pytest.raises(DataFileError, match=r"sheet '12月', row 3: missing column\(s\) 实际支援人日"):
        read_annex2(broken)


@pytest.mark.parametrize("kind", ["file", "uncreatable"])
def test_csv_dir_that_cannot_be_used_gives_a_message(tmp_path, capsys, monkeypatch, kind):
    from routing.pairing.__main__ import main

    monkeypatch.setenv("XUNZHEN_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "a-file"
    target.write_text("x")
    path = target if kind == "file" else target / "sub" / "dir"  # below a file: cannot be created
    code = main(["--annex2", str(_write(tmp_path, valid_annex2())), "--csv-dir", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "--csv-dir" in err and ("已有文件" in err or "无法创建" in err)
    assert "Traceback" not in err and "internal error" not in err


def _write(tmp_path, data: bytes):
    path = tmp_path / "annex2.xlsx"
    path.write_bytes(data)
    return path


def test_huge_capacity_names_the_parameter_and_range():
    frame = pd.DataFrame({"facility_id": ["CH-350881"], "capacity_days": ["99999999999999999999999"]})
    pattern = r"capacity_days: '99999999999999999999999' is not a whole number from 0 to 100000"
    with pytest.raises(InputValidationError, match=pattern):
        read_capacities(frame)


def test_duplicate_capacity_rows_are_refused():
    frame = pd.DataFrame({"facility_id": ["CH-350881", "CH-350881"], "capacity_days": [10, 12]})
    pattern = r"row 3, column facility_id: CH-350881 is listed twice \(rows 2 and 3\)"
    with pytest.raises(InputValidationError, match=pattern):
        read_capacities(frame)


@pytest.mark.parametrize(("tertiary", "counties", "message"), [
    ([], ["长汀县"], "至少选择一家三级医院"), (["TH-350100-01"], [], "至少选择一个薄弱县"),
])  # fmt: skip
def test_empty_tertiary_selection_is_a_clear_message(tertiary, counties, message):
    from routing.pairing import plan_tertiary_pairing

    with pytest.raises(InputValidationError, match=message):
        plan_tertiary_pairing(tertiary, counties)
