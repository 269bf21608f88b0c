-- QA sufficient statistics per period, centre and breakdown value, summed from the
-- day cells of qa_days (the table, or qa_days.sql as a CTE).
--
-- Evaluations with no linked contact drop out when a channel, queue or reason filter
-- is set. $qa_org NULL keeps both the centre's own and the client's evaluations.
--
-- Parameters: $grain, $range_start, $start, $end, $channels, $queues, $reasons,
-- $breakdown, $qa_org.
SELECT
    CASE $grain
        WHEN 'week' THEN CAST(date_trunc('week', local_date) AS DATE)
        WHEN 'month' THEN CAST(date_trunc('month', local_date) AS DATE)
        ELSE CAST($range_start AS DATE)
    END AS period_start,
    centre_id,
    CASE $breakdown
        WHEN 'contact_reason' THEN coalesce(contact_reason, 'unknown')
        WHEN 'channel' THEN coalesce(channel, 'unknown')
    END AS breakdown_value,
    SUM(qa_score__n) AS qa_score__n,
    SUM(qa_score__x) AS qa_score__x,
    SUM(qa_score__xx) AS qa_score__xx,
    SUM(qa_pass_pct__n) AS qa_pass_pct__n,
    SUM(qa_pass_pct__x) AS qa_pass_pct__x,
    SUM(qa_critical_fail_pct__n) AS qa_critical_fail_pct__n,
    SUM(qa_critical_fail_pct__x) AS qa_critical_fail_pct__x,
    SUM(qa_section_accuracy__n) AS qa_section_accuracy__n,
    SUM(qa_section_accuracy__x) AS qa_section_accuracy__x,
    SUM(qa_section_accuracy__xx) AS qa_section_accuracy__xx,
    SUM(qa_section_empathy__n) AS qa_section_empathy__n,
    SUM(qa_section_empathy__x) AS qa_section_empathy__x,
    SUM(qa_section_empathy__xx) AS qa_section_empathy__xx,
    SUM(qa_section_brand__n) AS qa_section_brand__n,
    SUM(qa_section_brand__x) AS qa_section_brand__x,
    SUM(qa_section_brand__xx) AS qa_section_brand__xx,
    SUM(qa_section_compliance__n) AS qa_section_compliance__n,
    SUM(qa_section_compliance__x) AS qa_section_compliance__x,
    SUM(qa_section_compliance__xx) AS qa_section_compliance__xx,
    SUM(qa_section_process__n) AS qa_section_process__n,
    SUM(qa_section_process__x) AS qa_section_process__x,
    SUM(qa_section_process__xx) AS qa_section_process__xx
FROM qa_days
WHERE local_date BETWEEN $start AND $end
    AND ($qa_org IS NULL OR evaluator_org = $qa_org)
    AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
    AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
    AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
GROUP BY ALL
