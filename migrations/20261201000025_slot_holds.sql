-- Holds (issue 17): while on the phone a receptionist holds a time for a
-- few minutes (clinic_policy.hold_minutes). A live hold blocks that time for
-- every other booking and hold exactly as a booking does; an expired one
-- blocks nothing, with no cleanup job: every check below ignores a hold
-- whose expires_at has passed. A hold turns into the booking with its id
-- (the booking's insert removes it) or is released (deleted) by its holder.
--
-- Bookings and holds are two tables, so the guarantee is two triggers
-- rather than an exclusion constraint: each takes the resource's advisory
-- lock (the same key the app's booking takes, so checks and inserts of one
-- doctor, or one diagnostic at one location, run one at a time) and then
-- looks at the other table. Raw SQL meets the same triggers.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE clinic_policy
    ADD COLUMN hold_minutes integer NOT NULL DEFAULT 5
        CONSTRAINT clinic_policy_hold_minutes_check CHECK (hold_minutes BETWEEN 1 AND 30);

CREATE TABLE slot_holds (
    -- The id the booking will have.
    hold_id        uuid PRIMARY KEY,
    location_id    integer NOT NULL REFERENCES locations ON DELETE CASCADE,
    doctor_id      integer REFERENCES doctors ON DELETE CASCADE,
    diagnostic_id  integer REFERENCES diagnostics ON DELETE CASCADE,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    held_by        text NOT NULL DEFAULT session_user,
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT slot_holds_subject_check CHECK ((doctor_id IS NULL) <> (diagnostic_id IS NULL)),
    CONSTRAINT slot_holds_time_check CHECK (starts_at < ends_at AND ends_at - starts_at <= interval '480 minutes')
);
CREATE INDEX slot_holds_doctor_idx ON slot_holds (doctor_id, starts_at) WHERE doctor_id IS NOT NULL;
CREATE INDEX slot_holds_diagnostic_idx ON slot_holds (diagnostic_id, location_id, starts_at)
    WHERE diagnostic_id IS NOT NULL;
CREATE INDEX slot_holds_location_idx ON slot_holds (location_id, starts_at);

-- The resource's turn: the key `bookings::take_turn` uses.
CREATE FUNCTION booking_turn_key(doctor integer, diagnostic integer, location integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT hashtextextended(
        CASE WHEN doctor IS NOT NULL THEN format('clinic booking: doctor %s', doctor)
             ELSE format('clinic booking: diagnostic %s at %s', diagnostic, location) END, 0)
$$;

-- How many places of a diagnostic at a location the bookings and live holds
-- overlapping [from, to) take, leaving out `own` (a hold becoming its booking).
CREATE FUNCTION diagnostic_places_taken(
    diagnostic integer, location integer, from_at timestamptz, to_at timestamptz, own uuid
) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (SELECT count(*) FROM bookings
             WHERE diagnostic_id = diagnostic AND location_id = location
               AND starts_at < to_at AND ends_at > from_at AND starts_at > from_at - interval '480 minutes'
               AND status IN ('booked', 'confirmed', 'arrived', 'completed') AND booking_id <> own)
         + (SELECT count(*) FROM slot_holds
             WHERE diagnostic_id = diagnostic AND location_id = location
               AND starts_at < to_at AND ends_at > from_at AND expires_at > now() AND hold_id <> own)
$$;

-- A hold: its expiry from the clinic's setting (whatever the client sent),
-- and only on time nobody else has.
CREATE FUNCTION check_slot_hold() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    capacity smallint;
BEGIN
    NEW.held_by := session_user;
    NEW.created_at := now();
    NEW.expires_at := now() + make_interval(mins => (SELECT hold_minutes FROM clinic_policy));
    PERFORM pg_advisory_xact_lock(booking_turn_key(NEW.doctor_id, NEW.diagnostic_id, NEW.location_id));
    IF NEW.doctor_id IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM bookings
                    WHERE doctor_id = NEW.doctor_id AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at
                      AND starts_at > NEW.starts_at - interval '480 minutes'
                      AND status IN ('booked', 'confirmed', 'arrived', 'completed') AND booking_id <> NEW.hold_id)
           OR EXISTS (SELECT 1 FROM slot_holds
                       WHERE doctor_id = NEW.doctor_id AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at
                         AND expires_at > now() AND hold_id <> NEW.hold_id) THEN
            RAISE EXCEPTION 'doctor % is booked or held at this time', NEW.doctor_id
                USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'slot_holds_no_overlap';
        END IF;
    ELSE
        SELECT o.capacity INTO capacity FROM diagnostic_locations o
         WHERE o.diagnostic_id = NEW.diagnostic_id AND o.location_id = NEW.location_id AND o.is_active;
        IF capacity IS NULL OR diagnostic_places_taken(NEW.diagnostic_id, NEW.location_id,
                                                        NEW.starts_at, NEW.ends_at, NEW.hold_id) >= capacity THEN
            RAISE EXCEPTION 'diagnostic % at location % is full at this time', NEW.diagnostic_id, NEW.location_id
                USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'slot_holds_no_overlap';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER slot_holds_check BEFORE INSERT ON slot_holds
    FOR EACH ROW EXECUTE FUNCTION check_slot_hold();
-- A hold is taken or released, never moved or extended.
CREATE FUNCTION refuse_hold_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a hold is released and taken again, not changed'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER slot_holds_no_update BEFORE UPDATE ON slot_holds
    FOR EACH ROW EXECUTE FUNCTION refuse_hold_update();

-- A booking (or an undo that takes a time back) never lands on someone
-- else's live hold; a manager's "book anyway" may.
CREATE FUNCTION check_booking_against_holds() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    capacity smallint;
BEGIN
    IF NEW.status NOT IN ('booked', 'confirmed', 'arrived', 'completed') OR NEW.override_reason IS NOT NULL
       OR (TG_OP = 'UPDATE' AND OLD.status IN ('booked', 'confirmed', 'arrived', 'completed')) THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(booking_turn_key(NEW.doctor_id, NEW.diagnostic_id, NEW.location_id));
    IF NEW.doctor_id IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM slot_holds
                    WHERE doctor_id = NEW.doctor_id AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at
                      AND expires_at > now() AND hold_id <> NEW.booking_id) THEN
            RAISE EXCEPTION 'doctor % is held at this time', NEW.doctor_id
                USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'bookings_held';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM slot_holds
                   WHERE diagnostic_id = NEW.diagnostic_id AND location_id = NEW.location_id
                     AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at
                     AND expires_at > now() AND hold_id <> NEW.booking_id) THEN
        SELECT o.capacity INTO capacity FROM diagnostic_locations o
         WHERE o.diagnostic_id = NEW.diagnostic_id AND o.location_id = NEW.location_id;
        IF diagnostic_places_taken(NEW.diagnostic_id, NEW.location_id, NEW.starts_at, NEW.ends_at,
                                   NEW.booking_id) >= capacity THEN
            RAISE EXCEPTION 'diagnostic % at location % is held at this time', NEW.diagnostic_id, NEW.location_id
                USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'bookings_held';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER bookings_check_holds BEFORE INSERT OR UPDATE OF status ON bookings
    FOR EACH ROW EXECUTE FUNCTION check_booking_against_holds();

