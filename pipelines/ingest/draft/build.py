"""Assembling the draft: the sample read, columns classified, fields placed, the key
searched, then the export's entries and the centre block to fill in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import KEY_COLUMN, KINDS
from .canonical import DURATION_FIELDS
from .codes import known_value_maps
from .column_values import ExportDefaults
from .columns import classify_column, file_decimal_comma
from .contacts import direction_column, outcome_column
from .customers import identifier_entries
from .fields import kind_scores, map_fields
from .flags import flag_pairs
from .guess import ColumnGuess
from .keys import KeyChoice, Uniqueness, choose_key, key_candidates, open_oracle
from .kind_block import kind_block
from .patterns import file_pattern
from .reading import read_sample
from .render import Block, Entry, Items, Raw, render_yaml
from .sample import SAMPLE_ROWS, Sample
from .timestamps import dst_note, timestamp_plan
from .wording import plural


@dataclass
class Draft:
    path: Path
    sample: Sample
    guesses: list[ColumnGuess]
    kinds: list[str]
    key: KeyChoice
    entries: list[Entry]
    preamble: list[str]
    total_rows: int

    @property
    def text(self) -> str:
        return render_yaml(self.entries, self.preamble)


CENTRE_PLACEHOLDERS = (
    ("id", "<centre id>", "FILL IN: lower-case letters, digits and _ (e.g. acme_cpt)"),
    ("name", "<display name>", "FILL IN"),
    ("sourcing", "<in_house or vendor>", "FILL IN"),
    ("vendor", "<vendor company>", "FILL IN, or null for an in-house centre"),
    ("shore", "<onshore, nearshore or offshore>", "FILL IN"),
    ("country", "<XX>", "FILL IN: ISO 3166-1 alpha-2 code of the centre"),
    (
        "timezone",
        "<Area/City>",
        "FILL IN: the IANA zone the local times are written in (e.g. Europe/London)",
    ),
)


def build_draft(
    path: Path,
    centre_id: str | None = None,
    exports_root: Path | None = None,
    sample_rows: int = SAMPLE_ROWS,
    config_dir: Path | None = None,
) -> Draft:
    """Read the file and assemble the commented proposal. ``config_dir``: existing
    source configs whose value_maps suggest codes for the same words."""
    path = Path(path)
    known = known_value_maps(config_dir)
    sample = read_sample(path, sample_rows)
    comma, comma_why = (
        file_decimal_comma(sample) if sample.format in ("csv", "csv.gz") else (False, "")
    )
    pairs = flag_pairs(sample)
    guesses = [
        classify_column(h, sample.column(i), comma, pairs) for i, h in enumerate(sample.header)
    ]
    scores = kind_scores(guesses, path.name)
    primary = max(KINDS, key=lambda k: (scores[k], -KINDS.index(k)))
    oracle, con = open_oracle(sample)
    if con is None and sample.format != "xlsx" and not sample.complete:
        sample.notes["keys"] = "sampled rows only (DuckDB could not read the whole file)"
    try:
        return _assemble(
            path,
            sample,
            guesses,
            primary,
            scores,
            oracle,
            comma,
            comma_why,
            centre_id,
            exports_root,
            known,
        )
    finally:
        if con is not None:
            con.close()


def _assemble(
    path: Path,
    sample: Sample,
    guesses: list[ColumnGuess],
    primary: str,
    scores: dict[str, float],
    oracle: Uniqueness,
    comma: bool,
    comma_why: str,
    centre_id: str | None,
    exports_root: Path | None,
    known: dict[str, dict[str, tuple[str, str]]],
) -> Draft:
    by_name = {g.name: g for g in guesses}
    outcome = outcome_column(guesses) if primary == "contacts" else None
    direction = direction_column(guesses) if primary == "contacts" else None
    plans, used = _field_plans(primary, guesses, {g.name for g in (outcome, direction) if g})
    timestamps: dict[str, dict[str, Any]] = {}
    for kind, fields_ in plans.items():
        timestamps[kind] = timestamp_plan(
            kind, fields_, guesses, used, path, exports_root, sample.date_cells
        )
        used |= set(timestamps[kind]["columns"])

    # the key of the main kind
    id_column = plans[primary].get(KEY_COLUMN[primary], (None, 0))[0]
    started = timestamps[primary]["source"].get("column") if primary == "contacts" else None
    placed_columns = {c for f in plans.values() for c, _ in f.values()}
    candidates = key_candidates(guesses, id_column, placed_columns, started)
    key = choose_key(
        oracle,
        primary,
        id_column,
        candidates.singles,
        candidates.partners,
        candidates.leg_columns,
        started,
        sample.header,
    )

    durations = [
        by_name[c] for f in plans.values() for name, (c, _) in f.items() if name in DURATION_FIELDS
    ]
    defaults = _export_defaults(comma, durations)
    placeholder = "day" if timestamps[primary].get("date_from_file") else None
    pattern, _, pattern_why = file_pattern(path, exports_root, placeholder)
    export = [
        Entry("pattern", pattern, pattern_why),
        *_writing_entries(sample, comma_why, defaults, durations),
    ]
    export.extend(identifier_entries(guesses, used | set(key.columns), sample))
    if sample.malformed:
        export.append(
            Entry(
                None,
                comment=f"{plural(sample.malformed, 'sampled row')} "
                "with the wrong field count: rejected at load",
            )
        )
    for kind in plans:
        stamp_col = timestamps[kind]["source"].get("column")
        if stamp_col and (
            note := dst_note(by_name[stamp_col], sample.column(sample.header.index(stamp_col)))
        ):
            export.append(Entry("ambiguous_times", Raw("earliest"), note, off=True))
            break

    unplaced: list[str] = []
    for kind, fields_ in plans.items():
        block = kind_block(
            kind,
            fields_,
            plans,
            timestamps[kind],
            by_name,
            guesses,
            key,
            primary,
            outcome,
            direction,
            defaults,
            sample,
            oracle,
            unplaced,
            known,
        )
        export.append(Entry(kind, block, _kind_reason(kind, scores, primary)))
    used_now = _used_columns(export)
    unused = [c for c in sample.header if c not in used_now]
    export.append(Entry(None))
    if unplaced:
        export.append(Entry(None, comment="Not placed (no column found): " + ", ".join(unplaced)))
    export.append(
        Entry(
            None,
            comment="Source columns not used: "
            + (", ".join(f"{c} ({by_name[c].type})" for c in unused) or "none"),
        )
    )

    entries = [
        Entry("centre", _centre_block(centre_id, export)),
        Entry(None),
        Entry("exports", Items([Block(export)])),
    ]
    return Draft(
        path=path,
        sample=sample,
        guesses=guesses,
        kinds=list(plans),
        key=key,
        entries=entries,
        preamble=_preamble(path, sample, oracle.rows),
        total_rows=oracle.rows,
    )


def _field_plans(
    primary: str, guesses: Sequence[ColumnGuess], reserved: set[str]
) -> tuple[dict[str, dict[str, tuple[str, int]]], set[str]]:
    """Kind -> canonical field -> (column, name score), and the columns they use: the main
    kind's fields, and on a contacts file the survey answered on the same row when strong
    CSAT or NPS columns and a survey id or time say there is one."""
    placed = map_fields(primary, guesses, reserved)
    plans = {primary: placed}
    used = {c for c, _ in placed.values()} | reserved
    if primary == "contacts":
        surveys = map_fields("surveys", guesses, used)
        strong = [f for f in ("csat", "nps") if surveys.get(f, ("", 0))[1] >= 9]
        if strong and ("survey_id" in surveys or "responded_at" in surveys):
            surveys.pop("contact_id", None)
            plans["surveys"] = surveys
            used |= {c for c, _ in surveys.values()}
    return plans, used


def _export_defaults(comma: bool, durations: Sequence[ColumnGuess]) -> ExportDefaults:
    """The decimal separator, and the duration format when every duration column shares
    seconds or H:MM:SS (export-level keys then, not one per column)."""
    defaults = ExportDefaults(decimal="," if comma else ".")
    formats = {(g.format or "seconds") for g in durations}
    if len(formats) == 1 and formats <= {"seconds", "hms"}:
        defaults.duration_format = formats.pop()
    return defaults


def _writing_entries(
    sample: Sample, comma_why: str, defaults: ExportDefaults, durations: Sequence[ColumnGuess]
) -> list[Entry]:
    """How the file is written: format, sheet, encoding, dialect, skipped rows, decimal
    separator, duration format."""
    notes = sample.notes
    entries = [Entry("format", Raw(sample.format), notes.get("format", ""))]
    if sample.sheet:
        entries.append(Entry("sheet", sample.sheet, notes.get("sheet", "")))
    if sample.format in ("csv", "csv.gz"):
        entries.append(Entry("encoding", Raw(sample.encoding), notes["encoding"]))
        entries.append(Entry("delimiter", sample.delimiter, notes["delimiter"]))
        entries.append(Entry("quote", sample.quote, notes["quote"]))
    if sample.format in ("csv", "csv.gz", "xlsx"):
        entries.append(Entry("skip_rows", sample.skip_rows, notes["skip_rows"]))
    if defaults.decimal == ",":
        entries.append(Entry("decimal_separator", ",", comma_why))
    if defaults.duration_format:
        example = next(g for g in durations if (g.format or "seconds") == defaults.duration_format)
        entries.append(
            Entry(
                "duration_format",
                Raw(defaults.duration_format),
                f"every duration column: {example.reason}",
            )
        )
    return entries


def _centre_block(centre_id: str | None, export: Sequence[Entry]) -> Block:
    """The centre's keys to fill in (the id when --centre gave it)."""
    centre = Block()
    for name, placeholder_text, why in CENTRE_PLACEHOLDERS:
        if name == "id" and centre_id:
            centre.append(Entry("id", centre_id, "from --centre"))
            continue
        if name == "country":
            code = next((e.comment for e in export if e.key == "default_country_code"), "")
            if code:
                why += f"; the customers' phones say {code.split(' (')[-1].rstrip(')')}"
        centre.append(Entry(name, placeholder_text, why))
    return centre


