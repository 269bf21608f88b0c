"""Step 4: app start. ``streamlit run`` on a free loopback port until /_stcore/health
answers, then the default page's script run in a fresh process (AppTest)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.measure import run_child
from pipelines.settings import REPO_ROOT

APP = REPO_ROOT / "dashboard" / "app.py"
HEALTH_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(warehouse: Path, config_dir: Path) -> dict[str, str]:
    return {"CC_WAREHOUSE": str(warehouse), "CC_CONFIG_DIR": str(config_dir)}


def time_to_health(warehouse: Path, config_dir: Path) -> float:
    """Seconds from ``streamlit run`` to /_stcore/health answering ``ok``."""
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, **app_env(warehouse, config_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < HEALTH_TIMEOUT_S:
            if server.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {server.returncode} "
                    "before answering /_stcore/health"
                )
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=1
                ) as reply:
                    if reply.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        raise RuntimeError(f"streamlit did not answer /_stcore/health in {HEALTH_TIMEOUT_S} s")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def measure_app_start(warehouse: Path, config_dir: Path) -> dict:
    health_s = time_to_health(warehouse, config_dir)
    first_page = run_child(
        "apptest", {"app": str(APP), "timeout": 600}, env=app_env(warehouse, config_dir)
    )
    return {
        "health_s": health_s,
        "default_page_run_s": first_page.answer["default_page_run_s"],
        "apptest_process_wall_s": first_page.wall_s,
        "apptest_peak_rss_mb": first_page.peak_rss_mb,
        "page_title": first_page.answer["title"],
        "exceptions": first_page.answer["exceptions"],
    }
