"""From a scorecard cell to its cause: persistence on the overview, the cell links, the
drill-down page, the baseline column, honest small samples and the data-status notes."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

from tests.dashboard.conftest import metric_layer

LATEST_WEEK = date(2026, 11, 16)  # the sample exports end on Sun 2026-11-22
FIRST_WEEK = date(2026, 5, 25)


def _streak(rows) -> int:
    """Consecutive weeks, newest first, significantly below the baseline (higher-is-better
    metric): counted here from the metric layer's own flags, row by row."""
    count = 0
    for row in rows.sort_values("period_start", ascending=False).itertuples():
        if not (row.significant and row.gap < 0):
            break
        count += 1
    return count


def _scorecard(at) -> str:
    return next(m.value for m in at.markdown if 'class="scorecard"' in m.value)


def test_the_banner_says_how_long_a_vendor_has_been_behind(app, sample_warehouse):
    at = app()
    weekly = metric_layer(
        sample_warehouse,
        metrics=("delight_pct",),
        centres=("manila",),
        start=FIRST_WEEK,
        end=LATEST_WEEK + timedelta(days=6),
    )
    weeks = _streak(weekly)
    assert weeks >= 2  # the sample's story: Manila delights far fewer customers
    banner = next(e.value for e in at.error if "Pacific Reach Manila" in e.value)
    # the data begins in the streak's first week at most, so the count is exact
    plural = "s" if weeks > 1 else ""
    assert f"behind for {weeks} week{plural}" in banner.replace("\\", "")


def test_scorecard_cells_link_to_their_drilldown_with_the_filters(app):
    at = app(week="2026-10-05", weeks="4", channel=["voice"])
    links = re.findall(r'<a class="cell" href="([^"]+)"', _scorecard(at))
    assert links, "no drill-down links in the scorecard"
    manila_delight = next(
        link
        for link in map(html.unescape, links)
        if "centre=manila" in link and "metric=delight_pct" in link
    )
    target = urlparse(manila_delight)
    assert target.path == "drilldown"
    assert parse_qs(target.query) == {
        "week": ["2026-10-05"],
        "weeks": ["4"],
        "centre": ["manila"],
        "metric": ["delight_pct"],
        "baseline": ["in_house"],
        "channel": ["voice"],
    }


def test_the_drilldown_shows_the_cells_numbers_and_what_lies_behind(app, sample_warehouse):
    at = app("drilldown", centre="manila", metric="delight_pct", week="2026-11-16")
    expected = metric_layer(
        sample_warehouse,
        grain="range",
        start=LATEST_WEEK,
        end=LATEST_WEEK + timedelta(days=6),
        centres=("manila",),
        metrics=("delight_pct",),
    ).iloc[0]
    values = [m.value for m in at.metric]
    assert values[0] == f"{expected['value']:.1f}%"
    assert values[1] == f"{expected['baseline_value']:.1f}%"
    assert values[2] == f"{expected['gap']:+.1f} pts"
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:3] == ["Week by week", "Contact reasons", "Channels"]
    assert "Agents" in subheaders and "What dissatisfied customers said" in subheaders
    # the reasons table covers the centre's reasons, largest weighted shortfall first
    reasons = at.dataframe[0].value
    shortfall = reasons["Weighted shortfall"].tolist()
    assert shortfall == sorted(shortfall, reverse=True)
    assert reasons["n"].sum() == expected["n"]  # every response has a reason ('unknown')


def test_the_drilldown_of_repeats_shows_where_customers_went(app):
    at = app("drilldown", centre="manila", metric="fcr_repeat_pct")
    assert "Where its customers called next" in [s.value for s in at.subheader]


def test_the_baseline_column_appears_when_its_centre_is_filtered_out(app, sample_warehouse):
    at = app(centre=["manila", "glasgow"])
    scorecard = _scorecard(at)
    assert '<th class="baseline">in-house (pooled)' in scorecard
    expected = metric_layer(
        sample_warehouse,
        grain="range",
        start=LATEST_WEEK,
        end=LATEST_WEEK + timedelta(days=6),
        centres=("manila",),
        metrics=("csat_pct",),
    ).iloc[0]
    baseline_cell = re.search(
        r'<td class="baseline"><div class="value">([^<]+)</div>'
        r'<div class="meta">n=([\d,]+)</div>',
        scorecard,
    )
    assert baseline_cell.groups() == (
        f"{expected['baseline_value']:.1f}%",
        f"{int(expected['baseline_n']):,}",
    )
    # with the in-house centre shown there is no extra column
    assert '<th class="baseline">' not in _scorecard(app())


def test_small_samples_are_too_few_to_judge_and_nothing_testable_is_said(app):
    # one reason, one channel, one week: few surveys per centre (fewer than min_sample 30)
    at = app(reason=["moving_home"], channel=["chat"], weeks="1")
    assert not [s.value for s in at.success if "No centre is significantly behind" in s.value]
    assert any("Too few responses this week to test" in i.value for i in at.info)
    assert "too few to judge" in _scorecard(at)
    assert "✖ missed" not in _scorecard(at) and "✔ met" not in _scorecard(at)


def test_every_page_says_up_to_when_data_is_loaded(app):
    for page in (None, "compare", "partner_review", "drilldown"):
        at = app(page) if page else app()
        captions = [c.value for c in at.sidebar.caption]
        assert any("Data loaded up to Sun 22 Nov 2026 (Europe/London)" in c for c in captions), (
            page,
            captions,
        )
