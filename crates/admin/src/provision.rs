//! Setting up a clinic database and updating its schema: what the
//! `clinic-admin` tool does, and what the test harness and the embedded demo
//! clinic do the same way. Runs under an administrator's login (a superuser,
//! or one with CREATEROLE that owns the database), never a desk's.

use std::fmt;

use sqlx::{Connection, PgConnection};

use crate::MIGRATOR;

#[derive(Debug, thiserror::Error)]
#[error("{step}: {message}")]
pub struct ProvisionError {
    pub step: String,
    pub message: String,
}

fn failed(step: impl Into<String>) -> impl FnOnce(sqlx::Error) -> ProvisionError {
    let step = step.into();
    move |error| ProvisionError {
        message: match &error {
            sqlx::Error::Database(db) => db.message().to_string(),
            other => other.to_string(),
        },
        step,
    }
}

/// What a clinic's role names start with. Roles are cluster-wide: two
/// clinic databases on one server need two prefixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePrefix(String);

/// The clinic's roles, by what they are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClinicRole {
    Owner,
    Reception,
    Manager,
    Auditor,
    StaffAdmin,
}

impl ClinicRole {
    pub const ALL: [ClinicRole; 5] =
        [ClinicRole::Owner, ClinicRole::Reception, ClinicRole::Manager, ClinicRole::Auditor, ClinicRole::StaffAdmin];

    fn suffix(self) -> &'static str {
        match self {
            ClinicRole::Owner => "owner",
            ClinicRole::Reception => "reception",
            ClinicRole::Manager => "manager",
            ClinicRole::Auditor => "auditor",
            ClinicRole::StaffAdmin => "staff_admin",
        }
    }

    /// Role attributes: none logs in; only the staff functions' owner may
    /// create roles.
    fn attributes(self) -> &'static str {
        match self {
            ClinicRole::StaffAdmin => "NOLOGIN CREATEROLE",
            _ => "NOLOGIN",
        }
    }
}

impl RolePrefix {
    /// Lower-case letters, digits and `_`, starting with a letter, at most
    /// 40 characters (the longest role name then fits PostgreSQL's 63).
    pub fn parse(value: &str) -> Result<RolePrefix, ProvisionError> {
        let ok = (1..=40).contains(&value.len())
            && value.starts_with(|c: char| c.is_ascii_lowercase())
            && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(RolePrefix(value.to_string()))
        } else {
            Err(ProvisionError {
                step: "role prefix".into(),
                message: format!("{value:?} is not 1 to 40 lower-case letters, digits or '_' starting with a letter"),
            })
        }
    }

    /// The default prefix for a database: its name, made a valid prefix.
    pub fn for_database(database: &str) -> RolePrefix {
        let mut prefix: String = database
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
            .take(40)
            .collect();
        if !prefix.starts_with(|c: char| c.is_ascii_lowercase()) {
            prefix = format!("c{}", &prefix[..prefix.len().min(39)]);
        }
        RolePrefix(prefix)
    }

    pub fn role(&self, role: ClinicRole) -> String {
        format!("{}_{}", self.0, role.suffix())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RolePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Double-quotes an identifier for SQL text (roles cannot be bind parameters).
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What `init` did and what the administrator should know.
#[derive(Debug, Default)]
pub struct InitReport {
    pub created_roles: Vec<String>,
    pub notes: Vec<String>,
}

/// Prepares the connected database for a clinic: the roles (created when
/// missing), the owner owning the database, connections only for the
/// clinic's groups. Safe to run again. Then [`migrate`] creates the schema.
pub async fn init(conn: &mut PgConnection, prefix: &RolePrefix) -> Result<InitReport, ProvisionError> {
    let mut report = InitReport::default();
    for role in ClinicRole::ALL {
        let name = prefix.role(role);
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(&name)
            .fetch_one(&mut *conn)
            .await
            .map_err(failed("reading roles"))?;
        if !exists {
            let sql = format!("CREATE ROLE {} {}", ident(&name), role.attributes());
            sqlx::query(&sql).execute(&mut *conn).await.map_err(failed(format!("creating role {name}")))?;
            report.created_roles.push(name);
        }
    }
    let owner = prefix.role(ClinicRole::Owner);
    let staff_admin = prefix.role(ClinicRole::StaffAdmin);
    let me: String =
        sqlx::query_scalar("SELECT current_user::text").fetch_one(&mut *conn).await.map_err(failed("who"))?;
    // The administrator works as the owner (SET ROLE); the owner hands the
    // staff functions to the role that may create logins.
    grant_membership(conn, &owner, &me).await?;
    grant_membership(conn, &staff_admin, &owner).await?;
    // Disabling a staff member ends their sessions.
    if let Err(e) = grant_membership(conn, "pg_signal_backend", &staff_admin).await {
        report.notes.push(format!(
            "{staff_admin} could not be granted pg_signal_backend ({}): disabling a staff member then stops new \
             sign-ins but does not end open sessions; a superuser can run GRANT pg_signal_backend TO {staff_admin}",
            e.message
        ));
    }
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("database"))?;
    let statements = [
        format!("ALTER DATABASE {} OWNER TO {}", ident(&database), ident(&owner)),
        format!("REVOKE ALL ON DATABASE {} FROM PUBLIC", ident(&database)),
        format!(
            "GRANT CONNECT ON DATABASE {} TO {}, {}, {}",
            ident(&database),
            ident(&prefix.role(ClinicRole::Reception)),
            ident(&prefix.role(ClinicRole::Manager)),
            ident(&prefix.role(ClinicRole::Auditor))
        ),
        format!("ALTER SCHEMA public OWNER TO {}", ident(&owner)),
    ];
    for sql in statements {
        sqlx::query(&sql).execute(&mut *conn).await.map_err(failed(sql.clone()))?;
    }
    Ok(report)
}

