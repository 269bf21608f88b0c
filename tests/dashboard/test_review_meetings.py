"""The Partner review's "Review meetings" section under AppTest: recording a meeting
through the form, reopening the page in a new session and finding it as last time's
objectives with the statuses of pipelines/reviews/status.py; ticking actions done; bad
input; a vendor's view; the pack's "Objectives from the last review"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from dashboard.review_meetings import STATUS_LABELS, last_review, status_label
from dashboard.roles import Viewer
from pipelines.metrics import MetricQuery, metric_table
from pipelines.reviews import ReviewStore, objective_statuses
from pipelines.reviews.sample import SAMPLE_VENDOR, seed_sample_review
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from pipelines.warehouse import connect_read_only
from tests.dashboard.conftest import APP

VENDOR = "Pacific Reach BPO"
AS_OF = date(2026, 11, 22)  # the sample's last day


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReviewStore:
    """An empty store of this test's own (CC_REVIEWS), not the one beside the sample."""
    path = tmp_path / "reviews.sqlite"
    monkeypatch.setenv("CC_REVIEWS", str(path))
    return ReviewStore(path)


def _objectives_frame(at: AppTest):
    (frame,) = [f.value for f in at.dataframe if {"Status", "Measured"} <= set(f.value.columns)]
    return frame


def _expected(sample_warehouse: Path, store: ReviewStore, vendor: str = VENDOR):
    meeting = store.last_meeting(vendor)
    con = connect_read_only(sample_warehouse)
    try:
        return objective_statuses(
            con,
            meeting,
            store.objectives(meeting.meeting_id),
            load_metric_settings(DEFAULT_CONFIG_DIR),
        )
    finally:
        con.close()


def test_with_no_meeting_yet_the_section_says_so_and_offers_the_form(app, store):
    at = app("partner_review", vendor=VENDOR)
    assert "Review meetings" in [h.value for h in at.header]
    assert any("No review meeting with" in c.value for c in at.caption)
    assert [b.label for b in at.button if b.label.startswith("Save")] == ["Save the meeting"]
    assert "No open actions." in [c.value for c in at.caption]


def test_a_meeting_recorded_through_the_form_opens_the_next_review(app, store, sample_warehouse):
    at = app("partner_review", vendor=VENDOR)
    at.date_input(key="review_date_0").set_value(date(2026, 11, 2))
    at.text_input(key="review_attendees_0").set_value("Priya Shah; Marco Reyes")
    at.text_area(key="review_notes_0").set_value("**Not bold**: plain text, as typed")
    rows = [
        ("Service level %", 85.0, date(2026, 11, 15), "Joy"),  # due before the last data
        ("CSAT %", 65.0, date(2026, 11, 15), "Marco"),
        ("Abandon %", 5.0, date(2026, 12, 31), "Joy"),  # due after it
    ]
    for slot, (metric, target, due, owner) in enumerate(rows, 1):
        at.selectbox(key=f"review_obj_metric_0_{slot}").set_value(metric)
        at.number_input(key=f"review_obj_target_0_{slot}").set_value(target)
        at.date_input(key=f"review_obj_due_0_{slot}").set_value(due)
        at.text_input(key=f"review_obj_owner_0_{slot}").set_value(owner)
    at.text_input(key="review_act_what_0_1").set_value("Send the QA re-scores")
    at.text_input(key="review_act_who_0_1").set_value("Priya")
    at.date_input(key="review_act_due_0_1").set_value(date(2026, 11, 9))
    at.text_input(key="review_act_what_0_2").set_value("Coaching plan")
    at.checkbox(key="review_act_done_0_2").check()
    at.text_input(key="review_record_name_0").set_value("Priya Shah")
    at.button(key="FormSubmitter:review_record_0-Save the meeting").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any("Saved the review of 02 Nov 2026" in s.value for s in at.success)

    meeting = store.last_meeting(VENDOR)
    assert (meeting.held_on, meeting.attendees) == (date(2026, 11, 2), "Priya Shah; Marco Reyes")
    assert [(o.metric, o.target, o.due) for o in store.objectives(meeting.meeting_id)] == [
        ("service_level_pct", 85.0, date(2026, 11, 15)),
        ("csat_pct", 65.0, date(2026, 11, 15)),
        ("abandon_pct", 5.0, date(2026, 12, 31)),
    ]
    assert [(a.what, a.done) for a in store.actions(VENDOR)] == [
        ("Send the QA re-scores", False),
        ("Coaching plan", True),
    ]
    assert {e.who for e in store.audit()} == {"Priya Shah"}  # the demo's name

    reopened = AppTest.from_file(APP, default_timeout=120)  # a new session
    reopened.query_params["vendor"] = VENDOR
    reopened.run()
    reopened.switch_page("screens/partner_review.py")
    reopened.run()
    assert not reopened.exception
    assert "Objectives from the last review (Mon 02 Nov 2026)" in [
        s.value for s in reopened.subheader
    ]
    assert "Priya Shah; Marco Reyes" in [t.value for t in reopened.text]
    assert "**Not bold**: plain text, as typed" in [t.value for t in reopened.text]
    shown = _objectives_frame(reopened)
    expected = _expected(sample_warehouse, store)
    assert list(shown["Status"]) == [status_label(s) for s in expected]
    # the sample as of 22 Nov: service level met, CSAT missed, abandonment on track
    assert [s.status for s in expected] == ["met", "missed", "on track"]
    assert list(shown["Status"]) == [STATUS_LABELS[s] for s in ("met", "missed", "on track")]
    assert list(shown["Measured"]) == [
        "02 Nov 2026 – 15 Nov 2026",
        "02 Nov 2026 – 15 Nov 2026",
        "02 Nov 2026 – 22 Nov 2026",
    ]
    assert list(shown["Target"]) == ["≥ 85.0%", "≥ 65.0%", "≤ 5.0%"]
    assert list(shown["Value"]) == [f"{s.value:.1f}%" for s in expected]
    assert list(shown["n"]) == [f"{s.n:,}" for s in expected]
    # only the open action is left to tick
    labels = [c.label for c in reopened.checkbox if c.key.startswith("review_action_done_")]
    assert len(labels) == 1 and "Send the QA re" in labels[0]


