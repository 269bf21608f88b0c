"""Reading an export's sample, whatever its format (told apart by content, as the loader
does)."""

from __future__ import annotations

from pathlib import Path

from ..readers import detect_format
from .csv_sample import read_csv_sample
from .parquet_sample import read_parquet_sample
from .sample import SAMPLE_ROWS, DraftError, Sample
from .xlsx_sample import read_xlsx_sample


def read_sample(path: Path, limit: int = SAMPLE_ROWS) -> Sample:
    """The file's header and first ``limit`` data rows as text, with how it is written."""
    path = Path(path)
    if not path.is_file():
        raise DraftError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise DraftError(f"{path}: the file is empty (0 bytes)")
    file_format = detect_format(path)
    if file_format == "xlsx":
        sample = read_xlsx_sample(path, limit)
    elif file_format == "parquet":
        sample = read_parquet_sample(path, limit)
    else:
        sample = read_csv_sample(path, file_format, limit)
    if len(set(sample.header)) != len(sample.header):
        repeated = sorted({c for c in sample.header if sample.header.count(c) > 1})
        raise DraftError(
            f"{path}: the header repeats column(s) {repeated}; the loader needs "
            "unique column names (ask for a corrected export)"
        )
    if not sample.rows:
        raise DraftError(f"{path}: the file has a header but no data rows")
    # the evidence for the format: the signature, and a name the loader will not go by
    why = {
        "xlsx": "content starts PK (a zip): an XLSX workbook",
        "parquet": "content starts PAR1: Parquet",
        "csv.gz": "gzip content",
        "csv": "plain text",
    }[file_format]
    suffix = (
        "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    )
    if suffix.lstrip(".") != file_format:
        why += f" (named {suffix or 'without extension'}: the loader goes by content)"
    sample.notes["format"] = why + (
        "; " + sample.notes["format"] if "format" in sample.notes else ""
    )
    return sample
