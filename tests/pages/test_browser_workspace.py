"""The workspace in a real browser (headless Chromium against ``streamlit run app.py``):

* an upload that replaces a placeholder hospital survives a reload, a new tab and a restart of the server;
* a shared deployment (``XUNZHEN_AUTH=on``, PostgreSQL): a 龙岩 account cannot open a 南平 workspace by a link
  or by guessing its name in the URL, stays signed in on reload, and does not see the 管理 page;
* the coverage page's static PDF map holds Chinese text (rendered to PNG under ``test-output/`` to look at).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.pages.browser import (
    OUT,
    chromium,
    click_button,
    free_port,
    screenshot,
    serve,
    skip_reason,
    wait_text,
)
from tests.routing.pg import postgres_schema_url

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PW = "长汀-correct-horse"


@pytest.fixture(autouse=True)
def _needs_browser() -> None:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)


def _upload(driver: object, path: Path) -> None:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + 60
    while not driver.find_elements(By.CSS_SELECTOR, "input[type='file']") and time.monotonic() < deadline:
        time.sleep(0.3)
    driver.find_element(By.CSS_SELECTOR, "input[type='file']").send_keys(str(path))


def test_upload_survives_reload_new_tab_and_restart(tmp_path: Path) -> None:
    from routing.database import connect
    from routing.workspace import WorkspaceStore

    csv = tmp_path / "changting.csv"
    csv.write_text(
        "名称,类型,地址,经度,纬度,医生数\n长汀县医院,县医院,福建省龙岩市长汀县汀州镇,116.3560,25.8390,30\n",
        encoding="utf-8",
    )
    env, port = {"XUNZHEN_DATA_DIR": str(tmp_path / "data")}, free_port()
    planner = "实测位置 1 个"  # the header line of every page: the workspace's table, one surveyed point
    with chromium() as driver:
        with serve(env, port) as url:
            driver.get(url + "data")
            wait_text(driver, "机构清单")
            _upload(driver, csv)
            text = wait_text(driver, "替换 长汀县县级综合医院（名称待核实）")
            assert "应是同一家医院" in text or "most likely" in text or "同一家医院" in text
            screenshot(driver, "workspace-placeholder-offered")
            click_button(driver, "并入工作机构表")
            text = wait_text(driver, "已并入并保存到工作区")
            assert "1 个替换占位医院" in text and planner in text
            screenshot(driver, "workspace-placeholder-replaced")
            assert "ws=" in driver.current_url  # the link carries the workspace
            driver.refresh()
            wait_text(driver, planner)
            driver.switch_to.new_window("tab")
            driver.get(url + "coverage?ws=" + quote("默认"))
            wait_text(driver, planner)
            screenshot(driver, "workspace-new-tab-coverage")
        with serve(env, port) as url:  # the server restarted: a new process, the same database file
            driver.get(url + "?ws=" + quote("默认"))
            wait_text(driver, planner)
    fac = WorkspaceStore(connect(f"sqlite:///{tmp_path / 'data' / 'xunzhen.sqlite'}")).facilities("默认")
    row = fac[fac["facility_id"] == "CH-350821"].iloc[0]
    assert row["name"] == "长汀县医院" and row["location_quality"] == "surveyed"
    assert "长汀县县级综合医院（名称待核实）" not in set(fac["name"])  # replaced, not doubled


def _login(driver: object, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    wait_text(driver, "用户名")
    inputs = driver.find_elements(By.CSS_SELECTOR, "input[type='text'], input[type='password']")
    inputs[0].send_keys(name)
    inputs[1].send_keys(password)
    click_button(driver, "登录")


def test_role_boundaries_in_a_shared_deployment(tmp_path: Path) -> None:
    from routing.accounts import AccountStore, audit_log
    from routing.accounts.roles import LOCAL
    from routing.database import connect
    from routing.workspace import WorkspaceStore

    with postgres_schema_url() as db_url:
        db = connect(db_url)
        accounts = AccountStore(db)
        ly = accounts.add("ly_officer", "prefecture", "龙岩市", PW)
        np_ = accounts.add("np_officer", "prefecture", "南平市", PW)
        WorkspaceStore(db, ly).create("龙岩 2027")
        WorkspaceStore(db, np_).create("南平 2027")
        env = {
            "XUNZHEN_DATA_DIR": str(tmp_path / "data"),
            "XUNZHEN_DATABASE_URL": db_url,
            "XUNZHEN_AUTH": "on",
        }
        with serve(env) as url, chromium() as driver:
            driver.get(
                url + "?ws=" + quote("南平 2027")
            )  # a link to a 南平 workspace, opened by a 龙岩 officer
            _login(driver, "ly_officer", "wrong password")
            wait_text(driver, "用户名或密码错误")
            driver.get(url + "?ws=" + quote("南平 2027"))
            _login(driver, "ly_officer", PW)
            text = wait_text(driver, "已登录：ly_officer")
            text = wait_text(driver, "或您无权打开它")
            assert "南平 2027" not in text.split("或您无权打开它")[1]  # nothing of it is shown
            assert "管理" not in text  # the audit log page is not listed for a prefecture account
            screenshot(driver, "roles-longyan-denied-nanping")
            driver.get(url + "coverage?ws=" + quote("南平 2028"))  # a guessed name: the same words
            text = wait_text(driver, "没有名为“南平 2028”的工作区，或您无权打开它")
            driver.get(
                url + "?ws=" + quote("龙岩 2027")
            )  # his own workspace, after a reload: still signed in
            text = wait_text(driver, "已登录：ly_officer")
            wait_text(driver, "工作区：龙岩 2027")
            driver.get(url + "admin")  # a guessed URL of the province's page
            text = wait_text(driver, "已登录：ly_officer")
            assert "审计日志" not in text
        log = audit_log(db, LOCAL)
        assert {"login", "workspace created"} <= set(log["action"])
        there = log[(log["account"] == "ly_officer") & (log["workspace"] == "南平 2027")]
        assert set(there["action"]) == {"access refused"}  # the attempt is logged; nothing was changed there


def test_static_pdf_map_has_chinese_text(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with serve({"XUNZHEN_DATA_DIR": str(tmp_path / "data")}) as url, chromium(downloads) as driver:
        driver.get(url + "coverage")
        wait_text(driver, "静态地图 PDF", timeout_s=180)
        click_button(driver, "静态地图 PDF")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(downloads.glob("*.pdf")):
            time.sleep(0.5)
        pdfs = list(downloads.glob("*.pdf"))
        assert pdfs, "no PDF was downloaded"
        time.sleep(1.0)
    pdf = pdfs[0]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "覆盖" in text and "龙岩" in text, text[:500]  # real glyphs with their characters, not boxes
    if shutil.which("pdftoppm"):
        OUT.mkdir(exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(OUT / "coverage-pdf")], check=True
        )
        assert (OUT / "coverage-pdf.png").stat().st_size > 10_000
