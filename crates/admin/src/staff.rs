//! Staff logins through the database's staff functions (migration 15): the
//! same calls a manager's desk makes. Passwords are turned into SCRAM
//! verifiers here, so none reaches the server.

use sqlx::PgConnection;

use crate::provision::ProvisionError;
use crate::scram;

pub const GROUPS: [&str; 3] = ["reception", "manager", "auditor"];

fn failed(step: &str) -> impl FnOnce(sqlx::Error) -> ProvisionError + '_ {
    move |error| ProvisionError {
        step: step.to_string(),
        message: match &error {
            sqlx::Error::Database(db) => db.message().to_string(),
            other => other.to_string(),
        },
    }
}

pub async fn add(
    conn: &mut PgConnection,
    login: &str,
    full_name: &str,
    groups: &[String],
    password: &str,
) -> Result<(), ProvisionError> {
    sqlx::query("SELECT staff.add_member($1, $2, $3, $4)")
        .bind(login)
        .bind(full_name)
        .bind(groups)
        .bind(scram::verifier(password))
        .execute(conn)
        .await
        .map_err(failed("adding the staff member"))?;
    Ok(())
}

/// A staff login in `groups` for a generated clinic (the demo, tests), with
/// a password nobody uses: local connections to those clusters are trusted.
/// When the cluster already has the role (roles are cluster-wide), it is
/// recorded as this database's staff.
pub async fn ensure(conn: &mut PgConnection, login: &str, name: &str, groups: &[&str]) -> Result<(), ProvisionError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
        .bind(login)
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("reading roles"))?;
    if !exists {
        let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        return add(conn, login, name, &groups, &generated_password()).await;
    }
    sqlx::query("INSERT INTO staff.accounts (login, full_name) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(login)
        .bind(name)
        .execute(&mut *conn)
        .await
        .map_err(failed("recording the staff member"))?;
    Ok(())
}

pub async fn set_active(conn: &mut PgConnection, login: &str, active: bool) -> Result<(), ProvisionError> {
    sqlx::query("SELECT staff.set_active($1, $2)")
        .bind(login)
        .bind(active)
        .execute(conn)
        .await
        .map_err(failed(if active { "enabling" } else { "disabling" }))?;
    Ok(())
}

pub async fn set_password(conn: &mut PgConnection, login: &str, password: &str) -> Result<(), ProvisionError> {
    sqlx::query("SELECT staff.set_password($1, $2)")
        .bind(login)
        .bind(scram::verifier(password))
        .execute(conn)
        .await
        .map_err(failed("setting the password"))?;
    Ok(())
}

pub async fn set_group(conn: &mut PgConnection, login: &str, group: &str, member: bool) -> Result<(), ProvisionError> {
    sqlx::query("SELECT staff.set_group($1, $2, $3)")
        .bind(login)
        .bind(group)
        .bind(member)
        .execute(conn)
        .await
        .map_err(failed("changing groups"))?;
    Ok(())
}

pub async fn limit_locations(conn: &mut PgConnection, login: &str, locations: &[i32]) -> Result<(), ProvisionError> {
    sqlx::query("SELECT staff.limit_locations($1, $2)")
        .bind(login)
        .bind(locations)
        .execute(conn)
        .await
        .map_err(failed("limiting locations"))?;
    Ok(())
}

/// One line per staff member: login, name, groups, locations, active.
pub async fn list(
    conn: &mut PgConnection,
) -> Result<Vec<(String, String, Vec<String>, Vec<i32>, bool)>, ProvisionError> {
    sqlx::query_as("SELECT login::text, full_name, groups, location_ids, active FROM staff.members() ORDER BY login")
        .fetch_all(conn)
        .await
        .map_err(failed("listing staff"))
}

/// The first audit event in the range whose hash does not verify.
pub async fn verify_audit(
    conn: &mut PgConnection,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Option<i64>, ProvisionError> {
    sqlx::query_scalar("SELECT audit.verify($1, $2)")
        .bind(from)
        .bind(to)
        .fetch_one(conn)
        .await
        .map_err(failed("verifying the audit trail"))
}

/// A random password of 16 characters (letters and digits, no look-alikes).
pub fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}
