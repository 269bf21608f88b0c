-- QA calibration sufficient statistics per period, centre and breakdown value, summed
-- from the day cells of calibration_days (the table, or calibration_days.sql as a CTE).
--
-- Pairs whose contact is not loaded drop out when a channel, queue or reason filter is
-- set. Calibration compares both evaluator orgs, so the QA-org choice does not apply.
--
-- Parameters: $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown.
SELECT
    period_start($grain, local_date, $range_start) AS period_start,
    centre_id,
    CASE $breakdown
        WHEN 'contact_reason' THEN coalesce(contact_reason, 'unknown')
        WHEN 'channel' THEN coalesce(channel, 'unknown')
    END AS breakdown_value,
    SUM(COLUMNS('__(n|x|xx|y)$'))  -- every sufficient statistic of calibration_days
FROM calibration_days
WHERE local_date BETWEEN $start AND $end
    AND contact_filters_match($channels, $queues, $reasons, channel, queue, contact_reason)
GROUP BY ALL
