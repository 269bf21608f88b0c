-- Staff-survey sufficient statistics per local day (of responded_at) and centre;
-- staff_survey_stats.sql sums the cells. eNPS is NPS over the staff's answers
-- (definitions.sql: nps_answer), promoters 9-10, detractors 0-6.
--
-- Parameters: $tz, $start, $end.
WITH selected AS (
    SELECT
        local_day(responded_at, $tz) AS local_date,
        centre_id,
        nps_answer(enps) AS enps
    FROM staff_surveys
    WHERE near_local_days(responded_at, $start, $end)
)
SELECT
    local_date, centre_id,  -- the cell
    COUNT(enps) AS enps__n,
    COUNT(*) FILTER (WHERE enps >= 9) AS enps__x,   -- promoters
    COUNT(*) FILTER (WHERE enps <= 6) AS enps__y    -- detractors
FROM selected
WHERE local_date BETWEEN $start AND $end
GROUP BY ALL
