-- Contact-based sufficient statistics per period, centre and breakdown value, summed
-- from the day cells of contact_days (the table, or contact_days.sql as a CTE).
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
        WHEN 'channel' THEN channel
    END AS breakdown_value,
    SUM(contacts__n) AS contacts__n,
    SUM(fcr_repeat_pct__n) AS fcr_repeat_pct__n,
    SUM(fcr_repeat_pct__x) AS fcr_repeat_pct__x,
    SUM(complaint_pct__n) AS complaint_pct__n,
    SUM(complaint_pct__x) AS complaint_pct__x,
    SUM(response_rate_pct__n) AS response_rate_pct__n,
    SUM(aht_s__n) AS aht_s__n,
    SUM(aht_s__x) AS aht_s__x,
    SUM(aht_s__xx) AS aht_s__xx,
    SUM(asa_s__n) AS asa_s__n,
    SUM(asa_s__x) AS asa_s__x,
    SUM(asa_s__xx) AS asa_s__xx,
    SUM(service_level_pct__n) AS service_level_pct__n,
    SUM(service_level_pct__x) AS service_level_pct__x,
    SUM(abandon_pct__n) AS abandon_pct__n,
    SUM(abandon_pct__x) AS abandon_pct__x,
    SUM(transfer_pct__n) AS transfer_pct__n,
    SUM(transfer_pct__x) AS transfer_pct__x
FROM contact_days
WHERE local_date BETWEEN $start AND $end
    AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
    AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
    AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
GROUP BY ALL
