"""python -m data.build: byte-identical output, same as the shipped files, clear errors on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from data import build as build_mod
from data._facilities import SEED_FILE, seed_hospitals
from geo._errors import DataFileError
from geo.places import load_counties, load_townships

SHIPPED = Path(build_mod.__file__).resolve().parent / "fujian"

pytestmark = pytest.mark.skipif(
    not build_mod.DEFAULT_SOURCE.is_dir(), reason=f"raw source folder {build_mod.DEFAULT_SOURCE} not present"
)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The dataset built twice, into two fresh folders."""
    first, second = tmp_path_factory.mktemp("build1"), tmp_path_factory.mktemp("build2")
    assert build_mod.main(["--out", str(first)]) == 0
    build_mod.build(build_mod.DEFAULT_SOURCE, second)
    return first, second


def test_build_is_byte_identical_and_matches_the_shipped_files(two_builds):
    first, second = two_builds
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) == sorted(p.name for p in SHIPPED.iterdir())
    for name in names:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes(), f"{name} differs between two runs"
        stale = f"shipped data/fujian/{name} is stale: run python -m data.build"
        assert data == (SHIPPED / name).read_bytes(), stale
    total = sum((SHIPPED / n).stat().st_size for n in names)
    assert total <= 30 * 1024 * 1024


def test_missing_source_folder_gives_a_clear_message(tmp_path, capsys):
    assert build_mod.main(["--source", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "missing" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("X-1,某医院,tertiary_hospital,龙岩市,新罗区,火星街道,,src", "street '火星街道' not found"),
        ("X-1,某医院,clinic,龙岩市,新罗区,,,src", "facility_type 'clinic'"),
        ("X-1,某医院,city_hospital,龙岩市,火星县,,,src", "county 龙岩市火星县 not found"),
    ],
)
def test_bad_seed_rows_name_file_and_row(tmp_path, line, problem):
    bad = tmp_path / "hospitals_seed.csv"
    shutil.copy(SEED_FILE, bad)
    with bad.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    n_rows = len(SEED_FILE.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataFileError, match=rf"hospitals_seed.csv row {n_rows + 1} .*{problem}"):
        seed_hospitals(load_townships(), load_counties(), bad)


def test_real_names_matched_unambiguously(two_builds):
    """data/_names.py: 2020 names where one name matches one township; 漳平市总医院 from 漳卫〔2022〕60号."""
    import json

    import pandas as pd

    fac = pd.read_csv(two_builds[0] / "facilities.csv", dtype=str).set_index("facility_id")
    assert fac.at["PHC-350881100000", "name"] == "漳平市新桥中心卫生院"
    assert fac.at["PHC-350881100000", "name_derived"] == "0"
    assert "2020-02" in fac.at["PHC-350881100000", "source"]
    assert fac.at["CH-350881", "name"] == "漳平市总医院" and "2022-05-30" in fac.at["CH-350881", "source"]
    assert fac.at["CH-350821", "name"].endswith("（名称待核实）")  # 长汀: to verify by hand
    counts = json.loads((two_builds[0] / "manifest.json").read_text(encoding="utf-8"))["facility_names"]
    assert counts["primary_care_named"] == 706 and counts["county_hospitals_named"] == 63
    assert counts["primary_care_named"] + counts["primary_care_derived"] == 1106


def test_name_parser_strips_prefix_type_and_kind():
    from data._names import _parse, _stem

    counties = ["漳平市", "新罗区"]
    th, chc = "township_health_center", "community_health_center"
    assert _parse("漳平市新桥中心卫生院", counties, "龙岩市") == (th, "漳平市", "新桥")
    assert _parse("龙岩市新罗区万安镇卫生院", counties, "龙岩市") == (th, "新罗区", "万安")
    assert _parse("漳平市菁城社区卫生服务中心", counties, "龙岩市") == (chc, "漳平市", "菁城")
    assert _parse("漳平市医院", counties, "龙岩市") is None
    assert _stem("青水畲族乡") == "青水" and _stem("菁城街道") == "菁城"
