"""The QA calibration disagreement drill-down (pipelines/metrics/calibration_pairs.py):
which pairs, each side's score, verdict, evaluations, evaluators and sections, ordered
by |own - client|; filters; a vendor's view.

Every expected value is worked out by hand in the comments. Reporting is in UTC unless a
test says otherwise; the QA pass mark is the default 80.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from pipelines.metrics import MetricQuery, metric_table
from pipelines.metrics.calibration_pairs import PAIR_COLUMNS, calibration_pairs

DAY = "2026-06-03 10:00"  # a Wednesday; the vendor's evaluations
LATER = "2026-06-04 10:00"  # the client's


def _evaluator(con, evaluation_id: str, evaluator: str) -> None:
    """The row builder gives every evaluation evaluator 'qa1'; name one explicitly."""
    con.execute(
        "UPDATE qa_evaluations SET evaluator_id = ? WHERE evaluation_id = ?",
        [evaluator, evaluation_id],
    )


@pytest.fixture
def glasgow(wh, con):
    """Five Glasgow pairs, inserted out of their expected order, and two one-sided
    contacts. Gaps own - client:

    c09  own 90                      client 80         +10
    c03  own 85 and 75 (mean 80)     client 70         +10   scored twice by the vendor
    c05  own 62                      client 72         -10   (chat, complaint reason)
    c01  own 60                      client 85         -25
    c07  own 95 and 88 (critical)    client 85         +6.5  own mean 91.5, but a fail
    c02  own 99 only, c04 client 10 only: not pairs
    """
    c09 = wh.contact("glasgow", "2026-06-02 09:00", contact_id="c09", agent="g-ann")
    wh.qa("glasgow", DAY, 90, contact_id=c09, sections={"brand": 90, "empathy": 80})
    wh.qa("glasgow", LATER, 80, contact_id=c09, org="client", sections={"brand": 70})

    c03 = wh.contact("glasgow", "2026-06-02 09:05", contact_id="c03", agent="g-bob")
    first = wh.qa("glasgow", DAY, 85, contact_id=c03, sections={"brand": 80})
    second = wh.qa("glasgow", DAY, 75, contact_id=c03, sections={"brand": 60})
    client = wh.qa("glasgow", LATER, 70, contact_id=c03, org="client", sections={"brand": 75})
    _evaluator(con, first, "own-zed")
    _evaluator(con, second, "own-amy")
    _evaluator(con, client, "client-kim")

    c05 = wh.contact(
        "glasgow", "2026-06-02 09:10", contact_id="c05", channel="chat", reason="complaint"
    )
    wh.qa("glasgow", DAY, 62, contact_id=c05)
    wh.qa("glasgow", LATER, 72, contact_id=c05, org="client")

    c01 = wh.contact("glasgow", "2026-06-02 09:15", contact_id="c01", agent="g-cat")
    wh.qa("glasgow", DAY, 60, contact_id=c01)
    wh.qa("glasgow", LATER, 85, contact_id=c01, org="client")

    c07 = wh.contact("glasgow", "2026-06-02 09:20", contact_id="c07")
    wh.qa("glasgow", DAY, 95, contact_id=c07)
    wh.qa("glasgow", DAY, 88, contact_id=c07, critical=True)
    wh.qa("glasgow", LATER, 85, contact_id=c07, org="client")

    one_sided = wh.contact("glasgow", "2026-06-02 09:25", contact_id="c02")
    wh.qa("glasgow", DAY, 99, contact_id=one_sided)
    client_only = wh.contact("glasgow", "2026-06-02 09:30", contact_id="c04")
    wh.qa("glasgow", LATER, 10, contact_id=client_only, org="client")
    return wh


def _by_contact(pairs: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["contact_id"]: row for _, row in pairs.iterrows()}


def test_largest_disagreement_first_ties_by_contact_and_one_sided_contacts_excluded(
    glasgow, con, settings
):
    pairs = calibration_pairs(con, MetricQuery(), settings)
    assert list(pairs.columns) == PAIR_COLUMNS
    # |gap|: c01 25, then c03, c05, c09 all 10 (a tie, by contact id, whatever the sign
    # or the insertion order c09, c03, c05), then c07 6.5; c02 and c04 are one-sided
    assert list(pairs["contact_id"]) == ["c01", "c03", "c05", "c09", "c07"]
    assert list(pairs["gap"]) == pytest.approx([-25, 10, -10, 10, 6.5])
    assert set(pairs["centre_id"]) == {"glasgow"}
    assert set(pairs["centre_name"]) == {"Claremont Glasgow"}


def test_each_sides_score_verdict_evaluations_and_evaluators(glasgow, con, settings):
    rows = _by_contact(calibration_pairs(con, MetricQuery(), settings))
    # c03: the vendor scored it twice, 85 and 75: mean 80, at the pass mark: passes;
    # its evaluators sorted; the client's 70 fails
    c03 = rows["c03"]
    assert c03["own_score"] == pytest.approx(80)
    assert c03["own_evaluations"] == 2
    assert c03["own_evaluator_ids"] == ("own-amy", "own-zed")
    assert bool(c03["own_passed"]) and not bool(c03["own_critical_fail"])
    assert c03["client_score"] == pytest.approx(70)
    assert c03["client_evaluations"] == 1
    assert c03["client_evaluator_ids"] == ("client-kim",)
    assert not bool(c03["client_passed"])
    # c07: own mean (95 + 88) / 2 = 91.5 but one evaluation is a critical fail: fails
    c07 = rows["c07"]
    assert c07["own_score"] == pytest.approx(91.5)
    assert bool(c07["own_critical_fail"]) and not bool(c07["own_passed"])
    assert bool(c07["client_passed"]) and not bool(c07["client_critical_fail"])
    # c01: own 60 fails, client 85 passes; c05: both fail (62, 72); c09: both pass (90, 80)
    assert (bool(rows["c01"]["own_passed"]), bool(rows["c01"]["client_passed"])) == (False, True)
    assert (bool(rows["c05"]["own_passed"]), bool(rows["c05"]["client_passed"])) == (False, False)
    assert (bool(rows["c09"]["own_passed"]), bool(rows["c09"]["client_passed"])) == (True, True)
    # the contact's details; the pair's date is its latest client evaluation's (4 June)
    assert rows["c01"]["agent_id"] == "g-cat"
    assert rows["c05"]["channel"] == "chat"
    assert rows["c05"]["contact_reason"] == "complaint"
    assert pd.Timestamp(rows["c01"]["contact_started_at"]) == pd.Timestamp("2026-06-02 09:15")
    assert rows["c01"]["client_evaluated_date"] == dt.date(2026, 6, 4)


def test_section_scores_of_both_sides_where_both_scored_the_section(glasgow, con, settings):
    rows = _by_contact(calibration_pairs(con, MetricQuery(), settings))
    # c09: brand scored by both (own 90, client 70); empathy by the vendor only: the
    # section is not compared, so neither side's empathy is given
    assert rows["c09"]["own_brand"] == pytest.approx(90)
    assert rows["c09"]["client_brand"] == pytest.approx(70)
    assert pd.isna(rows["c09"]["own_empathy"]) and pd.isna(rows["c09"]["client_empathy"])
    # c03: the vendor's two brand scores 80 and 60 average to 70; the client's 75
    assert rows["c03"]["own_brand"] == pytest.approx(70)
    assert rows["c03"]["client_brand"] == pytest.approx(75)
    # c01 has no section scores at all
    assert rows["c01"][[f"own_{s}" for s in ("accuracy", "brand", "process")]].isna().all()


def test_the_pairs_are_the_ones_the_calibration_gap_counts(glasgow, con, settings):
    pairs = calibration_pairs(con, MetricQuery(), settings, limit=None)
    gap = metric_table(
        con,
        MetricQuery(grain="range", centres=("glasgow",), metrics=("qa_calibration_gap",)),
        settings,
    ).iloc[0]
    # five pairs, mean (-25 + 10 - 10 + 10 + 6.5) / 5 = -8.5 / 5 = -1.7
    assert gap["n"] == len(pairs) == 5
    assert gap["value"] == pytest.approx(pairs["gap"].mean()) == pytest.approx(-1.7)


def test_limit(glasgow, con, settings):
    assert list(calibration_pairs(con, MetricQuery(), settings, limit=2)["contact_id"]) == [
        "c01",
        "c03",
    ]
    assert calibration_pairs(con, MetricQuery(), settings, limit=0).empty
    assert len(calibration_pairs(con, MetricQuery(), settings, limit=None)) == 5
    with pytest.raises(ValueError, match="limit must be zero or more"):
        calibration_pairs(con, MetricQuery(), settings, limit=-1)


def test_a_pair_belongs_to_the_local_day_of_its_latest_client_evaluation(wh, con, settings):
    contact = wh.contact("glasgow", "2026-06-01 09:00", contact_id="late")
    wh.qa("glasgow", "2026-06-02 10:00", 90, contact_id=contact)
    wh.qa("glasgow", "2026-06-05 10:00", 80, contact_id=contact, org="client")
    # Sunday 7 June 23:30 UTC is Monday 8 June 00:30 in London (BST): the pair's day
    wh.qa("glasgow", "2026-06-07 23:30", 70, contact_id=contact, org="client")
    london = dataclasses.replace(settings, reporting_timezone="Europe/London")

    def contacts(start: str, end: str, chosen=london) -> list[str]:
        query = MetricQuery(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))
        return list(calibration_pairs(con, query, chosen)["contact_id"])

    assert contacts("2026-06-01", "2026-06-07") == []
    assert contacts("2026-06-08", "2026-06-14") == ["late"]
    # in UTC the same evaluation is on Sunday 7 June
    assert contacts("2026-06-01", "2026-06-07", settings) == ["late"]
    pair = calibration_pairs(con, MetricQuery(), london).iloc[0]
    assert pair["client_evaluated_date"] == dt.date(2026, 6, 8)
    # the client's side: mean (80 + 70) / 2 = 75, two evaluations; gap 90 - 75 = 15
    assert pair["client_evaluations"] == 2
    assert pair["gap"] == pytest.approx(15)
    # the contact's start in the reporting time zone: 09:00 UTC is 10:00 in London
    assert pd.Timestamp(pair["contact_started_at"]) == pd.Timestamp("2026-06-01 10:00")


def test_contact_filters_and_pairs_without_a_loaded_contact(glasgow, con, settings):
    # an evaluated contact the contacts export never had
    glasgow.qa("glasgow", DAY, 50, contact_id="ghost")
    glasgow.qa("glasgow", LATER, 49, contact_id="ghost", org="client")
    everything = calibration_pairs(con, MetricQuery(), settings)
    ghost = everything[everything["contact_id"] == "ghost"].iloc[0]
    assert pd.isna(ghost["channel"]) and pd.isna(ghost["agent_id"])  # shown, no details
    # a channel or reason filter needs the contact: only c05 is chat or a complaint
    chat = calibration_pairs(con, MetricQuery(channels=("chat",)), settings)
    assert list(chat["contact_id"]) == ["c05"]
    complaints = calibration_pairs(con, MetricQuery(contact_reasons=("complaint",)), settings)
    assert list(complaints["contact_id"]) == ["c05"]
    voice = calibration_pairs(con, MetricQuery(channels=("voice",)), settings)
    assert list(voice["contact_id"]) == ["c01", "c03", "c09", "c07"]


def test_centres_filter(glasgow, con, settings):
    manila = glasgow.contact("manila", "2026-06-02 09:00", contact_id="m1")
    glasgow.qa("manila", DAY, 99, contact_id=manila)
    glasgow.qa("manila", LATER, 50, contact_id=manila, org="client")  # gap 49: the largest
    assert calibration_pairs(con, MetricQuery(), settings)["contact_id"].iloc[0] == "m1"
    only_glasgow = calibration_pairs(con, MetricQuery(centres=("glasgow",)), settings)
    assert "m1" not in set(only_glasgow["contact_id"])
    assert len(only_glasgow) == 5
    with pytest.raises(ValueError, match="Unknown centre"):
        calibration_pairs(con, MetricQuery(centres=("nowhere",)), settings)


def test_a_vendor_sees_only_its_own_centres_pairs(glasgow, con, settings):
    manila = glasgow.contact("manila", "2026-06-02 09:00", contact_id="m1")
    glasgow.qa("manila", DAY, 99, contact_id=manila)
    glasgow.qa("manila", LATER, 50, contact_id=manila, org="client")
    claremont = calibration_pairs(con, MetricQuery(vendor_scope="Claremont Contact"), settings)
    # Glasgow's five pairs; Manila's pair (the largest gap) is another vendor's
    assert list(claremont["contact_id"]) == ["c01", "c03", "c05", "c09", "c07"]
    pacific = calibration_pairs(con, MetricQuery(vendor_scope="Pacific Reach BPO"), settings)
    assert list(pacific["contact_id"]) == ["m1"]
    assert list(pacific["centre_name"]) == ["Pacific Reach Manila"]
    # asking for a peer by its alias shows none of its pairs
    peers = [f"peer_{n}" for n in (1, 2)]
    for peer in peers:
        shown = calibration_pairs(
            con, MetricQuery(vendor_scope="Pacific Reach BPO", centres=(peer,)), settings
        )
        assert shown.empty
    # nor the in-house centres pooled
    pooled = MetricQuery(vendor_scope="Pacific Reach BPO", centres=("client_in_house",))
    assert calibration_pairs(con, pooled, settings).empty
    # a real id of another vendor's centre is not a name the view knows
    with pytest.raises(ValueError, match="Unknown centre"):
        calibration_pairs(
            con, MetricQuery(vendor_scope="Pacific Reach BPO", centres=("glasgow",)), settings
        )


def test_an_empty_warehouse(con, settings):
    pairs = calibration_pairs(con, MetricQuery(), settings)
    assert pairs.empty
    assert list(pairs.columns) == PAIR_COLUMNS
