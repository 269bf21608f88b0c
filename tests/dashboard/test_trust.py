"""The vendor's own numbers on the pages: out-of-calibration and flattered-CSAT warnings
(dashboard/trust.py), the scorecard's flag marks, and QA by who scored it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.formatting import format_value
from dashboard.plain import WORD_JOINER
from dashboard.trust import TRUST_METRICS, trust_warnings
from pipelines.metrics.long_table import CSAT_LIKELY_FLATTERED, OUT_OF_CALIBRATION
from pipelines.reviews.store import ReviewStore
from pipelines.settings import MetricSettings
from tests.dashboard.conftest import metric_layer

LATEST_WEEK = date(2026, 11, 16)
SPAN_START = LATEST_WEEK - timedelta(weeks=12)  # 13 weeks of history


def test_sentences_quote_the_rows_they_come_from():
    rows = pd.DataFrame(
        {
            "centre_id": ["manila", "lisbon", "lisbon"],
            "centre_name": ["Pacific Reach Manila", "Atlântico Lisbon", "Atlântico Lisbon"],
            "metric": ["qa_calibration_gap", "responder_repeat_gap", "fcr_repeat_pct"],
            "value": [15.12, 9.6, 82.2],
            "n": [340, 1591, 11000],
            "ci_low": [14.69, 8.3, 81.5],
            "ci_high": [15.54, 10.8, 82.9],
            "flag": [OUT_OF_CALIBRATION, CSAT_LIKELY_FLATTERED, None],
        }
    )
    manila, lisbon = trust_warnings(rows, MetricSettings())
    assert manila == (
        "Pacific Reach Manila: its own QA team scores contacts 15.1 points above the "
        "client's QA team on the same 340 contacts (95% interval +14.7 to +15.5), beyond "
        "the ±5-point tolerance: out of calibration. Judge its quality on the "
        "client-scored QA."
    )
    # respondents' no-repeat share = all (82.2 %) + the gap (9.6 points) = 91.8 %
    assert "91.8% did not come back within 7 days, against 82.2%" in lisbon
    assert "(+9.6 pts)" in lisbon


def as_read(markdown: str) -> str:
    """What a reader sees of md_text: without its escapes and word joiners."""
    return re.sub(r"\\(.)", r"\1", markdown.replace(WORD_JOINER, ""))


def test_the_overview_warns_about_the_self_flattering_vendor(app, sample_warehouse):
    at = app(weeks="13")
    warnings = [as_read(w.value) for w in at.warning]
    span = metric_layer(
        sample_warehouse,
        grain="range",
        start=SPAN_START,
        end=LATEST_WEEK + timedelta(days=6),
        metrics=TRUST_METRICS,
    )
    gap = span[(span["centre_id"] == "manila") & (span["metric"] == "qa_calibration_gap")].iloc[0]
    assert gap["flag"] == OUT_OF_CALIBRATION
    (calibration,) = [w for w in warnings if "out of calibration" in w]
    assert calibration.startswith("Pacific Reach Manila: its own QA team scores contacts ")
    assert f"{gap['value']:.1f} points above" in calibration
    assert f"same {int(gap['n']):,} contacts" in calibration
    assert not any("Claremont Glasgow: its own QA" in w for w in warnings)
    (flattered,) = [w for w in warnings if "likely flattered" in w]
    assert flattered.startswith("Atlântico Lisbon: CSAT is likely flattered.")
    assert flattered.endswith("(last 13 weeks)")


def test_the_scorecard_marks_flagged_cells(app):
    at = app(weeks="26", week="2026-11-16")
    html = next(m.value for m in at.markdown if 'class="scorecard"' in m.value)
    assert "QA calibration gap" in html and "Responder repeat gap" in html
    # the per-section calibration gaps are for the calibration view, not the scorecard
    assert "QA calibration gap, brand" not in html


@pytest.mark.parametrize("weeks", ["1"])
def test_one_week_is_too_short_to_flag_calibration(app, weeks):
    # a week holds ~13 pairs per vendor, fewer than min_sample (30): no verdict
    at = app(weeks=weeks)
    assert not any("out of calibration" in as_read(w.value) for w in at.warning)


def test_the_partner_review_shows_why_and_the_pack_carries_it(app, sample_warehouse):
    at = app("partner_review", vendor="Pacific Reach BPO")
    assert "Can we trust its own numbers?" in [h.value for h in at.header]
    (warning,) = [as_read(w.value) for w in at.warning if "out of calibration" in as_read(w.value)]
    assert warning.startswith("Pacific Reach BPO: its own QA team scores contacts ")
    period = metric_layer(
        sample_warehouse,
        grain="range",
        group_by="vendor",
        start=SPAN_START,
        end=LATEST_WEEK + timedelta(days=6),
        metrics=("qa_calibration_gap", "qa_calibration_kappa"),
    ).set_index(["centre_id", "metric"])
    gap = period.loc[("Pacific Reach BPO", "qa_calibration_gap")]
    calibration = next(
        d.value for d in at.dataframe if "Pairs" in d.value.columns and "Flag" in d.value.columns
    ).set_index("Metric")
    assert calibration.loc["QA calibration gap", "Value"] == f"{gap['value']:+.1f} pts"
    assert calibration.loc["QA calibration gap", "Pairs"] == f"{int(gap['n']):,}"
    assert calibration.loc["QA calibration gap", "Flag"] == "out of calibration"
    kappa = period.loc[("Pacific Reach BPO", "qa_calibration_kappa"), "value"]
    assert calibration.loc["QA calibration kappa", "Value"] == f"{kappa:.2f}"

    by_scorer = next(d.value for d in at.dataframe if "Client's QA" in d.value.columns)
    own, client = (
        metric_layer(
            sample_warehouse,
            grain="range",
            group_by="vendor",
            start=SPAN_START,
            end=LATEST_WEEK + timedelta(days=6),
            metrics=("qa_score",),
            qa_evaluator_org=org,
        )
        .set_index("centre_id")
        .loc["Pacific Reach BPO", "value"]
        for org in ("own", "client")
    )
    score = by_scorer.set_index("Metric").loc["QA score"]
    assert (score["Vendor's own QA"], score["Client's QA"]) == (f"{own:.1f}", f"{client:.1f}")


def test_a_well_calibrated_vendor_gets_no_calibration_warning(app):
    at = app("partner_review", vendor="Claremont Contact")
    assert not any("out of calibration" in as_read(w.value) for w in at.warning)


def test_compare_shows_client_scored_qa_beside_the_vendors_own(app, sample_warehouse):
    at = app("compare")
    table = next(d.value for d in at.dataframe if "qa_score_client" in d.value.columns)
    table = table.set_index("centre_name")
    end = LATEST_WEEK + timedelta(days=6)
    for org in ("own", "client"):
        layer = metric_layer(
            sample_warehouse,
            grain="range",
            start=SPAN_START,
            end=end,
            metrics=("qa_score",),
            qa_evaluator_org=org,
        ).set_index("centre_name")
        for centre in ("Claremont Glasgow", "Pacific Reach Manila"):
            assert table.loc[centre, f"qa_score_{org}"] == pytest.approx(
                layer.loc[centre, "value"], rel=1e-12
            )
    assert table["out_of_calibration"].to_dict() == {
        "Northwind Leeds": False,
        "Atlântico Lisbon": False,
        "Claremont Glasgow": False,
        "Pacific Reach Manila": True,
    }
    mix = next(d.value for d in at.dataframe if "flattered" in d.value.columns)
    assert mix.set_index("centre_name")["flattered"].to_dict() == {
        "Northwind Leeds": False,
        "Atlântico Lisbon": True,
        "Claremont Glasgow": False,
        "Pacific Reach Manila": False,
    }
    warnings = [as_read(w.value) for w in at.warning]
    assert any(w.startswith("Atlântico Lisbon: CSAT is likely flattered.") for w in warnings)


def test_the_partner_review_names_reported_figures_the_warehouse_does_not_bear_out(app):
    # Claremont's KPI report: CSAT +6 points in every month, and a service level it did
    # not reach in the peak months (docs/SAMPLE_DATA.md)
    at = app("partner_review", vendor="Claremont Contact", weeks="26")
    (sentence,) = [as_read(w.value) for w in at.warning if "not borne out" in as_read(w.value)]
    assert sentence.startswith("Claremont Contact: ")
    assert "CSAT % in Jun 2026, Jul 2026, Aug 2026, Sep 2026, Oct 2026" in sentence
    assert "Service level % in Sep 2026, Oct 2026" in sentence
    reported = next(d.value for d in at.dataframe if "Reported" in d.value.columns)
    discrepant = reported[reported["Status"] == "✖ discrepant"]
    assert f"{len(discrepant)} of the {len(reported)} figures" in sentence
    assert set(discrepant["Metric"]) == {"CSAT %", "Service level %"}


def test_the_partner_review_compares_the_period_with_the_last_review(
    app, sample_warehouse, tmp_path, monkeypatch
):
    store_path = tmp_path / "reviews.sqlite"
    monkeypatch.setenv("CC_REVIEWS", str(store_path))
    ReviewStore(store_path).record_meeting("Claremont Contact", date(2026, 10, 5), who="test")
    at = app("partner_review", vendor="Claremont Contact")
    change = next(d.value for d in at.dataframe if "Since last review" in d.value.columns)
    change = change.set_index("Metric")
    # the 13 weeks shown (91 days) against the 91 days before the review of Mon 5 Oct:
    # Mon 6 Jul - Sun 4 Oct 2026
    then = metric_layer(
        sample_warehouse,
        grain="range",
        group_by="vendor",
        start=date(2026, 7, 6),
        end=date(2026, 10, 4),
        metrics=("csat_pct", "aht_s"),
    ).set_index(["centre_id", "metric"])
    now = metric_layer(
        sample_warehouse,
        grain="range",
        group_by="vendor",
        start=SPAN_START,
        end=LATEST_WEEK + timedelta(days=6),
        metrics=("csat_pct",),
    ).set_index(["centre_id", "metric"])
    csat_then = then.loc[("Claremont Contact", "csat_pct"), "value"]
    csat_now = now.loc[("Claremont Contact", "csat_pct"), "value"]
    assert change.loc["CSAT %", "At last review"] == f"{csat_then:.1f}%"
    assert change.loc["CSAT %", "Since last review"] == f"{csat_now - csat_then:+.1f} pts"
    aht_then = then.loc[("Claremont Contact", "aht_s"), "value"]
    assert change.loc["AHT", "At last review"] == format_value(aht_then, "seconds")
    notes = " ".join(c.value for c in at.caption)
    assert "At the last review: 06 Jul 2026 – 04 Oct 2026" in notes


def test_without_a_recorded_review_there_is_no_last_review_column(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CC_REVIEWS", str(tmp_path / "empty.sqlite"))
    at = app("partner_review", vendor="Claremont Contact")
    change = next(d.value for d in at.dataframe if "Previous period" in d.value.columns)
    assert "At last review" not in change.columns


def test_the_scorecard_titles_the_people_metrics(app):
    html = next(m.value for m in app().markdown if 'class="scorecard"' in m.value)
    assert ">People</td></tr>" in html and ">people</td></tr>" not in html
