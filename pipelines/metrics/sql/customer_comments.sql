-- A deterministic sample of non-empty comments from satisfied (or dissatisfied)
-- customers: ordered by a hash of the survey's key, so the same data always gives the
-- same sample, spread over the whole range rather than its first days.
--
-- Parameters: $tz, $start, $end, $channels, $queues, $reasons, $centre_ids,
-- $satisfied, $limit.
SELECT
    local_day(s.responded_at, $tz) AS responded_date,
    s.centre_id,
    s.survey_id,
    s.csat_raw,
    s.csat_lo,
    s.csat_hi,
    coalesce(c.contact_reason, 'unknown') AS contact_reason,
    trim(s.comment) AS comment
FROM surveys AS s
LEFT JOIN contacts AS c
    ON c.centre_id = s.centre_id AND c.contact_id = s.contact_id
WHERE has_csat(s.csat_raw, s.csat_lo, s.csat_hi)
    AND csat_satisfied(s.csat_raw, s.csat_lo, s.csat_hi) = $satisfied
    AND s.comment IS NOT NULL AND trim(s.comment) <> ''
    AND list_contains($centre_ids, s.centre_id)
    AND local_day(s.responded_at, $tz) BETWEEN $start AND $end
    AND contact_filters_match($channels, $queues, $reasons, c.channel, c.queue,
                              c.contact_reason)
ORDER BY md5(s.centre_id || '/' || s.survey_id)
LIMIT $limit
