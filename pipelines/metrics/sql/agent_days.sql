-- Per local day, centre and agent: contacts and handle-time sums (dated by the
-- contact's start) and CSAT counts of the agent's surveyed contacts (dated by the
-- survey's response). Each column is additive over its own date; agent_stats.sql sums
-- the cells. The contact filters apply here (the summary table is built without them).
--
-- Parameters: $tz, $start, $end, $channels, $queues, $reasons.
WITH filtered_contacts AS (
    SELECT
        centre_id,
        contact_id,
        agent_id,
        handle_seconds(answered, talk_s, hold_s, wrap_s) AS handle_s,
        local_day(started_at, $tz) AS local_date
    FROM contacts
    WHERE agent_id IS NOT NULL
        AND contact_filters_match($channels, $queues, $reasons, channel, queue,
                                  contact_reason)
),
contact_side AS (
    SELECT
        local_date,
        centre_id,
        agent_id,
        COUNT(*) AS contacts,
        COUNT(handle_s) AS aht_n,
        SUM(handle_s) AS aht_sum,
        0 AS csat_n,
        0 AS csat_satisfied
    FROM filtered_contacts
    WHERE local_date BETWEEN $start AND $end
    GROUP BY ALL
),
survey_side AS (
    SELECT
        local_day(s.responded_at, $tz) AS local_date,
        c.centre_id,
        c.agent_id,
        0 AS contacts,
        0 AS aht_n,
        NULL::DOUBLE AS aht_sum,
        COUNT(*) AS csat_n,
        COUNT(*) FILTER (WHERE csat_satisfied(s.csat_raw, s.csat_lo, s.csat_hi))
            AS csat_satisfied
    FROM surveys AS s
    JOIN filtered_contacts AS c
        ON c.centre_id = s.centre_id AND c.contact_id = s.contact_id
    WHERE has_csat(s.csat_raw, s.csat_lo, s.csat_hi)
        AND local_day(s.responded_at, $tz) BETWEEN $start AND $end
    GROUP BY ALL
)
SELECT
    local_date,
    centre_id,
    agent_id,
    SUM(COLUMNS(* EXCLUDE (local_date, centre_id, agent_id)))
FROM (SELECT * FROM contact_side UNION ALL BY NAME SELECT * FROM survey_side) AS sides
GROUP BY ALL
