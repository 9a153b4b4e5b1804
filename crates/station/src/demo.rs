//! The embedded demo clinic: a private PostgreSQL cluster under the app's
//! data folder, migrated and filled by the demo generator on first start,
//! reused afterwards, stopped when the app exits.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clinic_domain::{AppError, AppResult};
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_store::demo::{generate, DemoOptions};
use clinic_store::{db_error, MIGRATOR};
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

/// Starts (creating on first use) the demo cluster in `root` and returns it
/// with a pool on its migrated, filled database.
pub async fn start(root: &Path) -> AppResult<(LocalCluster, PgPool)> {
    let options = ClusterOptions {
        root: root.to_path_buf(),
        superuser: "clinic".into(),
        // A small footprint: it shares the desk with the app.
        settings: [("shared_buffers", "32MB"), ("max_connections", "20"), ("max_wal_size", "256MB")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec(),
    };
    let cluster = tokio::task::spawn_blocking(move || LocalCluster::start(&options))
        .await
        .map_err(|e| clinic_store::internal(&e))?
        .map_err(|e| AppError::Offline { message: format!("the demo clinic could not start: {e}") })?;

    let mut admin =
        cluster.connect_options("postgres").disable_statement_logging().connect().await.map_err(db_error)?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(DATABASE)
        .fetch_one(&mut admin)
        .await
        .map_err(db_error)?;
    if !exists {
        sqlx::query(&format!(r#"CREATE DATABASE "{DATABASE}""#)).execute(&mut admin).await.map_err(db_error)?;
    }
    let _ = admin.close().await;

    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(cluster.connect_options(DATABASE))
        .await
        .map_err(db_error)?;
    // A demo clinic left by a newer version of the app is neither migrated
    // nor refilled: the schema gate makes it read-only and says why.
    let schema = crate::schema::inspect(&pool).await?;
    if matches!(schema.state, SchemaState::Empty { .. } | SchemaState::Older { .. }) {
        MIGRATOR.run(&pool).await.map_err(|e| clinic_store::internal(&e))?;
    }
    if crate::schema::inspect(&pool).await?.allows_writes() {
        let empty: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM locations)")
            .fetch_one(&pool)
            .await
            .map_err(db_error)?;
        if empty {
            generate(&pool, &DemoOptions::new(Utc::now())).await?;
        }
    }
    Ok((cluster, pool))
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
