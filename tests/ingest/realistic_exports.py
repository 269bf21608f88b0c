"""Export files as other people's systems write them, with what must load from each.

Each writer puts its file(s) under an exports folder and returns ``(export, expected)``:
``export`` is the ``exports[]`` entry of a source config exactly as a user would write it
from docs/SOURCE_CONFIG.md, ``expected`` an :class:`Expected` worked out *by construction*:
the writer knows which rows it wrote as good, filtered, rejected or repeated, and the
arithmetic is in the comments next to the rows. Nothing here was copied from the
pipeline's output.

The shapes (and the systems they imitate):

- :func:`pbx_leg_export`: a PBX call-detail report (3CX / Asterisk CDR style), one row
  per hop without a leg number, title line, ``;`` and ``'`` quoting, UTF-8 BOM, CRLF;
- :func:`acd_call_log`: an ACD call log (Avaya CMS style), tab-separated, time-only
  values with the date in the file name, MM:SS durations, an outcome column;
- :func:`no_id_export`: a hand-kept spreadsheet export with no id at all and repeated
  rows, as ``duplicates: keep`` (synthetic row keys) or ``duplicates: reject``;
- :func:`mixed_durations_export`: an interactions export (Genesys Cloud style) whose
  durations are written four ways in one file;
- :func:`german_vendor_export`: a German BPO's Excel CSV (``;``, Latin-1, decimal
  commas, thousands dots, Ja/Nein, day-first dates over both DST changes in
  Europe/Berlin, one customer's phone written four ways, line + call id as the key);
- :func:`formula_workbook`: an XLSX report (Five9 / NICE style) with a title row, merged
  group header, a first sheet to skip, a formula column with cached values, one formula
  without a cached value and a totals row.

Counts (per file): ``rows_read`` is every data row of the file (below the header);
``rows_read = rows_loaded + rows_filtered + rows_rejected``. With legs, ``rows_loaded``
counts legs (rows), and ``contacts`` in the warehouse is what they collapse into.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

UTC = dt.datetime  # expected started_at values are naive UTC datetimes, as DuckDB returns


@dataclass(frozen=True)
class FileCounts:
    rows_read: int
    rows_loaded: int
    rows_filtered: int
    rows_rejected: int

    def __post_init__(self) -> None:
        assert self.rows_read == self.rows_loaded + self.rows_filtered + self.rows_rejected


@dataclass(frozen=True)
class Expected:
    """What must load from a fixture's files, worked out from how they were written."""

    centre: dict[str, Any]  # the source config's centre (its time zone)
    files: dict[str, FileCounts]  # path under the exports folder -> counts
    contacts: int  # contacts in the warehouse after loading all
    values: dict[str, dict[str, Any]]  # contact_id -> canonical column -> value
    # path -> data row (1-based, below the header) -> fragments; the row's reason must
    # contain one of them (case-insensitive)
    rejects: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)
    # contact_id -> (identifier type, normalised value): customer_key must be
    # HMAC-SHA256(salt, type:normalised)
    customers: dict[str, tuple[str, str]] = field(default_factory=dict)
    not_provided: tuple[str, ...] = ()  # canonical columns NULL on every loaded contact
    filtered_ids: tuple[str, ...] = ()  # contact ids that appear only on filtered rows


def _centre(
    centre_id: str,
    name: str,
    country: str,
    timezone: str,
    shore: str = "offshore",
    vendor: str | None = "Test BPO",
) -> dict[str, Any]:
    return {
        "id": centre_id,
        "name": name,
        "sourcing": "vendor" if vendor else "in_house",
        "vendor": vendor,
        "shore": shore,
        "country": country,
        "timezone": timezone,
    }


def _write(
    folder: Path,
    relative: str,
    text: str,
    encoding: str = "utf-8",
    newline: str = "\n",
    bom: bool = False,
) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _quoted(value: str, quote: str) -> str:
    """A CSV field in the given quote character, an inner quote doubled."""
    return quote + value.replace(quote, quote * 2) + quote


# --- 1. PBX call-detail report: one row per hop ------------------------------------------

PBX_HEADER = [
    "Call ID",
    "Leg Start",
    "Direction",
    "Caller",
    "Destination",
    "Agent",
    "Queue",
    "Disposition",
    "Ring (s)",
    "Talk (s)",
    "Hold (s)",
    "Wrap (s)",
    "Notes",
]


