-- Rejected rows with their file, optionally for one centre and/or one load.
SELECT r.load_id, l.centre_id, l.kind, l.file_name, r.row_number, r.column_name, r.reason,
       r.raw_row
FROM rejects AS r
JOIN loads AS l USING (load_id)
WHERE ($centre IS NULL OR l.centre_id = $centre)
  AND ($load_id IS NULL OR r.load_id = $load_id)
ORDER BY r.load_id, r.row_number, r.column_name
