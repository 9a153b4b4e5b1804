//! The outbox: intents in the order staff made them, each written in the same
//! transaction as the rows it changed locally (marked provisional).

use chrono::{DateTime, Utc};
use clinic_domain::bookings::Booking;
use clinic_domain::ids::IntentId;
use clinic_domain::intents::{Intent, IntentOutcome, QueuedIntent};
use clinic_domain::patients::Patient;
use clinic_domain::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::{Row, SqliteConnection};

use crate::{from_json, local_error, to_json, LocalStore};

/// An intent not yet applied, in its place in line.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub seq: i64,
    pub queued: QueuedIntent,
}

/// An intent the server refused, waiting for a person to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub intent_id: IntentId,
    pub made_at: DateTime<Utc>,
    pub actor: String,
    /// What was attempted.
    pub intent: Intent,
    /// Why the server refused it.
    pub error: AppError,
    /// The booking as this station showed it when the intent was made.
    pub attempted: Option<Booking>,
}

impl LocalStore {
    /// Queues `queued` and applies its optimistic rows, in one transaction.
    pub async fn enqueue(
        &self,
        queued: &QueuedIntent,
        file: Option<&[u8]>,
        bookings: &[Booking],
        patients: &[Patient],
    ) -> AppResult<()> {
        let mut tx = self.pool.begin().await.map_err(|e| local_error(&e))?;
        let attempted = bookings.first().map(to_json).transpose()?;
        sqlx::query("INSERT INTO outbox (intent_id, body, attempted) VALUES (?1, ?2, ?3)")
            .bind(queued.intent_id.to_string())
            .bind(to_json(queued)?)
            .bind(attempted)
            .execute(&mut *tx)
            .await
            .map_err(|e| local_error(&e))?;
        if let Some(bytes) = file {
            sqlx::query("INSERT INTO outbox_files (intent_id, bytes) VALUES (?1, ?2)")
                .bind(queued.intent_id.to_string())
                .bind(bytes)
                .execute(&mut *tx)
                .await
                .map_err(|e| local_error(&e))?;
        }
        for row_id in touched_ids(&queued.intent) {
            sqlx::query("INSERT OR IGNORE INTO outbox_touches (intent_id, row_id) VALUES (?1, ?2)")
                .bind(queued.intent_id.to_string())
                .bind(row_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| local_error(&e))?;
        }
        for booking in bookings {
            let provisional = Booking { provisional: true, ..booking.clone() };
            crate::replica::put_booking(&mut tx, &provisional).await?;
        }
        for patient in patients {
            crate::replica::put_patient(&mut tx, patient, true).await?;
        }
        tx.commit().await.map_err(|e| local_error(&e))
    }

    /// The oldest pending intent, if any.
    pub async fn next_pending(&self) -> AppResult<Option<Pending>> {
        Ok(self.pending_batch(1).await?.into_iter().next())
    }

    /// Up to `limit` pending intents, oldest first. Files are read one intent
    /// at a time (a batch of scans must not sit in memory at once).
    pub async fn pending_batch(&self, limit: i64) -> AppResult<Vec<Pending>> {
        let rows = sqlx::query("SELECT seq, body FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        rows.iter().map(|r| Ok(Pending { seq: r.get("seq"), queued: from_json(r.get::<&str, _>("body"))? })).collect()
    }

    /// The file queued with an intent, if it carries one.
    pub async fn file_of(&self, pending: &Pending) -> AppResult<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT bytes FROM outbox_files WHERE intent_id = ?1")
            .bind(pending.queued.intent_id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| local_error(&e))
    }

    pub async fn pending_count(&self) -> AppResult<i64> {
        count(&mut *self.pool.acquire().await.map_err(|e| local_error(&e))?, "pending").await
    }

    /// Notes why a push got no answer (the intent stays first in line).
    pub async fn record_failed_attempt(&self, seq: i64, error: &AppError) -> AppResult<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1")
            .bind(seq)
            .bind(to_json(error)?)
            .execute(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        Ok(())
    }

    /// Records the server's answer. Applied: the intent leaves the outbox and
    /// its rows stop being provisional (unless a later pending intent still
    /// changes them). Rejected: it waits on the conflicts screen and its
    /// provisional rows are dropped (the next pull restores the server's).
    pub async fn acknowledge(&self, seq: i64, outcome: &IntentOutcome) -> AppResult<()> {
        self.acknowledge_all(&[(seq, outcome.clone())]).await
    }