-- The booking made from a hold takes its place.
CREATE FUNCTION take_hold() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    DELETE FROM slot_holds WHERE hold_id = NEW.booking_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER bookings_take_hold AFTER INSERT ON bookings
    FOR EACH ROW EXECUTE FUNCTION take_hold();

-- Other desks see holds come and go at once (the boards' channel).
CREATE TRIGGER slot_holds_notify_insert
    AFTER INSERT ON slot_holds REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notify_booking_changes();
CREATE TRIGGER slot_holds_notify_delete
    AFTER DELETE ON slot_holds REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notify_booking_changes();

-- Reception and managers hold and release their own; everyone reads them.
ALTER TABLE slot_holds ENABLE ROW LEVEL SECURITY;
CREATE POLICY slot_holds_read ON slot_holds FOR SELECT USING (true);
CREATE POLICY slot_holds_insert_at_own_locations ON slot_holds FOR INSERT
    WITH CHECK (staff.may_write_at(location_id));
CREATE POLICY slot_holds_release_own ON slot_holds FOR DELETE USING (held_by = session_user);
DO $$
DECLARE
    reception name := staff.role_name('reception');
    manager   name := staff.role_name('manager');
    auditor   name := staff.role_name('auditor');
BEGIN
    EXECUTE format('GRANT SELECT ON public.slot_holds TO %I, %I, %I', reception, manager, auditor);
    EXECUTE format('GRANT INSERT (hold_id, location_id, doctor_id, diagnostic_id, starts_at, ends_at),
                    DELETE ON public.slot_holds TO %I, %I', reception, manager);
    EXECUTE format('GRANT UPDATE (hold_minutes) ON public.clinic_policy TO %I', manager);
END
$$;
REVOKE EXECUTE ON FUNCTION check_slot_hold(), check_booking_against_holds(), take_hold() FROM PUBLIC;
