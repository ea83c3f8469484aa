"""Rebuild the broken-on-purpose 附件2 workbooks: ``PYTHONPATH=. python tests/data/forms/make_broken.py``.

Each file starts from the same small, valid 附件2 (two centers × one month, as :mod:`routing.pairing.forms`
writes it) and breaks one thing; ``tests/test_progress.py`` checks that each is rejected naming the
sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook

from routing.pairing.forms import annex2_table, frames_to_xlsx

HERE = Path(__file__).resolve().parent


def valid_annex2() -> bytes:
    """A valid 附件2 for centers C1 and C2 in 2026-12 (data rows 4 and 5; 实际支援人日 is column J)."""
    roster = pd.DataFrame({
        "date": [dt.date(2026, 12, 3), dt.date(2026, 12, 17)],
        "hospital_id": ["H1", "H1"], "hospital": ["医院甲", "医院甲"], "doctor": ["医师1", "医师1"],
        "center_id": ["C1", "C2"], "center": ["甲镇卫生院", "乙镇卫生院"], "county": ["漳平市", "漳平市"],
        "prefecture": ["龙岩市", "龙岩市"],
    })
    return frames_to_xlsx([("附件2", annex2_table(roster), "附件2 对口支援工作量月报表")])


def _edit(edit) -> bytes:
    wb = load_workbook(io.BytesIO(valid_annex2()))
    edit(wb["附件2"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    """Write every broken file."""
    (HERE / "not_a_workbook.xlsx").write_bytes("序号,月份\n1,2026-12\n".encode())
    foreign = Workbook()
    foreign.active.title = "工资表"
    foreign.active.append(["姓名", "工资"])
    foreign.active.append(["张三", 5000])
    foreign.save(HERE / "foreign_workbook.xlsx")
    (HERE / "missing_column.xlsx").write_bytes(_edit(lambda ws: ws.delete_cols(10)))
    (HERE / "bad_days.xlsx").write_bytes(_edit(lambda ws: ws.__setitem__("J5", "三天")))
    (HERE / "bad_month.xlsx").write_bytes(_edit(lambda ws: ws.__setitem__("B4", "2026-13")))
    (HERE / "negative_days.xlsx").write_bytes(_edit(lambda ws: ws.__setitem__("J4", -1)))

    def dup(ws):
        ws["F5"] = "C1"

    (HERE / "duplicate_row.xlsx").write_bytes(_edit(dup))


if __name__ == "__main__":
    main()
