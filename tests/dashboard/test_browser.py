"""The running app in a real headless Chromium (the OS package), page by page.

Starts ``streamlit run`` on a free loopback port against the sample warehouse, visits
every page, asserts no error element and the key headings and numbers, and saves a
screenshot per page under ``build/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.settings import REPO_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    env = {**os.environ, "CC_WAREHOUSE": str(sample_warehouse)}
    log = (tmp_path_factory.mktemp("streamlit") / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"streamlit did not start: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 2000},
        )
        page = browser.new_page()
        yield page
        browser.close()


def _open(page, url: str, heading: str, name: str) -> str:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    # Streamlit shows a running indicator while a script reruns; wait for it to settle.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(1500)  # let Vega finish drawing the charts before the picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")
    return page.inner_text("body")


def test_every_page_renders_in_chromium(app_url: str, browser_page) -> None:
    overview = _open(browser_page, app_url, "Weekly overview", "overview")
    assert "Scorecard" in overview
    assert "Pacific Reach Manila is significantly behind" in overview
    assert "%" in overview

    compare = _open(browser_page, f"{app_url}/compare", "Compare", "compare")
    assert "Raw v. mix-adjusted CSAT" in compare
    assert "Productivity v. satisfaction" in compare

    review = _open(browser_page, f"{app_url}/partner_review?vendor=Pacific+Reach+BPO",
                   "Partner review", "partner_review")
    assert "Pacific Reach BPO" in review
    assert "Targets" in review

    data = _open(browser_page, f"{app_url}/data", "Data", "data")
    assert "Loads" in data
    assert "Rejected rows" in data


def _download(page, label: str, folder: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_downloads_are_valid_files(app_url: str, browser_page, tmp_path: Path) -> None:
    import openpyxl
    import pandas as pd

    _open(browser_page, f"{app_url}/partner_review?vendor=Pacific+Reach+BPO",
          "Partner review", "partner_review")
    pack = _download(browser_page, "Review pack (HTML, opens offline)", tmp_path)
    html = pack.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Partner review: Pacific Reach BPO" in html
    assert html.count("<svg") >= 3  # charts travel inside the file
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    workbook = openpyxl.load_workbook(_download(browser_page, "Tables (Excel)", tmp_path))
    assert "Targets" in workbook.sheetnames and "definitions" in workbook.sheetnames

    _open(browser_page, app_url, "Weekly overview", "overview")
    scorecard = pd.read_csv(_download(browser_page, "Download this week's scorecard (CSV)",
                                      tmp_path))
    assert set(scorecard["centre_id"]) == {"leeds", "glasgow", "lisbon", "manila"}


def test_a_copied_link_reproduces_the_view(app_url: str, browser_page) -> None:
    text = _open(browser_page, f"{app_url}/?week=2026-10-05&weeks=4&centre=glasgow",
                 "Weekly overview", "overview_linked")
    assert "Week of Mon 05 Oct 2026" in text
    assert "Claremont Glasgow" in text
    assert "Pacific Reach Manila" not in text.split("Scorecard", 1)[1]
