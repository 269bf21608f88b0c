-- Survey-based sufficient statistics per period, centre, breakdown value and contact
-- reason (the reason feeds the mix adjustment; other metrics sum over it).
--
-- A survey's channel, queue and reason come from its linked contact (same centre and
-- contact_id). Surveys with no linked contact have reason 'unknown' and drop out when
-- a channel, queue or reason filter is set (nothing says they match it).
--
-- Parameters: $tz, $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown.
WITH linked AS (
    SELECT
        s.centre_id,
        s.csat_raw,
        s.csat_lo,
        s.csat_hi,
        s.nps,
        s.resolved,
        c.channel,
        c.queue,
        coalesce(c.contact_reason, 'unknown') AS contact_reason,
        timezone($tz, timezone('UTC', s.responded_at)) AS local_responded_at,
        s.csat_raw IS NOT NULL AND s.csat_lo IS NOT NULL AND s.csat_hi > s.csat_lo
            AS has_csat
    FROM surveys AS s
    LEFT JOIN contacts AS c
        ON c.centre_id = s.centre_id AND c.contact_id = s.contact_id
    -- cheap UTC pre-filter (prunes row groups); the exact local-date test follows
    WHERE s.responded_at >= CAST($start AS TIMESTAMP) - INTERVAL 2 DAY
        AND s.responded_at < CAST($end AS TIMESTAMP) + INTERVAL 3 DAY
),
selected AS (
    SELECT
        CASE $grain
            WHEN 'week' THEN CAST(date_trunc('week', local_responded_at) AS DATE)
            WHEN 'month' THEN CAST(date_trunc('month', local_responded_at) AS DATE)
            ELSE CAST($range_start AS DATE)
        END AS period_start,
        centre_id,
        CASE $breakdown
            WHEN 'contact_reason' THEN contact_reason
            WHEN 'channel' THEN coalesce(channel, 'unknown')
        END AS breakdown_value,
        contact_reason,
        has_csat,
        CASE WHEN has_csat THEN csat_raw >= csat_lo + 0.75 * (csat_hi - csat_lo) END
            AS satisfied,
        CASE WHEN has_csat THEN 1 + 4 * (csat_raw - csat_lo) / (csat_hi - csat_lo) END
            AS csat_normalised,
        CASE WHEN has_csat THEN csat_raw = csat_hi END AS delighted,
        CASE WHEN nps BETWEEN 0 AND 10 THEN nps END AS nps,
        resolved
    FROM linked
    WHERE CAST(local_responded_at AS DATE) BETWEEN $start AND $end
        AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
        AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
        AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
)
SELECT
    period_start,
    centre_id,
    breakdown_value,
    contact_reason,
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
GROUP BY period_start, centre_id, breakdown_value, contact_reason
