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
        MAX(score_pct) FILTER (WHERE section = 'accuracy') AS qa_section_accuracy,
        MAX(score_pct) FILTER (WHERE section = 'empathy') AS qa_section_empathy,
        MAX(score_pct) FILTER (WHERE section = 'brand') AS qa_section_brand,
        MAX(score_pct) FILTER (WHERE section = 'compliance') AS qa_section_compliance,
        MAX(score_pct) FILTER (WHERE section = 'process') AS qa_section_process
    FROM qa_sections
    GROUP BY centre_id, evaluation_id
),
evaluations AS (
    SELECT
        local_day(q.evaluated_at, $tz) AS local_date,
        q.centre_id,
        q.evaluator_org,
        c.channel,
        c.queue,
        c.contact_reason,
        q.score_pct,
        q.critical_fail,
        s.* EXCLUDE (centre_id, evaluation_id)
    FROM qa_evaluations AS q
    LEFT JOIN contacts AS c
        ON c.centre_id = q.centre_id AND c.contact_id = q.contact_id
    LEFT JOIN section_scores AS s
        ON s.centre_id = q.centre_id AND s.evaluation_id = q.evaluation_id
    WHERE near_local_days(q.evaluated_at, $start, $end)
)
SELECT
    local_date, centre_id, evaluator_org, channel, queue, contact_reason,  -- the cell
    COUNT(*) AS qa_score__n,
    SUM(score_pct) AS qa_score__x,
    SUM(score_pct * score_pct) AS qa_score__xx,
    COUNT(*) AS qa_pass_pct__n,
    COUNT(*) FILTER (WHERE qa_passed(score_pct, critical_fail, $qa_pass_mark))
        AS qa_pass_pct__x,
    COUNT(*) AS qa_critical_fail_pct__n,
    COUNT(*) FILTER (WHERE critical_fail) AS qa_critical_fail_pct__x,
    -- per section: evaluations that scored it, the sum and the sum of squares
    COUNT(COLUMNS('^qa_section_')) AS '\0__n',
    SUM(COLUMNS('^qa_section_')) AS '\0__x',
    SUM(COLUMNS('^qa_section_') * COLUMNS('^qa_section_')) AS '\0__xx'
FROM evaluations
WHERE local_date BETWEEN $start AND $end
GROUP BY ALL
