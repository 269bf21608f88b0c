"""The QA calibration page under AppTest, on the sample warehouse.

Every number on screen is checked against the metric layer called directly with the
same query (the long table and calibration_pairs), so the page cannot drift from it.
In the sample, Pacific Reach Manila scores itself ~15 points above the client's QA (out
of calibration), Claremont Glasgow ~2 (within tolerance); weekly pair counts are below
min_sample (30), monthly ones above.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import format_gap
from dashboard.roles import Viewer
from pipelines.metrics import MetricQuery
from pipelines.metrics.calibration_pairs import calibration_pairs
from pipelines.metrics.summaries import build_summaries
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from pipelines.warehouse import connect_read_only
from tests.dashboard.conftest import APP, metric_layer
from tests.dashboard.test_vendor_view import page_text

WEEK = date(2026, 11, 16)  # the sample's latest week
START = WEEK - timedelta(weeks=12)  # 13 weeks of history, the sidebar's default
END = WEEK + timedelta(days=6)
GAP = "qa_calibration_gap"
PER_PERIOD = (GAP, "qa_calibration_agreement_pct", "qa_calibration_kappa")
SECTIONS = ("accuracy", "empathy", "brand", "compliance", "process")
SETTINGS = load_metric_settings(DEFAULT_CONFIG_DIR)


@pytest.fixture
def open_page(sample_warehouse, monkeypatch):
    """Opens the page straight from a link, as a new browser session would."""

    def run(warehouse: Path | None = None, viewer: Viewer | None = None, **params) -> AppTest:
        monkeypatch.setenv("CC_WAREHOUSE", str(warehouse or sample_warehouse))
        if viewer is not None:
            monkeypatch.setattr("dashboard.sign_in.gate", lambda: viewer)
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in {"week": WEEK.isoformat(), **params}.items():
            at.query_params[key] = value
        at.switch_page("screens/calibration.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def layer(warehouse: Path, **fields) -> pd.DataFrame:
    return metric_layer(warehouse, start=START, end=END, **fields)


def pairs_of(warehouse: Path, limit: int | None = 50, **fields) -> pd.DataFrame:
    con = connect_read_only(warehouse)
    try:
        query = MetricQuery(grain="range", start=START, end=END, **fields)
        return calibration_pairs(con, query, SETTINGS, limit)
    finally:
        con.close()


def table(at: AppTest, first_column: str) -> pd.DataFrame:
    """The page's table whose first column is ``first_column``."""
    found = [frame.value for frame in at.dataframe if frame.value.columns[0] == first_column]
    assert len(found) == 1, [list(frame.value.columns) for frame in at.dataframe]
    return found[0]


def close(shown: pd.Series, expected: pd.Series) -> None:
    """Equal to 12 significant digits (DuckDB's parallel sums may differ in the last bits)."""
    assert list(shown.astype(float)) == pytest.approx(
        list(expected.astype(float)), rel=1e-12, nan_ok=True
    )


