"""Issue 13, case by case: every way the issue broke the tool, run as a user would, over the broken-on-purpose
corpus in tests/data/hostile/ (written by its make_hostile.py) plus files too big to keep, made here.

Each case names the issue's section (1–8) and the developer who owns the fix. A case passes when the
command or library call ends with the expected exit code and a clear message (or note) in the user's words,
and never with a traceback. Section 1 (formula cells in every export) is tests/test_hostile.py.
``python -m tests.test_issue13`` prints the issue's table (tried / clear message / traceback / lost / unsafe).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import traceback
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from geo import network as gn
from geo._errors import XunzhenError
from tests.paths import ROOT, TEST_DATA

CORPUS = TEST_DATA / "hostile"
OAKLAND = TEST_DATA / "osm" / "West-Oakland.osm.bz2"
HEADER = "名称,类型,地址,经度,纬度\r\n"
ROW = "双洋镇卫生院{k},乡镇卫生院,福建省龙岩市漳平市双洋镇,117.364848,25.613562\r\n"


@dataclass(frozen=True)
class Outcome:
    """How a run ended: exit code (0/1/2; library calls: 0 returned, 2 a XunzhenError), all text printed or
    raised, and the traceback of anything unexpected (a crash)."""

    code: int | None
    text: str
    crash: str = ""


def cli(main: Callable[[list[str]], int], *argv: str) -> Outcome:
    """Run a command line's ``main(argv)`` in-process, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        except BaseException:
            return Outcome(None, out.getvalue() + err.getvalue(), traceback.format_exc())
    return Outcome(code, out.getvalue() + err.getvalue())


def lib(call: Callable[[], object]) -> Outcome:
    """Run a library call: what it returns (as text) and code 0, or its XunzhenError's message and code 2."""
    try:
        result = call()
    except XunzhenError as exc:
        return Outcome(2, str(exc))
    except BaseException:
        return Outcome(None, "", traceback.format_exc())
    return Outcome(0, str(result))


def module(timeout_s: float, *argv: str) -> Outcome:
    """``python -m …`` in a child process (for runs that may not end: a timeout is a crash)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", *argv],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return Outcome(None, "", f"no answer within {timeout_s:.0f} s")
    return Outcome(proc.returncode, proc.stdout + proc.stderr)


# ------------------------------------------------------------------------------------------------ commands


def geo_cli(*argv: str) -> Outcome:
    from geo.__main__ import main

    return cli(main, *argv)


def matrix_cli(*argv: str) -> Outcome:
    from routing.matrix import main

    return cli(main, *argv)


def pairing_cli(*argv: str) -> Outcome:
    from routing.pairing.__main__ import main

    return cli(main, *argv)


def tours_cli(*argv: str) -> Outcome:
    from routing.tours.__main__ import main

    return cli(main, "--depot", "南平市第一医院", "--days", "1", "--iterations", "50", *argv)


def validate(name: str) -> Outcome:
    return geo_cli("validate", str(CORPUS / name))


def capacities(path: str) -> Outcome:
    return pairing_cli("--county", "漳平市", "--capacities", path)


def with_file(name: str, text: str, run: Callable[[str], Outcome]) -> Callable[[Path], Outcome]:
    """A case that first writes ``text`` to ``name`` in its folder and passes the path on."""

    def case(tmp: Path) -> Outcome:
        (tmp / name).write_text(text, encoding="utf-8")
        return run(str(tmp / name))

    return case


# --------------------------------------------------------------------------------------------- §2 caches


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[:100])
    elif how == "empty":
        path.write_bytes(b"")
    else:  # flipped bytes in the middle of the stored arrays
        mid = len(data) // 3
        path.write_bytes(data[:mid] + bytes(b ^ 0xFF for b in data[mid : mid + 16]) + data[mid + 16 :])


def matrix_cache(how: str) -> Callable[[Path], Outcome]:
    def run(cache: Path) -> Outcome:
        from routing import matrix as rm

        first = matrix_cli("--from", "连城县", "--to", "龙岩市第一医院")
        if first.code != 0:
            return first
        rm.clear_memory_cache()
        for path in (cache / "matrix").glob("*.npz"):
            _damage(path, how)
        return matrix_cli("--from", "连城县", "--to", "龙岩市第一医院")

    return run


def road_network_cache(command: Callable[[], Outcome]) -> Callable[[Path], Outcome]:
    def run(cache: Path) -> Outcome:
        built = geo_cli("network", "--osm", str(OAKLAND))
        if built.code != 0:
            return built
        gn._ACTIVE.clear()
        _damage(cache / "network" / "road_network.npz", "truncated")
        return command()

    return run


# ------------------------------------------------------------------------------------------ §4 resources


def too_many_rows_csv(tmp: Path) -> Outcome:
    path = tmp / "rows.csv"
    path.write_text(HEADER + "".join(ROW.format(k=k) for k in range(200_001)), encoding="utf-8")
    return geo_cli("validate", str(path))


def _xlsx(path: Path, sheet_xml: Callable[[Callable[[str], None]], None]) -> None:
    """A minimal workbook whose one sheet's XML ``sheet_xml`` streams out."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook {ns} {rel_ns}><sheets><sheet name="卫生院" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f"<worksheet {ns}><sheetData>".encode())
            sheet_xml(lambda text: fh.write(text.encode()))
            fh.write(b"</sheetData></worksheet>")


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def too_many_rows_xlsx(tmp: Path) -> Outcome:
    """1,048,000 rows in the issue; the reader stops at row 200,011 whatever the file's length, so a sheet of
    200,100 rows stands for it here (the full length was measured once: see the closing note)."""

    def rows(write: Callable[[str], None]) -> None:
        write(f'<row r="1">{_cell("A1", "名称")}{_cell("B1", "地址")}</row>')
        for r in range(2, 200_102):
            write(f'<row r="{r}">{_cell(f"A{r}", f"双洋镇卫生院{r}")}{_cell(f"B{r}", "漳平市双洋镇")}</row>')

    path = tmp / "rows.xlsx"
    _xlsx(path, rows)
    return geo_cli("validate", str(path))


