"""No raw identifier on disk, ever: not in the warehouse, the building copy, the scratch
database, their WALs or temp folders, also after a run killed at any step; and rejects
(well-formed, shifted and stray-quote rows alike) show none."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from .conftest import CONTACTS_EXPORT, CONTACTS_HEADER, contacts_row, kill_ingest_at, lenient

EXPORT = lenient(copy.deepcopy(CONTACTS_EXPORT))
EXPORT["customer_identifiers"] = [
    {"column": "phone", "type": "phone"},
    {"column": "email", "type": "email"},
]
HEADER = CONTACTS_HEADER + ",email"
CUSTOMERS = 40
ROWS = 3000


def _national(n: int) -> str:
    """The customer's ten national digits: 7700 9nnnnn."""
    return f"77009{n:05d}"


def _phone(n: int, spelling: int) -> str:
    digits = _national(n)
    return [
        f"0{digits[:4]} {digits[4:]}",  # 07700 900007
        f"+44 {digits[:4]} {digits[4:]}",  # +44 7700 900007
        f"+44 (0){digits[:4]} {digits[4:]}",  # +44 (0)7700 900007
        f"44{digits}",  # 447700900007
    ][spelling % 4]


def _email(n: int) -> str:
    return f"Cust.{n}@Privacy-Test.example"


def _export_text() -> str:
    lines = [HEADER]
    for i in range(ROWS):
        n = i % CUSTOMERS
        row = contacts_row(f"K{i}", phone=_phone(n, i)) + f",{_email(n)}"
        if i % 50 == 1:  # a well-formed reject (unknown channel)
            row = row.replace(",voice,", ",pigeon,", 1)
        elif i % 97 == 2:  # shifted right: an extra field before the phone
            row = row.replace(",A1,", ",A1,extra,", 1)
        elif i % 89 == 3:  # shifted left: the agent's delimiter missing
            row = row.replace(",A1,", ",A1", 1)
        lines.append(row)
    lines[1500] = lines[1500].replace(",payment,", ',"payment,', 1)  # a stray quote
    return "\n".join(lines) + "\n"


PHONE_LIKE = re.compile(rb"\+?\d[\d ()+.-]{7,}\d")
NATIONALS = {_national(n).encode() for n in range(CUSTOMERS)}
EMAIL_DOMAIN = b"privacy-test.example"


def _raw_identifiers_in(data: bytes) -> list[str]:
    """Raw phones (any spelling: the national digits inside a phone-like run) and
    e-mail addresses (their domain, any case) found in the bytes."""
    found = []
    for match in PHONE_LIKE.finditer(data):
        digits = re.sub(rb"\D", b"", match.group())
        if any(national in digits for national in NATIONALS):
            found.append(match.group().decode())
    if EMAIL_DOMAIN in data.lower():
        found.append("e-mail address")
    return found


def _raw_identifiers_in_database(path: Path, folder: Path) -> list[str]:
    """The same search over every text value of every table of a DuckDB file (its
    pages may be compressed, so bytes alone could miss them); read from a copy (with its
    WAL), so the evidence is not changed."""
    copy_path = folder / path.name
    shutil.copyfile(path, copy_path)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy_path.with_name(copy_path.name + ".wal"))
    found = []
    with duckdb.connect(str(copy_path)) as con:
        columns = con.execute(
            "SELECT database_name, schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE data_type IN ('VARCHAR', 'JSON') AND NOT internal"
        ).fetchall()
        for database, schema, table, column in columns:
            name = ".".join(f'"{part}"' for part in (database, schema, table))
            values = con.execute(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM {name} '
                f'WHERE "{column}" IS NOT NULL'
            ).fetchall()
            text = "\n".join(v[0] for v in values).encode()
            found += [f"{table}.{column}: {hit}" for hit in _raw_identifiers_in(text)]
    return found


def _scan_folder(folder: Path, scratch: Path) -> list[str]:
    """Every file under the warehouse folder, as bytes; the DuckDB files also by SQL."""
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hits += [f"{path.name}: {hit}" for hit in _raw_identifiers_in(path.read_bytes())]
        if path.suffix in (".duckdb", ".building", ".scratch") and path.stat().st_size:
            hits += [f"{path.name}: {h}" for h in _raw_identifiers_in_database(path, scratch)]
    return hits


