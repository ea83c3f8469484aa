"""Write the broken-on-purpose upload files of this folder (run from the repo root; output is deterministic).

    .venv/bin/python tests/data/uploads/_make_uploads.py

Synthetic test inputs, not survey data: the "surveyed" points are township seats of the embedded gazetteer
(Zhangping, 漳平市) shifted by a fixed ~150 m, written in WGS84 unless a file is about another system. Each
``*.csv``/``*.xlsx`` here other than ``good_*`` holds exactly one defect; tests/test_upload.py lists the
message each must produce.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["名称", "类型", "地址", "经度", "纬度", "医生数"]
#: Shift of a "surveyed" test point from its township seat, degrees (≈ 120 m east, 100 m north).
SHIFT = (0.0012, 0.0009)


def _seat(name: str) -> tuple[float, float]:
    from geo.places import load_townships

    t = load_townships()
    row = t[(t["name"] == name) & (t["county_code"] == "350881")].iloc[0]
    return float(row["lon"]), float(row["lat"])


def _point(name: str, system: str = "wgs84") -> tuple[str, str]:
    from geo.coords import wgs84_to_bd09, wgs84_to_gcj02

    lon, lat = _seat(name)
    lon, lat = lon + SHIFT[0], lat + SHIFT[1]
    if system == "gcj02":
        lon, lat = (float(v) for v in wgs84_to_gcj02(lon, lat))
    elif system == "bd09":
        lon, lat = (float(v) for v in wgs84_to_bd09(lon, lat))
    return f"{lon:.6f}", f"{lat:.6f}"


def base_rows(system: str = "wgs84") -> list[list[str]]:
    """Three valid rows (rows 2–4 of a file) and one without coordinates (row 5, geocoded offline)."""
    return [
        ["双洋镇卫生院", "乡镇卫生院", "福建省龙岩市漳平市双洋镇", *_point("双洋镇", system), "2"],
        [
            "菁城街道社区卫生服务中心",
            "社区卫生服务中心",
            "漳平市菁城街道",
            *_point("菁城街道", system),
            "1",
        ],
        ["拱桥镇卫生院", "卫生院", "漳平市拱桥镇", *_point("拱桥镇", system), ""],
        ["官田乡卫生院", "乡镇卫生院", "漳平市官田乡", "", "", "1"],
    ]


def write_csv(name: str, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    (HERE / name).write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(name: str, header: list[str], rows: list[list[str]], title: str | None = None) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "卫生院"
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append([float(c) if c and c.replace(".", "", 1).isdigit() else (c or None) for c in row])
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2026, 1, 1)
    book.save(HERE / name)


def main() -> None:
    good = base_rows()
    write_csv("good_utf8.csv", HEADER, good)
    write_csv("good_utf8_bom.csv", HEADER, good, "utf-8-sig")
    write_csv("good_gbk.csv", HEADER, good, "gbk")
    write_csv("good_english.csv", ["name", "type", "address", "lon", "lat", "doctors"], good)
    write_xlsx("good_titled.xlsx", HEADER, good, title="漳平市乡镇卫生院名单（测试数据）")

    def broken(name: str, row: int, col: int, value: str, encoding: str = "utf-8") -> None:
        rows = [list(r) for r in base_rows()]
        rows[row - 2][col] = value
        write_csv(name, HEADER, rows, encoding)

    broken("missing_name.csv", 3, 0, "")
    broken("duplicate_name_gbk.csv", 4, 0, "双洋镇卫生院", "gbk")  # same county as row 2
    broken("unknown_type.csv", 3, 1, "诊所")
    broken("bad_number.csv", 2, 3, "117.36x")
    broken("bad_doctors.csv", 3, 5, "两名")
    broken("missing_latitude.csv", 4, 4, "")
    broken("outside_fujian.csv", 2, 3, "121.473700")  # Shanghai's longitude: east of Fujian
    rows = base_rows()
    rows[1][3], rows[1][4] = rows[1][4], rows[1][3]
    write_csv("swapped_lat_lon.csv", HEADER, rows)
    rows = base_rows()
    rows[3][0], rows[3][2] = "外滩社区卫生服务中心", "上海市黄浦区"
    write_csv("not_geocoded.csv", HEADER, rows)
    rows = base_rows()
    rows[3][0], rows[3][2] = "新桥镇卫生院", ""
    write_csv("ambiguous_place.csv", HEADER, rows)
    rows = base_rows()
    rows[2][1] = ""
    rows[2][0] = "漳平市医院"  # no type, and the name does not tell it
    write_csv("missing_type.csv", HEADER, rows)
    # coordinate systems: one GCJ-02 file with a declared column, one undeclared GCJ-02
    # file, one with a bad value
    rows = base_rows("gcj02")
    write_csv(
        "gcj02_declared.csv", [*HEADER, "坐标系"], [[*r, "高德"] for r in rows[:3]] + [[*rows[3], ""]]
    )
    write_csv("gcj02_undeclared.csv", HEADER, rows)
    write_csv("bd09_undeclared.csv", HEADER, base_rows("bd09"))
    rows = base_rows()
    write_csv(
        "unknown_crs.csv",
        [*HEADER, "坐标系"],
        [[*r, "WGS84"] for r in rows[:2]] + [[*rows[2], "北京54"], [*rows[3], ""]],
    )
    # an XLSX with a title row above the header and one unparseable latitude
    rows = base_rows()
    rows[2][4] = "北纬二十五度"
    write_xlsx("bad_number_titled.xlsx", HEADER, rows, title="漳平市乡镇卫生院名单（测试数据）")
    # unknown header: the name column is called 机构全称 → needs the mapping step
    write_csv("unmapped_name_header.csv", ["机构全称", *HEADER[1:]], base_rows())
    # unreadable files
    (HERE / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (HERE / "empty.csv").write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    (HERE / "damaged.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    (HERE / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE.parents[2]))
    main()
