-- Where repeat contacts go: for each answered contact (with a customer_key, in range,
-- passing the filters) followed by another contact of the same customer within
-- (started_at, started_at + window], the centre of that next contact. The next
-- contact is looked for among all contacts (any centre, channel, answered or not);
-- when several start in the same instant the smallest centre_id, contact_id is taken.
--
-- Parameters: $tz, $start, $end, $channels, $queues, $reasons, $repeat_window_days.
WITH windowed AS (
    SELECT
        c.*,
        -- next strictly later contact of the same customer (see contact_stats.sql)
        MIN(c.started_at) OVER (
            PARTITION BY c.customer_key
            ORDER BY c.started_at
            RANGE BETWEEN INTERVAL 1 MICROSECOND FOLLOWING AND UNBOUNDED FOLLOWING
        ) AS next_started_at
    FROM contacts AS c
    WHERE c.customer_key IS NOT NULL
        AND c.started_at >= CAST($start AS TIMESTAMP) - INTERVAL 2 DAY
        AND c.started_at < CAST($end AS TIMESTAMP) + ($repeat_window_days + 3) * INTERVAL 1 DAY
),
repeated AS (
    SELECT centre_id, contact_id, customer_key, next_started_at
    FROM windowed
    WHERE answered
        AND next_started_at <= started_at + $repeat_window_days * INTERVAL 1 DAY
        AND CAST(timezone($tz, timezone('UTC', started_at)) AS DATE) BETWEEN $start AND $end
        AND (len($channels) = 0 OR coalesce(list_contains($channels, channel), FALSE))
        AND (len($queues) = 0 OR coalesce(list_contains($queues, queue), FALSE))
        AND (len($reasons) = 0 OR coalesce(list_contains($reasons, contact_reason), FALSE))
),
next_centre AS (
    SELECT
        r.centre_id,
        nc.centre_id AS next_centre_id,
        ROW_NUMBER() OVER (
            PARTITION BY r.centre_id, r.contact_id ORDER BY nc.centre_id, nc.contact_id
        ) AS pick
    FROM repeated AS r
    JOIN contacts AS nc
        ON nc.customer_key = r.customer_key AND nc.started_at = r.next_started_at
)
SELECT centre_id, next_centre_id, COUNT(*) AS repeats
FROM next_centre
WHERE pick = 1
GROUP BY centre_id, next_centre_id
