"""What one centre's simulation produces, and what writing its files reports."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipelines.samplegen.calendar import Window
from pipelines.samplegen.formats import FormatSpec
from pipelines.samplegen.profiles import CentreProfile


@dataclass(frozen=True)
class CentreData:
    profile: CentreProfile
    spec: FormatSpec
    contacts: pd.DataFrame  # contacts.centre_contacts
    surveys: pd.DataFrame  # surveys.centre_surveys
    qa: pd.DataFrame  # qa.centre_qa
    window: Window  # the days the exports cover (their file names and titles)


@dataclass(frozen=True)
class WrittenFile:
    """One export file, as MANIFEST.json describes it."""

    path: str  # relative to the exports folder, with forward slashes
    centre_id: str
    kinds: list[str]  # canonical tables the file feeds
    rows: int  # data rows (title and header rows not counted)
    dirt: dict[str, int]  # dirt rows by kind
    records: dict[str, int]  # canonical records in the clean rows
    sheets: int | None = None  # XLSX only
    extra: dict[str, object] = field(default_factory=dict)


def export_path(profile: CentreProfile, file_name: str) -> str:
    """``<centre_id>/<file_name>``; a benchmark copy of a centre (``glasgow_2``) gets its
    id before the extension: ``glasgow_2/Claremont_QA_..._glasgow_2.csv``."""
    if profile.centre_id != profile.export_format:
        stem, dot, extension = file_name.partition(".")
        file_name = f"{stem}_{profile.centre_id}{dot}{extension}"
    return f"{profile.centre_id}/{file_name}"
