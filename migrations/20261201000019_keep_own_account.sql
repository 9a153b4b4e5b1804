-- A manager cannot disable their own login: a clinic whose only manager
-- locks themselves out needs the administrator and clinic-admin to recover.
-- Same signature, owner and grants as before (CREATE OR REPLACE keeps them).
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE OR REPLACE FUNCTION staff.set_active(member_login text, active boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
DECLARE
    member name := staff.account(member_login);
BEGIN
    IF NOT active AND member = session_user THEN
        RAISE EXCEPTION 'a staff member cannot disable their own login'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'staff_keep_own_login';
    END IF;
    EXECUTE format('ALTER ROLE %I %s', member, CASE WHEN active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    UPDATE staff.accounts SET updated_by = session_user, updated_at = now() WHERE login = member;
    IF NOT active THEN
        PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = member;
    END IF;
END
$$;
