use clinic_domain::ids::LocationId;
use clinic_domain::staff::{Permissions, StaffAccess, StaffGroup, StaffLogin, StaffMember, ValidStaffMember};
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

fn groups(keys: Vec<String>) -> Vec<StaffGroup> {
    keys.iter().filter_map(|k| StaffGroup::parse("groups", k).ok()).collect()
}

/// Who the session's login is and what the grants let it do.
pub async fn my_access(conn: &mut PgConnection) -> AppResult<StaffAccess> {
    let row = sqlx::query!(
        r#"SELECT login AS "login!", full_name AS "full_name!", groups AS "groups!", location_ids AS "location_ids!",
                  may_book AS "may_book!", may_edit_patients AS "may_edit_patients!",
                  may_manage_clinic AS "may_manage_clinic!", may_manage_staff AS "may_manage_staff!",
                  may_read_audit AS "may_read_audit!",
                  has_column_privilege('public.bookings', 'override_reason', 'INSERT') AS "may_book_anyway!"
             FROM staff.my_access()"#
    )
    .fetch_one(conn)
    .await
    .db()?;
    Ok(StaffAccess {
        login: row.login,
        full_name: row.full_name,
        groups: groups(row.groups),
        location_ids: row.location_ids.into_iter().map(LocationId).collect(),
        may: Permissions {
            book: row.may_book,
            edit_patients: row.may_edit_patients,
            manage_clinic: row.may_manage_clinic,
            manage_staff: row.may_manage_staff,
            read_audit: row.may_read_audit,
            book_anyway: row.may_book_anyway,
        },
    })
}

/// The clinic's staff, as the grants say (managers and auditors may read it).
pub async fn members(conn: &mut PgConnection) -> AppResult<Vec<StaffMember>> {
    let rows = sqlx::query!(
        r#"SELECT login AS "login!", full_name AS "full_name!", groups AS "groups!",
                  location_ids AS "location_ids!", active AS "active!"
             FROM staff.members()"#
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| StaffMember {
            login: r.login,
            full_name: r.full_name,
            groups: groups(r.groups),
            location_ids: r.location_ids.into_iter().map(LocationId).collect(),
            active: r.active,
        })
        .collect())
}

/// Creates the login through `staff.add_member` (the database checks the
/// caller may) and limits it to `locations` when any.
pub async fn add(conn: &mut PgConnection, member: &ValidStaffMember, password_verifier: &str) -> AppResult<()> {
    let groups: Vec<String> = member.groups.iter().map(|g| g.key().to_string()).collect();
    sqlx::query_scalar!(
        r#"SELECT staff.add_member($1, $2, $3, $4) AS "done""#,
        member.login.as_str(),
        member.full_name,
        &groups,
        password_verifier
    )
    .fetch_one(&mut *conn)
    .await
    .db()?;
    if !member.location_ids.is_empty() {
        limit_locations(conn, &member.login, &member.location_ids).await?;
    }
    Ok(())
}

pub async fn limit_locations(conn: &mut PgConnection, login: &StaffLogin, locations: &[LocationId]) -> AppResult<()> {
    let ids: Vec<i32> = locations.iter().map(|l| l.0).collect();
    sqlx::query_scalar!(r#"SELECT staff.limit_locations($1, $2) AS "done""#, login.as_str(), &ids)
        .fetch_one(conn)
        .await
        .db()?;
    Ok(())
}

pub async fn set_active(conn: &mut PgConnection, login: &StaffLogin, active: bool) -> AppResult<()> {
    sqlx::query_scalar!(r#"SELECT staff.set_active($1, $2) AS "done""#, login.as_str(), active)
        .fetch_one(conn)
        .await
        .db()?;
    Ok(())
}

pub async fn set_password(conn: &mut PgConnection, login: &StaffLogin, password_verifier: &str) -> AppResult<()> {
    sqlx::query_scalar!(r#"SELECT staff.set_password($1, $2) AS "done""#, login.as_str(), password_verifier)
        .fetch_one(conn)
        .await
        .db()?;
    Ok(())
}

/// Which of `logins` may still sign in as the clinic's staff: a login, not
/// expired, in one of the staff groups. `pg_roles` is readable by every
/// login, so any desk can ask; the station forgets offline sign-ins of the rest.
pub async fn may_sign_in(conn: &mut PgConnection, logins: &[String]) -> AppResult<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT r.rolname::text AS "login!"
             FROM pg_roles r
            WHERE r.rolname = ANY($1::text[]) AND r.rolcanlogin
              AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > now())
              AND EXISTS (SELECT 1 FROM staff.clinic_roles g
                           WHERE g.kind IN ('reception', 'manager', 'auditor')
                             AND pg_has_role(r.oid, g.role_name, 'MEMBER'))
            ORDER BY 1"#,
        logins
    )
    .fetch_all(conn)
    .await
    .db()
}
