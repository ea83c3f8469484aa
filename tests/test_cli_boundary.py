"""The one error boundary of every command line (geo.cli): expected problems → one message and exit 2; a bug →
one "internal error" line naming the log file (traceback there, never on screen); every CLI module runs."""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import cli
from geo._errors import AmbiguousPlaceError, DataFileError, InputValidationError, OutsideFujianError
from tests.paths import ROOT

#: Every command line of the project (``python -m MODULE``).
CLI_MODULES = (
    "geo",
    "routing.coverage",
    "routing.pairing",
    "routing.tours",
    "routing.matrix",
    "routing.scenarios",
)


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XUNZHEN_CACHE_DIR": str(tmp_path / "cache"),
        "XUNZHEN_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }


def _source(module: str) -> str:
    """Source of what ``python -m module`` runs: the package's ``__main__`` or the module itself."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    if spec.submodule_search_locations:  # a package
        spec = importlib.util.find_spec(module + ".__main__")
        assert spec is not None and spec.origin is not None
    return Path(spec.origin).read_text(encoding="utf-8")


@pytest.mark.parametrize("module", CLI_MODULES)
def test_every_cli_runs_behind_the_boundary(module: str, tmp_path: Path) -> None:
    """``python -m MODULE --help`` prints usage (the module has an entry point), and its ``main`` hands the
    command to ``geo.cli.run``/``run_parser``."""
    proc = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        capture_output=True, text=True, timeout=120, env=_env(tmp_path), cwd=tmp_path, check=False,
    )
    assert proc.returncode == 0 and "usage:" in proc.stdout, (module, proc.stdout[:200], proc.stderr[-400:])
    tree = ast.parse(_source(module))
    calls = {
        f"{n.func.value.id}.{n.func.attr}"
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
    }
    assert calls & {"cli.run", "cli.run_parser"}, f"{module}: main() does not use geo.cli's boundary"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["routing.matrix", "--from", "", "--to", "连城县"], "--from is empty"),
        (["routing.matrix", "--from", "金门县", "--to", "连城县"], "金门县"),
        (["routing.coverage", "--minutes", "-5"], "minutes"),
        (["geo", "validate", "/nonexistent/upload.csv"], "file not found"),
    ],
)
def test_expected_problems_exit_2_with_one_message(argv: list[str], message: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", *argv],
        capture_output=True, text=True, timeout=180, env=_env(tmp_path), cwd=tmp_path, check=False,
    )
    assert proc.returncode == cli.EXIT_USER, (proc.stdout[-300:], proc.stderr[-300:])
    assert message in proc.stderr + proc.stdout and "Traceback" not in proc.stderr + proc.stdout


def _args() -> argparse.Namespace:
    return argparse.Namespace()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (InputValidationError("row 3, column 经度: 'abc' is not a number"), "row 3, column 经度"),
        (OutsideFujianError("出发地 广州 lies outside Fujian"), "outside Fujian"),
        (DataFileError("upload.csv: the file is empty."), "the file is empty"),
        (AmbiguousPlaceError("新桥 matches 4 places", ["长汀县新桥镇", "…"]), "长汀县新桥镇"),
        (FileNotFoundError(2, "No such file or directory", "/x/y.csv"), "/x/y.csv"),
        (PermissionError(13, "Permission denied", "/ro/out.csv"), "Permission denied"),
    ],
)
def test_expected_errors_are_one_message_exit_2(
    error: Exception, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def command(_args: argparse.Namespace) -> int:
        raise error

    assert cli.run(command, _args()) == cli.EXIT_USER
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("bug", [ZeroDivisionError("division by zero"), KeyError("center_id"),
                                 TypeError("'NoneType' object is not subscriptable")])
def test_a_bug_is_one_line_with_the_log_file(
    bug: Exception, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path))

    def command(_args: argparse.Namespace) -> int:
        raise bug

    assert cli.run(command, _args()) == cli.EXIT_FAILED
    err = capsys.readouterr().err.strip()
    log = tmp_path / "xunzhen-errors.log"
    assert err.count("\n") == 0 and "internal error" in err and str(log) in err
    assert "Traceback" not in err and type(bug).__name__ in err
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_a_bug_with_an_unwritable_log_is_still_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(blocker / "data"))  # cannot be created: a file is in the way

    def command(_args: argparse.Namespace) -> int:
        raise RuntimeError("boom")

    assert cli.run(command, _args()) == cli.EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "internal error" in err and "log not written" in err


def test_bad_flags_are_argparse_usage_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="x")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit) as exc:
        cli.run_parser(parser, lambda a: 0, ["--n", "many"])
    assert exc.value.code == 2 and "invalid int value" in capsys.readouterr().err
