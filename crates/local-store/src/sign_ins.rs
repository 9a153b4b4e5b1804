//! Who may sign in on this station while the clinic database is out of
//! reach: staff who signed in online here within the clinic's limit, each
//! with a memory-hard verifier of their password (computed by the station),
//! what the database said they may do then, and the clinic's lock policy.

use chrono::{DateTime, Utc};
use clinic_domain::staff::StaffAccess;
use clinic_domain::AppResult;

use crate::{from_json, instant, local_error, to_json, LocalStore};

/// A staff member's last online sign-in on this station.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptSignIn {
    pub verifier: String,
    pub access: StaffAccess,
    pub signed_in_at: DateTime<Utc>,
    /// How many days after `signed_in_at` an offline sign-in is allowed.
    pub valid_days: i32,
    pub lock_after_minutes: i32,
}

impl KeptSignIn {
    /// Whether it still lets its staff member sign in offline at `now`.
    pub fn valid_at(&self, now: DateTime<Utc>) -> bool {
        now < self.signed_in_at + chrono::Duration::days(i64::from(self.valid_days))
    }
}

impl LocalStore {
    /// Replaces what was kept for this login.
    pub async fn keep_sign_in(&self, sign_in: &KeptSignIn) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO offline_sign_ins (login, verifier, access, signed_in_at, valid_days, lock_after_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (login) DO UPDATE SET verifier = excluded.verifier, access = excluded.access,
                 signed_in_at = excluded.signed_in_at, valid_days = excluded.valid_days,
                 lock_after_minutes = excluded.lock_after_minutes",
        )
        .bind(&sign_in.access.login)
        .bind(&sign_in.verifier)
        .bind(to_json(&sign_in.access)?)
        .bind(instant(sign_in.signed_in_at))
        .bind(sign_in.valid_days)
        .bind(sign_in.lock_after_minutes)
        .execute(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        Ok(())
    }

    pub async fn kept_sign_in(&self, login: &str) -> AppResult<Option<KeptSignIn>> {
        let row: Option<(String, String, String, i32, i32)> = sqlx::query_as(
            "SELECT verifier, access, signed_in_at, valid_days, lock_after_minutes
             FROM offline_sign_ins WHERE login = ?1",
        )
        .bind(login)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        let Some((verifier, access, signed_in_at, valid_days, lock_after_minutes)) = row else { return Ok(None) };
        let signed_in_at = DateTime::parse_from_rfc3339(&signed_in_at).map_err(|e| local_error(&e))?.to_utc();
        Ok(Some(KeptSignIn { verifier, access: from_json(&access)?, signed_in_at, valid_days, lock_after_minutes }))
    }

    /// The logins this station keeps an offline sign-in for.
    pub async fn kept_sign_in_logins(&self) -> AppResult<Vec<String>> {
        sqlx::query_scalar("SELECT login FROM offline_sign_ins ORDER BY login")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| local_error(&e))
    }

    /// Forgets these logins (disabled, or refused by the server).
    pub async fn forget_sign_ins(&self, logins: &[String]) -> AppResult<()> {
        for login in logins {
            sqlx::query("DELETE FROM offline_sign_ins WHERE login = ?1")
                .bind(login)
                .execute(&self.pool)
                .await
                .map_err(|e| local_error(&e))?;
        }
        Ok(())
    }
}
