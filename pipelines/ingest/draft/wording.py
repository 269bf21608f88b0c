"""Wording shared by the draft's comments: counts, plurals, shortened values."""

from __future__ import annotations


def count_text(count: int) -> str:
    return f"{count:,}"


def plural(count: int, word: str) -> str:
    return f"{count_text(count)} {word}{'' if count == 1 else 's'}"


def verb_form(count: int, singular: str) -> str:
    """``repeats`` for one, ``repeat`` for several."""
    return singular if count == 1 else singular[:-1]


def shortened(value: str, width: int = 40) -> str:
    value = value.replace("\n", " ").replace("\r", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


def fill_in(what: str) -> str:
    return f"<{what}>"
