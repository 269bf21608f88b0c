-- Staff-survey sufficient statistics per period, centre and breakdown value, summed from
-- the day cells of staff_survey_days (the table, or staff_survey_days.sql as a CTE).
--
-- A staff answer belongs to no contact: like a customer survey with no linked contact,
-- it has no channel or queue and the reason 'unknown', so it drops out under a channel
-- or queue filter (nothing says it matches) and shows as 'unknown' in a breakdown.
--
-- Parameters: $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown.
SELECT
    period_start($grain, local_date, $range_start) AS period_start,
    centre_id,
    CASE WHEN $breakdown IS NOT NULL THEN 'unknown' END AS breakdown_value,
    SUM(COLUMNS('__(n|x|xx|y)$'))  -- every sufficient statistic of staff_survey_days
FROM staff_survey_days
WHERE local_date BETWEEN $start AND $end
    AND contact_filters_match($channels, $queues, $reasons, NULL, NULL, 'unknown')
GROUP BY ALL
