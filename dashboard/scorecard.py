"""The side-by-side scorecard: one column per centre, one row per metric.

Each cell shows the value, its sample size, the change on the previous week, the gap
to the baseline (marked when significant, with how long it has been behind and whether
it is narrowing), and the target status. Significance is shown by a symbol and a tint,
never by colour alone. A cell links to the drill-down that explains it. When the
baseline's centres are not among the columns, a first column shows the baseline itself.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pandas as pd

from dashboard.formatting import format_gap, format_value
from dashboard.plain import html_text
from dashboard.trust import FLAG_LABELS

FAMILY_TITLES = {
    "customer": "Customer",
    "people": "People",
    "quality": "Quality",
    "operations": "Operations",
}
STATUS_MARKS = {
    "met": ("✔", "target met"),
    "near": ("≈", "near target"),
    "missed": ("✖", "target missed"),
    "no data": ("–", "no data"),
    "too few": ("?", "too few to judge"),
}

STYLE = """
<style>
table.scorecard {border-collapse: collapse; width: 100%; font-size: 0.9rem;}
table.scorecard th, table.scorecard td {border-bottom: 1px solid #e3e3e3;
  padding: 4px 8px; text-align: right; vertical-align: top;}
table.scorecard th:first-child, table.scorecard td:first-child {text-align: left;}
table.scorecard tr.family td {background: #f4f4f4; font-weight: 600; text-align: left;}
table.scorecard th.in_house {border-top: 4px solid #0072B2;}
table.scorecard th.vendor {border-top: 4px solid #E69F00;}
table.scorecard .value {font-size: 1.05rem; font-weight: 600;}
table.scorecard .meta {color: #666; font-size: 0.75rem;}
table.scorecard td.worse {background: #fbe3d6;}
table.scorecard td.better {background: #dcecf7;}
table.scorecard td.small .value {color: #999;}
table.scorecard .gap.worse {color: #A3470B; font-weight: 600;}
table.scorecard .gap.better {color: #005A8C; font-weight: 600;}
table.scorecard th.baseline, table.scorecard td.baseline {background: #f7f7f7;}
table.scorecard a.cell {color: inherit; text-decoration: none; display: block;}
table.scorecard a.cell:hover .value {text-decoration: underline;}
table.scorecard .persist {color: #A3470B; font-size: 0.75rem;}
</style>
"""


def target_status(row) -> str | None:
    """The status shown: a target is not judged on a sample below the minimum."""
    if not isinstance(row.status, str) or pd.isna(row.target):
        return None
    if row.status in ("met", "near", "missed") and bool(row.insufficient_sample):
        return "too few"
    return row.status


def _cell(
    row: pd.Series,
    previous_value: float | None,
    unit: str,
    judgement: str,
    persistence: str = "",
    link: str | None = None,
) -> str:
    classes = [judgement] if judgement else []
    if bool(row.insufficient_sample):
        classes.append("small")
    value = format_value(row.value, unit) if row.n else "no data"
    meta = [f"n={int(row.n):,}" if pd.notna(row.n) else "n=0"]
    if bool(row.insufficient_sample) and row.n:
        meta.append("⚠ small sample")
    if previous_value is not None and pd.notna(previous_value) and pd.notna(row.value):
        meta.append(f"{format_gap(row.value - previous_value, unit)} wk")
    if bool(row.provisional):
        meta.append("provisional")
    if isinstance(row.flag, str) and row.flag in FLAG_LABELS:
        meta.append(FLAG_LABELS[row.flag])
    gap = ""
    if pd.notna(row.gap) and row.gap == 0 and pd.isna(row.p_value):
        gap = '<div class="gap">= baseline</div>'
    elif pd.notna(row.gap):
        arrow = {"worse": "▼ ", "better": "▲ "}.get(judgement, "")
        gap = (
            f'<div class="gap {judgement}">{arrow}{html_text(format_gap(row.gap, unit))}'
            f"{' sig.' if judgement else ''}</div>"
        )
    status = ""
    shown_status = target_status(row)
    if shown_status in STATUS_MARKS and row.n:  # with n = 0 the value says "no data"
        mark, words = STATUS_MARKS[shown_status]
        short = {"near": "near", "too few": "too few to judge"}.get(shown_status, words.split()[-1])
        status = f' · <span title="{words}: target {html_text(format_value(row.target, unit))}">'
        status += f"{mark} {short}</span>"
    if persistence:
        gap += f'<div class="persist">{html_text(persistence)}</div>'
    tooltip = ""
    if pd.notna(row.ci_low):
        tooltip = (
            f' title="{html_text(format_value(row.ci_low, unit))} to '
            f"{html_text(format_value(row.ci_high, unit))} ({html_text(str(row.n))} in sample)"
            + (f", p={row.p_value:.3f}" if pd.notna(row.p_value) else "")
            + '"'
        )
    content = (
        f'<div class="value">{html_text(value)}</div>{gap}'
        f'<div class="meta">{" · ".join(html_text(m) for m in meta)}{status}</div>'
    )
    if link:
        content = f'<a class="cell" href="{escape(link)}" target="_self">{content}</a>'
    return f'<td class="{" ".join(classes)}"{tooltip}>{content}</td>'


def _baseline_cell(row, unit: str) -> str:
    n = int(row.baseline_n) if pd.notna(row.baseline_n) else 0
    return (
        f'<td class="baseline"><div class="value">'
        f"{html_text(format_value(row.baseline_value, unit))}</div>"
        f'<div class="meta">n={n:,}</div></td>'
    )


def scorecard_html(
    week_rows: pd.DataFrame,
    previous_rows: pd.DataFrame,
    groups: list[tuple[str, str, str]],
    catalogue: dict,
    persistence: dict[tuple[str, str], str] | None = None,
    link: Callable[[str, str], str | None] | None = None,
    baseline_label: str | None = None,
) -> str:
    """HTML table for one period. ``groups`` is [(centre_id, label, sourcing)] in order;
    ``persistence`` maps (metric, centre_id) to words such as "behind for 3 weeks";
    ``link(metric, centre_id)`` gives a cell's drill-down URL; ``baseline_label``, when
    given, adds the baseline's own column (its centres are not among the groups)."""
    persistence = persistence or {}
    # the long table's judgement: 'worse' / 'better' for significant gaps, else none
    rows = week_rows.assign(judgement=week_rows["judgement"].fillna(""))
    by_cell = {(r.metric, r.centre_id): r for r in rows.itertuples(index=False)}
    previous = {(r.metric, r.centre_id): r.value for r in previous_rows.itertuples(index=False)}
    header = "".join(
        f'<th class="{html_text(sourcing)}">{html_text(label)}<div class="meta">'
        f"{'in-house' if sourcing == 'in_house' else html_text(sourcing)}</div></th>"
        for _, label, sourcing in groups
    )
    if baseline_label:
        header = (
            f'<th class="baseline">{html_text(baseline_label)}<div class="meta">baseline'
            f"</div></th>{header}"
        )
    first_rows = {}
    for r in rows.itertuples(index=False):
        first_rows.setdefault(r.metric, r)
    body: list[str] = []
    family = None
    for metric_id, definition in catalogue.items():
        if not any((metric_id, g[0]) in by_cell for g in groups):
            continue
        if definition.family != family:
            family = definition.family
            body.append(
                f'<tr class="family"><td colspan="{len(groups) + 1 + bool(baseline_label)}">'
                f"{FAMILY_TITLES.get(family, family)}</td></tr>"
            )
        cells = [_baseline_cell(first_rows[metric_id], definition.unit)] if baseline_label else []
        for centre_id, _, _ in groups:
            row = by_cell.get((metric_id, centre_id))
            if row is None:
                cells.append("<td>–</td>")
                continue
            series = pd.Series(row._asdict())
            cells.append(
                _cell(
                    series,
                    previous.get((metric_id, centre_id)),
                    definition.unit,
                    row.judgement,
                    persistence.get((metric_id, centre_id), ""),
                    link(metric_id, centre_id) if link else None,
                )
            )
        body.append(
            f'<tr><td title="{html_text(definition.definition)}">{html_text(definition.name)}</td>'
            f"{''.join(cells)}</tr>"
        )
    return (
        f'{STYLE}<table class="scorecard"><thead><tr><th>Metric</th>{header}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
