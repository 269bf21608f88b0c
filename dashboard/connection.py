"""The app's read-only view of the warehouse.

Ingestion builds a new warehouse file beside the live one and swaps it in with an
atomic rename (docs/INGESTION.md). The app keys its connection and every cached
result on the file's identity (inode, modification time), so after a swap the next
rerun opens the new file and no stale result is served; readers of the old file are
never blocked by a load. (The test ``test_the_app_follows_a_warehouse_swapped_in_by_a_load``
proves it.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import streamlit as st

from pipelines.settings import warehouse_path
from pipelines.warehouse import connect_read_only, read_only_cursor


@dataclass(frozen=True)
class WarehouseFile:
    path: str
    inode: int
    mtime_ns: int


def current_warehouse() -> WarehouseFile | None:
    """The live warehouse file, or None when nothing has been loaded yet."""
    path = warehouse_path()
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return WarehouseFile(str(path), stat.st_ino, stat.st_mtime_ns)


@st.cache_resource(max_entries=2, show_spinner=False)
def _open(warehouse: WarehouseFile) -> duckdb.DuckDBPyConnection:
    return connect_read_only(Path(warehouse.path))


def cursor(warehouse: WarehouseFile) -> duckdb.DuckDBPyConnection:
    """A cursor of the shared read-only connection; one per query keeps threads apart."""
    return read_only_cursor(_open(warehouse))
