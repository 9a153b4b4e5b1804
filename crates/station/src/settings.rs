//! The station's settings file (in the app's config folder). The password is
//! never here: it lives in the operating system's keyring (see `secrets`).

use std::path::{Path, PathBuf};

use clinic_domain::values::{optional_text, required_text};
use clinic_domain::{AppError, AppResult, ValidationCode};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TlsMode {
    Disable,
    Require,
    /// Require TLS and check the server's certificate and host name against a CA.
    VerifyFull,
}

/// Where the clinic's PostgreSQL is and who to log in as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub tls: TlsMode,
    /// The CA certificate file for `verifyFull`.
    pub ca_file: Option<String>,
}

impl ServerSettings {
    pub fn validate(&self) -> AppResult<ServerSettings> {
        if self.port == 0 {
            return Err(AppError::validation("port", ValidationCode::OutOfRange, "must be from 1 to 65535"));
        }
        let ca_file = self.ca_file.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(str::to_string);
        if self.tls == TlsMode::VerifyFull {
            match &ca_file {
                None => {
                    return Err(AppError::validation(
                        "caFile",
                        ValidationCode::Required,
                        "verify-full needs the clinic's CA certificate file",
                    ))
                }
                Some(file) if !Path::new(file).is_file() => {
                    return Err(AppError::validation("caFile", ValidationCode::Unknown, "this file does not exist"))
                }
                Some(_) => {}
            }
        }
        Ok(ServerSettings {
            host: required_text("host", &self.host, 255)?,
            port: self.port,
            database: required_text("database", &self.database, 63)?,
            user: required_text("user", &self.user, 63)?,
            tls: self.tls,
            ca_file,
        })
    }

    /// A server reached over a local Unix socket, as sqlx connect options
    /// name it (the test clusters, the demo clinic); `None` for TCP.
    pub fn local_socket(options: &sqlx::postgres::PgConnectOptions, database: &str) -> Option<ServerSettings> {
        Some(ServerSettings {
            host: options.get_socket()?.display().to_string(),
            port: options.get_port(),
            database: database.to_string(),
            user: options.get_username().to_string(),
            tls: TlsMode::Disable,
            ca_file: None,
        })
    }

    /// The keyring entry's name for this server's password.
    pub fn secret_key(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.database)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `None`: run on the embedded demo clinic.
    pub server: Option<ServerSettings>,
    /// Recorded as who created or changed what.
    pub staff_name: String,
    /// Where this clinic publishes app updates (`None`: the address built in).
    #[serde(default)]
    pub update_endpoint: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { server: None, staff_name: "Reception".into(), update_endpoint: None }
    }
}

impl Settings {
    pub fn validate(&self) -> AppResult<Settings> {
        Ok(Settings {
            server: self.server.as_ref().map(ServerSettings::validate).transpose()?,
            staff_name: required_text("staffName", &self.staff_name, 128)?,
            update_endpoint: validate_update_endpoint(self.update_endpoint.as_deref())?,
        })
    }
}

/// Updates are fetched over HTTPS only (plain HTTP on this machine, for testing).
fn validate_update_endpoint(endpoint: Option<&str>) -> AppResult<Option<String>> {
    let Some(endpoint) = endpoint.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
    let local = ["http://localhost", "http://127.0.0.1"].iter().any(|p| endpoint.starts_with(p));
    if !(endpoint.starts_with("https://") || local) || endpoint.len() > 2048 || endpoint.contains(char::is_whitespace) {
        return Err(AppError::validation(
            "updateEndpoint",
            ValidationCode::InvalidFormat,
            "must be an https:// address",
        ));
    }
    Ok(Some(endpoint.to_string()))
}

/// The settings file in `config_dir`.
pub fn settings_path(config_dir: &Path) -> PathBuf {
    config_dir.join("settings.json")
}

/// Reads the settings; a missing file means defaults (the demo clinic).
pub fn load(config_dir: &Path) -> AppResult<Settings> {
    let path = settings_path(config_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            AppError::validation(
                "settings",
                ValidationCode::InvalidFormat,
                format!("{} is not valid: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(clinic_store::internal(&e)),
    }
}

/// Writes atomically (temporary file, then rename) so a crash never leaves
/// half a settings file.
pub fn save(config_dir: &Path, settings: &Settings) -> AppResult<()> {
    let _ = optional_text("staffName", &settings.staff_name, 128)?;
    std::fs::create_dir_all(config_dir).map_err(|e| clinic_store::internal(&e))?;
    let path = settings_path(config_dir);
    let temporary = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(settings).map_err(|e| clinic_store::internal(&e))?;
    std::fs::write(&temporary, text).map_err(|e| clinic_store::internal(&e))?;
    std::fs::rename(&temporary, &path).map_err(|e| clinic_store::internal(&e))
}
