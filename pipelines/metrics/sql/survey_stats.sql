-- Survey-based sufficient statistics per period, centre, breakdown value and contact
-- reason (the reason feeds the mix adjustment; other metrics sum over it), summed from
-- the day cells of survey_days (the table, or survey_days.sql as a CTE).
--
-- Parameters: $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown.
SELECT
    period_start($grain, local_date, $range_start) AS period_start,
    centre_id,
    CASE $breakdown
        WHEN 'contact_reason' THEN contact_reason
        WHEN 'channel' THEN coalesce(channel, 'unknown')
    END AS breakdown_value,
    contact_reason,
    SUM(COLUMNS('__(n|x|xx|y)$'))  -- every sufficient statistic of survey_days
FROM survey_days
WHERE local_date BETWEEN $start AND $end
    AND contact_filters_match($channels, $queues, $reasons, channel, queue, contact_reason)
GROUP BY ALL
