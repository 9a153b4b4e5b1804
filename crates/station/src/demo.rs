//! The embedded demo clinic: a private PostgreSQL cluster under the app's
//! data folder, migrated and filled by the demo generator on first start,
//! reused afterwards, stopped when the app exits.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clinic_admin::provision::{self, ProvisionError, RolePrefix};
use clinic_admin::staff;
use clinic_domain::{AppError, AppResult};
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_store::db_error;
use clinic_store::demo::{generate, DemoOptions};
use sqlx::postgres::PgPoolOptions;
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
            let tag: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
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

/// The demo clinic's desk: a staff login in reception and manager, as a
/// clinic's front desk would have (local connections are trusted).
pub const DESK_LOGIN: &str = "desk";

/// Starts (creating on first use) the demo cluster in `root` and returns it
/// with a pool on its set-up, filled database, signed in as [`DESK_LOGIN`].
pub async fn start(root: &Path) -> AppResult<(LocalCluster, PgPool)> {
    let options = ClusterOptions {
        root: root.to_path_buf(),
        superuser: "clinic".into(),
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
        staff::ensure(&mut conn, DESK_LOGIN, "Front desk", &["reception", "manager"]).await.map_err(admin_error)?;
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
    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(cluster.connect_options(DATABASE).username(DESK_LOGIN))
        .await
        .map_err(db_error)?;
    Ok((cluster, pool))
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
