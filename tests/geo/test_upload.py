"""Facility uploads: reading (encodings, XLSX, header mapping), one message
per broken-on-purpose file, a property
test of the reader + validator, surveyed locations, and the ``python -m geo validate`` CLI.

The files in tests/data/uploads/ are written by its ``_make_uploads.py`` (synthetic points: township seats of
漳平市 shifted by (0.0012°, 0.0009°)); every file but ``good_*`` holds exactly one defect.
"""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.__main__ import main as cli_main
from geo._errors import DataFileError, InputValidationError, OutsideFujianError
from geo.coords import haversine_km
from geo.facilities import FACILITY_COLUMNS, load_facilities
from geo.facilities.upload import (
    apply_surveyed_locations,
    map_headers,
    parse_number,
    read_upload,
    set_surveyed_location,
    validate_file,
    validate_upload,
)
from tests.paths import ROOT, TEST_DATA

UPLOADS = TEST_DATA / "uploads"
SHIFT = (0.0012, 0.0009)


def _seat(name: str) -> tuple[float, float]:
    from geo.places import load_townships

    t = load_townships()
    row = t[(t["name"] == name) & (t["county_code"] == "350881")].iloc[0]
    return float(row["lon"]), float(row["lat"])


def _surveyed(name: str) -> tuple[float, float]:
    lon, lat = _seat(name)
    return lon + SHIFT[0], lat + SHIFT[1]


def _m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(haversine_km(lon1, lat1, lon2, lat2)) * 1000.0


# ----------------------------------------------------------------------------------------------- good files


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("good_utf8.csv", "utf-8"),
        ("good_utf8_bom.csv", "utf-8-sig"),
        ("good_gbk.csv", "gb18030"),
        ("good_english.csv", "utf-8"),
        ("good_titled.xlsx", "xlsx"),
    ],
)
def test_good_files_read_the_same(name: str, encoding: str) -> None:
    result = validate_file(UPLOADS / name)
    assert result.table.encoding == encoding
    assert result.all_accepted and len(result.accepted) == 4
    assert [p.code for p in result.problems] == [
        "geocoded"
    ]  # row without coordinates, placed at its seat
    acc = result.accepted
    assert list(acc.columns) == [*FACILITY_COLUMNS, "geometry"] and acc.crs == "EPSG:4326"
    assert list(acc["name"]) == [
        "双洋镇卫生院",
        "菁城街道社区卫生服务中心",
        "拱桥镇卫生院",
        "官田乡卫生院",
    ]
    assert (
        list(acc["facility_type"])
        == ["township_health_center", "community_health_center"] + ["township_health_center"] * 2
    )
    assert list(acc["location_quality"]) == ["surveyed"] * 3 + ["approximate: township seat"]
    assert list(acc["township_code"]) == ["350881101000", "350881001000", "350881105000", "350881203000"]
    assert set(acc["county_code"]) == {"350881"} and set(acc["prefecture_name"]) == {"龙岩市"}
    assert acc["doctors_per_month"].tolist()[:2] == [2.0, 1.0] and math.isnan(acc["doctors_per_month"][2])
    lon, lat = _surveyed("双洋镇")
    assert _m(acc["lon"][0], acc["lat"][0], lon, lat) < 0.5


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-16", "\t"), ("utf-8", ";"), ("gb18030", "\t")])
def test_other_excel_exports(encoding: str, delimiter: str) -> None:
    """Excel's "Unicode text" (UTF-16, tabs) and semicolon-separated CSV read like the plain file."""
    rows = list(csv.reader(io.StringIO((UPLOADS / "good_utf8.csv").read_text(encoding="utf-8"))))
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    result = validate_upload(read_upload(buf.getvalue().encode(encoding), name="export.txt"))
    assert result.table.encoding == encoding and result.all_accepted and len(result.accepted) == 4


