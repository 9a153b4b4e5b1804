//! A station's own SQLite database: the outbox of intents queued while the
//! clinic database is out of reach, and the replica the station reads then
//! (its locations' day boards for a window, the patients in it, the
//! catalogue lists). One connection, WAL, `synchronous = FULL`: a change
//! staff made is on disk, with its intent, before the UI hears "saved".
//!
//! - `outbox`: enqueue an intent together with its optimistic rows (one
//!   transaction, so a crash leaves both or neither), hand them to the push in
//!   order, record what the server said.
//! - `replica`: what the pull stores and what offline reads return.

mod key;
mod outbox;
mod replica;
mod sign_ins;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use clinic_domain::{AppError, AppResult};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use key::{file_state, FileState, StoreKey};
pub use outbox::{Conflict, ConflictAction, Pending, Stuck};
pub use sign_ins::KeptSignIn;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Clone)]
pub struct LocalStore {
    pool: SqlitePool,
}

impl LocalStore {
    /// Opens (creating and migrating) the station database at `path`,
    /// encrypted with `key`; a plain one left by an older version is
    /// encrypted first, nothing in it lost.
    pub async fn open(path: &Path, key: &StoreKey) -> AppResult<LocalStore> {
        LocalStore::open_with(path, Some(key)).await
    }

    /// A station database without encryption: only to measure what
    /// encryption costs (the station bench). A station never opens one.
    #[doc(hidden)]
    pub async fn open_unencrypted_for_comparison(path: &Path) -> AppResult<LocalStore> {
        LocalStore::open_with(path, None).await
    }

    async fn open_with(path: &Path, key: Option<&StoreKey>) -> AppResult<LocalStore> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| local_error(&e))?;
        }
        let mut options =
            SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display())).map_err(|e| local_error(&e))?;
        if let Some(key) = key {
            if key::file_state(path)? == FileState::Plain {
                key::encrypt_in_place(path, key).await?;
            }
            // First, before anything reads a page.
            options = options.pragma("key", key.pragma());
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // One connection: every change is serialised, so "is the outbox
        // empty?" and "apply the pulled board" cannot interleave with an
        // enqueue.
        let pool = match SqlitePoolOptions::new().max_connections(1).connect_with(options).await {
            Ok(pool) => pool,
            // SQLCipher reads a wrong key's pages as "not a database".
            Err(e) if e.to_string().contains("not a database") => return Err(key::wrong_key(path)),
            Err(e) => return Err(local_error(&e)),
        };
        MIGRATOR.run(&pool).await.map_err(|e| local_error(&e))?;
        Ok(LocalStore { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The station's own database failed: logged in full, reported by reference.
pub(crate) fn local_error(error: &dyn std::fmt::Display) -> AppError {
    let reference = format!("local-{}", uuid::Uuid::now_v7().simple());
    tracing::error!(%reference, %error, "local store error");
    AppError::Internal { reference }
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| local_error(&e))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|e| local_error(&e))
}

/// Instants as sortable text: RFC 3339, UTC, whole seconds, 'Z'.
pub(crate) fn instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
