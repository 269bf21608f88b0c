-- Repeat contacts per centre and the centre of the next contact, over the query's
-- dates and filters, summed from the day cells of repeat_flow_days (the table, or
-- repeat_flow_days.sql as a CTE).
--
-- Parameters: $start, $end, $channels, $queues, $reasons.
SELECT centre_id, next_centre_id, SUM(repeats) AS repeats
FROM repeat_flow_days
WHERE local_date BETWEEN $start AND $end
    AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
    AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
    AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
GROUP BY ALL
