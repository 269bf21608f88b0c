"""One kind's block of the export (contacts, surveys or qa): timestamp format, columns,
constants, value_maps, scales, sections, legs, filters, duplicates and conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..config import CANONICAL_COLUMNS, KEY_COLUMN, QA_SECTIONS, TIMESTAMP_COLUMN
from .canonical import DURATION_FIELDS, FLAG_FIELDS
from .codes import code_share, value_map_entry
from .column_values import ExportDefaults, duration_value, flag_value, number_value
from .contacts import derived_flag_entry, filters_block, legs_block, looks_like_calls
from .guess import ColumnGuess
from .keys import KeyChoice, Uniqueness
from .render import Block, Entry, Raw
from .sample import Sample
from .scales import csat_scale, nps_note
from .wording import count_text, fill_in, plural, shortened, verb_form


def kind_block(
    kind: str,
    fields_: dict[str, tuple[str, int]],
    plans: dict[str, dict[str, tuple[str, int]]],
    stamp: dict[str, Any],
    by_name: dict[str, ColumnGuess],
    guesses: Sequence[ColumnGuess],
    key: KeyChoice,
    primary: str,
    outcome: ColumnGuess | None,
    direction: ColumnGuess | None,
    defaults: ExportDefaults,
    sample: Sample,
    oracle: Uniqueness,
    unplaced: list[str],
    known: dict[str, dict[str, tuple[str, str]]],
) -> Block:
    """The kind's block; ``fields_`` (canonical field -> (column, name score)) gains the
    fields placed by their values, ``unplaced`` the fields no column was found for."""
    block = Block()
    if kind == "surveys" and kind != primary:
        block.append(_present_if(fields_, by_name))
    block.append(_timestamp_format(kind, stamp))
    columns, constants = Block(), Block()
    for name in CANONICAL_COLUMNS[kind]:
        if name == KEY_COLUMN[kind]:
            columns.append(
                _key_entry(name, key) if kind == primary else _own_id_entry(name, fields_, oracle)
            )
        elif name == "contact_id" and kind != primary:
            if primary == "contacts" and key.columns:
                columns.append(
                    Entry(
                        name,
                        key.columns[0]
                        if len(key.columns) == 1 or key.legs
                        else {"columns": list(key.columns)},
                        "the contact on the same row",
                    )
                )
        elif name == TIMESTAMP_COLUMN[kind]:
            columns.append(_timestamp_entry(name, stamp))
            if stamp.get("missing"):
                unplaced.append(f"{kind}.{name} (required)")
        elif name in fields_:
            column, score = fields_[name]
            columns.append(_mapped_entry(name, by_name[column], score, defaults, sample))
        elif derived := derived_flag_entry(name, kind, fields_, by_name, outcome):
            columns.append(derived)
        elif name == "transferred" and key.legs:
            continue  # derived from several legs (see legs)
        elif value_based := _value_based(name, kind, guesses, plans):
            columns.append(value_based)
            fields_[name] = (value_based.value, 5)
        elif name == "channel" and looks_like_calls(sample):
            constants.append(
                Entry(
                    "channel",
                    Raw("voice"),
                    "? no channel column; a call log (header/file name): voice",
                )
            )
        elif name == "evaluator_org":
            constants.append(
                Entry(
                    "evaluator_org",
                    Raw("own"),
                    "? no column says who scored: own (the centre's QA team) "
                    "assumed; client if the client's team scored these",
                )
            )
        elif CANONICAL_COLUMNS[kind][name].required:
            columns.append(
                Entry(name, fill_in("column"), f"FILL IN: required, no {name} column found")
            )
            unplaced.append(f"{kind}.{name} (required)")
        else:
            unplaced.append(f"{kind}.{name}")
    block.append(Entry("columns", columns))
    if constants:
        block.append(Entry("constants", constants))
    block.extend(_value_maps(kind, fields_, by_name, known))
    if kind == "surveys" and "csat" in fields_:
        lo, hi, why = csat_scale(by_name[fields_["csat"][0]])
        block.append(Entry("csat_scale", [lo, hi], why))
    if kind == "qa":
        sections = Block()
        for section in QA_SECTIONS:
            if f"section:{section}" in fields_:
                guess = by_name[fields_[f"section:{section}"][0]]
                sections.append(Entry(section, number_value(guess, defaults), guess.reason))
        if sections:
            block.append(Entry("sections", sections, "0-100 section scores"))
    if kind == "contacts" and key.legs:
        block.append(Entry("legs", legs_block(key, fields_), key.reason))
    if kind == primary:
        key_column = by_name[key.columns[0]] if key.columns else None
        block.extend(_row_rules(key, direction, outcome, key_column))
    return block


def _present_if(fields_: dict[str, tuple[str, int]], by_name: dict[str, ColumnGuess]) -> Entry:
    """The survey on a contacts row: there when its id (else its score) is filled in."""
    survey_id = fields_.get("survey_id", (None, 0))[0]
    presence = by_name[survey_id or next(fields_[f][0] for f in ("csat", "nps") if f in fields_)]
    return Entry(
        "present_if",
        presence.name,
        f"filled in on {plural(presence.count, 'sampled row')} "
        f"of {count_text(presence.count + presence.empty)}",
    )


def _timestamp_format(kind: str, stamp: dict[str, Any]) -> Entry:
    if stamp.get("missing"):
        return Entry(
            "timestamp_format",
            "%Y-%m-%d %H:%M:%S",
            f"FILL IN: no timestamp column found for {TIMESTAMP_COLUMN[kind]}",
        )
    formats = stamp["formats"]
    return Entry(
        "timestamp_format",
        formats[0] if len(formats) == 1 else formats,
        shortened(stamp["why"], 400),
    )


def _key_entry(name: str, key: KeyChoice) -> Entry:
    """The main kind's key, as the key search chose it."""
    if key.synthetic:
        return Entry(name, {"synthetic": Raw(key.synthetic)}, key.reason)
    if len(key.columns) == 2 and not key.legs:
        return Entry(name, {"columns": list(key.columns)}, key.reason)
    return Entry(name, key.columns[0], "one row per leg: see legs" if key.legs else key.reason)


