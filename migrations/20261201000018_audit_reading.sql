-- Reading the audit trail in the app (issue 13). Auditors and managers read
-- audit.events directly; each entry says whether it verifies on its own
-- (its hash matches its content, and its link matches the event before it).
-- Reception sees only a booking's or a patient's own trail, through
-- functions that return just that.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

-- Whether one event's hash matches its content and its link matches the
-- event stored before it (an event edited or removed behind the triggers
-- shows here as not verified).
CREATE FUNCTION audit.event_verifies(e audit.events) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
    SELECT e.hash = audit.event_hash(e.prev_hash, e.event_id, e.at, e.login, e.station, e.action, e.table_name,
                                     e.row_id, e.patient_id, e.changes)
       AND e.prev_hash = coalesce((SELECT p.hash FROM audit.events p WHERE p.event_id < e.event_id
                                    ORDER BY p.event_id DESC LIMIT 1), '\x'::bytea)
$$;

-- A booking's own trail (created, moved, status changes: by whom, where).
CREATE FUNCTION audit.booking_trail(booking uuid)
RETURNS TABLE (event_id bigint, at timestamptz, login text, station text, action text, changes jsonb, verified boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
    SELECT e.event_id, e.at, e.login, e.station, e.action, e.changes, audit.event_verifies(e)
      FROM audit.events e
     WHERE e.table_name = 'bookings' AND e.row_id = booking::text
     ORDER BY e.event_id
$$;

-- A patient's trail: their record, bookings, results, and who viewed them.
CREATE FUNCTION audit.patient_trail(patient uuid, max_events integer DEFAULT 200)
RETURNS TABLE (event_id bigint, at timestamptz, login text, station text, action text, table_name text,
               row_id text, changes jsonb, verified boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
    SELECT e.event_id, e.at, e.login, e.station, e.action, e.table_name, e.row_id, e.changes,
           audit.event_verifies(e)
      FROM audit.events e
     WHERE e.patient_id = patient
     ORDER BY e.event_id DESC
     LIMIT least(greatest(max_events, 1), 1000)
$$;

DO $$
DECLARE
    everyone text := format('%I, %I, %I',
        staff.role_name('reception'), staff.role_name('manager'), staff.role_name('auditor'));
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.booking_trail(uuid), audit.patient_trail(uuid, integer) TO %s',
                   everyone);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.event_verifies(audit.events) TO %I, %I',
                   staff.role_name('manager'), staff.role_name('auditor'));
END
$$;
