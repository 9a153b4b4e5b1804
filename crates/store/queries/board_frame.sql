SELECT l.location_id AS "id!: LocationId", l.name, l.address, l.phone, l.time_zone,
       l.grid_minutes::int4 AS "grid_minutes!", l.is_active, l.row_version,
       lw.days AS "lw_days!", lw.starts AS "lw_starts!", lw.ends AS "lw_ends!",
       ex.doctors AS "ex_doctors!: Vec<Option<i32>>", ex.kinds AS "ex_kinds!",
       ex.starts AS "ex_starts!: Vec<Option<i16>>", ex.ends AS "ex_ends!: Vec<Option<i16>>",
       doc.ids AS "doc_ids!", doc.names AS "doc_names!", doc.specialties AS "doc_specialties!",
       doc.slots AS "doc_slots!",
       dw.doctors AS "dw_doctors!", dw.days AS "dw_days!", dw.starts AS "dw_starts!", dw.ends AS "dw_ends!",
       dg.ids AS "dg_ids!", dg.names AS "dg_names!", dg.slots AS "dg_slots!", dg.capacities AS "dg_capacities!",
       ho.ids AS "ho_ids!", ho.doctors AS "ho_doctors!: Vec<Option<i32>>",
       ho.diagnostics AS "ho_diagnostics!: Vec<Option<i32>>", ho.starts AS "ho_starts!",
       ho.ends AS "ho_ends!", ho.held_by AS "ho_held_by!", ho.expires AS "ho_expires!"
  FROM locations l
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(h.iso_weekday ORDER BY h.iso_weekday, h.start_minute), '{}') AS days,
              COALESCE(array_agg(h.start_minute ORDER BY h.iso_weekday, h.start_minute), '{}') AS starts,
              COALESCE(array_agg(h.end_minute ORDER BY h.iso_weekday, h.start_minute), '{}') AS ends
         FROM location_hours h WHERE h.location_id = l.location_id) lw
 CROSS JOIN LATERAL (
       -- The location's own and its doctors' exceptions there, and
       -- anyone's leave (a doctor on leave is away everywhere).
       SELECT COALESCE(array_agg(e.doctor_id ORDER BY e.start_minute NULLS FIRST), '{}') AS doctors,
              COALESCE(array_agg(e.kind::text ORDER BY e.start_minute NULLS FIRST), '{}') AS kinds,
              COALESCE(array_agg(e.start_minute ORDER BY e.start_minute NULLS FIRST), '{}') AS starts,
              COALESCE(array_agg(e.end_minute ORDER BY e.start_minute NULLS FIRST), '{}') AS ends
         FROM schedule_exceptions e
        WHERE e.on_date = $2 AND (e.location_id = l.location_id OR e.kind = 'leave')) ex
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(d.doctor_id ORDER BY d.full_name, d.doctor_id), '{}') AS ids,
              COALESCE(array_agg(d.full_name ORDER BY d.full_name, d.doctor_id), '{}') AS names,
              COALESCE(array_agg(s.specialty_name ORDER BY d.full_name, d.doctor_id), '{}') AS specialties,
              COALESCE(array_agg(d.slot_minutes::int4 ORDER BY d.full_name, d.doctor_id), '{}') AS slots
         FROM doctor_locations dl
         JOIN doctors d ON d.doctor_id = dl.doctor_id
         JOIN specialties s ON s.specialty_id = d.specialty_id
        WHERE dl.location_id = l.location_id AND d.is_active) doc
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(h.doctor_id ORDER BY h.doctor_id, h.iso_weekday, h.start_minute), '{}')
                  AS doctors,
              COALESCE(array_agg(h.iso_weekday ORDER BY h.doctor_id, h.iso_weekday, h.start_minute), '{}')
                  AS days,
              COALESCE(array_agg(h.start_minute ORDER BY h.doctor_id, h.iso_weekday, h.start_minute),
                       '{}') AS starts,
              COALESCE(array_agg(h.end_minute ORDER BY h.doctor_id, h.iso_weekday, h.start_minute), '{}')
                  AS ends
         FROM doctor_hours h WHERE h.location_id = l.location_id) dw
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(g.diagnostic_id ORDER BY g.type_name), '{}') AS ids,
              COALESCE(array_agg(g.type_name ORDER BY g.type_name), '{}') AS names,
              COALESCE(array_agg(g.slot_minutes::int4 ORDER BY g.type_name), '{}') AS slots,
              COALESCE(array_agg(dl.capacity::int4 ORDER BY g.type_name), '{}') AS capacities
         FROM diagnostic_locations dl JOIN diagnostics g ON g.diagnostic_id = dl.diagnostic_id
        WHERE dl.location_id = l.location_id AND dl.is_active AND g.is_active) dg
 CROSS JOIN LATERAL (
       SELECT COALESCE(array_agg(h.hold_id ORDER BY h.starts_at, h.hold_id), '{}') AS ids,
              COALESCE(array_agg(h.doctor_id ORDER BY h.starts_at, h.hold_id), '{}') AS doctors,
              COALESCE(array_agg(h.diagnostic_id ORDER BY h.starts_at, h.hold_id), '{}') AS diagnostics,
              COALESCE(array_agg(h.starts_at ORDER BY h.starts_at, h.hold_id), '{}') AS starts,
              COALESCE(array_agg(h.ends_at ORDER BY h.starts_at, h.hold_id), '{}') AS ends,
              COALESCE(array_agg(h.held_by ORDER BY h.starts_at, h.hold_id), '{}') AS held_by,
              COALESCE(array_agg(h.expires_at ORDER BY h.starts_at, h.hold_id), '{}') AS expires
         FROM slot_holds h
        WHERE h.location_id = l.location_id AND h.starts_at >= $3 AND h.starts_at < $4
          AND h.expires_at > now()) ho
 WHERE l.location_id = $1
