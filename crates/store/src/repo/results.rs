use clinic_domain::bookings::ResultFile;
use clinic_domain::ids::{BookingId, PatientId, ResultId};
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

pub struct NewResult<'a> {
    pub id: ResultId,
    pub booking_id: BookingId,
    pub patient_id: PatientId,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub content: &'a [u8],
}

/// Stores the file; the database measures it, checks its type against its
/// bytes and records who uploaded it. A retry with the same id changes
/// nothing (`false`).
pub async fn insert(conn: &mut PgConnection, r: &NewResult<'_>) -> AppResult<bool> {
    let done = sqlx::query!(
        "INSERT INTO diagnostic_results (diagnostic_result_id, booking_id, patient_id, file_name, media_type, content)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (diagnostic_result_id) DO NOTHING",
        r.id as ResultId,
        r.booking_id as BookingId,
        r.patient_id as PatientId,
        r.file_name,
        r.media_type,
        r.content
    )
    .execute(conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}

/// Which results to describe: one, a booking's, or a patient's.
pub enum Select {
    One(ResultId),
    Booking(BookingId),
    Patient(PatientId),
}

/// MedSync's `get_results` / `get_result`, without the bytes; newest first.
pub async fn select(conn: &mut PgConnection, which: Select) -> AppResult<Vec<ResultFile>> {
    let (one, booking, patient) = match which {
        Select::One(id) => (Some(id.0), None, None),
        Select::Booking(id) => (None, Some(id.0), None),
        Select::Patient(id) => (None, None, Some(id.0)),
    };
    let rows = sqlx::query!(
        r#"SELECT r.diagnostic_result_id AS "id: ResultId", r.booking_id AS "booking_id: BookingId",
                  r.patient_id AS "patient_id: PatientId", g.type_name AS diagnostic_name, r.file_name,
                  r.media_type, r.byte_size, r.sha256, r.uploaded_by, r.created_at
             FROM diagnostic_results r
             JOIN bookings b ON b.booking_id = r.booking_id
             JOIN diagnostics g ON g.diagnostic_id = b.diagnostic_id
            WHERE ($1::uuid IS NULL OR r.diagnostic_result_id = $1)
              AND ($2::uuid IS NULL OR r.booking_id = $2)
              AND ($3::uuid IS NULL OR r.patient_id = $3)
            ORDER BY r.created_at DESC, r.diagnostic_result_id"#,
        one,
        booking,
        patient
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| ResultFile {
            id: r.id,
            booking_id: r.booking_id,
            patient_id: r.patient_id,
            diagnostic_name: r.diagnostic_name,
            file_name: r.file_name,
            media_type: r.media_type,
            byte_size: r.byte_size,
            sha256: hex::encode(&r.sha256),
            uploaded_by: r.uploaded_by,
            created_at: r.created_at,
        })
        .collect())
}

pub async fn content(conn: &mut PgConnection, id: ResultId) -> AppResult<Option<Vec<u8>>> {
    sqlx::query_scalar!("SELECT content FROM diagnostic_results WHERE diagnostic_result_id = $1", id as ResultId)
        .fetch_optional(conn)
        .await
        .db()
}
