"""Groups of canonical fields the draft treats alike, read off config.CANONICAL_COLUMNS."""

from __future__ import annotations

from ..config import CANONICAL_COLUMNS, DURATION, FLAG, KEY_COLUMN


def _converted_as(conversion: str) -> tuple[str, ...]:
    names = (
        name
        for columns in CANONICAL_COLUMNS.values()
        for name, column in columns.items()
        if column.conversion == conversion
    )
    return tuple(dict.fromkeys(names))


FLAG_FIELDS = _converted_as(FLAG)  # answered, abandoned, ..., critical_fail
DURATION_FIELDS = _converted_as(DURATION)  # wait_s, talk_s, hold_s, wrap_s
ID_FIELDS = tuple(KEY_COLUMN.values())  # each kind's own key
