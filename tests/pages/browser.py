"""Helpers of the real-browser tests: a ``streamlit run app.py`` server with chosen settings (data dir,
database, accounts), a headless Chromium that downloads into a folder, and waits on what the page says."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.paths import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
START_TIMEOUT_S = 120
OUT = ROOT / "test-output"


def skip_reason() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        return "Chromium/chromedriver are not installed (Debian: apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r requirements-dev.txt)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on localhost with ``env`` added; yields its URL; stopped at the end."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="xunzhen-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    clean = {k: v for k, v in os.environ.items() if k not in ("XUNZHEN_DEBUG", "XUNZHEN_AUTH")}
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
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**clean, "PYTHONUNBUFFERED": "1", **env},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}: {Path(log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"streamlit did not answer on {url}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def chromium(downloads: Path | None = None) -> Iterator[object]:
    """Headless Chromium (fresh profile, non-local names unresolvable; downloads into ``downloads``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="xunzhen-chromium-")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        f"--user-data-dir={profile}",
        "--window-size=1500,1400",
        "--lang=zh-CN",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    ):
        opts.add_argument(arg)
    if downloads is not None:
        opts.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(START_TIMEOUT_S)
    if downloads is not None:
        driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def body_text(driver: object) -> str:
    from selenium.webdriver.common.by import By

    try:
        return str(driver.find_element(By.TAG_NAME, "body").text)
    except Exception:
        return ""


def wait_text(driver: object, test: str | Callable[[str], bool], timeout_s: float = 90) -> str:
    """Wait until the page's text contains ``test`` (or ``test(text)`` is true) and Streamlit is idle."""
    check = (lambda t: test in t) if isinstance(test, str) else test
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        text = body_text(driver)
        running = driver.execute_script("return !!document.querySelector('[data-testid=\"stStatusWidget\"]')")
        if check(text) and not running:
            return text
        time.sleep(0.3)
    OUT.mkdir(exist_ok=True)
    driver.save_screenshot(str(OUT / "wait-failed.png"))
    raise AssertionError(f"page never showed {test!r}; it shows: {text[:1500]}")


def click_button(driver: object, label: str) -> None:
    """Click the (first visible) button whose text is ``label``."""
    from selenium.webdriver.common.by import By

    for button in driver.find_elements(By.TAG_NAME, "button"):
        lines = button.text.strip().splitlines()  # a Material icon adds its name as a first line
        if lines and lines[-1].strip() == label and button.is_displayed():
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
            button.click()
            return
    raise AssertionError(f"no button {label!r}")


def screenshot(driver: object, name: str) -> Path:
    """The whole page as ``test-output/<name>.png``."""
    OUT.mkdir(exist_ok=True)
    height = driver.execute_script(
        "const m = document.querySelector('[data-testid=\"stMain\"]') || document.body;"
        "return Math.max(m.scrollHeight, document.body.scrollHeight);"
    )
    size = driver.get_window_size()
    driver.set_window_size(size["width"], min(int(height) + 200, 4000))
    time.sleep(1.0)
    path = OUT / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])
    return path
