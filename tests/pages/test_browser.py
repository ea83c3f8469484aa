"""A real browser against the real app: ``streamlit run app.py`` on localhost, in headless Debian Chromium.

Checks that the Leaflet map renders its boundary layer and one marker per shown facility, that a filter change
re-renders the markers, and that no request leaves localhost (every non-local host name is also made
unresolvable, so the test never touches the internet). Writes screenshots to ``test-output/`` and prints (does
not assert) two timings: app start → map visible, and filter change → markers re-rendered.

Needs ``chromium``, ``chromium-driver`` and ``fonts-noto-cjk`` (Debian; ``.ci/run`` installs them when it
can); skipped, saying why, when the browser or driver is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.paths import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
START_TIMEOUT_S = 120
_SERVER_UP_S: list[float] = []
FILTER_TIMEOUT_S = 60


def _skip_reason() -> str | None:
    if CHROMIUM is None:
        return "Chromium is not installed (Debian: apt-get install chromium chromium-driver fonts-noto-cjk)"
    if CHROMEDRIVER is None:
        return "chromedriver is not installed (Debian: apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r requirements-dev.txt)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serve() -> Iterator[tuple[str, float, subprocess.Popen[bytes]]]:
    """A fresh ``streamlit run app.py`` on a free localhost port: (url, start time, process)."""
    port = _free_port()
    data_dir = tempfile.mkdtemp(prefix="xunzhen-data-")  # saved scenarios never reach the user's data dir
    log = tempfile.NamedTemporaryFile(prefix="xunzhen-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    t_start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "XUNZHEN_DATA_DIR": data_dir},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = Path(log.name).read_text()[-2000:]
                pytest.fail(f"streamlit exited with {proc.returncode}; log: {tail}")
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"streamlit did not answer on {url} within {START_TIMEOUT_S} s")
        yield url, t_start, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def app_server() -> Iterator[tuple[str, float, subprocess.Popen[bytes]]]:
    """The app served on a free localhost port: (url, start time, process)."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    t0 = time.perf_counter()
    with _serve() as server:
        _SERVER_UP_S.append(time.perf_counter() - t0)
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium with a fresh profile, no background traffic, non-local names unresolvable."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="xunzhen-chromium-")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
        f"--user-data-dir={profile}", "--window-size=1500,1250", "--lang=zh-CN",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    opts.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(START_TIMEOUT_S)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _map_counts(driver: object) -> tuple[int, int] | None:
    """(boundary paths, facility markers) inside the map iframe, or None while it is not there yet."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    frames = driver.find_elements(By.CSS_SELECTOR, "iframe[title*='st_folium']")
    if not frames:
        return None
    try:
        driver.switch_to.frame(frames[0])
        boundaries = len(driver.find_elements(By.CSS_SELECTOR, "path.xz-boundary"))
        markers = len(driver.find_elements(By.CSS_SELECTOR, ".xz-facility"))
        return boundaries, markers
    except WebDriverException:
        return None
    finally:
        driver.switch_to.default_content()


def _wait_for(driver: object, predicate, timeout_s: float) -> tuple[int, int] | None:
    deadline = time.monotonic() + timeout_s
    counts = None
    while time.monotonic() < deadline:
        counts = _map_counts(driver)
        if counts and predicate(counts):
            return counts
        time.sleep(0.1)
    return counts


def _full_page_screenshot(driver: object, path: Path) -> None:
    """Screenshot of the whole page (Streamlit scrolls inside its main container, so grow the window)."""
    size = driver.get_window_size()
    height = driver.execute_script(
        "const m = document.querySelector('[data-testid=\"stMain\"]') || document.body;"
        "return Math.max(m.scrollHeight, document.body.scrollHeight);"
    )
    driver.set_window_size(size["width"], min(int(height) + 200, 4000))
    time.sleep(1.0)
    driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])
    time.sleep(0.5)


def _requested_urls(driver: object) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _external(urls: list[str]) -> list[str]:
    out = []
    for u in urls:
        p = urlparse(u)
        if p.scheme in ("data", "blob", "about", "chrome", "chrome-extension", "devtools"):
            continue
        if p.hostname not in LOCAL_HOSTS:
            out.append(u)
    return out


def _report(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():
        print(f"\n[browser] {text}")
    OUT.mkdir(exist_ok=True)
    with open(OUT / "browser-timings.txt", "a", encoding="utf-8") as fh:
        fh.write(text + "\n")


def test_home_map_renders_offline(browser, app_server, capsys):  # browser first: its launch is not timed
    from selenium.webdriver.common.by import By

    from geo.facilities import load_facilities
    from geo.places import load_counties, load_prefectures

    url, t_start, _ = app_server
    fac = load_facilities()
    n_placed = int(fac["lon"].notna().sum())
    n_boundaries = len(load_counties()) + len(load_prefectures())

    browser.get(url)
    t_page = time.perf_counter() - t_start
    _wait_for(browser, lambda c: True, START_TIMEOUT_S)
    t_iframe = time.perf_counter() - t_start
    counts = _wait_for(browser, lambda c: c[0] >= n_boundaries and c[1] >= n_placed, START_TIMEOUT_S)
    t_visible = time.perf_counter() - t_start
    OUT.mkdir(exist_ok=True)
    time.sleep(1.0)  # let fonts and the legend settle for the picture
    browser.save_screenshot(str(OUT / "home.png"))
    _full_page_screenshot(browser, OUT / "home-full.png")
    assert counts is not None, "the map iframe never appeared"
    assert counts == (n_boundaries, n_placed), f"boundary paths / facility markers: {counts}"
    _report(capsys, f"app start -> map visible: {t_visible:.1f} s (goal <= 10 s; server up "
                    f"{_SERVER_UP_S[0]:.1f} s, page loaded {t_page:.1f} s, map frame {t_iframe:.1f} s); "
                    f"{counts[0]} boundary paths, {counts[1]} markers")

    # the network is stated in the header; the navigation lists exactly the page files, no helper modules
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "总览地图" in body and "路网" in body
    nav = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebarNav'] a")]
    assert len(nav) == len([p for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_")]), nav
    assert not [t for t in nav if "_ui" in t or "i18n" in t]

    # nothing left localhost: no CDN for Leaflet, no tiles, no telemetry
    urls = _requested_urls(browser)
    assert any("/app/static/vendor/leaflet/leaflet.js" in u for u in urls), "Leaflet was not loaded locally"
    assert _external(urls) == [], f"requests to other hosts: {_external(urls)[:10]}"

    # every script and stylesheet inside the map iframe is local
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe[title*='st_folium']"))
    try:
        srcs = [e.get_attribute("src") for e in browser.find_elements(By.CSS_SELECTOR, "script[src]")]
        hrefs = [e.get_attribute("href") for e in browser.find_elements(By.CSS_SELECTOR, "link[href]")]
    finally:
        browser.switch_to.default_content()
    assert srcs and _external([s for s in srcs + hrefs if s]) == []


def test_filter_change_rerenders_markers(app_server, browser, capsys):
    from selenium.webdriver.common.by import By

    from geo.facilities import load_facilities

    fac = load_facilities()
    focus = fac[fac["prefecture_code"].isin(["350400", "350700", "350800", "350900"]) & fac["lon"].notna()]
    if _map_counts(browser) is None:
        browser.get(app_server[0])
        _wait_for(browser, lambda c: c[1] > 0, START_TIMEOUT_S)
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, "button") if "重点地市" in b.text)
    t0 = time.perf_counter()
    button.click()
    counts = _wait_for(browser, lambda c: c[1] == len(focus), FILTER_TIMEOUT_S)
    t_rerender = time.perf_counter() - t0
    time.sleep(0.5)
    browser.save_screenshot(str(OUT / "home-focus.png"))
    assert counts is not None and counts[1] == len(focus), f"markers after the filter change: {counts}"
    _report(capsys, f"filter change -> markers re-rendered: {t_rerender:.1f} s (goal <= 3 s); "
                    f"{counts[1]} markers")
    assert "pref=" in browser.current_url  # the view is in the URL, so the link can be shared


# --- direct links, every page in the app frame, screenshots -------------------------------------------------
def _all_titles() -> list[str]:
    """Every page's Chinese title in navigation order (pages/NN_name.py; a laptop planner sees them all)."""
    from pages.ui.frame import page_files, page_name
    from pages.ui.i18n import page_title

    return [page_title(page_name(p), "zh") for p in page_files()]