def test_title_row_above_header_is_skipped() -> None:
    table = read_upload(UPLOADS / "good_titled.xlsx")
    assert table.header_row == 2 and table.row_numbers == (3, 4, 5, 6) and table.sheet == "卫生院"
    assert any("row 2" in n for n in table.notes)


def test_header_aliases() -> None:
    mapping, unmapped = map_headers(
        ["机构名称", "Type", "经度（GCJ-02）", "LAT", "坐标系", "每月医生数", "备注"]
    )
    assert mapping == {
        "机构名称": "name",
        "Type": "facility_type",
        "经度（GCJ-02）": "lon",
        "LAT": "lat",
        "坐标系": "crs",
        "每月医生数": "doctors_per_month",
    }
    assert unmapped == ("备注",)


def test_crs_in_header_is_a_declaration() -> None:
    from geo.coords import wgs84_to_gcj02

    lon, lat = (float(v) for v in wgs84_to_gcj02(*_surveyed("双洋镇")))
    text = f"名称,经度(GCJ-02),纬度(GCJ-02)\n双洋镇卫生院,{lon:.6f},{lat:.6f}\n"
    result = validate_upload(read_upload(text.encode(), name="h.csv"))
    assert [p.code for p in result.problems] == ["inferred_type", "converted"]
    assert _m(result.accepted["lon"][0], result.accepted["lat"][0], *_surveyed("双洋镇")) < 2


# ----------------------------------------------------------------------------------------------- broken files

