-- Roster sufficient statistics per period, centre and breakdown value (METRICS.md,
-- "Agent experience"), straight from the agents table (a few rows per agent: no day
-- cells; every route reads it the same way).
--
-- A period's first and last day are its days in the reporting calendar, clipped to the
-- query's range (a mid-week start: the first row's first day is that start). Roster
-- dates are compared with them as dates. Statistics:
--   headcount__n              agents employed on the last day
--   attrition_pct__n          agents employed at some time in the period
--   attrition_pct__x          leavers: spells whose left_on is in the period
--   attrition_pct__xx         headcount on the first day + headcount on the last day
--   tenure_median_days__n     agents employed on the last day (the median's population)
-- The median itself comes from roster_tenure.sql (a median does not sum).
-- Staff rows belong to no contact: like a survey with no linked contact they drop out
-- under a channel or queue filter and show as 'unknown' in a breakdown.
--
-- Parameters: $period_starts, $first_days, $last_days, $channels, $queues, $reasons,
-- $breakdown.
SELECT
    period_start,
    centre_id,
    CASE WHEN $breakdown IS NOT NULL THEN 'unknown' END AS breakdown_value,
    COUNT(*) FILTER (WHERE employed_last) AS headcount__n,
    COUNT(*) AS attrition_pct__n,
    SUM(spells_left) AS attrition_pct__x,
    COUNT(*) FILTER (WHERE employed_first) + COUNT(*) FILTER (WHERE employed_last)
        AS attrition_pct__xx,
    COUNT(*) FILTER (WHERE employed_last) AS tenure_median_days__n
FROM agent_periods($period_starts, $first_days, $last_days)
WHERE contact_filters_match($channels, $queues, $reasons, NULL, NULL, 'unknown')
GROUP BY ALL
