use clinic_domain::catalogue::{Doctor, DoctorFilter, DoctorSummary, LocationRef, ValidDoctor};
use clinic_domain::ids::{DoctorId, LocationId, PhotoId, SpecialtyId};
use clinic_domain::values::Money;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;
use crate::repo::like_fragment;

/// MedSync's `get_all_doctors` (average rating and review count) with every
/// location of each doctor, filtered; ordered by name.
pub async fn list(conn: &mut PgConnection, filter: &DoctorFilter) -> AppResult<Vec<DoctorSummary>> {
    Ok(select(conn, filter, None).await?.into_iter().map(|d| d.summary).collect())
}

/// MedSync's `get_doctor`: the listing plus experience, certificates, services.
pub async fn get(conn: &mut PgConnection, id: DoctorId) -> AppResult<Option<Doctor>> {
    let filter = DoctorFilter { include_inactive: true, ..DoctorFilter::default() };
    Ok(select(conn, &filter, Some(id)).await?.into_iter().next())
}

async fn select(conn: &mut PgConnection, filter: &DoctorFilter, only: Option<DoctorId>) -> AppResult<Vec<Doctor>> {
    let search = filter.search.as_deref().map(like_fragment);
    let rows = sqlx::query!(
        r#"WITH places AS (
                  SELECT dl.doctor_id,
                         array_agg(loc.location_id ORDER BY loc.name) AS ids,
                         array_agg(loc.name ORDER BY loc.name) AS names
                    FROM doctor_locations dl JOIN locations loc ON loc.location_id = dl.location_id
                   GROUP BY dl.doctor_id)
           SELECT d.doctor_id AS "id: DoctorId", d.full_name, d.specialty_id AS "specialty_id: SpecialtyId",
                  s.specialty_name, d.price, d.photo_id AS "photo_id: PhotoId", d.is_active,
                  d.experience, d.certificates, d.services, d.slot_minutes::int4 AS "slot_minutes!",
                  d.row_version,
                  round(t.rating_sum::numeric / NULLIF(t.rating_count, 0), 2)::float8 AS average_rating,
                  COALESCE(t.rating_count, 0)::int4 AS "review_count!",
                  COALESCE(p.ids, '{}') AS "location_ids!: Vec<i32>", COALESCE(p.names, '{}') AS "location_names!"
             FROM doctors d
             JOIN specialties s ON s.specialty_id = d.specialty_id
             LEFT JOIN doctor_rating_totals t ON t.doctor_id = d.doctor_id
             LEFT JOIN places p ON p.doctor_id = d.doctor_id
            WHERE (d.is_active OR $1)
              AND ($2::int4 IS NULL OR d.specialty_id = $2)
              AND ($3::int4 IS NULL OR $3 = ANY(p.ids))
              AND ($4::text IS NULL OR d.full_name ILIKE $4 OR s.specialty_name ILIKE $4)
              AND ($5::int4 IS NULL OR d.doctor_id = $5)
            ORDER BY d.full_name, d.doctor_id"#,
        filter.include_inactive,
        filter.specialty_id.map(|s| s.0),
        filter.location_id.map(|l| l.0),
        search,
        only.map(|d| d.0),
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| Doctor {
            summary: DoctorSummary {
                id: r.id,
                full_name: r.full_name,
                specialty_id: r.specialty_id,
                specialty_name: r.specialty_name,
                price: Money::from_stored(r.price),
                photo_id: r.photo_id,
                locations: r
                    .location_ids
                    .into_iter()
                    .zip(r.location_names)
                    .map(|(id, name)| LocationRef { id: LocationId(id), name })
                    .collect(),
                average_rating: r.average_rating,
                review_count: r.review_count,
                slot_minutes: r.slot_minutes,
                is_active: r.is_active,
            },
            experience: r.experience,
            certificates: r.certificates,
            services: r.services,
            row_version: r.row_version,
        })
        .collect())
}

