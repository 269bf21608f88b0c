-- QA sufficient statistics per period (of evaluated_at), centre and breakdown value.
--
-- Channel, queue and reason come from the evaluated contact; evaluations with no
-- linked contact drop out when such a filter is set. $qa_org NULL keeps both the
-- centre's own and the client's evaluations.
--
-- Parameters: $tz, $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown, $qa_org, $qa_pass_mark.
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
selected AS (
    SELECT
        CASE $grain
            WHEN 'week' THEN CAST(date_trunc('week', local_evaluated_at) AS DATE)
            WHEN 'month' THEN CAST(date_trunc('month', local_evaluated_at) AS DATE)
            ELSE CAST($range_start AS DATE)
        END AS period_start,
        *
    FROM (
        SELECT
            q.centre_id,
            CASE $breakdown
                WHEN 'contact_reason' THEN coalesce(c.contact_reason, 'unknown')
                WHEN 'channel' THEN coalesce(c.channel, 'unknown')
            END AS breakdown_value,
            timezone($tz, timezone('UTC', q.evaluated_at)) AS local_evaluated_at,
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
        WHERE ($qa_org IS NULL OR q.evaluator_org = $qa_org)
            -- cheap UTC pre-filter; the exact local-date test is below
            AND q.evaluated_at >= CAST($start AS TIMESTAMP) - INTERVAL 2 DAY
            AND q.evaluated_at < CAST($end AS TIMESTAMP) + INTERVAL 3 DAY
            AND (len($channels) = 0 OR coalesce(list_contains($channels, c.channel), FALSE))
            AND (len($queues) = 0 OR coalesce(list_contains($queues, c.queue), FALSE))
            AND (len($reasons) = 0
                OR coalesce(list_contains($reasons, c.contact_reason), FALSE))
    ) AS evaluations
    WHERE CAST(local_evaluated_at AS DATE) BETWEEN $start AND $end
)
SELECT
    period_start,
    centre_id,
    breakdown_value,
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
FROM selected
GROUP BY period_start, centre_id, breakdown_value
