//! Where a station database's key is kept: the operating system's keyring
//! (Windows Credential Manager, macOS Keychain, the Secret Service on
//! Linux), never beside the database. A Linux desktop without a Secret
//! Service (a bare window manager, the tests' virtual display) cannot keep
//! it there; the key then goes to the station's configuration folder, not
//! its data folder, readable by this user only, and the log says so.
//! Losing the key loses what the station kept, including changes not yet
//! synced, so a key is written before the database it opens.

use std::path::{Path, PathBuf};

use clinic_domain::{AppError, AppResult};
use clinic_local_store::StoreKey;

use crate::secrets::Secrets;

fn keyring_name(database: &str) -> String {
    format!("station-database-key:{database}")
}

fn key_file(config_dir: &Path, database: &str) -> PathBuf {
    config_dir.join("keys").join(format!("{database}.key"))
}

/// The key of `database` (its file name without extension); with `create`,
/// a new one when none is kept (a new or still plain database).
pub(crate) fn store_key(
    secrets: &Secrets,
    config_dir: &Path,
    database: &str,
    create: bool,
) -> AppResult<Option<StoreKey>> {
    if let Some(key) = secrets.get(&keyring_name(database))?.as_deref().and_then(StoreKey::from_hex) {
        return Ok(Some(key));
    }
    let file = key_file(config_dir, database);
    if let Ok(text) = std::fs::read_to_string(&file) {
        return Ok(StoreKey::from_hex(&text));
    }
    if !create {
        return Ok(None);
    }
    let key = StoreKey::generate();
    if secrets.set(&keyring_name(database), &key.to_hex()).is_ok()
        && secrets.get(&keyring_name(database))?.as_deref() == Some(key.to_hex().as_str())
    {
        return Ok(Some(key));
    }
    tracing::warn!(
        file = %file.display(),
        "no system keyring answered: the station database's key is kept in the configuration folder"
    );
    write_private(&file, &key.to_hex())?;
    Ok(Some(key))
}

/// Forgets the key of a database that was removed.
pub(crate) fn forget_store_key(secrets: &Secrets, config_dir: &Path, database: &str) {
    secrets.delete(&keyring_name(database));
    let _ = std::fs::remove_file(key_file(config_dir, database));
}

fn write_private(file: &Path, text: &str) -> AppResult<()> {
    let failed = |e: std::io::Error| AppError::Internal { reference: clinic_store::log_with_reference(&e) };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    options.open(file).and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all())).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_and_found_again_in_the_keyring() {
        let secrets = Secrets::memory();
        let config = tempfile::tempdir().unwrap();
        assert_eq!(store_key(&secrets, config.path(), "station-a", false).unwrap(), None);
        let made = store_key(&secrets, config.path(), "station-a", true).unwrap().unwrap();
        assert_eq!(store_key(&secrets, config.path(), "station-a", false).unwrap(), Some(made.clone()));
        assert_eq!(store_key(&secrets, config.path(), "station-a", true).unwrap(), Some(made));
        assert!(!key_file(config.path(), "station-a").exists(), "never on disk when the keyring keeps it");
        forget_store_key(&secrets, config.path(), "station-a");
        assert_eq!(store_key(&secrets, config.path(), "station-a", false).unwrap(), None);
    }
}
