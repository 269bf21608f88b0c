"""The ingest, status and rejects commands end to end on a small hand-made export."""

from __future__ import annotations

import csv

from pipelines.__main__ import main

from .conftest import CONTACTS_EXPORT, CONTACTS_HEADER, contacts_row


def _paths(workspace) -> list[str]:
    return ["--config-dir", str(workspace.config_dir), "--warehouse", str(workspace.warehouse)]


def test_ingest_status_rejects(workspace, capsys):
    workspace.source(CONTACTS_EXPORT)
    workspace.write(
        "testco/contacts_1.csv",
        "\n".join(
            [
                CONTACTS_HEADER,
                contacts_row("C1", start="2026-06-01 10:00:00"),
                contacts_row("C2", channel="fax"),
            ]
        )
        + "\n",
    )
    code = main(["ingest", *_paths(workspace), "--exports-dir", str(workspace.exports)])
    out = capsys.readouterr().out
    assert code == 0
    header, _, row = out.splitlines()[:3]
    assert header.split() == [
        "file",
        "centre",
        "kind",
        "read",
        "loaded",
        "filtered",
        "rejected",
        "seconds",
        "status",
    ]
    assert row.split()[:7] == ["contacts_1.csv", "testco", "contacts", "2", "1", "0", "1"]
    assert row.split()[-1] == "loaded"
    assert "rebuilt the metric summary tables in" in out
    # the same file again changes nothing: no rebuild, nothing said about one
    assert main(["ingest", *_paths(workspace), "--exports-dir", str(workspace.exports)]) == 0
    assert "summary tables" not in capsys.readouterr().out

    assert main(["status", "--warehouse", str(workspace.warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    contacts_line = next(line for line in lines if " contacts " in line)
    # latest record 10:00 BST = 09:00 UTC; 1 row held, 1 rejected, 0 failed loads
    assert "2026-06-01 09:00:00" in contacts_line
    assert contacts_line.split()[-3:] == ["1", "1", "0"]

    out_csv = workspace.root / "rejects.csv"
    assert (
        main(
            [
                "rejects",
                "--warehouse",
                str(workspace.warehouse),
                "--centre",
                "testco",
                "--csv",
                str(out_csv),
            ]
        )
        == 0
    )
    with out_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["row_number"], r["column_name"]) for r in rows] == [("2", "channel")]
    assert "900123" not in rows[0]["raw_row"]  # the phone is hashed
    assert main(["rejects", "--warehouse", str(workspace.warehouse), "--centre", "nowhere"]) == 0


def test_ingest_exit_code_when_a_file_fails(workspace, capsys):
    workspace.source(CONTACTS_EXPORT)
    workspace.write("testco/contacts_1.csv", "")
    code = main(["ingest", *_paths(workspace), "--exports-dir", str(workspace.exports)])
    captured = capsys.readouterr()
    assert code == 1
    assert "failed" in captured.out
    assert "the file is empty" in captured.err


def test_ingest_reports_invalid_config(workspace, capsys):
    export = dict(CONTACTS_EXPORT, format="xls")
    workspace.source(export)
    assert main(["ingest", *_paths(workspace)]) == 2
    assert "exports[0].format: 'xls'" in capsys.readouterr().err
