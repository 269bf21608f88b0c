-- QA calibration sufficient statistics: the vendor's own QA team against the client's
-- on the same contacts (METRICS.md, "Trusting the vendor's own numbers").
--
-- A pair is a contact (centre_id, contact_id) with at least one 'own' and one 'client'
-- evaluation; each side's score is the mean of its evaluations of the contact and it
-- passes when that mean passes with none of its evaluations a critical fail (the
-- qa_calibration_pairs macro, definitions.sql, shared with the disagreement drill-down
-- calibration_pairs.sql). A pair belongs to the local day of its latest client
-- evaluation; cells are per day, centre and the contact's channel, queue and reason
-- (NULL when the contact is not loaded). Per shared section, the pair's gap is own
-- mean - client mean over the evaluations that scored the section, where both sides
-- did (qa_calibration_section_pairs).
--
-- qa_calibration_kappa's statistics: __n pairs, __x pairs whose verdicts agree, __xx
-- pairs the own side passed, __y pairs the client passed.
-- Parameters: $tz, $start, $end, $qa_pass_mark.
WITH pairs AS (
    -- the pairs and each side's score and verdict: definitions.sql
    SELECT
        centre_id,
        contact_id,
        local_day(client_latest_at, $tz) AS local_date,
        own_score - client_score AS score_gap,
        own_passed,
        client_passed
    FROM qa_calibration_pairs($qa_pass_mark)
),
section_gaps AS (
    -- one row per pair, one column per shared section
    SELECT
        centre_id,
        contact_id,
        MAX(own_score - client_score) FILTER (WHERE section = 'accuracy')
            AS qa_calibration_gap_accuracy,
        MAX(own_score - client_score) FILTER (WHERE section = 'empathy')
            AS qa_calibration_gap_empathy,
        MAX(own_score - client_score) FILTER (WHERE section = 'brand')
            AS qa_calibration_gap_brand,
        MAX(own_score - client_score) FILTER (WHERE section = 'compliance')
            AS qa_calibration_gap_compliance,
        MAX(own_score - client_score) FILTER (WHERE section = 'process')
            AS qa_calibration_gap_process
    FROM qa_calibration_section_pairs()
    GROUP BY ALL
),
cells AS (
    SELECT
        p.local_date,
        p.centre_id,
        c.channel,
        c.queue,
        c.contact_reason,
        p.score_gap,
        p.own_passed,
        p.client_passed,
        g.* EXCLUDE (centre_id, contact_id)
    FROM pairs AS p
    LEFT JOIN contacts AS c
        ON c.centre_id = p.centre_id AND c.contact_id = p.contact_id
    LEFT JOIN section_gaps AS g
        ON g.centre_id = p.centre_id AND g.contact_id = p.contact_id
    WHERE p.local_date BETWEEN $start AND $end
)
SELECT
    local_date, centre_id, channel, queue, contact_reason,  -- the cell
    COUNT(*) AS qa_calibration_gap__n,
    SUM(score_gap) AS qa_calibration_gap__x,
    SUM(score_gap * score_gap) AS qa_calibration_gap__xx,
    COUNT(*) AS qa_calibration_agreement_pct__n,
    COUNT(*) FILTER (WHERE own_passed = client_passed) AS qa_calibration_agreement_pct__x,
    COUNT(*) AS qa_calibration_kappa__n,
    COUNT(*) FILTER (WHERE own_passed = client_passed) AS qa_calibration_kappa__x,
    COUNT(*) FILTER (WHERE own_passed) AS qa_calibration_kappa__xx,
    COUNT(*) FILTER (WHERE client_passed) AS qa_calibration_kappa__y,
    COUNT(COLUMNS('^qa_calibration_gap_')) AS '\0__n',
    SUM(COLUMNS('^qa_calibration_gap_')) AS '\0__x',
    SUM(COLUMNS('^qa_calibration_gap_') * COLUMNS('^qa_calibration_gap_')) AS '\0__xx'
FROM cells
GROUP BY ALL
