-- Contact-based sufficient statistics per period, centre and breakdown value, summed
-- from the day cells of contact_days (the table, or contact_days.sql as a CTE).
--
-- Parameters: $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown.
SELECT
    period_start($grain, local_date, $range_start) AS period_start,
    centre_id,
    CASE $breakdown
        WHEN 'contact_reason' THEN contact_reason
        WHEN 'channel' THEN channel
    END AS breakdown_value,
    SUM(COLUMNS('__(n|x|xx|y)$'))  -- every sufficient statistic of contact_days
FROM contact_days
WHERE local_date BETWEEN $start AND $end
    AND contact_filters_match($channels, $queues, $reasons, channel, queue, contact_reason)
GROUP BY ALL
