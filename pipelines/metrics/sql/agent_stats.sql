-- Per centre and agent over the whole query range: contacts, handle-time sums and
-- CSAT counts (surveys attributed to the agent of their linked contact).
--
-- Parameters: $tz, $start, $end, $channels, $queues, $reasons,
-- $centre_ids (the shown centres).
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
        AND list_contains($centre_ids, centre_id)
        AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
        AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
        AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
),
contact_side AS (
    SELECT
        centre_id,
        agent_id,
        COUNT(*) AS contacts,
        COUNT(*) FILTER (WHERE answered AND talk_s IS NOT NULL) AS aht_n,
        SUM(talk_s + coalesce(hold_s, 0) + coalesce(wrap_s, 0))
            FILTER (WHERE answered AND talk_s IS NOT NULL) AS aht_sum
    FROM filtered_contacts
    WHERE local_date BETWEEN $start AND $end
    GROUP BY centre_id, agent_id
),
survey_side AS (
    SELECT
        c.centre_id,
        c.agent_id,
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
    GROUP BY c.centre_id, c.agent_id
)
SELECT
    coalesce(k.centre_id, v.centre_id) AS centre_id,
    coalesce(k.agent_id, v.agent_id) AS agent_id,
    coalesce(k.contacts, 0) AS contacts,
    coalesce(k.aht_n, 0) AS aht_n,
    k.aht_sum,
    coalesce(v.csat_n, 0) AS csat_n,
    coalesce(v.csat_satisfied, 0) AS csat_satisfied
FROM contact_side AS k
FULL OUTER JOIN survey_side AS v
    ON v.centre_id = k.centre_id AND v.agent_id = k.agent_id
