//! The station's settings file (in the app's config folder). The password is
//! never here: it lives in the operating system's keyring (see `secrets`).

use std::path::{Path, PathBuf};

use clinic_domain::values::{required_text, Bounds};
use clinic_domain::{AppError, AppResult, ValidationCode};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TlsMode {
    /// No encryption: only by explicit choice (Settings warns).
    Disable,
    /// Encrypted, but the server's identity is not checked (Settings warns).
    Require,
    /// Encrypted; the server's certificate must be signed by the clinic's CA.
    VerifyCa,
    /// Encrypted; the certificate must be signed by the CA and name the host.
    /// The default for any server not on this computer.
    VerifyFull,
}

impl TlsMode {
    /// How much the mode proves about the server: a password kept for a
    /// mode is offered again only to a mode at least as strict.
    pub fn strictness(self) -> u8 {
        match self {
            TlsMode::Disable => 0,
            TlsMode::Require => 1,
            TlsMode::VerifyCa => 2,
            TlsMode::VerifyFull => 3,
        }
    }

    fn checks_certificate(self) -> bool {
        matches!(self, TlsMode::VerifyCa | TlsMode::VerifyFull)
    }
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
    /// TCP ports a server may listen on.
    pub const PORT: Bounds = Bounds::new(1, 65535);

    pub fn validate(&self) -> AppResult<ServerSettings> {
        Self::PORT.check("port", i32::from(self.port), "")?;
        let ca_file = self.ca_file.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(str::to_string);
        if self.tls.checks_certificate() {
            match &ca_file {
                None => {
                    return Err(AppError::validation(
                        "caFile",
                        ValidationCode::Required,
                        "checking the server's certificate needs the clinic's CA certificate file",
                    ))
                }
                Some(file) if !Path::new(file).is_file() => {
                    return Err(AppError::validation("caFile", ValidationCode::Unknown, "this file does not exist"))
                }
                Some(_) => {}
            }
        }
        let user = required_text("user", &self.user, 63)?;
        // The driver SASLprep-s the user name for SCRAM and panics when it
        // cannot (which aborts a release build at every start): refuse here.
        if stringprep::saslprep(&format!("n={user}")).is_err() {
            return Err(AppError::validation(
                "user",
                ValidationCode::InvalidFormat,
                "contains characters a database login cannot have",
            ));
        }
        Ok(ServerSettings {
            host: required_text("host", &self.host, 255)?,
            port: self.port,
            database: required_text("database", &self.database, 63)?,
            user,
            tls: self.tls,
            ca_file,
        })
    }

    /// A cluster on this computer, as sqlx connect options name it (the
    /// demo clinic, the test clusters): over its Unix socket, or over
    /// 127.0.0.1 where sqlx has no socket (Windows).
    pub fn this_computer(options: &sqlx::postgres::PgConnectOptions, database: &str) -> ServerSettings {
        // The socket's folder where there is one; on Windows, 127.0.0.1.
        let host = options.get_socket().map_or_else(|| options.get_host().to_string(), |s| s.display().to_string());
        ServerSettings {
            host,
            port: options.get_port(),
            database: database.to_string(),
            user: options.get_username().to_string(),
            tls: TlsMode::Disable,
            ca_file: None,
        }
    }

    /// Why this connection could be intercepted, for Settings to show
    /// (`None`: the server's certificate is checked, or it is this computer).
    pub fn tls_warning(&self) -> Option<String> {
        let local = self.host.starts_with('/')
            || self.host == "localhost"
            || self.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        match self.tls {
            _ if local => None,
            TlsMode::VerifyCa | TlsMode::VerifyFull => None,
            TlsMode::Require => Some(
                "the connection is encrypted but the server's identity is not checked: a machine on the network \
                 could pose as the clinic server and receive the password; choose verify-full with the clinic's \
                 CA certificate"
                    .into(),
            ),
            TlsMode::Disable => Some(
                "the connection is not encrypted: patients' data and the password cross the network readable; \
                 choose verify-full with the clinic's CA certificate"
                    .into(),
            ),
        }
    }

    /// The server and database, whoever signs in: names the station's own
    /// database for this clinic (one outbox per clinic, not per login).
    pub fn address(&self) -> String {
        format!("{}:{}/{}", self.host, self.port, self.database)
    }

    /// The keyring entry's name for this login's password on this server.
    pub fn secret_key(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.database)
    }
}

/// The default: the embedded demo clinic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `None`: run on the embedded demo clinic.
    pub server: Option<ServerSettings>,
    /// Where this clinic publishes app updates (`None`: the address built in).
    #[serde(default)]
    pub update_endpoint: Option<String>,
}

impl Settings {
    pub fn validate(&self) -> AppResult<Settings> {
        Ok(Settings {
            server: self.server.as_ref().map(ServerSettings::validate).transpose()?,
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
    std::fs::create_dir_all(config_dir).map_err(|e| clinic_store::internal(&e))?;
    let path = settings_path(config_dir);
    let temporary = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(settings).map_err(|e| clinic_store::internal(&e))?;
    std::fs::write(&temporary, text).map_err(|e| clinic_store::internal(&e))?;
    std::fs::rename(&temporary, &path).map_err(|e| clinic_store::internal(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(user: &str) -> ServerSettings {
        ServerSettings {
            host: "clinic.example".into(),
            port: 5432,
            database: "clinic".into(),
            user: user.into(),
            tls: TlsMode::Require,
            ca_file: None,
        }
    }

    #[test]
    fn a_user_name_the_driver_cannot_prepare_is_refused_by_field() {
        assert!(server("anna.k").validate().is_ok());
        assert!(server("Оксана").validate().is_ok(), "Cyrillic logins SASLprep fine");
        // Hebrew mixed with Latin breaks SASLprep's bidi rule: the driver panicked.
        for bad in ["\u{05d0}a", "a\u{0007}"] {
            let error = server(bad).validate().unwrap_err();
            assert!(matches!(&error, AppError::Validation { field, .. } if field == "user"), "{bad:?}: {error:?}");
        }
    }
}
