"""The export's file name pattern: its dates and run numbers as ``*`` (or the first date
as a placeholder the loader reads the date from)."""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from .formats import parses

_NAME_DATES = (
    (r"\d{4}-\d{2}-\d{2}", ("%Y-%m-%d",)),
    (r"\d{4}_\d{2}_\d{2}", ("%Y_%m_%d",)),
    (r"\d{2}\.\d{2}\.\d{4}", ("%d.%m.%Y",)),
    (r"\d{2}-\d{2}-\d{4}", ("%d-%m-%Y",)),
    (r"\d{8}", ("%Y%m%d", "%d%m%Y")),
)


def name_dates(name: str) -> list[tuple[int, int, str]]:
    """(start, end, strptime format) of each date written in a file name."""
    found = []
    for pattern, formats in _NAME_DATES:
        for match in re.finditer(rf"(?<!\d){pattern}(?!\d)", name):
            if any(s < match.end() and match.start() < e for s, e, _ in found):
                continue
            fmt = next(
                (
                    f
                    for f in formats
                    if parses(f, match.group()) and 1990 < parses(f, match.group()).year < 2100
                ),
                None,
            )
            if fmt:
                found.append((match.start(), match.end(), fmt))
    return sorted(found)


def file_pattern(
    path: Path, exports_root: Path | None, placeholder: str | None = None
) -> tuple[str, str | None, str]:
    """The ``pattern`` for the export: the path under the exports folder (else the parent
    folder's name), the dates and run numbers of the name as ``*`` (the first date as
    ``{placeholder}`` when one is asked for). Returns (pattern, date format of the
    placeholder or None, why)."""
    name = path.name
    dates = name_dates(name)
    date_format = None
    pieces, last = [], 0
    for index, (start, end, fmt) in enumerate(dates):
        pieces.append(name[last:start])
        if index == 0 and placeholder:
            pieces.append("{" + placeholder + "}")
            date_format = fmt
        else:
            pieces.append("*")
        last = end
    pieces.append(name[last:])
    general = "".join(pieces)
    stem, dot, extension = general.partition(".")
    stem = re.sub(r"(?i)(?<![a-z])(kw|wk|week|woche|semana|sem)\d{1,2}(?!\d)", "*", stem)
    stem = re.sub(r"(?<![\d{])\d{4,}(?![\d}])", "*", stem)
    previous = None
    while previous != stem:
        previous = stem
        stem = re.sub(r"\*[_\-. ]*(?:(?:to|bis|a|al|au|ate|until)[_\-. ]*)?\*", "*", stem)
    general = stem + dot + extension
    folder = None
    if exports_root is not None:
        try:
            folder = path.resolve().parent.relative_to(Path(exports_root).resolve())
        except ValueError:
            folder = None
    if folder is None:
        folder = PurePath(path.resolve().parent.name)
    pattern = (PurePath(folder) / general).as_posix() if str(folder) not in ("", ".") else general
    if general == name:
        why = "no date in the file name: this matches this file only; put * where it changes"
    elif placeholder and date_format:
        why = f"the file name's date as {{{placeholder}}} ({date_format}), the rest as *"
    else:
        why = "the file name with its dates as *"
    return pattern, date_format, why