pub async fn insert(conn: &mut PgConnection, doctor: &ValidDoctor) -> AppResult<DoctorId> {
    sqlx::query_scalar!(
        r#"INSERT INTO doctors (full_name, specialty_id, price, experience, certificates, services, slot_minutes)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING doctor_id AS "id: DoctorId""#,
        doctor.full_name,
        doctor.specialty_id as SpecialtyId,
        doctor.price.amount(),
        doctor.experience,
        doctor.certificates,
        &doctor.services,
        doctor.slot_length.minutes() as i16
    )
    .fetch_one(conn)
    .await
    .db()
}

/// `false` when the row is missing or no longer at `expected_version`.
pub async fn update(
    conn: &mut PgConnection,
    id: DoctorId,
    expected_version: i32,
    doctor: &ValidDoctor,
) -> AppResult<bool> {
    let done = sqlx::query!(
        r#"UPDATE doctors
              SET full_name = $3, specialty_id = $4, price = $5, experience = $6, certificates = $7,
                  services = $8, slot_minutes = $9
            WHERE doctor_id = $1 AND row_version = $2"#,
        id as DoctorId,
        expected_version,
        doctor.full_name,
        doctor.specialty_id as SpecialtyId,
        doctor.price.amount(),
        doctor.experience,
        doctor.certificates,
        &doctor.services,
        doctor.slot_length.minutes() as i16
    )
    .execute(conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}

/// Makes the doctor's locations exactly `locations` (hours at a dropped
/// location go with it; bookings stay).
pub async fn set_locations(conn: &mut PgConnection, id: DoctorId, locations: &[LocationId]) -> AppResult<()> {
    let ids: Vec<i32> = locations.iter().map(|l| l.0).collect();
    sqlx::query!(
        "DELETE FROM doctor_locations WHERE doctor_id = $1 AND NOT (location_id = ANY($2))",
        id as DoctorId,
        &ids
    )
    .execute(&mut *conn)
    .await
    .db()?;
    sqlx::query!(
        "INSERT INTO doctor_locations (doctor_id, location_id)
         SELECT $1, unnest($2::int4[]) ON CONFLICT DO NOTHING",
        id as DoctorId,
        &ids
    )
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

pub async fn set_active(conn: &mut PgConnection, id: DoctorId, active: bool) -> AppResult<bool> {
    let done = sqlx::query!("UPDATE doctors SET is_active = $2 WHERE doctor_id = $1", id as DoctorId, active)
        .execute(conn)
        .await
        .db()?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_photo(conn: &mut PgConnection, id: DoctorId, photo: Option<PhotoId>) -> AppResult<bool> {
    let done =
        sqlx::query!("UPDATE doctors SET photo_id = $2 WHERE doctor_id = $1", id as DoctorId, photo as Option<PhotoId>)
            .execute(conn)
            .await
            .db()?;
    Ok(done.rows_affected() == 1)
}

/// What booking needs to know about a doctor: whether active, the price and
/// slot length, and whether the doctor works at `location`.
pub struct BookingTerms {
    pub full_name: String,
    pub is_active: bool,
    pub price: Money,
    pub slot_minutes: u16,
    pub works_there: bool,
}

pub async fn booking_terms(
    conn: &mut PgConnection,
    id: DoctorId,
    location: LocationId,
) -> AppResult<Option<BookingTerms>> {
    let row = sqlx::query!(
        r#"SELECT full_name, is_active, price, slot_minutes,
                  EXISTS (SELECT 1 FROM doctor_locations WHERE doctor_id = $1 AND location_id = $2) AS "works_there!"
             FROM doctors WHERE doctor_id = $1"#,
        id as DoctorId,
        location as LocationId
    )
    .fetch_optional(conn)
    .await
    .db()?;
    Ok(row.map(|r| BookingTerms {
        full_name: r.full_name,
        is_active: r.is_active,
        price: Money::from_stored(r.price),
        slot_minutes: r.slot_minutes as u16,
        works_there: r.works_there,
    }))
}
