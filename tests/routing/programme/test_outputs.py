"""Forms 附件1/附件2 per month, visits.csv (an interface), ledger, burn-up, the CLI, a filled 附件2 back."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from routing.pairing.annex2 import import_annex2
from routing.programme.forms import ANNEX1_HEADERS, FormHeader, annex1_xlsx, annex2_xlsx
from routing.programme.outputs import VISITS_HEADER, visits_table
from routing.programme.progress import burnup, ledger, ledger_xlsx

from .conftest import REGISTER


def _cells(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_annex1_is_a_printable_form(zhangping_2027):
    wb = load_workbook(io.BytesIO(annex1_xlsx(zhangping_2027, "2027-02", FormHeader(unit="漳平市总医院"))))
    assert wb.sheetnames == ["附件1"]  # the form itself, nothing in front
    ws = wb["附件1"]
    rows = _cells(ws)
    assert rows[0][0] == "附件1　支援人员安排情况表（2027年2月）" and "A1:" in str(ws.merged_cells)
    assert rows[1][0].startswith("填报单位（盖章）：漳平市总医院") and "填报人" in rows[1][0]
    assert "联系电话" in rows[1][0] and "填报日期" in rows[1][0]
    header = rows[2]
    assert header[: len(ANNEX1_HEADERS) - 2] == list(ANNEX1_HEADERS[:-2])
    assert all(not any(ch.isascii() and ch.isalpha() for ch in str(h)) for h in header)  # Chinese only
    body = [r for r in rows[3:] if isinstance(r[0], int)]
    assert len(body) >= 14 and all(r[3] and str(r[3]).startswith("测试·") for r in body)  # real names
    dates = "、".join(str(r[9]) for r in body)
    assert "2027-02-" in dates and "02-1" not in dates.replace("2027-02-1", "")
    assert any(str(r[0] or "").startswith("注：") for r in rows[len(body) + 3 :])  # footnote under the table
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    assert ws.print_title_rows and ws.sheet_properties.pageSetUpPr.fitToPage


def test_forms_without_register_leave_name_cells_empty(facilities, estimated):
    from routing.programme import plan_year

    plan = plan_year(None, year=2027, county="漳平市", facilities=facilities, network=estimated, months=[1])
    ws = load_workbook(io.BytesIO(annex1_xlsx(plan, "2027-01")))["附件1"]
    body = [r for r in _cells(ws)[3:] if isinstance(r[0], int)]
    assert body and all(r[3] is None for r in body)  # empty, never 医师1/待填
    assert "待填" not in str(_cells(ws))


def test_visits_csv_header_is_the_contract(zhangping_2027):
    table = visits_table(zhangping_2027)
    assert tuple(table.columns) == VISITS_HEADER
    assert table["date"].str.fullmatch(r"2027-\d\d-\d\d").all()


def test_filled_annex2_updates_burnup_and_ledger(zhangping_2027, register):
    data = annex2_xlsx(zhangping_2027, "2027-01")
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    ws.title = "一月报表"  # renamed sheet: found by its header
    header = [c.value for c in ws[3]]
    done_col = header.index("实际支援人日") + 1
    n = 0
    for row in range(4, ws.max_row + 1):
        if isinstance(ws.cell(row, 1).value, int):
            ws.cell(row, done_col).value = ws.cell(row, header.index("计划支援人日") + 1).value
            n += 1
    last = ws.max_row + 1
    ws.cell(last, 1).value = "合计"
    ws.cell(last, done_col).value = 16
    buf = io.BytesIO()
    wb.save(buf)
    res = import_annex2(buf.getvalue(), known_ids=zhangping_2027.centers["facility_id"].tolist(),
                        doctors=register.doctors, name="filled.xlsx")  # fmt: skip
    assert res.ok and res.sheet == "一月报表" and any("合计" in note for note in res.notes)
    assert len(res.done) == n and (res.done["doctor_id"] != "").all()
    burn = burnup(zhangping_2027, res.done)
    jan = burn.set_index("month").loc["2027-01"]
    assert jan["reported_days"] == 16 and jan["planned_days"] == 16
    dec = burn.set_index("month").loc["2027-12"]
    assert dec["cum_planned"] == 192 and dec["target"] == round(10000 * 16 / 1106)
    assert "假设" in dec["target_basis"]
    led = ledger(zhangping_2027, res.done)
    assert led.loc[led["month"] == "2027-01", "reported_days"].sum() == 16
    assert led.loc[led["month"] == "2027-02", "reported_days"].isna().all()
    wb2 = load_workbook(io.BytesIO(ledger_xlsx(led, "CH-350881", year=2027)))
    assert "全年合计" in str(_cells(wb2.worksheets[0]))


def test_cli_writes_every_file(tmp_path, capsys, monkeypatch):
    from routing.programme.__main__ import main

    monkeypatch.setenv("XUNZHEN_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    code = main(["--county", "漳平市", "--year", "2027", "--doctors", str(REGISTER), "--out-dir", str(out)])
    assert code == 0
    names = {p.name for p in out.iterdir()}
    for m in range(1, 13):
        assert f"附件1_2027-{m:02d}.xlsx" in names and f"附件2_2027-{m:02d}.xlsx" in names
    assert {"visits.csv", "ledger.csv", "年度计划.xlsx"} <= names
    first = (out / "visits.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert first == "date,doctor,title,specialty,hospital_id,center_id,center,minutes"
    assert len(pd.read_csv(out / "visits.csv")) == 192
    printed = capsys.readouterr()
    assert "测试·" not in printed.out + printed.err  # names never on screen or in logs


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--year", "2040"], "2022–2035"),
        (["--year", "2027", "--holidays", "HOL"], "不在 2027 年内"),
        (["--year", "2027", "--out-dir", "FILE"], "已有文件"),
    ],
)
def test_cli_bad_input_is_one_message(tmp_path, capsys, monkeypatch, argv, message):
    from routing.programme.__main__ import main

    monkeypatch.setenv("XUNZHEN_CACHE_DIR", str(tmp_path / "cache"))
    hol = tmp_path / "hol.csv"
    hol.write_text("日期,类型\n2026-12-31,休息\n", encoding="utf-8")
    file = tmp_path / "a-file"
    file.write_text("x")
    argv = [str(hol) if a == "HOL" else str(file) if a == "FILE" else a for a in argv]
    if "--out-dir" not in argv:
        argv += ["--out-dir", str(tmp_path / "o")]
    code = main(["--county", "漳平市", "--doctors", str(REGISTER), *argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