    /// Several answers in one local transaction (one disk flush). Should the
    /// station stop before it commits, those intents are pushed again and
    /// the server's intent log answers them without applying them twice.
    pub async fn acknowledge_all(&self, answers: &[(i64, IntentOutcome)]) -> AppResult<()> {
        let mut tx = self.pool.begin().await.map_err(|e| local_error(&e))?;
        for (seq, outcome) in answers {
            acknowledge_in(&mut tx, *seq, outcome).await?;
        }
        tx.commit().await.map_err(|e| local_error(&e))
    }

    pub async fn conflicts(&self) -> AppResult<Vec<Conflict>> {
        let rows = sqlx::query("SELECT body, rejection, attempted FROM outbox WHERE state = 'rejected' ORDER BY seq")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        rows.iter()
            .map(|r| {
                let queued: QueuedIntent = from_json(r.get::<&str, _>("body"))?;
                Ok(Conflict {
                    intent_id: queued.intent_id,
                    made_at: queued.made_at,
                    actor: queued.actor,
                    intent: queued.intent,
                    error: from_json(r.get::<&str, _>("rejection"))?,
                    attempted: r.get::<Option<&str>, _>("attempted").map(from_json).transpose()?,
                })
            })
            .collect()
    }

    pub async fn conflict_count(&self) -> AppResult<i64> {
        count(&mut *self.pool.acquire().await.map_err(|e| local_error(&e))?, "rejected").await
    }

    /// A person decided: the refused intent leaves the conflicts screen.
    /// `false` when there was no such conflict.
    pub async fn dismiss_conflict(&self, id: IntentId) -> AppResult<bool> {
        let done = sqlx::query("DELETE FROM outbox WHERE intent_id = ?1 AND state = 'rejected'")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        Ok(done.rows_affected() == 1)
    }
}

async fn count(conn: &mut SqliteConnection, state: &str) -> AppResult<i64> {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE state = ?1")
        .bind(state)
        .fetch_one(conn)
        .await
        .map_err(|e| local_error(&e))
}

/// The ids of the local rows an intent changed optimistically.
fn touched_ids(intent: &Intent) -> Vec<String> {
    match intent {
        Intent::CreatePatient { patient_id, .. } => vec![patient_id.to_string()],
        Intent::Reschedule { request } => vec![request.booking_id.to_string(), request.new_booking_id.to_string()],
        other => other.booking_id().map(|id| vec![id.to_string()]).unwrap_or_default(),
    }
}

/// Whether a pending intent still changes the row.
async fn still_pending(conn: &mut SqliteConnection, id: &str) -> AppResult<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM outbox_touches t JOIN outbox o ON o.intent_id = t.intent_id
                         WHERE t.row_id = ?1 AND o.state = 'pending')",
    )
    .bind(id)
    .fetch_one(conn)
    .await
    .map_err(|e| local_error(&e))
}

async fn acknowledge_in(conn: &mut SqliteConnection, seq: i64, outcome: &IntentOutcome) -> AppResult<()> {
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE seq = ?1")
        .bind(seq)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| local_error(&e))?;
    let queued: QueuedIntent = from_json(&body)?;
    let touched = touched_ids(&queued.intent);
    match outcome {
        IntentOutcome::Applied => {
            sqlx::query("DELETE FROM outbox WHERE seq = ?1")
                .bind(seq)
                .execute(&mut *conn)
                .await
                .map_err(|e| local_error(&e))?;
            for id in &touched {
                if !still_pending(conn, id).await? {
                    crate::replica::settle(conn, id).await?;
                }
            }
        }
        IntentOutcome::Rejected { error } => {
            sqlx::query("UPDATE outbox SET state = 'rejected', rejection = ?2 WHERE seq = ?1")
                .bind(seq)
                .bind(to_json(error)?)
                .execute(&mut *conn)
                .await
                .map_err(|e| local_error(&e))?;
            sqlx::query("DELETE FROM outbox_files WHERE intent_id = ?1")
                .bind(queued.intent_id.to_string())
                .execute(&mut *conn)
                .await
                .map_err(|e| local_error(&e))?;
            for id in &touched {
                crate::replica::forget_provisional(conn, id).await?;
            }
        }
    }
    Ok(())
}
