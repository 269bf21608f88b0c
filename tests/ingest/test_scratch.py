"""The run's scratch database: beside the warehouse, removed after the run, and a
leftover of a killed run (here: garbage bytes) does not stop the next run."""

from __future__ import annotations

from pipelines.ingest.scratch import scratch_path

from .conftest import CONTACTS_EXPORT, CONTACTS_HEADER, contacts_row


def test_leftover_scratch_is_replaced_and_removed_after_the_run(workspace):
    workspace.source(CONTACTS_EXPORT)
    workspace.write("testco/contacts_1.csv",
                    "\n".join([CONTACTS_HEADER, contacts_row("C1"), contacts_row("C2")]) + "\n")
    workspace.warehouse.parent.mkdir(parents=True, exist_ok=True)
    leftover = scratch_path(workspace.warehouse)
    leftover.write_bytes(b"not a database")
    leftover.with_name(leftover.name + ".wal").write_bytes(b"nor a log")
    report = workspace.ingest()
    assert [(r.status, r.rows_loaded) for r in report.results] == [("loaded", 2)]
    assert not leftover.exists()
    assert not leftover.with_name(leftover.name + ".wal").exists()
    assert workspace.query("SELECT count(*) FROM contacts") == [(2,)]