PAGE_TITLES = {"coverage": "覆盖分析", "pairing": "结对与排班", "tours": "巡诊路线", "workspace": "工作区",
               "data": "数据", "locations": "位置与定位", "scenarios": "方案", "admin": "管理"}
RUN_BUTTONS = {"pairing": "生成结对与排班", "tours": "规划路线"}
NO_MAP = ("workspace", "data", "scenarios", "admin")


def _nav_titles(driver: object) -> list[str]:
    """Titles in the sidebar navigation (each link's last text line; the first is the icon's name)."""
    from selenium.webdriver.common.by import By

    links = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebarNav'] a")
    return [a.text.split("\n")[-1] for a in links]


def _until(predicate, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception:  # the page is re-rendering: try again
            last = None
        if last:
            return last
        time.sleep(0.2)
    return last


def _h1(driver: object) -> list[str]:
    from selenium.webdriver.common.by import By

    return [h.text for h in driver.find_elements(By.CSS_SELECTOR, "h1")]


def _idle(driver: object, timeout_s: float = 120) -> None:
    """Wait until Streamlit has finished running the script (no running indicator, no spinner)."""
    from selenium.webdriver.common.by import By

    def done() -> bool:
        running = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")
        spinners = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stSpinner']")
        return not running and not spinners

    time.sleep(1.0)
    _until(done, timeout_s)


def test_direct_link_opens_the_page_in_the_app_frame(browser):
    """A fresh server whose very first visitor opens /coverage: the page shows inside the app frame."""
    from selenium.webdriver.common.by import By

    expected_nav = _all_titles()
    with _serve() as (url, _, _):
        browser.get(url + "coverage")
        nav = _until(
            lambda: _nav_titles(browser) == expected_nav and "覆盖分析" in _h1(browser), START_TIMEOUT_S
        )
        assert nav, f"navigation {_nav_titles(browser)}, titles {_h1(browser)}"
        _idle(browser)
        assert _nav_titles(browser) == expected_nav
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "English" in body and "福建省基层巡诊与对口帮扶规划工具" in body  # language switch and tagline
        assert not [t for t in _nav_titles(browser) if t.lower() in ("app", "i18n", "ui", "_ui", "_i18n")]
        assert urlparse(browser.current_url).path.rstrip("/").endswith("coverage")
        browser.save_screenshot(str(OUT / "direct-coverage.png"))


@pytest.mark.parametrize("page", list(PAGE_TITLES))
def test_page_screenshots(app_server, browser, page):
    """Each page opened by its link (龙岩), run where it has a run button; full-page screenshot; no error."""
    from selenium.webdriver.common.by import By

    url = app_server[0]
    browser.get(f"{url}{page}?pref=350800&days=1")
    assert _until(lambda: PAGE_TITLES[page] in _h1(browser), START_TIMEOUT_S), _h1(browser)
    _idle(browser)
    if page in RUN_BUTTONS:
        buttons = browser.find_elements(By.CSS_SELECTOR, "button")
        button = next(b for b in buttons if RUN_BUTTONS[page] in b.text)
        button.click()
        frame = _until(lambda: browser.find_elements(By.CSS_SELECTOR, "iframe[title*='st_folium']"), 180)
        assert frame, f"{page}: no map after pressing {RUN_BUTTONS[page]}"
        _idle(browser, 180)
    if page not in NO_MAP:
        drawn = _until(lambda: _map_counts(browser) and _map_counts(browser)[0] > 0, 60)
        assert drawn, f"{page}: map not drawn"
        browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe[title*='st_folium']"))
        try:
            attribution = browser.find_element(By.CSS_SELECTOR, ".leaflet-control-attribution")
            prefix_svgs = attribution.find_elements(By.CSS_SELECTOR, "svg")
            html = attribution.get_attribute("innerHTML")
            assert attribution.text.startswith("Leaflet") and not prefix_svgs, html
        finally:
            browser.switch_to.default_content()
    time.sleep(1.0)
    _full_page_screenshot(browser, OUT / f"{page}.png")
    errors = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    assert not errors, f"{page}: exception shown"
    body = browser.find_element(By.TAG_NAME, "body").text
    from geo.network import active_network

    if active_network().is_estimated:
        assert "估算" in body  # the estimated network is stated (header badge, figures)
    assert _nav_titles(browser) == _all_titles()


def _nav_to(driver: object, title: str) -> None:
    """Click a page in the sidebar navigation (same session, unlike a new page load) and wait for it."""
    from selenium.webdriver.common.by import By

    link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebarNav'] a")
                if a.text.split("\n")[-1] == title)
    link.click()
    assert _until(lambda: title in _h1(driver), START_TIMEOUT_S), _h1(driver)
    _idle(driver)


