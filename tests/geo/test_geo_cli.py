"""``python -m geo``: info, network, travel — clear messages and exit codes, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import network as gn
from geo.__main__ import main
from geo.cli import EXIT_OK, EXIT_USER
from tests.paths import ROOT

REPO = ROOT
OAKLAND = REPO / "tests" / "data" / "osm" / "West-Oakland.osm.bz2"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory per test, so the estimated network is active unless a test builds one."""
    path = tmp_path / "cache"
    monkeypatch.setenv(gn.CACHE_ENV, str(path))
    gn._ACTIVE.clear()
    return path


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_info_prints_counts_network_and_dates(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "info")
    assert code == EXIT_OK, err
    assert "1106" in out and "1078" in out  # townships, placed
    assert "龙岩市" in out and "县级市" in out
    assert "乡镇卫生院" in out and "三级医院" in out
    assert "estimated" in out and "估算" in out
    assert "Vonng/adcode" in out and "2020" in out


def test_travel_named_places_is_labelled_estimated(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "travel", "--from", "长汀县新桥镇", "--to", "长汀县")
    assert code == EXIT_OK, err
    assert "龙岩市长汀县新桥镇" in out and "分钟" in out and "km" in out
    # Every figure line says estimated / 估算.
    figure_lines = [line for line in out.splitlines() if "分钟" in line or "公里" in line]
    assert figure_lines and all("估算" in line and "estimated" in line for line in figure_lines)


def test_travel_ambiguous_name_lists_candidates(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "travel", "--from", "新桥镇", "--to", "长汀县")
    assert code == EXIT_USER
    assert "龙岩市长汀县新桥镇" in err and "龙岩市漳平市新桥镇" in err
    assert "Traceback" not in err


def test_travel_unknown_name(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "travel", "--from", "不存在镇", "--to", "长汀县")
    assert code == EXIT_USER and "不存在镇" in err and "unknown place" in err


@pytest.mark.parametrize(
    ("point", "match"),
    [
        ("121.5,25.0", "outside Fujian"),  # in the Taiwan Strait, east of the box
        ("113.26,23.13", "outside Fujian"),  # Guangzhou
        ("25.84,116.36", "LAT,LON"),  # swapped order
        ("abc", "not 'LON,LAT'"),
    ],
)
def test_point_outside_fujian_is_rejected(capsys: pytest.CaptureFixture, point: str, match: str) -> None:
    code, _, err = run(capsys, "travel", "--from-lonlat", point, "--to", "长汀县")
    assert code == EXIT_USER
    assert match in err and point in err


def test_travel_lonlat_points_and_crs(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "travel", "--from-lonlat", "116.36,25.84", "--to-lonlat", "116.46,25.88")
    assert code == EXIT_OK, err
    assert "估算" in out
    code, out_gcj, err = run(
        capsys, "travel", "--from-lonlat", "116.36,25.84", "--to-lonlat", "116.46,25.88", "--crs", "gcj02"
    )
    assert code == EXIT_OK, err
    assert "116.35" in out_gcj  # the GCJ-02 input was shifted ≈ 0.005° west to WGS84


def test_travel_needs_one_origin(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "travel", "--to", "长汀县")
    assert code == EXIT_USER and "--from" in err


def test_network_build_from_osm_and_travel_is_road_routed(
    capsys: pytest.CaptureFixture, cache_dir: Path
) -> None:
    if not OAKLAND.is_file():
        pytest.skip(f"OSM sample {OAKLAND} is absent")
    code, out, err = run(capsys, "network", "--osm", str(OAKLAND))
    assert code == EXIT_OK, err
    assert "road-routed" in out and "52" in out and "motorway" in out
    assert "does not cover Fujian" in out
    assert (cache_dir / "network" / "road_network.npz").is_file()
    snaps = (cache_dir / "network" / "facility_snaps.csv").read_text(encoding="utf-8-sig").splitlines()
    assert snaps[0] == "facility_id,node,snap_m,far_from_road" and len(snaps) > 1000
    code, out, err = run(capsys, "travel", "--from", "长汀县新桥镇", "--to", "长汀县")
    assert code == EXIT_OK, err
    assert "road-routed" in out and "> 2 km from any road" in out and "estimated" in out
    code, out, _ = run(capsys, "travel", "--from", "长汀县新桥镇", "--to", "长汀县", "--estimated")
    assert "road-routed travel time" not in out and "estimated travel time" in out
    code, out, _ = run(capsys, "network", "--clear")
    assert code == EXIT_OK and "estimated" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["network", "--osm", "/nonexistent/fujian.osm.pbf"], "fujian.osm.pbf"),
        (["network", "--download", "guangdong"], "guangdong"),
        (["network", "--download-prefecture", "广州"], "not a prefecture of Fujian"),
    ],
)
def test_network_errors_are_messages(capsys: pytest.CaptureFixture, argv: list[str], match: str) -> None:
    code, _, err = run(capsys, *argv)
    assert code == EXIT_USER and match in err and "Traceback" not in err


def test_corrupt_osm_file_via_cli(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"\x00garbage" * 50)
    code, _, err = run(capsys, "network", "--osm", str(bad))
    assert code == EXIT_USER and "broken.osm.pbf" in err and "cannot be read" in err


def test_module_entry_point_runs(tmp_path: Path) -> None:
    """``python -m geo`` as a user runs it: a user error exits 2 with a message and no traceback."""
    env = dict(os.environ, **{gn.CACHE_ENV: str(tmp_path)})
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "travel", "--from-lonlat", "121.5,25.0", "--to", "长汀县"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "outside Fujian" in proc.stderr and "Traceback" not in proc.stderr


def test_place_without_a_point_gets_a_message(capsys: pytest.CaptureFixture) -> None:
    from geo.places import load_townships

    town = load_townships()
    row = town[town["lon"].isna()].iloc[0]
    name = f"{row['county_name']}{row['name']}"
    code, _, err = run(capsys, "travel", "--from", name, "--to", "长汀县")
    assert code == EXIT_USER and "has no location" in err and "--from-lonlat" in err
