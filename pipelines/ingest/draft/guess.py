"""``ColumnGuess``: what one column holds, as the classifiers fill it in."""

from __future__ import annotations

from dataclasses import dataclass, field

from .vocabulary import normalise
from .wording import plural, shortened

MAX_CODES = 30  # distinct values listed in a value_maps skeleton


@dataclass
class ColumnGuess:
    """What one column holds, from its sampled values (and its header)."""

    name: str
    type: str  # empty datetime date time duration flag integer number percent
    #                    email phone offset code id text
    count: int  # non-empty sampled values
    empty: int  # empty sampled cells
    distinct: int
    top: list[tuple[str, int]]  # most common values as written
    example: str | None
    formats: tuple[str, ...] = ()  # strptime formats (timestamps)
    format: str | None = None  # duration format
    decimal_separator: str | None = None
    thousands_separator: str | None = None
    true_words: tuple[str, ...] = ()
    false_words: tuple[str, ...] = ()
    guessed_word: str | None = None  # a flag word not seen but assumed
    low: float | None = None
    high: float | None = None
    integer: bool = False
    bad: list[str] = field(default_factory=list)  # sampled values that do not fit
    bad_count: int = 0
    reason: str = ""

    @property
    def norm(self) -> str:
        return normalise(self.name)


def allowed_misfits(count: int) -> int:
    """Values a column may hold that do not fit its type (bad rows, rejected at load)."""
    return max(1, count // 50) if count >= 5 else 0


def bad_note(guess: ColumnGuess) -> str:
    if not guess.bad_count:
        return ""
    examples = ", ".join(f"'{shortened(b, 20)}'" for b in guess.bad[:2])
    return (
        f"; {plural(guess.bad_count, 'value')} ({examples}) "
        f"{'does' if guess.bad_count == 1 else 'do'} not fit: rejected at load"
    )


def words_in(guess: ColumnGuess, words: set[str]) -> list[str]:
    """The column's values (as written, trimmed, first spelling) whose lower case is in
    ``words``."""
    found: dict[str, str] = {}
    for value, _ in guess.top:
        key = value.strip().lower()
        if key in words:
            found.setdefault(key, value.strip())
    return list(found.values())
