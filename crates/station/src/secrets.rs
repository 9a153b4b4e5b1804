//! The clinic server's password, kept in the operating system's keyring
//! (Keychain, Windows Credential Manager, Secret Service / kernel keyring),
//! never in a file or a log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use clinic_domain::{AppError, AppResult};

const SERVICE: &str = "clinic-desk";

/// A clone shares what is kept: one keyring, as one computer has.
#[derive(Clone)]
pub enum Secrets {
    Keyring,
    /// For tests: a keyring that lasts as long as the process.
    Memory(Arc<Mutex<HashMap<String, String>>>),
}

impl Secrets {
    pub fn memory() -> Secrets {
        Secrets::Memory(Arc::default())
    }

    pub fn get(&self, key: &str) -> AppResult<Option<String>> {
        match self {
            Secrets::Keyring => {
                match entry(key).and_then(|e| e.get_password().map_err(keyring_error)) {
                    Ok(password) => Ok(Some(password)),
                    // No keyring service on this machine, or nothing stored: the
                    // connection is tried without a password and says so if one is needed.
                    Err(error) => {
                        tracing::warn!(%error, "no stored password");
                        Ok(None)
                    }
                }
            }
            Secrets::Memory(map) => Ok(map.lock().expect("not poisoned").get(key).cloned()),
        }
    }

    /// Forgets what is kept under `key` (nothing kept is fine).
    pub fn delete(&self, key: &str) {
        match self {
            Secrets::Keyring => {
                if let Ok(entry) = entry(key) {
                    let _ = entry.delete_credential();
                }
            }
            Secrets::Memory(map) => drop(map.lock().expect("not poisoned").remove(key)),
        }
    }

    pub fn set(&self, key: &str, password: &str) -> AppResult<()> {
        match self {
            Secrets::Keyring => entry(key)?.set_password(password).map_err(keyring_error),
            Secrets::Memory(map) => {
                map.lock().expect("not poisoned").insert(key.to_string(), password.to_string());
                Ok(())
            }
        }
    }
}

fn entry(key: &str) -> AppResult<keyring::Entry> {
    keyring::Entry::new(SERVICE, key).map_err(keyring_error)
}

fn keyring_error(error: keyring::Error) -> AppError {
    AppError::Unauthorized {
        message: format!(
            "the password cannot be kept: this computer's keyring did not answer ({error}). \
             Start or unlock the system keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager) \
             and save again; Clinic Desk never writes passwords to a file"
        ),
    }
}
