-- The QA calibration disagreement drill-down: the pairs of a selection (the contacts
-- both the vendor's own QA team and the client's scored) with the largest
-- |own - client| score difference first.
--
-- The pairs, each side's score, verdict, evaluations and evaluators, and the per-section
-- scores are the qa_calibration_pairs / qa_calibration_section_pairs macros of
-- definitions.sql: the same pairs calibration_days.sql counts. A pair belongs to the
-- local day of its latest client evaluation; channel, queue and reason come from the
-- linked contact, so a pair whose contact is not loaded drops out under such a filter.
-- Ties in |gap| go by centre and contact id; a pair without a score on one side last.
--
-- Parameters: $tz, $start, $end, $qa_pass_mark, $centre_ids, $channels, $queues,
-- $reasons, $limit (NULL: every pair).
WITH pairs AS (
    SELECT *, local_day(client_latest_at, $tz) AS client_evaluated_date
    FROM qa_calibration_pairs($qa_pass_mark)
    WHERE list_contains($centre_ids, centre_id)
),
sections AS (
    -- one row per pair, each side's score per section both sides scored
    SELECT
        centre_id,
        contact_id,
        MAX(own_score) FILTER (WHERE section = 'accuracy') AS own_accuracy,
        MAX(client_score) FILTER (WHERE section = 'accuracy') AS client_accuracy,
        MAX(own_score) FILTER (WHERE section = 'empathy') AS own_empathy,
        MAX(client_score) FILTER (WHERE section = 'empathy') AS client_empathy,
        MAX(own_score) FILTER (WHERE section = 'brand') AS own_brand,
        MAX(client_score) FILTER (WHERE section = 'brand') AS client_brand,
        MAX(own_score) FILTER (WHERE section = 'compliance') AS own_compliance,
        MAX(client_score) FILTER (WHERE section = 'compliance') AS client_compliance,
        MAX(own_score) FILTER (WHERE section = 'process') AS own_process,
        MAX(client_score) FILTER (WHERE section = 'process') AS client_process
    FROM qa_calibration_section_pairs()
    WHERE list_contains($centre_ids, centre_id)
    GROUP BY ALL
)
SELECT
    p.centre_id,
    p.contact_id,
    timezone($tz, timezone('UTC', c.started_at)) AS contact_started_at,  -- local time
    c.channel,
    c.contact_reason,
    c.agent_id,
    p.own_score,
    p.own_passed,
    p.own_critical_fail,
    p.own_evaluations,
    p.own_evaluator_ids,
    p.client_score,
    p.client_passed,
    p.client_critical_fail,
    p.client_evaluations,
    p.client_evaluator_ids,
    p.own_score - p.client_score AS gap,
    p.client_evaluated_date,
    s.* EXCLUDE (centre_id, contact_id)
FROM pairs AS p
LEFT JOIN contacts AS c
    ON c.centre_id = p.centre_id AND c.contact_id = p.contact_id
LEFT JOIN sections AS s
    ON s.centre_id = p.centre_id AND s.contact_id = p.contact_id
WHERE p.client_evaluated_date BETWEEN $start AND $end
    AND contact_filters_match($channels, $queues, $reasons, c.channel, c.queue,
                              c.contact_reason)
ORDER BY abs(p.own_score - p.client_score) DESC NULLS LAST, p.centre_id, p.contact_id
LIMIT $limit
