"""Hostile text in every CSV/XLSX export: no cell may become a live spreadsheet formula (issue 13, case 1).

Planner text (facility and township names, upload cells, ids) that starts like a formula —
``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``+1``, ``-1+2``, ``@SUM(1)``, a tab or a carriage return — is fed
through every export of the library, the command lines and the pages (the pages call the same functions). Each
export must contain the hostile text (so the test cannot pass vacuously) and:

* XLSX: no formula cell (openpyxl ``data_type != "f"``), and a text cell starting like a formula carries
  Excel's quote prefix (shown as typed, never evaluated);
* CSV: every cell starting like a formula is a number or starts with ``'`` (OWASP CSV injection rule).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from geo import network as gn
from geo.__main__ import main as geo_cli
from geo.facilities import load_facilities
from geo.facilities.upload import validate_file
from geo.overview import quality_csv, quality_report
from geo.places import load_townships
from geo.tables import FORMULA_STARTS, csv_bytes, write_csv, xlsx_bytes
from routing import coverage as cov
from routing.matrix import matrix_table, travel_matrix
from routing.pairing import forms
from routing.pairing.__main__ import main as pairing_cli
from routing.pairing.plan import plan_pairing
from routing.pairing.roster import calendar_table, make_rosters
from routing.scenarios import Scenario, ScenarioStore
from routing.scenarios.__main__ import main as scenarios_cli
from routing.tours import outputs as tour_out
from routing.tours.core import TourParams
from routing.tours.plan import plan_fujian_tours

#: Hostile texts (OWASP CSV injection list plus a Chinese facility name).
HOSTILE = (
    '=HYPERLINK("http://x","click")医院',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1+2",
    "@SUM(1)",
    "\t制表符卫生院",
    "\r回车卫生院",
)
#: Markers of the hostile texts: every export that carries planner text holds at least one.
MARKERS = ("HYPERLINK", "cmd|", "@SUM", "-1+2", "=1+1")
ZHANGPING = "350881"
#: Exports that carry no planner text (only codes, counts, prefecture names): still checked for formulas.
NO_PLANNER_TEXT = frozenset({"progress-by_month.csv", "progress-targets.csv"})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def formula_cells(name: str, data: bytes) -> list[str]:
    """Cells of an export that a spreadsheet would evaluate (``file!cell: value``); [] when safe."""
    bad = []
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data))
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if cell.data_type == "f":
                        bad.append(f"{name}!{ws.title}!{cell.coordinate}: formula {value!r}")
                    elif isinstance(value, str) and value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                        bad.append(f"{name}!{ws.title}!{cell.coordinate}: unquoted {value!r}")
    else:
        text = data.decode("utf-8-sig")
        for i, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
            if i == 0 and row and row[0].startswith("#"):
                bad.append(f"{name}: comment line before the header")
            bad += [
                f"{name}:{i + 1}: {cell!r}"
                for cell in row
                if cell.startswith(FORMULA_STARTS) and not _is_number(cell)
            ]
    return bad


def carries_marker(name: str, data: bytes) -> bool:
    """Whether the export holds the hostile text at all (as a quote-prefixed or '-prefixed cell)."""
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data))
        return any(
            isinstance(c.value, str) and any(m in c.value for m in MARKERS)
            for ws in book.worksheets
            for row in ws.iter_rows()
            for c in row
        )
    return any(m in data.decode("utf-8-sig") for m in MARKERS)


# ------------------------------------------------------------------------------------------ hostile inputs


def _hostile(names: pd.Series) -> list[str]:
    return [HOSTILE[i % len(HOSTILE)] + ("" if i < len(HOSTILE) else str(i)) for i in range(len(names))]


def hostile_facilities() -> pd.DataFrame:
    """The embedded facilities with every facility of 漳平市 renamed to a hostile name."""
    fac = load_facilities().copy()
    mask = fac["county_code"] == ZHANGPING
    fac.loc[mask, "name"] = _hostile(fac.loc[mask, "name"])
    return fac


