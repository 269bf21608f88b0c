"""Customer identifiers: the check query's hash (phone digits computed once per row) and
the rejects' raw-row hash (computed inline) must agree, on every normalisation branch."""

from __future__ import annotations

import json

from .conftest import CONTACTS_EXPORT, CONTACTS_HEADER, contacts_row, customer_key

# (raw phone, normalised digits worked out by hand from the rules in identifiers.py)
PHONES = [
    ("+1 (0)555 0100", "15550100"),  # international: "(0)" after the code dropped
    ("001 555 0100", "15550100"),  # 00 prefix is international, 00 stripped
    ("+44 7700 900123", "447700900123"),  # international as written
    ("07700 900123", "447700900123"),  # trunk 0 -> default code 44
    ("447700900123", "447700900123"),  # starts with 44 and over 10 digits: kept
    ("4412345", "444412345"),  # starts with 44 but short: code added
    (" 7700-900-123 ", "447700900123"),  # no prefix: code added, spaces/dashes gone
]


def test_phone_branches_hash_alike_in_loaded_rows_and_rejects(workspace, load_one):
    good = [contacts_row(f"G{i}", phone=phone) for i, (phone, _) in enumerate(PHONES)]
    bad = [
        contacts_row(f"B{i}", phone=phone, channel="pigeon") for i, (phone, _) in enumerate(PHONES)
    ]
    load_one(
        CONTACTS_EXPORT, "testco/contacts_1.csv", "\n".join([CONTACTS_HEADER, *good, *bad]) + "\n"
    )
    keys = dict(workspace.query("SELECT contact_id, customer_key FROM contacts"))
    assert keys == {f"G{i}": customer_key("phone", digits) for i, (_, digits) in enumerate(PHONES)}
    raw_rows = [
        json.loads(r[0]) for r in workspace.query("SELECT raw_row FROM rejects ORDER BY row_number")
    ]
    assert [r["phone"] for r in raw_rows] == [customer_key("phone", d) for _, d in PHONES]
