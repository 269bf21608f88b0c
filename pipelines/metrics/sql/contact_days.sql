-- Contact-based sufficient statistics per local day, centre, channel, queue and reason.
--
-- The row-level half of the contact metrics: every definition of METRICS.md that looks
-- at a single contact lives here. Ingestion materialises it over all data as the table
-- contact_days (pipelines/metrics/summaries.py); when that table does not match the
-- reporting settings, the metric SQL runs it over the query's dates instead. Either way
-- contact_stats.sql then sums the cells, so both routes give the same numbers.
--
-- Columns <metric>__n (population), __x (successes or sum) and __xx (sum of squares).
-- Parameters: $tz, $start, $end, $repeat_window_days, $short_abandon_s,
-- $service_level_threshold_s.
WITH windowed AS (
    SELECT
        c.*,
        -- the next strictly later contact of the same customer, across all centres
        -- and channels, answered or not: filters restrict the population, never the
        -- repeats. RANGE ... 1 MICROSECOND FOLLOWING skips contacts in the same
        -- instant (the window (started_at, started_at + days] is open on the left).
        CASE WHEN c.customer_key IS NOT NULL THEN
            MIN(c.started_at) OVER (
                PARTITION BY c.customer_key
                ORDER BY c.started_at
                RANGE BETWEEN INTERVAL 1 MICROSECOND FOLLOWING AND UNBOUNDED FOLLOWING
            )
        END AS next_started_at
    FROM contacts AS c
    -- only contacts that can be selected or be a selected contact's next one: local
    -- dates are within 2 days of UTC ones, so this superset loses no repeat
    WHERE c.started_at >= CAST($start AS TIMESTAMP) - INTERVAL 2 DAY
        AND c.started_at < CAST($end AS TIMESTAMP) + ($repeat_window_days + 3) * INTERVAL 1 DAY
),
selected AS (
    SELECT
        CAST(timezone($tz, timezone('UTC', started_at)) AS DATE) AS local_date,
        centre_id,
        channel,
        queue,
        contact_reason,
        answered,
        channel IN ('voice', 'chat') AS real_time,
        -- offered = answered + abandoned with wait_s >= short_abandon_s; an abandon
        -- with no recorded wait cannot be shown to be short, so it stays offered
        answered
            OR (abandoned AND NOT coalesce(wait_s < $short_abandon_s, FALSE)) AS offered,
        abandoned AND NOT answered
            AND NOT coalesce(wait_s < $short_abandon_s, FALSE) AS counted_abandon,
        wait_s,
        CASE
            WHEN answered AND talk_s IS NOT NULL
                THEN talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0)
        END AS handle_s,
        transferred,
        complaint,
        customer_key IS NOT NULL AS has_customer_key,
        next_started_at IS NOT NULL
            AND next_started_at <= started_at + $repeat_window_days * INTERVAL 1 DAY
            AS repeated
    FROM windowed
)
SELECT
    local_date,
    centre_id,
    channel,
    queue,
    contact_reason,
    COUNT(*) AS contacts__n,
    COUNT(*) FILTER (WHERE answered AND has_customer_key) AS fcr_repeat_pct__n,
    COUNT(*) FILTER (WHERE answered AND has_customer_key AND NOT repeated)
        AS fcr_repeat_pct__x,
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
    COUNT(*) FILTER (WHERE real_time AND counted_abandon) AS abandon_pct__x,
    COUNT(transferred) FILTER (WHERE answered) AS transfer_pct__n,
    COUNT(*) FILTER (WHERE answered AND transferred) AS transfer_pct__x
FROM selected
WHERE local_date BETWEEN $start AND $end
GROUP BY ALL
