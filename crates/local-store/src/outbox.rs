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

/// An intent the server refused, or would not decide on, waiting for a
/// person to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub intent_id: IntentId,
    pub made_at: DateTime<Utc>,
    pub actor: String,
    /// What was attempted.
    pub intent: Intent,
    /// Why the server refused it (or, when `failed`, the last error).
    pub error: AppError,
    /// The booking as this station showed it when the intent was made.
    pub attempted: Option<Booking>,
    /// The server never decided: every push failed (`attempts` times) with
    /// an error other than the connection. Trying again may work.
    pub failed: bool,
    pub attempts: u32,
    /// A file travels with it (a result): kept until the conflict is dismissed.
    pub has_file: bool,
    /// What a person may do about it (the conflicts screen offers these).
    pub offers: Vec<ConflictAction>,
}

/// A decision the conflicts screen offers for a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ConflictAction {
    /// Book the same patient and doctor or diagnostic at another free time.
    Rebook,
    /// Push it again: only when the server never decided (a refusal stands).
    Retry,
    /// Attach the kept file to another booking of the patient.
    AttachElsewhere,
    /// Save the kept file where the person chooses.
    SaveCopy,
    KeepTheirs,
    Discard,
}

impl Conflict {
    /// The decisions that fit this conflict: the one rule the conflicts
    /// screen and the station's resolution both follow.
    fn decisions(intent: &Intent, attempted: bool, failed: bool, has_file: bool) -> Vec<ConflictAction> {
        let mut offers = Vec::new();
        if attempted && matches!(intent, Intent::Book { .. } | Intent::Reschedule { .. }) {
            offers.push(ConflictAction::Rebook);
        }
        if failed {
            offers.push(ConflictAction::Retry);
        }
        if has_file && matches!(intent, Intent::AttachResult { .. }) {
            offers.extend([ConflictAction::AttachElsewhere, ConflictAction::SaveCopy]);
        }
        offers.extend([ConflictAction::KeepTheirs, ConflictAction::Discard]);
        offers
    }

    pub fn offers(&self, action: ConflictAction) -> bool {
        self.offers.contains(&action)
    }
}

