SELECT l.location_id AS "id!: LocationId", l.name, l.address, l.phone, l.time_zone,
       l.grid_minutes::int4 AS "grid_minutes!", l.is_active, l.row_version,
       r.name AS "subject_name?", r.is_active AS "subject_active?", r.price AS "price?",
       r.slot_minutes AS "slot_minutes?", r.places AS "places?",
       lw.days AS "lw_days!", lw.starts AS "lw_starts!", lw.ends AS "lw_ends!",
       rw.days AS "rw_days!", rw.starts AS "rw_starts!", rw.ends AS "rw_ends!",
       ex.dates AS "ex_dates!", ex.kinds AS "ex_kinds!", ex.starts AS "ex_starts!: Vec<Option<i16>>",
       ex.ends AS "ex_ends!: Vec<Option<i16>>", ex.of_doctor AS "ex_of_doctor!",
       busy.ids AS "busy_ids!", busy.starts AS "busy_starts!", busy.ends AS "busy_ends!",
       busy.lanes AS "busy_lanes!", busy.laneless AS "busy_laneless!", busy.held AS "busy_held!"
  FROM locations l
  LEFT JOIN LATERAL (
       SELECT d.full_name AS name, d.is_active, d.price, d.slot_minutes,
              CASE WHEN EXISTS (SELECT 1 FROM doctor_locations dl
                                 WHERE dl.doctor_id = d.doctor_id AND dl.location_id = l.location_id)
                   THEN 1::int2 END AS places
         FROM doctors d WHERE d.doctor_id = $2
       UNION ALL
       SELECT g.type_name, g.is_active, g.price, g.slot_minutes,
              (SELECT dl.capacity FROM diagnostic_locations dl
                WHERE dl.diagnostic_id = g.diagnostic_id AND dl.location_id = l.location_id
                  AND dl.is_active)
         FROM diagnostics g WHERE g.diagnostic_id = $3) r ON true
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(h.iso_weekday ORDER BY h.iso_weekday, h.start_minute), '{}') AS days,
              COALESCE(array_agg(h.start_minute ORDER BY h.iso_weekday, h.start_minute), '{}') AS starts,
              COALESCE(array_agg(h.end_minute ORDER BY h.iso_weekday, h.start_minute), '{}') AS ends
         FROM location_hours h WHERE h.location_id = l.location_id) lw
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(h.iso_weekday ORDER BY h.iso_weekday, h.start_minute), '{}') AS days,
              COALESCE(array_agg(h.start_minute ORDER BY h.iso_weekday, h.start_minute), '{}') AS starts,
              COALESCE(array_agg(h.end_minute ORDER BY h.iso_weekday, h.start_minute), '{}') AS ends
         FROM doctor_hours h WHERE h.doctor_id = $2 AND h.location_id = l.location_id) rw
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(e.on_date ORDER BY e.on_date, e.start_minute NULLS FIRST), '{}') AS dates,
              COALESCE(array_agg(e.kind::text ORDER BY e.on_date, e.start_minute NULLS FIRST), '{}') AS kinds,
              COALESCE(array_agg(e.start_minute ORDER BY e.on_date, e.start_minute NULLS FIRST), '{}')
                  AS starts,
              COALESCE(array_agg(e.end_minute ORDER BY e.on_date, e.start_minute NULLS FIRST), '{}')
                  AS ends,
              COALESCE(array_agg(e.doctor_id IS NOT NULL ORDER BY e.on_date, e.start_minute NULLS FIRST),
                       '{}') AS of_doctor
         FROM schedule_exceptions e
        WHERE e.on_date BETWEEN $4 AND $5
          AND ((e.location_id = l.location_id AND e.doctor_id IS NULL)
            OR (e.doctor_id = $2 AND (e.location_id = l.location_id OR e.location_id IS NULL)))) ex
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(b.id ORDER BY b.starts_at, b.id), '{}') AS ids,
              COALESCE(array_agg(b.starts_at ORDER BY b.starts_at, b.id), '{}') AS starts,
              COALESCE(array_agg(b.ends_at ORDER BY b.starts_at, b.id), '{}') AS ends,
              COALESCE(array_agg(b.lane ORDER BY b.starts_at, b.id), '{}') AS lanes,
              COALESCE(array_agg(b.laneless ORDER BY b.starts_at, b.id), '{}') AS laneless,
              COALESCE(array_agg(b.held ORDER BY b.starts_at, b.id), '{}') AS held
         FROM (SELECT * FROM busy_times
                WHERE doctor_id = $2 AND starts_at < $7 AND ends_at > $6 AND starts_at > $8
               UNION ALL
               SELECT * FROM busy_times
                WHERE diagnostic_id = $3 AND location_id = $1
                  AND starts_at < $7 AND ends_at > $6 AND starts_at > $8) b
        WHERE b.id IS DISTINCT FROM $9) busy
 WHERE l.location_id = $1
