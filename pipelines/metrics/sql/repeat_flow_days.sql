-- Where repeat contacts go, per local day, centre, channel, queue and reason: for each
-- answered contact with a customer_key that is repeated (definitions.sql), the centre
-- of that next contact. The next contact is looked for among all contacts (any centre,
-- channel, answered or not); when several start in the same instant the smallest
-- centre_id, contact_id is taken. repeat_flows.sql sums the cells.
--
-- Parameters: $tz, $start, $end, $repeat_window_days.
WITH repeated AS (
    SELECT
        local_day(started_at, $tz) AS local_date,
        centre_id,
        contact_id,
        channel,
        queue,
        contact_reason,
        customer_key,
        next_started_at
    FROM contacts_with_next($start, $end, $repeat_window_days)
    WHERE answered AND customer_key IS NOT NULL
        AND repeated_within(started_at, next_started_at, $repeat_window_days)
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
    local_date, centre_id, channel, queue, contact_reason,  -- the cell
    next_centre_id,
    COUNT(*) AS repeats
FROM next_centre
WHERE pick = 1
GROUP BY ALL
