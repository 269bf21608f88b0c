"""Fitting formats to values: strptime formats for timestamps, the shapes of durations,
and decimal and thousands separators of numbers."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from ..config import DATE_DIRECTIVES

_DATE_PARTS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d-%b-%y",
    "%Y.%m.%d",
)
_TIME_PARTS = ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f", "%I:%M:%S %p", "%I:%M %p")
TIMESTAMP_FORMATS = tuple(
    [f"{d} {t}" for d in _DATE_PARTS for t in _TIME_PARTS]
    + [
        f"%Y-%m-%dT{t}"
        for t in ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M:%S%z", "%H:%M:%S.%f%z", "%H:%M", "%H:%M:%SZ")
    ]
    + list(_DATE_PARTS)
    + list(_TIME_PARTS)
)
STAMP_SHAPE = re.compile(
    r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|^\d{1,2}[- ][A-Za-z]{3}[- ]\d{2}"
    r"|^\d{1,2}:\d{2}"
)
_DAY_FIRST = {"%d/%m": "%m/%d", "%d-%m": "%m-%d", "%d.%m": "%m.%d"}


def is_time_only(fmt: str) -> bool:
    return not any(d in fmt for d in DATE_DIRECTIVES)


def is_date_only(fmt: str) -> bool:
    return not any(t in fmt for t in ("%H", "%I", "%M", "%S"))


@functools.lru_cache(maxsize=1 << 16)
def parses(fmt: str, value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, fmt)
    except ValueError:
        return None


def _month_first(fmt: str) -> str | None:
    """The month-first twin of a day-first format (or the reverse), if any."""
    if fmt.startswith("%Y"):
        return None  # year first: ISO order, never day first
    for day_first, month_first in _DAY_FIRST.items():
        if day_first in fmt:
            return fmt.replace(day_first, month_first)
        if month_first in fmt:
            return fmt.replace(month_first, day_first)
    return None


def _day_before_month(fmt: str) -> bool:
    return fmt.index("%d") < fmt.index("%m")


def fit_timestamp_formats(values: Sequence[str]) -> tuple[list[tuple[str, int]], int, str]:
    """strptime formats that together parse the values: [(format, values)], unparsed
    values, and a note on day-first v. month-first.

    Values are grouped by shape (digits and letters collapsed); each group gets the
    formats that parse all of its (up to 400 checked) values. Day-first v. month-first is
    decided over all groups: a day field > 12 settles it; when nothing does, day-first is
    assumed, except with AM/PM (a US habit).
    """
    counts = Counter(values)
    groups: dict[str, list[str]] = defaultdict(list)
    for value in counts:
        groups[re.sub(r"\d+", "9", re.sub(r"[A-Za-z]+", "a", value))].append(value)
    fits: dict[str, list[str]] = {}
    for shape, members in groups.items():
        candidates = [f for f in TIMESTAMP_FORMATS if any(parses(f, v) for v in members[:5])]
        checked = members[:400]
        # an impossible date or two (30.02.) among them
        allowed = sum(counts[v] for v in checked) // 50
        fits[shape] = [
            f
            for f in candidates
            if sum(counts[v] for v in checked if parses(f, v) is None) <= allowed
        ]
    orientation, evidence = None, ""
    for shape, found in fits.items():
        for fmt in found:
            twin = _month_first(fmt)
            if twin and twin not in found:
                orientation = "day" if _day_before_month(fmt) else "month"
                example = next(
                    (v for v in groups[shape] if parses(twin, v) is None and parses(fmt, v)), None
                )
                if example is None:  # the twin failed on values this one fails on too
                    continue
                day = parses(fmt, example).day
                evidence = (
                    f"day first: {example} has {day} > 12"
                    if orientation == "day"
                    else f"month first: {example} has day {day} > 12"
                )
                break
        if orientation:
            break
    chosen: dict[str, int] = {}  # format -> values it parses, in order of first use
    unparsed = 0
    ambiguous = False
    for shape, found in sorted(fits.items(), key=lambda kv: -sum(counts[v] for v in groups[kv[0]])):
        size = sum(counts[v] for v in groups[shape])
        if not found:
            unparsed += size
            continue
        preferred = found
        if orientation:
            preferred = [
                f
                for f in found
                if _month_first(f) is None or _day_before_month(f) == (orientation == "day")
            ] or found
        elif any(_month_first(f) for f in found):
            ambiguous = True
            us = any("%p" in f for f in found)
            preferred = [
                f for f in found if _month_first(f) is None or (not _day_before_month(f)) == us
            ] or found
        fmt = preferred[0]
        failed = sum(counts[v] for v in groups[shape] if parses(fmt, v) is None)
        unparsed += failed
        chosen[fmt] = chosen.get(fmt, 0) + size - failed
    if ambiguous and not orientation:
        us = any("%p" in f for f in chosen)
        evidence = (
            f"no day or month > 12 seen: {'month' if us else 'day'} first assumed"
            f"{' (AM/PM)' if us else ''} — check"
        )
    return list(chosen.items()), unparsed, evidence


HMS = re.compile(r"^-?\d+:\d{2}:\d{2}(?:[.,]\d+)?$")
MMSS = re.compile(r"^-?\d+:\d{2}(?:[.,]\d+)?$")
NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|[.,]\d+)$")


def shape_of(value: str) -> str:
    if HMS.match(value):
        return "hms"
    if MMSS.match(value):
        return "mmss"
    return "seconds" if NUMBER.match(value) else "other"


def number_style(
    values: Iterable[str], comma_decimal: bool | None
) -> tuple[str, str | None, list[float]] | None:
    """(decimal separator, thousands separator, numbers) when every value is a number."""
    values = list(values)
    bodies = [value.lstrip("+-") for value in values]
    # both separators in one value: the last one is the decimal separator
    decimal = next(
        (
            "," if body.rindex(",") > body.rindex(".") else "."
            for body in bodies
            if "." in body and "," in body
        ),
        None,
    )
    if decimal is None:  # one separator, once, not before exactly three digits
        decimal = next(
            (
                sep
                for body in bodies
                for sep in (",", ".")
                if body.count(sep) == 1 and len(body.split(sep)[1]) != 3
            ),
            None,
        )
    if decimal is None:  # every separator may group thousands: the file's habit decides
        decimal = "," if comma_decimal else "."
    thousands = "." if decimal == "," else ","
    numbers, grouped = [], False
    for value in values:
        body = value
        if thousands in body:
            if not re.fullmatch(
                rf"[+-]?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+"
                rf"(?:{re.escape(decimal)}\d+)?",
                body,
            ):
                return None
            grouped = True
            body = body.replace(thousands, "")
        try:
            numbers.append(float(body.replace(decimal, ".")))
        except ValueError:
            return None
    return decimal, (thousands if grouped else None), numbers
