-- The per-record rules of METRICS.md, each written once, as DuckDB macros.
--
-- Every metric SQL file (and every other query that needs one of these rules) calls the
-- macro instead of spelling the rule out, so a rule changes here or nowhere. They are
-- TEMP macros: created on each connection that runs metric SQL (sql_files.execute does it
-- on first use), never stored in the warehouse file, so a warehouse built by an older
-- version cannot carry an older definition. tests/mutants changes each one and checks
-- that the suite notices.

-- The reporting day of an instant: timestamps are stored in UTC; a day is a calendar
-- date in the reporting time zone.
CREATE OR REPLACE TEMP MACRO local_day(utc_instant, tz) AS
    CAST(timezone(tz, timezone('UTC', utc_instant)) AS DATE);

-- The UTC instant at which a reporting day starts (local midnight).
CREATE OR REPLACE TEMP MACRO local_midnight_utc(day, tz) AS
    timezone('UTC', timezone(tz, CAST(day AS TIMESTAMP)));

-- A cheap UTC superset of the instants whose local day is in [first_day, last_day]:
-- local dates are within a day of UTC ones, so two days either side loses none. It
-- prunes row groups before the exact local_day test.
CREATE OR REPLACE TEMP MACRO near_local_days(utc_instant, first_day, last_day) AS
    utc_instant >= CAST(first_day AS TIMESTAMP) - INTERVAL 2 DAY
    AND utc_instant < CAST(last_day AS TIMESTAMP) + INTERVAL 3 DAY;

-- A filter selection: an empty list selects everything; a NULL value (a survey with no
-- linked contact) matches no non-empty selection.
CREATE OR REPLACE TEMP MACRO in_selection(selection, value) AS
    len(selection) = 0 OR coalesce(list_contains(selection, value), FALSE);

-- The dashboard's contact filters: channel, queue and contact reason.
CREATE OR REPLACE TEMP MACRO contact_filters_match(
        channels, queues, reasons, channel, queue, contact_reason) AS
    in_selection(channels, channel) AND in_selection(queues, queue)
    AND in_selection(reasons, contact_reason);

-- The first day of the period a reporting day falls in: ISO week (Monday), calendar
-- month, or the whole range.
CREATE OR REPLACE TEMP MACRO period_start(grain, day, range_start) AS
    CASE grain
        WHEN 'week' THEN CAST(date_trunc('week', day) AS DATE)
        WHEN 'month' THEN CAST(date_trunc('month', day) AS DATE)
        ELSE CAST(range_start AS DATE)
    END;

-- CSAT: a response counts when its score and scale are known and the scale is real.
CREATE OR REPLACE TEMP MACRO has_csat(csat_raw, csat_lo, csat_hi) AS
    csat_raw IS NOT NULL AND csat_lo IS NOT NULL AND csat_hi > csat_lo;

-- Satisfied: in the top quarter of the centre's own scale (4-5 of 1-5, 8-10 of 0-10).
CREATE OR REPLACE TEMP MACRO csat_satisfied(csat_raw, csat_lo, csat_hi) AS
    csat_raw >= csat_lo + 0.75 * (csat_hi - csat_lo);

-- Delighted: the top of the scale.
CREATE OR REPLACE TEMP MACRO csat_delighted(csat_raw, csat_hi) AS
    csat_raw = csat_hi;

-- A score mapped linearly onto 1-5, so centres with different scales can be averaged.
CREATE OR REPLACE TEMP MACRO csat_on_1_to_5(csat_raw, csat_lo, csat_hi) AS
    1 + 4 * (csat_raw - csat_lo) / (csat_hi - csat_lo);

-- NPS answers outside 0-10 are not answers.
CREATE OR REPLACE TEMP MACRO nps_answer(nps) AS
    CASE WHEN nps BETWEEN 0 AND 10 THEN nps END;

-- Handle time of an answered contact: talk + hold + wrap, missing hold or wrap as 0;
-- NULL (not in the population) when unanswered or talk is unknown.
CREATE OR REPLACE TEMP MACRO handle_seconds(answered, talk_s, hold_s, wrap_s) AS
    CASE WHEN answered AND talk_s IS NOT NULL
        THEN talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0) END;