def pbx_leg_export(folder: Path) -> tuple[dict, Expected]:
    """``pbx/cdr_trunk3_20261116.csv``: a trunk group's CDR for one day.

    A title line above the header, ``;`` between fields, ``'`` around fields holding
    ``;`` (a doubled ``''`` inside is a literal apostrophe), UTF-8 with BOM, CRLF. Every
    hop of a call is a row sharing the call id, in no particular order, with no leg
    number; the hop's ring time is the wait before it was picked up. Europe/Amsterdam
    is UTC+1 on 16 November.
    """
    relative = "pbx/cdr_trunk3_20261116.csv"
    q = "'"

    def row(
        call: str,
        start: str,
        direction: str,
        caller: str,
        dest: str,
        agent: str,
        queue: str,
        disposition: str,
        ring: str,
        talk: str,
        hold: str,
        wrap: str,
        notes: str = "",
    ) -> str:
        fields = [
            call,
            f"16.11.2026 {start}",
            direction,
            caller,
            dest,
            agent,
            _quoted(queue, q) if ";" in queue else queue,
            disposition,
            ring,
            talk,
            hold,
            wrap,
            _quoted(notes, q) if (";" in notes or q in notes) else notes,
        ]
        return ";".join(fields)

    first, second = "Support; 1st line", "Support; 2nd line"
    rows = [
        # 1  A: one hop, answered by 201 after 12 s ring; talk 180, wrap 30.
        row(
            "1794816005.41",
            "09:00:05",
            "Inbound",
            "+31 20 794 1100",
            "8001",
            "201",
            first,
            "ANSWERED",
            "12",
            "180",
            "0",
            "30",
        ),
        # 2  B hop 2 (written before hop 1): starts 40 s into hop 1, rings 8 s, so talks
        #    over [48 s, 148 s] from hop 1's start, while hop 1 talks over [8 s, 108 s].
        row(
            "1794816005.42",
            "09:10:40",
            "Inbound",
            "+31 6 1234 5678",
            "8002",
            "305",
            second,
            "ANSWERED",
            "8",
            "100",
            "25",
            "45",
            "Customer's router; escalated",
        ),
        # 3  B hop 1: answered by 202, blind transfer to the 2nd line.
        row(
            "1794816005.42",
            "09:10:00",
            "Inbound",
            "+31 6 1234 5678",
            "8001",
            "202",
            first,
            "ANSWERED",
            "8",
            "100",
            "10",
            "0",
            "Blind transfer; 2nd line",
        ),
        # 4  an outbound call: filtered (Direction exclude)
        row(
            "1794816005.47",
            "10:00:00",
            "Outbound",
            "201",
            "+31 20 111 2222",
            "201",
            "",
            "ANSWERED",
            "0",
            "95",
            "0",
            "0",
        ),
        # 5  C hop 1: rang 20 s at 203, not answered.
        row(
            "1794816005.43",
            "09:20:00",
            "Inbound",
            "020 794 2200",
            "8001",
            "203",
            "Billing",
            "NO ANSWER",
            "20",
            "0",
            "0",
            "0",
        ),
        # 6  C hop 2: answered by 204 after 5 s; talk 240, wrap 60.
        row(
            "1794816005.43",
            "09:20:20",
            "Inbound",
            "020 794 2200",
            "8003",
            "204",
            "Billing",
            "ANSWERED",
            "5",
            "240",
            "0",
            "60",
        ),
        # 7  D: rang 45 s, nobody answered: abandoned, no agent.
        row(
            "1794816005.44",
            "09:30:00",
            "Inbound",
            "+31 20 555 0000",
            "8001",
            "",
            "Billing",
            "NO ANSWER",
            "45",
            "0",
            "0",
            "0",
        ),
        # 8  E hop 3 (file order 3, 1, 2): starts 200 s in, rings 5: talks [205, 235].
        row(
            "1794816005.45",
            "09:43:20",
            "Inbound",
            "+31 10 222 3333",
            "8004",
            "410",
            second,
            "ANSWERED",
            "5",
            "30",
            "0",
            "20",
        ),
        # 9  an internal call, hop 1: filtered
        row(
            "1794816005.48",
            "10:05:00",
            "Internal",
            "202",
            "305",
            "202",
            "",
            "ANSWERED",
            "3",
            "40",
            "0",
            "0",
        ),
        # 10 E hop 1: answered by 206 after 10 s: talks [10, 70].
        row(
            "1794816005.45",
            "09:40:00",
            "Inbound",
            "+31 10 222 3333",
            "8001",
            "206",
            first,
            "ANSWERED",
            "10",
            "60",
            "0",
            "0",
        ),
        # 11 C hop 2 exported twice: an exact duplicate of row 6, rejected; its first
        #    copy loads, so C is not rejected.
        row(
            "1794816005.43",
            "09:20:20",
            "Inbound",
            "020 794 2200",
            "8003",
            "204",
            "Billing",
            "ANSWERED",
            "5",
            "240",
            "0",
            "60",
        ),
        # 12 E hop 2: starts 65 s in, picked up at once: talks [65, 115], overlapping hop 1.
        row(
            "1794816005.45",
            "09:41:05",
            "Inbound",
            "+31 10 222 3333",
            "8002",
            "307",
            second,
            "ANSWERED",
            "0",
            "50",
            "15",
            "0",
        ),
        # 13 F hop 1: fine on its own, rejected because hop 2 is.
        row(
            "1794816005.46",
            "09:50:00",
            "Inbound",
            "+31 20 444 5555",
            "8001",
            "207",
            first,
            "ANSWERED",
            "5",
            "100",
            "0",
            "0",
        ),
        # 14 F hop 2: a negative talk time (PBX clock skew): rejected.
        row(
            "1794816005.46",
            "09:51:00",
            "Inbound",
            "+31 20 444 5555",
            "8002",
            "308",
            second,
            "ANSWERED",
            "0",
            "-1",
            "0",
            "10",
        ),
        # 15 the internal call, hop 2, direction written in lower case with a trailing
        #    space (filters compare trimmed, case-insensitively), and a talk time '-'
        #    that would be a bad duration: a filtered row is neither loaded nor rejected.
        row(
            "1794816005.48",
            "10:05:30",
            "internal ",
            "305",
            "202",
            "305",
            "",
            "ANSWERED",
            "0",
            "-",
            "0",
            "0",
        ),
    ]
    text = (
        "Call Detail Report 16.11.2026 \u2013 Trunk group 3\n"
        + ";".join(PBX_HEADER)
        + "\n"
        + "\n".join(rows)
        + "\n"
    )
    _write(folder, relative, text, newline="\r\n", bom=True)

    export = {
        "pattern": "pbx/cdr_trunk3_*.csv",
        "format": "csv",
        "delimiter": ";",
        "quote": "'",
        "encoding": "utf-8",
        "skip_rows": 1,
        "duration_format": "seconds",
        "customer_identifiers": [{"column": "Caller", "type": "phone"}],
        "default_country_code": "31",
        "contacts": {
            "timestamp_format": "%d.%m.%Y %H:%M:%S",
            "columns": {
                "contact_id": "Call ID",
                "queue": "Queue",
                "agent_id": "Agent",
                "started_at": "Leg Start",
                "answered": {
                    "column": "Disposition",
                    "true_words": ["ANSWERED"],
                    "otherwise": False,
                },
                "abandoned": {
                    "column": "Disposition",
                    "false_words": ["ANSWERED"],
                    "otherwise": True,
                },
                "wait_s": "Ring (s)",
                "talk_s": "Talk (s)",
                "hold_s": "Hold (s)",
                "wrap_s": "Wrap (s)",
            },
            "constants": {"channel": "voice"},
            "filters": {"exclude": {"Direction": ["Outbound", "Internal"]}},
            "legs": {
                "order_by": "started_at",
                "answering_leg": ["agent_id"],
                "union": ["talk_s"],
                "sum": ["hold_s", "wrap_s"],
                "any": ["answered"],
                "all": ["abandoned"],
            },
        },
    }
    # rows 15 = loaded 9 (A 1, B 2, C 2, D 1, E 3) + filtered 3 (4, 9, 15)
    #         + rejected 3 (11 duplicate, 13 and 14 of F)
    expected = Expected(
        centre=_centre("pbx_nl", "Amsterdam PBX", "NL", "Europe/Amsterdam"),
        files={relative: FileCounts(rows_read=15, rows_loaded=9, rows_filtered=3, rows_rejected=3)},
        contacts=5,  # A B C D E
        values={
            "1794816005.41": {
                "started_at": UTC(2026, 11, 16, 8, 0, 5),
                "agent_id": "201",
                "queue": first,
                "answered": True,
                "abandoned": False,
                "wait_s": 12.0,
                "talk_s": 180.0,
                "hold_s": 0.0,
                "wrap_s": 30.0,
                "transferred": False,
                "channel": "voice",
            },
            # B: start, wait, queue of hop 1 (the earlier start, though written second);
            # talk = union [8, 108] + [48, 148] = [8, 148] = 140 (not 100 + 100 = 200);
            # hold 10 + 25 = 35; wrap 0 + 45 = 45; agent of the first answered hop: 202.
            "1794816005.42": {
                "started_at": UTC(2026, 11, 16, 8, 10, 0),
                "agent_id": "202",
                "queue": first,
                "answered": True,
                "abandoned": False,
                "wait_s": 8.0,
                "talk_s": 140.0,
                "hold_s": 35.0,
                "wrap_s": 45.0,
                "transferred": True,
            },
            # C: hop 1 unanswered, so the answering hop is hop 2 (agent 204); wait of the
            # first hop 20; talk [20, 20] + [25, 265] = 240; answered (any), abandoned
            # false (not every hop unanswered); the duplicate of hop 2 adds nothing.
            "1794816005.43": {
                "started_at": UTC(2026, 11, 16, 8, 20, 0),
                "agent_id": "204",
                "queue": "Billing",
                "answered": True,
                "abandoned": False,
                "wait_s": 20.0,
                "talk_s": 240.0,
                "hold_s": 0.0,
                "wrap_s": 60.0,
                "transferred": True,
            },
            # D: no answered hop: agent NULL, abandoned (every hop unanswered).
            "1794816005.44": {
                "started_at": UTC(2026, 11, 16, 8, 30, 0),
                "agent_id": None,
                "answered": False,
                "abandoned": True,
                "wait_s": 45.0,
                "talk_s": 0.0,
                "transferred": False,
            },
            # E: hops ordered 09:40:00, 09:41:05, 09:43:20; talk = [10, 115] (105) +
            # [205, 235] (30) = 135, not 60 + 50 + 30 = 140; hold 15; wrap 20; agent 206.
            "1794816005.45": {
                "started_at": UTC(2026, 11, 16, 8, 40, 0),
                "agent_id": "206",
                "queue": first,
                "answered": True,
                "abandoned": False,
                "wait_s": 10.0,
                "talk_s": 135.0,
                "hold_s": 15.0,
                "wrap_s": 20.0,
                "transferred": True,
            },
        },
        rejects={
            relative: {
                11: ("exact duplicate of row 6",),
                13: ("another leg",),
                14: ("negative duration",),
            }
        },
        customers={
            "1794816005.41": ("phone", "31207941100"),
            "1794816005.42": ("phone", "31612345678"),
            "1794816005.43": ("phone", "31207942200"),  # 020 ... national: 0 -> 31
        },
        not_provided=("complaint",),
        filtered_ids=("1794816005.47", "1794816005.48"),
    )
    return export, expected


