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
use clinic_domain::{Actor, AppResult};
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres, Transaction};

/// Every migration in `migrations/` (kept by the admin crate, which runs them).
pub use clinic_admin::MIGRATOR;
pub use error::{db_error, internal, log_with_reference};
pub use service::results::ResultUpload;
pub use service::sync::StationChanges;

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

    /// A transaction whose statements use their generic plan (in the same
    /// round trip as its BEGIN). For statements whose plan is right for
    /// any parameters (the slot context: each part read by key and bounded
    /// window): left to choose, PostgreSQL re-plans them on every call once
    /// the bookings table is large (measured: +0.5 ms a booking and a free
    /// slots search with three years of history, flat with this; issue 16).
    /// Never for a statement with optional filters (`$1 IS NULL OR …`),
    /// whose generic plan cannot use an index.
    async fn begin_generic(&self) -> AppResult<Transaction<'static, Postgres>> {
        self.pool.begin_with("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan").await.map_err(db_error)
    }

    /// A transaction whose writes record `actor` as who entered them at the
    /// station, beside the login the database records itself.
    async fn begin_as(&self, actor: &Actor) -> AppResult<Transaction<'static, Postgres>> {
        let mut tx = self.begin().await?;
        enter_as(&mut tx, actor).await?;
        Ok(tx)
    }
}

/// How often a write is tried when the database was busy with the same rows.
const BUSY_ATTEMPTS: u32 = 4;

/// Evaluates `$attempt` (an expression giving an `AppResult`) again when the
/// database was busy with the same rows (a deadlock or serialization
/// failure: nothing was written); a `Busy` conflict if it stays busy. (A
/// macro, not an async closure: the futures must stay `Send`.)
macro_rules! retrying_busy {
    ($attempt:expr) => {{
        let mut tried = 0u32;
        loop {
            tried += 1;
            match $attempt {
                Err(clinic_domain::AppError::Conflict { code: clinic_domain::ConflictCode::Busy, .. })
                    if tried < $crate::BUSY_ATTEMPTS =>
                {
                    $crate::busy_pause(tried).await
                }
                outcome => break outcome,
            }
        }
    }};
}
pub(crate) use retrying_busy;

/// A short pause that differs between the sessions that collided.
async fn busy_pause(tried: u32) {
    let jitter = u64::from(uuid::Uuid::now_v7().as_bytes()[15] % 20);
    tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(tried) + jitter)).await;
}

/// Who entered the transaction's changes at the station (the database's
/// author triggers keep it beside the login that wrote them).
async fn enter_as(conn: &mut sqlx::PgConnection, actor: &Actor) -> AppResult<()> {
    sqlx::query!("SELECT set_config('clinic.entered_by', $1, true) AS entered_by", actor.name())
        .fetch_one(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

async fn commit(tx: Transaction<'_, Postgres>) -> AppResult<()> {
    tx.commit().await.map_err(db_error)
}
