-- Per centre and agent over the whole query range: contacts, handle-time sums and
-- CSAT counts (surveys attributed to the agent of their linked contact), summed from
-- the day cells of agent_days (the table, or agent_days.sql as a CTE).
--
-- Parameters: $start, $end, $centre_ids (the shown centres).
SELECT
    centre_id,
    agent_id,
    SUM(COLUMNS(* EXCLUDE (local_date, centre_id, agent_id)))
FROM agent_days
WHERE local_date BETWEEN $start AND $end
    AND list_contains($centre_ids, centre_id)
GROUP BY ALL