def hostile_townships() -> pd.DataFrame:
    """The embedded townships with those of 漳平市 renamed to hostile names."""
    town = load_townships().copy()
    mask = town["county_code"] == ZHANGPING
    town.loc[mask, "name"] = _hostile(town.loc[mask, "name"])
    return town


def write_hostile_upload(folder: Path) -> Path:
    """A planner's upload in ``folder``: hostile names, ids and addresses; some rows valid, some rejected."""
    rows = [
        ["编号", "名称", "类型", "地址", "经度", "纬度"],
        ["=1+1", HOSTILE[0], "乡镇卫生院", "漳平市双洋镇", "117.2745", "25.3050"],
        ["@A1", HOSTILE[1], "卫生院", "-漳平市", "", ""],
        ["+ID", HOSTILE[2] + "卫生院", "=type()", "@addr", "117.3", "25.3"],
        ["-3", HOSTILE[3] + "卫生院", "乡镇卫生院", "\t地址", "=117.3", "25.3"],
    ]
    path = folder / "hostile.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def facilities() -> pd.DataFrame:
    return hostile_facilities()


@pytest.fixture(scope="module")
def townships() -> pd.DataFrame:
    return hostile_townships()


@pytest.fixture(scope="module")
def upload_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile_upload(tmp_path_factory.mktemp("upload"))


@pytest.fixture(autouse=True, scope="module")
def _isolated(tmp_path_factory: pytest.TempPathFactory) -> object:
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("hostile-env")
    mp.setenv(gn.CACHE_ENV, str(base / "cache"))
    mp.setenv("XUNZHEN_DATA_DIR", str(base / "data"))
    mp.delenv("XUNZHEN_DATABASE_URL", raising=False)
    gn._ACTIVE.clear()
    yield
    mp.undo()
    gn._ACTIVE.clear()


# ------------------------------------------------------------------------------------------------ exports

Export = dict[str, bytes]


def coverage_exports(facilities: pd.DataFrame, townships: pd.DataFrame, tmp: Path) -> Export:
    inputs = cov.prepare(gn.EstimatedNetwork(), prefecture="龙岩", facilities=facilities, townships=townships)
    result = cov.evaluate(inputs, 30)
    notes = cov.export_notes(result)
    return {
        "coverage.csv": csv_bytes(result.townships),
        "coverage.xlsx": xlsx_bytes(cov.coverage_sheets(result), notes),
    }


def pairing_exports(facilities: pd.DataFrame, townships: pd.DataFrame, tmp: Path) -> Export:
    plan = plan_pairing(facilities, county="漳平市", network=gn.EstimatedNetwork())
    roster = make_rosters(plan.pairs, ["2026-12"])
    book = forms.write_plan_xlsx(
        None,
        pairs=plan.pairs,
        roster=roster,
        centers=plan.centers,
        calendar={"2026-12": calendar_table(roster, "2026-12")},
        estimated=plan.estimated,
        notes=[f"范围 scope: {HOSTILE[0]}"],
    )
    (tmp / "pairing.xlsx").write_bytes(book)  # handed back as a 附件2 for the progress report
    assert pairing_cli(["--annex2", str(tmp / "pairing.xlsx"), "--csv-dir", str(tmp / "progress")]) == 0
    progress = {f"progress-{p.name}": p.read_bytes() for p in sorted((tmp / "progress").glob("*.csv"))}
    return {
        **progress,
        "pairing.xlsx": book,
        "附件1.csv": forms.to_csv_bytes(forms.annex1_table(roster, estimated=plan.estimated)),
        "附件2.csv": forms.to_csv_bytes(forms.annex2_table(roster, plan.centers)),
        "pairs.csv": forms.to_csv_bytes(plan.pairs),
        "roster.csv": forms.to_csv_bytes(roster),
    }


