//! The test harness: one throwaway cluster per test process, and a fresh
//! database per test cloned from a migrated template (as `sqlx::test` does,
//! without needing a server to exist beforehand).
//!
//! Set `CLINIC_TEST_DATABASE_URL` to use an existing server instead (the role
//! needs CREATEDB).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::OnceLock;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use tokio::sync::OnceCell;

use crate::cluster::process_alive;
use crate::{ClusterOptions, LocalCluster};

pub const EXTERNAL_SERVER_ENV: &str = "CLINIC_TEST_DATABASE_URL";

/// One step of preparing a test database, run as the cluster's superuser.
pub type SetupStep = for<'c> fn(&'c mut PgConnection) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'c>>;

/// How test databases are made: `template` runs once per test process on
/// the template (roles, migrations); `each` on every database cloned from
/// it (what a clone does not copy: its owner and connect grants).
pub struct DatabaseSetup {
    pub template: SetupStep,
    pub each: SetupStep,
}

/// A database of its own for one test.
pub struct TestDatabase {
    pub pool: PgPool,
    pub name: String,
    connect: PgConnectOptions,
}

impl TestDatabase {
    /// Connection options for this database, e.g. for a second pool.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.connect.clone()
    }

    /// A pool on this database under another login (local socket
    /// connections are trusted, so no password): what a staff member's desk
    /// would get. Over TCP (`127.0.0.1`, the port of `connect_options`) the
    /// same cluster asks for the password.
    pub async fn pool_as(&self, login: &str) -> PgPool {
        PgPoolOptions::new()
            .max_connections(20)
            .connect_with(self.connect.clone().username(login))
            .await
            .unwrap_or_else(|e| panic!("connecting to the test database as {login}: {e}"))
    }
}

enum Server {
    Local(LocalCluster),
    External(Box<PgConnectOptions>),
}

impl Server {
    fn options(&self, database: &str) -> PgConnectOptions {
        match self {
            Server::Local(cluster) => cluster.connect_options(database),
            Server::External(base) => base.clone().database(database),
        }
    }
}

static SERVER: OnceLock<Server> = OnceLock::new();
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The shared throwaway cluster of this test process, started on first use.
pub fn shared_cluster() -> &'static LocalCluster {
    match server() {
        Server::Local(cluster) => cluster,
        Server::External(_) => panic!("{EXTERNAL_SERVER_ENV} is set: no local cluster runs"),
    }
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var(EXTERNAL_SERVER_ENV) {
            let options: PgConnectOptions = url.parse().expect("CLINIC_TEST_DATABASE_URL is a valid URL");
            return Server::External(Box::new(options));
        }
        let runs = std::env::temp_dir().join("clinic-desk-test-pg");
        remove_dead_runs(&runs);
        let options = ClusterOptions {
            root: runs.join(std::process::id().to_string()),
            superuser: "clinic".into(),
            // Durability is pointless for a throwaway cluster; speed is not.
            settings: [
                ("fsync", "off"),
                ("synchronous_commit", "off"),
                ("full_page_writes", "off"),
                ("max_connections", "300"),
                ("shared_buffers", "64MB"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec(),
            // Local sockets are trusted (the tests connect as any login);
            // TCP asks for the password, as a clinic server does: the
            // end-to-end desks sign in over it with their staff passwords.
            tcp_port: Some(crate::cluster::free_local_port()),
            hba: vec!["host all all 127.0.0.1/32 scram-sha-256".into()],
            ..ClusterOptions::default()
        };
        match LocalCluster::start(&options) {
            Ok(cluster) => Server::Local(cluster),
            Err(e) => panic!("cannot start the test PostgreSQL cluster: {e}"),
        }
    })
}

/// Folders of earlier test processes that are gone (their cluster died with them).
fn remove_dead_runs(runs: &std::path::Path) {
    let _ = std::fs::create_dir_all(runs);
    let Ok(entries) = std::fs::read_dir(runs) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let pid: Option<u32> = entry.file_name().to_str().and_then(|n| n.parse().ok());
        if pid.is_some_and(|pid| !process_alive(pid)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A fresh database prepared by `setup`, on the shared server.
pub async fn fresh_database(setup: &'static DatabaseSetup) -> TestDatabase {
    let server = tokio::task::spawn_blocking(server).await.expect("starting the test cluster");
    let template = TEMPLATE.get_or_init(|| create_template(server, setup.template)).await.clone();
    let name = format!("test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = connect(server.options("postgres")).await;
    sqlx::query(&format!(r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#))
        .execute(&mut admin)
        .await
        .expect("creating a test database from the template");
    let _ = admin.close().await;
    let connect = server.options(&name);
    let mut conn = self::connect(connect.clone()).await;
    (setup.each)(&mut conn).await.unwrap_or_else(|e| panic!("preparing the test database: {e}"));
    let _ = conn.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(30)
        .connect_with(connect.clone())
        .await
        .expect("connecting to the test database");
    TestDatabase { pool, name, connect }
}

/// An empty database with no migrations (for schema-gate style tests).
pub async fn empty_database() -> TestDatabase {
    let server = tokio::task::spawn_blocking(server).await.expect("starting the test cluster");
    let name = format!("empty_{}", uuid::Uuid::now_v7().simple());
    let mut admin = connect(server.options("postgres")).await;
    sqlx::query(&format!(r#"CREATE DATABASE "{name}""#)).execute(&mut admin).await.expect("creating an empty database");
    let _ = admin.close().await;
    let connect = server.options(&name);
    let pool = PgPoolOptions::new().max_connections(5).connect_with(connect.clone()).await.expect("connect");
    TestDatabase { pool, name, connect }
}

async fn create_template(server: &Server, setup: SetupStep) -> String {
    let name = format!("template_{}", uuid::Uuid::now_v7().simple());
    let mut admin = connect(server.options("postgres")).await;
    sqlx::query(&format!(r#"CREATE DATABASE "{name}""#))
        .execute(&mut admin)
        .await
        .expect("creating the template database");
    let _ = admin.close().await;
    // A template may have no open connections while it is cloned: migrate on
    // one connection and close it.
    let mut conn = connect(server.options(&name)).await;
    setup(&mut conn).await.unwrap_or_else(|e| panic!("preparing the template database: {e}"));
    let _ = conn.close().await;
    name
}

async fn connect(options: PgConnectOptions) -> PgConnection {
    options.disable_statement_logging().connect().await.expect("connecting to the test PostgreSQL server")
}

/// Where the shared cluster keeps its files (for tests that need a path).
pub fn shared_cluster_root() -> PathBuf {
    shared_cluster().root().to_path_buf()
}

/// A folder for one test's files, removed when it is dropped (at the end of
/// the test that holds it). World-traversable, so a cluster run by the
/// unprivileged user can reach folders inside it when the tests run as root.
pub fn scratch(prefix: &str) -> tempfile::TempDir {
    let prefix = format!("clinic-{prefix}-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o755));
    }
    builder.tempdir().expect("a scratch folder in the system's temp folder")
}