# --- 2. ACD call log: time-only values, the date in the file name ------------------------

ACD_HEADER = [
    "Time",
    "Split/Skill",
    "Login ID",
    "Call ID",
    "ANI",
    "Outcome",
    "Queue Time",
    "Talk Time",
    "Hold Time",
    "ACW Time",
]


def acd_call_log(folder: Path) -> tuple[dict, Expected]:
    """``acd/CallLog_20261116.csv`` and ``acd/CallLog_20261117.csv``: tab-separated.

    The rows hold a time of day only; the day is in the file name. Durations are MM:SS
    (minutes may pass 59). ``Outcome``: AGENT (answered), HANG (caller hung up in
    queue: abandoned), PHANTOM (a phantom abandon within seconds: not a contact,
    filtered), BUSY (neither). No complaint or transfer column. America/New_York is
    UTC-5 on these days.
    """
    day1, day2 = "acd/CallLog_20261116.csv", "acd/CallLog_20261117.csv"
    rows1 = [
        # 1  answered: wait 12, talk 4:05 = 245, wrap 30; 08:00:12 EST = 13:00:12 UTC
        [
            "08:00:12",
            "301",
            "4101",
            "00001000011763300012",
            "2125550147",
            "AGENT",
            "00:12",
            "04:05",
            "00:00",
            "00:30",
        ],
        # 2  abandoned after 1:47 = 107 s in queue, no agent
        [
            "08:03:40",
            "301",
            "",
            "00001000011763300013",
            "12125550147",
            "HANG",
            "01:47",
            "00:00",
            "00:00",
            "00:00",
        ],
        # 3  phantom: filtered
        [
            "08:04:02",
            "301",
            "",
            "00001000011763300014",
            "7185550199",
            "PHANTOM",
            "00:02",
            "00:00",
            "00:00",
            "00:00",
        ],
        # 4  a long call: talk 63:20 = 3800 s, hold 2:10 = 130, ACW 1:05 = 65, wait 48
        [
            "09:15:00",
            "302",
            "4102",
            "00001000011763300015",
            "7185550123",
            "AGENT",
            "00:48",
            "63:20",
            "02:10",
            "01:05",
        ],
        # 5  BUSY: neither answered nor abandoned (otherwise: false on both flags)
        [
            "10:30:00",
            "302",
            "",
            "00001000011763300016",
            "2015550111",
            "BUSY",
            "00:00",
            "00:00",
            "00:00",
            "00:00",
        ],
        # 6  talk '4:65': 65 is no second count: rejected
        [
            "11:00:00",
            "301",
            "4103",
            "00001000011763300017",
            "",
            "AGENT",
            "00:20",
            "4:65",
            "00:00",
            "00:10",
        ],
        # 7  just before midnight: 23:59:40 EST on the 16th = 04:59:40 UTC on the 17th
        [
            "23:59:40",
            "301",
            "4101",
            "00001000011763300018",
            "2125550147",
            "AGENT",
            "00:25",
            "02:00",
            "00:00",
            "00:15",
        ],
        # 8  phantom: filtered
        [
            "23:59:58",
            "302",
            "",
            "00001000011763300019",
            "",
            "PHANTOM",
            "00:01",
            "00:00",
            "00:00",
            "00:00",
        ],
    ]
    rows2 = [
        # 1  07:30:00 EST on the 17th = 12:30:00 UTC
        [
            "07:30:00",
            "301",
            "4104",
            "00001000011763400021",
            "3475550100",
            "AGENT",
            "00:05",
            "03:00",
            "00:00",
            "00:20",
        ],
        # 2  abandoned after 40 s
        [
            "07:31:10",
            "301",
            "",
            "00001000011763400022",
            "3475550101",
            "HANG",
            "00:40",
            "00:00",
            "00:00",
            "00:00",
        ],
        # 3  phantom: filtered
        [
            "07:32:00",
            "302",
            "",
            "00001000011763400023",
            "",
            "PHANTOM",
            "00:01",
            "00:00",
            "00:00",
            "00:00",
        ],
    ]
    for relative, rows in ((day1, rows1), (day2, rows2)):
        _write(
            folder,
            relative,
            "\n".join("\t".join(r) for r in [ACD_HEADER, *rows]) + "\n",
            newline="\r\n",
        )

    mmss = "mmss"
    export = {
        "pattern": "acd/CallLog_{day}.csv",
        "format": "csv",
        "delimiter": "\t",
        "customer_identifiers": [{"column": "ANI", "type": "phone"}],
        "default_country_code": "1",
        "contacts": {
            # the time values' format; the date comes from the file name
            "timestamp_format": "%H:%M:%S",
            "columns": {
                "contact_id": "Call ID",
                "queue": "Split/Skill",
                "agent_id": "Login ID",
                "started_at": {"time": "Time", "date_from_file": "day", "date_format": "%Y%m%d"},
                "answered": {"column": "Outcome", "true_words": ["AGENT"], "otherwise": False},
                "abandoned": {"column": "Outcome", "true_words": ["HANG"], "otherwise": False},
                "wait_s": {"column": "Queue Time", "format": mmss},
                "talk_s": {"column": "Talk Time", "format": mmss},
                "hold_s": {"column": "Hold Time", "format": mmss},
                "wrap_s": {"column": "ACW Time", "format": mmss},
            },
            "constants": {"channel": "voice"},
            "filters": {"exclude": {"Outcome": ["PHANTOM"]}},
        },
    }
    expected = Expected(
        centre=_centre("acd_ny", "New York ACD", "US", "America/New_York", shore="nearshore"),
        files={
            # 8 rows = 5 loaded (1, 2, 4, 5, 7) + 2 filtered (3, 8) + 1 rejected (6)
            day1: FileCounts(rows_read=8, rows_loaded=5, rows_filtered=2, rows_rejected=1),
            # 3 rows = 2 loaded + 1 filtered
            day2: FileCounts(rows_read=3, rows_loaded=2, rows_filtered=1, rows_rejected=0),
        },
        contacts=7,
        values={
            "00001000011763300012": {
                "started_at": UTC(2026, 11, 16, 13, 0, 12),
                "answered": True,
                "abandoned": False,
                "agent_id": "4101",
                "queue": "301",
                "wait_s": 12.0,
                "talk_s": 245.0,
                "hold_s": 0.0,
                "wrap_s": 30.0,
            },
            "00001000011763300013": {
                "started_at": UTC(2026, 11, 16, 13, 3, 40),
                "answered": False,
                "abandoned": True,
                "agent_id": None,
                "wait_s": 107.0,
            },
            "00001000011763300015": {
                "started_at": UTC(2026, 11, 16, 14, 15, 0),
                "talk_s": 3800.0,
                "hold_s": 130.0,
                "wrap_s": 65.0,
                "wait_s": 48.0,
            },
            "00001000011763300016": {"answered": False, "abandoned": False},
            "00001000011763300018": {"started_at": UTC(2026, 11, 17, 4, 59, 40), "talk_s": 120.0},
            "00001000011763400021": {
                "started_at": UTC(2026, 11, 17, 12, 30, 0),
                "talk_s": 180.0,
                "wrap_s": 20.0,
            },
            "00001000011763400022": {
                "started_at": UTC(2026, 11, 17, 12, 31, 10),
                "abandoned": True,
                "wait_s": 40.0,
            },
        },
        rejects={day1: {6: ("4:65",)}},
        customers={
            # 10 digits not starting with 1: the code 1 is put in front; 11 digits
            # starting with 1 are kept: the same customer
            "00001000011763300012": ("phone", "12125550147"),
            "00001000011763300013": ("phone", "12125550147"),
            "00001000011763300018": ("phone", "12125550147"),
        },
        not_provided=("complaint", "transferred"),
        filtered_ids=("00001000011763300014", "00001000011763300019", "00001000011763400023"),
    )
    return export, expected