def tours_exports(facilities: pd.DataFrame, townships: pd.DataFrame, tmp: Path) -> Export:
    in_county = facilities[facilities["county_code"] == ZHANGPING]
    depot = in_county[in_county["facility_type"] == "county_hospital"]
    tour = plan_fujian_tours(
        str(depot["facility_id"].iloc[0]),
        counties=["漳平市"],
        params=TourParams(days=2, iterations=200),
        network=gn.EstimatedNetwork(),
        facilities=facilities,
    )
    return {"tour.xlsx": tour_out.xlsx_bytes(tour), "tour.csv": tour_out.csv_bytes(tour)}


def upload_exports(facilities: pd.DataFrame, townships: pd.DataFrame, tmp: Path, upload: Path) -> Export:
    result = validate_file(upload)
    accepted = tmp / "accepted.csv"
    geo_cli(["validate", str(upload), "--out", str(accepted)])
    return {
        "rejected-zh.csv": result.rejected_csv("zh"),
        "rejected-en.csv": result.rejected_csv("en"),
        "validate-out.csv": accepted.read_bytes(),
    }


def data_exports(facilities: pd.DataFrame, townships: pd.DataFrame, tmp: Path) -> Export:
    report = quality_report(townships, facilities)
    return {
        "data-quality.csv": quality_csv(report, "zh"),
        # pages/50_data.py's 下载工作表 button: csv_bytes of the working table without geometry
        "working.csv": csv_bytes(facilities.drop(columns="geometry")),
    }


def scenario_exports(facilities: pd.DataFrame, townships: pd.DataFrame, tmp: Path) -> Export:
    store = ScenarioStore(f"sqlite:///{tmp / 'scenarios.db'}")
    results = {"pairing": facilities[facilities["county_code"] == ZHANGPING][["facility_id", "name"]]}
    store.save(Scenario("=hostile", facilities=facilities.drop(columns="geometry"), results=results))
    store.close()
    folder = tmp / "export"
    db = f"sqlite:///{tmp / 'scenarios.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XUNZHEN_DATABASE_URL", db)
        assert scenarios_cli(["export", "--name", "=hostile", "--dir", str(folder)]) == 0
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def matrix_exports(facilities: pd.DataFrame, townships: pd.DataFrame, tmp: Path) -> Export:
    zp = facilities[facilities["county_code"] == ZHANGPING].head(4)
    pts = zp[["lon", "lat"]].to_numpy(float)
    res = travel_matrix(gn.EstimatedNetwork(), pts, pts)
    path = write_csv(matrix_table(res, list(zp["name"]), list(zp["name"])), tmp / "matrix.csv")
    return {"matrix.csv": path.read_bytes()}


EXPORTS: dict[str, Callable[..., Export]] = {
    "coverage": coverage_exports,
    "pairing": pairing_exports,
    "tours": tours_exports,
    "upload": upload_exports,
    "data": data_exports,
    "scenarios": scenario_exports,
    "matrix": matrix_exports,
}


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_no_export_carries_a_live_formula(
    kind: str,
    facilities: pd.DataFrame,
    townships: pd.DataFrame,
    upload_file: Path,
    tmp_path: Path,
) -> None:
    build = EXPORTS[kind]
    args = (facilities, townships, tmp_path) + ((upload_file,) if kind == "upload" else ())
    files = build(*args)
    assert files, kind
    for name, data in files.items():
        assert formula_cells(name, data) == [], name
        if name not in NO_PLANNER_TEXT:
            assert carries_marker(name, data), f"{name} does not carry the hostile text: the test is vacuous"


def test_checker_sees_formulas() -> None:
    """The checker itself: a raw pandas CSV and an openpyxl formula are caught."""
    raw = pd.DataFrame({"name": [HOSTILE[0], "-1.5"], "n": [1, -2]}).to_csv(index=False).encode()
    assert len(formula_cells("raw.csv", raw)) == 1
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.active["A2"] = "@x"
    buf = io.BytesIO()
    book.save(buf)
    assert len(formula_cells("raw.xlsx", buf.getvalue())) == 2
    assert np.isfinite(float("-1.5"))
