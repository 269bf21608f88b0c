"""Assembling the draft: the sample read, columns classified, fields placed, the key
searched, then the export's entries and the centre block to fill in."""

from __future__ import annotations

from collections.abc import Iterable
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
from .keys import KeyChoice, Uniqueness, choose_key, open_oracle
from .kind_block import kind_block
from .patterns import file_pattern
from .reading import read_sample
from .render import Block, Entry, Items, Raw, render_yaml
from .sample import SAMPLE_ROWS, Sample
from .timestamps import dst_note, timestamp_plan
from .vocabulary import has_words
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
    ("timezone", "<Area/City>", "FILL IN: the IANA zone the local times are written in "
                                "(e.g. Europe/London)"),
)


def build_draft(path: Path, centre_id: str | None = None, exports_root: Path | None = None,
                sample_rows: int = SAMPLE_ROWS, config_dir: Path | None = None) -> Draft:
    """Read the file and assemble the commented proposal. ``config_dir``: existing
    source configs whose value_maps suggest codes for the same words."""
    path = Path(path)
    known = known_value_maps(config_dir)
    sample = read_sample(path, sample_rows)
    comma, comma_why = (file_decimal_comma(sample) if sample.format in ("csv", "csv.gz")
                        else (False, ""))
    pairs = flag_pairs(sample)
    guesses = [classify_column(h, sample.column(i), comma, pairs)
               for i, h in enumerate(sample.header)]
    by_name = {g.name: g for g in guesses}
    scores = kind_scores(guesses, path.name)
    primary = max(KINDS, key=lambda k: (scores[k], -KINDS.index(k)))
    oracle, con = open_oracle(sample)
    if con is None and sample.format != "xlsx" and not sample.complete:
        sample.notes["keys"] = "sampled rows only (DuckDB could not read the whole file)"
    try:
        return _assemble(path, sample, guesses, by_name, primary, scores, oracle, comma,
                         comma_why, centre_id, exports_root, known)
    finally:
        if con is not None:
            con.close()


