//! The embedded demo clinic: a private PostgreSQL cluster under the app's
//! data folder, migrated and filled by the demo generator on first start,
//! reused afterwards, stopped when the app exits.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clinic_admin::provision::{self, ProvisionError, RolePrefix};
use clinic_admin::staff;
use clinic_domain::staff::StaffGroup;
use clinic_domain::{AppError, AppResult};
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_store::db_error;
use clinic_store::demo::{generate, DemoOptions};
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

use crate::schema::SchemaState;

const DATABASE: &str = "clinic";

/// Where the demo cluster lives: beside the station's data. As root
/// (PostgreSQL refuses to run as root) the cluster belongs to an
/// unprivileged user, who cannot enter root's home: it then lives under
/// /var/tmp, in a folder named after the station's data folder, so two
/// stations (two `CLINIC_DESK_HOME`s) never share, or stop, one cluster.
pub fn demo_root(data_dir: &Path) -> PathBuf {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc_geteuid() } == 0 {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(data_dir.as_os_str().as_encoded_bytes());
            let tag = hex::encode(&digest[..6]);
            return PathBuf::from(format!("/var/tmp/clinic-desk-demo-clinic-{tag}"));
        }
    }
    data_dir.join("demo-clinic")
}

#[cfg(unix)]
extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

/// The demo clinic's staff: one login per group, with passwords the sign-in
/// screen shows (only in demo mode) so a newcomer gets straight in.
pub const DEMO_STAFF: [DemoStaff; 3] = [
    DemoStaff {
        login: "reception",
        full_name: "Olena Marchenko",
        group: StaffGroup::Reception,
        password: "reception-demo",
    },
    DemoStaff { login: "manager", full_name: "Mykola Savchuk", group: StaffGroup::Manager, password: "manager-demo" },
    DemoStaff { login: "auditor", full_name: "Iryna Tkachenko", group: StaffGroup::Auditor, password: "auditor-demo" },
];

pub struct DemoStaff {
    pub login: &'static str,
    pub full_name: &'static str,
    pub group: StaffGroup,
    pub password: &'static str,
}

/// A demo clinic login, for the sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoLogin {
    pub login: String,
    pub full_name: String,
    pub group: StaffGroup,
    pub password: String,
}

impl DemoStaff {
    pub fn shown(&self) -> DemoLogin {
        DemoLogin {
            login: self.login.into(),
            full_name: self.full_name.into(),
            group: self.group,
            password: self.password.into(),
        }
    }
}

