"""Defence in depth: the reader cannot reach other files; a symlink shares the lock."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.warehouse import connect_read_only, read_only_cursor
from pipelines.warehouse.building import BuildingCopy, WarehouseBusy, write_lock


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "real" / "warehouse.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE contacts AS SELECT 1 AS contact_id")
    return path


def test_the_reader_reaches_no_other_file(warehouse, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("phone\n+447700900123\n")
    con = connect_read_only(warehouse)
    assert con.execute("SELECT count(*) FROM contacts").fetchone() == (1,)
    for connection in (con, read_only_cursor(con)):  # a cursor shares the instance
        for sql in (
            f"SELECT * FROM read_csv('{secret}')",
            f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
            f"COPY contacts TO '{tmp_path / 'out.csv'}'",
        ):
            with pytest.raises(duckdb.PermissionException):
                connection.execute(sql)
        # and it cannot be switched back on
        with pytest.raises(duckdb.InvalidInputException):
            connection.execute("SET enable_external_access = true")
    assert not (tmp_path / "out.csv").exists()


def test_a_symlinked_warehouse_and_its_target_share_one_write_lock(warehouse, tmp_path):
    link = tmp_path / "link.duckdb"
    link.symlink_to(warehouse)
    with write_lock(warehouse), pytest.raises(WarehouseBusy), write_lock(link):
        pass
    with write_lock(link), pytest.raises(WarehouseBusy), write_lock(warehouse):
        pass


def test_publishing_through_a_symlink_replaces_the_target_and_keeps_the_link(warehouse, tmp_path):
    link = tmp_path / "link.duckdb"
    link.symlink_to(warehouse)
    building = BuildingCopy(link)
    with duckdb.connect(str(building.prepare())) as con:
        con.execute("INSERT INTO contacts VALUES (2)")
    building.publish()
    assert link.is_symlink() and link.resolve() == warehouse.resolve()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM contacts").fetchone() == (2,)
