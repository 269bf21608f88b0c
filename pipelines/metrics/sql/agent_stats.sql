-- Per centre and agent over the whole query range: contacts, handle-time sums and
-- CSAT counts (surveys attributed to the agent of their linked contact), summed from
-- the day cells of agent_days (the table, or agent_days.sql as a CTE).
--
-- Parameters: $start, $end, $centre_ids (the shown centres).
SELECT
    centre_id,
    agent_id,
    SUM(contacts) AS contacts,
    SUM(aht_n) AS aht_n,
    SUM(aht_sum) AS aht_sum,
    SUM(csat_n) AS csat_n,
    SUM(csat_satisfied) AS csat_satisfied
FROM agent_days
WHERE local_date BETWEEN $start AND $end
    AND list_contains($centre_ids, centre_id)
GROUP BY ALL
