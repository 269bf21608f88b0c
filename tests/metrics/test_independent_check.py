"""A second, independent computation of every metric, week and centre of the sample
warehouse, in plain pandas straight from METRICS.md, compared with the metric layer.

Nothing here imports the metric layer's internals: rows are read from the canonical
tables and every definition is re-derived from the contract's words.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipelines.metrics import MetricQuery, metric_table
from pipelines.settings import DEFAULT_CONFIG_DIR, load_metric_settings
from pipelines.warehouse import connect_read_only

SETTINGS = load_metric_settings(DEFAULT_CONFIG_DIR)
Z = stats.norm.ppf(1 - (1 - SETTINGS.confidence) / 2)


@pytest.fixture(scope="module")
def warehouse(sample_warehouse):
    con = connect_read_only(sample_warehouse)
    tables = {
        name: con.execute(f"SELECT * FROM {name}").df()
        for name in [
            "contacts",
            "surveys",
            "qa_evaluations",
            "qa_sections",
            "centres",
            "agents",
            "staff_surveys",
        ]
    }
    layer = metric_table(con, MetricQuery(grain="week"), SETTINGS)
    con.close()
    return tables, layer


def week_of(utc: pd.Series) -> pd.Series:
    """Monday of the ISO week, in the reporting time zone, of naive-UTC timestamps."""
    local = (
        pd.to_datetime(utc)
        .dt.tz_localize("UTC")
        .dt.tz_convert(SETTINGS.reporting_timezone)
        .dt.tz_localize(None)
    )
    day = local.dt.normalize()
    return (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date


def proportion(flags: pd.Series) -> tuple[float, int, int]:
    flags = flags.astype(bool)
    return 100 * flags.mean(), len(flags), int(flags.sum())


def calibration_pairs(tables) -> pd.DataFrame:
    """One row per contact both QA sides scored: each side's mean score and verdict,
    the gap own - client, and the week of the latest client evaluation."""
    qa = tables["qa_evaluations"].dropna(subset=["contact_id"])
    side = qa.groupby(["centre_id", "contact_id", "evaluator_org"]).agg(
        score=("score_pct", "mean"),
        critical=("critical_fail", "any"),
        latest=("evaluated_at", "max"),
    )
    side["passed"] = (side["score"] >= SETTINGS.qa_pass_mark) & ~side["critical"]
    wide = side.unstack("evaluator_org").dropna(subset=[("score", "own"), ("score", "client")])
    return pd.DataFrame(
        {
            "gap": wide[("score", "own")] - wide[("score", "client")],
            "own_pass": wide[("passed", "own")].astype(bool),
            "client_pass": wide[("passed", "client")].astype(bool),
            "week": week_of(wide[("latest", "client")]).to_numpy(),
        }
    ).reset_index()


def calibration_section_gaps(tables, pairs: pd.DataFrame) -> pd.DataFrame:
    """Per pair and section both sides scored: own section mean - client section mean."""
    qa = tables["qa_evaluations"][["centre_id", "evaluation_id", "contact_id", "evaluator_org"]]
    scored = tables["qa_sections"].merge(qa, on=["centre_id", "evaluation_id"])
    means = scored.groupby(["centre_id", "contact_id", "section", "evaluator_org"])[
        "score_pct"
    ].mean()
    wide = means.unstack("evaluator_org").dropna(subset=["own", "client"]).reset_index()
    wide["gap"] = wide["own"] - wide["client"]
    return wide.merge(pairs[["centre_id", "contact_id", "week"]], on=["centre_id", "contact_id"])


def local_dates(utc: pd.Series, timezone: str | pd.Series) -> pd.Series:
    """Calendar dates of naive-UTC timestamps in one zone or, row by row, in each's own."""
    instants = pd.to_datetime(utc).dt.tz_localize("UTC")
    if isinstance(timezone, str):
        return instants.dt.tz_convert(timezone).dt.date
    return pd.Series(
        [instant.tz_convert(zone).date() for instant, zone in zip(instants, timezone, strict=True)],
        index=utc.index,
    )


