-- Each feed (centre x kind) with records: its latest record, its usual cadence and how far
-- it lags the newest feed, in local days of $tz.
--   cadence_days: the median gap between consecutive local days with records over the
--                 feed's last 56 days (1 for a daily feed, 7 for a weekly one);
--   lag_days:     local days between the feed's latest record and the newest record of
--                 any feed (the warehouse's "as of");
--   late:         lag_days > max(2 * cadence_days, cadence_days + 1).
WITH records AS (
    SELECT centre_id, 'contacts' AS kind, started_at AS record_at FROM contacts
    UNION ALL SELECT centre_id, 'surveys', responded_at FROM surveys
    UNION ALL SELECT centre_id, 'qa', evaluated_at FROM qa_evaluations
),
local_days AS (
    SELECT DISTINCT centre_id, kind,
           local_day(record_at, $tz) AS day
    FROM records
),
latest AS (
    SELECT centre_id, kind, max(record_at) AS latest_record_at FROM records GROUP BY ALL
),
gaps AS (
    SELECT centre_id, kind, day,
           day - lag(day) OVER (PARTITION BY centre_id, kind ORDER BY day) AS gap_days,
           max(day) OVER (PARTITION BY centre_id, kind) AS last_day
    FROM local_days
),
cadence AS (
    SELECT centre_id, kind, any_value(last_day) AS last_day,
           coalesce(median(gap_days) FILTER (WHERE day > last_day - 56), 1) AS cadence_days
    FROM gaps GROUP BY ALL
)
SELECT c.centre_id, c.kind, l.latest_record_at, c.last_day,
       CAST(c.cadence_days AS DOUBLE) AS cadence_days,
       (max(c.last_day) OVER ()) - c.last_day AS lag_days,
       (max(c.last_day) OVER ()) - c.last_day
           > greatest(2 * c.cadence_days, c.cadence_days + 1) AS late
FROM cadence AS c JOIN latest AS l USING (centre_id, kind)
ORDER BY c.centre_id, list_position(['contacts', 'surveys', 'qa'], c.kind)
