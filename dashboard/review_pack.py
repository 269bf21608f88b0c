"""The partner-review pack: one self-contained HTML file (charts as inline SVG, so it
opens offline and prints on A4) and an Excel workbook of the same tables.

Tables are ``PackTable``s: typed values plus the unit of each column (a metric unit of
METRICS.md, ``gap:<unit>``, ``pts``, ``date`` ...; see pipelines/export/workbook.py).
The screen and the HTML show ``display()``, the human text; the workbook gets the numbers
with number formats. A plain DataFrame is accepted too: its units are inferred from the
column types and names ("... %" or "..._pct" percent, "(pts)" or "(points)" points).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import altair as alt
import pandas as pd
import vl_convert

from dashboard.formatting import format_gap, format_value
from dashboard.plain import APP_TEXT_LIMIT, html_text
from pipelines.export.money import is_money, money_text
from pipelines.export.workbook import Sheet, write_workbook

METRIC_UNITS = ("pct", "score", "nps", "seconds", "count")
DATE_TEXT = "%d %b %Y"  # 16 Nov 2026, as everywhere in the dashboard
MISSING = "–"
KEEP_WHOLE_ROWS = 30  # a table this short fits on an A4 landscape page: never split it
PACK_CELL_LIMIT = 2000  # characters of one cell (a long comment); the rest is cut, marked

STYLE = """
body {font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
      color: #222; margin: 2rem auto; max-width: 1100px; padding: 0 1rem;}
h1 {margin-bottom: 0.2rem;} h2 {border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem;
    margin-top: 2rem;}
.meta {color: #666; margin: 0.2rem 0;}
table {border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0 1rem;}
th, td {border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left;}
th {background: #f2f2f2;}
th.num, td.num {text-align: right; font-variant-numeric: tabular-nums;}
.chart svg {max-width: 100%; height: auto;}
@page {size: A4 landscape; margin: 12mm;}
@media print {
  body {margin: 0; max-width: none; padding: 0; font-size: 10pt;
        -webkit-print-color-adjust: exact; print-color-adjust: exact;}
  h2 {margin-top: 1rem;}
  /* Sections flow across pages (one taller than a page must not leave a blank page
     before it); headings and notes stay with what follows them, charts, rows and tables
     that fit on a page stay whole; a long table repeats its header on each page. */
  h1, h2, h3, .meta {break-after: avoid;}
  thead {display: table-header-group;}
  tr, .chart, .keep {break-inside: avoid;}
  /* A chart never needs more than a page: taller ones shrink (their aspect kept), so a
     heading is never left alone at the foot of a page. */
  .chart svg {max-height: 150mm; width: auto;}
}
"""


def clock(zone: ZoneInfo) -> datetime:
    """Now, in ``zone``: when a pack says it was generated (tests fix it)."""
    return datetime.now(zone)


def infer_units(frame: pd.DataFrame) -> dict[str, str | None]:
    """Units of a plain table's columns, from their types and names."""
    units: dict[str, str | None] = {}
    for column in frame.columns:
        name, series = str(column), frame[column]
        if pd.api.types.is_datetime64_any_dtype(series) or (
            series.dtype == object
            and len(series.dropna())
            and all(isinstance(v, date) for v in series.dropna())
        ):
            units[column] = "date"
        elif pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            units[column] = None
        elif name.endswith("%") or name.endswith("_pct"):
            units[column] = "pct"
        elif "(pts)" in name or "(points)" in name:
            units[column] = "pts"
        elif pd.api.types.is_integer_dtype(series):
            units[column] = "count"
        else:
            units[column] = "number"
    return units


def format_cell(value: object, unit: str | None) -> str:
    """One cell as people read it, in its unit (the dashboard's formatting)."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return "" if unit is None else MISSING
    if unit in METRIC_UNITS:
        return format_value(float(value), unit)
    if is_money(unit):  # money:GBP "£5,000", gap:money:GBP "+£2,000"
        return money_text(float(value), unit)
    if unit and unit.startswith("gap:"):
        return format_gap(float(value), unit.removeprefix("gap:"))
    if unit == "pts":
        return format_gap(float(value), "pct")
    if unit == "date":
        return f"{value:{DATE_TEXT}}"
    if unit == "p_value":
        return f"{value:.4f}"
    if unit == "precise":
        return f"{value:.3f}"
    if unit == "number":
        return f"{value:,.1f}"
    return str(value)


@dataclass
class PackTable:
    """Typed values and their units: per column one unit, or a row-aligned Series of
    units where each row is its own metric. Columns not named are inferred."""

    frame: pd.DataFrame
    units: Mapping[str, str | pd.Series | None] = field(default_factory=dict)

    @classmethod
    def of(cls, table: PackTable | pd.DataFrame) -> PackTable:
        return table if isinstance(table, PackTable) else cls(table)

    def column_units(self) -> dict[str, str | pd.Series | None]:
        return {**infer_units(self.frame), **self.units}

    def rows(self, mask: pd.Series) -> PackTable:
        """The rows where ``mask`` is true, units following their rows."""
        return replace(self, frame=self.frame[mask.reindex(self.frame.index, fill_value=False)])

    def relabel(self, labels: Mapping[str, Mapping[str, str]]) -> PackTable:
        """Codes shown as names: ``labels`` is column -> {code: name}; other values stay."""
        columns = [c for c in labels if c in self.frame.columns]
        if not columns:
            return self
        frame = self.frame.copy()
        for column in columns:
            frame[column] = frame[column].map(
                lambda v, m=labels[column]: m.get(v, v) if isinstance(v, str) else v
            )
        return replace(self, frame=frame)

    def display(self) -> pd.DataFrame:
        """The table as text for people: 57.7%, -21.6 pts, 7:45, 16 Nov 2026."""
        units = self.column_units()
        shown = {}
        for column in self.frame.columns:
            unit = units.get(column)
            row_units = (
                list(unit.reindex(self.frame.index))
                if isinstance(unit, pd.Series)
                else [unit] * len(self.frame)
            )
            shown[column] = [
                format_cell(value, row_unit)
                for value, row_unit in zip(self.frame[column], row_units, strict=True)
            ]
        return pd.DataFrame(shown, index=self.frame.index, dtype=object)

    def numeric_columns(self) -> list[str]:
        """The columns that hold numbers (right-aligned, on screen and in the HTML)."""
        units = self.column_units()
        return [
            c
            for c in self.frame.columns
            if isinstance(units.get(c), pd.Series) or units.get(c) not in (None, "date")
        ]


@dataclass
class PackSection:
    heading: str
    note: str = ""
    tables: list[tuple[str, PackTable | pd.DataFrame]] = field(default_factory=list)
    charts: list[alt.TopLevelMixin] = field(default_factory=list)


@dataclass
class ReviewPack:
    """``labels`` (column -> {code: name}) shows codes as names in every table, e.g. the
    contact reasons; ``reporting_timezone`` is said on the pack's first lines."""

    title: str
    subtitle: str
    sections: list[PackSection]
    reporting_timezone: str = "UTC"
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def tables(self, section: PackSection) -> list[tuple[str, PackTable]]:
        return [
            (caption, PackTable.of(table).relabel(self.labels)) for caption, table in section.tables
        ]

    def timezone_note(self) -> str:
        generated = clock(ZoneInfo(self.reporting_timezone))
        return (
            f"Weeks and dates in the reporting time zone, {self.reporting_timezone} · "
            f"generated {generated:{DATE_TEXT} %H:%M}"
        )

    def to_html(self) -> bytes:
        body = [
            f"<h1>{html_text(self.title)}</h1>",
            f'<p class="meta">{html_text(self.subtitle)}</p>',
            f'<p class="meta">{html_text(self.timezone_note())}</p>',
        ]
        for section in self.sections:
            body.append(f"<section><h2>{html_text(section.heading)}</h2>")
            if section.note:
                # the app's own sentences, with names in them: escaped, not cut short
                body.append(f'<p class="meta">{html_text(section.note, APP_TEXT_LIMIT)}</p>')
            for chart in section.charts:
                # Dates in chart data become ISO strings, which Vega-Lite reads as times.
                svg = vl_convert.vegalite_to_svg(json.dumps(chart.to_dict(), default=str))
                body.append(f'<div class="chart">{svg}</div>')
            for caption, table in self.tables(section):
                keep = ' class="keep"' if len(table.frame) <= KEEP_WHOLE_ROWS else ""
                body.append(f"<div{keep}>")
                if caption:
                    body.append(f"<h3>{html_text(caption)}</h3>")
                body.append(f"{_html_table(table)}</div>")
            body.append("</section>")
        html = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html_text(self.title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>"
        )
        return html.encode("utf-8")

    def to_xlsx(self) -> bytes:
        sheets: list[Sheet] = []
        for section in self.sections:
            for caption, table in self.tables(section):
                name = _unique((caption or section.heading)[:31], {s.name for s in sheets})
                sheets.append(Sheet(name, table.frame, table.column_units()))
        buffer = io.BytesIO()
        write_workbook(
            buffer,
            sheets,
            date_format="dd mmm yyyy",
            properties={
                "title": self.title,
                "subject": self.subtitle,
                "comments": self.timezone_note(),
            },
        )
        return buffer.getvalue()


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        suffix = f" {number}"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    return candidate


def _html_table(table: PackTable) -> str:
    if table.frame.empty:
        return '<p class="meta">Nothing in this period.</p>'
    numeric = [column in table.numeric_columns() for column in table.frame.columns]
    shown = table.display()

    def cell(tag: str, text: object, is_number: bool) -> str:
        return (
            f'<{tag} class="num">{html_text(text, limit=PACK_CELL_LIMIT)}</{tag}>'
            if is_number
            else f"<{tag}>{html_text(text, limit=PACK_CELL_LIMIT)}</{tag}>"
        )

    head = "".join(cell("th", c, n) for c, n in zip(shown.columns, numeric, strict=True))
    rows = [
        "".join(cell("td", v, n) for v, n in zip(record, numeric, strict=True))
        for record in shown.itertuples(index=False, name=None)
    ]
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
