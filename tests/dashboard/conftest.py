"""Fixtures for the dashboard tests: the sample warehouse, the app under AppTest, and the
running app (``streamlit run``) with a headless Chromium for the browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.metrics import MetricQuery, load_targets, metric_table
from pipelines.settings import DEFAULT_CONFIG_DIR, REPO_ROOT, load_metric_settings
from pipelines.warehouse import connect_read_only

APP = str(REPO_ROOT / "dashboard" / "app.py")


@pytest.fixture
def app(sample_warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    """A function that runs the app (optionally a page, with URL parameters)."""
    monkeypatch.setenv("CC_WAREHOUSE", str(sample_warehouse))

    def run(page: str | None = None, **query_params: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in query_params.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(f"screens/{page}.py")
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def metric_layer(warehouse: Path, **fields):
    """The long table the pages should show, from the metric layer called directly."""
    con = connect_read_only(warehouse)
    try:
        return metric_table(
            con,
            MetricQuery(**fields),
            load_metric_settings(DEFAULT_CONFIG_DIR),
            load_targets(DEFAULT_CONFIG_DIR / "targets.yaml"),
        )
    finally:
        con.close()


# --- the running app and a headless Chromium, shared by the browser tests ----------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("streamlit") / "server.log"


@contextmanager
def running_app(warehouse: Path, log_path: Path) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on ``warehouse``, on a free loopback port;
    yields its URL once it answers its health check."""
    port = _free_port()
    env = {**os.environ, "CC_WAREHOUSE": str(warehouse)}
    log = log_path.open("w")
    # Only the port on the command line: address, headless, usage stats and toolbar come
    # from .streamlit/config.toml, as for `make demo`.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO_ROOT / "dashboard" / "app.py"),
            "--server.port",
            str(port),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
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
                pytest.fail(f"streamlit did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.3)  # polling the health check, not a fixed wait
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def app_url(sample_warehouse: Path, server_log: Path):
    with running_app(sample_warehouse, server_log) as url:
        yield url


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 2000},
        )
        browser.requests_seen = []  # every URL any page of the browser asked for
        browser.on("request", lambda request: browser.requests_seen.append(request.url))
        yield browser
        browser.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


def settle(page) -> None:
    """Wait until the script has run and Vega has drawn every chart (or left it empty)."""
    # The app root says whether the script is running ("initial" before its first run).
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=60_000,
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')].every("
        "chart => chart.querySelector('svg g, canvas') || !chart.getBoundingClientRect().height)",
        timeout=60_000,
    )
