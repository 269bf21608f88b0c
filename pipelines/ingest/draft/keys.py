"""The key search: the columns worth trying (``key_candidates``), counts over every row of
the file (``Uniqueness``: DuckDB over the whole file, or rows held in memory) and the key
they allow (``choose_key``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import duckdb

from ..sql_text import quote_ident
from .guess import ColumnGuess
from .sample import Sample
from .vocabulary import has_words
from .wording import plural, verb_form


class Uniqueness(Protocol):
    """Counts over every row of the file, for the key search."""

    rows: int

    def distinct(self, columns: Sequence[str]) -> tuple[int, int]:
        """(distinct value combinations among rows where every column has a value,
        rows where some column is empty)."""

    def distinct_rows(self) -> int:
        """Rows left when exact repeats are set aside."""

    def sharing_rows(self, columns: Sequence[str]) -> int:
        """Distinct rows whose key value another, different row also has."""


class RowsUniqueness:
    """The oracle over rows in memory (XLSX sheets, tests)."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str | None]]):
        self.index = {name: i for i, name in enumerate(header)}
        self.data = [tuple(r) for r in rows]
        self.rows = len(self.data)

    def _keys(self, columns: Sequence[str], rows: Iterable[tuple]) -> tuple[Counter, int]:
        positions = [self.index[c] for c in columns]
        keys, missing = Counter(), 0
        for row in rows:
            key = tuple(row[p] for p in positions)
            if any(k is None for k in key):
                missing += 1
            else:
                keys[key] += 1
        return keys, missing

    def distinct(self, columns: Sequence[str]) -> tuple[int, int]:
        keys, missing = self._keys(columns, self.data)
        return len(keys), missing

    def distinct_rows(self) -> int:
        return len(set(self.data))

    def sharing_rows(self, columns: Sequence[str]) -> int:
        keys, _ = self._keys(columns, set(self.data))
        return sum(n for n in keys.values() if n > 1)


def _listed(columns: Sequence[str]) -> str:
    return ", ".join(quote_ident(c) for c in columns)


def _present(columns: Sequence[str]) -> str:
    """SQL: every one of the columns has a value."""
    return " AND ".join(f"{quote_ident(c)} IS NOT NULL" for c in columns)