def test_ticking_an_action_done_saves_it_with_who_did_it(app, store):
    seed_sample_review(store)
    first_open = store.actions(SAMPLE_VENDOR, open_only=True)[0]
    at = app("partner_review", vendor=SAMPLE_VENDOR)
    at.checkbox(key=f"review_action_done_{first_open.action_id}").check()
    at.text_input(key="review_actions_name_0").set_value("Joy Santos")
    at.button(key="FormSubmitter:review_actions_done-Save: ticked actions are done").click()
    at.run()
    assert not at.exception and not at.error
    assert store.action(first_open.action_id).done is True
    last = store.audit()[-1]
    assert (last.who, last.change, last.old_values["done"], last.new_values["done"]) == (
        "Joy Santos",
        "update",
        0,
        1,
    )
    assert any("1 action marked done" in s.value for s in at.success)


def test_a_tick_on_an_action_changed_since_the_page_showed_it_is_refused(app, store):
    seed_sample_review(store)
    action = store.actions(SAMPLE_VENDOR, open_only=True)[0]
    at = app("partner_review", vendor=SAMPLE_VENDOR)
    # meanwhile, someone else edits it (another session, version 1 -> 2), leaving it open
    store.set_action_done(action.action_id, True, version=1, who="tom")
    store.set_action_done(action.action_id, False, version=2, who="tom")
    at.checkbox(key=f"review_action_done_{action.action_id}").check()
    at.text_input(key="review_actions_name_0").set_value("Joy Santos")
    at.button(key="FormSubmitter:review_actions_done-Save: ticked actions are done").click()
    at.run()
    assert any("was changed by tom at" in e.value for e in at.error), [e.value for e in at.error]
    assert store.action(action.action_id).done is False
    assert store.audit()[-1].who == "tom"


def test_bad_input_in_the_form_says_what_and_saves_nothing(app, store):
    at = app("partner_review", vendor=VENDOR)
    at.date_input(key="review_date_0").set_value(date(2026, 11, 2))
    at.selectbox(key="review_obj_metric_0_2").set_value("CSAT %")
    at.number_input(key="review_obj_target_0_2").set_value(65.0)
    at.date_input(key="review_obj_due_0_2").set_value(date(2026, 10, 30))
    at.text_input(key="review_record_name_0").set_value("Priya")
    at.button(key="FormSubmitter:review_record_0-Save the meeting").click().run()
    (error,) = [e.value for e in at.error]
    # the slot the user sees (slot 1 was left empty), in plain text
    assert "Objective 2 \\(" in error and "CSAT" in error
    assert "is before the meeting date 02 Nov 2026" in error
    assert store.is_empty()
    at.date_input(key="review_obj_due_0_2").set_value(date(2026, 11, 30))
    at.text_input(key="review_record_name_0").set_value("")
    at.button(key="FormSubmitter:review_record_0-Save the meeting").click().run()
    assert any("Say who you are" in e.value for e in at.error)
    assert store.is_empty()


