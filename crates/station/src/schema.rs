//! The schema gate: this build knows exactly which migrations it was built
//! with. Against an older schema it refuses to run and says the clinic's
//! administrator must migrate it (`clinic-admin migrate`: a desk's login
//! never owns the schema); against a newer one it reads but refuses to write
//! and says that a newer app is needed. No silent half-compatible running.

use clinic_domain::{AppError, AppResult};
use clinic_store::{db_error, MIGRATOR};
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{PgPool, Row};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum SchemaState {
    Current,
    /// No Clinic Desk tables yet.
    Empty,
    /// Migrations this app brings are not applied yet.
    #[serde(rename_all = "camelCase")]
    Older {
        pending: Vec<String>,
    },
    /// The database has migrations this app does not know: a newer app made them.
    #[serde(rename_all = "camelCase")]
    Newer {
        unknown: Vec<String>,
    },
    /// A known migration differs from the one applied, or one failed half-way.
    Mismatch {
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaStatus {
    /// The newest migration this app was built with.
    pub app_schema: String,
    /// The newest migration applied in the database.
    pub database_schema: Option<String>,
    pub app_version: String,
    pub state: SchemaState,
}

impl SchemaStatus {
    pub fn allows_reads(&self) -> bool {
        matches!(self.state, SchemaState::Current | SchemaState::Newer { .. })
    }

    pub fn allows_writes(&self) -> bool {
        self.state == SchemaState::Current
    }

    /// Why the gate is closed, as the error a command returns.
    pub fn refusal(&self) -> AppError {
        let message = match &self.state {
            SchemaState::Current => "the schema is current".to_string(),
            SchemaState::Empty => format!(
                "the clinic database is not set up for Clinic Desk yet; its administrator sets it up with \
                 clinic-admin init (this app needs schema {})",
                self.app_schema
            ),
            SchemaState::Older { .. } => format!(
                "the clinic database is older than this app (schema {}, app needs {}); its administrator \
                 updates it with clinic-admin migrate",
                self.database_schema.as_deref().unwrap_or("none"),
                self.app_schema
            ),
            SchemaState::Newer { unknown } => format!(
                "the clinic database was updated by a newer Clinic Desk (schema {}; this app {} knows up to {}); \
                 install the newer version to make changes",
                unknown.last().map(String::as_str).unwrap_or("?"),
                self.app_version,
                self.app_schema
            ),
            SchemaState::Mismatch { message } => message.clone(),
        };
        AppError::Unauthorized { message }
    }
}

fn label(version: i64, description: &str) -> String {
    format!("{version} {description}")
}

/// The newest migration applied in the database (`None`: none yet).
pub async fn database_version(pool: &PgPool) -> AppResult<Option<i64>> {
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    if !has_table {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .map_err(db_error)
}

/// Compares the database's applied migrations with the ones built in.
pub async fn inspect(pool: &PgPool) -> AppResult<SchemaStatus> {
    let known: Vec<_> = MIGRATOR.iter().collect();
    let app_schema = known.last().map(|m| label(m.version, &m.description)).unwrap_or_default();
    let app_version = env!("CARGO_PKG_VERSION").to_string();
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    if !has_table {
        return Ok(SchemaStatus { app_schema, database_schema: None, app_version, state: SchemaState::Empty });
    }
    let applied = sqlx::query("SELECT version, description, checksum, success FROM _sqlx_migrations ORDER BY version")
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    let database_schema = applied.last().map(|r| label(r.get("version"), r.get::<String, _>("description").as_str()));
    let status = |state| SchemaStatus {
        app_schema: app_schema.clone(),
        database_schema: database_schema.clone(),
        app_version: app_version.clone(),
        state,
    };

    let mut unknown = Vec::new();
    for row in &applied {
        let version: i64 = row.get("version");
        let description: String = row.get("description");
        if !row.get::<bool, _>("success") {
            return Ok(status(SchemaState::Mismatch {
                message: format!(
                    "migration {} failed half-way; the administrator must repair it",
                    label(version, &description)
                ),
            }));
        }
        match known.iter().find(|m| m.version == version) {
            Some(m) if m.checksum.as_ref() != row.get::<Vec<u8>, _>("checksum").as_slice() => {
                return Ok(status(SchemaState::Mismatch {
                    message: format!(
                        "migration {} in the database differs from this app's copy",
                        label(version, &description)
                    ),
                }));
            }
            Some(_) => {}
            None => unknown.push(label(version, &description)),
        }
    }
    if !unknown.is_empty() {
        return Ok(status(SchemaState::Newer { unknown }));
    }
    let pending: Vec<String> = known
        .iter()
        .filter(|m| !applied.iter().any(|r| r.get::<i64, _>("version") == m.version))
        .map(|m| label(m.version, &m.description))
        .collect();
    if pending.is_empty() {
        Ok(status(SchemaState::Current))
    } else {
        Ok(status(SchemaState::Older { pending }))
    }
}
