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


def kind_block(kind: str, fields_: dict[str, tuple[str, int]],
               plans: dict[str, dict[str, tuple[str, int]]], stamp: dict[str, Any],
               by_name: dict[str, ColumnGuess], guesses: Sequence[ColumnGuess],
               key: KeyChoice, primary: str, outcome: ColumnGuess | None,
               direction: ColumnGuess | None, defaults: ExportDefaults, sample: Sample,
               oracle: Uniqueness, unplaced: list[str],
               known: dict[str, dict[str, tuple[str, str]]]) -> Block:
    block = Block()
    columns = Block()
    constants = Block()
    canonical_names = list(CANONICAL_COLUMNS[kind])
    timestamp_field = TIMESTAMP_COLUMN[kind]
    key_field = KEY_COLUMN[kind]

    if kind == "surveys" and kind != primary:
        survey_id = fields_.get("survey_id", (None, 0))[0]
        presence = survey_id or next(fields_[f][0] for f in ("csat", "nps") if f in fields_)
        block.append(Entry("present_if", presence,
                           f"filled in on {plural(by_name[presence].count, 'sampled row')} "
                           f"of {count_text(by_name[presence].count + by_name[presence].empty)}"))

    # timestamp format
    if stamp.get("missing"):
        block.append(Entry("timestamp_format", "%Y-%m-%d %H:%M:%S",
                           f"FILL IN: no timestamp column found for {timestamp_field}"))
    else:
        formats = stamp["formats"]
        block.append(Entry("timestamp_format", formats[0] if len(formats) == 1 else formats,
                           shortened(stamp["why"], 400)))

    for name in canonical_names:
        if name == key_field and kind == primary:
            if key.synthetic:
                columns.append(Entry(name, {"synthetic": Raw(key.synthetic)}, key.reason))
            elif len(key.columns) == 2 and not key.legs:
                columns.append(Entry(name, {"columns": list(key.columns)}, key.reason))
            else:
                columns.append(Entry(name, key.columns[0],
                                     "one row per leg: see legs" if key.legs
                                     else key.reason))
            continue
        if name == key_field:  # the survey on a contacts row: its own id
            column = fields_.get(name, (None, 0))[0]
            if column:
                distinct, _ = oracle.distinct((column,))
                sharing = oracle.sharing_rows((column,))
                columns.append(Entry(name, column, (
                    f"unique over the {plural(distinct, 'row')} that have one"
                    if not sharing else f"? not unique: {plural(sharing, 'row')} share "
                                        "an id with a different row")))
            else:
                columns.append(Entry(name, {"synthetic": Raw("row")},
                                     "no survey id column: the file name and row number"))
            continue
        if name == "contact_id" and kind != primary:
            if primary == "contacts" and key.columns:
                columns.append(Entry(name, key.columns[0] if len(key.columns) == 1 or key.legs
                                     else {"columns": list(key.columns)},
                                     "the contact on the same row"))
            continue
        if name == timestamp_field:
            if stamp.get("missing"):
                columns.append(Entry(name, fill_in("column"),
                                     "FILL IN: no timestamp column found"))
                unplaced.append(f"{kind}.{name} (required)")
                continue
            source = stamp["source"]
            value = source["column"] if set(source) == {"column"} else dict(source)
            columns.append(Entry(name, value, stamp.get("column_comment",
                                                        "see timestamp_format")))
            continue
        if name in fields_:
            column, score = fields_[name]
            guess = by_name[column]
            weak = "? " if score <= 6 else ""
            value: Any = column
            if name in FLAG_FIELDS:
                value = flag_value(guess)
            elif name in DURATION_FIELDS:
                value = duration_value(guess, defaults)
            elif name in ("csat", "nps", "score_pct"):
                value = number_value(guess, defaults)
            comment = weak + guess.reason
            if column in sample.formulas:
                formula = sample.formulas[column]
                comment += f"; formulas ({formula}) — the loader reads their saved values"
                if sample.uncached.get(column):
                    comment += (f"; {plural(sample.uncached[column], 'formula cell')} "
                                "without a saved value: rejected (recalculate, save in Excel)")
            if name == "score_pct" and guess.high and guess.high <= 1:
                comment += "; ? values up to 1: a fraction, not a percentage?"
            if name == "nps":
                comment += nps_note(guess)
            columns.append(Entry(name, value, comment))
            continue
        derived = derived_flag_entry(name, kind, fields_, by_name, outcome)
        if derived:
            columns.append(derived)
            continue
        if name == "transferred" and key.legs:
            continue  # derived from several legs (see legs)
        value_based = _value_based(name, kind, guesses, plans)
        if value_based:
            columns.append(value_based)
            fields_[name] = (value_based.value, 5)
            continue
        spec = CANONICAL_COLUMNS[kind][name]
        if name == "channel" and looks_like_calls(sample):
            constants.append(Entry("channel", Raw("voice"),
                                   "? no channel column; a call log (header/file name): voice"))
            continue
        if name == "evaluator_org":
            constants.append(Entry("evaluator_org", Raw("own"),
                                   "? no column says who scored: own (the centre's QA team) "
                                   "assumed; client if the client's team scored these"))
            continue
        if spec.required and name not in ("contact_reason",):
            columns.append(Entry(name, fill_in("column"),
                                 f"FILL IN: required, no {name} column found"))
            unplaced.append(f"{kind}.{name} (required)")
        elif kind == "surveys" and name in ("csat", "nps", "resolved"):
            unplaced.append(f"{kind}.{name}")
        else:
            unplaced.append(f"{kind}.{name}")
    block.append(Entry("columns", columns))
    if constants:
        block.append(Entry("constants", constants))

    maps = Block()
    for name in ("channel", "contact_reason", "evaluator_org"):
        if name in fields_ and name in CANONICAL_COLUMNS[kind]:
            column = fields_[name][0]
            entry = value_map_entry(name, by_name[column], known.get(name, {}))
            if entry and entry.key is None:
                block.append(entry)
            elif entry:
                maps.append(entry)
    if maps:
        block.append(Entry("value_maps", maps, off=all(e.off for e in maps)))

    if kind == "surveys" and "csat" in fields_:
        lo, hi, why = csat_scale(by_name[fields_["csat"][0]])
        block.append(Entry("csat_scale", [lo, hi], why))
    if kind == "qa":
        sections = Block()
        for section in QA_SECTIONS:
            if f"section:{section}" in fields_:
                column = fields_[f"section:{section}"][0]
                guess = by_name[column]
                sections.append(Entry(section, number_value(guess, defaults),
                                      guess.reason))
        if sections:
            block.append(Entry("sections", sections, "0-100 section scores"))
    if kind == "contacts" and key.legs:
        block.append(Entry("legs", legs_block(key, fields_), key.reason))
    if kind == primary:
        key_column = by_name[key.columns[0]] if key.columns else None
        filters = filters_block(direction, outcome, key_column)
        if filters:
            block.append(Entry("filters", filters,
                               "rows that are not contacts: counted as filtered, not loaded"))
        if key.synthetic and key.exact_repeats:
            block.append(Entry("duplicates", Raw("reject"), (
                f"? {plural(key.exact_repeats, 'row')} exactly "
                f"{verb_form(key.exact_repeats, 'repeats')} an earlier row: reject "
                "keeps the first (a file pasted twice); keep loads each (two customers, same "
                "minute, same figures)")))
        elif key.synthetic:
            block.append(Entry(None, comment="duplicates: reject (the default) rejects a row "
                                             "that exactly repeats an earlier one; keep loads "
                                             "both"))
        elif key.exact_repeats:
            verb = "repeats" if key.exact_repeats == 1 else "repeat"
            block.append(Entry(None, comment=f"{plural(key.exact_repeats, 'row')} exactly "
                                             f"{verb} an earlier row: rejected as duplicates "
                                             "(duplicates: reject, the default)"))
        if key.conflicts:
            block.append(Entry("on_conflict", Raw("reject_both"), (
                f"? {plural(key.conflicts, 'row')} share their key with a different row: "
                "reject_both quarantines them; keep_first / keep_last keep one")))
    return block


def _value_based(name: str, kind: str, guesses: Sequence[ColumnGuess],
                 plans: dict[str, dict[str, tuple[str, int]]]) -> Entry | None:
    if name not in ("channel", "contact_reason") or kind != "contacts":
        return None
    taken = {c for f in plans.values() for c, _ in f.values()}
    for guess in guesses:
        if guess.type == "code" and guess.name not in taken \
                and code_share(name, guess) >= 0.5:
            return Entry(name, guess.name, f"? the values look like {name} codes: "
                                           f"{guess.reason}")
    return None
