"""Classifying a column from its sampled values and header: flags, timestamps and
durations, e-mail addresses and phones, numbers, codes, ids and free text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .canonical import ID_FIELDS
from .flags import as_flag
from .formats import NUMBER, number_style
from .guess import MAX_CODES, ColumnGuess, allowed_misfits, bad_note
from .sample import Sample
from .time_columns import as_duration, as_timestamp
from .vocabulary import has_words, name_scores
from .wording import count_text, plural, shortened


def _numbers_or_bad(
    values: list[str], comma_decimal: bool | None
) -> tuple[tuple[str, str | None, list[float]], list[str]] | None:
    good = [v for v in values if NUMBER.match(v)]
    bad = [v for v in values if not NUMBER.match(v)]
    if not good or len(bad) > allowed_misfits(len(values)):
        return None
    style = number_style(good, comma_decimal)
    if style is None:
        return None
    return style, bad


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^(?:\+|00)?[\d\s().\-/]{6,22}$")
_OFFSET = re.compile(r"^(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?$")


def _as_contact_point(guess: ColumnGuess, values: list[str]) -> ColumnGuess | None:
    tolerance = allowed_misfits(len(values))
    emails = sum(1 for v in values if _EMAIL.match(v))
    if len(values) - emails <= tolerance and emails:
        guess.type = "email"
        guess.reason = f"{count_text(emails)} e-mail addresses like {guess.example}"
        return guess
    phones = [v for v in values if _PHONE.match(v) and 7 <= sum(c.isdigit() for c in v) <= 15]
    if has_words(guess.name, "phone"):
        tolerance = max(tolerance, len(values) // 4)  # extensions on internal calls
    if len(values) - len(phones) > tolerance or not phones:
        return None
    phone_set = set(phones)
    guess.bad = list(dict.fromkeys(v for v in values if v not in phone_set))[:3]
    marked = sum(1 for v in phones if v.startswith(("+", "00", "0", "(")) or " " in v)
    if has_words(guess.name, "phone") or marked >= 0.2 * len(phones):
        guess.type = "phone"
        guess.reason = f"{plural(len(phones), 'phone number')} like {phones[0]}"
        if len(phones) < len(values):
            guess.reason += (
                f"; {plural(len(values) - len(phones), 'other value')} "
                f"(like {guess.bad[0]}): no customer_key for those"
            )
        return guess
    return None


def _as_number(
    guess: ColumnGuess, values: list[str], comma_decimal: bool | None
) -> ColumnGuess | None:
    percent = [v for v in values if re.fullmatch(r"[+-]?[\d.,]+\s?%", v)]
    plain = [v.rstrip("%").strip() for v in values]
    found = _numbers_or_bad(plain, comma_decimal)
    if found is None:
        return None
    (decimal, thousands, numbers), bad = found
    guess.decimal_separator, guess.thousands_separator = decimal, thousands
    guess.low, guess.high = min(numbers), max(numbers)
    guess.integer = all(n.is_integer() for n in numbers)
    guess.bad, guess.bad_count = bad[:3], len(bad)
    if percent and len(percent) >= 0.5 * len(values):
        guess.type = "percent"
    else:
        guess.type = "integer" if guess.integer else "number"
    low, high = _bound(guess.low), _bound(guess.high)
    if guess.integer:
        reason = f"whole numbers {low}..{high}"
    else:
        example = next((v for v in values if decimal in v), guess.example)
        reason = f"numbers {low}..{high} (decimal '{decimal}', like {example})"
    if guess.type == "percent":
        reason += " with %"
    guess.reason = reason + bad_note(guess)
    return guess


def _bound(number: float) -> str:
    return count_text(int(number)) if number.is_integer() else f"{number:g}"


def _as_text(guess: ColumnGuess, values: list[str]) -> ColumnGuess:
    if _OFFSET.match(values[0]) and all(_OFFSET.match(v) for v in values[:2_000]):
        guess.type = "offset"
        guess.reason = f"UTC offsets like {guess.example}"
        return guess
    spaced = sum(1 for v in values if " " in v)
    average = sum(map(len, values)) / len(values)
    if spaced >= 0.5 * len(values) and average >= 20 and guess.distinct > 3:
        guess.type = "text"
        guess.reason = f"free text, {plural(guess.distinct, 'distinct value')}"
    elif guess.distinct <= 0.5 * len(values) or (
        guess.distinct <= MAX_CODES
        and sum(1 for v in values if any(c.isdigit() for c in v)) < 0.5 * len(values)
    ):
        guess.type = "code"
        guess.reason = (
            f"{plural(guess.distinct, 'distinct value')}: "
            + ", ".join(shortened(v, 20) for v, _ in guess.top[:4])
            + (", ..." if guess.distinct > 4 else "")
        )
    elif guess.distinct >= 0.5 * len(values) and spaced <= 0.1 * len(values) and average <= 40:
        guess.type = "id"
        guess.reason = f"{plural(guess.distinct, 'distinct value')} like {guess.example}"
    else:
        guess.type = "text"
        guess.reason = f"free text, {plural(guess.distinct, 'distinct value')}"
    return guess


def classify_column(
    name: str,
    cells: Sequence[str | None],
    comma_decimal: bool | None = None,
    file_pairs: dict[str, str] | None = None,
) -> ColumnGuess:
    """What a column holds, from its sampled cells and its header.

    ``comma_decimal``: the file writes decimal commas (settles ``1.234`` as one thousand
    two hundred and thirty-four); ``file_pairs``: flag words seen paired in other columns
    (``n`` -> ``s``), to complete a column that holds only one of them.
    """
    values = [c.strip() for c in cells if c is not None and c.strip()]
    counter = Counter(values)
    guess = ColumnGuess(
        name=name,
        type="empty",
        count=len(values),
        empty=len(cells) - len(values),
        distinct=len(counter),
        top=counter.most_common(MAX_CODES + 1),
        example=values[0] if values else None,
    )
    if not values:
        guess.reason = f"empty in all {plural(len(cells), 'sampled row')}"
        return guess
    scores = name_scores(name)
    if any(scores.get(f, 0) >= 9 for f in ID_FIELDS):
        return _as_text(guess, values)  # ids stay text, even 1794816005.41 or 00012
    flag = as_flag(guess, values, file_pairs or {})
    if flag:
        return flag
    stamp = as_timestamp(guess, values)
    if stamp and stamp.type != "time":
        return stamp
    # a time of day may be a duration (0:04:10): the duration test writes its own misfits
    # over the time's, which are put back when it is not one
    time_misfits = (guess.bad, guess.bad_count)
    duration = as_duration(guess, values, comma_decimal)
    if duration:
        return duration
    if stamp:
        guess.bad, guess.bad_count = time_misfits
        return stamp
    # a header naming phones or e-mail tries them before numbers (phone numbers look like
    # integers); other columns only when they are not numbers
    contact_named = has_words(name, "phone") or has_words(name, "email")
    if contact_named and (contact := _as_contact_point(guess, values)):
        return contact
    if number := _as_number(guess, values, comma_decimal):
        return number
    if not contact_named and (contact := _as_contact_point(guess, values)):
        return contact
    return _as_text(guess, values)


def file_decimal_comma(sample: Sample) -> tuple[bool, str]:
    """Does the file write decimal commas? Numbers like ``12,5`` (a comma not followed by
    exactly three digits) in a file not delimited by commas say so."""
    comma = dot = 0
    example = None
    for index in range(len(sample.header)):
        for value in sample.column(index)[:2_000]:
            if not value:
                continue
            if re.fullmatch(r"-?\d+,\d{1,2}|-?\d+,\d{4,}|-?\d{1,3}(?:\.\d{3})+,\d+", value):
                comma += 1
                example = example or value
            elif re.fullmatch(r"-?\d+\.\d{1,2}|-?\d+\.\d{4,}|-?\d{1,3}(?:,\d{3})+\.\d+", value):
                dot += 1
    if comma > dot:
        return True, f"{plural(comma, 'number')} like {example} → decimal comma"
    return False, ""
