"""Drafting a source config from one export file: ``python -m pipelines draft-config FILE``.

Onboarding a vendor starts from the file it sends, not from a blank YAML file. This reads
a bounded sample of the export (CSV, CSV.GZ, XLSX or Parquet, told apart by content),
guesses how it is written and what each column holds, and writes a commented proposal in
the language of docs/SOURCE_CONFIG.md. Every guess carries a comment with its evidence,
so the user checks evidence instead of reading code, fills in the ``centre`` block and
runs ``python -m pipelines ingest FILE``.

The modules, in the order a draft uses them:

- reading the file: ``sniff`` (encoding, dialect, header row), ``csv_sample``,
  ``xlsx_sample``, ``parquet_sample``, put together by ``reading.read_sample`` into a
  ``sample.Sample``;
- columns: ``columns.classify_column`` turns one column's sampled values into a
  ``guess.ColumnGuess``, with ``flags``, ``time_columns`` and the format fitting of
  ``formats``;
- fields: ``vocabulary`` (header names in several languages -> canonical fields) and
  ``fields`` (placing them by name and value type; the file's kind);
- keys: ``keys.choose_key`` over a ``Uniqueness`` oracle (DuckDB over the whole file, or
  rows held in memory);
- output: ``build.build_draft`` assembles a ``Draft`` from ``timestamps``, ``customers``,
  ``codes``, ``contacts``, ``scales``, ``column_values`` and ``kind_block``; ``render``
  writes it as commented YAML.
"""

from ..config import KINDS
from .build import Draft, build_draft
from .codes import guess_code, known_value_maps, value_map_guesses
from .columns import classify_column, file_decimal_comma
from .customers import guess_country_code
from .fields import kind_scores, map_fields
from .keys import DuckDBUniqueness, RowsUniqueness, choose_key
from .patterns import file_pattern
from .reading import read_sample
from .render import Block, Entry, Items, Quoted, Raw, render_yaml, yaml_scalar
from .sample import SAMPLE_ROWS, DraftError
from .scales import csat_scale
from .sniff import find_header, sniff_dialect, sniff_encoding
from .vocabulary import has_words, name_scores

__all__ = [
    "KINDS",
    "SAMPLE_ROWS",
    "Block",
    "Draft",
    "DraftError",
    "DuckDBUniqueness",
    "Entry",
    "Items",
    "Quoted",
    "Raw",
    "RowsUniqueness",
    "build_draft",
    "choose_key",
    "classify_column",
    "csat_scale",
    "file_decimal_comma",
    "file_pattern",
    "find_header",
    "guess_code",
    "guess_country_code",
    "has_words",
    "kind_scores",
    "known_value_maps",
    "map_fields",
    "name_scores",
    "read_sample",
    "render_yaml",
    "sniff_dialect",
    "sniff_encoding",
    "value_map_guesses",
    "yaml_scalar",
]
