"""The guards of every load: whole-file reject threshold, plausible timestamps, daylight
saving, long values cut, and changing a config then reloading (check, status, --reload)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from pipelines.__main__ import main

from .conftest import CONTACTS_EXPORT, CONTACTS_HEADER, contacts_row, lenient

UTC = dt.datetime


def _contacts(*rows: str) -> str:
    return "\n".join([CONTACTS_HEADER, *rows]) + "\n"


def _paths(workspace) -> list[str]:
    return [
        "--config-dir",
        str(workspace.config_dir),
        "--warehouse",
        str(workspace.warehouse),
        "--exports-dir",
        str(workspace.exports),
    ]


# --- more than max_reject_pct rejected: the file fails, nothing from it loads -----------


def test_a_mostly_bad_file_fails_whole_and_names_its_top_reasons(workspace):
    workspace.source(CONTACTS_EXPORT)
    workspace.write("testco/contacts_1.csv", _contacts(contacts_row("C1")))
    assert not workspace.ingest().failed
    # 3 of 4 rows bad: 75 % > the default 50 %
    workspace.write(
        "testco/contacts_2.csv",
        _contacts(
            contacts_row("C2", start="31/06/2026 10:00"),
            contacts_row("C3", start="32/06/2026 10:00"),
            contacts_row("C4", channel="fax"),
            contacts_row("C5"),
        ),
    )
    (result,) = [r for r in workspace.ingest().results if r.file.name == "contacts_2.csv"]
    assert result.status == "failed"
    message = result.message
    assert "contacts_2.csv: 3 of 4 contacts rows (75.0 %) would be rejected" in message
    assert "max_reject_pct (50 %)" in message and "nothing from this file" in message
    # the two bad dates are one reason (their values differ), the most common, first
    assert "2 rows in column 'start', e.g. row 1: bad date/time '31/06/2026 10:00'" in message
    assert "1 row in column 'channel', e.g. row 3: unknown channel 'fax'" in message
    # the good file is untouched and nothing of the bad one is stored
    assert workspace.query("SELECT contact_id FROM contacts") == [("C1",)]
    assert workspace.query("SELECT count(*) FROM rejects") == [(0,)]
    assert workspace.query("SELECT status FROM loads ORDER BY load_id") == [
        ("loaded",),
        ("failed",),
    ]


def test_a_file_whose_every_row_is_rejected_is_never_reported_loaded(workspace, capsys):
    workspace.source(CONTACTS_EXPORT)
    workspace.write("testco/contacts_1.csv", _contacts(contacts_row("C1", channel="fax")))
    assert main(["ingest", *_paths(workspace)]) == 1
    assert "1 of 1 contacts rows (100.0 %) would be rejected" in capsys.readouterr().err


def test_the_threshold_is_a_setting_and_an_export_may_set_its_own(workspace):
    (workspace.config_dir / "settings.yaml").write_text("ingest:\n  max_reject_pct: 80\n")
    workspace.source(CONTACTS_EXPORT)
    rows = (
        contacts_row("C1", channel="fax"),
        contacts_row("C2", channel="fax"),
        contacts_row("C3"),
        contacts_row("C4"),
    )
    workspace.write("testco/contacts_1.csv", _contacts(*rows))  # 50 % <= 80 %: loads
    assert workspace.ingest().results[0].status == "loaded"
    workspace.source({**copy.deepcopy(CONTACTS_EXPORT), "max_reject_pct": 25})
    workspace.write("testco/contacts_2.csv", _contacts(*rows).replace("C", "D"))
    results = {r.file.name: r.status for r in workspace.ingest().results}
    assert results == {"contacts_1.csv": "skipped", "contacts_2.csv": "failed"}  # 50 > 25


# --- timestamps: a plausible window, daylight saving ---------------------------------------


def test_future_and_too_early_timestamps_are_rejected(workspace, load_one):
    tomorrow = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    load_one(
        lenient(CONTACTS_EXPORT),
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1"),
            contacts_row("C2", start="2035-01-01 10:00:00"),
            contacts_row("C3", start=tomorrow),
            contacts_row("C4", start="2009-12-31 23:00:00"),
        ),
    )
    assert workspace.query("SELECT contact_id FROM contacts") == [("C1",)]
    reasons = {row: reason for row, _, reason in workspace.rejects()}
    # London is on GMT in January: 10:00 local = 10:00 UTC
    assert reasons[2] == (
        "timestamp '2035-01-01 10:00:00' UTC is in the future (after the load time + 24 h)"
    )
    assert "is in the future" in reasons[3]
    assert reasons[4] == (
        "timestamp '2009-12-31 23:00:00' UTC is before earliest_date "
        "2015-01-01 (settings.yaml, ingest)"
    )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # 01:30 on 2026-10-25 happens twice in London: first in BST (00:30 UTC), then GMT
        ("earliest", UTC(2026, 10, 25, 0, 30)),
        ("latest", UTC(2026, 10, 25, 1, 30)),
    ],
)
def test_the_repeated_autumn_hour_follows_the_policy(workspace, load_one, policy, expected):
    export = {**copy.deepcopy(CONTACTS_EXPORT), "ambiguous_times": policy}
    load_one(
        export, "testco/contacts_1.csv", _contacts(contacts_row("C1", start="2026-10-25 01:30:00"))
    )
    assert workspace.query("SELECT started_at FROM contacts") == [(expected,)]


def test_nonexistent_and_ambiguous_local_times_are_rejected_by_default(workspace, load_one):
    load_one(
        lenient(CONTACTS_EXPORT),
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1", start="2026-03-29 01:30:00"),  # London skips 01:00-02:00
            contacts_row("C2", start="2026-10-25 01:30:00"),  # ... and repeats it
            contacts_row("C3", start="2026-10-25 02:00:00"),
        ),
    )  # the first GMT instant: fine
    assert workspace.rejects() == [
        (
            1,
            "start",
            "local time '2026-03-29 01:30:00' does not exist in Europe/London "
            "(clocks went forward)",
        ),
        (
            2,
            "start",
            "local time '2026-10-25 01:30:00' happened twice in Europe/London "
            "(clocks went back): set ambiguous_times: earliest or latest, or map "
            "an offset column",
        ),
    ]
    assert workspace.query("SELECT started_at FROM contacts") == [(UTC(2026, 10, 25, 2),)]


def test_an_offset_column_settles_the_repeated_hour(workspace, load_one):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["contacts"]["columns"]["started_at"] = {"column": "start", "offset": "tz"}
    header = CONTACTS_HEADER + ",tz"
    load_one(
        lenient(export),
        "testco/contacts_1.csv",
        "\n".join(
            [
                header,
                contacts_row("C1", start="2026-10-25 01:30:00") + ",+01:00",  # BST: 00:30 UTC
                contacts_row("C2", start="2026-10-25 01:30:00") + ",Z",  # GMT: 01:30 UTC
                contacts_row("C3", start="2026-06-01 12:00:00") + ",-0500",  # 17:00 UTC
                contacts_row("C4", start="2026-06-01 12:00:00") + ",",  # zone rule: 11:00
                contacts_row("C5", start="2026-06-01 12:00:00") + ",soon",
            ]
        )
        + "\n",
    )
    assert workspace.query("SELECT contact_id, started_at FROM contacts ORDER BY 1") == [
        ("C1", UTC(2026, 10, 25, 0, 30)),
        ("C2", UTC(2026, 10, 25, 1, 30)),
        ("C3", UTC(2026, 6, 1, 17)),
        ("C4", UTC(2026, 6, 1, 11)),
    ]
    assert workspace.rejects() == [
        (5, "tz", "bad UTC offset 'soon' in tz: expected +01:00, -0500 or Z")
    ]


# --- a reject keeps at most 1,000 characters of an offending value ------------------------


def test_long_offending_values_are_cut_in_reason_and_raw_row(workspace, load_one):
    long_channel = "x" * 60_000
    load_one(
        lenient(CONTACTS_EXPORT),
        "testco/contacts_1.csv",
        _contacts(contacts_row("C1", channel=long_channel)),
    )
    ((reason, raw),) = workspace.query("SELECT reason, raw_row FROM rejects")
    cut = "x" * 1000 + "… [cut: 60000 characters]"
    assert reason.startswith(f"unknown channel '{cut}'")
    assert json.loads(raw)["channel"] == cut


# --- change the config, see what is stale, reload ------------------------------------------


def test_check_status_and_reload_after_a_config_change(workspace, capsys):
    export = copy.deepcopy(CONTACTS_EXPORT)
    export["contacts"]["value_maps"] = {"channel": {"phone": "voice"}}
    workspace.source(export)
    workspace.write(
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1", channel="phone"),
            contacts_row("C2", channel="phone"),
            contacts_row("C3", channel="webchat"),
        ),
    )
    assert main(["ingest", *_paths(workspace)]) == 0  # 1 of 3 rejected: under 50 %
    assert workspace.query("SELECT count(*) FROM contacts") == [(2,)]

    # the vendor's webchat is chat: the config learns it; the loaded rows are now stale
    export["contacts"]["value_maps"]["channel"]["webchat"] = "chat"
    workspace.source(export)
    capsys.readouterr()
    assert (
        main(
            [
                "status",
                "--warehouse",
                str(workspace.warehouse),
                "--config-dir",
                str(workspace.config_dir),
                "--exports-dir",
                str(workspace.exports),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "1 file(s) loaded under another config" in out
    assert "contacts_1.csv" in out and "changed since it loaded" in out

    # check is a dry run: it reports what a load would do and writes nothing
    file = str(workspace.exports / "testco" / "contacts_1.csv")
    before = workspace.warehouse.stat().st_mtime_ns
    assert (
        main(
            [
                "check",
                file,
                "--config-dir",
                str(workspace.config_dir),
                "--exports-dir",
                str(workspace.exports),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "contacts: 3 rows read, 3 would load, 0 filtered, 0 rejected" in out
    assert "complaint_pct (3)" in out
    assert workspace.warehouse.stat().st_mtime_ns == before

    # a plain ingest skips the same bytes; --reload --stale replaces the rows
    assert main(["ingest", *_paths(workspace)]) == 0
    assert workspace.query("SELECT count(*) FROM contacts") == [(2,)]
    assert main(["ingest", *_paths(workspace), "--reload", "--stale"]) == 0
    assert workspace.query("SELECT contact_id, channel FROM contacts ORDER BY 1") == [
        ("C1", "voice"),
        ("C2", "voice"),
        ("C3", "chat"),
    ]
    assert workspace.query("SELECT count(*) FROM rejects") == [(0,)]  # the old reject went
    assert workspace.query("SELECT status FROM loads ORDER BY load_id") == [
        ("replaced",),
        ("loaded",),
    ]
    capsys.readouterr()
    assert main(["ingest", *_paths(workspace), "--reload", "--stale"]) == 0
    assert "No stale files" in capsys.readouterr().out


def test_check_says_a_file_would_fail_and_which_metrics_have_no_data(workspace, capsys):
    export = copy.deepcopy(CONTACTS_EXPORT)
    del export["contacts"]["columns"]["complaint"]
    workspace.source(export)
    file = workspace.write(
        "testco/contacts_1.csv",
        _contacts(
            contacts_row("C1", channel="fax"),
            contacts_row("C2", channel="fax"),
            contacts_row("C3", wait=""),
        ),
    )
    assert (
        main(
            [
                "check",
                str(file),
                "--config-dir",
                str(workspace.config_dir),
                "--exports-dir",
                str(workspace.exports),
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "2 rejected [channel], e.g. row 1: unknown channel 'fax'" in out
    assert "would FAIL as a whole" in out
    assert "complaint_pct (complaint not mapped)" in out
    assert "asa_s (wait_s empty on every row that would load)" in out
    assert not workspace.warehouse.exists()