def _assemble(path: Path, sample: Sample, guesses: list[ColumnGuess],
              by_name: dict[str, ColumnGuess], primary: str, scores: dict[str, float],
              oracle: Uniqueness, comma: bool, comma_why: str, centre_id: str | None,
              exports_root: Path | None, known: dict[str, dict[str, tuple[str, str]]]
              ) -> Draft:
    header = sample.header
    outcome = outcome_column(guesses) if primary == "contacts" else None
    direction = direction_column(guesses) if primary == "contacts" else None
    reserved = {g.name for g in (outcome, direction) if g}
    placed = map_fields(primary, guesses, reserved)
    plans: dict[str, dict[str, tuple[str, int]]] = {primary: placed}
    used = {c for c, _ in placed.values()} | reserved
    if primary == "contacts":
        surveys = map_fields("surveys", guesses, used)
        strong = [f for f in ("csat", "nps") if surveys.get(f, ("", 0))[1] >= 9]
        if strong and ("survey_id" in surveys or "responded_at" in surveys):
            surveys.pop("contact_id", None)
            plans["surveys"] = surveys
            used |= {c for c, _ in surveys.values()}

    # timestamps
    timestamps: dict[str, dict[str, Any]] = {}
    for kind, fields_ in plans.items():
        timestamps[kind] = timestamp_plan(kind, fields_, guesses, used, path, exports_root,
                                           sample.date_cells)
        used |= set(timestamps[kind]["columns"])

    # the key of the main kind
    key_field = KEY_COLUMN[primary]
    id_column = placed.get(key_field, (None, 0))[0]
    started = timestamps[primary]["source"].get("column") if primary == "contacts" else None
    placed_columns = {c for f in plans.values() for c, _ in f.values()}
    singles = [g.name for g in guesses if g.name != id_column and g.name not in placed_columns
               and g.type in ("id", "integer") and g.distinct >= 0.9 * g.count
               and g.empty <= g.count // 50]
    leg_columns = [g.name for g in guesses if has_words(g.name, "leg")
                   and g.type in ("integer", "code", "id", "flag")]
    leg_columns += [g.name for g in guesses if g.type == "integer" and g.low is not None
                    and g.low >= 0 and g.high <= 20 and g.name not in placed_columns
                    and g.name not in leg_columns]
    line_columns = [g.name for g in guesses if has_words(g.name, "line")
                    and g.type in ("code", "id", "integer") and g.name not in leg_columns]
    others = sorted((g for g in guesses if g.type in ("code", "id", "integer")
                     and g.name not in leg_columns + line_columns and g.name != started),
                    key=lambda g: g.distinct)
    partners = list(dict.fromkeys(
        [*line_columns, *leg_columns, *([started] if started else []),
         *(g.name for g in others)]))[:12]
    partners = [p for p in partners if p != id_column]
    key = choose_key(oracle, primary, id_column, singles, partners, leg_columns, started,
                     header)
    total_rows = oracle.rows

    defaults = ExportDefaults(decimal="," if comma else ".")
    durations = [by_name[c] for kind, f in plans.items() for name, (c, _) in f.items()
                 if name in DURATION_FIELDS]
    formats = {(g.format or "seconds") for g in durations}
    if len(formats) == 1 and formats <= {"seconds", "hms"}:
        defaults.duration_format = formats.pop()

    export: list[Entry] = []
    placeholder = "day" if timestamps[primary].get("date_from_file") else None
    pattern, _, pattern_why = file_pattern(path, exports_root, placeholder)
    export.append(Entry("pattern", pattern, pattern_why))
    export.append(Entry("format", Raw(sample.format), sample.notes.get("format", "")))
    if sample.sheet:
        export.append(Entry("sheet", sample.sheet, sample.notes.get("sheet", "")))
    if sample.format in ("csv", "csv.gz"):
        export.append(Entry("encoding", Raw(sample.encoding), sample.notes["encoding"]))
        export.append(Entry("delimiter", sample.delimiter, sample.notes["delimiter"]))
        export.append(Entry("quote", sample.quote, sample.notes["quote"]))
    if sample.format in ("csv", "csv.gz", "xlsx"):
        export.append(Entry("skip_rows", sample.skip_rows, sample.notes["skip_rows"]))
    if comma:
        export.append(Entry("decimal_separator", ",", comma_why))
    if defaults.duration_format:
        example = next(g for g in durations if (g.format or "seconds") == defaults.duration_format)
        export.append(Entry("duration_format", Raw(defaults.duration_format),
                            f"every duration column: {example.reason}"))
    export.extend(identifier_entries(guesses, used | set(key.columns), sample))
    if sample.malformed:
        export.append(Entry(None, comment=f"{plural(sample.malformed, 'sampled row')} "
                                          "with the wrong field count: rejected at load"))
    for kind in plans:
        stamp_col = timestamps[kind]["source"].get("column")
        if stamp_col and (note := dst_note(by_name[stamp_col],
                                            sample.column(header.index(stamp_col)))):
            export.append(Entry("ambiguous_times", Raw("earliest"), note, off=True))
            break

    unplaced: list[str] = []
    for kind, fields_ in plans.items():
        block = kind_block(kind, fields_, plans, timestamps[kind], by_name, guesses, key,
                            primary, outcome, direction, defaults, sample, oracle, unplaced, known)
        export.append(Entry(kind, block, _kind_reason(kind, scores, primary)))
    used_now = _used_columns(export)
    unused = [c for c in header if c not in used_now]
    export.append(Entry(None))
    if unplaced:
        export.append(Entry(None, comment="Not placed (no column found): "
                                          + ", ".join(unplaced)))
    export.append(Entry(None, comment="Source columns not used: "
                                      + (", ".join(f"{c} ({by_name[c].type})" for c in unused)
                                         or "none")))

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
    entries = [Entry("centre", centre), Entry(None), Entry("exports", Items([Block(export)]))]
    sampled = len(sample.rows)
    preamble = [
        f"Draft source config for {path.name}, written by `python -m pipelines draft-config`.",
        f"Formats guessed from the first {plural(sampled, 'data row')}"
        + ("" if sample.complete else " (a sample)")
        + (f"; keys checked over the {plural(total_rows, 'sampled row')} only "
           "(DuckDB could not read the whole file)." if "keys" in sample.notes
           else f"; keys checked over all {plural(total_rows, 'row')}."),
        "Every guess says why in its comment. A comment starting with ? is a weak guess;",
        "FILL IN marks what only you know. Save it as <config dir>/sources/<centre id>.yaml,",
        "then dry-run it, load, and look at the rejects:",
        f"  python -m pipelines check {path}",
        f"  python -m pipelines ingest {path}",
        "  python -m pipelines rejects --centre <centre id>",
        "(docs/SOURCE_CONFIG.md explains every key.)",
    ]
    return Draft(path=path, sample=sample, guesses=guesses, kinds=list(plans), key=key,
                 entries=entries, preamble=preamble, total_rows=total_rows)


def _kind_reason(kind: str, scores: dict[str, float], primary: str) -> str:
    if kind != primary:
        return "the same rows also carry a survey (its columns are filled in when one was answered)"
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return (f"the columns look like {kind} (score {ranked[0][1]:g}; "
            + ", ".join(f"{k} {v:g}" for k, v in ranked[1:]) + ")")


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
        elif entry.key in ("include", "exclude") and isinstance(entry.value, dict):
            used |= set(entry.value)
        elif entry.key == "customer_identifiers" and isinstance(entry.value, Items):
            used |= {item[0]["column"] for item in entry.value if isinstance(item, tuple)}
        if isinstance(entry.value, Block):
            used |= _used_columns(entry.value)
    return used
