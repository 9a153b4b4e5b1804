//! What stations need to sync: the applied-intent log (replay idempotency)
//! and rows changed since a station's checkpoint.

use chrono::{DateTime, Utc};
use clinic_domain::ids::{BookingId, IntentId, PatientId};
use clinic_domain::intents::{IntentOutcome, QueuedIntent};
use clinic_domain::patients::Patient;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::{internal, DbResultExt};

/// Records the intent as applied; `false` if it was recorded before (then the
/// caller returns that outcome). Blocks while another transaction holds the
/// same id, so two pushes of one intent cannot both run it.
pub async fn claim(conn: &mut PgConnection, queued: &QueuedIntent) -> AppResult<bool> {
    let claimed = sqlx::query_scalar!(
        "INSERT INTO applied_intents (intent_id, station, kind, outcome) VALUES ($1, $2, $3, 'applied')
         ON CONFLICT (intent_id) DO NOTHING RETURNING true",
        queued.intent_id as IntentId,
        queued.station,
        queued.intent.kind()
    )
    .fetch_optional(conn)
    .await
    .db()?;
    Ok(claimed.is_some())
}

/// Records a rejection (the intent's own changes were rolled back).
pub async fn record_rejection(
    conn: &mut PgConnection,
    queued: &QueuedIntent,
    outcome: &IntentOutcome,
) -> AppResult<()> {
    let IntentOutcome::Rejected { error } = outcome else {
        return Ok(());
    };
    let rejection = serde_json::to_string(error).map_err(|e| internal(&e))?;
    sqlx::query!(
        "INSERT INTO applied_intents (intent_id, station, kind, outcome, rejection)
         VALUES ($1, $2, $3, 'rejected', $4::text::jsonb) ON CONFLICT (intent_id) DO NOTHING",
        queued.intent_id as IntentId,
        queued.station,
        queued.intent.kind(),
        rejection
    )
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

pub async fn recorded_outcome(conn: &mut PgConnection, id: IntentId) -> AppResult<Option<IntentOutcome>> {
    let row = sqlx::query!(
        "SELECT outcome, rejection::text AS rejection FROM applied_intents WHERE intent_id = $1",
        id as IntentId
    )
    .fetch_optional(conn)
    .await
    .db()?;
    row.map(|r| match r.rejection {
        Some(json) if r.outcome == "rejected" => {
            Ok(IntentOutcome::Rejected { error: serde_json::from_str(&json).map_err(|e| internal(&e))? })
        }
        _ => Ok(IntentOutcome::Applied),
    })
    .transpose()
}

/// The oldest transaction still running when this snapshot was taken: every
/// row written by a transaction below it is visible now, so the next pull
/// asks for rows stamped at or above it.
pub async fn snapshot_checkpoint(conn: &mut PgConnection) -> AppResult<i64> {
    sqlx::query_scalar!(r#"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8 AS "xmin!""#)
        .fetch_one(conn)
        .await
        .db()
}

/// Bookings written at or after `since` that start in `[from, to)`, each
/// with its location's zone (a station keeps those of its window's dates).
pub async fn changed_bookings(
    conn: &mut PgConnection,
    since: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<ChangedBooking>> {
    sqlx::query_as!(
        ChangedBooking,
        r#"SELECT b.booking_id AS "booking_id: BookingId", l.time_zone, b.starts_at
             FROM bookings b JOIN locations l USING (location_id)
            WHERE b.changed_xid >= $1::int8::text::xid8 AND b.starts_at >= $2 AND b.starts_at < $3"#,
        since,
        from,
        to
    )
    .fetch_all(conn)
    .await
    .db()
}

pub struct ChangedBooking {
    pub booking_id: BookingId,
    pub time_zone: String,
    pub starts_at: DateTime<Utc>,
}

/// Patients written at or after `since`; on a first pull (`None`), those
/// booked anywhere in `[from, to)` and those created since `from`.
pub async fn changed_patients(
    conn: &mut PgConnection,
    since: Option<i64>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<Patient>> {
    sqlx::query_as!(
        Patient,
        r#"SELECT patient_id AS "id: PatientId", patient_number, full_name, phone, email, date_of_birth,
                  notes, row_version, created_at
             FROM patients p
            WHERE CASE WHEN $1::int8 IS NULL
                       THEN p.created_at >= $2
                            OR EXISTS (SELECT 1 FROM bookings b WHERE b.patient_id = p.patient_id
                                          AND b.starts_at >= $2 AND b.starts_at < $3)
                       ELSE p.changed_xid >= $1::int8::text::xid8 END
            ORDER BY p.patient_id"#,
        since,
        from,
        to
    )
    .fetch_all(conn)
    .await
    .db()
}