/// Changes whose push failed more than once for a reason other than the
/// connection: the header says "sync stuck" while there are any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stuck {
    pub count: u32,
    pub since: Option<DateTime<Utc>>,
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

    /// Notes why a push got no answer (the intent stays first in line) and
    /// returns how many pushes of it have failed for reasons other than the
    /// connection (a lost connection, or locks held by someone else, are not
    /// the intent's fault: not counted).
    pub async fn record_failed_attempt(&self, seq: i64, error: &AppError) -> AppResult<u32> {
        // Waiting for locks someone else held ("busy") is not its fault either.
        let counts = !matches!(
            error,
            AppError::Offline { .. } | AppError::Conflict { code: clinic_domain::ConflictCode::Busy, .. }
        );
        let attempts: i64 = sqlx::query_scalar(
            "UPDATE outbox SET attempts = attempts + ?3, last_error = ?2,
                    failing_since = CASE WHEN ?3 = 1 THEN coalesce(failing_since, ?4) ELSE failing_since END
              WHERE seq = ?1 RETURNING attempts",
        )
        .bind(seq)
        .bind(to_json(error)?)
        .bind(i64::from(counts))
        .bind(crate::instant(Utc::now()))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        Ok(u32::try_from(attempts).unwrap_or(u32::MAX))
    }

    /// Sets an intent the server would not decide on aside for a person
    /// (the conflicts screen), so the changes behind it move on. Its rows
    /// stop being shown as made here until it is tried again.
    pub async fn set_aside(&self, seq: i64, error: &AppError) -> AppResult<()> {
        let mut tx = self.pool.begin().await.map_err(|e| local_error(&e))?;
        let body: String = sqlx::query_scalar(
            "UPDATE outbox SET state = 'failed', rejection = ?2 WHERE seq = ?1 AND state = 'pending' RETURNING body",
        )
        .bind(seq)
        .bind(to_json(error)?)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| local_error(&e))?;
        let queued: QueuedIntent = from_json(&body)?;
        for id in touched_ids(&queued.intent) {
            crate::replica::forget_provisional(&mut tx, &id).await?;
        }
        tx.commit().await.map_err(|e| local_error(&e))
    }

    /// Puts a set-aside intent back in line (first, by its place), its
    /// count of failures reset. `false` when it was not set aside.
    pub async fn retry_failed(&self, id: IntentId) -> AppResult<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET state = 'pending', rejection = NULL, attempts = 0, failing_since = NULL
              WHERE intent_id = ?1 AND state = 'failed'",
        )
        .bind(id.to_string())
        .execute(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        Ok(done.rows_affected() == 1)
    }

    /// Pending changes whose push failed more than once (not for the connection).
    pub async fn stuck(&self) -> AppResult<Stuck> {
        let (count, since): (i64, Option<String>) =
            sqlx::query_as("SELECT count(*), min(failing_since) FROM outbox WHERE state = 'pending' AND attempts > 1")
                .fetch_one(&self.pool)
                .await
                .map_err(|e| local_error(&e))?;
        let since = since
            .map(|s| DateTime::parse_from_rfc3339(&s).map(|at| at.to_utc()))
            .transpose()
            .map_err(|e| local_error(&e))?;
        Ok(Stuck { count: u32::try_from(count).unwrap_or(u32::MAX), since })
    }

    /// The file kept with a conflict (a refused or failed result upload).
    pub async fn conflict_file(&self, id: IntentId) -> AppResult<Option<Vec<u8>>> {
        sqlx::query_scalar(
            "SELECT f.bytes FROM outbox_files f JOIN outbox o ON o.intent_id = f.intent_id
              WHERE f.intent_id = ?1 AND o.state IN ('rejected', 'failed')",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| local_error(&e))
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
        let rows = sqlx::query(
            "SELECT o.body, o.rejection, o.attempted, o.state, o.attempts,
                    EXISTS (SELECT 1 FROM outbox_files f WHERE f.intent_id = o.intent_id) AS has_file
               FROM outbox o WHERE o.state IN ('rejected', 'failed') ORDER BY o.seq",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        rows.iter()
            .map(|r| {
                let queued: QueuedIntent = from_json(r.get::<&str, _>("body"))?;
                let attempted: Option<Booking> = r.get::<Option<&str>, _>("attempted").map(from_json).transpose()?;
                let (failed, has_file) = (r.get::<&str, _>("state") == "failed", r.get::<bool, _>("has_file"));
                Ok(Conflict {
                    offers: Conflict::decisions(&queued.intent, attempted.is_some(), failed, has_file),
                    intent_id: queued.intent_id,
                    made_at: queued.made_at,
                    actor: queued.actor,
                    intent: queued.intent,
                    error: from_json(r.get::<&str, _>("rejection"))?,
                    attempted,
                    failed,
                    attempts: u32::try_from(r.get::<i64, _>("attempts")).unwrap_or(u32::MAX),
                    has_file,
                })
            })
            .collect()
    }

    pub async fn conflict_count(&self) -> AppResult<i64> {
        let mut conn = self.pool.acquire().await.map_err(|e| local_error(&e))?;
        Ok(count(&mut conn, "rejected").await? + count(&mut conn, "failed").await?)
    }

    /// A person decided: the refused intent leaves the conflicts screen, and
    /// the file kept with it (if any) goes with it. `false` when there was
    /// no such conflict.
    pub async fn dismiss_conflict(&self, id: IntentId) -> AppResult<bool> {
        let done = sqlx::query("DELETE FROM outbox WHERE intent_id = ?1 AND state IN ('rejected', 'failed')")
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
            // A file queued with it stays until a person dismisses the conflict.
            for id in &touched {
                crate::replica::forget_provisional(conn, id).await?;
            }
        }
    }
    Ok(())
}
