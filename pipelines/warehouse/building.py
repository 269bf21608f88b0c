"""Writing the warehouse without blocking its readers.

DuckDB allows one read-write process or many read-only ones, never both. A run copies
the live file to ``<warehouse>.building``, writes there, and ``os.replace``s it over
the live file when done: readers keep answering from the old inode until they reopen.
A lock file keeps two runs apart; leftovers of a crashed run are removed first.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse's write lock."""


def resolved(live: Path) -> Path:
    """The warehouse file behind any symlinks (the file need not exist yet)."""
    return Path(live).resolve()


def building_path(live: Path) -> Path:
    return live.with_name(live.name + ".building")


def _remove_leftovers(building: Path) -> None:
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)


@contextmanager
def write_lock(live: Path) -> Iterator[None]:
    # keyed on the real file: a symlinked warehouse and its target share one lock
    live = resolved(live)
    live.parent.mkdir(parents=True, exist_ok=True)
    lock_path = live.with_name(live.name + ".lock")
    with lock_path.open("a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(
                f"{live}: another ingest run is writing it (lock "
                f"{lock_path}); wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


class BuildingCopy:
    """The writable copy of a warehouse; ``publish`` swaps it in, ``discard`` drops it."""

    def __init__(self, live: Path):
        # the real file: publishing through a symlink replaces its target, not the link
        self.live = resolved(live)
        self.path = building_path(self.live)

    def prepare(self) -> Path:
        _remove_leftovers(self.path)
        if self.live.exists():
            shutil.copyfile(self.live, self.path)
        return self.path

    def publish(self) -> None:
        """Atomically replace the live file (the connection must be closed first)."""
        wal = self.path.with_name(self.path.name + ".wal")
        if wal.exists():
            raise RuntimeError(f"{wal} still exists: close the connection before publishing")
        with self.path.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(self.path, self.live)

    def discard(self) -> None:
        _remove_leftovers(self.path)