/// Starts (creating on first use) the demo cluster in `root`: set up as
/// `clinic-admin` sets up a server, filled, with [`DEMO_STAFF`] able to sign
/// in with their passwords (local connections other than the cluster's
/// superuser ask for one).
pub async fn start(root: &Path, bundled_binaries: Option<&Path>) -> AppResult<LocalCluster> {
    let options = ClusterOptions {
        root: root.to_path_buf(),
        bundled_binaries: bundled_binaries.map(Path::to_path_buf),
        superuser: "clinic".into(),
        local_passwords: true,
        // A small footprint: it shares the desk with the app.
        settings: [("shared_buffers", "32MB"), ("max_connections", "20"), ("max_wal_size", "256MB")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec(),
        ..ClusterOptions::default()
    };
    let cluster = tokio::task::spawn_blocking(move || LocalCluster::start(&options))
        .await
        .map_err(|e| clinic_store::internal(&e))?
        .map_err(|e| AppError::Offline { message: format!("the demo clinic could not start: {e}") })?;

    if !database_exists(&cluster).await? {
        recreate_database(&cluster, false).await?;
    }
    let superuser = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(cluster.connect_options(DATABASE))
        .await
        .map_err(db_error)?;
    let mut superuser = if made_before_roles(&superuser).await? {
        // A demo clinic from before the clinic's roles (everything owned by
        // the cluster's superuser) is generated data: made again.
        superuser.close().await;
        recreate_database(&cluster, true).await?;
        PgPoolOptions::new()
            .max_connections(2)
            .connect_with(cluster.connect_options(DATABASE))
            .await
            .map_err(db_error)?
    } else {
        superuser
    };
    // A demo clinic left by a newer version of the app is neither migrated
    // nor refilled: the schema gate makes it read-only and says why.
    let schema = crate::schema::inspect(&superuser).await?;
    if matches!(schema.state, SchemaState::Empty | SchemaState::Older { .. }) {
        set_up(&mut superuser).await?;
    }
    if crate::schema::inspect(&superuser).await?.allows_writes() {
        let mut conn = superuser.acquire().await.map_err(db_error)?;
        for member in DEMO_STAFF {
            staff::ensure(&mut conn, member.login, member.full_name, &[member.group.key()])
                .await
                .map_err(admin_error)?;
            // A demo login made with a generated password (or by an older
            // app) gets its demo password; a working one is left alone.
            let signs_in = connect_options(&cluster, member.login, member.password).connect().await.is_ok();
            if !signs_in {
                staff::set_password(&mut conn, member.login, member.password).await.map_err(admin_error)?;
            }
        }
        drop(conn);
        let empty: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM locations)")
            .fetch_one(&superuser)
            .await
            .map_err(db_error)?;
        if empty {
            generate(&superuser, &DemoOptions::new(Utc::now())).await?;
        }
    }
    superuser.close().await;
    Ok(cluster)
}

/// How a demo staff member's desk reaches the demo clinic.
pub fn connect_options(cluster: &LocalCluster, login: &str, password: &str) -> PgConnectOptions {
    cluster.connect_options(DATABASE).username(login).password(password).application_name("clinic-desk demo")
}

async fn set_up(pool: &mut PgPool) -> AppResult<()> {
    let mut conn = pool.acquire().await.map_err(db_error)?;
    let prefix = RolePrefix::parse("clinic").map_err(admin_error)?;
    provision::set_up(&mut conn, &prefix).await.map_err(admin_error)?;
    Ok(())
}

fn admin_error(error: ProvisionError) -> AppError {
    clinic_store::internal(&error)
}

async fn database_exists(cluster: &LocalCluster) -> AppResult<bool> {
    let mut admin =
        cluster.connect_options("postgres").disable_statement_logging().connect().await.map_err(db_error)?;
    let exists = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(DATABASE)
        .fetch_one(&mut admin)
        .await
        .map_err(db_error)?;
    let _ = admin.close().await;
    Ok(exists)
}

async fn recreate_database(cluster: &LocalCluster, drop_first: bool) -> AppResult<()> {
    let mut admin =
        cluster.connect_options("postgres").disable_statement_logging().connect().await.map_err(db_error)?;
    if drop_first {
        sqlx::query(&format!(r#"DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)"#))
            .execute(&mut admin)
            .await
            .map_err(db_error)?;
    }
    sqlx::query(&format!(r#"CREATE DATABASE "{DATABASE}""#)).execute(&mut admin).await.map_err(db_error)?;
    let _ = admin.close().await;
    Ok(())
}

/// Migrated by an app from before the clinic's roles: tables, but no roles.
async fn made_before_roles(pool: &PgPool) -> AppResult<bool> {
    sqlx::query_scalar(
        "SELECT to_regclass('_sqlx_migrations') IS NOT NULL AND to_regclass('staff.clinic_roles') IS NULL",
    )
    .fetch_one(pool)
    .await
    .map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_station_folder_has_its_own_demo_cluster() {
        let a = demo_root(Path::new("/home/desk-a/data"));
        let b = demo_root(Path::new("/home/desk-b/data"));
        assert_ne!(a, b, "two stations never share a cluster");
        assert_eq!(a, demo_root(Path::new("/home/desk-a/data")), "a station finds its cluster again");
    }
}