-- A short abandon (the customer hung up within short_abandon_s) is not offered. An
-- abandon with no recorded wait cannot be shown to be short, so it stays offered.
CREATE OR REPLACE TEMP MACRO short_abandon(abandoned, wait_s, short_abandon_s) AS
    abandoned AND coalesce(wait_s < short_abandon_s, FALSE);

CREATE OR REPLACE TEMP MACRO offered(answered, abandoned, wait_s, short_abandon_s) AS
    answered OR (abandoned AND NOT short_abandon(abandoned, wait_s, short_abandon_s));

-- Service level and ASA are about real-time channels only.
CREATE OR REPLACE TEMP MACRO real_time(channel) AS
    channel IN ('voice', 'chat');

-- QA pass: at or above the pass mark with no critical fail.
CREATE OR REPLACE TEMP MACRO qa_passed(score_pct, critical_fail, pass_mark) AS
    score_pct >= pass_mark AND NOT critical_fail;

-- Repeat contact: the same customer's next contact starts within (started_at,
-- started_at + window_days].
CREATE OR REPLACE TEMP MACRO repeated_within(started_at, next_started_at, window_days) AS
    next_started_at IS NOT NULL
    AND next_started_at <= started_at + window_days * INTERVAL 1 DAY;

-- Contacts whose local day can be in [first_day, last_day] or that can be such a
-- contact's next one, each with next_started_at: the start of the same customer's next
-- strictly later contact, across all centres and channels, answered or not (filters
-- restrict the population, never the repeats). RANGE ... 1 MICROSECOND FOLLOWING skips
-- contacts in the same instant. NULL without a customer_key.
CREATE OR REPLACE TEMP MACRO contacts_with_next(first_day, last_day, window_days) AS TABLE
    SELECT
        c.*,
        CASE WHEN c.customer_key IS NOT NULL THEN
            MIN(c.started_at) OVER (
                PARTITION BY c.customer_key
                ORDER BY c.started_at
                RANGE BETWEEN INTERVAL 1 MICROSECOND FOLLOWING AND UNBOUNDED FOLLOWING
            )
        END AS next_started_at
    FROM contacts AS c
    WHERE c.started_at >= CAST(first_day AS TIMESTAMP) - INTERVAL 2 DAY
        AND c.started_at < CAST(last_day AS TIMESTAMP) + (window_days + 3) * INTERVAL 1 DAY;

-- QA calibration pairs (METRICS.md, "Trusting the vendor's own numbers"): a contact
-- (centre_id, contact_id) with at least one 'own' and one 'client' evaluation, one row
-- each. A side's score is the mean score_pct of its evaluations of the contact; it
-- passes when that mean passes with none of them a critical fail. Each side also says
-- how many evaluations it made, by which evaluators, and when its latest was (a pair
-- belongs to the local day of its latest client evaluation).
CREATE OR REPLACE TEMP MACRO qa_calibration_pairs(pass_mark) AS TABLE
    WITH sides AS (
        SELECT
            centre_id,
            contact_id,
            evaluator_org,
            AVG(score_pct) AS score,
            bool_or(critical_fail) AS critical_fail,
            COUNT(*) AS evaluations,
            list_sort(list_distinct(list(evaluator_id))) AS evaluator_ids,
            MAX(evaluated_at) AS latest_at
        FROM qa_evaluations
        WHERE contact_id IS NOT NULL
        GROUP BY ALL
    )
    SELECT
        own.centre_id,
        own.contact_id,
        own.score AS own_score,
        qa_passed(own.score, own.critical_fail, pass_mark) AS own_passed,
        own.critical_fail AS own_critical_fail,
        own.evaluations AS own_evaluations,
        own.evaluator_ids AS own_evaluator_ids,
        client.score AS client_score,
        qa_passed(client.score, client.critical_fail, pass_mark) AS client_passed,
        client.critical_fail AS client_critical_fail,
        client.evaluations AS client_evaluations,
        client.evaluator_ids AS client_evaluator_ids,
        client.latest_at AS client_latest_at
    FROM sides AS own
    JOIN sides AS client
        ON client.centre_id = own.centre_id AND client.contact_id = own.contact_id
    WHERE own.evaluator_org = 'own' AND client.evaluator_org = 'client';