# --- 3. No id at all, with exact repeats --------------------------------------------------

NO_ID_HEADER = "Date,Time,Agent,Channel,Reason,Answered,Abandoned,Wait,Talk,Wrap,Complaint"
NO_ID_ROWS = [
    "16/11/2026,09:05,AG1,Phone,Bill,Y,N,14,200,30,N",  # 1
    "16/11/2026,09:07,AG2,Phone,Pay,Y,N,20,95,15,N",  # 2
    "16/11/2026,09:07,AG2,Phone,Pay,Y,N,20,95,15,N",  # 3  = row 2
    "16/11/2026,09:07,AG2,Phone,Pay,Y,N,20,96,15,N",  # 4  talk differs: not a repeat
    "16/11/2026,09:30,,Phone,,N,Y,61,0,0,N",  # 5  abandoned
    "16/11/2026,09:30,,Phone,,N,Y,61,0,0,N",  # 6  = row 5
    "16/11/2026,09:30,,Phone,,N,Y,61,0,0,N",  # 7  = row 5
    "16/11/2026,09:45,AG1,Webchat,Move,Y,N,5,400,60,Maybe",  # 8  bad flag: rejected
    "16/11/2026,10:10,AG3,Webchat,Cancel,Y,N,2,310,45,Y",  # 9
    "16/11/2026,10:12,AG3,Phone,Bill,Y,N,33,125,20,N",  # 10
]


