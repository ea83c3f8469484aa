"""Every command line of the README starts as users start it (``python -m …``): a bad flag gets argparse's
usage (exit 2), never a traceback, and a command really runs (``--help`` and the error boundary are tested in
tests/test_cli_boundary.py)."""

from __future__ import annotations

import os
import subprocess
import sys

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