def people_values(tables, add) -> None:
    """headcount, attrition_pct, tenure_median_days, new_hire_contact_pct and enps per
    week and centre, from the roster, the contacts and the staff surveys."""
    agents = tables["agents"].copy()
    agents["hired_on"] = pd.to_datetime(agents["hired_on"]).dt.date
    agents["left_on"] = pd.to_datetime(agents["left_on"]).dt.date
    tz = SETTINGS.reporting_timezone
    # the data's first and last local day (contacts, surveys, QA, staff surveys)
    days = pd.concat(
        [
            local_dates(tables["contacts"]["started_at"], tz),
            local_dates(tables["surveys"]["responded_at"], tz),
            local_dates(tables["qa_evaluations"]["evaluated_at"], tz),
            local_dates(tables["staff_surveys"]["responded_at"], tz),
        ]
    )
    first_day, last_day = days.min(), days.max()

    def employed(day):
        gone = agents["left_on"].map(lambda left: pd.notna(left) and left < day)
        return (agents["hired_on"] <= day) & ~gone

    week = first_day - pd.Timedelta(days=first_day.weekday())
    while week <= last_day:
        first = max(week, first_day)
        last = min(week + pd.Timedelta(days=6), last_day)
        on_first, on_last = employed(first), employed(last)
        overlapping = (agents["hired_on"] <= last) & ~agents["left_on"].map(
            lambda left, f=first: pd.notna(left) and left < f
        )
        left = agents["left_on"].map(lambda day, f=first, la=last: pd.notna(day) and f <= day <= la)
        for centre, spells in agents.groupby("centre_id"):
            at_first = spells[on_first[spells.index]]["agent_id"].nunique()
            at_last = spells[on_last[spells.index]]
            headcount = at_last["agent_id"].nunique()
            everyone = spells[overlapping[spells.index]]["agent_id"].nunique()
            add(week, centre, "headcount", float(headcount), headcount)
            if everyone:
                leavers = int(left[spells.index].sum())
                mean_headcount = (at_first + headcount) / 2
                add(
                    week,
                    centre,
                    "attrition_pct",
                    leavers / mean_headcount * 365 / ((last - first).days + 1) * 100,
                    everyone,
                )
            if headcount:
                current = at_last.groupby("agent_id")["hired_on"].max()
                tenure = current.map(lambda hired, la=last: (la - hired).days)
                add(week, centre, "tenure_median_days", float(tenure.median()), headcount)
        week += pd.Timedelta(days=7)

    # new hires: each answered contact's agent, on the contact's day in its centre's zone
    contacts = tables["contacts"]
    answered = contacts[contacts["answered"] & contacts["agent_id"].notna()].merge(
        tables["centres"][["centre_id", "timezone"]], on="centre_id"
    )
    answered["day"] = local_dates(answered["started_at"], answered["timezone"])
    answered["week"] = week_of(answered["started_at"])
    spells = answered.merge(agents, on=["centre_id", "agent_id"])
    covering = spells[
        (spells["hired_on"] <= spells["day"])
        & ~spells.apply(lambda r: pd.notna(r["left_on"]) and r["left_on"] < r["day"], axis=1)
    ]
    hired = covering.groupby(["centre_id", "contact_id", "week", "day"], as_index=False)[
        "hired_on"
    ].max()
    hired["new"] = [
        (day - hired_on).days < SETTINGS.new_hire_days
        for day, hired_on in zip(hired["day"], hired["hired_on"], strict=True)
    ]
    for (week, centre), group in hired.groupby(["week", "centre_id"]):
        add(week, centre, "new_hire_contact_pct", *proportion(group["new"])[:2])

    staff = tables["staff_surveys"].dropna(subset=["enps"])
    staff = staff.assign(week=week_of(staff["responded_at"]))
    for (week, centre), group in staff.groupby(["week", "centre_id"]):
        answers = group["enps"]
        add(
            week,
            centre,
            "enps",
            100 * ((answers >= 9).sum() - (answers <= 6).sum()) / len(answers),
            len(answers),
        )


def kappa(pairs: pd.DataFrame) -> float:
    """Cohen's kappa from the 2 x 2 table of verdicts; NaN when chance agreement is 1."""
    observed = (pairs["own_pass"] == pairs["client_pass"]).mean()
    p_own, p_client = pairs["own_pass"].mean(), pairs["client_pass"].mean()
    chance = p_own * p_client + (1 - p_own) * (1 - p_client)
    return math.nan if chance == 1 else (observed - chance) / (1 - chance)


