"""Deliberate defects, added as *extra* rows to a finished text table.

Every dirt row is a copy of a real row: an exact duplicate placed a few rows later, or
a copy with a fresh id and one broken field (too few fields, an unparseable date or
duration, a negative duration, an out-of-range score, a contact id that exists
nowhere) placed at a random position. The clean rows stay untouched, so the counts in
MANIFEST.json are exact: clean rows = rows - sum of dirt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.samplegen.sinks import FIELD_COUNT

DUPLICATE = "duplicate"
TOO_FEW_FIELDS = "too_few_fields"
BAD_DATE = "unparseable_date"
BAD_DURATION = "unparseable_duration"
NEGATIVE_DURATION = "negative_duration"
CSAT_OUT_OF_RANGE = "csat_out_of_range"
NPS_OUT_OF_RANGE = "nps_out_of_range"
QA_OUT_OF_RANGE = "qa_score_out_of_range"
UNKNOWN_CONTACT = "unknown_contact_id"

# Receives copies of the source rows and fresh id numbers (one per row); returns the
# broken rows.
Mutation = Callable[[pd.DataFrame, np.ndarray], pd.DataFrame]


@dataclass(frozen=True)
class Dirt:
    kind: str
    count: int
    mutate: Mutation | None = None  # None: an exact duplicate
    eligible: np.ndarray | None = None  # bool mask of rows that may be the source
    keep_fields: int | None = None  # for TOO_FEW_FIELDS: fields the row keeps


def set_column(column: str, value: str) -> Mutation:
    def mutate(rows: pd.DataFrame, fresh: np.ndarray) -> pd.DataFrame:
        return rows.assign(**{column: value})

    return mutate


def then(*steps: Mutation) -> Mutation:
    def mutate(rows: pd.DataFrame, fresh: np.ndarray) -> pd.DataFrame:
        for step in steps:
            rows = step(rows, fresh)
        return rows

    return mutate


def inject(
    table: pd.DataFrame, recipes: list[Dirt], rng: np.random.Generator, fresh_start: int
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The table with dirt rows inserted, and the number of dirt rows by kind."""
    dirty, counts, _ = inject_marked(table, recipes, rng, fresh_start)
    return dirty, counts


def inject_marked(
    table: pd.DataFrame, recipes: list[Dirt], rng: np.random.Generator, fresh_start: int
) -> tuple[pd.DataFrame, dict[str, int], np.ndarray]:
    """As ``inject``, plus each output row's dirt kind ("" for a clean row), for an
    export that is split over several files."""
    n = len(table)
    pieces, keys = [table.assign(**{FIELD_COUNT: len(table.columns)})], [np.arange(n, dtype=float)]
    kinds = [np.full(n, "", dtype=object)]
    counts: Counter[str] = Counter()
    next_fresh = fresh_start
    for recipe in recipes:
        pool = np.flatnonzero(recipe.eligible) if recipe.eligible is not None else np.arange(n)
        if recipe.count == 0 or len(pool) < recipe.count:
            continue
        sources = np.sort(rng.choice(pool, recipe.count, replace=False))
        rows = table.iloc[sources].reset_index(drop=True)
        if recipe.mutate is None:
            position = np.minimum(sources + rng.integers(1, 40, recipe.count), n - 1) + 0.5
        else:
            fresh = np.arange(next_fresh, next_fresh + recipe.count)
            next_fresh += recipe.count
            rows = recipe.mutate(rows, fresh)
            position = rng.uniform(0, n, recipe.count)
        fields = recipe.keep_fields if recipe.keep_fields is not None else len(table.columns)
        pieces.append(rows.assign(**{FIELD_COUNT: fields}))
        keys.append(position)
        kinds.append(np.full(recipe.count, recipe.kind, dtype=object))
        counts[recipe.kind] += recipe.count
    combined = pd.concat(pieces, ignore_index=True)
    order = np.argsort(np.concatenate(keys), kind="stable")
    return (
        combined.iloc[order].reset_index(drop=True),
        dict(sorted(counts.items())),
        np.concatenate(kinds)[order],
    )


UNKNOWN_CONTACT_BASE = 90_000_000  # no centre numbers its contacts this high


def fresh_id(column: str, format_ids: Callable[[np.ndarray], pd.Series]) -> Mutation:
    """Give each broken row a new id just past the clean ids, so it adds a record."""

    def mutate(rows: pd.DataFrame, fresh: np.ndarray) -> pd.DataFrame:
        return rows.assign(**{column: format_ids(fresh).to_numpy()})

    return mutate


def unknown_contact(column: str, format_ids: Callable[[np.ndarray], pd.Series]) -> Mutation:
    """Point the row at a contact id in the centre's own id format that exists nowhere."""

    def mutate(rows: pd.DataFrame, fresh: np.ndarray) -> pd.DataFrame:
        return rows.assign(**{column: format_ids(UNKNOWN_CONTACT_BASE + fresh).to_numpy()})

    return mutate
