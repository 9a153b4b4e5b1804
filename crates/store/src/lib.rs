//! Clinic Desk's PostgreSQL store.
//!
//! - `repo`: one module per aggregate; every function takes `&mut PgConnection`,
//!   so it runs on a pooled connection or inside a transaction alike.
//! - `service`: the [`Clinic`] facade. Each operation validates its input,
//!   owns its transaction, and calls repositories; this is what the desktop
//!   shell's commands call.
//! - `demo`: the deterministic demo-clinic generator.

pub mod demo;
mod error;
pub mod repo;
mod service;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use clinic_domain::AppResult;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres, Transaction};

pub use error::{db_error, internal, log_with_reference};
pub use service::results::ResultUpload;
pub use service::sync::StationChanges;

/// Every migration in `migrations/`, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The clinic's operations over one PostgreSQL pool.
#[derive(Clone)]
pub struct Clinic {
    pool: PgPool,
    clock: Clock,
}

impl Clinic {
    pub fn new(pool: PgPool) -> Self {
        Clinic { pool, clock: Arc::new(Utc::now) }
    }

    /// The same clinic with a fixed clock (tests, demo generation).
    pub fn with_clock(pool: PgPool, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Clinic { pool, clock: Arc::new(clock) }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Whether the database answers within `patience` (a station's heartbeat).
    pub async fn ping(&self, patience: std::time::Duration) -> AppResult<()> {
        match tokio::time::timeout(patience, sqlx::query("SELECT 1").execute(&self.pool)).await {
            Ok(answer) => answer.map(drop).map_err(db_error),
            Err(_) => {
                Err(clinic_domain::AppError::Offline { message: "the clinic database did not answer in time".into() })
            }
        }
    }

    async fn conn(&self) -> AppResult<PoolConnection<Postgres>> {
        self.pool.acquire().await.map_err(db_error)
    }

    async fn begin(&self) -> AppResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(db_error)
    }
}

async fn commit(tx: Transaction<'_, Postgres>) -> AppResult<()> {
    tx.commit().await.map_err(db_error)
}
