"""Bad input: each case gives a clear file-level error or quarantines rows, good rows intact."""

from __future__ import annotations

import copy
import gzip
import io

import openpyxl
import pytest

from pipelines.ingest import ConfigError

from .conftest import (
    CONTACTS_EXPORT,
    CONTACTS_HEADER,
    QA_EXPORT,
    QA_HEADER,
    SURVEYS_EXPORT,
    SURVEYS_HEADER,
    contacts_row,
    lenient,
)


def _contacts(*rows: str) -> str:
    return "\n".join([CONTACTS_HEADER, *rows]) + "\n"


def _failed(report, *fragments: str) -> None:
    """The file failed with a message holding every fragment, and loaded nothing."""
    (result,) = report.results
    assert result.status == "failed"
    for fragment in fragments:
        assert fragment in result.message, result.message
    assert report.failed


def _loaded_ids(workspace) -> list[str]:
    return [r[0] for r in workspace.query("SELECT contact_id FROM contacts ORDER BY 1")]


# --- file-level problems ----------------------------------------------------------------


def test_empty_file(workspace, load_one):
    report = load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", "")
    _failed(report, "contacts_1.csv", "empty")
    assert workspace.query("SELECT status, kind FROM loads") == [("failed", "contacts")]


def test_header_only(workspace, load_one):
    report = load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", CONTACTS_HEADER + "\n")
    _failed(report, "contacts_1.csv", "no data rows")


def test_missing_mapped_column(workspace, load_one):
    header = CONTACTS_HEADER.replace("complaint", "complained")
    report = load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", f"{header}\n{contacts_row('C1')}\n")
    _failed(report, "'complaint'", "(file has 'complained')", "exports[0]")
    assert _loaded_ids(workspace) == []


def test_wrong_delimiter(workspace, load_one):
    text = _contacts(contacts_row("C1")).replace(",", ";")
    report = load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", text)
    _failed(report, "delimited by ';', not ','")


def test_bad_encoding(workspace, load_one):
    # Latin-1 bytes (é = 0xE9) in a file the config declares as UTF-8; the bad byte is
    # far down the file, beyond the header sniff.
    rows = [contacts_row(f"C{i}") for i in range(3000)] + [contacts_row("Cé")]
    report = load_one(
        CONTACTS_EXPORT, "testco/contacts_1.csv", _contacts(*rows), encoding="latin-1"
    )
    _failed(report, "line 3002", "not valid utf-8", "latin-1")
    assert _loaded_ids(workspace) == []


def test_unknown_centre(workspace):
    workspace.source(CONTACTS_EXPORT)
    stray = workspace.write("othervendor/calls_1.csv", _contacts(contacts_row("C1")))
    report = workspace.ingest([stray])
    _failed(report, "calls_1.csv", "no source config matches")
    assert workspace.query("SELECT kind, status, centre_id FROM loads") == [
        ("unknown", "failed", None)
    ]


def test_wrong_format_xlsx_named_csv(workspace):
    workspace.source(CONTACTS_EXPORT)
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(CONTACTS_HEADER.split(","))
    book.save(buffer)
    (workspace.exports / "testco" / "contacts_1.csv").write_bytes(buffer.getvalue())
    report = workspace.ingest()
    _failed(report, "says format csv", "content is xlsx")


def test_failed_file_changes_nothing_else(workspace):
    workspace.source(CONTACTS_EXPORT)
    workspace.write("testco/contacts_1.csv", _contacts(contacts_row("C1")))
    workspace.ingest()
    # a corrected re-export that is broken: the earlier rows must stay as they were
    workspace.write(
        "testco/contacts_1.csv", _contacts(contacts_row("C1", talk="999")).replace("complaint", "x")
    )
    report = workspace.ingest()
    assert [r.status for r in report.results] == ["failed"]
    assert workspace.query("SELECT contact_id, talk_s, load_id FROM contacts") == [("C1", 100.0, 1)]
    assert workspace.query("SELECT status FROM loads ORDER BY load_id") == [
        ("loaded",),
        ("failed",),
    ]


# --- row-level problems: quarantined, the good rows load --------------------------------


def test_bad_dates_and_durations(workspace, load_one):
    report = load_one(
        lenient(CONTACTS_EXPORT),
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1"),
            contacts_row("C2", start="2026-02-30 10:00:00"),
            contacts_row("C3", start="yesterday"),
            contacts_row("C4", talk="1m20"),
            contacts_row("C5", start=""),
        ),
    )
    assert _loaded_ids(workspace) == ["C1"]
    assert workspace.rejects() == [
        (
            2,
            "start",
            "bad date/time '2026-02-30 10:00:00': expected format "
            "%Y-%m-%d %H:%M:%S (timestamp_format)",
        ),
        (
            3,
            "start",
            "bad date/time 'yesterday': expected format %Y-%m-%d %H:%M:%S (timestamp_format)",
        ),
        (4, "talk", "bad duration '1m20': expected seconds (duration_format)"),
        (5, "start", "missing required value"),
    ]
    result = report.results[0]
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 1, 4)


