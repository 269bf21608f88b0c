-- Survey-based sufficient statistics per period, centre, breakdown value and contact
-- reason (the reason feeds the mix adjustment; other metrics sum over it), summed from
-- the day cells of survey_days (the table, or survey_days.sql as a CTE).
--
-- Parameters: $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown.
SELECT
    CASE $grain
        WHEN 'week' THEN CAST(date_trunc('week', local_date) AS DATE)
        WHEN 'month' THEN CAST(date_trunc('month', local_date) AS DATE)
        ELSE CAST($range_start AS DATE)
    END AS period_start,
    centre_id,
    CASE $breakdown
        WHEN 'contact_reason' THEN contact_reason
        WHEN 'channel' THEN coalesce(channel, 'unknown')
    END AS breakdown_value,
    contact_reason,
    SUM(csat_pct__n) AS csat_pct__n,
    SUM(csat_pct__x) AS csat_pct__x,
    SUM(csat_mean__n) AS csat_mean__n,
    SUM(csat_mean__x) AS csat_mean__x,
    SUM(csat_mean__xx) AS csat_mean__xx,
    SUM(delight_pct__n) AS delight_pct__n,
    SUM(delight_pct__x) AS delight_pct__x,
    SUM(nps__n) AS nps__n,
    SUM(nps__x) AS nps__x,
    SUM(nps__y) AS nps__y,
    SUM(fcr_survey_pct__n) AS fcr_survey_pct__n,
    SUM(fcr_survey_pct__x) AS fcr_survey_pct__x,
    SUM(response_rate_pct__x) AS response_rate_pct__x
FROM survey_days
WHERE local_date BETWEEN $start AND $end
    AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
    AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
    AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
GROUP BY ALL
