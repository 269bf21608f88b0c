"""Placing canonical fields on source columns (by header vocabulary and value type), and
which kind of file (contacts, surveys, qa) the columns say it is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from ..config import CANONICAL_COLUMNS, KEY_COLUMN, KINDS, QA_SECTIONS, TIMESTAMP_COLUMN
from .canonical import DURATION_FIELDS, FLAG_FIELDS, ID_FIELDS
from .guess import ColumnGuess
from .vocabulary import name_scores, normalise


def fits(canonical: str, guess: ColumnGuess) -> bool:
    """Can the column hold this canonical field, by its values?"""
    kind = guess.type
    if canonical.startswith("section:") or canonical == "score_pct":
        return (
            kind in ("integer", "number", "percent")
            and guess.low is not None
            and guess.low >= 0
            and guess.high <= 200
        )
    if canonical in ID_FIELDS:
        return kind in ("id", "integer", "code")
    if canonical in ("queue", "agent_id", "evaluator_id"):
        return kind in ("code", "id", "integer", "text")
    if canonical in ("channel", "contact_reason"):
        return kind == "code"
    if canonical == "evaluator_org":
        return kind == "code" and guess.distinct <= 6
    if canonical in TIMESTAMP_COLUMN.values():
        return kind in ("datetime", "date", "time")
    if canonical in FLAG_FIELDS:
        return kind == "flag"
    if canonical in DURATION_FIELDS:
        return kind == "duration" or (kind in ("integer", "number") and guess.low >= 0)
    if canonical == "csat":
        return kind in ("integer", "number") and guess.low >= 0 and guess.high <= 110
    if canonical == "nps":
        return kind == "integer" and guess.low >= 0 and guess.high <= 12
    if canonical == "comment":
        return kind in ("text", "code", "id")
    return False


def kind_fields(kind: str) -> list[str]:
    names = list(CANONICAL_COLUMNS[kind])
    if kind == "qa":
        names += [f"section:{s}" for s in QA_SECTIONS]
    return names


def map_fields(
    kind: str, guesses: Sequence[ColumnGuess], exclude: Iterable[str] = ()
) -> dict[str, tuple[str, int]]:
    """Canonical field -> (source column, name score), greedily by score then file order;
    each source column placed once."""
    allowed = set(kind_fields(kind))
    excluded = set(exclude)
    candidates = []
    for position, guess in enumerate(guesses):
        if guess.name in excluded or guess.type == "empty":
            continue
        for canonical, score in name_scores(guess.name).items():
            if canonical not in allowed or not fits(canonical, guess):
                continue
            if canonical == KEY_COLUMN[kind] and score <= 4:
                score += 1  # a bare "ID" is the kind's own key before a reference
            candidates.append((-score, position, canonical, guess.name))
    placed: dict[str, tuple[str, int]] = {}
    used: set[str] = set()
    for negative, _, canonical, column in sorted(candidates):
        if canonical in placed or column in used:
            continue
        placed[canonical] = (column, -negative)
        used.add(column)
    return placed


KIND_SPECIFIC = {
    "contacts": {
        "channel",
        "queue",
        "answered",
        "abandoned",
        "wait_s",
        "talk_s",
        "hold_s",
        "wrap_s",
        "transferred",
        "complaint",
        "contact_reason",
        "started_at",
    },
    "surveys": {"survey_id", "csat", "nps", "resolved", "comment", "responded_at"},
    "qa": {
        "evaluation_id",
        "evaluator_id",
        "evaluator_org",
        "score_pct",
        "critical_fail",
        "evaluated_at",
        *(f"section:{s}" for s in QA_SECTIONS),
    },
}
KIND_FILE_WORDS = {
    "contacts": r"(call|contact|interaction|cdr|acd|anruf|contacto|chamada|llamada|appel|"
    r"calllog|conversation|ticket)",
    "surveys": r"(csat|survey|nps|inquerito|umfrage|encuesta|enquete|feedback|satisf)",
    "qa": r"(\bqa\b|quality|qualidade|qualitat|evaluation|avaliac|bewertung|calidad|"
    r"qualite|scorecard|audit)",
}


def kind_scores(guesses: Sequence[ColumnGuess], file_name: str) -> dict[str, float]:
    """How strongly the file's columns (and name) say contacts, surveys or qa."""
    name = normalise(PurePath(file_name).name.split(".")[0])
    scores = {}
    for kind in KINDS:
        placed = map_fields(kind, guesses)
        score = sum(
            s if c not in TIMESTAMP_COLUMN.values() else s / 2
            for c, (_, s) in placed.items()
            if c in KIND_SPECIFIC[kind]
        )
        if re.search(KIND_FILE_WORDS[kind], name):
            score += 5
        scores[kind] = score
    return scores
