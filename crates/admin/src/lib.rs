//! Clinic Desk's administration, for the clinic's IT administrator and for
//! the test harness: setting up a clinic server (roles, ownership, schema),
//! migrating it, staff logins, verifying the audit trail. No Tauri, no
//! compile-time-checked queries: it must build before any database exists.

pub mod provision;
pub mod scram;
pub mod staff;
pub mod testing;

use sqlx::migrate::Migrator;

/// Every migration in `migrations/`, embedded at build time.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");
