-- The database as the security boundary (issue 12): every desk connects
-- straight to PostgreSQL, so PostgreSQL decides who may do what.
--
-- Roles are cluster-wide and a server may hold several clinics, so each
-- clinic's roles share a prefix chosen at `clinic-admin init`:
--   <prefix>_owner        NOLOGIN; owns every object; migrations run as it
--   <prefix>_reception    patients, bookings and their status, ratings, results
--   <prefix>_manager      reception's rights and the catalogue, hours, staff
--   <prefix>_auditor      reads everything, the audit trail too; writes nothing
--   <prefix>_staff_admin  NOLOGIN CREATEROLE; owns only the staff functions
-- `clinic-admin init` creates the roles (creating roles needs CREATEROLE,
-- which on PostgreSQL 15 can alter any non-superuser role: the owner must
-- not hold it), then runs the migrations as the owner. This migration learns
-- the prefix from the role it runs as.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '120s';

CREATE SCHEMA staff;

-- Which roles are this clinic's.
CREATE TABLE staff.clinic_roles (
    kind       text PRIMARY KEY CONSTRAINT clinic_roles_kind_check
               CHECK (kind IN ('owner', 'reception', 'manager', 'auditor', 'staff_admin')),
    role_name  name NOT NULL UNIQUE
);

DO $$
DECLARE
    prefix text := substring(current_user FROM '^(.+)_owner$');
    kind text;
