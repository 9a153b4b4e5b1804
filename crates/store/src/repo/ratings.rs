use clinic_domain::bookings::Rating;
use clinic_domain::ids::{BookingId, DoctorId, PatientId, RatingId};
use clinic_domain::values::Stars;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

pub struct NewRating<'a> {
    pub id: RatingId,
    pub doctor_id: DoctorId,
    pub patient_id: PatientId,
    pub booking_id: BookingId,
    pub stars: Stars,
    pub comment: &'a str,
}

pub async fn insert(conn: &mut PgConnection, r: &NewRating<'_>) -> AppResult<Rating> {
    sqlx::query_as!(
        Rating,
        r#"INSERT INTO doctor_ratings (rating_id, doctor_id, patient_id, booking_id, rating, comment)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING rating_id AS "id: RatingId", doctor_id AS "doctor_id: DoctorId",
                     patient_id AS "patient_id: PatientId", booking_id AS "booking_id: BookingId",
                     rating::int4 AS "rating!", comment, created_at"#,
        r.id as RatingId,
        r.doctor_id as DoctorId,
        r.patient_id as PatientId,
        r.booking_id as BookingId,
        r.stars.get(),
        r.comment
    )
    .fetch_one(conn)
    .await
    .db()
}

pub async fn for_doctor(conn: &mut PgConnection, doctor: DoctorId, limit: i64) -> AppResult<Vec<Rating>> {
    sqlx::query_as!(
        Rating,
        r#"SELECT rating_id AS "id: RatingId", doctor_id AS "doctor_id: DoctorId",
                  patient_id AS "patient_id: PatientId", booking_id AS "booking_id: BookingId",
                  rating::int4 AS "rating!", comment, created_at
             FROM doctor_ratings WHERE doctor_id = $1
            ORDER BY created_at DESC LIMIT $2"#,
        doctor as DoctorId,
        limit
    )
    .fetch_all(conn)
    .await
    .db()
}

pub async fn for_booking(conn: &mut PgConnection, booking: BookingId) -> AppResult<Option<Rating>> {
    sqlx::query_as!(
        Rating,
        r#"SELECT rating_id AS "id: RatingId", doctor_id AS "doctor_id: DoctorId",
                  patient_id AS "patient_id: PatientId", booking_id AS "booking_id: BookingId",
                  rating::int4 AS "rating!", comment, created_at
             FROM doctor_ratings WHERE booking_id = $1"#,
        booking as BookingId
    )
    .fetch_optional(conn)
    .await
    .db()
}
