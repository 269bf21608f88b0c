"""Definition changes the test suite must notice, applied one at a time by run.py.

Each mutant replaces one exact piece of text (found once in its file) with a plausible
wrong definition: a threshold, a population, a window edge, or a place that used to
carry its own copy of a rule getting its own version back. ``make mutants`` applies
each to a copy of the repository and runs the metric tests; a mutant is killed when a
test fails. tests/mutation/test_mutant_list.py keeps this list applicable as the code
moves.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFINITIONS = "pipelines/metrics/sql/definitions.sql"
CONTACT_DAYS = "pipelines/metrics/sql/contact_days.sql"
SURVEY_DAYS = "pipelines/metrics/sql/survey_days.sql"
QA_DAYS = "pipelines/metrics/sql/qa_days.sql"
AGENT_DAYS = "pipelines/metrics/sql/agent_days.sql"
REPEAT_FLOW_DAYS = "pipelines/metrics/sql/repeat_flow_days.sql"
COMMENTS = "pipelines/metrics/sql/customer_comments.sql"
LONG_TABLE = "pipelines/metrics/long_table.py"
STATS = "pipelines/metrics/stats.py"
SUMMARIES = "pipelines/metrics/summaries.py"
PEOPLE = "pipelines/metrics/people.py"

# the satisfied rule as the three SQL files that used to spell it out had it, nudged
COPIED_SATISFIED = "s.csat_raw >= s.csat_lo + 0.7 * (s.csat_hi - s.csat_lo)"


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    old: str
    new: str


MUTANTS: tuple[Mutant, ...] = (
    # --- the rules of definitions.sql -------------------------------------------------
    Mutant(
        "satisfied threshold 0.75 -> 0.7",
        DEFINITIONS,
        "csat_raw >= csat_lo + 0.75 * (csat_hi - csat_lo)",
        "csat_raw >= csat_lo + 0.7 * (csat_hi - csat_lo)",
    ),
    Mutant(
        "satisfied edge >= -> >",
        DEFINITIONS,
        "csat_raw >= csat_lo + 0.75 * (csat_hi - csat_lo)",
        "csat_raw > csat_lo + 0.75 * (csat_hi - csat_lo)",
    ),
    Mutant(
        "a response without a score counts for CSAT",
        DEFINITIONS,
        "csat_raw IS NOT NULL AND csat_lo IS NOT NULL AND csat_hi > csat_lo",
        "csat_lo IS NOT NULL AND csat_hi > csat_lo",
    ),
    Mutant(
        "delighted: top two points", DEFINITIONS, "csat_raw = csat_hi", "csat_raw >= csat_hi - 1"
    ),
    Mutant(
        "mean CSAT not mapped onto 1-5",
        DEFINITIONS,
        "1 + 4 * (csat_raw - csat_lo) / (csat_hi - csat_lo)",
        "csat_raw",
    ),
    Mutant(
        "NPS 0 is not an answer",
        DEFINITIONS,
        "CASE WHEN nps BETWEEN 0 AND 10 THEN nps END",
        "CASE WHEN nps BETWEEN 1 AND 10 THEN nps END",
    ),
    Mutant(
        "handle time without wrap",
        DEFINITIONS,
        "talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)",
        "talk_s + coalesce(hold_s, 0)",
    ),
    Mutant(
        "handle time without hold",
        DEFINITIONS,
        "talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)",
        "talk_s + coalesce(wrap_s, 0)",
    ),
    Mutant(
        "handle time of unanswered contacts",
        DEFINITIONS,
        "CASE WHEN answered AND talk_s IS NOT NULL",
        "CASE WHEN talk_s IS NOT NULL",
    ),
    Mutant(
        "short abandon edge < -> <=",
        DEFINITIONS,
        "coalesce(wait_s < short_abandon_s, FALSE)",
        "coalesce(wait_s <= short_abandon_s, FALSE)",
    ),
    Mutant(
        "an abandon with no wait is short",
        DEFINITIONS,
        "coalesce(wait_s < short_abandon_s, FALSE)",
        "coalesce(wait_s < short_abandon_s, TRUE)",
    ),
    Mutant(
        "offered: answered only",
        DEFINITIONS,
        "answered OR (abandoned AND NOT short_abandon(abandoned, wait_s, short_abandon_s))",
        "answered",
    ),
    Mutant(
        "email counted as real time",
        DEFINITIONS,
        "channel IN ('voice', 'chat')",
        "channel IN ('voice', 'chat', 'email')",
    ),
    Mutant(
        "chat not real time", DEFINITIONS, "channel IN ('voice', 'chat')", "channel IN ('voice')"
    ),
    Mutant(
        "QA pass edge >= -> >",
        DEFINITIONS,
        "score_pct >= pass_mark AND NOT critical_fail",
        "score_pct > pass_mark AND NOT critical_fail",
    ),
    Mutant(
        "QA pass despite a critical fail",
        DEFINITIONS,
        "score_pct >= pass_mark AND NOT critical_fail",
        "score_pct >= pass_mark",
    ),
    Mutant(
        "repeat window edge <= -> <",
        DEFINITIONS,
        "next_started_at <= started_at + window_days * INTERVAL 1 DAY",
        "next_started_at < started_at + window_days * INTERVAL 1 DAY",
    ),
    Mutant(
        "repeat window one day short",
        DEFINITIONS,
        "next_started_at <= started_at + window_days * INTERVAL 1 DAY",
        "next_started_at <= started_at + (window_days - 1) * INTERVAL 1 DAY",
    ),
    Mutant(
        "a contact in the same instant is a repeat",
        DEFINITIONS,
        "RANGE BETWEEN INTERVAL 1 MICROSECOND FOLLOWING AND UNBOUNDED FOLLOWING",
        "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
    ),
    Mutant(
        "repeats only within the same centre",
        DEFINITIONS,
        "PARTITION BY c.customer_key\n",
        "PARTITION BY c.customer_key, c.centre_id\n",
    ),
    Mutant(
        "repeats only within the same channel",
        DEFINITIONS,
        "PARTITION BY c.customer_key\n",
        "PARTITION BY c.customer_key, c.channel\n",
    ),
    Mutant(
        "next contacts looked for only up to the range end",
        DEFINITIONS,
        "CAST(last_day AS TIMESTAMP) + (window_days + 3) * INTERVAL 1 DAY",
        "CAST(last_day AS TIMESTAMP) + 1 * INTERVAL 1 DAY",
    ),
    Mutant(
        "contacts looked for from UTC midnight of the first day",
        DEFINITIONS,
        "c.started_at >= CAST(first_day AS TIMESTAMP) - INTERVAL 2 DAY",
        "c.started_at >= CAST(first_day AS TIMESTAMP)",
    ),
    Mutant(
        "UTC pre-filter loses the local early hours",
        DEFINITIONS,
        "utc_instant >= CAST(first_day AS TIMESTAMP) - INTERVAL 2 DAY",
        "utc_instant >= CAST(first_day AS TIMESTAMP)",
    ),
    Mutant(
        "UTC pre-filter loses the local late hours",
        DEFINITIONS,
        "utc_instant < CAST(last_day AS TIMESTAMP) + INTERVAL 3 DAY",
        "utc_instant < CAST(last_day AS TIMESTAMP) + INTERVAL 1 DAY",
    ),
    Mutant(
        "local day is the UTC day",
        DEFINITIONS,
        "CAST(timezone(tz, timezone('UTC', utc_instant)) AS DATE)",
        "CAST(utc_instant AS DATE)",
    ),
    Mutant(
        "local midnight taken as UTC midnight",
        DEFINITIONS,
        "timezone('UTC', timezone(tz, CAST(day AS TIMESTAMP)))",
        "CAST(day AS TIMESTAMP)",
    ),
    Mutant(
        "an empty filter selects nothing",
        DEFINITIONS,
        "len(selection) = 0 OR coalesce(list_contains(selection, value), FALSE)",
        "coalesce(list_contains(selection, value), FALSE)",
    ),
    Mutant(
        "a record with no linked contact matches every filter",
        DEFINITIONS,
        "len(selection) = 0 OR coalesce(list_contains(selection, value), FALSE)",
        "len(selection) = 0 OR coalesce(list_contains(selection, value), TRUE)",
    ),
    Mutant("the queue filter is ignored", DEFINITIONS, "AND in_selection(queues, queue)", ""),
    Mutant(
        "weeks start on Sunday",
        DEFINITIONS,
        "WHEN 'week' THEN CAST(date_trunc('week', day) AS DATE)",
        "WHEN 'week' THEN CAST(date_trunc('week', day + 1) AS DATE) - 1",
    ),
    # --- populations of the day files --------------------------------------------------
    Mutant(
        "FCR counts unanswered contacts",
        CONTACT_DAYS,
        "COUNT(*) FILTER (WHERE answered AND has_customer_key) AS fcr_repeat_pct__n",
        "COUNT(*) FILTER (WHERE has_customer_key) AS fcr_repeat_pct__n",
    ),
    Mutant(
        "complaints not exported count as none",
        CONTACT_DAYS,
        "COUNT(complaint) FILTER (WHERE answered) AS complaint_pct__n",
        "COUNT(*) FILTER (WHERE answered) AS complaint_pct__n",
    ),
    Mutant(
        "transfers not exported count as none",
        CONTACT_DAYS,
        "COUNT(transferred) FILTER (WHERE answered) AS transfer_pct__n",
        "COUNT(*) FILTER (WHERE answered) AS transfer_pct__n",
    ),
    Mutant(
        "response rate over every contact",
        CONTACT_DAYS,
        "COUNT(*) FILTER (WHERE answered) AS response_rate_pct__n",
        "COUNT(*) AS response_rate_pct__n",
    ),
    Mutant(
        "ASA over email too",
        CONTACT_DAYS,
        "COUNT(wait_s) FILTER (WHERE answered AND real_time) AS asa_s__n",
        "COUNT(wait_s) FILTER (WHERE answered) AS asa_s__n",
    ),
    Mutant(
        "service level counts offered contacts with no wait",
        CONTACT_DAYS,
        "COUNT(*) FILTER (WHERE real_time AND offered AND wait_s IS NOT NULL)",
        "COUNT(*) FILTER (WHERE real_time AND offered)",
    ),
    Mutant(
        "service level edge <= -> <",
        CONTACT_DAYS,
        "wait_s <= $service_level_threshold_s",
        "wait_s < $service_level_threshold_s",
    ),
    Mutant(
        "abandon rate over every contact",
        CONTACT_DAYS,
        "COUNT(*) FILTER (WHERE real_time AND offered) AS abandon_pct__n",
        "COUNT(*) FILTER (WHERE real_time) AS abandon_pct__n",
    ),
    Mutant(
        "delight over every survey",
        SURVEY_DAYS,
        "COUNT(*) FILTER (WHERE has_csat) AS delight_pct__n",
        "COUNT(*) AS delight_pct__n",
    ),
    Mutant(
        "promoters from 8",
        SURVEY_DAYS,
        "COUNT(*) FILTER (WHERE nps >= 9) AS nps__x",
        "COUNT(*) FILTER (WHERE nps >= 8) AS nps__x",
    ),
    Mutant(
        "detractors up to 7",
        SURVEY_DAYS,
        "COUNT(*) FILTER (WHERE nps <= 6) AS nps__y",
        "COUNT(*) FILTER (WHERE nps <= 7) AS nps__y",
    ),
    Mutant(
        "FCR (survey) counts unanswered questions as no",
        SURVEY_DAYS,
        "COUNT(resolved) AS fcr_survey_pct__n",
        "COUNT(*) AS fcr_survey_pct__n",
    ),
    Mutant(
        "surveys with no contact lose their reason",
        SURVEY_DAYS,
        "coalesce(c.contact_reason, 'unknown') AS contact_reason",
        "c.contact_reason AS contact_reason",
    ),
    Mutant(
        "critical fails not counted",
        QA_DAYS,
        "COUNT(*) FILTER (WHERE critical_fail) AS qa_critical_fail_pct__x",
        "0 AS qa_critical_fail_pct__x",
    ),
    Mutant(
        "QA sections: population of every evaluation",
        QA_DAYS,
        "COUNT(COLUMNS('^qa_section_')) AS '\\0__n'",
        "COUNT(*) AS qa_section_accuracy__n",
    ),
    # --- the places that used to carry their own copy ------------------------------------
    Mutant(
        "agents' handle time without wrap",
        AGENT_DAYS,
        "handle_seconds(answered, talk_s, hold_s, wrap_s) AS handle_s",
        "handle_seconds(answered, talk_s, hold_s, 0) AS handle_s",
    ),
    Mutant(
        "agents' satisfied rule copied and nudged",
        AGENT_DAYS,
        "csat_satisfied(s.csat_raw, s.csat_lo, s.csat_hi)",
        COPIED_SATISFIED,
    ),
    Mutant(
        "agents' surveys dated by the contact's day",
        AGENT_DAYS,
        "local_day(s.responded_at, $tz) AS local_date",
        "c.local_date AS local_date",
    ),
    Mutant(
        "comments' satisfied rule copied and nudged",
        COMMENTS,
        "csat_satisfied(s.csat_raw, s.csat_lo, s.csat_hi) = $satisfied",
        f"{COPIED_SATISFIED} = $satisfied",
    ),
    Mutant(
        "repeat flows count unanswered contacts",
        REPEAT_FLOW_DAYS,
        "WHERE answered AND customer_key IS NOT NULL",
        "WHERE customer_key IS NOT NULL",
    ),
    Mutant(
        "repeat flows' own window edge",
        REPEAT_FLOW_DAYS,
        "AND repeated_within(started_at, next_started_at, $repeat_window_days)",
        "AND next_started_at < started_at + $repeat_window_days * INTERVAL 1 DAY",
    ),
    # --- trusting the vendor's numbers ---------------------------------------------------
    Mutant(
        "a calibration pair in the week of its first client evaluation",
        DEFINITIONS,
        "MAX(evaluated_at) AS latest_at",
        "MIN(evaluated_at) AS latest_at",
    ),
    Mutant(
        "a side's verdict ignores its critical fails",
        DEFINITIONS,
        "bool_or(critical_fail) AS critical_fail,",
        "FALSE AS critical_fail,",
    ),
    Mutant(
        "a side's score is its latest evaluation, not the mean",
        DEFINITIONS,
        "AVG(score_pct) AS score,",
        "arg_max(score_pct, evaluated_at) AS score,",
    ),
    Mutant(
        "a section pair without both sides' section score",
        DEFINITIONS,
        "            AND client.section = own.section\n",
        "",
    ),
    Mutant(
        "surveyed contacts matched at any centre",
        CONTACT_DAYS,
        "ON s.centre_id = c.centre_id AND s.contact_id = c.contact_id",
        "ON s.contact_id = c.contact_id",
    ),
    Mutant(
        "out of calibration without a significant gap",
        LONG_TABLE,
        "        calibration\n        & significant\n",
        "        calibration\n",
    ),
    Mutant(
        "calibration gap interval with z instead of t",
        LONG_TABLE,
        "half = metric_stats.t_value(confidence, n[paired]) * s / np.sqrt(n[paired])",
        "half = z * s / np.sqrt(n[paired])",
    ),
    Mutant(
        "kappa's chance agreement without the joint fails",
        STATS,
        "pe = p_own * p_client + (1 - p_own) * (1 - p_client)",
        "pe = p_own * p_client",
    ),
    # --- pooling and statistics ----------------------------------------------------------
    Mutant(
        "standard deviation with ddof 0",
        STATS,
        "(np.asarray(total_sq, dtype=float) - n * mean**2) / (n - 1)",
        "(np.asarray(total_sq, dtype=float) - n * mean**2) / n",
    ),
    Mutant(
        "NPS standard error without the covariance term",
        STATS,
        "np.sqrt((p + d - (p - d) ** 2) / np.asarray(n, dtype=float))",
        "np.sqrt((p + d) / np.asarray(n, dtype=float))",
    ),
    Mutant("Welch test with equal variances", STATS, "equal_var=False", "equal_var=True"),
    Mutant(
        "Wilson interval without the continuity of z^2 / 4n^2",
        STATS,
        "np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))",
        "np.sqrt(p * (1 - p) / n)",
    ),
    # --- the summaries' freshness ---------------------------------------------------------
    Mutant(
        "summaries trusted without their content checksum",
        SUMMARIES,
        "    if not _content_matches(con, row[7]):\n        return None\n",
        "",
    ),
    # --- agent experience ------------------------------------------------------------------
    Mutant(
        "a leaver is not employed on the day they leave",
        DEFINITIONS,
        "hired_on <= day AND (left_on IS NULL OR left_on >= day)",
        "hired_on <= day AND (left_on IS NULL OR left_on > day)",
    ),
    Mutant(
        "tenure counts the hire day as day 1",
        DEFINITIONS,
        "date_diff('day', hired_on, day)",
        "date_diff('day', hired_on, day) + 1",
    ),
    Mutant(
        "a new hire up to and including new_hire_days",
        DEFINITIONS,
        "tenure < new_hire_days",
        "tenure <= new_hire_days",
    ),
    Mutant(
        "a leaver on the period's last day is not the period's",
        DEFINITIONS,
        "left_on BETWEEN first_day AND last_day",
        "left_on BETWEEN first_day AND last_day - 1",
    ),
    Mutant(
        "tenure measured on the period's first day",
        DEFINITIONS,
        "any_value(p.last_day),",
        "any_value(p.first_day),",
    ),
    Mutant(
        "a contact's tenure day taken in the reporting zone, not the centre's",
        DEFINITIONS,
        "local_day(c.started_at, ce.timezone) AS agent_day",
        "CAST(c.started_at AS DATE) AS agent_day",
    ),
    Mutant(
        "attrition over the sum of the two headcounts, not their mean",
        PEOPLE,
        "* 100 / (headcount_ends / 2)",
        "* 100 / headcount_ends",
    ),
    Mutant(
        "attrition annualised over 360 days",
        PEOPLE,
        "DAYS_PER_YEAR = 365",
        "DAYS_PER_YEAR = 360",
    ),
    Mutant(
        "the group median of the centres' medians",
        LONG_TABLE,
        'pooled = pooled.groupby([*keys, "tenure_days"], as_index=False)["agents"].sum()',
        'pooled = pooled.groupby([*keys, "centre_id", "tenure_days"], as_index=False)'
        '["agents"].sum()\n    pooled = weighted_medians(pooled, [*keys, "centre_id"]).rename('
        'columns={"median": "tenure_days"}).assign(agents=1.0)',
    ),
)
