"""Write the broken-on-purpose files of issue 13 into this folder (deterministic; run from the repo root):

    PYTHONPATH=. .venv/bin/python tests/data/hostile/make_hostile.py

Synthetic test inputs, not survey data: points are township seats of the embedded gazetteer (漳平市, 新罗区,
金门县's outline) shifted by a fixed ~150 m. Each file holds one defect; tests/test_issue13.py lists what each
must produce. Files too big to keep (200,001 rows, a zip bomb) are made by the test itself.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook

HERE = Path(__file__).resolve().parent
HEADER = ["名称", "类型", "地址", "经度", "纬度"]
SHIFT = (0.0012, 0.0009)
HOSTILE_NAMES = (
    '=HYPERLINK("http://x","click")医院',
    "=cmd|' /C calc'!A0",
    "+1卫生院",
    "-1+2卫生院",
    "@SUM(1)卫生院",
)


def seat(county: str, township: str) -> tuple[float, float]:
    """WGS84 seat of a township, shifted by :data:`SHIFT` (a plausible surveyed point)."""
    from geo.places import load_townships

    t = load_townships()
    row = t[(t["county_name"] == county) & (t["name"] == township)].iloc[0]
    return float(row["lon"]) + SHIFT[0], float(row["lat"]) + SHIFT[1]


def far_point() -> tuple[str, float, float, float]:
    """A 新罗区 township seat about 25 km from 漳平市双洋镇's: (its name, lon, lat, km)."""
    from geo.coords import haversine_km
    from geo.places import load_townships

    t = load_townships()
    lon0, lat0 = seat("漳平市", "双洋镇")
    xinluo = t[(t["county_name"] == "新罗区") & t["lon"].notna()]
    d = haversine_km(lon0, lat0, xinluo["lon"].to_numpy(), xinluo["lat"].to_numpy())
    i = int(abs(d - 25.0).argmin())
    row = xinluo.iloc[i]
    return str(row["name"]), float(row["lon"]) + SHIFT[0], float(row["lat"]) + SHIFT[1], float(d[i])


def good_rows() -> list[list[str]]:
    rows = []
    for town in ("双洋镇", "拱桥镇", "赤水镇"):
        lon, lat = seat("漳平市", town)
        rows.append([f"{town}卫生院", "乡镇卫生院", f"福建省龙岩市漳平市{town}", f"{lon:.6f}", f"{lat:.6f}"])
    return rows


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_book(name: str, fill) -> None:
    book = Workbook()
    fill(book)
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 1)
    book.save(HERE / name)


def uploads() -> None:
    _, lon, lat, _ = far_point()
    (HERE / "far_from_named_place.csv").write_text(
        csv_text([HEADER, ["漳平市双洋镇卫生院", "乡镇卫生院", "", f"{lon:.6f}", f"{lat:.6f}"]]), "utf-8"
    )
    (HERE / "bom_then_gbk.csv").write_bytes(codecs.BOM_UTF8 + csv_text([HEADER, *good_rows()]).encode("gbk"))
    (HERE / "fullwidth_comma.csv").write_text(csv_text([HEADER, *good_rows()], "，"), "utf-8")
    spaced = [[*r[:3], "117 21 49", "25 36 46"] for r in good_rows()[:1]]
    (HERE / "dms_with_spaces.csv").write_text(csv_text([HEADER, *spaced]), "utf-8")
    k_lon, k_lat = 118.318, 24.440  # 金城镇, 金门县 (Kinmen)
    (HERE / "kinmen_point.csv").write_text(
        csv_text(
            [HEADER, *good_rows()[:1], ["金城镇卫生院", "乡镇卫生院", "金门县金城镇", f"{k_lon}", f"{k_lat}"]]
        ),
        "utf-8",
    )
    hostile = [[n, "乡镇卫生院", "漳平市双洋镇", *good_rows()[0][3:]] for n in HOSTILE_NAMES]
    hostile[1][1] = "=TYPE()"  # one rejected row, so that the rejected-rows CSV carries hostile text too
    (HERE / "hostile_names.csv").write_text(csv_text([HEADER, *hostile]), "utf-8")

    def hidden_first(book: Workbook) -> None:
        old = book.active
        old.title = "旧表"
        old.append(["作废", "请勿使用"])
        old.sheet_state = "hidden"
        ws = book.create_sheet("卫生院")
        for row in [HEADER, *good_rows()]:
            ws.append(row)

    def hidden_rows(book: Workbook) -> None:
        ws = book.active
        for row in [HEADER, *good_rows()]:
            ws.append(row)
        ws.row_dimensions[3].hidden = True

    def formula(book: Workbook) -> None:
        ws = book.active
        for row in [HEADER, *good_rows()]:
            ws.append(row)
        ws["E3"] = (
            "=25.5+0.1"  # openpyxl saves no cached value: Excel would compute it, a reader sees nothing
        )

    def wide(book: Workbook) -> None:
        ws = book.active
        for row in [HEADER, *good_rows()]:
            ws.append(row)
        ws.cell(row=2, column=600, value="x")

    write_book("hidden_first_sheet.xlsx", hidden_first)
    write_book("hidden_rows.xlsx", hidden_rows)
    write_book("formula_without_value.xlsx", formula)
    write_book("wide_sheet.xlsx", wide)


def annex2() -> None:
    sys.path.insert(0, str(HERE.parent / "forms"))
    from make_broken import valid_annex2  # (C1, C2 in 2026-12; 实际支援人日 = column J)

    def edit(name: str, change) -> None:
        wb = load_workbook(io.BytesIO(valid_annex2()))
        change(wb)
        wb.properties.created = wb.properties.modified = dt.datetime(2026, 1, 1)
        wb.save(HERE / name)

    edit("annex2_1e12_days.xlsx", lambda wb: wb["附件2"].__setitem__("J4", 10**12))

    def total(wb: Workbook) -> None:
        ws = wb["附件2"]
        ws["A6"], ws["E6"], ws["J6"] = "合计", "合计", 2

    def renamed(wb: Workbook) -> None:
        wb["附件2"].title = "12月"
        wb.create_sheet("封面", 0)["A1"] = "对口支援工作量月报表"

    edit("annex2_total_row.xlsx", total)
    edit("annex2_renamed_sheet.xlsx", renamed)
    edit("annex2_unknown_center.xlsx", lambda wb: wb["附件2"].__setitem__("F5", "C9"))
    frame = pd.DataFrame({"月份": ["2026-12", "2026-12"], "受援单位编码": ["C1", "C1"],
                          "支援医师": ["甲", "乙"], "实际支援人日": [20, 20]})  # fmt: skip
    frame.to_excel(HERE / "annex2_40_days_one_center.xlsx", index=False, sheet_name="report")


if __name__ == "__main__":
    uploads()
    annex2()