def test_the_scan_finds_raw_identifiers_where_they_are(tmp_path):
    """The scanner can fail: a raw phone and e-mail in a DuckDB file are found, in any of
    the spellings above, also when DuckDB compresses the column."""
    (tmp_path / "scan").mkdir()
    folder = tmp_path / "wh"
    folder.mkdir()
    with duckdb.connect(str(folder / "x.duckdb")) as con:
        con.execute("CREATE TABLE t AS SELECT 'row ' || range AS filler FROM range(50000)")
        con.execute("INSERT INTO t VALUES ('+44 (0)7700 900007'), ($email)", {"email": _email(3)})
    hits = _scan_folder(folder, tmp_path / "scan")
    assert "x.duckdb: t.filler: +44 (0)7700 900007" in hits
    assert "x.duckdb: t.filler: e-mail address" in hits
    assert _raw_identifiers_in(b"id 447700900007,") == ["447700900007"]
    assert _raw_identifiers_in(b"07700 900123 is not a customer of this file") == []


@pytest.mark.parametrize("kill_point", ["staged", "checked", "mid-transaction", "before-publish"])
def test_killed_run_leaves_no_raw_identifier_on_disk(workspace, tmp_path, kill_point):
    workspace.source(EXPORT)
    workspace.write("testco/contacts_1.csv", _export_text())
    folder = workspace.warehouse.parent
    folder.mkdir(parents=True, exist_ok=True)
    kill_ingest_at(workspace, kill_point, tmp_path / "reached")
    scratch = workspace.warehouse.with_name(workspace.warehouse.name + ".scratch")
    building = workspace.warehouse.with_name(workspace.warehouse.name + ".building")
    # the killed run's files, left behind (the scratch database is gone once the files
    # are loaded, before the summaries are built)
    assert building.exists() and scratch.exists() == (kill_point != "before-publish")
    (tmp_path / "scan").mkdir()
    assert _scan_folder(folder, tmp_path / "scan") == []
    if kill_point in ("staged", "checked"):  # the scratch file holds the staged rows
        with duckdb.connect(str(tmp_path / "scan" / scratch.name)) as con:  # the scan's copy
            hashes = con.execute("SELECT DISTINCT phone FROM staged_raw").fetchall()
        # 40 customers, their four spellings normalised alike: 40 keys of 64 hex digits
        assert len(hashes) == CUSTOMERS
        assert all(re.fullmatch("[0-9a-f]{64}", h[0]) for h in hashes)
    # the next run clears the leftovers, loads the file and still writes no raw value
    report = workspace.ingest()
    assert [r.status for r in report.results] == ["loaded"]
    assert not scratch.exists() and not building.exists()
    (tmp_path / "scan3").mkdir()
    assert _scan_folder(folder, tmp_path / "scan3") == []


def test_rejects_show_no_raw_identifier_even_when_fields_shift(workspace):
    workspace.source(EXPORT)
    workspace.write("testco/contacts_1.csv", _export_text())
    report = workspace.ingest()
    assert [r.status for r in report.results] == ["loaded"]
    rejects = workspace.query("SELECT row_number, reason, raw_row FROM rejects ORDER BY 1")
    reasons = {row: reason for row, reason, _ in rejects}
    # rows i = 2, 99, 196, ... (i % 97 == 2) have one field too many; data row = i + 1
    assert "too many fields" in reasons[3] and "too many fields" in reasons[100]
    # i = 3, 92, ... (i % 89 == 3) one too few; the stray quote on data row 1500
    assert "too few fields" in reasons[4] and "stray quote" in reasons[1500]
    assert "unknown" in reasons[2].lower() or "pigeon" in reasons[2]  # i = 1: channel
    text = "\n".join(f"{reason}\n{raw}" for _, reason, raw in rejects).encode()
    assert _raw_identifiers_in(text) == []
    # what stands in their place: shifted rows' tokens masked, identifier positions
    # named, a well-formed row's identifier columns hashed
    shifted = json.loads(next(raw for row, _, raw in rejects if row == 3))["fields"]
    # i = 2: contacts_row's fields, "extra" after the agent, then phone, start, ...
    assert shifted[3:6] == ["A1", "[phone]", "[phone]"] and shifted[-1] == "[e-mail]"
    well_formed = json.loads(next(raw for row, _, raw in rejects if row == 2))
    assert re.fullmatch("[0-9a-f]{64}", well_formed["phone"])
    assert re.fullmatch("[0-9a-f]{64}", well_formed["email"])
