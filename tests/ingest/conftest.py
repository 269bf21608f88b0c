"""Fixtures for ingestion tests: a throw-away config folder, exports folder and warehouse."""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.ingest import RunReport, ingest_files
from pipelines.settings import REPO_ROOT

SALT = "test-salt"

CENTRE = {
    "id": "testco",
    "name": "Test Centre",
    "sourcing": "vendor",
    "vendor": "Test BPO",
    "shore": "offshore",
    "country": "GB",
    "timezone": "Europe/London",
}

# A plain contacts CSV: ISO local times, seconds, 1/0 flags, canonical codes.
CONTACTS_HEADER = (
    "id,channel,reason,agent,phone,start,answered,abandoned,wait,talk,hold,"
    "wrap,transferred,complaint"
)
CONTACTS_EXPORT = {
    "pattern": "testco/contacts_*.csv",
    "format": "csv",
    "delimiter": ",",
    "true_words": ["1"],
    "false_words": ["0"],
    "duration_format": "seconds",
    "customer_identifiers": [{"column": "phone", "type": "phone"}],
    "default_country_code": "44",
    "contacts": {
        "timestamp_format": "%Y-%m-%d %H:%M:%S",
        "columns": {
            "contact_id": "id",
            "channel": "channel",
            "contact_reason": "reason",
            "agent_id": "agent",
            "started_at": "start",
            "answered": "answered",
            "abandoned": "abandoned",
            "wait_s": "wait",
            "talk_s": "talk",
            "hold_s": "hold",
            "wrap_s": "wrap",
            "transferred": "transferred",
            "complaint": "complaint",
        },
    },
}
SURVEYS_HEADER = "sid,cid,when,csat,nps,resolved,comment"
SURVEYS_EXPORT = {
    "pattern": "testco/surveys_*.csv",
    "format": "csv",
    "delimiter": ",",
    "true_words": ["Y"],
    "false_words": ["N"],
    "surveys": {
        "timestamp_format": "%Y-%m-%d %H:%M:%S",
        "columns": {
            "survey_id": "sid",
            "contact_id": "cid",
            "responded_at": "when",
            "csat": "csat",
            "nps": "nps",
            "resolved": "resolved",
            "comment": "comment",
        },
        "csat_scale": [1, 5],
    },
}
QA_HEADER = "eid,cid,org,date,score,fail,acc,emp"
QA_EXPORT = {
    "pattern": "testco/qa_*.csv",
    "format": "csv",
    "delimiter": ",",
    "true_words": ["1"],
    "false_words": ["0"],
    "qa": {
        "timestamp_format": "%Y-%m-%d",
        "columns": {
            "evaluation_id": "eid",
            "contact_id": "cid",
            "evaluator_org": "org",
            "evaluated_at": "date",
            "score_pct": "score",
            "critical_fail": "fail",
        },
        "value_maps": {"evaluator_org": {"Us": "own", "Client": "client"}},
        "sections": {"accuracy": "acc", "empathy": "emp"},
    },
}


def contacts_row(
    contact_id: str,
    start: str = "2026-06-01 10:00:00",
    channel: str = "voice",
    reason: str = "payment",
    phone: str = "07700 900123",
    answered: str = "1",
    wait: str = "10",
    talk: str = "100",
    hold: str = "0",
    wrap: str = "20",
    complaint: str = "0",
) -> str:
    return (
        f"{contact_id},{channel},{reason},A1,{phone},{start},{answered},0,{wait},{talk},"
        f"{hold},{wrap},0,{complaint}"
    )


def customer_key(kind: str, normalised: str) -> str:
    """The hash the pipeline must produce, computed independently in Python: the hmac
    module's HMAC-SHA256 of 'type:normalised' keyed with the salt."""
    return hmac.new(SALT.encode(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


class Workspace:
    """A config folder with one source config, an exports folder and a warehouse path."""

    def __init__(self, root: Path):
        self.root = root
        self.config_dir = root / "config"
        self.exports = root / "exports"
        self.warehouse = root / "warehouse" / "test.duckdb"
        (self.config_dir / "sources").mkdir(parents=True)
        (self.exports / "testco").mkdir(parents=True)

    def source(self, *exports: dict, centre: dict | None = None, name: str = "testco") -> Path:
        path = self.config_dir / "sources" / f"{name}.yaml"
        document = {"centre": centre or CENTRE, "exports": [copy.deepcopy(e) for e in exports]}
        path.write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return path

    def write(self, relative: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.exports / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    def ingest(self, files: list[Path] | None = None) -> RunReport:
        return ingest_files(
            files, config_dir=self.config_dir, warehouse=self.warehouse, exports_root=self.exports
        )

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def rejects(self) -> list[tuple]:
        """(row_number, column_name, reason) of every reject, in row order."""
        return self.query(
            "SELECT row_number, column_name, reason FROM rejects "
            "ORDER BY load_id, row_number, column_name"
        )


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setenv("CC_CUSTOMER_SALT", SALT)
    return Workspace(tmp_path)


@pytest.fixture
def load_one(workspace: Workspace) -> Callable[..., RunReport]:
    """Write one export and its config, ingest, return the report."""

    def run(export: dict, relative: str, text: str, encoding: str = "utf-8") -> RunReport:
        workspace.source(export)
        workspace.write(relative, text, encoding)
        return workspace.ingest()

    return run


def lenient(export: dict) -> dict:
    """The export with no whole-file reject threshold: for tests of row-level reasons on
    files that are mostly bad rows on purpose (the threshold has tests of its own)."""
    return {**copy.deepcopy(export), "max_reject_pct": 100}


# An ingest run that, at the named step, marks a file and holds there until killed:
# a test kills it at a known point instead of guessing one with a timer.
KILL_SCRIPT = """
import sys, threading
from pathlib import Path
import pipelines.ingest.load as load, pipelines.ingest.run as run
module, name = {"staged": (load, "stage_file"), "checked": (load, "check_reject_share"),
                "mid-transaction": (load, "_store_kind"),
                "before-publish": (run, "build_summaries")}[sys.argv[4]]
original = getattr(module, name)
def reached(*args, **kwargs):
    result = original(*args, **kwargs)
    Path(sys.argv[5]).touch()
    threading.Event().wait()  # until SIGKILL
    return result
setattr(module, name, reached)
from pipelines.ingest import ingest_files
ingest_files(config_dir=Path(sys.argv[1]), warehouse=Path(sys.argv[2]),
             exports_root=Path(sys.argv[3]))
"""


def kill_ingest_at(workspace: Workspace, kill_point: str, marker: Path) -> None:
    """Run ingestion in a child process, wait (with a timeout) until it reaches
    ``kill_point``, and SIGKILL it there."""
    env = {**os.environ, "CC_CUSTOMER_SALT": SALT, "PYTHONPATH": str(REPO_ROOT)}
    arguments = [workspace.config_dir, workspace.warehouse, workspace.exports]
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, *map(str, arguments), kill_point, str(marker)],
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and process.poll() is None:
            assert time.monotonic() < deadline, f"timed out waiting for {kill_point}"
            time.sleep(0.01)  # polling a condition, not a fixed wait
        assert process.poll() is None, f"the run ended before reaching {kill_point}"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