def test_manila_out_of_calibration_with_the_metric_layers_numbers(open_page, sample_warehouse):
    at = open_page(centre="manila")
    assert at.selectbox(key="calibration_centre").value == "manila"
    assert at.segmented_control(key="calibration_grain").value == "month"

    # the verdict over the sidebar's 13 weeks
    whole = layer(
        sample_warehouse,
        grain="range",
        centres=("manila",),
        metrics=(*PER_PERIOD, *(f"{GAP}_{s}" for s in SECTIONS)),
    ).set_index("metric")
    gap = whole.loc[GAP]
    assert gap["flag"] == "out_of_calibration"  # the sample's story
    verdict = at.error[0].value
    assert verdict.startswith("**Out of calibration.**")
    assert f"{format_gap(abs(gap['value']), 'pct').lstrip('+')} higher" in verdict
    assert f"on the same {int(gap['n']):,} contacts" in verdict
    assert f"interval {format_gap(gap['ci_low'], 'pct')} to" in verdict
    assert format_gap(gap["ci_high"], "pct") in verdict

    # per month: the gap, its interval and test, agreement and kappa
    monthly = layer(sample_warehouse, grain="month", centres=("manila",), metrics=PER_PERIOD)
    by_metric = {m: rows.reset_index(drop=True) for m, rows in monthly.groupby("metric")}
    shown = table(at, "Month")
    assert list(shown["Month"]) == list(by_metric[GAP]["period_start"])
    assert list(shown["Pairs"]) == list(by_metric[GAP]["n"])
    close(shown["Gap (points)"], by_metric[GAP]["value"])
    close(shown["Interval from"], by_metric[GAP]["ci_low"])
    close(shown["Interval to"], by_metric[GAP]["ci_high"])
    close(shown["p"], by_metric[GAP]["p_value"])
    close(shown["Agreement %"], by_metric["qa_calibration_agreement_pct"]["value"])
    close(shown["Kappa"], by_metric["qa_calibration_kappa"]["value"])
    assert list(shown["Verdict"]) == [
        "out of calibration"
        if flag == "out_of_calibration"
        else "too few pairs"
        if small
        else "within tolerance"
        for flag, small in zip(
            by_metric[GAP]["flag"], by_metric[GAP]["insufficient_sample"], strict=True
        )
    ]
    assert "out of calibration" in set(shown["Verdict"])

    # by section
    sections = table(at, "Section")
    assert list(sections["Section"]) == [s.capitalize() for s in SECTIONS]
    section_rows = whole.loc[[f"{GAP}_{s}" for s in SECTIONS]]
    close(sections["Gap (points)"], section_rows["value"])
    close(sections["Interval from"], section_rows["ci_low"])
    assert list(sections["Pairs"]) == list(section_rows["n"])

    # own v. client QA: every evaluation of each side
    sides = table(at, "Metric")
    for org, label in (("own", "Vendor's own QA"), ("client", "Client's QA")):
        expected = layer(
            sample_warehouse,
            grain="range",
            centres=("manila",),
            metrics=("qa_score", "qa_pass_pct", "qa_critical_fail_pct"),
            qa_evaluator_org=org,
        )
        close(sides[label], expected["value"])
        assert list(sides[f"{label}: n"]) == list(expected["n"])
    assert sides["Vendor's own QA"].iloc[0] > sides["Client's QA"].iloc[0]  # scores itself up

    # the largest disagreements: calibration_pairs' rows, in its order
    pairs = pairs_of(sample_warehouse, centres=("manila",))
    disagreements = table(at, "Contact")
    assert list(disagreements["Contact"]) == list(pairs["contact_id"])
    close(disagreements["Gap (points)"], pairs["gap"])
    close(disagreements["Own score"], pairs["own_score"])
    close(disagreements["Client score"], pairs["client_score"])
    assert list(disagreements["Own evaluators"]) == [
        ", ".join(i) for i in pairs["own_evaluator_ids"]
    ]
    assert list(disagreements["Client verdict"]) == [
        "critical fail" if critical else "pass" if passed else "fail"
        for passed, critical in zip(
            pairs["client_passed"], pairs["client_critical_fail"], strict=True
        )
    ]
    close(disagreements["Compliance: client"], pairs["client_compliance"])
    assert len(disagreements) == 50
    assert any(c.value.startswith(f"The 50 of {int(gap['n']):,} pairs") for c in at.caption), [
        c.value for c in at.caption
    ]


def test_weekly_from_the_link_says_when_there_are_too_few_pairs(open_page, sample_warehouse):
    at = open_page(centre="manila", grain="week", weeks="1")
    assert at.segmented_control(key="calibration_grain").value == "week"
    assert [h.value for h in at.header][:1] == ["Gap per week"]
    week = metric_layer(
        sample_warehouse, grain="range", start=WEEK, end=END, centres=("manila",), metrics=(GAP,)
    ).iloc[0]
    assert 0 < week["n"] < SETTINGS.min_sample  # the sample's weekly pairs are few
    verdict = at.info[0].value
    assert verdict.startswith("**Too few pairs to judge.**")
    assert f"{int(week['n']):,} contacts of Pacific Reach Manila" in verdict
    assert f"at least {SETTINGS.min_sample} are needed" in verdict
    assert format_gap(week["value"], "pct") in verdict
    assert list(table(at, "Week")["Verdict"]) == ["too few pairs"]


def test_glasgow_within_tolerance(open_page, sample_warehouse):
    at = open_page(centre="glasgow")
    gap = layer(sample_warehouse, grain="range", centres=("glasgow",), metrics=(GAP,)).iloc[0]
    assert gap["significant"] and abs(gap["value"]) < SETTINGS.calibration_tolerance_pts
    assert not at.error
    verdict = at.success[0].value
    assert verdict.startswith("**Within tolerance.**")
    assert f"by {format_gap(gap['value'], 'pct')}" in verdict
    assert "a real but small difference" in verdict


