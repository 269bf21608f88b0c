"""Salt you can trust: HMAC-SHA256 in DuckDB, a demo salt only in a demo, one salt per
warehouse (its fingerprint), and keys that still match across centres."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from pipelines import settings
from pipelines.ingest.keyed_hash import FINGERPRINT_LABEL, HmacKey, salt_fingerprint
from pipelines.ingest.salt_guard import SaltMismatch
from pipelines.ingest.sql_text import SqlParams, execute

from .conftest import CENTRE, CONTACTS_EXPORT, CONTACTS_HEADER, SALT, contacts_row, customer_key

# (salt, message): ASCII, non-ASCII in both, empty message, a key of exactly one block
# (64 bytes) and one longer than a block (hashed first, as RFC 2104 says)
HAND_PICKED = [
    ("test-salt", "phone:447700900123"),
    ("test-salt", "email:josé.müller@exemple.pt"),
    ("sel-ñ-日本", "account:ÅB-123 ✓"),
    ("test-salt", ""),
    ("k" * 64, "phone:447700900123"),
    ("sel-" + "é" * 40, "email:a@b.pt"),  # 84 UTF-8 bytes
]


def _duckdb_hmac(salt: str, message: str) -> str:
    params = SqlParams()
    sql = HmacKey.from_salt(salt).sql(params.add(message), params)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE result AS SELECT {sql} AS h", params.values)
    return con.execute("SELECT h FROM result").fetchone()[0]


@pytest.mark.parametrize(("salt", "message"), HAND_PICKED)
def test_duckdb_hmac_equals_python_hmac(salt, message):
    expected = hmac.new(salt.encode(), message.encode(), hashlib.sha256).hexdigest()
    assert _duckdb_hmac(salt, message) == expected
    # and it is not the old unkeyed construction sha256(salt || message)
    assert expected != hashlib.sha256((salt + message).encode()).hexdigest()


def test_duckdb_hmac_matches_rfc_4231_vectors():
    # RFC 4231 test cases 1 and 2 (HMAC-SHA-256), the digests copied from the RFC
    assert _duckdb_hmac("\x0b" * 20, "Hi There") == (
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )
    assert _duckdb_hmac("Jefe", "what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_hmac_runs_over_a_column_in_one_query():
    """Vectorised: one statement over many rows, each row its own digest."""
    key, params = HmacKey.from_salt(SALT), SqlParams()
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT m, {key.sql('m', params)} FROM (SELECT 'phone:' || range AS m FROM range(3000))",
        params.values,
    ).fetchall()
    assert len(rows) == 3000
    expected = [hmac.new(SALT.encode(), m.encode(), hashlib.sha256).hexdigest() for m, _ in rows]
    assert [h for _, h in rows] == expected


def _settings(tmp_path, text: str):
    tmp_path.mkdir(parents=True)
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_committed_salt_serves_a_demo_only(tmp_path, monkeypatch):
    monkeypatch.delenv("CC_CUSTOMER_SALT", raising=False)
    demo = _settings(tmp_path / "demo", "deployment: demo\ncustomer_salt: demo-salt\n")
    assert settings.customer_salt(demo) == "demo-salt"
    production = _settings(tmp_path / "prod", "customer_salt: committed-salt\n")
    with pytest.raises(ValueError, match="CC_CUSTOMER_SALT") as refused:
        settings.customer_salt(production)
    assert "deployment: demo" in str(refused.value)
    assert "secrets.token_hex" in str(refused.value)  # says how to make one
    monkeypatch.setenv("CC_CUSTOMER_SALT", "from-the-environment")
    assert settings.customer_salt(production) == "from-the-environment"
    assert settings.customer_salt(demo) == "from-the-environment"  # the environment wins


def test_an_unknown_deployment_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("CC_CUSTOMER_SALT", raising=False)
    folder = _settings(tmp_path / "x", "deployment: staging\ncustomer_salt: s\n")
    with pytest.raises(ValueError, match="'staging'.*demo, production"):
        settings.customer_salt(folder)


def test_the_sample_config_is_a_demo():
    assert settings.deployment(settings.DEFAULT_CONFIG_DIR) == "demo"


def _load_one_contact(workspace, name: str = "contacts_1.csv"):
    workspace.source(CONTACTS_EXPORT)
    workspace.write(f"testco/{name}", f"{CONTACTS_HEADER}\n{contacts_row('C1')}\n")
    return workspace.ingest()


def test_the_warehouse_keeps_a_fingerprint_never_the_salt(workspace):
    _load_one_contact(workspace)
    stored = workspace.query("SELECT fingerprint FROM customer_key_salt")
    assert stored == [
        (hmac.new(SALT.encode(), FINGERPRINT_LABEL.encode(), hashlib.sha256).hexdigest(),)
    ]
    assert SALT.encode() not in workspace.warehouse.read_bytes()


def test_another_salt_is_refused_and_changes_nothing(workspace, monkeypatch):
    _load_one_contact(workspace)
    before = workspace.warehouse.read_bytes()
    workspace.write("testco/contacts_2.csv", f"{CONTACTS_HEADER}\n{contacts_row('C2')}\n")
    monkeypatch.setenv("CC_CUSTOMER_SALT", "another-salt")
    with pytest.raises(SaltMismatch) as refused:
        workspace.ingest()
    message = str(refused.value)
    assert str(workspace.warehouse) in message
    assert "another salt" in message and "--reload" in message and "Changing the salt" in message
    assert workspace.warehouse.read_bytes() == before
    building = workspace.warehouse.with_name(workspace.warehouse.name + ".building")
    assert not building.exists()


def test_rekeying_into_a_fresh_warehouse_as_documented(workspace, monkeypatch):
    _load_one_contact(workspace)
    monkeypatch.setenv("CC_CUSTOMER_SALT", "new-salt")
    fresh = workspace.warehouse.with_name("fresh.duckdb")
    from pipelines.ingest import ingest_files

    report = ingest_files(
        config_dir=workspace.config_dir,
        warehouse=fresh,
        exports_root=workspace.exports,
        reload=True,
    )
    assert [r.status for r in report.results] == ["loaded"]
    with duckdb.connect(str(fresh), read_only=True) as con:
        assert con.execute("SELECT customer_key FROM contacts").fetchall() == [
            (hmac.new(b"new-salt", b"phone:447700900123", hashlib.sha256).hexdigest(),)
        ]
        assert con.execute("SELECT fingerprint FROM customer_key_salt").fetchall() == [
            (salt_fingerprint("new-salt"),)
        ]


def test_same_salt_twice_changes_nothing(workspace):
    _load_one_contact(workspace)
    before = workspace.warehouse.read_bytes()
    second = workspace.ingest()
    assert [r.status for r in second.results] == ["skipped"]
    assert not second.published
    assert workspace.warehouse.read_bytes() == before


def test_a_warehouse_without_fingerprint_but_with_loads_is_refused(workspace):
    _load_one_contact(workspace)
    with duckdb.connect(str(workspace.warehouse)) as con:  # as built before fingerprints
        con.execute("DROP TABLE customer_key_salt")
    workspace.write("testco/contacts_2.csv", f"{CONTACTS_HEADER}\n{contacts_row('C2')}\n")
    with pytest.raises(SaltMismatch, match="no salt fingerprint"):
        workspace.ingest()
    assert workspace.query("SELECT count(*) FROM contacts") == [(1,)]


def test_one_phone_in_two_centres_gives_one_key(workspace):
    other_centre = {**CENTRE, "id": "otherco", "name": "Other Centre"}
    other_export = {**CONTACTS_EXPORT, "pattern": "otherco/contacts_*.csv"}
    workspace.source(CONTACTS_EXPORT)
    workspace.source(other_export, centre=other_centre, name="otherco")
    workspace.write("testco/contacts_1.csv", f"{CONTACTS_HEADER}\n{contacts_row('C1')}\n")
    workspace.write(
        "otherco/contacts_1.csv",
        f"{CONTACTS_HEADER}\n{contacts_row('X1', phone='+44 (0)7700 900123')}\n",
    )
    workspace.ingest()
    # both spellings normalise to 447700900123 (identifiers.py)
    assert workspace.query("SELECT centre_id, customer_key FROM contacts ORDER BY 1") == [
        ("otherco", customer_key("phone", "447700900123")),
        ("testco", customer_key("phone", "447700900123")),
    ]


def test_sql_text_execute_passes_blob_parameters():
    """The key's blocks travel as BLOB parameters, not text spliced into SQL."""
    key, params = HmacKey.from_salt("x'); DROP TABLE t; --"), SqlParams()
    con = duckdb.connect()
    con.execute("CREATE TABLE t (m VARCHAR)")
    con.execute("INSERT INTO t VALUES ('phone:1')")
    execute(con, f"CREATE TABLE h AS SELECT {key.sql('m', params)} AS d FROM t", params.values)
    assert (
        con.execute("SELECT d FROM h").fetchone()[0]
        == hmac.new(b"x'); DROP TABLE t; --", b"phone:1", hashlib.sha256).hexdigest()
    )