# file → the one problem it must produce: (code, row, column, severity, text in the message), and rows kept
BROKEN = {
    "missing_name.csv": [("missing_name", 3, "名称", "error", "name is empty")],
    "duplicate_name_gbk.csv": [
        ("duplicate_name", 4, "名称", "error", "'双洋镇卫生院' already appears on row 2")
    ],
    "unknown_type.csv": [("unknown_type", 3, "类型", "error", "'诊所' is not a facility type")],
    "bad_number.csv": [("bad_number", 2, "经度", "error", "'117.36x' is not a number")],
    "bad_doctors.csv": [("bad_doctors", 3, "医生数", "error", "'两名' is not a whole number of doctors")],
    "missing_latitude.csv": [
        ("missing_coordinate", 4, "纬度", "error", "give both longitude and latitude")
    ],
    "outside_fujian.csv": [
        ("outside_fujian", 2, "经度", "error", "(121.47370, 25.61266 WGS84) lies outside")
    ],
    "swapped_lat_lon.csv": [
        ("swapped", 3, "经度", "error", "look swapped (经度 25.293850, 纬度 117.410970)")
    ],
    "not_geocoded.csv": [("not_geocoded", 5, "地址", "error", "gives no place")],
    "ambiguous_place.csv": [
        ("ambiguous_place", 5, "地址", "error", "漳平市新桥镇, 福建省龙岩市长汀县新桥镇")
    ],
    "missing_type.csv": [("missing_type", 4, "类型", "error", "cannot be told from the name")],
    "unknown_crs.csv": [("unknown_crs", 4, "坐标系", "error", "'北京54' is not a coordinate system")],
    "bad_number_titled.xlsx": [("bad_number", 5, "纬度", "error", "'北纬二十五度' is not a number")],
    "gcj02_declared.csv": [
        ("converted", r, "坐标系", "fixed", "converted from GCJ-02 to WGS84") for r in (2, 3, 4)
    ],
    "gcj02_undeclared.csv": [
        ("detected_crs", r, "经度", "fixed", "in the GCJ-02 direction; treated as GCJ-02")
        for r in (2, 3, 4)
    ],
    "bd09_undeclared.csv": [
        ("detected_crs", r, "经度", "fixed", "in the BD-09 direction; treated as BD-09")
        for r in (2, 3, 4)
    ],
    "unmapped_name_header.csv": [("missing_column", None, None, "error", "no column for 名称/name")],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_gives_its_message(name: str) -> None:
    result = validate_file(UPLOADS / name)
    found = [
        (p.code, p.row, p.column, p.severity, p.message) for p in result.problems if p.severity != "note"
    ]
    expected = BROKEN[name]
    assert [f[:4] for f in found] == [e[:4] for e in expected]
    for (*_, message), (*_, text) in zip(found, expected, strict=True):
        assert text in message
    errors = {p.row for p in result.problems if p.severity == "error"}
    if None in errors:  # a file-level problem: nothing can be kept
        assert result.accepted.empty and len(result.rejected) == 4
    else:
        assert len(result.rejected) == len(errors) and len(result.accepted) == 4 - len(errors)
        assert set(result.rejected["row"]) == errors
        assert all(result.rejected["problems"].str.len() > 0)
    assert result.all_accepted == (not errors)
    # every problem prints as `row N, column C: …` and in Chinese as `第N行，列“C”：…`
    for p in result.problems:
        if p.row is not None:
            assert str(p).startswith(f"row {p.row}, column {p.column}: ")
            assert p.text("zh").startswith(f"第{p.row}行，列“{p.column}”：")


@pytest.mark.parametrize("name", ["gcj02_declared.csv", "gcj02_undeclared.csv", "bd09_undeclared.csv"])
def test_other_systems_land_on_the_wgs84_point(name: str) -> None:
    acc = validate_file(UPLOADS / name).accepted
    for i, town in enumerate(["双洋镇", "菁城街道", "拱桥镇"]):
        assert _m(acc["lon"][i], acc["lat"][i], *_surveyed(town)) < 2.0


def test_swap_fix_when_asked() -> None:
    result = validate_file(UPLOADS / "swapped_lat_lon.csv", fix_swapped=True)
    assert result.all_accepted
    assert [p.code for p in result.problems if p.severity == "fixed"] == ["swapped_fixed"]
    assert _m(result.accepted["lon"][1], result.accepted["lat"][1], *_surveyed("菁城街道")) < 0.5


def test_mapping_step() -> None:
    table = read_upload(UPLOADS / "unmapped_name_header.csv")
    assert table.unmapped == ("机构全称",)
    result = validate_upload(table, {"机构全称": "name"})
    assert result.all_accepted and result.mapping["机构全称"] == "name"
    with pytest.raises(InputValidationError, match="does not have"):
        validate_upload(table, {"名字": "name"})
    with pytest.raises(InputValidationError, match="unknown field"):
        validate_upload(table, {"机构全称": "title"})


def test_mixed_evidence_does_not_convert() -> None:
    """Three WGS84 rows and one GCJ-looking row: the odd row is kept as written, with a note."""
    from geo.coords import wgs84_to_gcj02

    rows = [
        ["双洋镇卫生院", *_surveyed("双洋镇")],
        ["菁城街道社区卫生服务中心", *_surveyed("菁城街道")],
        ["拱桥镇卫生院", *_surveyed("拱桥镇")],
        ["赤水镇卫生院", *(float(v) for v in wgs84_to_gcj02(*_surveyed("赤水镇")))],
    ]
    text = "名称,县区,经度,纬度\n" + "".join(f"{n},漳平市,{x:.6f},{y:.6f}\n" for n, x, y in rows)
    result = validate_upload(read_upload(text.encode(), name="mixed.csv"))
    assert result.all_accepted
    assert [
        (p.code, p.row) for p in result.problems if p.code.endswith("crs") or p.code == "crs_unclear"
    ] == [("crs_unclear", 5)]


def test_xss_name_is_kept_verbatim() -> None:
    """Markup in a name is data: kept exactly (escaping happens where HTML is made; see test_browser_xss)."""
    lon, lat = _surveyed("双洋镇")
    text = f"名称,类型,经度,纬度\n<script>alert(1)</script>,乡镇卫生院,{lon},{lat}\n"
    result = validate_upload(read_upload(text.encode(), name="xss.csv"))
    assert list(result.accepted["name"]) == ["<script>alert(1)</script>"]


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("binary.csv", "not a CSV or XLSX file"),
        ("empty.csv", "no rows with text"),
        ("damaged.xlsx", "damaged or not an Excel workbook"),
        ("old_excel.xls", r"old Excel \.xls"),
        ("no_such_file.csv", "file not found"),
    ],
)
def test_unreadable_files(name: str, match: str) -> None:
    with pytest.raises(DataFileError, match=match):
        read_upload(UPLOADS / name)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("117.41", 117.41),
        ("１１７．４１", 117.41),
        ("117.41°", 117.41),
        ("东经117.41", 117.41),
        ("25.5N", 25.5),
        ("117°24′36″", 117.41),
        ("117度24分36秒", 117.41),
        ("-1", -1.0),
        ("abc", None),
        ("nan", None),
        ("inf", None),
        ("1e5", None),
        ("117°61′", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    got = parse_number(text)
    assert got == value if value is None else got == pytest.approx(value)


# ----------------------------------------------------------------------------------------------- property


_CELL = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(
        [
            "",
            "乡镇卫生院",
            "卫生院",
            "三级医院",
            "county_hospital",
            "诊所",
            "双洋镇卫生院",
            "漳平市医院",
            "117.36",
            "25.61",
            "121.47",
            "-5",
            "高德",
            "BD-09",
            "WGS84",
            "火星",
            "3",
            "三",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(115, 121).map(lambda v: f"{v:.5f}"),
    st.floats(23, 29).map(lambda v: f"{v:.5f}"),
)
_HEADERS = ["名称", "类型", "地址", "经度", "纬度", "坐标系", "医生数", "编号"]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.sampled_from([*_HEADERS, "备注", "name", "lon"]), min_size=1, max_size=8),
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=9), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_reader_property(headers: list[str], rows: list[list[str]], encoding: str) -> None:
    """Any table: no crash; every data row is either accepted or rejected with a reason."""
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([headers, *rows])
    data = buf.getvalue().encode(encoding)
    try:
        table = read_upload(data, name="fuzz.csv")
    except DataFileError:
        return  # e.g. nothing but blank cells: refused with a message, which is fine
    result = validate_upload(table, fix_swapped=True)
    assert len(result.accepted) + len(result.rejected) == len(table.rows)
    assert set(result.rejected["row"]) | set(range(0)) <= set(table.row_numbers)
    assert all(result.rejected["problems"].str.len() > 0)
    errors = {p.row for p in result.problems if p.severity == "error"}
    assert errors == set(result.rejected["row"]) or None in errors
    assert result.accepted["lon"].between(115, 121).all() and result.accepted["lat"].between(23, 29).all()
    assert result.accepted["facility_id"].is_unique


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.binary(max_size=400))
def test_reader_property_bytes(data: bytes) -> None:
    """Arbitrary bytes: a DataFileError with a message, or a table the validator handles."""
    try:
        table = read_upload(data, name="bytes.bin")
    except DataFileError as exc:
        assert "bytes.bin" in str(exc)
        return
    result = validate_upload(table)
    assert len(result.accepted) + len(result.rejected) == len(table.rows)


