-- Survey-based sufficient statistics per local day (of responded_at), centre, and the
-- linked contact's channel, queue and reason; survey_stats.sql sums the cells.
--
-- A survey's channel, queue and reason come from its linked contact (same centre and
-- contact_id). Surveys with no linked contact have channel and queue NULL and reason
-- 'unknown', so they drop out when a channel, queue or reason filter is set (nothing
-- says they match it), unless the reason filter asks for 'unknown'.
--
-- Parameters: $tz, $start, $end.
WITH selected AS (
    SELECT
        local_day(s.responded_at, $tz) AS local_date,
        s.centre_id,
        c.channel,
        c.queue,
        coalesce(c.contact_reason, 'unknown') AS contact_reason,
        has_csat(s.csat_raw, s.csat_lo, s.csat_hi) AS has_csat,
        CASE WHEN has_csat THEN csat_satisfied(s.csat_raw, s.csat_lo, s.csat_hi) END
            AS satisfied,
        CASE WHEN has_csat THEN csat_on_1_to_5(s.csat_raw, s.csat_lo, s.csat_hi) END
            AS csat_normalised,
        CASE WHEN has_csat THEN csat_delighted(s.csat_raw, s.csat_hi) END AS delighted,
        nps_answer(s.nps) AS nps,
        s.resolved
    FROM surveys AS s
    LEFT JOIN contacts AS c
        ON c.centre_id = s.centre_id AND c.contact_id = s.contact_id
    WHERE near_local_days(s.responded_at, $start, $end)
)
SELECT
    local_date, centre_id, channel, queue, contact_reason,  -- the cell
    COUNT(*) FILTER (WHERE has_csat) AS csat_pct__n,
    COUNT(*) FILTER (WHERE satisfied) AS csat_pct__x,
    COUNT(csat_normalised) AS csat_mean__n,
    SUM(csat_normalised) AS csat_mean__x,
    SUM(csat_normalised * csat_normalised) AS csat_mean__xx,
    COUNT(*) FILTER (WHERE has_csat) AS delight_pct__n,
    COUNT(*) FILTER (WHERE delighted) AS delight_pct__x,
    COUNT(nps) AS nps__n,
    COUNT(*) FILTER (WHERE nps >= 9) AS nps__x,   -- promoters
    COUNT(*) FILTER (WHERE nps <= 6) AS nps__y,   -- detractors
    COUNT(resolved) AS fcr_survey_pct__n,
    COUNT(*) FILTER (WHERE resolved) AS fcr_survey_pct__x,
    COUNT(*) AS response_rate_pct__x               -- every survey, answered CSAT or not
FROM selected
WHERE local_date BETWEEN $start AND $end
GROUP BY ALL
