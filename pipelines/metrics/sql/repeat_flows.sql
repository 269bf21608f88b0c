-- Where repeat contacts go: for each answered contact (with a customer_key, in range,
-- passing the filters) followed by another contact of the same customer within
-- (started_at, started_at + window], the centre of that next contact. The next
-- contact is looked for among all contacts (any centre, channel, answered or not);
-- when several start in the same instant the smallest centre_id, contact_id is taken.
--
-- Parameters: $tz, $start, $end, $channels, $queues, $reasons, $repeat_window_days.
WITH contact_instants AS (
    SELECT DISTINCT customer_key, started_at
    FROM contacts
    WHERE customer_key IS NOT NULL
),
next_contact AS (
    SELECT
        customer_key,
        started_at,
        LEAD(started_at) OVER (PARTITION BY customer_key ORDER BY started_at)
            AS next_started_at
    FROM contact_instants
),
repeated AS (
    SELECT c.centre_id, c.contact_id, c.customer_key, n.next_started_at
    FROM contacts AS c
    JOIN next_contact AS n
        ON n.customer_key = c.customer_key AND n.started_at = c.started_at
    WHERE c.answered
        AND n.next_started_at <= c.started_at + $repeat_window_days * INTERVAL 1 DAY
        AND CAST(timezone($tz, timezone('UTC', c.started_at)) AS DATE) BETWEEN $start AND $end
        AND (len($channels) = 0 OR coalesce(list_contains($channels, c.channel), FALSE))
        AND (len($queues) = 0 OR coalesce(list_contains($queues, c.queue), FALSE))
        AND (len($reasons) = 0 OR coalesce(list_contains($reasons, c.contact_reason), FALSE))
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