def test_negative_duration(workspace, load_one):
    load_one(
        CONTACTS_EXPORT,
        "testco/contacts_1.csv",
        _contacts(contacts_row("C1", wait="-3"), contacts_row("C2")),
    )
    assert _loaded_ids(workspace) == ["C2"]
    assert workspace.rejects() == [(1, "wait", "negative duration '-3'")]


def test_out_of_range_csat_and_nps(workspace, load_one):
    load_one(
        lenient(SURVEYS_EXPORT),
        "testco/surveys_1.csv",
        "\n".join(
            [
                SURVEYS_HEADER,
                "S1,C1,2026-06-01 10:00:00,5,10,Y,fine",
                "S2,C1,2026-06-01 10:00:00,6,9,Y,",  # CSAT above the 1-5 scale
                "S3,C1,2026-06-01 10:00:00,0,9,Y,",  # CSAT below it
                "S4,C1,2026-06-01 10:00:00,4,11,Y,",  # NPS 11
                "S5,C1,2026-06-01 10:00:00,4,7.5,Y,",  # NPS not whole
            ]
        )
        + "\n",
    )
    assert workspace.query("SELECT survey_id FROM surveys") == [("S1",)]
    assert workspace.rejects() == [
        (2, "csat", "CSAT '6' outside the scale 1-5 (csat_scale)"),
        (3, "csat", "CSAT '0' outside the scale 1-5 (csat_scale)"),
        (4, "nps", "NPS '11' is not a whole number 0-10"),
        (5, "nps", "NPS '7.5' is not a whole number 0-10"),
    ]


def test_out_of_range_qa_scores(workspace, load_one):
    load_one(
        lenient(QA_EXPORT),
        "testco/qa_1.csv",
        "\n".join(
            [
                QA_HEADER,
                "E1,C1,Us,2026-06-01,80,0,90,70",
                "E2,C1,Us,2026-06-01,104,0,90,70",
                "E3,C1,Client,2026-06-01,80,0,101,70",
                "E4,C1,Auditor,2026-06-01,80,0,90,70",
            ]
        )
        + "\n",
    )
    assert workspace.query("SELECT evaluation_id FROM qa_evaluations") == [("E1",)]
    assert workspace.query("SELECT count(*) FROM qa_sections") == [(2,)]
    assert workspace.rejects() == [
        (2, "score", "score '104' outside 0-100"),
        (3, "acc", "section score '101' outside 0-100"),
        (4, "org", "unknown evaluator_org 'Auditor' (value_maps.evaluator_org knows: client, us)"),
    ]


def test_unknown_channel_reason_and_flag_word(workspace, load_one):
    load_one(
        lenient(CONTACTS_EXPORT),
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1"),
            contacts_row("C2", channel="fax"),
            contacts_row("C3", reason="weather"),
            contacts_row("C4", complaint="maybe"),
            contacts_row("C5", reason=""),
        ),
    )  # no reason given: 'unknown', loads
    assert workspace.query("SELECT contact_id, contact_reason FROM contacts ORDER BY 1") == [
        ("C1", "payment"),
        ("C5", "unknown"),
    ]
    reasons = workspace.rejects()
    assert [r[:2] for r in reasons] == [(2, "channel"), (3, "reason"), (4, "complaint")]
    assert reasons[0][2].startswith("unknown channel 'fax'")
    assert reasons[2][2] == "'maybe' is not a true/false word (true_words ['1'], false_words ['0'])"


def test_duplicate_rows_and_keys(workspace, load_one):
    report = load_one(
        lenient(CONTACTS_EXPORT),
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1"),
            contacts_row("C2"),
            contacts_row("C1"),  # exact duplicate of row 1
            contacts_row("C2", talk="55"),
        ),
    )  # same key, different content
    # on_conflict defaults to reject_both: nothing says which C2 is right
    assert workspace.query("SELECT contact_id, talk_s FROM contacts ORDER BY 1") == [("C1", 100.0)]
    conflict = (
        "conflicting rows for key C2 (rows 2, 4): they differ, so none is loaded "
        "(on_conflict: reject_both)"
    )
    assert workspace.rejects() == [
        (2, "id", conflict),
        (3, None, "exact duplicate of row 1"),
        (4, "id", conflict),
    ]
    assert report.results[0].rows_rejected == 3


