//! Connecting to the clinic's server, and telling precisely what is wrong
//! when it does not work.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::PgPool;

use crate::schema::{self, SchemaState, SchemaStatus};
use crate::settings::{ServerSettings, TlsMode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionProblem {
    HostUnreachable,
    BadPassword,
    /// The server refused this user or this machine (pg_hba.conf, no such role).
    NotPermitted,
    TlsFailure,
    /// The server asked for the password in clear text or as MD5: refused,
    /// the station signs in with SCRAM-SHA-256 only.
    WeakAuthentication,
    DatabaseMissing,
    SchemaTooOld,
    SchemaTooNew,
    SchemaMismatch,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub ok: bool,
    pub problem: Option<ConnectionProblem>,
    pub message: String,
    pub server_version: Option<String>,
    pub schema: Option<SchemaStatus>,
    /// What Settings warns about these TLS settings (`ServerSettings::tls_warning`).
    #[serde(default)]
    pub tls_warning: Option<String>,
}

/// How long the server keeps a station's open transaction that went quiet.
pub const IDLE_IN_TRANSACTION: &str = "10s";

/// What the station tells the server it is (`application_name`, which the
/// audit trail records): "clinic-desk", the station's id, the computer's name.
pub fn station_name(station_id: Option<&str>) -> String {
    let computer = std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .unwrap_or_default();
    let name: String = format!("clinic-desk {} {}", station_id.unwrap_or("-"), computer.trim())
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect();
    // PostgreSQL keeps 63 bytes of it.
    name.trim().chars().take(63).collect()
}

pub fn connect_options(server: &ServerSettings, password: Option<&str>) -> PgConnectOptions {
    let mut options = PgConnectOptions::new()
        .host(&server.host)
        .port(server.port)
        .database(&server.database)
        .username(&server.user)
        .application_name("clinic-desk")
        .ssl_mode(match server.tls {
            TlsMode::Disable => PgSslMode::Disable,
            TlsMode::Require => PgSslMode::Require,
            TlsMode::VerifyCa => PgSslMode::VerifyCa,
            TlsMode::VerifyFull => PgSslMode::VerifyFull,
        });
    if let Some(password) = password {
        options = options.password(password);
    }
    // A transaction whose station vanished mid-way (a link that died
    // without a reset) is ended by the server, not left holding its locks.
    options = options.options([("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION)]);
    if let (TlsMode::VerifyCa | TlsMode::VerifyFull, Some(ca)) = (server.tls, &server.ca_file) {
        options = options.ssl_root_cert(ca.as_str());
    }
    options
}

/// A pool for the station: few connections (a clinic has many stations and
/// PostgreSQL's connection limit is shared), a short connect timeout, and
/// the connections a burst opened closed again once unused: a quiet desk
/// holds only its listener, whose own connection carries the heartbeat
/// (`live::listen`; docs/deployment.md sizes a server from that). A desk
/// that pulls now and then reuses its pool's connections in turn, so a
/// connection's lifetime retires those that idleness alone would not.
pub async fn open_pool(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .min_connections(0)
        .idle_timeout(IDLE_CLOSE)
        .max_lifetime(LIFETIME)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
}

/// Connections one desk's pool opens at most (its listener is one more).
pub const MAX_CONNECTIONS: u32 = 5;
/// How long a pooled connection may sit unused before it is closed.
pub const IDLE_CLOSE: Duration = Duration::from_secs(30);
/// A pooled connection is closed when returned after this long (and opened
/// again only if needed): a quiet desk is back to one within about this
/// time after a burst, at the cost of one new connection per desk this
/// often.
pub const LIFETIME: Duration = Duration::from_secs(120);

/// Refuses to send `password` to a server that asks for it in clear text
/// or as MD5 (see `preflight`).
pub(crate) async fn refuse_weak_authentication(server: &ServerSettings, password: Option<&str>) -> Result<(), String> {
    if password.is_none() {
        return Ok(());
    }
    match crate::preflight::auth_request(server).await {
        Some(request) if request.exposes_password() => Err(format!(
            "{}:{} asked for {}'s password {}; this station signs in with SCRAM-SHA-256 only and did not send it: \
             the administrator sets scram-sha-256 for this login in pg_hba.conf",
            server.host,
            server.port,
            server.user,
            if request == crate::preflight::AuthRequest::Md5 { "as MD5" } else { "in clear text" }
        )),
        _ => Ok(()),
    }
}

/// Tries the settings without changing anything and reports what is wrong.
pub async fn test(server: &ServerSettings, password: Option<&str>) -> ConnectionReport {
    if let Err(message) = refuse_weak_authentication(server, password).await {
        return ConnectionReport {
            ok: false,
            problem: Some(ConnectionProblem::WeakAuthentication),
            message,
            server_version: None,
            schema: None,
            tls_warning: server.tls_warning(),
        };
    }
    let pool = match open_pool(connect_options(server, password)).await {
        Ok(pool) => pool,
        Err(error) => {
            let (problem, message) = classify(&error, server);
            return ConnectionReport {
                ok: false,
                problem: Some(problem),
                message,
                server_version: None,
                schema: None,
                tls_warning: server.tls_warning(),
            };
        }
    };
    let report = probe(&pool).await;
    pool.close().await;
    ConnectionReport { tls_warning: server.tls_warning(), ..report }
}

pub(crate) async fn probe(pool: &PgPool) -> ConnectionReport {
    let server_version: Option<String> = sqlx::query_scalar("SHOW server_version").fetch_one(pool).await.ok();
    match schema::inspect(pool).await {
        Ok(schema) => {
            let (ok, problem, message) = match &schema.state {
                SchemaState::Current => (true, None, "connected; the clinic database is up to date".to_string()),
                SchemaState::Newer { .. } => {
                    (false, Some(ConnectionProblem::SchemaTooNew), schema.refusal().to_string())
                }
                SchemaState::Empty | SchemaState::Older { .. } => {
                    (false, Some(ConnectionProblem::SchemaTooOld), schema.refusal().to_string())
                }
                SchemaState::Mismatch { message } => (false, Some(ConnectionProblem::SchemaMismatch), message.clone()),
            };
            ConnectionReport { ok, problem, message, server_version, schema: Some(schema), tls_warning: None }
        }
        Err(error) => ConnectionReport {
            ok: false,
            problem: Some(ConnectionProblem::Other),
            message: error.to_string(),
            server_version,
            schema: None,
            tls_warning: None,
        },
    }
}

/// Names the problem from the error the driver gave.
pub fn classify(error: &sqlx::Error, server: &ServerSettings) -> (ConnectionProblem, String) {
    use ConnectionProblem::*;
    let target = format!("{}:{}", server.host, server.port);
    match error {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("28P01") => (BadPassword, format!("the password for {} was not accepted", server.user)),
            Some("28000") => (
                NotPermitted,
                format!("the server does not let {} connect from this machine: {}", server.user, db.message()),
            ),
            Some("3D000") => (DatabaseMissing, format!("the server has no database named {}", server.database)),
            _ => (Other, format!("the server refused the connection: {}", db.message())),
        },
        // rustls reports a refused certificate as an I/O error.
        sqlx::Error::Io(io) if io.to_string().contains("invalid peer certificate") => {
            (TlsFailure, tls_failure(&target, server, &io.to_string()))
        }
        sqlx::Error::Io(io) => (HostUnreachable, format!("cannot reach {target}: {io}")),
        sqlx::Error::PoolTimedOut => (HostUnreachable, format!("{target} did not answer within 5 seconds")),
        sqlx::Error::Tls(tls) => (TlsFailure, tls_failure(&target, server, &tls.to_string())),
        sqlx::Error::Configuration(e) => (TlsFailure, format!("the connection settings are not usable: {e}")),
        other => (Other, other.to_string()),
    }
}

/// Which check of the server's certificate failed, in words.
fn tls_failure(target: &str, server: &ServerSettings, detail: &str) -> String {
    let detail_words = detail.to_lowercase().replace(['_', ' '], "");
    if detail_words.contains("notvalidforname") {
        format!("the server's certificate is not for {}: this may not be the clinic server", server.host)
    } else if detail_words.contains("unknownissuer") {
        format!("the certificate of {target} is not signed by the clinic's CA: this may not be the clinic server")
    } else if detail_words.contains("expired") {
        format!("the certificate of {target} has expired")
    } else {
        format!("the secure connection to {target} failed: {detail}")
    }
}
