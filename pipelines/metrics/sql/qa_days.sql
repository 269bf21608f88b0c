-- QA sufficient statistics per local day (of evaluated_at), centre, evaluator org and
-- the evaluated contact's channel, queue and reason (NULL without a linked contact);
-- qa_stats.sql sums the cells.
--
-- Parameters: $tz, $start, $end, $qa_pass_mark.
WITH section_scores AS (
    -- one row per evaluation, one column per shared section
    SELECT
        centre_id,
        evaluation_id,
        MAX(score_pct) FILTER (WHERE section = 'accuracy') AS accuracy,
        MAX(score_pct) FILTER (WHERE section = 'empathy') AS empathy,
        MAX(score_pct) FILTER (WHERE section = 'brand') AS brand,
        MAX(score_pct) FILTER (WHERE section = 'compliance') AS compliance,
        MAX(score_pct) FILTER (WHERE section = 'process') AS process
    FROM qa_sections
    GROUP BY centre_id, evaluation_id
),
evaluations AS (
    SELECT
        CAST(timezone($tz, timezone('UTC', q.evaluated_at)) AS DATE) AS local_date,
        q.centre_id,
        q.evaluator_org,
        c.channel,
        c.queue,
        c.contact_reason,
        q.score_pct,
        q.critical_fail,
        s.accuracy,
        s.empathy,
        s.brand,
        s.compliance,
        s.process
    FROM qa_evaluations AS q
    LEFT JOIN contacts AS c
        ON c.centre_id = q.centre_id AND c.contact_id = q.contact_id
    LEFT JOIN section_scores AS s
        ON s.centre_id = q.centre_id AND s.evaluation_id = q.evaluation_id
    -- cheap UTC pre-filter; the exact local-date test is below
    WHERE q.evaluated_at >= CAST($start AS TIMESTAMP) - INTERVAL 2 DAY
        AND q.evaluated_at < CAST($end AS TIMESTAMP) + INTERVAL 3 DAY
)
SELECT
    local_date,
    centre_id,
    evaluator_org,
    channel,
    queue,
    contact_reason,
    COUNT(*) AS qa_score__n,
    SUM(score_pct) AS qa_score__x,
    SUM(score_pct * score_pct) AS qa_score__xx,
    COUNT(*) AS qa_pass_pct__n,
    COUNT(*) FILTER (WHERE score_pct >= $qa_pass_mark AND NOT critical_fail)
        AS qa_pass_pct__x,
    COUNT(*) AS qa_critical_fail_pct__n,
    COUNT(*) FILTER (WHERE critical_fail) AS qa_critical_fail_pct__x,
    COUNT(accuracy) AS qa_section_accuracy__n,
    SUM(accuracy) AS qa_section_accuracy__x,
    SUM(accuracy * accuracy) AS qa_section_accuracy__xx,
    COUNT(empathy) AS qa_section_empathy__n,
    SUM(empathy) AS qa_section_empathy__x,
    SUM(empathy * empathy) AS qa_section_empathy__xx,
    COUNT(brand) AS qa_section_brand__n,
    SUM(brand) AS qa_section_brand__x,
    SUM(brand * brand) AS qa_section_brand__xx,
    COUNT(compliance) AS qa_section_compliance__n,
    SUM(compliance) AS qa_section_compliance__x,
    SUM(compliance * compliance) AS qa_section_compliance__xx,
    COUNT(process) AS qa_section_process__n,
    SUM(process) AS qa_section_process__x,
    SUM(process * process) AS qa_section_process__xx
FROM evaluations
WHERE local_date BETWEEN $start AND $end
GROUP BY ALL
