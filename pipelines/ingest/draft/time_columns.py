"""Columns of times: timestamps (strptime formats, day or month first) and durations
(seconds, milliseconds, minutes, H:MM:SS, M:SS)."""

from __future__ import annotations

import statistics

from .formats import (
    HMS,
    MMSS,
    NUMBER,
    STAMP_SHAPE,
    fit_timestamp_formats,
    is_date_only,
    is_time_only,
    number_style,
    parses,
    shape_of,
)
from .guess import ColumnGuess, allowed_misfits, bad_note
from .vocabulary import has_words
from .wording import count_text, plural


def as_timestamp(guess: ColumnGuess, values: list[str]) -> ColumnGuess | None:
    distinct = list(dict.fromkeys(values))[:5_000]
    shaped = sum(1 for v in distinct if STAMP_SHAPE.match(v))
    if shaped < 0.9 * len(distinct):
        return None
    chosen, unparsed, evidence = fit_timestamp_formats(values)
    if len(values) >= 50 and len(chosen) > 1:
        # a format only a stray value or two use is more likely an error than a habit
        minor = [(f, n) for f, n in chosen[1:] if n <= allowed_misfits(len(values))]
        chosen = [c for c in chosen if c not in minor]
        unparsed += sum(n for _, n in minor)
    if not chosen or unparsed > allowed_misfits(len(values)):
        return None
    formats = tuple(f for f, _ in chosen)
    if all(is_time_only(f) for f in formats):
        guess.type = "time"
    elif all(is_date_only(f) for f in formats):
        guess.type = "date"
    else:
        guess.type = "datetime"
    guess.formats = formats
    if unparsed:
        for value in dict.fromkeys(values):
            if not any(parses(f, value) for f in formats):
                guess.bad.append(value)
                if len(guess.bad) == 3:
                    break
        guess.bad_count = unparsed
    if len(chosen) == 1:
        reason = f"{plural(len(values), 'value')} like {guess.example} → {formats[0]}"
    else:
        parts = []
        for fmt, n in chosen:
            example = next(v for v in values if parses(fmt, v))
            parts.append(f"{count_text(n)} like {example}")
        reason = ", ".join(parts) + " → " + " or ".join(formats)
    if evidence:
        reason += f"; {evidence}"
    guess.reason = reason + bad_note(guess)
    return guess


def _clock_like_duration(guess: ColumnGuess, values: list[str]) -> bool:
    """Is an H:MM:SS / M:SS looking column a duration (else a time of day)?"""
    if has_words(guess.name, "duration"):
        return True
    if has_words(guess.name, "time_of_day"):
        return False
    first = []
    for value in values[:5_000]:
        head = value.lstrip("-").split(":")[0]
        if head.isdigit():
            first.append(int(head))
    if not first:
        return False
    if max(first) > 23:
        return True
    if any(HMS.match(v) for v in values[:50]):
        return sum(1 for f in first if f == 0) > 0.5 * len(first)
    return statistics.median(first) < 7


def as_duration(
    guess: ColumnGuess, values: list[str], comma_decimal: bool | None
) -> ColumnGuess | None:
    """A duration column: H:MM:SS, M:SS or plain numbers (seconds, or milliseconds or
    minutes when the header says so), or ``auto`` when the file mixes them."""
    hms = [v for v in values if HMS.match(v)]
    mmss = [v for v in values if MMSS.match(v)]
    numbers = [v for v in values if NUMBER.match(v)]
    bad = [v for v in values if not (HMS.match(v) or MMSS.match(v) or NUMBER.match(v))]
    if len(bad) > allowed_misfits(len(values)):
        return None
    clock = len(hms) + len(mmss)
    if not clock and not has_words(guess.name, "duration"):
        return None
    if clock and not _clock_like_duration(guess, values):
        return None
    # a seconds (or minutes) field over 59 is not a valid clock duration
    for value in hms + mmss:
        parts = value.lstrip("-").split(":")
        if int(parts[-1].split(".")[0].split(",")[0]) > 59 or (
            len(parts) == 3 and int(parts[1]) > 59
        ):
            bad.append(value)
    guess.bad = list(dict.fromkeys(bad))[:3]
    guess.bad_count = len(bad)
    shares = {"hms": len(hms), "mmss": len(mmss), "seconds": len(numbers)}
    dominant = max(shares, key=shares.get)
    total = len(values)
    if shares[dominant] >= 0.8 * total or sum(1 for s in shares.values() if s) == 1:
        fmt = dominant
    else:
        fmt = "auto"
    style = None
    if numbers:
        style = number_style(numbers, comma_decimal)
        if style is None and fmt == "seconds":
            return None
    if fmt == "seconds":
        if has_words(guess.name, "ms"):
            fmt = "milliseconds"
        elif has_words(guess.name, "minutes"):
            fmt = "minutes"
    guess.type, guess.format = "duration", fmt
    if style:
        guess.decimal_separator, guess.thousands_separator, parsed = style
        guess.low, guess.high = min(parsed), max(parsed)
        guess.integer = all(p.is_integer() for p in parsed)
    like = {"hms": "H:MM:SS", "mmss": "M:SS", "seconds": "plain numbers"}

    def example_of(shape: str) -> str:
        return next(v for v in values if shape_of(v) == shape)

    if fmt == "auto":
        parts = [
            f"{count_text(n)} {like[k]} (like {example_of(k)})" for k, n in shares.items() if n
        ]
        reason = "auto: " + ", ".join(parts)
    else:
        example = next((v for v in values if shape_of(v) == dominant), guess.example)
        reason = f"{plural(shares[dominant], 'value')} like {example} → {fmt}"
        if fmt == "milliseconds" and guess.high is not None:
            reason += f" (header says ms; up to {count_text(int(guess.high))})"
        elif (
            fmt == "seconds"
            and guess.high is not None
            and guess.integer
            and statistics.median(
                float(v.replace(",", ".")) for v in numbers[:2_000] if "." not in v or "," not in v
            )
            > 10_000
        ):
            reason += " (large: milliseconds? the header does not say)"
        minority = [
            f"{count_text(n)} {like[k]} like {example_of(k)}"
            for k, n in shares.items()
            if n and k != dominant
        ]
        if minority:
            reason += f"; {', '.join(minority)} rejected with {fmt} (auto would read them)"
    if guess.thousands_separator:
        reason += (
            f"; thousands written with '{guess.thousands_separator}' (like "
            f"{next(v for v in values if guess.thousands_separator in v)})"
        )
    guess.reason = reason + bad_note(guess)
    return guess
