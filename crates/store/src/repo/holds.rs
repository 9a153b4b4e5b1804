//! Times held at desks (migration 25): the database sets who holds and
//! until when, and its triggers keep holds and bookings apart.

use chrono::{DateTime, Utc};
use clinic_domain::bookings::{BookingSubject, SlotHold};
use clinic_domain::ids::{BookingId, LocationId};
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

pub async fn insert(
    conn: &mut PgConnection,
    id: BookingId,
    location: LocationId,
    held: BookingSubject,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> AppResult<SlotHold> {
    let (doctor, diagnostic) = match held {
        BookingSubject::Doctor { doctor_id } => (Some(doctor_id.0), None),
        BookingSubject::Diagnostic { diagnostic_id } => (None, Some(diagnostic_id.0)),
    };
    let row = sqlx::query!(
        r#"INSERT INTO slot_holds (hold_id, location_id, doctor_id, diagnostic_id, starts_at, ends_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING held_by, expires_at"#,
        id as BookingId,
        location as LocationId,
        doctor,
        diagnostic,
        starts_at,
        ends_at
    )
    .fetch_one(conn)
    .await
    .db()?;
    Ok(SlotHold {
        id,
        location_id: location,
        subject: held,
        starts_at,
        ends_at,
        held_by: row.held_by,
        expires_at: row.expires_at,
    })
}

/// Releases the session's own hold; `false` when there was none (taken,
/// expired and gone, or someone else's).
pub async fn release(conn: &mut PgConnection, id: BookingId) -> AppResult<bool> {
    let done = sqlx::query!("DELETE FROM slot_holds WHERE hold_id = $1", id as BookingId).execute(conn).await.db()?;
    Ok(done.rows_affected() == 1)
}