def _preamble(path: Path, sample: Sample, total_rows: int) -> list[str]:
    keys_checked = (
        f"; keys checked over the {plural(total_rows, 'sampled row')} only "
        "(DuckDB could not read the whole file)."
        if "keys" in sample.notes
        else f"; keys checked over all {plural(total_rows, 'row')}."
    )
    return [
        f"Draft source config for {path.name}, written by `python -m pipelines draft-config`.",
        f"Formats guessed from the first {plural(len(sample.rows), 'data row')}"
        + ("" if sample.complete else " (a sample)")
        + keys_checked,
        "Every guess says why in its comment. A comment starting with ? is a weak guess;",
        "FILL IN marks what only you know. Save it as <config dir>/sources/<centre id>.yaml,",
        "then dry-run it, load, and look at the rejects:",
        f"  python -m pipelines check {path}",
        f"  python -m pipelines ingest {path}",
        "  python -m pipelines rejects --centre <centre id>",
        "(docs/SOURCE_CONFIG.md explains every key.)",
    ]


def _kind_reason(kind: str, scores: dict[str, float], primary: str) -> str:
    if kind != primary:
        return "the same rows also carry a survey (its columns are filled in when one was answered)"
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return (
        f"the columns look like {kind} (score {ranked[0][1]:g}; "
        + ", ".join(f"{k} {v:g}" for k, v in ranked[1:])
        + ")"
    )


def _source_names(value: Any) -> set[str]:
    """Source columns in a column mapping's value (a name, or a per-column form)."""
    if isinstance(value, Raw) or value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        names = {v for k, v in value.items() if k in ("column", "date", "time", "offset")}
        return names | set(value.get("columns", ()))
    return set()


def _used_columns(entries: Iterable[Entry]) -> set[str]:
    """Source columns the export's entries name (commented-out suggestions aside)."""
    used: set[str] = set()
    for entry in entries:
        if entry.off:
            continue
        if entry.key in ("columns", "sections") and isinstance(entry.value, Block):
            for inner in entry.value:
                if inner.key and not inner.off:
                    used |= _source_names(inner.value)
        elif entry.key in ("present_if", "leg_column"):
            used |= _source_names(entry.value)
        elif entry.key == "exclude" and isinstance(entry.value, dict):
            used |= set(entry.value)
        elif entry.key == "customer_identifiers" and isinstance(entry.value, Items):
            used |= {item[0]["column"] for item in entry.value if isinstance(item, tuple)}
        if isinstance(entry.value, Block):
            used |= _used_columns(entry.value)
    return used
