-- A deterministic sample of non-empty comments from satisfied (or dissatisfied)
-- customers: ordered by a hash of the survey's key, so the same data always gives the
-- same sample, spread over the whole range rather than its first days.
--
-- Parameters: $tz, $start, $end, $channels, $queues, $reasons, $centre_ids,
-- $satisfied, $limit.
WITH linked AS (
    SELECT
        s.centre_id,
        s.survey_id,
        CAST(timezone($tz, timezone('UTC', s.responded_at)) AS DATE) AS responded_date,
        s.csat_raw,
        s.csat_lo,
        s.csat_hi,
        s.csat_raw >= s.csat_lo + 0.75 * (s.csat_hi - s.csat_lo) AS satisfied,
        coalesce(c.contact_reason, 'unknown') AS contact_reason,
        c.contact_reason AS linked_reason,
        c.channel,
        c.queue,
        trim(s.comment) AS comment
    FROM surveys AS s
    LEFT JOIN contacts AS c
        ON c.centre_id = s.centre_id AND c.contact_id = s.contact_id
    WHERE s.csat_raw IS NOT NULL AND s.csat_lo IS NOT NULL AND s.csat_hi > s.csat_lo
        AND s.comment IS NOT NULL AND trim(s.comment) <> ''
        AND list_contains($centre_ids, s.centre_id)
)
SELECT
    responded_date,
    centre_id,
    survey_id,
    csat_raw,
    csat_lo,
    csat_hi,
    contact_reason,
    comment
FROM linked
WHERE satisfied = $satisfied
    AND responded_date BETWEEN $start AND $end
    AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
    AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
    AND (len($reasons) = 0 OR coalesce(list_contains($reasons, linked_reason), FALSE))
ORDER BY md5(centre_id || '/' || survey_id)
LIMIT $limit
