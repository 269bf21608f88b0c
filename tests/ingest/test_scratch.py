"""The run's scratch database: beside the warehouse, removed after the run, and a
leftover of a killed run (here: garbage bytes) does not stop the next run."""

from __future__ import annotations

from pipelines.ingest.scratch import clean_copies_prefix, scratch_path

from .conftest import CONTACTS_EXPORT, CONTACTS_HEADER, contacts_row


def test_leftover_scratch_is_replaced_and_removed_after_the_run(workspace):
    workspace.source(CONTACTS_EXPORT)
    workspace.write(
        "testco/contacts_1.csv",
        "\n".join([CONTACTS_HEADER, contacts_row("C1"), contacts_row("C2")]) + "\n",
    )
    workspace.warehouse.parent.mkdir(parents=True, exist_ok=True)
    leftover = scratch_path(workspace.warehouse)
    leftover.write_bytes(b"not a database")
    leftover.with_name(leftover.name + ".wal").write_bytes(b"nor a log")
    report = workspace.ingest()
    assert [(r.status, r.rows_loaded) for r in report.results] == [("loaded", 2)]
    assert not leftover.exists()
    assert not leftover.with_name(leftover.name + ".wal").exists()
    assert workspace.query("SELECT count(*) FROM contacts") == [(2,)]


def test_a_killed_runs_cleaned_csv_copies_are_removed(workspace):
    # a run killed while isolating a stray quote leaves a cleaned copy of the export,
    # raw phone numbers and all, beside the scratch file: the next run removes it
    workspace.source(CONTACTS_EXPORT)
    workspace.write(
        "testco/contacts_1.csv", "\n".join([CONTACTS_HEADER, contacts_row("C1")]) + "\n"
    )
    workspace.warehouse.parent.mkdir(parents=True, exist_ok=True)
    scratch = scratch_path(workspace.warehouse)
    leftover = scratch.parent / (clean_copies_prefix(scratch) + "abc123")
    leftover.mkdir()
    (leftover / "clean-0.csv").write_text("id,phone\nC9,07700 900123\n")
    other_warehouse = scratch.parent / "other.duckdb.scratch.csv-clean-xyz"
    other_warehouse.mkdir()  # another warehouse's run in the same folder: not ours
    assert not workspace.ingest().failed
    assert not leftover.exists()
    assert other_warehouse.exists()