def zip_bomb(tmp: Path) -> Outcome:
    def padding(write: Callable[[str], None]) -> None:
        block = " " * (1 << 20)
        for _ in range(300):  # 300 MB of spaces, a few hundred kB packed
            write(block)

    path = tmp / "bomb.xlsx"
    _xlsx(path, padding)
    return geo_cli("validate", str(path))


# ------------------------------------------------------------------------------------ §5 / §6 / §7 library


def annex2_days(name: str) -> Callable[[Path], Outcome]:
    from routing.pairing.annex2 import read_annex2

    return lambda _tmp: lib(lambda: read_annex2(CORPUS / name))


def annex2_import(name: str, known: tuple[str, ...] | None = None) -> Callable[[Path], Outcome]:
    from routing.pairing.annex2 import import_annex2

    def run(_tmp: Path) -> Outcome:
        res = import_annex2(CORPUS / name, known_ids=list(known) if known else None)
        return Outcome(0, "\n".join([*res.problems, *res.notes, *res.done["center_id"].astype(str)]))

    return lambda tmp: lib(lambda: run(tmp).text)


def upload_library(kind: str) -> Outcome:
    from geo.facilities.upload import read_upload, validate_upload

    good = (HEADER + ROW.format(k="")).encode()
    if kind == "none":
        return lib(lambda: read_upload(None))  # type: ignore[arg-type]
    if kind == "bytesio":
        return lib(lambda: validate_upload(read_upload(io.BytesIO(good))).summary())
    return lib(lambda: validate_upload(read_upload(good), [("机构", "name")]))  # type: ignore[arg-type]


def tours_depot_guangzhou(_tmp: Path) -> Outcome:
    from geo.facilities import load_facilities
    from routing.tours import TourParams, plan_fujian_tours

    fac = load_facilities().copy()
    row = fac.iloc[[0]].copy()
    row[["facility_id", "name", "lon", "lat"]] = ["GZ-1", "广州某医院", 113.26, 23.13]
    fac = pd.concat([fac, row], ignore_index=True)
    return lib(
        lambda: plan_fujian_tours(
            "GZ-1", counties=["漳平市"], params=TourParams(days=1, iterations=50), facilities=fac
        )
    )


def surveyed_unedited(_tmp: Path) -> Outcome:
    from geo.facilities import load_facilities
    from routing.workspace.edits import mark_surveyed

    fac = load_facilities()
    row = fac[fac["location_quality"].str.startswith("approximate") & fac["lon"].notna()].iloc[0]
    return lib(lambda: mark_surveyed(fac, row["facility_id"], float(row["lon"]), float(row["lat"])))


def scenarios_delete_by_number(_tmp: Path) -> Outcome:
    from routing.scenarios.__main__ import main

    return cli(main, "delete", "1")


