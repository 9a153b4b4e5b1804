-- Staff on shared desks (issue 13): what the signed-in login may do, read
-- from the grants themselves (the station mirrors it in its screens), and
-- the clinic's settings for locking an idle desk and signing in offline.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE clinic_policy
    ADD COLUMN lock_after_minutes integer NOT NULL DEFAULT 5
        CONSTRAINT clinic_policy_lock_after_minutes_check CHECK (lock_after_minutes BETWEEN 1 AND 240),
    ADD COLUMN offline_sign_in_days integer NOT NULL DEFAULT 14
        CONSTRAINT clinic_policy_offline_sign_in_days_check CHECK (offline_sign_in_days BETWEEN 0 AND 90);

-- Who is signed in and what the grants let them do. Each answer is the
-- database's own privilege check on what the screens use, so a grant
-- changed by hand shows up in the app at the next sign-in.
CREATE FUNCTION staff.my_access()
RETURNS TABLE (
    login           text,
    full_name       text,
    groups          text[],
    location_ids    integer[],
    may_book        boolean,
    may_edit_patients boolean,
    may_manage_clinic boolean,
    may_manage_staff  boolean,
    may_read_audit    boolean
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
    SELECT session_user::text,
           coalesce((SELECT a.full_name FROM staff.accounts a WHERE a.login = session_user), session_user::text),
           staff.my_groups(),
           ARRAY(SELECT l.location_id FROM staff.location_limits l WHERE l.login = session_user ORDER BY 1),
           has_any_column_privilege(session_user, 'public.bookings', 'INSERT'),
           has_any_column_privilege(session_user, 'public.patients', 'UPDATE'),
           has_column_privilege(session_user, 'public.doctors', 'price', 'UPDATE'),
           has_function_privilege(session_user, 'staff.add_member(text, text, text[], text)', 'EXECUTE'),
           has_table_privilege(session_user, 'audit.events', 'SELECT')
$$;

DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION staff.my_access() TO %I, %I, %I',
                   staff.role_name('reception'), staff.role_name('manager'), staff.role_name('auditor'));
    EXECUTE format('GRANT UPDATE (lock_after_minutes, offline_sign_in_days) ON public.clinic_policy TO %I',
                   staff.role_name('manager'));
END
$$;
