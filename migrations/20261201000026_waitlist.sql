-- The waitlist, or ASAP list (issue 17): a patient waits for a doctor, any
-- doctor of a specialty, or a diagnostic, at some locations (none listed:
-- any), between two dates, in some parts of the day. Desks are shown the
-- entries a free time on their board matches; nothing books by itself. An
-- entry closes when a booking is made from it, or is removed; it expires
-- (and matches nothing) after its last date, with no job to mark it.
-- Entries are made at a station, also offline: their ids are its UUIDv7s.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE TYPE waitlist_status AS ENUM ('open', 'booked', 'removed');

CREATE TABLE waitlist_entries (
    entry_id       uuid PRIMARY KEY,
    patient_id     uuid NOT NULL REFERENCES patients ON DELETE RESTRICT,
    specialty_id   integer REFERENCES specialties ON DELETE RESTRICT,
    doctor_id      integer REFERENCES doctors ON DELETE RESTRICT,
    diagnostic_id  integer REFERENCES diagnostics ON DELETE RESTRICT,
    location_ids   integer[] NOT NULL DEFAULT '{}',
    from_date      date NOT NULL,
    to_date        date NOT NULL,
    day_parts      text[] NOT NULL DEFAULT '{}',
    note           text NOT NULL DEFAULT '',
    -- 1 urgent, 2 normal, 3 when convenient.
    priority       integer NOT NULL DEFAULT 2,
    status         waitlist_status NOT NULL DEFAULT 'open',
    booking_id     uuid REFERENCES bookings ON DELETE RESTRICT,
    created_by     text NOT NULL DEFAULT session_user,
    created_at     timestamptz NOT NULL DEFAULT now(),
    closed_by      text,
    closed_at      timestamptz,
    row_version    integer NOT NULL DEFAULT 1,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT waitlist_entries_wanted_check CHECK (num_nonnulls(specialty_id, doctor_id, diagnostic_id) = 1),
    CONSTRAINT waitlist_entries_dates_check CHECK (from_date <= to_date AND to_date - from_date <= 366),
    CONSTRAINT waitlist_entries_day_parts_check
        CHECK (day_parts <@ ARRAY['morning', 'afternoon', 'evening']::text[]),
    CONSTRAINT waitlist_entries_note_check CHECK (length(note) <= 512 AND is_clean_text(note)),
    CONSTRAINT waitlist_entries_priority_check CHECK (priority BETWEEN 1 AND 3),
    CONSTRAINT waitlist_entries_closed_check CHECK ((status = 'booked') = (booking_id IS NOT NULL))
);
CREATE INDEX waitlist_entries_open_idx ON waitlist_entries (to_date) WHERE status = 'open';
CREATE INDEX waitlist_entries_patient_idx ON waitlist_entries (patient_id);
CREATE INDEX waitlist_entries_booking_idx ON waitlist_entries (booking_id) WHERE booking_id IS NOT NULL;
CREATE TRIGGER waitlist_entries_touch BEFORE UPDATE ON waitlist_entries
    FOR EACH ROW EXECUTE FUNCTION touch_row();

-- Who closed it, from the session, whatever the client sends.
CREATE FUNCTION stamp_waitlist_close() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> OLD.status THEN
        NEW.closed_by := session_user;
        NEW.closed_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER waitlist_entries_close BEFORE UPDATE OF status ON waitlist_entries
    FOR EACH ROW EXECUTE FUNCTION stamp_waitlist_close();

-- Patient data: every change is in the audit trail.
CREATE CONSTRAINT TRIGGER audit_changes AFTER INSERT OR UPDATE OR DELETE ON public.waitlist_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit.record_change('entry_id');

DO $$
DECLARE
    reception name := staff.role_name('reception');
    manager   name := staff.role_name('manager');
    auditor   name := staff.role_name('auditor');
BEGIN
    EXECUTE format('GRANT SELECT ON public.waitlist_entries TO %I, %I, %I', reception, manager, auditor);
    EXECUTE format('GRANT INSERT (entry_id, patient_id, specialty_id, doctor_id, diagnostic_id, location_ids,
                                  from_date, to_date, day_parts, note, priority),
                    UPDATE (status, booking_id) ON public.waitlist_entries TO %I, %I', reception, manager);
END
$$;