@pytest.mark.parametrize(
    ("rule", "order", "kept_talk", "kept_row"),
    [
        ("keep_first", None, 100.0, 2),
        ("keep_last", None, 55.0, 3),
        # ordered by start: row 2 starts at 11:00, row 3 at 10:30, so the last is row 2
        ("keep_last", "started_at", 100.0, 2),
    ],
)
def test_conflicting_keys_keep_one_by_rule(workspace, load_one, rule, order, kept_talk, kept_row):
    export = lenient(CONTACTS_EXPORT)
    export["contacts"]["on_conflict"] = rule
    if order:
        export["contacts"]["conflict_order"] = order
    load_one(
        export,
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1"),
            contacts_row("C2", start="2026-06-01 11:00:00"),
            contacts_row("C2", start="2026-06-01 10:30:00", talk="55"),
        ),
    )
    assert workspace.query("SELECT talk_s FROM contacts WHERE contact_id = 'C2'") == [(kept_talk,)]
    rejected_row = 5 - kept_row  # rows 2 and 3 hold C2
    assert workspace.rejects() == [
        (
            rejected_row,
            "id",
            f"duplicate key C2 (rows 2, 3): row {kept_row} was kept (on_conflict: {rule})",
        )
    ]


def test_too_few_and_too_many_fields(workspace, load_one):
    load_one(
        lenient(CONTACTS_EXPORT),
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1"),
            "C2,voice,payment",
            contacts_row("C3"),
            contacts_row("C4") + ",extra",
            contacts_row("C5"),
            contacts_row("C6", wait="-1"),
            "C7,voice",
            contacts_row("C1"),
        ),
    )
    assert _loaded_ids(workspace) == ["C1", "C3", "C5"]
    rejects = workspace.rejects()
    # rows after malformed ones keep their own numbers: C6 is data row 6, the repeated
    # C1 row 8, a duplicate of row 1
    assert [r[:2] for r in rejects] == [(2, None), (4, None), (6, "wait"), (7, None), (8, None)]
    assert rejects[4][2] == "exact duplicate of row 1"
    assert rejects[0][2].startswith("too few fields")
    assert rejects[1][2].startswith("too many fields")
    # the good rows after a malformed one keep their own row numbers
    workspace_rows = workspace.query("SELECT raw_row FROM rejects WHERE row_number = 4")[0][0]
    assert '"C4"' in workspace_rows


def test_truncated_last_line(workspace, load_one):
    text = _contacts(contacts_row("C1"), contacts_row("C2"))
    truncated = text + contacts_row("C3")[:25]  # cut mid-row, no newline
    report = load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", truncated)
    assert _loaded_ids(workspace) == ["C1", "C2"]
    assert workspace.rejects()[0][:2] == (3, None)
    assert report.results[0].rows_read == 3


def test_unquoted_broken_quote_on_last_line(workspace, load_one):
    text = _contacts(contacts_row("C1")) + 'C2,voice,"payment'
    load_one(CONTACTS_EXPORT, "testco/contacts_1.csv", text)
    assert _loaded_ids(workspace) == ["C1"]
    assert workspace.rejects()[0][0] == 2


def test_malformed_row_identifiers_are_hashed(workspace, load_one):
    load_one(
        CONTACTS_EXPORT,
        "testco/contacts_1.csv",
        _contacts("C1,voice,payment,A1,07700 900123,2026-06-01", contacts_row("C2")),
    )
    raw = workspace.query("SELECT raw_row FROM rejects")[0][0]
    assert "900123" not in raw and '"C1"' in raw


def test_config_missing_sections_of_a_kind(workspace):
    export = copy.deepcopy(SURVEYS_EXPORT)
    del export["surveys"]["csat_scale"]
    workspace.source(export)
    with pytest.raises(ConfigError, match=r"testco.yaml: exports\[0\].surveys.csat_scale"):
        workspace.ingest()


def test_corrupt_xlsx_and_truncated_gzip(workspace):
    xlsx_export = dict(
        copy.deepcopy(CONTACTS_EXPORT), pattern="testco/contacts_*.xlsx", format="xlsx"
    )
    gz_export = dict(
        copy.deepcopy(SURVEYS_EXPORT), pattern="testco/surveys_*.csv.gz", format="csv.gz"
    )
    workspace.source(xlsx_export, gz_export)
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(CONTACTS_HEADER.split(","))
    book.save(buffer)
    (workspace.exports / "testco" / "contacts_1.xlsx").write_bytes(buffer.getvalue()[:300])
    body = gzip.compress(
        (
            "\n".join(
                [SURVEYS_HEADER] + [f"S{i},C1,2026-06-01 10:00:00,4,9,Y," for i in range(5000)]
            )
            + "\n"
        ).encode()
    )
    (workspace.exports / "testco" / "surveys_1.csv.gz").write_bytes(body[: len(body) // 2])
    report = workspace.ingest()
    assert [r.status for r in report.results] == ["failed", "failed"]
    assert "not a readable XLSX workbook" in report.results[0].message
    assert "surveys_1.csv.gz" in report.results[1].message
    assert workspace.query("SELECT count(*) FROM surveys") == [(0,)]
