SELECT b.booking_id AS "id: BookingId", b.patient_id AS "patient_id: PatientId",
       p.full_name AS "patient_name!", p.patient_number AS "patient_number!",
       b.location_id AS "location_id: LocationId", l.name AS location_name, l.time_zone,
       b.doctor_id, b.diagnostic_id,
       COALESCE(d.full_name, g.type_name) AS "subject_name!",
       b.starts_at, b.ends_at, b.price, b.status AS "status: BookingStatus", b.patient_message,
       last.changed_at AS "status_since?", last.from_status AS "previous_status?: BookingStatus",
       moved.booking_id AS "moved_to?: BookingId",
       b.rescheduled_from AS "rescheduled_from: BookingId", b.created_by,
       NULLIF(b.entered_by, b.created_by) AS entered_by, b.created_at, b.row_version,
       b.override_reason
  FROM bookings b
  JOIN locations l ON l.location_id = b.location_id
  CROSS JOIN LATERAL (SELECT full_name, patient_number FROM patients
                       WHERE patient_id = b.patient_id OFFSET 0) p
  LEFT JOIN doctors d ON d.doctor_id = b.doctor_id
  LEFT JOIN diagnostics g ON g.diagnostic_id = b.diagnostic_id
  LEFT JOIN LATERAL (SELECT c.from_status, c.changed_at FROM booking_status_changes c
                      WHERE c.booking_id = b.booking_id
                      ORDER BY c.changed_at DESC, c.booking_status_change_id DESC LIMIT 1) last ON true
  LEFT JOIN LATERAL (SELECT n.booking_id FROM bookings n
                      WHERE n.rescheduled_from = b.booking_id LIMIT 1) moved ON true
 WHERE b.location_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3
 ORDER BY b.starts_at, b.booking_id