def coverage_source_in_kinmen(_tmp: Path) -> Outcome:
    from routing import coverage as cov

    sources = pd.DataFrame(
        {"facility_id": ["K1"], "name": ["金城镇卫生院"], "lon": [118.318], "lat": [24.44]}
    )
    return lib(lambda: cov.prepare(gn.EstimatedNetwork(), prefecture="龙岩", sources=sources))


def csv_is_plain(tmp: Path) -> Outcome:
    out = tmp / "m.csv"
    run = matrix_cli("--from", "连城县", "--to", "龙岩市第一医院", "--csv", str(out))
    if run.code != 0:
        return run
    table = pd.read_csv(out)  # pandas' defaults, as QGIS would read it
    return Outcome(0, f"columns {list(table.columns)}")


def validate_out_is_safe(tmp: Path) -> Outcome:
    from tests.test_hostile import formula_cells

    out = tmp / "accepted.csv"
    run = geo_cli("validate", str(CORPUS / "hostile_names.csv"), "--out", str(out))
    bad = formula_cells("accepted.csv", out.read_bytes()) if out.is_file() else ["no output"]
    return Outcome(run.code, run.text + ("\nUNSAFE " + "; ".join(bad) if bad else "\nformula-safe"))


# ----------------------------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    """One way issue 13 broke the tool: section, owner, the run, the exit code and words expected."""

    id: str
    section: int
    owner: str
    run: Callable[[Path], Outcome]
    code: int | None
    expect: str