# ----------------------------------------------------------------------------------------------- surveyed


def test_set_surveyed_location() -> None:
    from geo.coords import wgs84_to_gcj02

    facilities = load_facilities()
    fid = "PHC-350881101000"  # 双洋镇卫生院
    lon, lat = _surveyed("双洋镇")
    out = set_surveyed_location(facilities, fid, lon, lat)
    row = out[out["facility_id"] == fid].iloc[0]
    assert (row["lon"], row["lat"], row["location_quality"]) == (lon, lat, "surveyed")
    assert (row.geometry.x, row.geometry.y) == (lon, lat)
    assert (
        facilities[facilities["facility_id"] == fid]["location_quality"].item()
        == "approximate: township seat"
    )
    gx, gy = (float(v) for v in wgs84_to_gcj02(lon, lat))
    out2 = set_surveyed_location(facilities, fid, gx, gy, crs="高德")
    r2 = out2[out2["facility_id"] == fid].iloc[0]
    assert _m(r2["lon"], r2["lat"], lon, lat) < 2
    with pytest.raises(InputValidationError, match="No facility with id 'nope'"):
        set_surveyed_location(facilities, "nope", lon, lat)
    with pytest.raises(OutsideFujianError, match="outside Fujian"):
        set_surveyed_location(facilities, fid, 121.47, 31.23)


