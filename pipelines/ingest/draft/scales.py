"""Answer scales of survey scores: the CSAT scale (``csat_scale``) and what an NPS column
holds outside 0-10."""

from __future__ import annotations

import re
from collections import Counter

from .guess import ColumnGuess, allowed_misfits
from .vocabulary import normalise
from .wording import plural


def _answer_counts(guess: ColumnGuess, decimal_comma: bool) -> Counter[float]:
    """Rows per numeric answer among the column's most common values."""
    counts: Counter[float] = Counter()
    for value, n in guess.top:
        try:
            counts[float(value.replace(",", ".") if decimal_comma else value)] += n
        except ValueError:
            continue
    return counts


def csat_scale(guess: ColumnGuess) -> tuple[int, int, str]:
    """[lowest, highest] answer: from the header (``csat_1_5``, ``Satisfacao_0_10``), else
    the smallest usual scale holding all but stray values."""
    header = re.search(r"(?<!\d)(\d{1,2})\D+(\d{1,3})$", normalise(guess.name))
    if header and int(header.group(1)) < int(header.group(2)) <= 100:
        lo, hi = int(header.group(1)), int(header.group(2))
        return lo, hi, f"the header says {lo}-{hi}; values {guess.low:g}..{guess.high:g}"
    counts = _answer_counts(guess, decimal_comma=True)
    tolerance = allowed_misfits(guess.count)
    hi = next(
        (h for h in (5, 7, 10, 100) if sum(n for v, n in counts.items() if v > h) <= tolerance), 100
    )
    lo = 0 if sum(n for v, n in counts.items() if v < 1) > tolerance else 1
    above = sum(n for v, n in counts.items() if v > hi)
    reason = f"values {guess.low:g}..{guess.high:g}"
    if above:
        reason += f" ({plural(above, 'value')} above {hi}: rejected)"
    if lo == 1 and hi == 10:
        reason += "; no 0 seen, so [1, 10] (a 0-10 scale would show some 0s)"
    return lo, hi, reason


def nps_note(guess: ColumnGuess) -> str:
    """NPS answers are whole 0-10 (there is no scale to set): say what does not fit."""
    counts = _answer_counts(guess, decimal_comma=False)
    above = sum(n for v, n in counts.items() if v > 10)
    if guess.high is not None and guess.high <= 5:
        return "; ? NPS answers are 0-10 but these stop at 5: a CSAT column?"
    if above:
        return f"; NPS is 0-10: {plural(above, 'value')} above 10 rejected"
    return "; NPS 0-10"
