"""A facility named ``<script>alert(1)</script>`` shows as text in a map popup (real app, headless Chromium).

Flow, as a planner would do it: open the 数据 page, upload a CSV with that facility name, merge it into
the working table, open the 位置与定位 page (the map is centred on the uploaded facility), click its
marker, read the popup. Asserts the popup text is the literal name, the popup holds escaped markup and no
script element, and no alert ever opened. Reuses the app server and browser fixtures of
tests/test_browser.py (skipped, saying why, without Chromium). Screenshot: test-output/xss-popup.png.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.pages.test_browser import OUT, START_TIMEOUT_S, app_server, browser  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = "<script>alert(1)</script>"


def _wait(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception:
            last = None
        if last:
            return last
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}")


def _no_alert(driver: object) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        text = driver.switch_to.alert.text
    except NoAlertPresentException:
        return
    pytest.fail(f"an alert opened: {text!r}")


def _upload_file(tmp_path: Path) -> Path:
    from geo.places import load_townships

    t = load_townships()
    seat = t[(t["name"] == "双洋镇") & (t["county_code"] == "350881")].iloc[0]
    # synthetic point ~1 km north-east of the township seat, apart from the embedded 双洋镇卫生院 marker
    path = tmp_path / "xss.csv"
    path.write_text(
        "名称,类型,地址,经度,纬度\n"
        f"{XSS},市属医院,福建省龙岩市漳平市双洋镇,{seat['lon'] + 0.008:.6f},{seat['lat'] + 0.006:.6f}\n",
        encoding="utf-8",
    )
    return path


def test_script_name_is_text_in_popup(app_server, browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    url = app_server[0]
    browser.get(url + "data")
    file_input = _wait(
        lambda: browser.find_element(By.CSS_SELECTOR, "input[type='file']"),
        START_TIMEOUT_S,
        "the file uploader",
    )
    file_input.send_keys(str(_upload_file(tmp_path)))
    merge = _wait(
        lambda: next(
            (b for b in browser.find_elements(By.CSS_SELECTOR, "button") if "并入工作机构表" in b.text),
            None,
        ),
        60,
        "the validation report and the merge button",
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "采用" in body
    merge.click()
    _wait(
        lambda: "已并入" in browser.find_element(By.TAG_NAME, "body").text, 60, "the merge confirmation"
    )
    _no_alert(browser)

    # the 位置与定位 page (same session: it opens on the uploaded facility)
    link = _wait(
        lambda: next((a for a in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebarNav'] a")
                      if a.text.split("\n")[-1] == "位置与定位"), None),
        30,
        "the 位置与定位 link",
    )
    link.click()

    def map_frame():
        frames = [
            f
            for f in browser.find_elements(By.CSS_SELECTOR, "iframe[title*='st_folium']")
            if f.is_displayed()
        ]
        return frames[0] if frames else None

    try:
        frame = _wait(map_frame, 60, "the survey map")
    except BaseException:
        browser.save_screenshot(str(OUT / "xss-debug.png"))
        raise
    browser.switch_to.frame(frame)
    try:
        _wait(lambda: browser.find_elements(By.CSS_SELECTOR, ".xz-facility"), 60, "facility markers")
        time.sleep(1.0)  # let Leaflet finish centring on the uploaded facility
        # 漳平 has no embedded 市属医院, so the only city-hospital marker is the uploaded facility
        target = _wait(lambda: browser.find_element(By.CSS_SELECTOR, ".xz-facility.xz-city_hospital"), 30,
                       "the uploaded facility's marker")
        # a DOM click on the marker: Leaflet opens its popup (a marker click does not rerun the page)
        browser.execute_script(
            "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));",
            target,
        )
        popup = _wait(
            lambda: browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-content"), 20, "the popup"
        )
        # the popup fades in (opacity 0 → 1): Selenium reads no text until it is visible
        text = _wait(lambda: popup.text, 10, "the popup's text")
        inner = popup.get_attribute("innerHTML")
        scripts_in_popup = len(popup.find_elements(By.TAG_NAME, "script"))
    finally:
        browser.switch_to.default_content()
    OUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUT / "xss-popup.png"))
    assert XSS in text, f"popup text: {text!r}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in inner
    assert scripts_in_popup == 0
    _no_alert(browser)
