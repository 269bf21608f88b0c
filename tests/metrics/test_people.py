"""Agent experience (METRICS.md, "Agent experience"): headcount, attrition, median tenure,
the new-hire contact share and eNPS, worked out by hand on tiny rosters.

Conventions under test (docs/METRIC_LAYER.md, "Agent experience"): left_on is the last
day employed, so a spell covers hired_on..left_on inclusive; a rehire is a new spell and
its tenure restarts; a period's first and last day are clipped to the query's range.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from pipelines.metrics import MetricQuery, metric_table

PEOPLE = ("headcount", "attrition_pct", "tenure_median_days", "new_hire_contact_pct", "enps")


def table(con, settings, grain, start, end, **query):
    return metric_table(
        con,
        MetricQuery(
            grain=grain,
            start=dt.date.fromisoformat(start),
            end=dt.date.fromisoformat(end),
            metrics=query.pop("metrics", PEOPLE),
            **query,
        ),
        settings,
    )


def test_a_month_headcount_leavers_and_median_tenure(wh, con, settings, pick):
    wh.agent("leeds", "a1", "2025-06-30")  # employed throughout
    wh.agent("leeds", "a2", "2026-01-01", "2026-06-15")  # leaves mid-June
    wh.agent("leeds", "a3", "2026-06-10")  # joins mid-June
    wh.agent("leeds", "a4", "2026-03-01", "2026-06-30")  # leaves on the last day
    wh.agent("leeds", "a5", "2025-01-01", "2026-05-31")  # gone before June
    long = table(con, settings, "month", "2026-06-01", "2026-06-30", centres=("leeds",))

    # 30 June: a1, a3 and a4 (its last day employed is 30 June) -> 3
    headcount = pick(long, "headcount", "leeds")
    assert (headcount["value"], headcount["n"]) == (3, 3)
    assert math.isnan(headcount["ci_low"])
    # 1 June: a1, a2, a4 -> 3; 30 June: 3; leavers a2 and a4 -> 2; agents at some time
    # in June (n): a1-a4 -> 4. 2 / ((3 + 3) / 2) * 365 / 30 * 100 = 811.11
    attrition = pick(long, "attrition_pct", "leeds")
    assert attrition["n"] == 4
    assert attrition["value"] == pytest.approx(2 / 3 * 365 / 30 * 100)
    # Poisson (Garwood) limits of 2 leavers: 0.2422 and 7.2247, scaled by 365/30*100/3
    factor = 365 / 30 * 100 / 3
    assert attrition["ci_low"] == pytest.approx(0.242209 * factor, rel=1e-5)
    assert attrition["ci_high"] == pytest.approx(7.224693 * factor, rel=1e-5)
    # tenure on 30 June: a1 365 days, a3 20, a4 121 (1 March -> 30 June) -> median 121
    tenure = pick(long, "tenure_median_days", "leeds")
    assert (tenure["value"], tenure["n"]) == (121, 3)
    assert math.isnan(tenure["ci_high"])


def test_attrition_annualised_over_a_week(wh, con, settings, pick):
    for agent in ("a1", "a2", "a3"):
        wh.agent("leeds", agent, "2025-01-06")
    wh.agent("leeds", "a4", "2025-01-06", "2026-06-03")  # leaves on the Wednesday
    long = table(con, settings, "week", "2026-06-01", "2026-06-07", centres=("leeds",))
    row = pick(long, "attrition_pct", "leeds", "2026-06-01")
    # Monday 1 June 4 employed, Sunday 7 June 3; 1 leaver over 7 days:
    # 1 / 3.5 * 365 / 7 * 100 = 1489.80 % a year
    assert row["value"] == pytest.approx(1 / 3.5 * 365 / 7 * 100)
    # Garwood limits of 1 leaver: 0.025318 and 5.571643
    factor = 365 / 7 * 100 / 3.5
    assert row["ci_low"] == pytest.approx(0.0253178 * factor, rel=1e-5)
    assert row["ci_high"] == pytest.approx(5.5716434 * factor, rel=1e-5)
    assert pick(long, "headcount", "leeds", "2026-06-01")["value"] == 3


def test_a_mid_week_start_shortens_the_first_period(wh, con, settings, pick):
    wh.agent("leeds", "a1", "2025-01-06")
    wh.agent("leeds", "a2", "2025-01-06", "2026-06-05")
    # the query starts on Wednesday 3 June: the week's row holds 3 June .. 7 June, 5 days;
    # 3 June 2 employed, 7 June 1: 1 / 1.5 * 365 / 5 * 100 = 4866.67
    long = table(con, settings, "week", "2026-06-03", "2026-06-07", centres=("leeds",))
    row = pick(long, "attrition_pct", "leeds", "2026-06-01")
    assert row["value"] == pytest.approx(1 / 1.5 * 365 / 5 * 100)


def test_a_rehired_agent_is_a_new_spell_counted_once(wh, con, settings, pick):
    wh.agent("leeds", "a1", "2025-01-01", "2026-02-10")
    wh.agent("leeds", "a1", "2026-04-01")  # rehired
    wh.agent("leeds", "a2", "2025-01-01")
    long = table(con, settings, "month", "2026-02-01", "2026-04-30", centres=("leeds",))
    # February: 1 Feb a1 and a2, 28 Feb a2 only, a1 left: 1 / 1.5 * 365 / 28 * 100
    assert pick(long, "attrition_pct", "leeds", "2026-02-01")["value"] == pytest.approx(
        1 / 1.5 * 365 / 28 * 100
    )
    assert pick(long, "headcount", "leeds", "2026-02-01")["value"] == 1
    # March: a2 alone, no leaver: 0 %, n = 1
    march = pick(long, "attrition_pct", "leeds", "2026-03-01")
    assert (march["value"], march["n"]) == (0, 1)
    # April: a1 is back from 1 April: headcount 2; tenure on 30 April restarts with the
    # rehire: a1 29 days, a2 484 (1 Jan 2025 -> 30 Apr 2026) -> median (29 + 484) / 2
    assert pick(long, "headcount", "leeds", "2026-04-01")["value"] == 2
    assert pick(long, "tenure_median_days", "leeds", "2026-04-01")["value"] == 256.5
    # over the whole range a1 holds two spells but is one agent: n = 2, 1 leaver,
    # 1 Feb 2 employed, 30 Apr 2 -> 1 / 2 * 365 / 89 * 100
    whole = table(con, settings, "range", "2026-02-01", "2026-04-30", centres=("leeds",))
    row = pick(whole, "attrition_pct", "leeds")
    assert row["n"] == 2
    assert row["value"] == pytest.approx(1 / 2 * 365 / 89 * 100)


def test_an_empty_month_and_a_centre_without_a_roster_have_no_data(wh, con, settings, pick):
    wh.agent("leeds", "a1", "2026-03-02")
    long = table(con, settings, "month", "2026-02-01", "2026-03-31", centres=("leeds", "glasgow"))
    for metric in ("headcount", "attrition_pct", "tenure_median_days"):
        february = pick(long, metric, "leeds", "2026-02-01")  # nobody employed yet
        assert february["n"] == 0 and math.isnan(february["value"])
        assert february["status"] == "no data"
        glasgow = pick(long, metric, "glasgow", "2026-03-01")  # sent no roster
        assert glasgow["n"] == 0 and math.isnan(glasgow["value"])
    # March: a1 hired on 2 March, nobody on 1 March: headcounts 0 and 1, no leaver -> 0 %
    march = pick(long, "attrition_pct", "leeds", "2026-03-01")
    assert (march["value"], march["n"]) == (0, 1)
    assert pick(long, "tenure_median_days", "leeds", "2026-03-01")["value"] == 29


def test_new_hire_share_on_the_89th_and_90th_day_and_agents_the_roster_lacks(
    wh, con, settings, pick
):
    # Manila (UTC+8) agent m1 hired 1 January 2026: 31 March is tenure day 89 (a new
    # hire, < 90), 1 April day 90 (not). The day is Manila's, the roster's own calendar.
    wh.agent("manila", "m1", "2026-01-01")
    wh.agent("manila", "m2", "2025-01-01", "2026-03-15")
    wh.contact("manila", "2026-03-30 03:00", agent="m1")  # day 88: new hire
    wh.contact("manila", "2026-03-31 09:00", agent="m1")  # Manila 17:00 31 Mar, day 89: new
    wh.contact("manila", "2026-03-31 17:00", agent="m1")  # Manila 01:00 1 Apr, day 90: not
    wh.contact("manila", "2026-03-31 10:00", agent="ghost")  # not in the roster: out
    wh.contact("manila", "2026-03-31 10:00", agent="m2")  # left 15 March: not employed, out
    wh.contact("manila", "2026-03-31 10:00", agent=None)  # no agent: out
    wh.contact("manila", "2026-03-31 10:00", agent="m1", answered=False, abandoned=True)  # out
    long = table(
        con,
        settings,
        "range",
        "2026-03-30",
        "2026-04-02",
        centres=("manila",),
        metrics=("new_hire_contact_pct",),
    )
    row = pick(long, "new_hire_contact_pct", "manila")
    # 3 answered contacts with an agent employed that day, 2 of them by a new hire
    assert (row["n"], row["value"]) == (3, pytest.approx(200 / 3))
    # Wilson at 95 % for 2 of 3: 20.77 % .. 93.85 %
    assert row["ci_low"] == pytest.approx(20.77, abs=0.01)
    assert row["ci_high"] == pytest.approx(93.85, abs=0.01)


def test_new_hire_days_is_a_setting(wh, con, settings, pick):
    wh.agent("manila", "m1", "2026-01-01")
    wh.contact("manila", "2026-01-20 03:00", agent="m1")  # day 19
    wh.contact("manila", "2026-01-25 03:00", agent="m1")  # day 24
    short = settings.with_overrides(new_hire_days=20)
    long = table(con, short, "range", "2026-01-01", "2026-01-31", metrics=("new_hire_contact_pct",))
    # with 20 days only day 19 is a new hire's: 1 of 2
    assert pick(long, "new_hire_contact_pct", "manila")["value"] == 50


def test_enps_counts_promoters_and_detractors_of_staff_answers(wh, con, settings, pick):
    for answer in (10, 9, 8, 7, 6, 0, None):
        wh.staff_survey("leeds", "2026-06-03 10:00", answer)
    for answer in (9, 9, 9, 3):
        wh.staff_survey("manila", "2026-06-04 02:00", answer, agent="m1")
    long = table(con, settings, "month", "2026-06-01", "2026-06-30", metrics=("enps",))
    # Leeds: 6 answers (the empty one is none), promoters 10 and 9, detractors 6 and 0: 0
    leeds = pick(long, "enps", "leeds", "2026-06-01")
    assert (leeds["n"], leeds["value"]) == (6, 0)
    # Manila: 3 promoters, 1 detractor of 4: 100 * (3 - 1) / 4 = 50;
    # se = 100 * sqrt((0.75 + 0.25 - 0.5^2) / 4) = 43.30
    manila = pick(long, "enps", "manila", "2026-06-01")
    assert manila["value"] == 50
    se = 100 * math.sqrt(0.75 / 4)
    assert manila["ci_high"] - manila["value"] == pytest.approx(1.959964 * se, rel=1e-6)
    # the gap against the in-house baseline (Leeds): 50 - 0
    assert manila["gap"] == 50
    assert manila["baseline_value"] == 0


def test_groups_pool_agents_not_centre_values(wh, con, settings, pick):
    # Glasgow: tenures on 30 June 10, 20, 30 (median 20); one leaver on 20 June
    for agent, hired in (("g1", "2026-06-20"), ("g2", "2026-06-10"), ("g3", "2026-05-31")):
        wh.agent("glasgow", agent, hired)
    wh.agent("glasgow", "g4", "2025-01-01", "2026-06-20")
    # Manila: one agent with tenure 100 on 30 June (hired 22 March)
    wh.agent("manila", "m1", "2026-03-22")
    # Leeds (the in-house baseline): two agents, nobody leaves
    wh.agent("leeds", "l1", "2025-06-30")
    wh.agent("leeds", "l2", "2025-06-30")
    long = table(con, settings, "month", "2026-06-01", "2026-06-30", group_by="sourcing")
    vendor = "vendor"
    # headcount sums: Glasgow 3 + Manila 1
    assert pick(long, "headcount", vendor)["value"] == 4
    # the median over the vendor group's agents [10, 20, 30, 100] is 25 (the mean of the
    # centres' medians, (20 + 100) / 2 = 60, would be wrong)
    assert pick(long, "tenure_median_days", vendor)["value"] == 25
    # attrition pools leavers and headcounts: 1 June Glasgow g3, g4 (2) + Manila 1 = 3;
    # 30 June 3 + 1 = 4; 1 leaver: 1 / 3.5 * 365 / 30 * 100 = 347.62
    attrition = pick(long, "attrition_pct", vendor)
    assert attrition["value"] == pytest.approx(1 / 3.5 * 365 / 30 * 100)
    # against the in-house 0 % (2 agents, no leaver): z = 347.62 / se, se = the vendor's
    # 347.62 * sqrt(1) (the baseline's se is 0): z = 1, p = 0.3173
    assert attrition["baseline_value"] == 0
    assert attrition["p_value"] == pytest.approx(0.317311, rel=1e-5)
    assert attrition["gap_se"] == pytest.approx(attrition["value"])
    # median tenure: a gap, no test
    tenure = pick(long, "tenure_median_days", vendor)
    assert tenure["baseline_value"] == 365 and tenure["gap"] == -340
    assert math.isnan(tenure["p_value"])


def test_a_contact_filter_leaves_out_staff_rows_a_breakdown_shows_them_as_unknown(
    wh, con, settings, pick
):
    wh.agent("leeds", "a1", "2025-06-30")
    wh.staff_survey("leeds", "2026-06-03 10:00", 9)
    wh.contact("leeds", "2026-06-03 10:00", agent="a1", channel="chat")
    filtered = table(con, settings, "month", "2026-06-01", "2026-06-30", channels=("chat",))
    # staff rows belong to no contact: nothing says they are chat's
    for metric in ("headcount", "attrition_pct", "tenure_median_days", "enps"):
        assert pick(filtered, metric, "leeds")["n"] == 0
    # the contact is chat: a1 (tenure 338 days) is no new hire -> 0 of 1
    assert pick(filtered, "new_hire_contact_pct", "leeds")["value"] == 0
    broken_down = table(con, settings, "month", "2026-06-01", "2026-06-30", breakdown="channel")
    assert pick(broken_down, "headcount", "leeds", breakdown_value="unknown")["value"] == 1
    assert pick(broken_down, "enps", "leeds", breakdown_value="unknown")["value"] == 100
    assert pick(broken_down, "new_hire_contact_pct", "leeds", breakdown_value="chat")["n"] == 1
