"""Every command line of the README starts as users start it (``python -m …``): a bad flag gets argparse's
usage (exit 2), never a traceback, and a command really runs (``--help`` and the error boundary are tested in
tests/test_cli_boundary.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

COMMANDS = [
    ["geo"],
    ["geo", "validate"],
    ["routing.coverage"],
    ["routing.pairing"],
    ["routing.tours"],
    ["routing.matrix"],
    ["routing.scenarios"],
]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_unknown_flag_is_a_usage_error(command: list[str]) -> None:
    run = _run([*command, "--no-such-flag"])
    assert run.returncode == 2 and "usage:" in run.stderr and "Traceback" not in run.stderr


def test_a_command_runs_and_prints(tmp_path) -> None:
    """``python -m routing.coverage`` really runs (a module without a ``__main__`` guard prints nothing)."""
    run = subprocess.run(
        [sys.executable, "-m", "routing.coverage", "--minutes", "60", "--prefecture", "龙岩", "--top", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "XUNZHEN_CACHE_DIR": str(tmp_path / "c"), "XUNZHEN_DATA_DIR": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    assert "覆盖乡镇 covered townships: " in run.stdout


def test_analyses_plan_on_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--workspace NAME``: the programme takes the workspace's doctor register, pairing and tours refuse
    a workspace that does not exist with one message (exit 2)."""
    from routing.pairing.__main__ import main as pairing_main
    from routing.programme.__main__ import main as programme_main
    from routing.tours.__main__ import main as tours_main
    from routing.workspace.__main__ import main as workspace_main

    register = ROOT / "tests" / "routing" / "programme" / "data" / "zhangping_register_test.csv"
    env = {"XUNZHEN_DATA_DIR": str(tmp_path), "XUNZHEN_CACHE_DIR": str(tmp_path / "cache")}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        assert workspace_main(["create", "漳平", "--county", "漳平市"]) == 0
        assert workspace_main(["import", "漳平", "doctors", str(register)]) == 0
        out = tmp_path / "out"
        argv = ["--workspace", "漳平", "--county", "漳平市", "--year", "2027", "--out-dir", str(out)]
        assert programme_main(argv) == 0
        visits = (out / "visits.csv").read_text(encoding="utf-8-sig")
        assert visits.splitlines()[0] == "date,doctor,title,specialty,hospital_id,center_id,center,minutes"
        assert "测试·" in visits  # the workspace's (test) register named the doctors
        needs = tmp_path / "needs.csv"
        needs.write_text("机构名称,专科需求\n漳平市新桥中心卫生院,儿科\n不存在卫生院,内科\n", "utf-8")
        assert workspace_main(["import", "漳平", "specialty-needs", str(needs)]) == 0
        capsys.readouterr()
        assert programme_main([*argv, "--needs", str(needs)]) == 0
        assert "专科需求 needs: 第3行" in capsys.readouterr().out  # the bad row named; the rest planned
        capsys.readouterr()
        assert pairing_main(["--workspace", "没有", "--county", "漳平市"]) == 2
        assert tours_main(["--workspace", "没有", "--depot", "龙岩市第一医院", "--prefecture", "龙岩"]) == 2
        assert "Traceback" not in capsys.readouterr().err
