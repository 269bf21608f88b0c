-- Contact-based sufficient statistics per local day, centre, channel, queue and reason.
--
-- The row-level half of the contact metrics: the rules themselves are the macros of
-- definitions.sql; this file says which contacts each metric counts. Ingestion
-- materialises it over all data as the table contact_days
-- (pipelines/metrics/summaries.py); when that table does not match the reporting
-- settings, the metric SQL runs it over the query's dates instead. Either way
-- contact_stats.sql then sums the cells, so both routes give the same numbers.
--
-- Columns <metric>__n (population), __x (successes or sum) and __xx (sum of squares);
-- responder_repeat_gap compares the surveyed contacts (__n, __x: without a repeat) with
-- all of them (__y, __xx: without a repeat). new_hire_contact_pct counts answered
-- contacts whose agent the roster knows on the contact's day (contact_agent_hires).
-- Parameters: $tz, $start, $end, $repeat_window_days, $short_abandon_s,
-- $service_level_threshold_s, $new_hire_days.
WITH surveyed_contacts AS (
    SELECT DISTINCT centre_id, contact_id FROM surveys WHERE contact_id IS NOT NULL
),
hires AS (
    SELECT * FROM contact_agent_hires($start, $end)
),
selected AS (
    SELECT
        local_day(c.started_at, $tz) AS local_date,
        c.centre_id,
        c.channel,
        c.queue,
        c.contact_reason,
        c.answered,
        real_time(channel) AS real_time,
        offered(answered, abandoned, wait_s, $short_abandon_s) AS offered,
        wait_s,
        handle_seconds(answered, talk_s, hold_s, wrap_s) AS handle_s,
        transferred,
        complaint,
        customer_key IS NOT NULL AS has_customer_key,
        repeated_within(started_at, next_started_at, $repeat_window_days) AS repeated,
        s.contact_id IS NOT NULL AS surveyed,
        h.agent_hired_on IS NOT NULL AS known_agent,
        new_hire(tenure_days(h.agent_day, h.agent_hired_on), $new_hire_days) AS new_hire
    FROM contacts_with_next($start, $end, $repeat_window_days) AS c
    LEFT JOIN surveyed_contacts AS s
        ON s.centre_id = c.centre_id AND s.contact_id = c.contact_id
    LEFT JOIN hires AS h
        ON h.centre_id = c.centre_id AND h.contact_id = c.contact_id
)
SELECT
    local_date, centre_id, channel, queue, contact_reason,  -- the cell
    COUNT(*) AS contacts__n,
    COUNT(*) FILTER (WHERE answered AND has_customer_key) AS fcr_repeat_pct__n,
    COUNT(*) FILTER (WHERE answered AND has_customer_key AND NOT repeated)
        AS fcr_repeat_pct__x,
    COUNT(*) FILTER (WHERE answered AND has_customer_key AND surveyed)
        AS responder_repeat_gap__n,
    COUNT(*) FILTER (WHERE answered AND has_customer_key AND surveyed AND NOT repeated)
        AS responder_repeat_gap__x,
    COUNT(*) FILTER (WHERE answered AND has_customer_key) AS responder_repeat_gap__y,
    COUNT(*) FILTER (WHERE answered AND has_customer_key AND NOT repeated)
        AS responder_repeat_gap__xx,
    -- complaints and transfers a centre does not export are NULL: not in the population
    COUNT(complaint) FILTER (WHERE answered) AS complaint_pct__n,
    COUNT(*) FILTER (WHERE answered AND complaint) AS complaint_pct__x,
    COUNT(*) FILTER (WHERE answered) AS response_rate_pct__n,
    COUNT(handle_s) AS aht_s__n,
    SUM(handle_s) AS aht_s__x,
    SUM(handle_s * handle_s) AS aht_s__xx,
    COUNT(wait_s) FILTER (WHERE answered AND real_time) AS asa_s__n,
    SUM(wait_s) FILTER (WHERE answered AND real_time) AS asa_s__x,
    SUM(wait_s * wait_s) FILTER (WHERE answered AND real_time) AS asa_s__xx,
    -- an offered contact with no recorded wait cannot be judged against the threshold
    COUNT(*) FILTER (WHERE real_time AND offered AND wait_s IS NOT NULL)
        AS service_level_pct__n,
    COUNT(*) FILTER (
        WHERE real_time AND answered AND wait_s <= $service_level_threshold_s
    ) AS service_level_pct__x,
    COUNT(*) FILTER (WHERE real_time AND offered) AS abandon_pct__n,
    COUNT(*) FILTER (WHERE real_time AND offered AND NOT answered) AS abandon_pct__x,
    COUNT(transferred) FILTER (WHERE answered) AS transfer_pct__n,
    COUNT(*) FILTER (WHERE answered AND transferred) AS transfer_pct__x,
    COUNT(*) FILTER (WHERE answered AND known_agent) AS new_hire_contact_pct__n,
    COUNT(*) FILTER (WHERE answered AND known_agent AND new_hire) AS new_hire_contact_pct__x
FROM selected
WHERE local_date BETWEEN $start AND $end
GROUP BY ALL
