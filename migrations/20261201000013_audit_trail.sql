-- The audit trail (issue 12): one append-only table of events, kept by the
-- database. Each event carries the SHA-256 of the event before it and of its
-- own content, so a row changed or removed behind the triggers' back breaks
-- the chain, and audit.verify names the first event that does not match.
--
-- Changes are recorded by deferred constraint triggers: they run at commit,
-- so the lock that keeps the chain linear is held only while a committing
-- transaction appends its events, never while it waits for row locks (no
-- deadlocks with booking races, little queueing).
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '120s';

CREATE SCHEMA audit;

CREATE TABLE audit.events (
    event_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    login       text NOT NULL,
    -- What the station told the server it is (application_name).
    station     text NOT NULL,
    action      text NOT NULL CONSTRAINT events_action_check CHECK (action IN (
                    'insert', 'update', 'delete', 'status change',
                    'view', 'download', 'export', 'print', 'sign-in')),
    table_name  text NOT NULL,
    row_id      text,
    patient_id  uuid,
    -- {"column": {"old": …, "new": …}} for the columns that changed; what
    -- was viewed for views. Never file bytes.
    changes     jsonb NOT NULL DEFAULT '{}',
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL
);
CREATE INDEX events_at_idx ON audit.events (at);
CREATE INDEX events_patient_idx ON audit.events (patient_id, at) WHERE patient_id IS NOT NULL;
CREATE INDEX events_row_idx ON audit.events (table_name, row_id);
CREATE INDEX events_login_idx ON audit.events (login, at);

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events
    FOR EACH ROW EXECUTE FUNCTION public.refuse_rewrite();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
    FOR EACH STATEMENT EXECUTE FUNCTION public.refuse_rewrite();

