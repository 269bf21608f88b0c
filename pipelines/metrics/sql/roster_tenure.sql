-- The tenure distribution behind tenure_median_days: per period, centre and breakdown
-- value, how many agents employed on the period's last day have each tenure (days since
-- the hired_on of the spell covering that day). Groups pool these counts, so a group's
-- median is the median over its agents, never a mean of the centres' medians.
--
-- Parameters: as roster_stats.sql.
SELECT
    period_start,
    centre_id,
    CASE WHEN $breakdown IS NOT NULL THEN 'unknown' END AS breakdown_value,
    tenure_last AS tenure_days,
    COUNT(*) AS agents
FROM agent_periods($period_starts, $first_days, $last_days)
WHERE employed_last
    AND contact_filters_match($channels, $queues, $reasons, NULL, NULL, 'unknown')
GROUP BY ALL