def test_apply_surveyed_locations_from_upload() -> None:
    facilities = load_facilities()
    text = (UPLOADS / "good_utf8.csv").read_text(encoding="utf-8")
    # a second entry for a township already matched by name: added as a new facility, not merged
    text += "双洋中心卫生院（新名）,卫生院,漳平市双洋镇,,,\n"
    text = text.replace("拱桥镇卫生院,卫生院", "拱桥中心卫生院,卫生院")  # different name, same township
    result = validate_upload(read_upload(text.encode(), name="survey.csv"))
    assert [r for r in result.rejected["row"]] == []
    updated, report = apply_surveyed_locations(facilities, result.accepted)
    assert len(updated) == len(facilities) + 1  # only the second 双洋 entry is new
    actions = dict(
        zip(report["name"], zip(report["action"], report["matched_by"], strict=True), strict=True)
    )
    # the embedded name is now the real 漳平市双洋镇卫生院 (data/_names.py): matched by township and type
    assert actions["双洋镇卫生院"][0] == "moved"
    assert actions["拱桥中心卫生院"] == ("moved", "township and type")
    assert actions["官田乡卫生院"][0] == "updated"  # by township and type: the embedded name is now real
    gongqiao = updated[updated["facility_id"] == "PHC-350881105000"].iloc[0]
    assert gongqiao["location_quality"] == "surveyed"
    was_derived = bool(facilities.set_index("facility_id").at["PHC-350881105000", "name_derived"])
    embedded_name = facilities.set_index("facility_id").at["PHC-350881105000", "name"]
    assert gongqiao["name"] == ("拱桥中心卫生院" if was_derived else embedded_name)
    assert _m(gongqiao["lon"], gongqiao["lat"], *_surveyed("拱桥镇")) < 0.5
    moved = report.set_index("name").loc["双洋镇卫生院", "moved_m"]
    assert 100 < moved < 200  # the synthetic shift is ≈ 150 m
    guantian = updated[updated["facility_id"] == "PHC-350881203000"].iloc[0]
    assert (
        guantian["doctors_per_month"] == 1.0
        and guantian["location_quality"] == "approximate: township seat"
    )


# ----------------------------------------------------------------------------------------------- CLI


