-- What the database accepts, the app can handle (issue 12).
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '120s';

-- Time zones: canonical IANA names only ("Europe/Kyiv", "UTC"), spelled as
-- the tz database spells them. PostgreSQL also accepts abbreviations (MSK),
-- POSIX specs (UTC+3) and any letter case, which the app's zone parser does
-- not; one such location failed every slot search and board there.
CREATE FUNCTION is_canonical_time_zone(zone text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT zone IS NOT NULL
       AND (zone = 'UTC' OR zone ~ '^[A-Z][A-Za-z_-]+(/[A-Z0-9][A-Za-z0-9_+-]*){1,2}$')
       AND zone !~ '^(posix|right|Etc/Unknown|SystemV)'
       AND EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = zone)
$$;
-- Existing locations are not re-checked (NOT VALID): the stations already
-- survive a bad zone (that location alone shows the problem), and a clinic
-- must be able to update before it fixes its data.
ALTER TABLE locations ADD CONSTRAINT locations_time_zone_canonical
    CHECK (is_canonical_time_zone(time_zone)) NOT VALID;

-- A capacity change and a booking of that diagnostic at that location take
-- turns: the booking holds the offer's row (FOR SHARE) until it commits, the
-- capacity change waits for it and then sees its lane, and a booking that
-- comes second reads the new capacity. Capacity is never exceeded.
CREATE OR REPLACE FUNCTION check_diagnostic_lane() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    lanes smallint;
BEGIN
    IF NEW.diagnostic_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT capacity INTO lanes FROM diagnostic_locations
     WHERE diagnostic_id = NEW.diagnostic_id AND location_id = NEW.location_id
       FOR SHARE;
    IF lanes IS NOT NULL AND NEW.diagnostic_lane > lanes THEN
        RAISE EXCEPTION 'diagnostic lane % exceeds capacity %', NEW.diagnostic_lane, lanes
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_lane_within_capacity';
    END IF;
    RETURN NEW;
END
$$;

-- A doctor is booked only where he works.
CREATE FUNCTION check_doctor_works_there() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    -- (Unknown ids are the foreign keys' to name.)
    IF NEW.doctor_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM locations WHERE location_id = NEW.location_id)
       AND EXISTS (SELECT 1 FROM doctors WHERE doctor_id = NEW.doctor_id)
       AND NOT EXISTS (
        SELECT 1 FROM doctor_locations WHERE doctor_id = NEW.doctor_id AND location_id = NEW.location_id) THEN
        RAISE EXCEPTION 'doctor % does not work at location %', NEW.doctor_id, NEW.location_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_doctor_location_match';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER bookings_doctor_location_match BEFORE INSERT OR UPDATE OF doctor_id, location_id ON bookings
    FOR EACH ROW EXECUTE FUNCTION check_doctor_works_there();

-- changed_xid on INSERT too: a client-chosen value hid the row from pulls.
CREATE TRIGGER bookings_changed_xid_insert BEFORE INSERT ON bookings
    FOR EACH ROW EXECUTE FUNCTION stamp_changed_xid();
CREATE TRIGGER patients_changed_xid_insert BEFORE INSERT ON patients
    FOR EACH ROW EXECUTE FUNCTION stamp_changed_xid();

-- The media type a file's first bytes say it is (NULL: none we store).
CREATE FUNCTION sniffed_media_type(content bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN substring(content FROM 1 FOR 5) = '\x255044462d'::bytea THEN 'application/pdf'
        WHEN substring(content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
        WHEN substring(content FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
        WHEN substring(content FROM 1 FOR 4) = '\x52494646'::bytea
             AND substring(content FROM 9 FOR 4) = '\x57454250'::bytea THEN 'image/webp'
    END
$$;

-- A result's size and checksum are the database's own reading of the bytes,
-- and its media type must be what the bytes are.
CREATE FUNCTION check_stored_file() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.media_type IS DISTINCT FROM sniffed_media_type(NEW.content) THEN
        RAISE EXCEPTION 'the file''s content is not %', NEW.media_type
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_media_type_matches';
    END IF;
    IF TG_TABLE_NAME = 'diagnostic_results' THEN
        NEW := jsonb_populate_record(NEW, jsonb_build_object(
            'byte_size', octet_length(NEW.content), 'sha256', sha256(NEW.content)));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER diagnostic_results_stored_file BEFORE INSERT OR UPDATE ON diagnostic_results
    FOR EACH ROW EXECUTE FUNCTION check_stored_file();
CREATE TRIGGER photos_stored_file BEFORE INSERT OR UPDATE ON photos
    FOR EACH ROW EXECUTE FUNCTION check_stored_file();

-- Names and free text: no control characters (free text keeps tab and line
-- breaks) and no invisible ones (zero-width, direction overrides, BOM).
CREATE FUNCTION is_clean_name(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT value !~ '[\x01-\x1f\x7f\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]'
$$;
CREATE FUNCTION is_clean_text(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT value !~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]'
$$;

-- Added without a scan while each table is locked; the next migration
-- validates them without blocking writes.
ALTER TABLE patients
    ADD CONSTRAINT patients_full_name_clean CHECK (is_clean_name(full_name)) NOT VALID,
    ADD CONSTRAINT patients_notes_clean CHECK (is_clean_text(notes)) NOT VALID;
ALTER TABLE bookings
    ADD CONSTRAINT bookings_patient_message_clean CHECK (is_clean_text(patient_message)) NOT VALID;
ALTER TABLE booking_status_changes
    ADD CONSTRAINT booking_status_changes_reason_clean CHECK (is_clean_text(reason)) NOT VALID;
ALTER TABLE doctor_ratings
    ADD CONSTRAINT doctor_ratings_comment_clean CHECK (is_clean_text(comment)) NOT VALID;
ALTER TABLE diagnostic_results
    ADD CONSTRAINT diagnostic_results_file_name_clean CHECK (is_clean_name(file_name)) NOT VALID;
ALTER TABLE locations
    ADD CONSTRAINT locations_name_clean CHECK (is_clean_name(name)) NOT VALID,
    ADD CONSTRAINT locations_address_clean CHECK (is_clean_text(address)) NOT VALID;
ALTER TABLE specialties
    ADD CONSTRAINT specialties_name_clean CHECK (is_clean_name(specialty_name)) NOT VALID;
ALTER TABLE doctors
    ADD CONSTRAINT doctors_full_name_clean CHECK (is_clean_name(full_name)) NOT VALID,
    ADD CONSTRAINT doctors_experience_clean CHECK (is_clean_text(experience)) NOT VALID,
    ADD CONSTRAINT doctors_certificates_clean CHECK (is_clean_text(certificates)) NOT VALID;
ALTER TABLE diagnostics
    ADD CONSTRAINT diagnostics_type_name_clean CHECK (is_clean_name(type_name)) NOT VALID,
    ADD CONSTRAINT diagnostics_description_clean CHECK (is_clean_text(description)) NOT VALID;
ALTER TABLE schedule_exceptions
    ADD CONSTRAINT schedule_exceptions_note_clean CHECK (is_clean_text(note)) NOT VALID;

DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION is_canonical_time_zone(text), sniffed_media_type(bytea),
                        is_clean_name(text), is_clean_text(text) TO %I, %I, %I',
                   staff.role_name('reception'), staff.role_name('manager'), staff.role_name('auditor'));
END
$$;
