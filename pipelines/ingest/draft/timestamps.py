"""The kind's timestamp source: one date-time column, a date and a time column, or times
dated by the file name; and local times in an autumn clock-change hour."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import TIMESTAMP_COLUMN
from .formats import parses
from .guess import ColumnGuess
from .patterns import file_pattern
from .wording import fill_in, plural


def timestamp_plan(
    kind: str,
    fields_: dict[str, tuple[str, int]],
    guesses: Sequence[ColumnGuess],
    used: set[str],
    path: Path,
    exports_root: Path | None,
    date_cells: dict[str, int],
) -> dict[str, Any]:
    """Where the kind's timestamp comes from: ``source`` (its keys as the column mapping
    writes them), ``formats``, ``why``, the ``columns`` it reads; ``missing`` when no
    column holds one, ``date_from_file`` when the file name's date completes times."""
    canonical = TIMESTAMP_COLUMN[kind]
    stamps = [g for g in guesses if g.type in ("datetime", "date", "time")]
    why = ""
    if canonical in fields_:
        chosen = next(g for g in guesses if g.name == fields_[canonical][0])
    else:
        free = [g for g in stamps if g.name not in used]
        chosen = next((g for t in ("datetime", "date", "time") for g in free if g.type == t), None)
        if chosen:
            why = "? no header names it: the first timestamp column; "
    plan: dict[str, Any] = {"columns": [], "source": {}, "formats": [], "why": why}
    if chosen is None:
        plan["missing"] = True
        return plan
    offset = next((g for g in guesses if g.type == "offset" and g.name not in used), None)
    if chosen.type == "datetime":
        plan["source"] = {"column": chosen.name}
        plan["formats"] = list(chosen.formats)
        plan["why"] += chosen.reason
        if date_cells.get(chosen.name):
            plan["why"] += (
                f"; {plural(date_cells[chosen.name], 'real date cell')} (read in ISO form)"
            )
    else:
        wanted = "time" if chosen.type == "date" else "date"
        tokens = set(chosen.norm.split())
        partners = [
            g for g in stamps if g.type == wanted and g.name != chosen.name and g.name not in used
        ]
        partners.sort(key=lambda g: -len(tokens & set(g.norm.split())))
        if partners:
            date, time = (chosen, partners[0]) if chosen.type == "date" else (partners[0], chosen)
            plan["source"] = {"date": date.name, "time": time.name}
            plan["formats"] = [f"{d} {t}" for d in date.formats for t in time.formats]
            plan["why"] += f"date {date.reason}; time {time.reason}"
        elif chosen.type == "date":
            plan["source"] = {"column": chosen.name}
            plan["formats"] = list(chosen.formats)
            plan["why"] += chosen.reason + " (dates only: local midnight)"
        else:
            _, date_format, _ = file_pattern(path, exports_root, "day")
            plan["formats"] = list(chosen.formats)
            if date_format:
                plan["source"] = {
                    "time": chosen.name,
                    "date_from_file": "day",
                    "date_format": date_format,
                }
                plan["date_from_file"] = True
                plan["why"] += (
                    f"{chosen.reason}: times only, the date is the file name's "
                    f"({path.name} → {date_format})"
                )
            else:
                plan["source"] = {"time": chosen.name, "date_value": fill_in("YYYY-MM-DD")}
                plan["column_comment"] = (
                    "FILL IN: the date these times are on (date_value), "
                    "or put the date in the file name"
                )
                plan["why"] += (
                    f"FILL IN: {chosen.reason}: times only and no date in the file "
                    "name: a date source is needed (date_value, or a {placeholder} "
                    "in pattern with date_from_file)"
                )
    if offset:
        plan["source"]["offset"] = offset.name
        plan["why"] += f"; UTC offsets in {offset.name}"
    plan["columns"] = [
        v for k, v in plan["source"].items() if k in ("column", "date", "time", "offset")
    ]
    return plan


def dst_note(guess: ColumnGuess, cells: Sequence[str | None]) -> str | None:
    """Local times in an autumn clock-change hour (EU: last Sunday of October 01:00-02:59;
    US: first Sunday of November 01:00-01:59) happen twice in most time zones there."""
    hits, example = 0, None
    for value in cells:
        if not value:
            continue
        stamp = next((p for f in guess.formats if (p := parses(f, value.strip()))), None)
        if stamp is None:
            continue
        day = stamp.date()
        if day.weekday() != 6:
            continue
        eu = day.month == 10 and day.day >= 25 and 1 <= stamp.hour <= 3
        us = day.month == 11 and day.day <= 7 and stamp.hour == 1
        if eu or us:
            hits += 1
            example = example or value.strip()
    if not hits:
        return None
    return (
        f"? {plural(hits, 'local time')} (like {example}) fall in the night Europe (last "
        "Sunday of October) or North America (first Sunday of November) turns clocks "
        "back; if the centre's zone does, its repeated hour is rejected unless "
        "ambiguous_times says earliest or latest"
    )