def no_id_export(folder: Path, duplicates: str = "keep") -> tuple[dict, Expected]:
    """``smallbpo/<duplicates>/calls_20261116.csv``: a hand-kept log with no id column.

    ``duplicates="keep"``: ``contact_id: {synthetic: row}``, identical rows are two
    contacts (a busy minute: two customers, same agent, same figures).
    ``duplicates="reject"``: the same key, but a repeat is rejected as an exact duplicate
    (the sheet was pasted twice). Europe/London is UTC+0 in November.
    """
    if duplicates not in ("keep", "reject"):
        raise ValueError(duplicates)
    name = "calls_20261116.csv"
    relative = f"smallbpo/{duplicates}/{name}"
    _write(folder, relative, "\n".join([NO_ID_HEADER, *NO_ID_ROWS]) + "\n")
    export = {
        "pattern": f"smallbpo/{duplicates}/calls_*.csv",
        "format": "csv",
        "true_words": ["Y"],
        "false_words": ["N"],
        "contacts": {
            "timestamp_format": "%d/%m/%Y %H:%M",
            "columns": {
                "contact_id": {"synthetic": "row"},
                "channel": "Channel",
                "contact_reason": "Reason",
                "agent_id": "Agent",
                "started_at": {"date": "Date", "time": "Time"},
                "answered": "Answered",
                "abandoned": "Abandoned",
                "wait_s": "Wait",
                "talk_s": "Talk",
                "wrap_s": "Wrap",
                "complaint": "Complaint",
            },
            "value_maps": {
                "channel": {"Phone": "voice", "Webchat": "chat"},
                "contact_reason": {
                    "Bill": "billing_query",
                    "Pay": "payment",
                    "Move": "moving_home",
                    "Cancel": "cancellation",
                },
            },
            "duplicates": duplicates,
        },
    }

    def key(row: int) -> str:
        return f"{name}#{row}"

    centre = _centre("smallbpo", "Small BPO Leeds", "GB", "Europe/London", shore="onshore")
    if duplicates == "keep":
        # 10 rows = 9 loaded (every row but 8) + 1 rejected (8)
        files = {relative: FileCounts(10, 9, 0, 1)}
        rejects = {relative: {8: ("Maybe",)}}
        loaded_rows = [1, 2, 3, 4, 5, 6, 7, 9, 10]
    else:
        # 10 rows = 6 loaded (1, 2, 4, 5, 9, 10) + 4 rejected (3, 6, 7 repeats; 8)
        files = {relative: FileCounts(10, 6, 0, 4)}
        rejects = {
            relative: {
                3: ("exact duplicate of row 2",),
                6: ("exact duplicate of row 5",),
                7: ("exact duplicate of row 5",),
                8: ("Maybe",),
            }
        }
        loaded_rows = [1, 2, 4, 5, 9, 10]
    by_row = {
        1: {
            "started_at": UTC(2026, 11, 16, 9, 5),
            "agent_id": "AG1",
            "talk_s": 200.0,
            "contact_reason": "billing_query",
            "complaint": False,
        },
        2: {"started_at": UTC(2026, 11, 16, 9, 7), "agent_id": "AG2", "talk_s": 95.0},
        3: {"started_at": UTC(2026, 11, 16, 9, 7), "agent_id": "AG2", "talk_s": 95.0},
        4: {"talk_s": 96.0},
        5: {
            "answered": False,
            "abandoned": True,
            "agent_id": None,
            "wait_s": 61.0,
            "contact_reason": "unknown",
        },
        6: {"answered": False, "abandoned": True, "wait_s": 61.0},
        7: {"answered": False, "abandoned": True, "wait_s": 61.0},
        9: {"channel": "chat", "contact_reason": "cancellation", "complaint": True},
        10: {"wait_s": 33.0, "talk_s": 125.0},
    }
    expected = Expected(
        centre=centre,
        files=files,
        contacts=len(loaded_rows),
        values={key(r): by_row[r] for r in loaded_rows},
        rejects=rejects,
        not_provided=("hold_s", "queue", "customer_key"),
    )
    return export, expected


# --- 4. Durations written four ways in one file -----------------------------------------

MIXED_HEADER = (
    "Conversation ID,Start Time,Direction,Media Type,Queue,Agent,Abandoned,"
    "Wait (s),Talk,Hold,ACW (ms),Transferred"
)


def mixed_durations_export(folder: Path) -> tuple[dict, Expected]:
    """``genesys/interactions_2026-11-16.csv``: wait in seconds, talk ``H:MM:SS``, hold
    ``M:SS``, after-call work in milliseconds; US 12-hour times in America/Chicago
    (UTC-6 in November); YES/NO flags, ``answered`` as the negation of ``Abandoned``.
    """
    relative = "genesys/interactions_2026-11-16.csv"
    ids = [f"3f1c2a9e-0b7d-4c1e-9a55-0d6b1e7f2a{n:02d}" for n in range(1, 8)]
    rows = [
        # 1  talk 00:02:23 = 143, hold 2:05 = 125, ACW 30000 ms = 30; handle 298;
        #    9:00:00 AM CST = 15:00:00 UTC
        f"{ids[0]},11/16/2026 9:00:00 AM,Inbound,voice,Billing,jdoe,NO,14,00:02:23,2:05,30000,NO",
        # 2  a callback (voice): talk 600, hold 0, ACW 45.5 s; 1:15:30 PM = 19:15:30 UTC
        f"{ids[1]},11/16/2026 1:15:30 PM,Inbound,callback,Billing,asmith,NO,3,00:10:00,"
        "0:00,45500,YES",
        # 3  talk 1:02:03 = 3723, hold 12:30 = 750, ACW 120 s; 11:59:59 PM CST on the
        #    16th = 05:59:59 UTC on the 17th
        f"{ids[2]},11/16/2026 11:59:59 PM,Inbound,voice,Support,jdoe,NO,0,1:02:03,12:30,120000,NO",
        # 4  abandoned after 95 s: talk, hold, ACW empty: NULL, not 0
        f"{ids[3]},11/16/2026 10:05:00 AM,Inbound,voice,Sales,,YES,95,,,,NO",
        # 5  hold written H:MM:SS in the M:SS column: rejected
        f"{ids[4]},11/16/2026 10:20:00 AM,Inbound,chat,Support,jdoe,NO,7,00:05:00,0:02:05,10000,NO",
        # 6  negative ACW: rejected
        f"{ids[5]},11/16/2026 10:30:00 AM,Inbound,voice,Support,asmith,NO,4,00:03:00,0:10,-1000,NO",
        # 7  outbound: filtered (include Direction: Inbound)
        f"{ids[6]},11/16/2026 10:40:00 AM,Outbound,voice,Sales,asmith,NO,0,00:04:00,0:00,5000,NO",
    ]
    _write(folder, relative, "\n".join([MIXED_HEADER, *rows]) + "\n")
    export = {
        "pattern": "genesys/interactions_*.csv",
        "format": "csv",
        "true_words": ["YES"],
        "false_words": ["NO"],
        "contacts": {
            "timestamp_format": "%m/%d/%Y %I:%M:%S %p",
            "columns": {
                "contact_id": "Conversation ID",
                "started_at": "Start Time",
                "channel": "Media Type",
                "queue": "Queue",
                "agent_id": "Agent",
                "answered": {"column": "Abandoned", "negate": True},
                "abandoned": "Abandoned",
                "wait_s": {"column": "Wait (s)", "format": "seconds"},
                "talk_s": {"column": "Talk", "format": "hms"},
                "hold_s": {"column": "Hold", "format": "mmss"},
                "wrap_s": {"column": "ACW (ms)", "format": "milliseconds"},
                "transferred": "Transferred",
            },
            "value_maps": {"channel": {"voice": "voice", "callback": "voice", "chat": "chat"}},
            "filters": {"include": {"Direction": ["Inbound"]}},
        },
    }
    expected = Expected(
        centre=_centre(
            "genesys_us", "Dallas Cloud Centre", "US", "America/Chicago", shore="nearshore"
        ),
        # 7 rows = 4 loaded (1-4) + 1 filtered (7) + 2 rejected (5, 6)
        files={relative: FileCounts(7, 4, 1, 2)},
        contacts=4,
        values={
            ids[0]: {
                "started_at": UTC(2026, 11, 16, 15, 0, 0),
                "wait_s": 14.0,
                "talk_s": 143.0,
                "hold_s": 125.0,
                "wrap_s": 30.0,
                "answered": True,
                "abandoned": False,
                "transferred": False,
            },
            ids[1]: {
                "started_at": UTC(2026, 11, 16, 19, 15, 30),
                "channel": "voice",
                "talk_s": 600.0,
                "hold_s": 0.0,
                "wrap_s": 45.5,
                "transferred": True,
            },
            ids[2]: {
                "started_at": UTC(2026, 11, 17, 5, 59, 59),
                "wait_s": 0.0,
                "talk_s": 3723.0,
                "hold_s": 750.0,
                "wrap_s": 120.0,
            },
            ids[3]: {
                "answered": False,
                "abandoned": True,
                "wait_s": 95.0,
                "talk_s": None,
                "hold_s": None,
                "wrap_s": None,
                "agent_id": None,
            },
        },
        rejects={relative: {5: ("0:02:05",), 6: ("negative",)}},
        not_provided=("complaint", "customer_key"),
        filtered_ids=(ids[6],),
    )
    return export, expected


