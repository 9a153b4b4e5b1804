//! A private PostgreSQL cluster run from the system's server binaries.
//!
//! Two users: the test harness (one throwaway cluster per test binary, a fresh
//! migrated database per test, see [`testing`]) and the app's embedded demo
//! clinic (a persistent cluster under the app's data folder).

mod binaries;
mod cluster;
pub mod link;
pub mod testing;

use std::path::Path;

pub use binaries::{bundled_bin_dir, find_bin_dir, BIN_DIR_ENV};
pub use cluster::{ClusterOptions, LocalCluster};

#[derive(Debug, thiserror::Error)]
pub enum LocalPgError {
    #[error(
        "PostgreSQL server binaries (initdb, postgres) were not found. Install PostgreSQL \
         (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@15`; \
         Windows: the EDB installer) or set {BIN_DIR_ENV} to the folder that holds initdb"
    )]
    BinariesNotFound,
    #[error("running as root, but neither a `postgres` nor a `nobody` user exists to own the cluster")]
    NoUnprivilegedUser,
    #[error("initdb failed:\n{log}")]
    InitFailed { log: String },
    #[error("PostgreSQL did not start:\n{log}")]
    StartFailed { log: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("database setup failed: {0}")]
    Setup(String),
}

impl LocalPgError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        LocalPgError::Io { path: path.display().to_string(), source }
    }
}
