"""The worked 'add a vendor' example in docs/SOURCE_CONFIG.md loads as documented."""

from __future__ import annotations

import datetime as dt
import re

from pipelines.settings import REPO_ROOT

from .conftest import customer_key

DOC = REPO_ROOT / "docs" / "SOURCE_CONFIG.md"


def _blocks(language: str) -> list[str]:
    fenced = re.findall(r"```(\w*)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [body for lang, body in fenced if lang == language]


def test_worked_example_config_and_file_load(workspace):
    config = next(b for b in _blocks("yaml") if "id: acme" in b)
    export = next(b for b in _blocks("") if b.startswith("CallRef;"))
    (workspace.config_dir / "sources" / "acme.yaml").write_text(config, encoding="utf-8")
    workspace.write("acme/ACME_calls_2026-11-16.csv", export)
    report = workspace.ingest()
    assert [(r.status, r.rows_loaded, r.rows_rejected) for r in report.results] == [
        ("loaded", 1, 0)
    ]
    # 09:15 in Johannesburg (UTC+2, no DST) is 07:15 UTC; 082 555 0101 -> 27825550101
    assert workspace.query(
        "SELECT contact_id, channel, contact_reason, started_at, wait_s, "
        "talk_s, answered, customer_key FROM contacts"
    ) == [
        (
            "AC-1",
            "voice",
            "billing_query",
            dt.datetime(2026, 11, 16, 7, 15),
            12.0,
            310.5,
            True,
            customer_key("phone", "27825550101"),
        )
    ]