CASES: tuple[Case, ...] = (
    Case("validate-out-formula-safe", 1, "hostile", validate_out_is_safe, 1, "formula-safe"),
    Case("matrix-cache-truncated", 2, "hostile", matrix_cache("truncated"), 0, "龙岩市第一医院"),
    Case("matrix-cache-empty", 2, "hostile", matrix_cache("empty"), 0, "龙岩市第一医院"),
    Case("matrix-cache-flipped", 2, "hostile", matrix_cache("flipped"), 0, "龙岩市第一医院"),
    Case(
        "road-network-truncated-geo-info", 2, "roads", road_network_cache(lambda: geo_cli("info")), 0, "估算"
    ),
    Case(
        "road-network-truncated-matrix",
        2,
        "roads",
        road_network_cache(lambda: matrix_cli("--from", "连城县", "--to", "龙岩市第一医院")),
        0,
        "估算",
    ),
    Case(
        "pairing-csv-dir-is-a-file",
        3,
        "programme",
        with_file(
            "f", "x", lambda f: pairing_cli("--county", "漳平市", "--month", "2026-12", "--csv-dir", f)
        ),
        2,
        "existing file",
    ),
    Case(
        "pairing-csv-dir-uncreatable",
        3,
        "programme",
        lambda t: pairing_cli("--county", "漳平市", "--month", "2026-12", "--csv-dir", "/proc/xz/out"),
        2,
        "cannot be created",
    ),
    Case("tours-seed-negative", 3, "tours", lambda t: tours_cli("--seed", "-1"), 2, "seed"),
    Case("tours-seed-huge", 3, "tours", lambda t: tours_cli("--seed", "99999999999"), 2, "seed"),
    Case(
        "tours-iterations-unbounded",
        3,
        "tours",
        lambda t: module(  # refused at once; 90 s only bounds a loaded machine's start-up (imports)
            90, "routing.tours", "--depot", "南平市第一医院", "--days", "1", "--iterations", "1000000000"
        ),
        2,
        "iterations",
    ),
    Case(
        "tertiary-no-weak-county",
        3,
        "programme",
        lambda t: lib(
            lambda: __import__("routing.pairing", fromlist=["x"]).plan_tertiary_pairing(["TH-350100-01"], [])
        ),
        2,
        "至少选择一个薄弱县",
    ),
    Case(
        "tertiary-no-hospital",
        3,
        "programme",
        lambda t: lib(
            lambda: __import__("routing.pairing", fromlist=["x"]).plan_tertiary_pairing([], ["长汀县"])
        ),
        2,
        "至少选择一家三级医院",
    ),
    Case("xlsx-1048000-rows", 4, "hostile", too_many_rows_xlsx, 2, "more than 200,000 rows"),
    Case("csv-200001-rows", 4, "hostile", too_many_rows_csv, 2, "more than 200,000 rows"),
    Case("xlsx-zip-bomb", 4, "hostile", zip_bomb, 2, "unpacks to"),
    Case("xlsx-600-columns", 4, "hostile", lambda t: validate("wide_sheet.xlsx"), 2, "more than 500 columns"),
    Case("annex2-1e12-days", 5, "programme", annex2_days("annex2_1e12_days.xlsx"), 2, "exceeds the"),
    Case(
        "annex2-40-days-one-center",
        5,
        "programme",
        annex2_days("annex2_40_days_one_center.xlsx"),
        2,
        "one center has 40",
    ),
    Case(
        "annex2-unknown-center",
        5,
        "programme",
        annex2_import("annex2_unknown_center.xlsx", ("C1", "C2")),
        0,
        "'C9' is not a center of this plan",
    ),
    Case("annex2-renamed-sheet", 5, "programme", annex2_import("annex2_renamed_sheet.xlsx"), 0, "C2"),
    Case("annex2-total-row", 5, "programme", annex2_import("annex2_total_row.xlsx"), 0, "合计"),
    Case(
        "upload-point-far-from-name",
        6,
        "hostile",
        lambda t: validate("far_from_named_place.csv"),
        0,
        "point lies in 龙岩市新罗区",
    ),
    Case("upload-bom-then-gbk", 6, "hostile", lambda t: validate("bom_then_gbk.csv"), 0, "GBK"),
    Case("upload-fullwidth-comma", 6, "hostile", lambda t: validate("fullwidth_comma.csv"), 0, "full-width"),
    Case(
        "upload-hidden-first-sheet",
        6,
        "hostile",
        lambda t: validate("hidden_first_sheet.xlsx"),
        0,
        "hidden worksheets not read",
    ),
    Case("upload-hidden-rows", 6, "hostile", lambda t: validate("hidden_rows.xlsx"), 0, "hidden in Excel"),
    Case(
        "upload-dms-with-spaces",
        6,
        "hostile",
        lambda t: validate("dms_with_spaces.csv"),
        0,
        "degrees minutes seconds",
    ),
    Case(
        "upload-formula-without-value",
        6,
        "hostile",
        lambda t: validate("formula_without_value.xlsx"),
        1,
        "no saved value",
    ),
    Case("upload-library-none", 6, "hostile", lambda t: upload_library("none"), 2, "not NoneType"),
    Case("upload-library-bytesio", 6, "hostile", lambda t: upload_library("bytesio"), 0, "1 accepted"),
    Case("upload-library-list-mapping", 6, "hostile", lambda t: upload_library("list"), 2, "must be a dict"),
    Case("upload-point-in-kinmen", 6, "hostile", lambda t: validate("kinmen_point.csv"), 1, "金门县"),
    Case(
        "tours-max-drive-negative",
        7,
        "tours",
        lambda t: tours_cli("--max-drive-hours", "-1"),
        2,
        "max-drive-hours",
    ),
    Case(
        "tours-max-drive-nan",
        7,
        "tours",
        lambda t: tours_cli("--max-drive-hours", "nan"),
        2,
        "max-drive-hours",
    ),
    Case("tours-clinic-zero", 7, "tours", lambda t: tours_cli("--clinic-hours", "0"), 2, "clinic-hours"),
    Case("tours-clinic-nan", 7, "tours", lambda t: tours_cli("--clinic-hours", "nan"), 2, "clinic-hours"),
    Case(
        "matrix-from-empty",
        7,
        "hostile",
        lambda t: matrix_cli("--from", "", "--to", "连城县"),
        2,
        "--from is empty",
    ),
    Case(
        "capacity-huge",
        7,
        "programme",
        with_file("c.csv", "facility_id,capacity_days\nCH-350881,99999999999999999999999\n", capacities),
        2,
        "0 to 100000",
    ),
    Case(
        "capacity-duplicate-rows",
        7,
        "programme",
        with_file("c.csv", "facility_id,capacity_days\nCH-350881,5\nCH-350881,7\n", capacities),
        2,
        "listed twice",
    ),
    Case("tours-depot-kinmen", 7, "tours", lambda t: tours_cli("--depot", "金门县"), 2, "金门县"),
    Case("tours-library-depot-guangzhou", 7, "tours", tours_depot_guangzhou, 2, "outside Fujian"),
    Case("coverage-source-in-kinmen", 7, "hostile", coverage_source_in_kinmen, 2, "金门县"),
    Case("scenarios-delete-by-number", 7, "workspace", scenarios_delete_by_number, 2, "arguments: 1"),
    Case("surveyed-unedited-point", 7, "workspace", surveyed_unedited, 2, "unchanged"),
    Case("csv-plain-rfc4180", 8, "hostile", csv_is_plain, 0, "'from', 'to', 'minutes'"),
)