def expected_values(tables) -> pd.DataFrame:
    """(week, centre, metric) -> value and n, computed row by row from the contract."""
    contacts = tables["contacts"].copy()
    surveys = tables["surveys"].copy()
    qa = tables["qa_evaluations"].copy()
    contacts["week"] = week_of(contacts["started_at"])
    surveys["week"] = week_of(surveys["responded_at"])
    qa["week"] = week_of(qa["evaluated_at"])

    # Repeat: another contact from the same customer starting in (t, t + window].
    keyed = contacts[contacts["customer_key"].notna()].sort_values("started_at")
    nxt = pd.merge_asof(
        keyed[["centre_id", "contact_id", "customer_key", "started_at"]],
        keyed[["customer_key", "started_at"]]
        .rename(columns={"started_at": "next_at"})
        .assign(next_at_copy=lambda f: f["next_at"]),
        left_on="started_at",
        right_on="next_at",
        by="customer_key",
        direction="forward",
        allow_exact_matches=False,
    )
    window = pd.Timedelta(days=SETTINGS.repeat_window_days)
    nxt["repeated"] = (nxt["next_at_copy"] - nxt["started_at"]) <= window
    contacts = contacts.merge(
        nxt[["centre_id", "contact_id", "repeated"]], on=["centre_id", "contact_id"], how="left"
    )
    surveyed = surveys[["centre_id", "contact_id"]].dropna().drop_duplicates()
    contacts = contacts.merge(surveyed.assign(surveyed=True), how="left")
    contacts["surveyed"] = contacts["surveyed"].fillna(False).astype(bool)

    # Mix weights: reason of the linked contact, 'unknown' without one.
    reasons = tables["contacts"][["centre_id", "contact_id", "contact_reason"]]
    surveys = surveys.merge(reasons, on=["centre_id", "contact_id"], how="left")
    surveys["contact_reason"] = surveys["contact_reason"].fillna("unknown")
    surveys["satisfied"] = surveys["csat_raw"] >= (
        surveys["csat_lo"] + 0.75 * (surveys["csat_hi"] - surveys["csat_lo"])
    )

    records = []

    def add(week, centre, metric, value, n):
        records.append((week, centre, metric, value, n))

    for (week, centre), group in contacts.groupby(["week", "centre_id"]):
        add(week, centre, "contacts", float(len(group)), len(group))
        answered = group[group["answered"]]
        handled = answered[answered["talk_s"].notna()]
        add(
            week,
            centre,
            "aht_s",
            (handled["talk_s"] + handled["hold_s"].fillna(0) + handled["wrap_s"].fillna(0)).mean(),
            len(handled),
        )
        realtime = group[group["channel"].isin(["voice", "chat"])]
        rt_answered = realtime[realtime["answered"]]
        add(week, centre, "asa_s", rt_answered["wait_s"].mean(), len(rt_answered))
        short = realtime["abandoned"] & (realtime["wait_s"] < SETTINGS.short_abandon_s)
        offered = realtime[(realtime["answered"] | realtime["abandoned"]) & ~short]
        timed = offered[offered["wait_s"].notna()]  # no recorded wait: cannot be judged
        in_sl = timed["answered"] & (timed["wait_s"] <= SETTINGS.service_level_threshold_s)
        add(week, centre, "service_level_pct", *proportion(in_sl)[:2])
        add(week, centre, "abandon_pct", *proportion(offered["abandoned"])[:2])
        # flags a centre does not export (NULL) are not in the population
        add(week, centre, "transfer_pct", *proportion(answered["transferred"].dropna())[:2])
        add(week, centre, "complaint_pct", *proportion(answered["complaint"].dropna())[:2])
        with_key = answered[answered["customer_key"].notna()]
        add(week, centre, "fcr_repeat_pct", *proportion(~with_key["repeated"].astype(bool))[:2])
        # response bias: the surveyed contacts' no-repeat share minus everyone's
        responded = with_key[with_key["surveyed"]]
        if len(responded):
            add(
                week,
                centre,
                "responder_repeat_gap",
                100 * (~responded["repeated"].astype(bool)).mean()
                - 100 * (~with_key["repeated"].astype(bool)).mean(),
                len(responded),
            )

    answered_counts = contacts[contacts["answered"]].groupby(["week", "centre_id"]).size()
    for (week, centre), group in surveys.groupby(["week", "centre_id"]):
        rated = group[group["csat_raw"].notna()]
        add(week, centre, "csat_pct", *proportion(rated["satisfied"])[:2])
        add(week, centre, "delight_pct", *proportion(rated["csat_raw"] == rated["csat_hi"])[:2])
        add(week, centre, "csat_mean", rated["csat"].mean(), len(rated))
        scored = group["nps"].dropna()
        add(
            week,
            centre,
            "nps",
            100 * ((scored >= 9).sum() - (scored <= 6).sum()) / len(scored),
            len(scored),
        )
        add(week, centre, "fcr_survey_pct", *proportion(group["resolved"].dropna())[:2])
        answered_n = int(answered_counts.get((week, centre), 0))
        if answered_n:
            add(week, centre, "response_rate_pct", 100 * len(group) / answered_n, answered_n)

    rated = surveys[surveys["csat_raw"].notna()]
    for week, in_week in rated.groupby("week"):
        weights = in_week["contact_reason"].value_counts(normalize=True)
        for centre, group in in_week.groupby("centre_id"):
            by_reason = group.groupby("contact_reason")["satisfied"].mean() * 100
            seen = weights[by_reason.index]
            add(
                week,
                centre,
                "csat_pct_adjusted",
                float((seen * by_reason).sum() / seen.sum()),
                len(group),
            )

    sections = tables["qa_sections"].merge(
        qa[["centre_id", "evaluation_id", "week"]], on=["centre_id", "evaluation_id"]
    )
    for (week, centre), group in qa.groupby(["week", "centre_id"]):
        add(week, centre, "qa_score", group["score_pct"].mean(), len(group))
        passed = (group["score_pct"] >= SETTINGS.qa_pass_mark) & ~group["critical_fail"]
        add(week, centre, "qa_pass_pct", *proportion(passed)[:2])
        add(week, centre, "qa_critical_fail_pct", *proportion(group["critical_fail"])[:2])
    for (week, centre, section), group in sections.groupby(["week", "centre_id", "section"]):
        add(week, centre, f"qa_section_{section}", group["score_pct"].mean(), len(group))

    pairs = calibration_pairs(tables)
    for (week, centre), group in pairs.groupby(["week", "centre_id"]):
        add(week, centre, "qa_calibration_gap", group["gap"].mean(), len(group))
        agree = group["own_pass"] == group["client_pass"]
        add(week, centre, "qa_calibration_agreement_pct", *proportion(agree)[:2])
        add(week, centre, "qa_calibration_kappa", kappa(group), len(group))
    for (week, centre, section), group in calibration_section_gaps(tables, pairs).groupby(
        ["week", "centre_id", "section"]
    ):
        add(week, centre, f"qa_calibration_gap_{section}", group["gap"].mean(), len(group))

    people_values(tables, add)

    frame = pd.DataFrame(records, columns=["period_start", "centre_id", "metric", "value", "n"])
    return frame[frame["n"] > 0]


