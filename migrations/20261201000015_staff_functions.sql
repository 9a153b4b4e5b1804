-- Staff accounts are PostgreSQL logins (issue 12). These functions are the
-- only way managers (and the admin tool) create and change them. They run as
-- <prefix>_staff_admin, a NOLOGIN role with just CREATEROLE, and can only
-- create logins and give or take this clinic's three groups: never touch a
-- role that is not a staff account, never grant the owner.
--
-- Passwords arrive as SCRAM-SHA-256 verifiers computed by the client, so no
-- password is ever sent to the server or written to its log.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '120s';

-- The group role for 'reception', 'manager' or 'auditor'.
CREATE FUNCTION staff.group_role(group_name text) RETURNS name
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, staff AS $$
BEGIN
    IF group_name IS NULL OR group_name NOT IN ('reception', 'manager', 'auditor') THEN
        RAISE EXCEPTION 'no staff group %', group_name
            USING ERRCODE = 'check_violation', CONSTRAINT = 'staff_group_known';
    END IF;
    RETURN staff.role_name(group_name);
END
$$;

CREATE FUNCTION staff.check_verifier(verifier text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF verifier IS NULL
       OR verifier !~ '^SCRAM-SHA-256\$[0-9]{4,7}:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN
        RAISE EXCEPTION 'not a SCRAM-SHA-256 password verifier'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'staff_password_verifier';
    END IF;
END
$$;

-- The staff account behind a login (refuses anything else).
CREATE FUNCTION staff.account(account_login text) RETURNS name
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, staff AS $$
DECLARE
    found name;
BEGIN
    SELECT login INTO found FROM staff.accounts WHERE login = account_login;
    IF found IS NULL THEN
        RAISE EXCEPTION 'no staff member %', account_login
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'staff_account_exists';
    END IF;
    RETURN found;
END
$$;

CREATE FUNCTION staff.add_member(
    new_login text, full_name text, groups text[], password_verifier text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
DECLARE
    group_name text;
BEGIN
    -- Lower-case ASCII: the same name in every client, nothing to SASLprep.
    IF new_login IS NULL OR new_login !~ '^[a-z][a-z0-9_.-]{1,62}$' THEN
        RAISE EXCEPTION 'a staff login is 2 to 63 lower-case letters, digits, ".", "_" or "-"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'staff_login_format';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = new_login) THEN
        RAISE EXCEPTION 'the login % is taken', new_login
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'staff_login_taken';
    END IF;
    IF groups IS NULL OR cardinality(groups) = 0 THEN
        RAISE EXCEPTION 'a staff member belongs to at least one group'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'staff_group_known';
    END IF;
    PERFORM staff.check_verifier(password_verifier);
    INSERT INTO staff.accounts (login, full_name) VALUES (new_login, btrim(full_name));
    EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L', new_login, password_verifier);
    FOREACH group_name IN ARRAY groups LOOP
        EXECUTE format('GRANT %I TO %I', staff.group_role(group_name), new_login);
    END LOOP;
END
$$;

-- Disabling ends the member's sessions as well as future sign-ins.
CREATE FUNCTION staff.set_active(member_login text, active boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
DECLARE
    member name := staff.account(member_login);
BEGIN
    EXECUTE format('ALTER ROLE %I %s', member, CASE WHEN active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    UPDATE staff.accounts SET updated_by = session_user, updated_at = now() WHERE login = member;
    IF NOT active THEN
        PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = member;
    END IF;
END
$$;

CREATE FUNCTION staff.set_password(member_login text, password_verifier text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
DECLARE
    member name := staff.account(member_login);
BEGIN
    PERFORM staff.check_verifier(password_verifier);
    EXECUTE format('ALTER ROLE %I PASSWORD %L', member, password_verifier);
    UPDATE staff.accounts SET updated_by = session_user, updated_at = now() WHERE login = member;
END
$$;

CREATE FUNCTION staff.set_group(member_login text, group_name text, member_of boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
DECLARE
    member name := staff.account(member_login);
    group_role name := staff.group_role(group_name);
BEGIN
    IF member_of THEN
        EXECUTE format('GRANT %I TO %I', group_role, member);
    ELSE
        EXECUTE format('REVOKE %I FROM %I', group_role, member);
    END IF;
    UPDATE staff.accounts SET updated_by = session_user, updated_at = now() WHERE login = member;
END
$$;

-- Limits the member's booking writes to these locations (empty: no limit).
CREATE FUNCTION staff.limit_locations(member_login text, location_ids integer[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
DECLARE
    member name := staff.account(member_login);
BEGIN
    DELETE FROM staff.location_limits WHERE login = member;
    INSERT INTO staff.location_limits (login, location_id)
    SELECT DISTINCT member, unnest(coalesce(location_ids, '{}'));
    UPDATE staff.accounts SET updated_by = session_user, updated_at = now() WHERE login = member;
END
$$;

-- The staff list: groups and limits as the grants themselves say.
CREATE FUNCTION staff.members()
RETURNS TABLE (login name, full_name text, groups text[], location_ids integer[], active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
    SELECT a.login, a.full_name,
           ARRAY(SELECT r.kind FROM staff.clinic_roles r
                   JOIN pg_auth_members m ON m.roleid = (SELECT oid FROM pg_roles WHERE rolname = r.role_name)
                  WHERE m.member = role.oid AND r.kind IN ('reception', 'manager', 'auditor')
                  ORDER BY r.kind),
           ARRAY(SELECT l.location_id FROM staff.location_limits l WHERE l.login = a.login ORDER BY 1),
           coalesce(role.rolcanlogin, false)
      FROM staff.accounts a LEFT JOIN pg_roles role ON role.rolname = a.login
     ORDER BY a.login
$$;

-- What the signed-in login may do, from the grants (the app mirrors it).
CREATE FUNCTION staff.my_groups() RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, staff AS $$
    SELECT ARRAY(SELECT kind FROM staff.clinic_roles
                  WHERE kind IN ('reception', 'manager', 'auditor')
                    AND pg_has_role(session_user, role_name, 'USAGE')
                  ORDER BY kind)
$$;

DO $$
DECLARE
    staff_admin name := staff.role_name('staff_admin');
    manager name := staff.role_name('manager');
    everyone text := format('%I, %I, %I',
        staff.role_name('reception'), staff.role_name('manager'), staff.role_name('auditor'));
    f text;
BEGIN
    -- Hand the functions that change roles to the role that may; it may
    -- create nothing else in the schema afterwards.
    EXECUTE format('GRANT CREATE ON SCHEMA staff TO %I', staff_admin);
    FOREACH f IN ARRAY ARRAY[
        'staff.add_member(text, text, text[], text)', 'staff.set_active(text, boolean)',
        'staff.set_password(text, text)', 'staff.set_group(text, text, boolean)',
        'staff.limit_locations(text, integer[])'] LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', f, staff_admin);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, manager);
    END LOOP;
    EXECUTE format('REVOKE CREATE ON SCHEMA staff FROM %I', staff_admin);
    EXECUTE format('GRANT EXECUTE ON FUNCTION staff.group_role(text), staff.check_verifier(text),
                        staff.account(text), staff.role_name(text) TO %I', staff_admin);
    EXECUTE format('GRANT EXECUTE ON FUNCTION staff.members() TO %I, %I', manager, staff.role_name('auditor'));
    EXECUTE format('GRANT EXECUTE ON FUNCTION staff.my_groups() TO %s', everyone);
END
$$;