async fn grant_membership(conn: &mut PgConnection, role: &str, member: &str) -> Result<(), ProvisionError> {
    if role == member {
        return Ok(());
    }
    let already: bool = sqlx::query_scalar("SELECT pg_has_role($2, $1, 'MEMBER')")
        .bind(role)
        .bind(member)
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("reading memberships"))?;
    if !already {
        let sql = format!("GRANT {} TO {}", ident(role), ident(member));
        sqlx::query(&sql).execute(&mut *conn).await.map_err(failed(sql.clone()))?;
    }
    Ok(())
}

/// The prefix the database's clinic was set up with (None: not set up yet).
pub async fn clinic_prefix(conn: &mut PgConnection) -> Result<Option<RolePrefix>, ProvisionError> {
    if !table_exists(conn, "staff.clinic_roles").await? {
        return Ok(None);
    }
    let owner: Option<String> =
        sqlx::query_scalar("SELECT role_name::text FROM staff.clinic_roles WHERE kind = 'owner'")
            .fetch_optional(&mut *conn)
            .await
            .map_err(failed("reading the clinic's roles"))?;
    Ok(owner.and_then(|o| o.strip_suffix("_owner").map(|p| RolePrefix(p.to_string()))))
}

async fn table_exists(conn: &mut PgConnection, table: &str) -> Result<bool, ProvisionError> {
    sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(table)
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("reading the catalog"))
}

/// Applies the pending migrations as the clinic's owner; returns how many.
pub async fn migrate(conn: &mut PgConnection, prefix: &RolePrefix) -> Result<usize, ProvisionError> {
    let applied_before = applied_count(conn).await?;
    let owner = prefix.role(ClinicRole::Owner);
    sqlx::query(&format!("SET ROLE {}", ident(&owner)))
        .execute(&mut *conn)
        .await
        .map_err(failed(format!("becoming {owner} (run clinic-admin init first)")))?;
    let outcome = MIGRATOR.run_direct(&mut *conn).await;
    let reset = sqlx::query("RESET ROLE").execute(&mut *conn).await;
    outcome.map_err(|e| ProvisionError { step: "migrating".into(), message: e.to_string() })?;
    reset.map_err(failed("RESET ROLE"))?;
    Ok(applied_count(conn).await? - applied_before)
}

async fn applied_count(conn: &mut PgConnection) -> Result<usize, ProvisionError> {
    if !table_exists(conn, "_sqlx_migrations").await? {
        return Ok(0);
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("reading applied migrations"))?;
    Ok(count as usize)
}

/// `init` then `migrate`, on one connection.
pub async fn set_up(conn: &mut PgConnection, prefix: &RolePrefix) -> Result<InitReport, ProvisionError> {
    let report = init(conn, prefix).await?;
    migrate(conn, prefix).await?;
    Ok(report)
}

/// The `pg_hba.conf` lines for a clinic database: TLS only, SCRAM only,
/// members of the clinic's groups only, everyone else refused.
pub fn hba_lines(database: &str, prefix: &RolePrefix, network: &str) -> Vec<String> {
    let groups = [ClinicRole::Reception, ClinicRole::Manager, ClinicRole::Auditor]
        .map(|r| format!("+{}", prefix.role(r)))
        .join(",");
    vec![
        format!("hostssl  {database}  {groups}  {network}  scram-sha-256"),
        format!("hostnossl  {database}  all  all  reject"),
    ]
}

/// Closes the admin connection cleanly (tools call this before exiting).
pub async fn close(conn: PgConnection) {
    let _ = conn.close().await;
}
