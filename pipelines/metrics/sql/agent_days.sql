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
        answered,
        talk_s,
        hold_s,
        wrap_s,
        CAST(timezone($tz, timezone('UTC', started_at)) AS DATE) AS local_date
    FROM contacts
    WHERE agent_id IS NOT NULL
        AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
        AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
        AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
),
contact_side AS (
    SELECT
        local_date,
        centre_id,
        agent_id,
        COUNT(*) AS contacts,
        COUNT(*) FILTER (WHERE answered AND talk_s IS NOT NULL) AS aht_n,
        SUM(talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0))
            FILTER (WHERE answered AND talk_s IS NOT NULL) AS aht_sum,
        0 AS csat_n,
        0 AS csat_satisfied
    FROM filtered_contacts
    WHERE local_date BETWEEN $start AND $end
    GROUP BY ALL
),
survey_side AS (
    SELECT
        CAST(timezone($tz, timezone('UTC', s.responded_at)) AS DATE) AS local_date,
        c.centre_id,
        c.agent_id,
        0 AS contacts,
        0 AS aht_n,
        NULL::DOUBLE AS aht_sum,
        COUNT(*) AS csat_n,
        COUNT(*) FILTER (
            WHERE s.csat_raw >= s.csat_lo + 0.75 * (s.csat_hi - s.csat_lo)
        ) AS csat_satisfied
    FROM surveys AS s
    JOIN filtered_contacts AS c
        ON c.centre_id = s.centre_id AND c.contact_id = s.contact_id
    WHERE s.csat_raw IS NOT NULL AND s.csat_lo IS NOT NULL AND s.csat_hi > s.csat_lo
        AND CAST(timezone($tz, timezone('UTC', s.responded_at)) AS DATE)
            BETWEEN $start AND $end
    GROUP BY ALL
)
SELECT
    local_date,
    centre_id,
    agent_id,
    SUM(contacts) AS contacts,
    SUM(aht_n) AS aht_n,
    SUM(aht_sum) AS aht_sum,
    SUM(csat_n) AS csat_n,
    SUM(csat_satisfied) AS csat_satisfied
FROM (SELECT * FROM contact_side UNION ALL BY NAME SELECT * FROM survey_side) AS sides
GROUP BY ALL