# --- 5. A German vendor's Excel CSV over both DST changes --------------------------------

GERMAN_HEADER = (
    "Linie;Anruf-ID;Beginn;Agent;Kanal;Anliegen;Rufnummer;Angenommen;Aufgelegt;"
    "Wartezeit (Sek.);Gesprächsdauer (Sek.);Halten (Sek.);Nacharbeit (Sek.);"
    "Weitergeleitet;Beschwerde"
)


def german_vendor_export(folder: Path, ambiguous_times: str | None = None) -> tuple[dict, Expected]:
    """``kundenservice/Anrufe_KW43.csv``: Excel's "CSV (Trennzeichen-getrennt)" in Latin-1.

    ``;`` between fields, decimal commas (``12,5``), thousands dots in the talk seconds
    (``1.234``), day-first dates, Ja/Nein, CRLF. The call id (Anruf-ID) restarts per
    line (Linie), so the key is Linie + Anruf-ID (``L1-4711``). Europe/Berlin: CEST
    (UTC+2) until 2026-10-25 03:00, then CET (UTC+1), so 02:00:00-02:59:59 on that day
    happens twice; on 2026-03-29 the clock jumps from 02:00 to 03:00, so 02:30 never
    happens. One customer's number is written four ways.

    ``ambiguous_times``: None (the default: rows in the repeated hour are rejected) or
    ``"earliest"`` (they are taken as the first pass, CEST).
    """
    relative = "kundenservice/Anrufe_KW43.csv"
    rows = [
        # 1  24.10. 14:05 CEST = 12:05 UTC; wait 12,5; talk 1.234 = 1234 s
        "L1;4711;24.10.2026 14:05:00;m.schulz;Telefon;Rechnung;+49 30 1234567;Ja;Nein;"
        "12,5;1.234;30;45;Nein;Nein",
        # 2  same Anruf-ID on line 2: another call. 14:06:10 CEST = 12:06:10 UTC
        "L2;4711;24.10.2026 14:06:10;a.yilmaz;Telefon;Zahlung;0049 30 1234567;Ja;Nein;"
        "3;245;0;20,5;Ja;Nein",
        # 3  the last second before the repeated hour: 01:59:59 CEST = 23:59:59 UTC (24th)
        "L1;4712;25.10.2026 01:59:59;m.schulz;Telefon;Umzug;030 1234567;Ja;Nein;"
        "8;300;0;30;Nein;Nein",
        # 4  02:30 on 25.10.: ambiguous; earliest = CEST = 00:30 UTC
        "L1;4713;25.10.2026 02:30:00;m.schulz;Telefon;Störung;+49 40 7654321;Ja;Nein;"
        "5;600;60;30;Nein;Ja",
        # 5  02:59:59: ambiguous; earliest = 00:59:59 UTC
        "L2;4714;25.10.2026 02:59:59;a.yilmaz;Telefon;Kündigung;;Ja;Nein;4;120;0;10;Nein;Nein",
        # 6  03:00:00 exists once (CET): 02:00:00 UTC
        "L2;4715;25.10.2026 03:00:00;a.yilmaz;Telefon;Daten;(030) 123 45 67;Ja;Nein;"
        "2;90;0;15;Nein;Nein",
        # 7  29.03. 02:30: does not exist in Europe/Berlin: rejected in every variant
        "L1;4716;29.03.2026 02:30:00;m.schulz;Telefon;Rechnung;;Ja;Nein;6;200;0;25;Nein;Nein",
        # 8  29.03. 03:30 CEST = 01:30 UTC
        "L1;4717;29.03.2026 03:30:00;m.schulz;Telefon;Rechnung;;Ja;Nein;7;210;0;25;Nein;Nein",
        # 9  02:00:00 on 25.10.: the first second of the repeated hour, ambiguous;
        #    earliest = 00:00:00 UTC
        "L2;4718;25.10.2026 02:00:00;a.yilmaz;Telefon;Zahlung;;Ja;Nein;3;150;0;10;Nein;Nein",
        # 10 abandoned: hung up after 45,5 s in queue, no agent, talk 0; 18:00 CEST = 16:00 UTC
        "L1;4719;24.10.2026 18:00:00;;Telefon;;+49 89 5550100;Nein;Ja;45,5;0;0;0;Nein;Nein",
        # 11 a long call: talk 2.750 = 2750 s, hold 1.020 = 1020 s; 20:10 CEST = 18:10 UTC
        "L2;4720;24.10.2026 20:10:00;a.yilmaz;Telefon;Störung;+49 89 5550199;Ja;Nein;"
        "9;2.750;1.020;60;Ja;Ja",
    ]
    _write(
        folder,
        relative,
        "\n".join([GERMAN_HEADER, *rows]) + "\n",
        encoding="latin-1",
        newline="\r\n",
    )
    export = {
        "pattern": "kundenservice/Anrufe_*.csv",
        "format": "csv",
        "delimiter": ";",
        "decimal_separator": ",",
        # Excel's "#.##0" number format writes 1234 s as 1.234: the dot groups thousands
        "thousands_separator": ".",
        "encoding": "latin-1",
        "true_words": ["Ja"],
        "false_words": ["Nein"],
        "customer_identifiers": [{"column": "Rufnummer", "type": "phone"}],
        "default_country_code": "49",
        "contacts": {
            "timestamp_format": "%d.%m.%Y %H:%M:%S",
            "columns": {
                "contact_id": {"columns": ["Linie", "Anruf-ID"]},
                "started_at": "Beginn",
                "agent_id": "Agent",
                "channel": "Kanal",
                "contact_reason": "Anliegen",
                "answered": "Angenommen",
                "abandoned": "Aufgelegt",
                "wait_s": "Wartezeit (Sek.)",
                "talk_s": "Gesprächsdauer (Sek.)",
                "hold_s": "Halten (Sek.)",
                "wrap_s": "Nacharbeit (Sek.)",
                "transferred": "Weitergeleitet",
                "complaint": "Beschwerde",
            },
            "value_maps": {
                "channel": {"Telefon": "voice", "E-Mail": "email", "Chat": "chat"},
                "contact_reason": {
                    "Rechnung": "billing_query",
                    "Zahlung": "payment",
                    "Umzug": "moving_home",
                    "Störung": "technical_fault",
                    "Kündigung": "cancellation",
                    "Daten": "account_update",
                },
            },
        },
    }
    if ambiguous_times:
        export["ambiguous_times"] = ambiguous_times
    values = {
        "L1-4711": {
            "started_at": UTC(2026, 10, 24, 12, 5),
            "wait_s": 12.5,
            "talk_s": 1234.0,
            "hold_s": 30.0,
            "wrap_s": 45.0,
            "contact_reason": "billing_query",
            "complaint": False,
        },
        "L2-4711": {
            "started_at": UTC(2026, 10, 24, 12, 6, 10),
            "agent_id": "a.yilmaz",
            "wrap_s": 20.5,
            "transferred": True,
            "contact_reason": "payment",
        },
        "L1-4712": {"started_at": UTC(2026, 10, 24, 23, 59, 59)},
        "L2-4715": {"started_at": UTC(2026, 10, 25, 2, 0, 0), "contact_reason": "account_update"},
        "L1-4717": {"started_at": UTC(2026, 3, 29, 1, 30)},
        "L1-4719": {
            "answered": False,
            "abandoned": True,
            "wait_s": 45.5,
            "agent_id": None,
            "contact_reason": "unknown",
        },
        "L2-4720": {
            "started_at": UTC(2026, 10, 24, 18, 10),
            "talk_s": 2750.0,
            "hold_s": 1020.0,
            "contact_reason": "technical_fault",
            "complaint": True,
        },
    }
    ambiguous = {4: "L1-4713", 5: "L2-4714", 9: "L2-4718"}
    nonexistent = ("not exist", "nonexistent", "non-existent", "skipped")
    if ambiguous_times == "earliest":
        values.update(
            {
                "L1-4713": {
                    "started_at": UTC(2026, 10, 25, 0, 30),
                    "talk_s": 600.0,
                    "contact_reason": "technical_fault",
                    "complaint": True,
                },
                "L2-4714": {"started_at": UTC(2026, 10, 25, 0, 59, 59)},
                "L2-4718": {"started_at": UTC(2026, 10, 25, 0, 0, 0)},
            }
        )
        # 11 rows = 10 loaded + 1 rejected (7)
        counts = FileCounts(11, 10, 0, 1)
        rejects = {7: nonexistent}
    elif ambiguous_times is None:
        # 11 rows = 7 loaded (1, 2, 3, 6, 8, 10, 11) + 4 rejected (4, 5, 9 ambiguous; 7)
        counts = FileCounts(11, 7, 0, 4)
        rejects = {7: nonexistent, **{row: ("ambiguous", "twice") for row in ambiguous}}
    else:
        raise ValueError(ambiguous_times)
    phone = ("phone", "49301234567")  # +49 / 0049 / 0 -> 49 / (030) -> 49
    expected = Expected(
        centre=_centre(
            "kundenservice_berlin",
            "Kundenservice Berlin",
            "DE",
            "Europe/Berlin",
            shore="nearshore",
            vendor="Dialog Service GmbH",
        ),
        files={relative: counts},
        contacts=counts.rows_loaded,
        values=values,
        rejects={relative: rejects},
        customers={
            "L1-4711": phone,
            "L2-4711": phone,
            "L1-4712": phone,
            "L2-4715": phone,
            "L1-4719": ("phone", "49895550100"),
        },
    )
    return export, expected


