"""Load: N concurrent sessions against a local ``streamlit run app.py``, each opening every page and changing
one parameter (the coverage threshold T); p50/p95 page times and the errors.

A session speaks Streamlit's own websocket protocol (``/_stcore/stream``, protobuf ``BackMsg``/``ForwardMsg``)
as the browser does: it asks for a run of each page in turn and times it from the request to
``script_finished``; then it moves the coverage slider and times that rerun. An error is a page that does not
finish (timeout), an exception element, or an "内部错误" line. No browser is involved, so the figures are the
server's time (Python, the database, the analyses), not the browser's drawing.

::

    python bench/load.py                     # its own server on a free port (fresh data dir); N = 10, 20
    python bench/load.py --url http://127.0.0.1:8501/ --sessions 5
    python bench/load.py --sessions 10 20 --timeout 300

Figures depend on the machine and its load: the script prints ``os.getloadavg()`` with them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Run:
    """One page run: which page, how long (s), and the error (empty when none)."""

    page: str
    seconds: float
    error: str = ""


@dataclass
class Session:
    """What one simulated planner saw."""

    runs: list[Run] = field(default_factory=list)


async def _run(
    ws: websockets.ClientConnection, msg: BackMsg, page: str, timeout_s: float
) -> tuple[Run, list]:
    """Send one rerun request; collect the elements until the script finished."""
    t0 = time.perf_counter()
    await ws.send(msg.SerializeToString())
    elements, error, pages = [], "", []
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await ws.recv())
                kind = fwd.WhichOneof("type")
                if kind == "navigation":
                    pages = list(fwd.navigation.app_pages)
                elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    element = fwd.delta.new_element
                    elements.append(element)
                    which = element.WhichOneof("type")
                    if which == "exception":
                        error = error or f"exception: {element.exception.message[:120]}"
                    elif which == "alert" and "内部错误" in element.alert.body:
                        error = error or element.alert.body[:120]
                elif kind == "script_finished" and fwd.script_finished in FINISHED:
                    break
    except TimeoutError:
        error = f"no answer within {timeout_s:.0f} s"
    except websockets.ConnectionClosed as exc:
        error = f"connection closed: {exc}"
    return Run(page, time.perf_counter() - t0, error), [elements, pages]


def _rerun(page_hash: str = "", page_name: str = "", widgets: list[WidgetState] | None = None) -> BackMsg:
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_script_hash = page_hash
    msg.rerun_script.page_name = page_name
    msg.rerun_script.widget_states.widgets.extend(widgets or [])
    return msg


async def one_session(url: str, timeout_s: float) -> Session:
    """Open every page in turn, then move the coverage slider; return the timed runs."""
    ws_url = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
    session = Session()
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60) as ws:
        first, (_, pages) = await _run(ws, _rerun(), "home", timeout_s)
        session.runs.append(first)
        for page in pages:
            if page.is_default:
                continue
            run, (elements, _) = await _run(
                ws, _rerun(page.page_script_hash, page.url_pathname), page.url_pathname, timeout_s
            )
            session.runs.append(run)
            if page.url_pathname == "coverage" and not run.error:
                slider = next((e.slider for e in elements if e.WhichOneof("type") == "slider"), None)
                if slider is None:
                    session.runs.append(Run("coverage T=45", 0.0, "no slider on the coverage page"))
                    continue
                state = WidgetState(id=slider.id)
                state.double_array_value.data.extend([45.0])
                change, _ = await _run(
                    ws, _rerun(page.page_script_hash, page.url_pathname, [state]), "coverage T=45", timeout_s
                )
                session.runs.append(change)
    return session


async def load(url: str, n: int, timeout_s: float) -> list[Session]:
    """``n`` sessions at once."""
    return list(await asyncio.gather(*(one_session(url, timeout_s) for _ in range(n))))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(n: int, sessions: list[Session], wall_s: float) -> None:
    """Print p50/p95 per page and overall, and the errors."""
    runs = [r for s in sessions for r in s.runs]
    errors = [r for r in runs if r.error]
    ok = [r for r in runs if not r.error]
    print(
        f"\nN = {n} sessions: {len(runs)} page runs in {wall_s:.1f} s wall, {len(errors)} errors; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"  {'page':<16} {'runs':>5} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
    for page in dict.fromkeys(r.page for r in runs):
        times = [r.seconds for r in ok if r.page == page]
        print(
            f"  {page:<16} {len(times):>5} {_pct(times, 0.5):>8.2f} {_pct(times, 0.95):>8.2f} "
            f"{max(times, default=float('nan')):>8.2f}"
        )
    times = [r.seconds for r in ok]
    mean = statistics.fmean(times) if times else float("nan")
    print(
        f"  {'all pages':<16} {len(times):>5} {_pct(times, 0.5):>8.2f} {_pct(times, 0.95):>8.2f} "
        f"{max(times, default=float('nan')):>8.2f}   (mean {mean:.2f})"
    )
    for r in errors[:10]:
        print(f"  error on {r.page}: {r.error}")


def _start_server(port: int, data_dir: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "XUNZHEN_DATA_DIR": data_dir, "PYTHONUNBUFFERED": "1"}
    env.pop("XUNZHEN_DEBUG", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


def main(argv: list[str] | None = None) -> int:
    """Run the load test (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python bench/load.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=None, help="a running app (default: start one on a free port)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 20], help="N concurrent sessions")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one page run may take")
    parser.add_argument("--warm", action="store_true", help="one session first, not counted (caches warm)")
    args = parser.parse_args(argv)
    proc = None
    url = args.url
    if url is None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = _start_server(port, tempfile.mkdtemp(prefix="xunzhen-load-"))
        url = f"http://127.0.0.1:{port}/"
    try:
        if args.warm:
            t0 = time.perf_counter()
            report(1, asyncio.run(load(url, 1, args.timeout)), time.perf_counter() - t0)
        for n in args.sessions:
            t0 = time.perf_counter()
            sessions = asyncio.run(load(url, n, args.timeout))
            report(n, sessions, time.perf_counter() - t0)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
