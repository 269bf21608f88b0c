-- Where repeat contacts go, per local day, centre, channel, queue and reason: for each
-- answered contact with a customer_key followed by another contact of the same
-- customer within (started_at, started_at + window], the centre of that next contact.
-- The next contact is looked for among all contacts (any centre, channel, answered or
-- not); when several start in the same instant the smallest centre_id, contact_id is
-- taken. repeat_flows.sql sums the cells.
--
-- Parameters: $tz, $start, $end, $repeat_window_days.
WITH windowed AS (
    SELECT
        c.*,
        -- next strictly later contact of the same customer (see contact_days.sql)
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
    SELECT
        CAST(timezone($tz, timezone('UTC', started_at)) AS DATE) AS local_date,
        centre_id,
        contact_id,
        channel,
        queue,
        contact_reason,
        customer_key,
        next_started_at
    FROM windowed
    WHERE answered
        AND next_started_at <= started_at + $repeat_window_days * INTERVAL 1 DAY
),
next_centre AS (
    SELECT
        r.*,
        nc.centre_id AS next_centre_id,
        ROW_NUMBER() OVER (
            PARTITION BY r.centre_id, r.contact_id ORDER BY nc.centre_id, nc.contact_id
        ) AS pick
    FROM repeated AS r
    JOIN contacts AS nc
        ON nc.customer_key = r.customer_key AND nc.started_at = r.next_started_at
    WHERE r.local_date BETWEEN $start AND $end
)
SELECT
    local_date,
    centre_id,
    channel,
    queue,
    contact_reason,
    next_centre_id,
    COUNT(*) AS repeats
FROM next_centre
WHERE pick = 1
GROUP BY ALL