def test_every_metric_week_and_centre_matches_an_independent_computation(warehouse):
    tables, layer = warehouse
    expected = expected_values(tables)
    layer = layer.assign(period_start=pd.to_datetime(layer["period_start"]).dt.date)
    merged = layer.merge(
        expected, on=["period_start", "centre_id", "metric"], how="left", suffixes=("", "_expected")
    )

    with_data = merged[merged["n"] > 0]
    assert with_data["n_expected"].notna().all(), with_data[with_data["n_expected"].isna()]
    assert (with_data["n"] == with_data["n_expected"]).all(), with_data.loc[
        with_data["n"] != with_data["n_expected"],
        ["period_start", "centre_id", "metric", "n", "n_expected"],
    ]
    np.testing.assert_allclose(
        with_data["value"], with_data["value_expected"], rtol=1e-9, atol=1e-9
    )
    # Every (week, centre, metric) with data appears in the layer's table, and weeks
    # without data are there too, empty.
    assert len(expected) == len(with_data)
    assert merged.loc[merged["n"] == 0, "value"].isna().all()
    assert set(expected["metric"]) == set(layer["metric"])


def test_intervals_gaps_and_tests_match_textbook_formulas(warehouse):
    tables, layer = warehouse
    layer = layer.assign(period_start=pd.to_datetime(layer["period_start"]).dt.date)
    week = layer.loc[layer["n"] > 0, "period_start"].max() - pd.Timedelta(weeks=4)
    rows = layer[layer["period_start"] == week].set_index(["centre_id", "metric"])

    # Wilson interval and pooled two-proportion z-test for csat_pct, Manila v. Leeds.
    surveys = tables["surveys"].assign(week=week_of(tables["surveys"]["responded_at"]))
    rated = surveys[(surveys["week"] == week) & surveys["csat_raw"].notna()]
    satisfied = rated["csat_raw"] >= rated["csat_lo"] + 0.75 * (rated["csat_hi"] - rated["csat_lo"])
    x1, n1 = (
        int(satisfied[rated["centre_id"] == "manila"].sum()),
        int((rated["centre_id"] == "manila").sum()),
    )
    x0, n0 = (
        int(satisfied[rated["centre_id"] == "leeds"].sum()),
        int((rated["centre_id"] == "leeds").sum()),
    )
    p = x1 / n1
    centre = (p + Z**2 / (2 * n1)) / (1 + Z**2 / n1)
    half = Z * math.sqrt(p * (1 - p) / n1 + Z**2 / (4 * n1**2)) / (1 + Z**2 / n1)
    manila = rows.loc[("manila", "csat_pct")]
    assert manila["ci_low"] == pytest.approx(100 * (centre - half))
    assert manila["ci_high"] == pytest.approx(100 * (centre + half))
    pooled = (x1 + x0) / (n1 + n0)
    z = (x1 / n1 - x0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    assert manila["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert manila["gap"] == pytest.approx(100 * (x1 / n1 - x0 / n0))
    assert manila["baseline_value"] == pytest.approx(100 * x0 / n0)

    # Welch's t-test on the raw handle times for aht_s.
    contacts = tables["contacts"].assign(week=week_of(tables["contacts"]["started_at"]))
    answered = contacts[(contacts["week"] == week) & contacts["answered"]]
    handle = answered["talk_s"] + answered["hold_s"].fillna(0) + answered["wrap_s"].fillna(0)
    a, b = handle[answered["centre_id"] == "manila"], handle[answered["centre_id"] == "leeds"]
    aht = rows.loc[("manila", "aht_s")]
    assert aht["p_value"] == pytest.approx(
        stats.ttest_ind(a, b, equal_var=False).pvalue, rel=1e-6, abs=1e-300
    )
    assert aht["ci_high"] - aht["value"] == pytest.approx(Z * a.std(ddof=1) / math.sqrt(len(a)))

    # NPS interval from the promoter and detractor shares.
    scored = surveys[(surveys["week"] == week) & (surveys["centre_id"] == "manila")]["nps"]
    scored = scored.dropna()
    pr, de = (scored >= 9).mean(), (scored <= 6).mean()
    nps = rows.loc[("manila", "nps")]
    half = Z * 100 * math.sqrt((pr + de - (pr - de) ** 2) / len(scored))
    assert nps["ci_high"] - nps["value"] == pytest.approx(half)


def test_calibration_and_response_bias_tests_match_textbook_formulas(warehouse):
    tables, layer = warehouse
    layer = layer.assign(period_start=pd.to_datetime(layer["period_start"]).dt.date)
    pairs = calibration_pairs(tables)
    busiest = pairs[pairs["centre_id"] == "manila"].groupby("week").size().idxmax()
    rows = layer[layer["period_start"] == busiest].set_index(["centre_id", "metric"])

    # The paired t-test of the gaps against 0, and the t interval (n - 1 df).
    gaps = pairs[(pairs["centre_id"] == "manila") & (pairs["week"] == busiest)]["gap"]
    gap = rows.loc[("manila", "qa_calibration_gap")]
    assert gap["p_value"] == pytest.approx(stats.ttest_1samp(gaps, 0).pvalue, rel=1e-6, abs=1e-300)
    t = stats.t.ppf(1 - (1 - SETTINGS.confidence) / 2, len(gaps) - 1)
    assert gap["ci_high"] - gap["value"] == pytest.approx(
        t * gaps.std(ddof=1) / math.sqrt(len(gaps))
    )

    # Cohen's kappa's large-sample interval, from the 2 x 2 table of verdicts.
    week_pairs = pairs[(pairs["centre_id"] == "glasgow") & (pairs["week"] == busiest)]
    observed = (week_pairs["own_pass"] == week_pairs["client_pass"]).mean()
    p_own, p_client = week_pairs["own_pass"].mean(), week_pairs["client_pass"].mean()
    chance = p_own * p_client + (1 - p_own) * (1 - p_client)
    se = math.sqrt(observed * (1 - observed) / (len(week_pairs) * (1 - chance) ** 2))
    kappa_row = rows.loc[("glasgow", "qa_calibration_kappa")]
    assert kappa_row["value"] == pytest.approx((observed - chance) / (1 - chance))
    assert kappa_row["ci_high"] - kappa_row["value"] == pytest.approx(Z * se)

    # The responder repeat gap's pooled two-proportion z-test, surveyed v. all.
    layer_row = rows.loc[("lisbon", "responder_repeat_gap")]
    fcr = rows.loc[("lisbon", "fcr_repeat_pct")]
    n_all, x_all = fcr["n"], fcr["value"] / 100 * fcr["n"]
    n_s = layer_row["n"]
    x_s = (layer_row["value"] / 100 + x_all / n_all) * n_s
    pooled = (x_s + x_all) / (n_s + n_all)
    z = (x_s / n_s - x_all / n_all) / math.sqrt(pooled * (1 - pooled) * (1 / n_s + 1 / n_all))
    assert layer_row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
