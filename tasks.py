"""Set up and run xunzhen with nothing but Python 3.11 (standard library only; Linux, macOS, Windows).

    python3.11 tasks.py run     # create .venv, install requirements.txt, start the app on the embedded data
    python3.11 tasks.py test    # create .venv, install requirements-dev.txt, run ruff, mypy and every test

The virtual environment lives in ``.venv`` inside the clone and is reinstalled only when a requirements file
changes (a hash of them is kept in ``.venv/xunzhen-requirements.sha256``). Extra arguments after ``run`` go to
``streamlit run`` (e.g. ``--server.port 8502``), after ``test`` to pytest (e.g. ``-k maps``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "xunzhen-requirements.sha256"
MIN_PYTHON = (3, 11)


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _say(text: str) -> None:
    print(f"[xunzhen] {text}", flush=True)


def _run(cmd: list[str | Path]) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def ensure_venv(requirements: str) -> Path:
    """Create ``.venv`` and install ``requirements`` into it unless it is already up to date."""
    if sys.version_info < MIN_PYTHON:
        need = ".".join(map(str, MIN_PYTHON))
        sys.exit(f"xunzhen needs Python {need} or newer; this is {sys.version.split()[0]}.")
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in dict.fromkeys(files))).hexdigest() + requirements
    py = _venv_python()
    if py.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return py
    if not py.exists():
        _say(f"creating the virtual environment in {VENV} …")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _say(f"installing {requirements} (first time: a few minutes) …")
    if _run([py, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", ROOT / requirements]):
        sys.exit(f"pip could not install {requirements}; see the messages above.")
    STAMP.write_text(digest)
    return py


def run(args: list[str]) -> int:
    """Start the app (``streamlit run app.py``) on the embedded data."""
    py = ensure_venv("requirements.txt")
    _say("preparing the road engine (compiled once after installing or updating: about 25 s) …")
    if _run([py, "-m", "geo", "prepare"]):
        _say("the road engine could not be prepared (see above); the app still starts.")
    _say("starting the app — open the address printed below in a browser (Ctrl+C stops it).")
    return _run([py, "-m", "streamlit", "run", "app.py", *args])


def test(args: list[str]) -> int:
    """Lint with ruff, type-check with mypy, run every test with pytest (browser tests skip, saying why).

    All always run, so one report shows lint, type and test problems together; any failing fails the command.
    """
    py = ensure_venv("requirements-dev.txt")
    _say("ruff check …")
    lint = _run([py, "-m", "ruff", "check", "."])
    _say("mypy (geo/, routing/) …")
    types = _run([py, "-m", "mypy"])
    _say("pytest: everything but the real-browser tests, on 2 workers …")
    fast = _run([py, "-m", "pytest", "-n", "2", "--dist", "loadfile", "-m", "not browser", *args])
    _say("pytest: real-browser tests, alone (so their timings mean something) …")
    slow = _run([py, "-m", "pytest", "-m", "browser", *args])
    if fast == 5 and slow == 5:
        _say("pytest collected no tests: that is a failure here.")
    codes = [c for c in (fast, slow) if c != 5]
    code = max(codes) if codes else 1
    if lint:
        _say("ruff found problems (listed above): failing.")
    if types:
        _say("mypy found problems (listed above): failing.")
    return code or (1 if lint or types else 0)


def main(argv: list[str]) -> int:
    """Dispatch ``run`` / ``test``."""
    commands = {"run": run, "test": test}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