-- The hashed content of an event: every field, in a text form that does not
-- depend on the session (time as microseconds since the epoch).
CREATE FUNCTION audit.event_hash(
    prev_hash bytea, event_id bigint, at timestamptz, login text, station text, action text,
    table_name text, row_id text, patient_id uuid, changes jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(prev_hash || convert_to(concat_ws(E'\x1f',
        event_id::text, (extract(epoch FROM at) * 1000000)::bigint::text, login, station, action,
        table_name, coalesce(row_id, ''), coalesce(patient_id::text, ''), changes::text), 'UTF8'))
$$;

-- Appends one event to the chain. Only the database's own functions call it.
CREATE FUNCTION audit.append(
    event_action text, event_table text, event_row text, event_patient uuid, event_changes jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
DECLARE
    id bigint;
    stamp timestamptz := clock_timestamp();
    previous bytea;
    station_name text := left(coalesce(nullif(current_setting('application_name', true), ''), 'unknown'), 128);
BEGIN
    -- One chain: appends take turns until their transaction ends.
    PERFORM pg_advisory_xact_lock(hashtextextended('clinic audit chain', 0));
    SELECT e.hash INTO previous FROM audit.events e ORDER BY e.event_id DESC LIMIT 1;
    previous := coalesce(previous, '\x'::bytea);
    id := nextval(pg_get_serial_sequence('audit.events', 'event_id'));
    INSERT INTO audit.events (event_id, at, login, station, action, table_name, row_id, patient_id, changes,
                              prev_hash, hash)
    OVERRIDING SYSTEM VALUE
    VALUES (id, stamp, session_user, station_name, event_action, event_table, event_row, event_patient,
            event_changes, previous,
            audit.event_hash(previous, id, stamp, session_user, station_name, event_action, event_table,
                             event_row, event_patient, event_changes));
    RETURN id;
END
$$;

-- The row trigger: what changed, column by column (bytes and bookkeeping
-- columns left out). TG_ARGV[0] names the row's key column.
CREATE FUNCTION audit.record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
DECLARE
    skipped text[] := ARRAY['content', 'row_version', 'updated_at', 'changed_xid', 'sha256'];
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - skipped END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - skipped END;
    current_row jsonb := coalesce(new_row, old_row);
    diff jsonb;
    event_action text := lower(TG_OP);
BEGIN
    SELECT coalesce(jsonb_object_agg(k, jsonb_strip_nulls(jsonb_build_object('old', o, 'new', n))), '{}')
      INTO diff
      FROM (SELECT k, old_row -> k AS o, new_row -> k AS n
              FROM (SELECT jsonb_object_keys(current_row) AS k) keys) cols
     WHERE o IS DISTINCT FROM n;
    IF TG_OP = 'UPDATE' AND diff = '{}' THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'bookings' AND TG_OP = 'UPDATE' AND diff ? 'status' THEN
        event_action := 'status change';
    END IF;
    PERFORM audit.append(event_action, TG_TABLE_NAME, current_row ->> TG_ARGV[0],
                         CASE WHEN TG_TABLE_NAME = 'patients' OR current_row ? 'patient_id'
                              THEN (current_row ->> 'patient_id')::uuid END,
                         diff);
    RETURN NULL;
END
$$;

DO $$
DECLARE
    audited text[][] := ARRAY[
        ['public.patients', 'patient_id'], ['public.bookings', 'booking_id'],
        ['public.doctor_ratings', 'rating_id'], ['public.diagnostic_results', 'diagnostic_result_id'],
        ['public.photos', 'photo_id'], ['public.locations', 'location_id'],
        ['public.specialties', 'specialty_id'], ['public.doctors', 'doctor_id'],
        ['public.doctor_locations', 'doctor_id'], ['public.diagnostics', 'diagnostic_id'],
        ['public.diagnostic_locations', 'diagnostic_location_id'],
        ['public.location_hours', 'location_hours_id'], ['public.doctor_hours', 'doctor_hours_id'],
        ['public.schedule_exceptions', 'schedule_exception_id'], ['public.clinic_policy', 'only_row'],
        ['staff.accounts', 'login'], ['staff.location_limits', 'login']];
    i int;
BEGIN
    FOR i IN 1 .. array_length(audited, 1) LOOP
        EXECUTE format(
            'CREATE CONSTRAINT TRIGGER audit_changes AFTER INSERT OR UPDATE OR DELETE ON %s
                 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit.record_change(%L)',
            audited[i][1], audited[i][2]);
    END LOOP;
END
$$;

-- What the database cannot see for itself: a profile opened, a result file
-- previewed or saved, a list exported or printed. The station says what was
-- seen; the login comes from the session, so it cannot be forged.
CREATE FUNCTION audit.record_view(
    view_action text, viewed_table text, viewed_row text, viewed_patient uuid, details jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
BEGIN
    IF view_action NOT IN ('view', 'download', 'export', 'print', 'sign-in') THEN
        RAISE EXCEPTION 'not a view action: %', view_action
            USING ERRCODE = 'check_violation', CONSTRAINT = 'events_action_check';
    END IF;
    IF viewed_table IS NULL OR viewed_table !~ '^[a-z_]{1,64}$' THEN
        RAISE EXCEPTION 'not a table name: %', viewed_table
            USING ERRCODE = 'check_violation', CONSTRAINT = 'events_table_name_check';
    END IF;
    RETURN audit.append(view_action, viewed_table, left(viewed_row, 128), viewed_patient,
                        coalesce(details, '{}') - 'content');
END
$$;

-- The first event in [first_id, last_id] whose hash or link does not match
-- (NULL: the chain verifies). An event removed from the middle shows as the
-- one after it, whose prev_hash no longer matches the event now before it;
-- the first event of all links to the empty hash.
CREATE FUNCTION audit.verify(first_id bigint DEFAULT NULL, last_id bigint DEFAULT NULL) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
    WITH before_range AS (
        SELECT coalesce(max(event_id), -1) AS event_id FROM audit.events WHERE event_id < coalesce(first_id, 0))
    SELECT chained.event_id
      FROM (SELECT e.*, lag(e.hash) OVER (ORDER BY e.event_id) AS stored_prev
              FROM audit.events e, before_range b
             WHERE e.event_id >= b.event_id AND e.event_id <= coalesce(last_id, 9223372036854775807)) chained
     WHERE chained.event_id >= coalesce(first_id, 0)
       AND (chained.hash IS DISTINCT FROM audit.event_hash(
                chained.prev_hash, chained.event_id, chained.at, chained.login, chained.station, chained.action,
                chained.table_name, chained.row_id, chained.patient_id, chained.changes)
            OR chained.prev_hash IS DISTINCT FROM coalesce(chained.stored_prev, '\x'::bytea))
     ORDER BY chained.event_id
     LIMIT 1
$$;

DO $$
DECLARE
    manager name := staff.role_name('manager');
    auditor name := staff.role_name('auditor');
    reception name := staff.role_name('reception');
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I, %I, %I', reception, manager, auditor);
    EXECUTE format('GRANT SELECT ON audit.events TO %I, %I', manager, auditor);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.verify(bigint, bigint) TO %I, %I', manager, auditor);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.record_view(text, text, text, uuid, jsonb) TO %I, %I, %I',
                   reception, manager, auditor);
    REVOKE EXECUTE ON FUNCTION audit.append(text, text, text, uuid, jsonb) FROM PUBLIC;
    REVOKE EXECUTE ON FUNCTION audit.record_change() FROM PUBLIC;
END
$$;