def test_the_pack_opens_with_the_last_reviews_objectives(app, store, sample_warehouse, monkeypatch):
    seed_sample_review(store)
    offered = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, **kwargs):
        offered[file_name] = data() if callable(data) else data
        return original(self, label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    app("partner_review", vendor=SAMPLE_VENDOR)
    (html,) = [data.decode() for name, data in offered.items() if name.endswith(".html")]
    sections = html.split("<h2>")
    assert sections[1].startswith("Objectives from the last review</h2>")
    assert sections[2].startswith("Scorecard against targets</h2>")
    for label in ("✔ met", "✖ missed", "● on track", "▼ behind"):
        assert label in sections[1]
    assert "Joint QA calibration session on 20 scored calls" in sections[1]  # open action
    assert "Coaching plan" not in sections[1]  # done at the time


def test_the_pack_section_holds_the_status_functions_numbers(store, sample_warehouse):
    seed_sample_review(store)
    settings = load_metric_settings(DEFAULT_CONFIG_DIR)
    con = connect_read_only(sample_warehouse)
    try:
        review = last_review(
            store, lambda q: metric_table(con, q, settings), SAMPLE_VENDOR, AS_OF, settings
        )
        meeting = store.last_meeting(SAMPLE_VENDOR)
        expected = objective_statuses(con, meeting, store.objectives(meeting.meeting_id), settings)
        # the first objective by hand from the metric layer: service level 05 Oct - 01 Nov
        direct = metric_table(
            con,
            MetricQuery(
                grain="range",
                start=date(2026, 10, 5),
                end=date(2026, 11, 1),
                group_by="vendor",
            ),
            settings,
        )
    finally:
        con.close()
    section = review.pack_section()
    assert section.heading == "Objectives from the last review"
    assert "review of 05 Oct 2026" in section.note and "up to 22 Nov 2026" in section.note
    (caption, objectives), (action_caption, actions) = section.tables
    assert (caption, action_caption) == ("Objectives", "Open actions")
    frame = objectives.frame
    assert list(frame["Metric"]) == ["Service level %", "CSAT %", "Abandon %", "Complaint %"]
    assert list(frame["Status"]) == ["✔ met", "✖ missed", "● on track", "▼ behind"]
    assert list(frame["Value"]) == [s.value for s in expected]
    service_level = direct[
        (direct["centre_id"] == SAMPLE_VENDOR) & (direct["metric"] == "service_level_pct")
    ].iloc[0]
    assert frame["Value"].iloc[0] == service_level["value"] > 85
    assert list(actions.frame["Action"]) == [
        "Joint QA calibration session on 20 scored calls",
        "Review complaint handling on the cancellation queue",
    ]


def test_a_vendors_user_sees_its_own_meetings_and_cannot_record(
    store, sample_warehouse, monkeypatch
):
    seed_sample_review(store)  # Pacific Reach BPO's
    store.record_meeting("Claremont Contact", date(2026, 11, 2), who="priya", notes="zqsecretqz")
    monkeypatch.setenv("CC_WAREHOUSE", str(sample_warehouse))
    for vendor, sees in (("Pacific Reach BPO", True), ("Claremont Contact", False)):
        viewer = Viewer(email="user@vendor.example", role="vendor", vendor_id=vendor)
        monkeypatch.setattr("dashboard.sign_in.gate", lambda viewer=viewer: viewer)
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        at.switch_page("screens/partner_review.py")
        at.run()
        assert not at.exception
        subheaders = [s.value for s in at.subheader]
        assert ("Objectives from the last review (Mon 05 Oct 2026)" in subheaders) is sees
        assert "Record a review meeting" not in subheaders  # read only for vendors
        assert not [b for b in at.button if b.label.startswith("Save")]
        texts = " ".join(t.value for t in at.text) + " ".join(
            f.value.to_csv() for f in at.dataframe
        )
        assert ("zqsecretqz" in texts) is not sees  # Claremont's own notes, to Claremont
        assert ("Marco Reyes" in texts) is sees
