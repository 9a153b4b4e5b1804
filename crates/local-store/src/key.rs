//! The station database is encrypted at rest (SQLCipher): a copy of the
//! clinic's boards and patients on a shared, sometimes stolen reception
//! computer reads as noise without its key. The key is random per station
//! database; the station keeps it in the operating system's keyring.

use std::path::Path;

use clinic_domain::{AppError, AppResult};
use rand::RngCore;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// 256 random bits, used as SQLCipher's raw key (no passphrase derivation:
/// there is no passphrase to stretch).
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl StoreKey {
    pub fn generate() -> StoreKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        StoreKey(bytes)
    }

    /// The form the keyring keeps.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<StoreKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(StoreKey(bytes.try_into().ok()?))
    }

    /// `PRAGMA key`'s value for a raw key: `"x'…'"`.
    pub(crate) fn pragma(&self) -> String {
        format!("\"x'{}'\"", self.to_hex())
    }
}

/// What a database file holds, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Missing,
    /// A plain SQLite file (an older station): migrated on open.
    Plain,
    /// Anything else: SQLCipher's pages look like random bytes.
    Encrypted,
}

pub fn file_state(path: &Path) -> AppResult<FileState> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => return Err(crate::local_error(&e)),
    };
    let mut header = [0u8; 16];
    match file.read_exact(&mut header) {
        Ok(()) if &header == b"SQLite format 3\0" => Ok(FileState::Plain),
        Ok(()) => Ok(FileState::Encrypted),
        // Shorter than a header: created and never written.
        Err(_) => Ok(FileState::Plain),
    }
}

/// Encrypts a plain station database in place: everything in it (queued
/// intents, kept files, the replica) is copied into an encrypted file
/// beside it, which then replaces it. A crash before the rename leaves the
/// plain file as it was; the half-written copy is removed on the next try.
pub(crate) async fn encrypt_in_place(path: &Path, key: &StoreKey) -> AppResult<()> {
    let encrypted = path.with_extension("encrypting");
    let _ = std::fs::remove_file(&encrypted);
    let mut plain = SqliteConnectOptions::new()
        .filename(path)
        // ATTACH creates the encrypted copy: the connection may create files.
        .create_if_missing(true)
        .connect()
        .await
        .map_err(|e| crate::local_error(&e))?;
    // The write-ahead log's changes into the main file first: nothing stays behind.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut plain).await.map_err(|e| crate::local_error(&e))?;
    let target = encrypted.display().to_string().replace('\'', "''");
    sqlx::query(&format!("ATTACH DATABASE '{target}' AS encrypted KEY {}", key.pragma()))
        .execute(&mut plain)
        .await
        .map_err(|e| crate::local_error(&e))?;
    sqlx::query("SELECT sqlcipher_export('encrypted')")
        .execute(&mut plain)
        .await
        .map_err(|e| crate::local_error(&e))?;
    // The schema version (the migrations' record is a table, copied above).
    let version: i64 =
        sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut plain).await.map_err(|e| crate::local_error(&e))?;
    sqlx::query(&format!("PRAGMA encrypted.user_version = {version}"))
        .execute(&mut plain)
        .await
        .map_err(|e| crate::local_error(&e))?;
    sqlx::query("DETACH DATABASE encrypted").execute(&mut plain).await.map_err(|e| crate::local_error(&e))?;
    plain.close().await.map_err(|e| crate::local_error(&e))?;
    std::fs::rename(&encrypted, path).map_err(|e| crate::local_error(&e))?;
    for leftover in ["sqlite-wal", "sqlite-shm"] {
        let _ = std::fs::remove_file(path.with_extension(leftover));
    }
    tracing::info!(path = %path.display(), "the station database is now encrypted");
    Ok(())
}

/// The key does not open the file: said plainly, never "internal".
pub(crate) fn wrong_key(path: &Path) -> AppError {
    tracing::error!(path = %path.display(), "the station database does not open with the key kept for it");
    AppError::Unauthorized {
        message: "this computer's copy of the clinic's data cannot be opened with the key kept for it".into(),
    }
}