-- Per calibration pair and QA section that both sides scored: each side's section
-- score, the mean over its evaluations of the contact that scored the section.
CREATE OR REPLACE TEMP MACRO qa_calibration_section_pairs() AS TABLE
    WITH section_sides AS (
        SELECT q.centre_id, q.contact_id, q.evaluator_org, s.section, AVG(s.score_pct) AS score
        FROM qa_sections AS s
        JOIN qa_evaluations AS q
            ON q.centre_id = s.centre_id AND q.evaluation_id = s.evaluation_id
        WHERE q.contact_id IS NOT NULL
        GROUP BY ALL
    )
    SELECT
        own.centre_id,
        own.contact_id,
        own.section,
        own.score AS own_score,
        client.score AS client_score
    FROM section_sides AS own
    JOIN section_sides AS client
        ON client.centre_id = own.centre_id
            AND client.contact_id = own.contact_id
            AND client.section = own.section
    WHERE own.evaluator_org = 'own' AND client.evaluator_org = 'client';

-- Agent experience (METRICS.md, "Agent experience"). Roster dates are the centre's
-- calendar dates; left_on is the last day employed (NULL while employed), so a spell
-- covers hired_on..left_on, both days included: an agent leaving on a period's last
-- day is employed on that day, and is one of the period's leavers.
CREATE OR REPLACE TEMP MACRO employed_on(day, hired_on, left_on) AS
    hired_on <= day AND (left_on IS NULL OR left_on >= day);

-- Tenure on a day, in whole days since hired_on: 0 on the hire day.
CREATE OR REPLACE TEMP MACRO tenure_days(day, hired_on) AS
    date_diff('day', hired_on, day);

-- A new hire: tenure below new_hire_days (days 0 .. new_hire_days - 1 of the spell).
CREATE OR REPLACE TEMP MACRO new_hire(tenure, new_hire_days) AS
    tenure < new_hire_days;

-- A leaver of [first_day, last_day]: a spell whose last day employed falls in it.
CREATE OR REPLACE TEMP MACRO left_within(left_on, first_day, last_day) AS
    left_on BETWEEN first_day AND last_day;

-- Per period (its first and last day, given as parallel lists), centre and agent with a
-- spell overlapping the period: employed on the first day, on the last day, the tenure
-- on the last day (from the spell covering it: a rehired agent's tenure restarts), and
-- how many of the agent's spells ended in the period. An agent is counted once however
-- many spells (a rehire) the period holds.
CREATE OR REPLACE TEMP MACRO agent_periods(period_starts, first_days, last_days) AS TABLE
    WITH periods AS (
        SELECT
            UNNEST(CAST(period_starts AS DATE[])) AS period_start,
            UNNEST(CAST(first_days AS DATE[])) AS first_day,
            UNNEST(CAST(last_days AS DATE[])) AS last_day
    )
    SELECT
        p.period_start,
        a.centre_id,
        a.agent_id,
        bool_or(employed_on(p.first_day, a.hired_on, a.left_on)) AS employed_first,
        bool_or(employed_on(p.last_day, a.hired_on, a.left_on)) AS employed_last,
        tenure_days(
            any_value(p.last_day),
            MAX(a.hired_on) FILTER (WHERE employed_on(p.last_day, a.hired_on, a.left_on))
        ) AS tenure_last,
        COUNT(*) FILTER (WHERE left_within(a.left_on, p.first_day, p.last_day)) AS spells_left
    FROM periods AS p
    JOIN agents AS a
        ON a.hired_on <= p.last_day AND (a.left_on IS NULL OR a.left_on >= p.first_day)
    GROUP BY p.period_start, a.centre_id, a.agent_id;

-- The spell hire date of the agent handling each answered contact that day (the
-- latest of the agent's spells covering the contact's day, in the centre's own time
-- zone, which the roster's dates are written in); contacts whose agent has no spell
-- covering the day (not in the roster, or outside every spell) have none.
CREATE OR REPLACE TEMP MACRO contact_agent_hires(first_day, last_day) AS TABLE
    SELECT
        c.centre_id,
        c.contact_id,
        local_day(c.started_at, ce.timezone) AS agent_day,
        MAX(a.hired_on) AS agent_hired_on
    FROM contacts AS c
    JOIN centres AS ce ON ce.centre_id = c.centre_id
    JOIN agents AS a ON a.centre_id = c.centre_id AND a.agent_id = c.agent_id
    WHERE c.answered
        AND near_local_days(c.started_at, first_day, last_day)
        AND employed_on(local_day(c.started_at, ce.timezone), a.hired_on, a.left_on)
    GROUP BY ALL;
