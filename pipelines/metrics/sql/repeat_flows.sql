-- Repeat contacts per centre and the centre of the next contact, over the query's
-- dates and filters, summed from the day cells of repeat_flow_days (the table, or
-- repeat_flow_days.sql as a CTE).
--
-- Parameters: $start, $end, $channels, $queues, $reasons.
SELECT centre_id, next_centre_id, SUM(repeats) AS repeats
FROM repeat_flow_days
WHERE local_date BETWEEN $start AND $end
    AND contact_filters_match($channels, $queues, $reasons, channel, queue, contact_reason)
GROUP BY ALL
