"""MANIFEST.json: per file its data rows, sha256 and dirt counts, so ingestion tests
can assert exact numbers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipelines.samplegen import calendar
from pipelines.samplegen.centre_data import WrittenFile

MANIFEST_NAME = "MANIFEST.json"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(
    folder: Path,
    files: list[WrittenFile],
    seed: int,
    scale: float,
    centres: int,
    window: calendar.Window,
) -> dict:
    entries = {}
    for written in sorted(files, key=lambda f: f.path):
        entry = {
            "centre_id": written.centre_id,
            "kinds": written.kinds,
            "rows": written.rows,
            "clean_rows": written.rows - sum(written.dirt.values()),
            "dirt": written.dirt,
            "records": written.records,
            "sha256": file_sha256(folder / written.path),
        }
        if written.sheets is not None:
            entry["sheets"] = written.sheets
        entries[written.path] = entry
    return {
        "about": (
            "Written by `python -m pipelines generate-samples`. rows: data rows "
            "(header and title rows not counted). dirt: deliberately broken extra "
            "rows by kind (clean_rows = rows - their sum). records: canonical "
            "records in the clean rows."
        ),
        "generator": {"seed": seed, "scale": scale, "centres": centres},
        "window": {
            "first_day": window.first_day.isoformat(),
            "last_day": window.last_day.isoformat(),
            "peak_first_day": calendar.PEAK_FIRST_DAY,
            "peak_last_day": calendar.PEAK_LAST_DAY,
        },
        "files": entries,
    }


def write_manifest(folder: Path, content: dict) -> Path:
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