BEGIN
    IF prefix IS NULL THEN
        RAISE EXCEPTION 'migrations run as the clinic''s owner role (<prefix>_owner), not as %', current_user
            USING HINT = 'use clinic-admin migrate';
    END IF;
    FOREACH kind IN ARRAY ARRAY['owner', 'reception', 'manager', 'auditor', 'staff_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = prefix || '_' || kind) THEN
            RAISE EXCEPTION 'role %_% does not exist', prefix, kind USING HINT = 'run clinic-admin init first';
        END IF;
        INSERT INTO staff.clinic_roles (kind, role_name) VALUES (kind, prefix || '_' || kind);
    END LOOP;
END
$$;

CREATE FUNCTION staff.role_name(role_kind text) RETURNS name
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
    SELECT role_name FROM staff.clinic_roles WHERE kind = role_kind
$$;

-- Staff accounts: one LOGIN role each, members of the groups above.
CREATE TABLE staff.accounts (
    login       name PRIMARY KEY,
    full_name   text NOT NULL CONSTRAINT accounts_full_name_check
                CHECK (btrim(full_name) <> '' AND length(full_name) <= 128
                       AND full_name !~ '[\x01-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]'),
    created_by  name NOT NULL DEFAULT session_user,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  name,
    updated_at  timestamptz
);

-- A staff member limited to some locations writes bookings only there (rows
-- here); one with no rows is not limited.
CREATE TABLE staff.location_limits (
    login        name NOT NULL REFERENCES staff.accounts ON DELETE CASCADE,
    location_id  integer NOT NULL REFERENCES public.locations ON DELETE CASCADE,
    PRIMARY KEY (login, location_id)
);
CREATE INDEX location_limits_location_id_idx ON staff.location_limits (location_id);

-- Whether the signed-in staff member may write bookings at the location.
-- SECURITY DEFINER: the limits are not readable by reception.
CREATE FUNCTION staff.may_write_at(location integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
    SELECT NOT EXISTS (SELECT 1 FROM staff.location_limits WHERE login = session_user)
        OR EXISTS (SELECT 1 FROM staff.location_limits WHERE login = session_user AND location_id = location)
$$;

-- Row-level security on bookings: every group reads every board; writes only
-- at the writer's locations. The owner (migrations, admin) is not subject.
ALTER TABLE public.bookings ENABLE ROW LEVEL SECURITY;
CREATE POLICY bookings_read ON public.bookings FOR SELECT USING (true);
CREATE POLICY bookings_insert_at_own_locations ON public.bookings FOR INSERT
    WITH CHECK (staff.may_write_at(location_id));
CREATE POLICY bookings_update_at_own_locations ON public.bookings FOR UPDATE
    USING (staff.may_write_at(location_id)) WITH CHECK (staff.may_write_at(location_id));

-- Trigger functions that keep bookkeeping rows (rating totals) or check
-- invariants against tables a group cannot read for update run as the owner,
-- with a fixed search path.
ALTER FUNCTION public.count_doctor_rating() SECURITY DEFINER;
ALTER FUNCTION public.count_doctor_rating() SET search_path = pg_catalog, public;
ALTER FUNCTION public.check_diagnostic_lane() SECURITY DEFINER;
ALTER FUNCTION public.check_diagnostic_lane() SET search_path = pg_catalog, public;
ALTER FUNCTION public.check_capacity_covers_lanes() SECURITY DEFINER;
ALTER FUNCTION public.check_capacity_covers_lanes() SET search_path = pg_catalog, public;

-- The grants: exactly what each group's operations need, column by column
-- where a group may change only part of a row. No group may DELETE a
-- booking, patient, result, status change or audit event.
DO $$
DECLARE
    reception name := staff.role_name('reception');
    manager   name := staff.role_name('manager');
    auditor   name := staff.role_name('auditor');
    staff_admin name := staff.role_name('staff_admin');
    everyone  text;
    desks     text;
    t         text;
BEGIN
    everyone := format('%I, %I, %I', reception, manager, auditor);
    desks := format('%I, %I', reception, manager);

    -- Nobody but the owner creates objects; functions are not PUBLIC's.
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
    EXECUTE format('GRANT USAGE ON SCHEMA public, staff TO %s', everyone);
    ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

    -- Everyone reads the clinic.
    FOREACH t IN ARRAY ARRAY[
        'photos', 'locations', 'specialties', 'doctors', 'doctor_locations', 'diagnostics',
        'diagnostic_locations', 'location_hours', 'doctor_hours', 'schedule_exceptions',
        'doctor_rating_totals', 'clinic_policy', '_sqlx_migrations', 'patients', 'bookings',
        'booking_status_changes', 'doctor_ratings', 'diagnostic_results'] LOOP
        EXECUTE format('GRANT SELECT ON public.%I TO %s', t, everyone);
    END LOOP;
    EXECUTE format('GRANT SELECT ON public.applied_intents TO %s', everyone);
    EXECUTE format('GRANT SELECT ON staff.clinic_roles, staff.accounts TO %s', everyone);

    -- Reception (and managers, who do reception's work too).
    EXECUTE format('GRANT INSERT (patient_id, full_name, phone, email, date_of_birth, notes)
                    ON public.patients TO %s', desks);
    EXECUTE format('GRANT UPDATE (full_name, phone, email, date_of_birth, notes) ON public.patients TO %s', desks);
    EXECUTE format('GRANT INSERT (booking_id, patient_id, location_id, doctor_id, diagnostic_id, diagnostic_lane,
                                  starts_at, ends_at, price, patient_message, rescheduled_from)
                    ON public.bookings TO %s', desks);
    EXECUTE format('GRANT UPDATE (status) ON public.bookings TO %s', desks);
    EXECUTE format('GRANT INSERT (rating_id, doctor_id, patient_id, booking_id, rating, comment)
                    ON public.doctor_ratings TO %s', desks);
    EXECUTE format('GRANT INSERT (diagnostic_result_id, booking_id, patient_id, file_name, media_type, content)
                    ON public.diagnostic_results TO %s', desks);
    EXECUTE format('GRANT INSERT (intent_id, station, kind, outcome, rejection) ON public.applied_intents TO %s',
                   desks);

    -- Managers: the catalogue, prices, hours, exceptions and the policy.
    EXECUTE format('GRANT INSERT (photo_id, media_type, content) ON public.photos TO %I', manager);
    EXECUTE format('GRANT INSERT (name, address, phone, time_zone, grid_minutes),
                          UPDATE (name, address, phone, time_zone, grid_minutes, is_active)
                    ON public.locations TO %I', manager);
    EXECUTE format('GRANT INSERT (specialty_name), UPDATE (specialty_name, is_active)
                    ON public.specialties TO %I', manager);
    EXECUTE format('GRANT INSERT (full_name, specialty_id, price, experience, certificates, services, slot_minutes),
                          UPDATE (full_name, specialty_id, price, photo_id, experience, certificates, services,
                                  slot_minutes, is_active)
                    ON public.doctors TO %I', manager);
    EXECUTE format('GRANT INSERT, DELETE ON public.doctor_locations TO %I', manager);
    EXECUTE format('GRANT INSERT (type_name, description, price, slot_minutes),
                          UPDATE (type_name, description, price, photo_id, slot_minutes, is_active)
                    ON public.diagnostics TO %I', manager);
    EXECUTE format('GRANT INSERT (diagnostic_id, location_id, capacity), UPDATE (capacity, is_active)
                    ON public.diagnostic_locations TO %I', manager);
    EXECUTE format('GRANT INSERT (location_id, iso_weekday, start_minute, end_minute), DELETE
                    ON public.location_hours TO %I', manager);
    EXECUTE format('GRANT INSERT (doctor_id, location_id, iso_weekday, start_minute, end_minute), DELETE
                    ON public.doctor_hours TO %I', manager);
    EXECUTE format('GRANT INSERT (kind, location_id, doctor_id, on_date, start_minute, end_minute, note), DELETE
                    ON public.schedule_exceptions TO %I', manager);
    EXECUTE format('GRANT UPDATE (late_cancel_notice_minutes) ON public.clinic_policy TO %I', manager);
    -- Identity columns a manager's inserts draw from.
    FOREACH t IN ARRAY ARRAY[
        'locations_location_id_seq', 'specialties_specialty_id_seq', 'doctors_doctor_id_seq',
        'diagnostics_diagnostic_id_seq', 'diagnostic_locations_diagnostic_location_id_seq',
        'location_hours_location_hours_id_seq', 'doctor_hours_doctor_hours_id_seq',
        'schedule_exceptions_schedule_exception_id_seq'] LOOP
        EXECUTE format('GRANT USAGE ON SEQUENCE public.%I TO %I', t, manager);
    END LOOP;

    -- The staff functions' owner keeps the accounts and limits.
    EXECUTE format('GRANT USAGE ON SCHEMA staff TO %I', staff_admin);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON staff.accounts TO %I', staff_admin);
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON staff.location_limits TO %I', staff_admin);
    EXECUTE format('GRANT SELECT ON staff.clinic_roles TO %I', staff_admin);
    EXECUTE format('GRANT SELECT ON public.locations TO %I', staff_admin);
    EXECUTE format('GRANT SELECT ON staff.location_limits TO %I, %I', manager, auditor);

    -- (Functions from before stay PUBLIC's: the extensions' operators that
    -- patient search uses, and trigger functions, which cannot be called.)
    EXECUTE format('GRANT EXECUTE ON FUNCTION staff.role_name(text), staff.may_write_at(integer) TO %s', everyone);
END
$$;