class DuckDBUniqueness:
    """The oracle over a DuckDB relation holding every row of the file as text."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str):
        self.con, self.table = con, table
        self.rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def distinct(self, columns: Sequence[str]) -> tuple[int, int]:
        cols, present = _listed(columns), _present(columns)
        return self.con.execute(
            f"SELECT (SELECT count(*) FROM (SELECT DISTINCT {cols} FROM {self.table} "
            f"WHERE {present})), (SELECT count(*) FROM {self.table} WHERE NOT ({present}))"
        ).fetchone()

    def distinct_rows(self) -> int:
        return self.con.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT * FROM {self.table})"
        ).fetchone()[0]

    def sharing_rows(self, columns: Sequence[str]) -> int:
        cols, present = _listed(columns), _present(columns)
        return self.con.execute(
            f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM (SELECT DISTINCT * "
            f"FROM {self.table}) WHERE {present} GROUP BY {cols} HAVING count(*) > 1)"
        ).fetchone()[0]


@dataclass(frozen=True)
class KeyChoice:
    columns: tuple[str, ...]  # the key's source column(s); () for a synthetic key
    legs: str | None = None  # "leg_column" | "order_by": the second column's role
    synthetic: str | None = None  # "row"
    exact_repeats: int = 0  # rows that repeat an earlier row exactly
    conflicts: int = 0  # rows sharing the key with a different row
    reason: str = ""


@dataclass(frozen=True)
class KeyCandidates:
    singles: list[str]  # id-like columns no field took, which may be a key alone
    partners: list[str]  # columns to pair with a repeating id, best first (12 at most)
    leg_columns: list[str]  # partners that number the legs of a contact


def key_candidates(
    guesses: Sequence[ColumnGuess],
    id_column: str | None,
    placed_columns: set[str],
    started_at: str | None,
) -> KeyCandidates:
    """The columns the key search tries beside the id column: line or site columns first
    (an id counted per line), then leg numbers, the start time, and other code and id
    columns, fewest distinct values first."""
    singles = [
        g.name
        for g in guesses
        if g.name != id_column
        and g.name not in placed_columns
        and g.type in ("id", "integer")
        and g.distinct >= 0.9 * g.count
        and g.empty <= g.count // 50
    ]
    leg_columns = [
        g.name
        for g in guesses
        if has_words(g.name, "leg") and g.type in ("integer", "code", "id", "flag")
    ]
    leg_columns += [
        g.name
        for g in guesses
        if g.type == "integer"
        and g.low is not None
        and g.low >= 0
        and g.high <= 20
        and g.name not in placed_columns
        and g.name not in leg_columns
    ]
    line_columns = [
        g.name
        for g in guesses
        if has_words(g.name, "line")
        and g.type in ("code", "id", "integer")
        and g.name not in leg_columns
    ]
    others = sorted(
        (
            g
            for g in guesses
            if g.type in ("code", "id", "integer")
            and g.name not in leg_columns + line_columns
            and g.name != started_at
        ),
        key=lambda g: g.distinct,
    )
    partners = list(
        dict.fromkeys(
            [
                *line_columns,
                *leg_columns,
                *([started_at] if started_at else []),
                *(g.name for g in others),
            ]
        )
    )[:12]
    return KeyCandidates(singles, [p for p in partners if p != id_column], leg_columns)


def choose_key(
    oracle: Uniqueness,
    kind: str,
    id_column: str | None,
    singles: Sequence[str] = (),
    partners: Sequence[str] = (),
    leg_columns: Sequence[str] = (),
    started_at: str | None = None,
    header: Sequence[str] = (),
) -> KeyChoice:
    """The key: the named id column when unique (exact repeats aside); else the first
    partner making a unique pair with it (a leg number or the start time of a contacts
    file: legs); else another unique column; else a pair of id-like columns; else a
    synthetic row key.

    ``singles``: other id-like columns, best first; ``partners``: columns to pair with,
    best first; ``leg_columns``: partners that number legs.
    """
    total = oracle.rows
    repeats = total - oracle.distinct_rows()
    rows = plural(total, "row")
    few_rows = max(2, total // 100)  # rows a key may miss or share: rejected at load
    repeat_note = (
        (
            f"; {plural(repeats, 'row')} exactly {verb_form(repeats, 'repeats')} an "
            "earlier row (rejected as duplicates)"
        )
        if repeats
        else ""
    )

    def state(columns: Sequence[str]) -> tuple[str, int]:
        distinct, missing = oracle.distinct(columns)
        if missing > few_rows:
            return "missing", missing
        present = total - missing
        if distinct == present:
            return "unique", missing
        if repeats and distinct >= present - repeats:
            return "unique_but_repeats", missing
        return "repeats", missing

    def missing_note(missing: int) -> str:
        return f"; {plural(missing, 'row')} without a value (rejected)" if missing else ""

    def ordered(pair: Sequence[str]) -> tuple[str, ...]:
        return tuple(sorted(pair, key=lambda c: header.index(c) if c in header else 0))

    def pair_choice(first: str, partner: str) -> KeyChoice | None:
        found, missing = state((first, partner))
        if found not in ("unique", "unique_but_repeats"):
            return None
        extra = (repeat_note if found == "unique_but_repeats" else "") + missing_note(missing)
        distinct, _ = oracle.distinct((first,))
        again = total - (repeats if found == "unique_but_repeats" else 0) - distinct
        if kind == "contacts" and partner in leg_columns:
            return KeyChoice(
                (first, partner),
                legs="leg_column",
                exact_repeats=repeats,
                reason=f"{first} repeats on {plural(again, 'row')}; with "
                f"{partner} it is unique over all {rows}: one row per "
                f"leg{extra}",
            )
        if kind == "contacts" and partner == started_at:
            return KeyChoice(
                (first, partner),
                legs="order_by",
                exact_repeats=repeats,
                reason=f"{first} repeats on {plural(again, 'row')} with "
                f"different start times and no leg number: one row per "
                f"leg, ordered by start{extra}",
            )
        pair = ordered((first, partner))
        return KeyChoice(
            pair,
            exact_repeats=repeats,
            reason=f"{first} repeats on {plural(again, 'row')}; "
            f"({', '.join(pair)}) is unique over all {rows}{extra}",
        )

    id_state = state((id_column,)) if id_column else ("none", 0)
    if id_state[0] == "unique":
        return KeyChoice((id_column,), reason=f"unique over all {rows}" + missing_note(id_state[1]))
    if id_state[0] == "unique_but_repeats":
        return KeyChoice(
            (id_column,),
            exact_repeats=repeats,
            reason=f"unique over all {rows} once exact repeats are set "
            f"aside{repeat_note}{missing_note(id_state[1])}",
        )
    conflicts = oracle.sharing_rows((id_column,)) if id_state[0] == "repeats" else 0
    if id_state[0] == "repeats":
        # An id on a row or two more is a conflict (on_conflict), not a second key part:
        # then only a leg number or a line/site column (named so) may complete the key.
        few = conflicts <= few_rows
        for partner in partners:
            named = partner in leg_columns or has_words(partner, "line")
            if few and not named:
                continue
            if partner != id_column and (choice := pair_choice(id_column, partner)):
                return choice
    for column in singles:
        if column != id_column and state((column,))[0] == "unique":
            return KeyChoice((column,), reason=f"unique over all {rows}")
    if id_state[0] == "repeats" and conflicts <= few_rows:
        return KeyChoice(
            (id_column,),
            exact_repeats=repeats,
            conflicts=conflicts,
            reason=f"{plural(conflicts, 'row')} share an id with a different row{repeat_note}",
        )
    for first in [c for c in singles if c != id_column][:3]:
        for partner in partners:
            if partner != first and (choice := pair_choice(first, partner)):
                return choice
    if repeats:
        why = (
            f"no column or pair of columns is unique; {plural(repeats, 'row')} exactly "
            f"{verb_form(repeats, 'repeats')} an earlier row"
        )
    else:
        why = "no column or pair of columns is unique (no id in the file)"
    return KeyChoice(
        (),
        synthetic="row",
        exact_repeats=repeats,
        reason=why + ": the key is the file name and the row number",
    )


def open_oracle(sample: Sample) -> tuple[Uniqueness, duckdb.DuckDBPyConnection | None]:
    """Counts over every row of the file: DuckDB reads CSV and Parquet files whole (with
    the sniffed dialect); an XLSX sheet's rows are already in memory."""
    if sample.format == "xlsx":
        return RowsUniqueness(sample.header, sample.all_rows or sample.rows), None
    con = duckdb.connect()
    columns = ", ".join(
        f"NULLIF(trim(CAST({quote_ident(c)} AS VARCHAR)), '') AS {quote_ident(c)}"
        for c in sample.header
    )
    try:
        if sample.format == "parquet":
            con.execute(
                f"CREATE TABLE whole AS SELECT {columns} FROM read_parquet($path)",
                {"path": str(sample.path)},
            )
        else:
            con.execute(
                f"CREATE TABLE whole AS SELECT {columns} FROM read_csv($path, "
                "columns = $columns, header = true, auto_detect = false, delim = $delim, "
                "quote = $quote, escape = $quote, skip = $skip, encoding = $encoding, "
                "compression = $compression, ignore_errors = true)",
                {
                    "path": str(sample.path),
                    "columns": {c: "VARCHAR" for c in sample.header},
                    "delim": sample.delimiter,
                    "quote": sample.quote,
                    "skip": sample.skip_rows,
                    "encoding": sample.encoding,
                    "compression": "gzip" if sample.format == "csv.gz" else "none",
                },
            )
    except duckdb.Error:
        con.close()  # the reader disagrees with the sniffed dialect: fall back to the sample
        return RowsUniqueness(sample.header, sample.rows), None
    return DuckDBUniqueness(con, "whole"), con
