"""Loading is idempotent, replaces by key, is transactional and survives kill -9."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from .conftest import (
    CONTACTS_EXPORT,
    CONTACTS_HEADER,
    QA_EXPORT,
    QA_HEADER,
    contacts_row,
    kill_ingest_at,
)


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_file_twice_is_a_noop(workspace):
    workspace.source(CONTACTS_EXPORT)
    workspace.write(
        "testco/contacts_1.csv",
        f"{CONTACTS_HEADER}\n{contacts_row('C1')}\n{contacts_row('C2', wait='-1')}\n",
    )
    first = workspace.ingest()
    assert [r.status for r in first.results] == ["loaded"]
    before = _file_digest(workspace.warehouse)
    inode = workspace.warehouse.stat().st_ino
    second = workspace.ingest()
    assert [r.status for r in second.results] == ["skipped"]
    assert not second.published
    # not one byte changed, and readers need not reopen: the file was not replaced
    assert _file_digest(workspace.warehouse) == before
    assert workspace.warehouse.stat().st_ino == inode
    assert workspace.query("SELECT count(*) FROM contacts") == [(1,)]
    assert workspace.query("SELECT count(*) FROM rejects") == [(1,)]
    assert workspace.query("SELECT count(*) FROM loads") == [(1,)]


def test_corrected_reexport_replaces_rows_by_key(workspace):
    workspace.source(CONTACTS_EXPORT)
    workspace.write(
        "testco/contacts_1.csv",
        "\n".join([CONTACTS_HEADER, contacts_row("C1"), contacts_row("C2")]) + "\n",
    )
    workspace.ingest()
    # the centre re-sends the file with C2 corrected and C3 added
    workspace.write(
        "testco/contacts_1.csv",
        "\n".join([CONTACTS_HEADER, contacts_row("C2", talk="222"), contacts_row("C3")]) + "\n",
    )
    report = workspace.ingest()
    assert [r.status for r in report.results] == ["loaded"]
    assert workspace.query("SELECT contact_id, talk_s, load_id FROM contacts ORDER BY 1") == [
        ("C1", 100.0, 1),
        ("C2", 222.0, 2),
        ("C3", 100.0, 2),
    ]


def test_reexport_replaces_qa_sections(workspace):
    workspace.source(QA_EXPORT)
    workspace.write("testco/qa_1.csv", f"{QA_HEADER}\nE1,C1,Us,2026-06-01,80,0,90,70\n")
    workspace.ingest()
    workspace.write("testco/qa_1.csv", f"{QA_HEADER}\nE1,C1,Us,2026-06-01,85,0,95,\n")
    workspace.ingest()
    assert workspace.query("SELECT score_pct FROM qa_evaluations") == [(85.0,)]
    assert workspace.query("SELECT section, score_pct FROM qa_sections") == [("accuracy", 95.0)]


def test_readers_keep_the_old_file_while_a_run_publishes(workspace):
    workspace.source(CONTACTS_EXPORT)
    workspace.write("testco/contacts_1.csv", f"{CONTACTS_HEADER}\n{contacts_row('C1')}\n")
    workspace.ingest()
    reader = duckdb.connect(str(workspace.warehouse), read_only=True)
    workspace.write("testco/contacts_2.csv", f"{CONTACTS_HEADER}\n{contacts_row('C2')}\n")
    workspace.ingest()  # must not be blocked by the open reader
    assert reader.execute("SELECT count(*) FROM contacts").fetchone() == (1,)
    reader.close()
    assert workspace.query("SELECT count(*) FROM contacts") == [(2,)]


@pytest.mark.parametrize("kill_point", ["mid-transaction", "before-publish"])
def test_kill_9_mid_load_leaves_warehouse_as_before(workspace, tmp_path, kill_point):
    workspace.source(CONTACTS_EXPORT)
    workspace.write("testco/contacts_1.csv", f"{CONTACTS_HEADER}\n{contacts_row('C1')}\n")
    workspace.ingest()
    before = _file_digest(workspace.warehouse)
    big = workspace.exports / "testco" / "contacts_2.csv"
    with big.open("w") as handle:
        handle.write(CONTACTS_HEADER + "\n")
        for i in range(20_000):
            handle.write(contacts_row(f"K{i}") + "\n")
    building = workspace.warehouse.with_name(workspace.warehouse.name + ".building")
    kill_ingest_at(workspace, kill_point, tmp_path / "reached")
    assert building.exists()  # killed while building
    assert _file_digest(workspace.warehouse) == before
    assert workspace.query("SELECT count(*) FROM contacts") == [(1,)]
    # the next run clears the leftover copy and loads the big file properly
    report = workspace.ingest()
    assert [r.status for r in report.results] == ["skipped", "loaded"]
    assert not building.exists()
    assert workspace.query("SELECT count(*) FROM contacts") == [(20_001,)]