def _save_scenario(driver: object, name: str) -> None:
    from selenium.webdriver.common.by import By

    _nav_to(driver, "方案")
    box = _until(lambda: next(i for i in driver.find_elements(By.CSS_SELECTOR, "input[type='text']")
                              if i.get_attribute("aria-label") == "方案名称"), 30)
    box.clear()
    box.send_keys(name)
    next(b for b in driver.find_elements(By.CSS_SELECTOR, "button") if b.text.strip() == "保存").click()
    assert _until(lambda: "已保存" in driver.find_element(By.TAG_NAME, "body").text, 60), f"{name} not saved"
    _idle(driver)


def test_scenarios_compare_page_runs(app_server, browser):
    """In one browser session: coverage, pairing, save A; coverage without county hospitals, save B; the
    方案 page compares them. Screenshot: test-output/data-scenarios.png."""
    from selenium.webdriver.common.by import By

    url = app_server[0]
    browser.get(f"{url}coverage?pref=350800&cov_t=60")
    assert _until(lambda: "覆盖分析" in _h1(browser), START_TIMEOUT_S)
    _idle(browser)
    _nav_to(browser, "结对与排班")
    next(b for b in browser.find_elements(By.CSS_SELECTOR, "button") if "生成结对与排班" in b.text).click()
    assert _until(lambda: browser.find_elements(By.CSS_SELECTOR, "iframe[title*='st_folium']"), 180)
    _idle(browser, 180)
    _save_scenario(browser, "方案A")

    _nav_to(browser, "覆盖分析")
    # scenario B: without the county hospitals as care sources (their pill switched off)
    pill = next(b for b in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stMain'] button")
                if b.text.strip() == "县级综合医院")
    pill.click()
    assert _until(lambda: "cov_types=city_hospital" in browser.current_url, 60), browser.current_url
    _idle(browser)
    _save_scenario(browser, "方案B")

    # the comparison (a canvas table: its cells are not page text) is below its title; look at the picture
    assert _until(lambda: "方案对比" in browser.find_element(By.TAG_NAME, "body").text, 60)
    time.sleep(1.0)
    _full_page_screenshot(browser, OUT / "data-scenarios.png")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")


def test_survey_map_shows_the_chosen_facility(app_server, browser):
    """位置与定位: the map opens on the chosen facility at street level (zoom 13), not on the province — the
    base map's fit to Fujian must not undo the view the page asks for."""
    from selenium.webdriver.common.by import By

    url = app_server[0]
    browser.get(url + "locations")
    assert _until(lambda: "位置与定位" in _h1(browser), START_TIMEOUT_S), _h1(browser)
    _idle(browser)
    drawn = _until(lambda: _map_counts(browser) and _map_counts(browser)[0] > 0, 60)
    assert drawn, "survey map not drawn"
    time.sleep(2.0)  # let any zoom animation finish
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe[title*='st_folium']"))
    try:
        view = browser.execute_script(
            "var c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom(),"
            " window.__GLOBAL_DATA__.last_center];"
        )
    finally:
        browser.switch_to.default_content()
    lat, lon, zoom, asked = view
    assert asked, "the page asked for no view"
    assert zoom == 13 and abs(lat - asked[0]) < 1e-3 and abs(lon - asked[1]) < 1e-3, view