# --- 6. A workbook with formula cells ---------------------------------------------------

WORKBOOK_HEADER = [
    "CALL ID",
    "TIMESTAMP",
    "CAMPAIGN",
    "SKILL",
    "AGENT",
    "ANI",
    "DISPOSITION",
    "QUEUE WAIT TIME",
    "TALK TIME",
    "HOLD TIME",
    "AFTER CALL WORK TIME",
    "HANDLE TIME",
]
TALK_COLUMN = 8  # I: =L - J - K (handle minus hold minus after-call work)


def _strip_cached_value(path: Path, sheet_part: str, cell: str) -> None:
    """Remove the cached ``<v>`` of one formula cell: as a workbook saved by a tool that
    writes formulas without calculating them (the cell then has no value to read)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    rewritten = {}
    for info, data in parts.items():
        if info.filename == sheet_part:
            xml = data.decode("utf-8")
            pattern = re.compile(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*<v>[^<]*</v>')
            xml, count = pattern.subn(r"\1", xml)
            assert count == 1, f"formula cell {cell} not found in {sheet_part}"
            data = xml.encode("utf-8")
        rewritten[info] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in rewritten.items():
            archive.writestr(info, data)


def formula_workbook(folder: Path) -> tuple[dict, Expected]:
    """``five9/CallLog_2026-11-16.xlsx``: a BPO report workbook.

    Sheet 1 "Summary" (not read), sheet 2 "Call Log": row 1 a title merged over A:L,
    row 2 a group header "Durations (seconds)" merged over H:L, row 3 the header, then
    one row per call and a "Total" row of SUM formulas. TALK TIME is a formula
    (handle - hold - ACW) whose cached value must load; one call's formula has no cached
    value and is rejected. TIMESTAMP is a real date cell, except on one row where it was
    typed as text (``16.11.2026 10:00:00``). Asia/Manila is UTC+8 (no DST).
    """
    relative = "five9/CallLog_2026-11-16.xlsx"
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    title = book.add_format({"bold": True, "font_size": 14})
    group = book.add_format({"bold": True, "align": "center"})
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    summary = book.add_worksheet("Summary")
    summary.write_row(0, 0, ["Calls", 6])
    sheet = book.add_worksheet("Call Log")
    sheet.merge_range(
        0, 0, 0, 11, "Five9 Call Log \u2013 Campaign Inbound Care \u2013 16.11.2026", title
    )
    sheet.merge_range(1, 7, 1, 11, "Durations (seconds)", group)
    sheet.write_row(2, 0, WORKBOOK_HEADER, bold)
    # (call id, timestamp, agent, ANI, disposition, wait, hold, ACW, handle);
    # talk = handle - hold - ACW is the formula's cached value
    calls = [
        # 1  09:00 PHT = 01:00 UTC; talk 300 - 20 - 40 = 240
        (
            "C-001",
            dt.datetime(2026, 11, 16, 9, 0),
            "rsantos",
            "+63 917 555 0101",
            "Resolved",
            15,
            20,
            40,
            300,
        ),
        # 2  talk 615 - 0 - 15 = 600
        (
            "C-002",
            dt.datetime(2026, 11, 16, 9, 10),
            "jdelacruz",
            "0917 555 0102",
            "Resolved",
            8,
            0,
            15,
            615,
        ),
        # 3  typed text date; talk 125 - 5 - 20 = 100
        ("C-003", "16.11.2026 10:00:00", "rsantos", "", "Callback", 30, 5, 20, 125),
        # 4  the formula's cached value is stripped below: rejected
        ("C-004", dt.datetime(2026, 11, 16, 10, 30), "mreyes", "", "Resolved", 12, 0, 10, 200),
        # 5  abandoned in queue after 75 s: talk 0 - 0 - 0 = 0
        (
            "C-005",
            dt.datetime(2026, 11, 16, 11, 0),
            "",
            "+63 2 8555 0199",
            "Abandoned",
            75,
            0,
            0,
            0,
        ),
        # 6  talk 480 - 60 - 30 = 390
        (
            "C-006",
            dt.datetime(2026, 11, 16, 13, 45, 30),
            "jdelacruz",
            "",
            "Resolved",
            20,
            60,
            30,
            480,
        ),
    ]
    first_data = 3  # 0-based sheet row of data row 1 (Excel row 4)
    for offset, (call, stamp, agent, ani, disposition, wait, hold, acw, handle) in enumerate(calls):
        r = first_data + offset
        excel_row = r + 1
        sheet.write_string(r, 0, call)
        if isinstance(stamp, dt.datetime):
            sheet.write_datetime(r, 1, stamp, when)
        else:
            sheet.write_string(r, 1, stamp)
        sheet.write_row(r, 2, ["Inbound Care", "Billing"])
        if agent:
            sheet.write_string(r, 4, agent)
        if ani:
            sheet.write_string(r, 5, ani)
        sheet.write_string(r, 6, disposition)
        sheet.write_number(r, 7, wait)
        sheet.write_formula(
            r, TALK_COLUMN, f"=L{excel_row}-J{excel_row}-K{excel_row}", None, handle - hold - acw
        )
        sheet.write_number(r, 9, hold)
        sheet.write_number(r, 10, acw)
        sheet.write_number(r, 11, handle)
    total_row = first_data + len(calls)  # data row 7: filtered (CALL ID "Total")
    first_excel, last_excel = first_data + 1, total_row
    sheet.write_string(total_row, 0, "Total", bold)
    for column, letter in zip(range(7, 12), "HIJKL", strict=True):
        cached = sum(
            c[5]
            if column == 7
            else c[8] - c[6] - c[7]
            if column == 8
            else c[6]
            if column == 9
            else c[7]
            if column == 10
            else c[8]
            for c in calls
        )
        sheet.write_formula(
            total_row, column, f"=SUM({letter}{first_excel}:{letter}{last_excel})", bold, cached
        )
    book.close()
    c004_row = first_data + 3 + 1  # Excel row of data row 4
    _strip_cached_value(path, "xl/worksheets/sheet2.xml", f"I{c004_row}")

    export = {
        "pattern": "five9/CallLog_*.xlsx",
        "format": "xlsx",
        "sheet": "Call Log",
        "skip_rows": 2,
        "customer_identifiers": [{"column": "ANI", "type": "phone"}],
        "default_country_code": "63",
        "contacts": {
            # typed-in text dates; real date cells are accepted in ISO form
            "timestamp_format": "%d.%m.%Y %H:%M:%S",
            "columns": {
                "contact_id": "CALL ID",
                "started_at": "TIMESTAMP",
                "queue": "SKILL",
                "agent_id": "AGENT",
                "answered": {
                    "column": "DISPOSITION",
                    "false_words": ["Abandoned"],
                    "otherwise": True,
                },
                "abandoned": {
                    "column": "DISPOSITION",
                    "true_words": ["Abandoned"],
                    "otherwise": False,
                },
                "wait_s": "QUEUE WAIT TIME",
                "talk_s": "TALK TIME",
                "hold_s": "HOLD TIME",
                "wrap_s": "AFTER CALL WORK TIME",
            },
            "constants": {"channel": "voice", "transferred": False},
            "filters": {"exclude": {"CALL ID": ["Total"]}},
        },
    }
    expected = Expected(
        centre=_centre("manila_five9", "Manila Care", "PH", "Asia/Manila"),
        # 7 data rows = 5 loaded (C-001..3, 5, 6) + 1 filtered (Total) + 1 rejected (C-004)
        files={relative: FileCounts(7, 5, 1, 1)},
        contacts=5,
        values={
            "C-001": {
                "started_at": UTC(2026, 11, 16, 1, 0),
                "talk_s": 240.0,
                "hold_s": 20.0,
                "wrap_s": 40.0,
                "wait_s": 15.0,
                "agent_id": "rsantos",
                "answered": True,
                "abandoned": False,
            },
            "C-002": {
                "started_at": UTC(2026, 11, 16, 1, 10),
                "talk_s": 600.0,
                "hold_s": 0.0,
                "wrap_s": 15.0,
            },
            "C-003": {"started_at": UTC(2026, 11, 16, 2, 0), "talk_s": 100.0},
            "C-005": {
                "answered": False,
                "abandoned": True,
                "talk_s": 0.0,
                "agent_id": None,
                "wait_s": 75.0,
            },
            "C-006": {
                "started_at": UTC(2026, 11, 16, 5, 45, 30),
                "talk_s": 390.0,
                "hold_s": 60.0,
                "wrap_s": 30.0,
            },
        },
        rejects={relative: {4: ("formula",)}},
        customers={
            "C-001": ("phone", "639175550101"),
            "C-002": ("phone", "639175550102"),
            "C-005": ("phone", "63285550199"),
        },
        not_provided=("complaint",),
        filtered_ids=("Total",),
    )
    return export, expected


# Handle time (talk + hold + wrap) per workbook call, for the tests: the HANDLE TIME column
WORKBOOK_HANDLE_S = {"C-001": 300.0, "C-002": 615.0, "C-003": 125.0, "C-005": 0.0, "C-006": 480.0}

ALL_FIXTURES = {
    "pbx_leg_export": pbx_leg_export,
    "acd_call_log": acd_call_log,
    "no_id_keep": lambda folder: no_id_export(folder, "keep"),
    "no_id_reject": lambda folder: no_id_export(folder, "reject"),
    "mixed_durations_export": mixed_durations_export,
    "german_vendor_export": german_vendor_export,
    "german_vendor_earliest": lambda folder: german_vendor_export(folder, "earliest"),
    "formula_workbook": formula_workbook,
}
