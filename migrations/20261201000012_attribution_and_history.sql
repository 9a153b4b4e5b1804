-- Who did it, as the database saw it (issue 12). Every actor column is set
-- by a trigger from session_user, the login that did the work, whatever the
-- client sent. A station says who entered a change at the desk (a change
-- queued offline is pushed later, perhaps under another login) through the
-- transaction-local setting clinic.entered_by; it is kept beside the login,
-- never instead of it. Status history is written by a trigger, so no status
-- change escapes it, and it is append-only.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '120s';

ALTER TABLE patients ADD COLUMN entered_by text, ADD COLUMN updated_by text;
ALTER TABLE bookings ADD COLUMN entered_by text;
ALTER TABLE booking_status_changes ADD COLUMN entered_by text;
ALTER TABLE doctor_ratings ADD COLUMN entered_by text;
ALTER TABLE diagnostic_results ADD COLUMN entered_by text;
ALTER TABLE schedule_exceptions ADD COLUMN entered_by text;
ALTER TABLE locations ADD COLUMN updated_by text;
ALTER TABLE specialties ADD COLUMN updated_by text;
ALTER TABLE doctors ADD COLUMN updated_by text;
ALTER TABLE diagnostics ADD COLUMN updated_by text;
ALTER TABLE diagnostic_locations ADD COLUMN updated_by text;
ALTER TABLE location_hours ADD COLUMN updated_by text;
ALTER TABLE doctor_hours ADD COLUMN updated_by text;
ALTER TABLE clinic_policy ADD COLUMN updated_by text;

-- Who the station says entered the change (default: the login itself).
-- Names with control or invisible characters are not names: the login then.
CREATE FUNCTION entered_by() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN said IS NULL OR btrim(said) = '' OR length(said) > 128
             OR said ~ '[\x01-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]' THEN session_user::text
        ELSE said
    END
    FROM (SELECT current_setting('clinic.entered_by', true) AS said) s
$$;

-- BEFORE INSERT (and UPDATE): the column named by the trigger's argument
-- gets the login, entered_by (where the table has it) what the station said.
CREATE FUNCTION stamp_author() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], session_user::text, 'entered_by', entered_by()));
    RETURN NEW;
END
$$;

CREATE TRIGGER patients_author BEFORE INSERT ON patients
    FOR EACH ROW EXECUTE FUNCTION stamp_author('created_by');
CREATE TRIGGER patients_editor BEFORE INSERT OR UPDATE ON patients
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER bookings_author BEFORE INSERT ON bookings
    FOR EACH ROW EXECUTE FUNCTION stamp_author('created_by');
CREATE TRIGGER doctor_ratings_author BEFORE INSERT ON doctor_ratings
    FOR EACH ROW EXECUTE FUNCTION stamp_author('created_by');
CREATE TRIGGER diagnostic_results_author BEFORE INSERT ON diagnostic_results
    FOR EACH ROW EXECUTE FUNCTION stamp_author('uploaded_by');
CREATE TRIGGER schedule_exceptions_author BEFORE INSERT ON schedule_exceptions
    FOR EACH ROW EXECUTE FUNCTION stamp_author('created_by');
CREATE TRIGGER locations_editor BEFORE INSERT OR UPDATE ON locations
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER specialties_editor BEFORE INSERT OR UPDATE ON specialties
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER doctors_editor BEFORE INSERT OR UPDATE ON doctors
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER diagnostics_editor BEFORE INSERT OR UPDATE ON diagnostics
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER diagnostic_locations_editor BEFORE INSERT OR UPDATE ON diagnostic_locations
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER location_hours_editor BEFORE INSERT OR UPDATE ON location_hours
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER doctor_hours_editor BEFORE INSERT OR UPDATE ON doctor_hours
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');
CREATE TRIGGER clinic_policy_editor BEFORE INSERT OR UPDATE ON clinic_policy
    FOR EACH ROW EXECUTE FUNCTION stamp_author('updated_by');

-- Every status a booking takes is recorded, by the database. The station
-- describes the change it is about to make (why, who cancelled, whether
-- late) in transaction-local settings; they are used once and cleared.
CREATE FUNCTION record_status_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status THEN
        RETURN NULL;
    END IF;
    INSERT INTO booking_status_changes (booking_id, from_status, to_status, reason, cancel_kind, late,
                                        changed_by, entered_by)
    VALUES (NEW.booking_id,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
            NEW.status,
            left(coalesce(current_setting('clinic.change_reason', true), ''), 512),
            CASE WHEN TG_OP = 'UPDATE' AND NEW.status = 'cancelled'
                 THEN nullif(current_setting('clinic.cancel_kind', true), '')::cancel_kind END,
            TG_OP = 'UPDATE' AND NEW.status = 'cancelled'
                 AND coalesce(current_setting('clinic.late_cancel', true), '') = 'true',
            session_user,
            entered_by());
    PERFORM set_config('clinic.change_reason', '', true),
            set_config('clinic.cancel_kind', '', true),
            set_config('clinic.late_cancel', '', true);
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_status_history AFTER INSERT OR UPDATE OF status ON bookings
    FOR EACH ROW EXECUTE FUNCTION record_status_change();

-- History and (next migration) the audit trail are append-only, for every
-- role the trigger applies to: not only missing grants.
CREATE FUNCTION refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, lower(TG_OP)
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER booking_status_changes_append_only BEFORE UPDATE OR DELETE ON booking_status_changes
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER booking_status_changes_no_truncate BEFORE TRUNCATE ON booking_status_changes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite();

DO $$
BEGIN
    -- Called by the author triggers, which run as the writing login.
    EXECUTE format('GRANT EXECUTE ON FUNCTION entered_by() TO %I, %I, %I',
                   staff.role_name('reception'), staff.role_name('manager'), staff.role_name('auditor'));
END
$$;
