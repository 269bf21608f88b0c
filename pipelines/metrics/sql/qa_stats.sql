-- QA sufficient statistics per period, centre and breakdown value, summed from the
-- day cells of qa_days (the table, or qa_days.sql as a CTE).
--
-- Evaluations with no linked contact drop out when a channel, queue or reason filter
-- is set. $qa_org NULL keeps both the centre's own and the client's evaluations.
--
-- Parameters: $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown, $qa_org.
SELECT
    period_start($grain, local_date, $range_start) AS period_start,
    centre_id,
    CASE $breakdown
        WHEN 'contact_reason' THEN coalesce(contact_reason, 'unknown')
        WHEN 'channel' THEN coalesce(channel, 'unknown')
    END AS breakdown_value,
    SUM(COLUMNS('__(n|x|xx|y)$'))  -- every sufficient statistic of qa_days
FROM qa_days
WHERE local_date BETWEEN $start AND $end
    AND ($qa_org IS NULL OR evaluator_org = $qa_org)
    AND contact_filters_match($channels, $queues, $reasons, channel, queue, contact_reason)
GROUP BY ALL