def test_choosing_a_centre_moves_the_sidebar_and_the_link(open_page):
    at = open_page(centre="manila")
    at.selectbox(key="calibration_centre").set_value("glasgow").run()
    assert not at.exception
    assert at.query_params["centre"] == "glasgow"
    assert at.multiselect(key="f_centres").value == ["glasgow"]
    assert at.success[0].value.startswith("**Within tolerance.**")
    # and the sidebar leads the page: its centre filter changed elsewhere is followed
    at.multiselect(key="f_centres").set_value(["manila"]).run()
    assert at.selectbox(key="calibration_centre").value == "manila"
    assert at.error[0].value.startswith("**Out of calibration.**")
    at.segmented_control(key="calibration_grain").set_value("week").run()
    assert at.query_params["grain"] == "week"


def test_values_the_page_does_not_offer_are_ignored_with_a_notice(open_page):
    at = open_page(centre="leeds", grain="fortnight")
    notices = [w.value for w in at.main.warning]
    assert any("centre=leeds" in n and "no such vendor centre" in n for n in notices), notices
    assert any("grain=fortnight" in n for n in notices), notices
    # the first vendor centre (in-house first, then vendors by name), monthly
    assert at.selectbox(key="calibration_centre").value == "lisbon"
    assert at.selectbox(key="calibration_centre").options == [
        "Atlântico Lisbon",
        "Claremont Glasgow",
        "Pacific Reach Manila",
    ]
    assert at.segmented_control(key="calibration_grain").value == "month"


def test_a_claremont_viewer_cannot_select_or_see_manilas_pairs(open_page, sample_warehouse):
    viewer = Viewer(email="user@claremont.example", role="vendor", vendor_id="Claremont Contact")
    at = open_page(viewer=viewer, centre="manila")
    # Manila is not a centre this viewer knows (the sidebar says so); the page shows Glasgow
    assert at.selectbox(key="calibration_centre").options == ["Claremont Glasgow"]
    assert at.selectbox(key="calibration_centre").value == "glasgow"
    shown = table(at, "Contact")
    glasgow = pairs_of(sample_warehouse, centres=("glasgow",))
    assert list(shown["Contact"]) == list(glasgow["contact_id"])
    # nothing of Manila's anywhere on the page (the link's own value aside, which the
    # sidebar's notice repeats): opened without it
    text = page_text(open_page(viewer=viewer))
    assert "Pacific Reach" not in text
    assert "manila" not in text.lower()
    manila = pairs_of(sample_warehouse, limit=None, centres=("manila",))
    leaked = [c for c in manila["contact_id"] if c in text]
    assert leaked == []
    evaluators = {e for ids in manila["own_evaluator_ids"] for e in ids}
    assert not [e for e in evaluators if e in text]  # Manila's own QA evaluators
    # a peer's alias in the link is not one of the viewer's centres either
    peer = open_page(viewer=viewer, centre="peer_1")
    assert peer.selectbox(key="calibration_centre").value == "glasgow"
    assert any("centre=peer_1" in w.value for w in peer.main.warning)


def _edited(sample: Path, target: Path, *statements: str) -> Path:
    shutil.copy(sample, target)
    with duckdb.connect(str(target)) as con:
        for statement in statements:
            con.execute(statement)
        build_summaries(con, SETTINGS)
    return target


def test_without_vendor_centres_the_page_says_why(open_page, sample_warehouse, tmp_path):
    in_house = _edited(
        sample_warehouse,
        tmp_path / "in_house.duckdb",
        "UPDATE centres SET sourcing = 'in_house', vendor = NULL",
    )
    at = open_page(warehouse=in_house)
    assert [i.value for i in at.info] and at.info[0].value.startswith(
        "No vendor centre to calibrate."
    )
    assert not at.dataframe
    assert "calibration_centre" not in [s.key for s in at.selectbox]


def test_without_client_evaluations_there_is_nothing_to_compare(
    open_page, sample_warehouse, tmp_path
):
    own_only = _edited(
        sample_warehouse,
        tmp_path / "own_only.duckdb",
        "DELETE FROM qa_sections WHERE (centre_id, evaluation_id) IN "
        "(SELECT centre_id, evaluation_id FROM qa_evaluations WHERE evaluator_org = 'client')",
        "DELETE FROM qa_evaluations WHERE evaluator_org = 'client'",
    )
    at = open_page(warehouse=own_only, centre="manila")
    assert at.info[0].value.startswith("No contact of Pacific Reach Manila was scored by both")
    assert not at.dataframe and not at.error and not at.success