def _own_id_entry(name: str, fields_: dict[str, tuple[str, int]], oracle: Uniqueness) -> Entry:
    """The survey on a contacts row: its own id column, else a synthetic one."""
    column = fields_.get(name, (None, 0))[0]
    if not column:
        return Entry(
            name, {"synthetic": Raw("row")}, "no survey id column: the file name and row number"
        )
    distinct, _ = oracle.distinct((column,))
    sharing = oracle.sharing_rows((column,))
    return Entry(
        name,
        column,
        (
            f"unique over the {plural(distinct, 'row')} that have one"
            if not sharing
            else f"? not unique: {plural(sharing, 'row')} share an id with a different row"
        ),
    )


def _timestamp_entry(name: str, stamp: dict[str, Any]) -> Entry:
    if stamp.get("missing"):
        return Entry(name, fill_in("column"), "FILL IN: no timestamp column found")
    source = stamp["source"]
    value = source["column"] if set(source) == {"column"} else dict(source)
    return Entry(name, value, stamp.get("column_comment", "see timestamp_format"))


def _mapped_entry(
    name: str, guess: ColumnGuess, score: int, defaults: ExportDefaults, sample: Sample
) -> Entry:
    """A field placed on a column by its header: the column in its per-field form, the
    evidence (a weak name score marked ?) and what the loader will make of formulas."""
    value: Any = guess.name
    if name in FLAG_FIELDS:
        value = flag_value(guess)
    elif name in DURATION_FIELDS:
        value = duration_value(guess, defaults)
    elif name in ("csat", "nps", "score_pct"):
        value = number_value(guess, defaults)
    comment = ("? " if score <= 6 else "") + guess.reason
    if guess.name in sample.formulas:
        comment += (
            f"; formulas ({sample.formulas[guess.name]}) — the loader reads their saved values"
        )
        if uncached := sample.uncached.get(guess.name):
            comment += (
                f"; {plural(uncached, 'formula cell')} without a saved value: "
                "rejected (recalculate, save in Excel)"
            )
    if name == "score_pct" and guess.high and guess.high <= 1:
        comment += "; ? values up to 1: a fraction, not a percentage?"
    if name == "nps":
        comment += nps_note(guess)
    return Entry(name, value, comment)


def _value_based(
    name: str,
    kind: str,
    guesses: Sequence[ColumnGuess],
    plans: dict[str, dict[str, tuple[str, int]]],
) -> Entry | None:
    """A channel or reason column no header names, found by its values."""
    if name not in ("channel", "contact_reason") or kind != "contacts":
        return None
    taken = {c for f in plans.values() for c, _ in f.values()}
    for guess in guesses:
        if guess.type == "code" and guess.name not in taken and code_share(name, guess) >= 0.5:
            return Entry(name, guess.name, f"? the values look like {name} codes: {guess.reason}")
    return None


def _value_maps(
    kind: str,
    fields_: dict[str, tuple[str, int]],
    by_name: dict[str, ColumnGuess],
    known: dict[str, dict[str, tuple[str, str]]],
) -> list[Entry]:
    """The value_maps block (commented out when it guesses nothing), after the notes on
    code columns that need no map."""
    notes, maps = [], Block()
    for name in ("channel", "contact_reason", "evaluator_org"):
        if name in fields_ and name in CANONICAL_COLUMNS[kind]:
            entry = value_map_entry(name, by_name[fields_[name][0]], known.get(name, {}))
            if entry and entry.key is None:
                notes.append(entry)
            elif entry:
                maps.append(entry)
    if maps:
        notes.append(Entry("value_maps", maps, off=all(e.off for e in maps)))
    return notes


def _row_rules(
    key: KeyChoice,
    direction: ColumnGuess | None,
    outcome: ColumnGuess | None,
    key_column: ColumnGuess | None,
) -> list[Entry]:
    """filters, duplicates and on_conflict of the main kind."""
    entries = []
    filters = filters_block(direction, outcome, key_column)
    if filters:
        entries.append(
            Entry("filters", filters, "rows that are not contacts: counted as filtered, not loaded")
        )
    repeats = key.exact_repeats
    if key.synthetic and repeats:
        entries.append(
            Entry(
                "duplicates",
                Raw("reject"),
                (
                    f"? {plural(repeats, 'row')} exactly {verb_form(repeats, 'repeats')} "
                    "an earlier row: reject keeps the first (a file pasted twice); "
                    "keep loads each (two customers, same minute, same figures)"
                ),
            )
        )
    elif key.synthetic:
        entries.append(
            Entry(
                None,
                comment="duplicates: reject (the default) rejects a row "
                "that exactly repeats an earlier one; keep loads "
                "both",
            )
        )
    elif repeats:
        entries.append(
            Entry(
                None,
                comment=f"{plural(repeats, 'row')} exactly "
                f"{verb_form(repeats, 'repeats')} an earlier row: "
                "rejected as duplicates (duplicates: reject, the "
                "default)",
            )
        )
    if key.conflicts:
        entries.append(
            Entry(
                "on_conflict",
                Raw("reject_both"),
                (
                    f"? {plural(key.conflicts, 'row')} share their key with a different row: "
                    "reject_both quarantines them; keep_first / keep_last keep one"
                ),
            )
        )
    return entries
