"""One salt per warehouse: its fingerprint is stored, a load with another is refused.

Every customer_key is an HMAC with the salt (keyed_hash.py), so rows loaded with two
salts would hold two keys for one customer and repeat contacts would go unseen. The
warehouse's table ``customer_key_salt`` holds one row: the salt's fingerprint (an HMAC
of a fixed label, never the salt). A run writes it into an empty warehouse and checks it
otherwise; changing the salt means rebuilding the warehouse (docs/INGESTION.md,
"Changing the salt").
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .keyed_hash import salt_fingerprint

REKEY_STEPS = (
    "To change the salt, rebuild into a fresh warehouse and swap it in "
    "(docs/INGESTION.md, 'Changing the salt'): CC_CUSTOMER_SALT=<new salt> python -m "
    "pipelines ingest --reload --warehouse <new file>, then move <new file> over {live}."
)


class SaltMismatch(ValueError):
    """The run's salt is not the one the warehouse's customer keys were made with."""


def check_salt(con: duckdb.DuckDBPyConnection, salt: str, live: Path) -> bool:
    """Refuse a salt the warehouse was not built with; record it in an empty warehouse.

    Returns True when the fingerprint was written now (the warehouse changed).
    """
    con.execute("CREATE TABLE IF NOT EXISTS customer_key_salt (fingerprint VARCHAR NOT NULL)")
    stored = [row[0] for row in con.execute("SELECT fingerprint FROM customer_key_salt").fetchall()]
    fingerprint = salt_fingerprint(salt)
    if stored == [fingerprint]:
        return False
    steps = REKEY_STEPS.format(live=live)
    if stored:
        raise SaltMismatch(
            f"{live}: its customer keys were made with another salt than this run's "
            "(CC_CUSTOMER_SALT, or settings.yaml customer_salt in a demo deployment); "
            "loading would give one customer two keys and hide repeat contacts, so "
            f"nothing was loaded. Use the salt it was built with. {steps}"
        )
    if con.execute("SELECT count(*) FROM loads").fetchone()[0]:
        raise SaltMismatch(
            f"{live}: it holds loads but no salt fingerprint (built before keys were "
            "HMACs of the salt), so its customer keys cannot be matched with this "
            f"run's; nothing was loaded. {steps}"
        )
    con.execute("INSERT INTO customer_key_salt VALUES ($fingerprint)", {"fingerprint": fingerprint})
    return True
