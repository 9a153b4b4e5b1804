-- What keeps a doctor or a diagnostic's places busy, in one place: bookings
-- that hold their slot, and holds at desks still live (an expired hold
-- blocks nothing). Every busy read (slot search, booking, openings, the
-- waitlist) selects from it, bounded by the window asked for. security_invoker:
-- the reader's own grants and row-level security apply, as on the tables.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE VIEW busy_times WITH (security_invoker = true) AS
SELECT booking_id AS id, doctor_id, diagnostic_id, location_id, starts_at, ends_at,
       -- A doctor is one lane; a booking made anyway holds none of its own.
       COALESCE(diagnostic_lane, 1::int2) AS lane,
       override_reason IS NOT NULL AS laneless,
       false AS held
  FROM bookings
 WHERE status IN ('booked', 'confirmed', 'arrived', 'completed')
UNION ALL
SELECT hold_id, doctor_id, diagnostic_id, location_id, starts_at, ends_at,
       CASE WHEN doctor_id IS NOT NULL THEN 1::int2 ELSE 0::int2 END,
       true,
       true
  FROM slot_holds
 WHERE expires_at > now();

DO $$
BEGIN
    EXECUTE format('GRANT SELECT ON public.busy_times TO %I, %I, %I',
                   staff.role_name('reception'), staff.role_name('manager'), staff.role_name('auditor'));
END
$$;
