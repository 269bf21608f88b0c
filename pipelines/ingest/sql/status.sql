-- Freshness per centre and kind: the latest loaded file, the latest record time (UTC),
-- the rows held and the rows rejected so far. Reported figures (a vendor's own numbers)
-- appear only for centres that sent some; their latest record is the latest period start.
-- Rosters and staff surveys likewise; a roster's latest record is its latest hire or leave.
WITH kinds(kind) AS (
    VALUES ('contacts'), ('surveys'), ('qa'), ('reported'), ('roster'), ('staff_surveys')
),
records AS (
    SELECT centre_id, 'contacts' AS kind, count(*) AS record_rows,
           max(started_at) AS latest_record_at
    FROM contacts GROUP BY centre_id
    UNION ALL
    SELECT centre_id, 'surveys', count(*), max(responded_at) FROM surveys GROUP BY centre_id
    UNION ALL
    SELECT centre_id, 'qa', count(*), max(evaluated_at) FROM qa_evaluations GROUP BY centre_id
    UNION ALL
    SELECT centre_id, 'reported', count(*), CAST(max(period_start) AS TIMESTAMP)
    FROM reported_figures GROUP BY centre_id
    UNION ALL
    SELECT centre_id, 'roster', count(*), CAST(max(greatest(hired_on, coalesce(left_on, hired_on)))
        AS TIMESTAMP)
    FROM agents GROUP BY centre_id
    UNION ALL
    SELECT centre_id, 'staff_surveys', count(*), max(responded_at)
    FROM staff_surveys GROUP BY centre_id
),
file_loads AS (
    SELECT centre_id, kind,
           arg_max(file_name, finished_at) FILTER (WHERE status = 'loaded') AS latest_file,
           max(finished_at) FILTER (WHERE status = 'loaded') AS latest_load_at,
           sum(rows_rejected) FILTER (WHERE status = 'loaded') AS rows_rejected,
           count(*) FILTER (WHERE status = 'failed') AS failed_loads
    FROM loads GROUP BY centre_id, kind
)
SELECT c.centre_id, k.kind, f.latest_file, f.latest_load_at, r.latest_record_at,
       coalesce(r.record_rows, 0) AS record_rows, coalesce(f.rows_rejected, 0) AS rows_rejected,
       coalesce(f.failed_loads, 0) AS failed_loads
FROM centres AS c
CROSS JOIN kinds AS k
LEFT JOIN records AS r ON r.centre_id = c.centre_id AND r.kind = k.kind
LEFT JOIN file_loads AS f ON f.centre_id = c.centre_id AND f.kind = k.kind
WHERE k.kind IN ('contacts', 'surveys', 'qa') OR r.record_rows IS NOT NULL
    OR f.centre_id IS NOT NULL
ORDER BY c.centre_id,
    list_position(['contacts', 'surveys', 'qa', 'reported', 'roster', 'staff_surveys'], k.kind)
