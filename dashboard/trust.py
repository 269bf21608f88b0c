"""Plain-language warnings about a vendor's own numbers, from the long table's flags.

Two flags of the metric layer (METRICS.md, "Trusting the vendor's own numbers") say a
number shown elsewhere should not be taken at face value: a vendor whose own QA team
scores its contacts beyond the tolerance above the client's (``out_of_calibration``),
and a centre whose survey respondents came back less often than its customers as a
whole (``csat_likely_flattered``). The overview, Compare and the partner review show the
same sentences; they are plain text (names come from exports), for md_text or a pack.
"""

from __future__ import annotations

import pandas as pd

from dashboard.formatting import format_gap, format_value
from pipelines.metrics.long_table import CSAT_LIKELY_FLATTERED, OUT_OF_CALIBRATION
from pipelines.settings import MetricSettings

# what the long table must hold for the warnings: the flagged metrics, and the no-repeat
# share the response-bias sentence quotes
TRUST_METRICS = ("qa_calibration_gap", "responder_repeat_gap", "fcr_repeat_pct")
FLAG_LABELS = {
    OUT_OF_CALIBRATION: "⚑ out of calibration",
    CSAT_LIKELY_FLATTERED: "⚑ CSAT likely flattered",
}


def _interval(row, settings: MetricSettings) -> str:
    if pd.isna(row.ci_low):
        return ""
    return f" ({settings.confidence:.0%} interval {row.ci_low:+.1f} to {row.ci_high:+.1f})"


def calibration_sentence(row, settings: MetricSettings) -> str:
    direction = "above" if row.value > 0 else "below"
    return (
        f"{row.centre_name}: its own QA team scores contacts "
        f"{abs(row.value):.1f} points {direction} the client's QA team on the same "
        f"{int(row.n):,} contacts{_interval(row, settings)}, beyond the ±"
        f"{settings.calibration_tolerance_pts:g}-point tolerance: out of calibration. "
        "Judge its quality on the client-scored QA."
    )


def flattered_sentence(row, no_repeat_all: float, settings: MetricSettings) -> str:
    respondents = no_repeat_all + row.value
    return (
        f"{row.centre_name}: CSAT is likely flattered. Of the answered contacts whose "
        f"customer answered the survey, {format_value(respondents, 'pct')} did not come "
        f"back within {settings.repeat_window_days} days, against "
        f"{format_value(no_repeat_all, 'pct')} of all its answered contacts "
        f"({format_gap(row.value, 'pct')}): customers who were not helped answer less often."
    )


def trust_warnings(rows: pd.DataFrame, settings: MetricSettings) -> list[str]:
    """One sentence per flag in ``rows`` (long-table rows of one period), in row order."""
    flagged = rows[rows["flag"].isin(list(FLAG_LABELS)) & rows["metric"].isin(TRUST_METRICS)]
    no_repeat = rows[rows["metric"] == "fcr_repeat_pct"].set_index("centre_id")["value"]
    sentences = []
    for row in flagged.itertuples(index=False):
        if row.flag == OUT_OF_CALIBRATION:
            sentences.append(calibration_sentence(row, settings))
        elif row.centre_id in no_repeat.index:
            sentences.append(flattered_sentence(row, no_repeat[row.centre_id], settings))
    return sentences


def _period_words(rows: pd.DataFrame) -> str:
    starts = pd.to_datetime(rows["period_start"])
    if (rows["grain"] == "month").all():
        return ", ".join(f"{d:%b %Y}" for d in starts)
    return ", ".join(f"week of {d:%d %b %Y}" for d in starts)


def reported_sentence(vendor: str, figures: pd.DataFrame) -> str | None:
    """A vendor's reported figures the warehouse does not bear out (reconciliation
    rows with status discrepant), one clause per metric; None when there are none."""
    discrepant = figures[figures["status"] == "discrepant"]
    if discrepant.empty:
        return None
    clauses = []
    for name, rows in discrepant.groupby("metric_name", sort=False):
        unit = rows["unit"].iloc[0]
        low, high = rows["discrepancy"].min(), rows["discrepancy"].max()
        side = "above" if low > 0 else "below" if high < 0 else "away from"
        spread = (
            format_gap(low, unit)
            if low == high
            else (f"{format_gap(low, unit)} to {format_gap(high, unit)}")
        )
        clauses.append(f"{name} in {_period_words(rows)} ({spread}, {side} the warehouse's value)")
    return (
        f"{vendor}: {len(discrepant)} of the {len(figures)} figures it reported are not "
        f"borne out by the warehouse: {'; '.join(clauses)}."
    )