#: Cases whose fix had not landed on main when this corpus was written (owner named): expected to fail.
NOT_LANDED: dict[str, str] = {}  # every fix had landed when this corpus was last run


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fresh cache and data directories; the in-process caches emptied."""
    from routing import matrix as rm

    cache = tmp_path / "cache"
    monkeypatch.setenv(gn.CACHE_ENV, str(cache))
    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    rm.clear_memory_cache()
    gn._ACTIVE.clear()
    yield cache
    gn._ACTIVE.clear()
    rm.clear_memory_cache()


_ROW_COUNTS = re.compile(r"(\d+) rows, (\d+) accepted .*?, (\d+) rejected")


def verdict(case: Case, got: Outcome) -> str:
    """``clear`` (expected code and words), ``traceback`` (a crash or a traceback printed), ``unsafe``
    (a formula cell in an export), ``lost`` (upload rows neither accepted nor rejected) or ``unclear``
    (anything else: wrong code, misleading words)."""
    if got.crash or "Traceback" in got.text or "internal error" in got.text:
        return "traceback"  # a crash, shown or behind the boundary's "internal error" line
    if "UNSAFE" in got.text:
        return "unsafe"
    counts = _ROW_COUNTS.search(got.text)  # an upload's summary: every row read is accepted or rejected
    if counts and int(counts[2]) + int(counts[3]) != int(counts[1]):
        return "lost"
    return "clear" if got.code == case.code and case.expect in got.text else "unclear"


def _params() -> list[object]:
    out = []
    for case in CASES:
        marks = []
        if case.id in NOT_LANDED:
            marks.append(pytest.mark.xfail(strict=False, reason=f"fix owned by {NOT_LANDED[case.id]}"))
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_issue13_case(case: Case, isolated: Path, tmp_path: Path) -> None:
    if "road-network" in case.id and not OAKLAND.is_file():
        pytest.skip(f"OSM sample {OAKLAND} is absent")
    got = case.run(isolated if case.section == 2 else tmp_path)
    assert verdict(case, got) == "clear", (
        f"{case.id}: code {got.code}\n{got.text[-800:]}\n{got.crash[-1500:]}"
    )


def table() -> None:
    """Print issue 13's table for this corpus: per section, tried / clear / traceback / lost / unsafe."""
    import tempfile

    rows: dict[int, dict[str, int]] = {}
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
            base = Path(tmp)
            mp.setenv(gn.CACHE_ENV, str(base / "cache"))
            mp.setenv("XUNZHEN_DATA_DIR", str(base / "data"))
            gn._ACTIVE.clear()
            got = case.run(base / "cache" if case.section == 2 else base)
            (base / "cache").mkdir(exist_ok=True)
        kind = verdict(case, got)
        row = rows.setdefault(
            case.section, {"tried": 0, "clear": 0, "traceback": 0, "lost": 0, "unsafe": 0, "unclear": 0}
        )
        row["tried"] += 1
        row[kind] += 1
        print(f"  {case.section} {case.owner:<10} {case.id:<34} {kind}", file=sys.stderr)
    _exports_rows(rows)
    print("section | tried | clear message | traceback | lost | unsafe | unclear")
    for section in sorted(rows):
        r = rows[section]
        print(
            f"{section} | {r['tried']} | {r['clear']} | {r['traceback']} | {r['lost']} | {r['unsafe']} | "
            f"{r['unclear']}"
        )


def _exports_rows(rows: dict[int, dict[str, int]]) -> None:
    """Section 1 of the table: every export of tests/test_hostile.py, one file each."""
    import tempfile

    from tests import test_hostile as th

    fac, town = th.hostile_facilities(), th.hostile_townships()
    row = rows.setdefault(1, {"tried": 0, "clear": 0, "traceback": 0, "lost": 0, "unsafe": 0, "unclear": 0})
    for kind, build in th.EXPORTS.items():
        with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
            base = Path(tmp)
            mp.setenv(gn.CACHE_ENV, str(base / "cache"))
            mp.setenv("XUNZHEN_DATA_DIR", str(base / "data"))
            args = (fac, town, base) + ((th.write_hostile_upload(base),) if kind == "upload" else ())
            try:
                files = build(*args)
            except Exception:  # counted, not raised
                row["tried"] += 1
                row["traceback"] += 1
                continue
            for name, data in files.items():
                kind_of = "unsafe" if th.formula_cells(name, data) else "clear"
                row["tried"] += 1
                row[kind_of] += 1
                print(f"  1 hostile    export {name:<27} {kind_of}", file=sys.stderr)


if __name__ == "__main__":
    table()