def test_cli_lines_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["validate", str(UPLOADS / "good_utf8.csv")]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == "good_utf8.csv: 4 rows, 4 accepted (0 corrected), 0 rejected."
    )
    assert cli_main(["validate", str(UPLOADS / "unknown_type.csv")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("row 3, column 类型: '诊所' is not a facility type")
    assert lines[-1] == "unknown_type.csv: 4 rows, 3 accepted (0 corrected), 1 rejected."
    assert (
        cli_main(["validate", str(UPLOADS / "unmapped_name_header.csv"), "--map", "机构全称=name"]) == 0
    )
    capsys.readouterr()
    assert (
        cli_main(["validate", str(UPLOADS / "swapped_lat_lon.csv"), "--fix-swapped", "--lang", "zh"]) == 0
    )
    assert "第3行，列“经度”：经纬度填反了" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["binary.csv", "no_such_file.csv"])
def test_cli_never_a_traceback(name: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "geo", "validate", str(UPLOADS / name)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and name in run.stderr and "Traceback" not in run.stderr


def test_embedded_table_round_trips_as_an_upload() -> None:
    """All 1,213 embedded facilities written as a GBK CSV upload come back accepted, in the same counties."""
    from geo.facilities import FACILITY_TYPES

    f = load_facilities()
    df = f[["facility_id", "name", "facility_type", "address", "lon", "lat", "county_name"]].copy()
    df["facility_type"] = df["facility_type"].map(lambda k: FACILITY_TYPES[k]["zh"])
    df.columns = ["编号", "名称", "类型", "地址", "经度", "纬度", "县区"]
    result = validate_upload(read_upload(df.to_csv(index=False).encode("gb18030"), name="all.csv"))
    assert result.all_accepted and len(result.accepted) == len(f)
    assert {p.code for p in result.problems} <= {"geocoded", "geocoded_county"}  # rows without a point
    merged = result.accepted.drop(columns="geometry").merge(
        f.drop(columns="geometry"), on="facility_id", suffixes=("", "_embedded")
    )
    assert (merged["county_code"] == merged["county_code_embedded"]).all()
    primary = merged["facility_type"].isin(["township_health_center", "community_health_center"])
    placed = merged["lon_embedded"].notna()
    same_town = merged["township_code"] == merged["township_code_embedded"]
    assert same_town[primary & placed].all()


# ----------------------------------------------------------------------------------------------- XLSX fuzz


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.sampled_from([*_HEADERS, "备注"]), min_size=1, max_size=6),
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=7), min_size=1, max_size=6),
    hidden_rows=st.sets(st.integers(1, 8), max_size=3),
    hidden_first=st.booleans(),
    formula_at=st.one_of(st.none(), st.tuples(st.integers(2, 7), st.integers(1, 6))),
)
def test_xlsx_reader_property(
    headers: list[str],
    rows: list[list[str]],
    hidden_rows: set[int],
    hidden_first: bool,
    formula_at: tuple[int, int] | None,
) -> None:
    """Any workbook (hidden sheets and rows, formulas without values): a message or a table; every data row
    is accepted or rejected; hidden rows and value-less formulas in used columns are reported."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    ws = book.active
    if hidden_first:
        ws.title = "旧表"
        ws.append(["作废"])
        ws.sheet_state = "hidden"
        ws = book.create_sheet("卫生院")
    for row in [headers, *rows]:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])  # Excel cannot hold control characters
    for r in hidden_rows:
        ws.row_dimensions[r].hidden = True
    if formula_at:
        ws.cell(row=formula_at[0], column=formula_at[1], value="=1+1")
    buf = io.BytesIO()
    book.save(buf)
    try:
        table = read_upload(buf.getvalue(), name="fuzz.xlsx")
    except DataFileError as exc:
        assert "fuzz.xlsx" in str(exc)
        return
    assert table.sheet == "卫生院" if hidden_first else table.sheet == "Sheet"
    result = validate_upload(table, fix_swapped=True)
    assert len(result.accepted) + len(result.rejected) == len(table.rows)
    noted = {p.row for p in result.problems if p.code == "hidden_row"}
    assert noted == (set(table.hidden_rows) if "name" in result.mapping.values() else set())
    flagged = {p.row for p in result.problems if p.code == "formula_no_value"}
    assert flagged <= {row for row, _ in table.formulas}


def test_excel_escapes_in_text_are_decoded() -> None:
    """Excel writes a line break typed in a cell as ``_x000D_`` + newline and a literal "_x" as ``_x005F_x``:
    the reader decodes both (inline strings here; shared strings share the decoder): names read as typed."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["名称", "经度", "纬度"])
    sheet.append(["漳平市CRLF总医院", 117.42, 25.29])
    sheet.append(["A_x005F_x000D_B", 117.42, 25.29])
    raw = io.BytesIO()
    book.save(raw)
    src, out = zipfile.ZipFile(io.BytesIO(raw.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(b"CRLF", b"_x000D_\n")
            dst.writestr(item, data)
    rows = read_upload(out.getvalue(), name="escapes.xlsx").rows
    assert [r[0] for r in rows] == ["漳平市\r\n总医院", "A_x000D_B"]
