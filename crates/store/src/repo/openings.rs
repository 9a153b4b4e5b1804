//! Who the openings search looks at: every doctor or diagnostic the caller
//! asked for, at every active location where it can be booked.

use clinic_domain::ids::{DiagnosticId, DoctorId, LocationId, SpecialtyId};
use clinic_domain::values::Money;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

/// A doctor or diagnostic bookable at a location, with what its calendar
/// needs besides hours and bookings.
pub struct CandidateRow {
    pub location_id: LocationId,
    pub location_name: String,
    pub time_zone: String,
    pub subject_id: i32,
    pub name: String,
    pub detail: String,
    pub price: Money,
    pub slot_minutes: u16,
    /// 1 for a doctor, the capacity for a diagnostic.
    pub lanes: u16,
}

/// Active doctors of a specialty or one active doctor, at their active
/// locations (one, or all).
pub async fn doctors(
    conn: &mut PgConnection,
    specialty: Option<SpecialtyId>,
    doctor: Option<DoctorId>,
    location: Option<LocationId>,
) -> AppResult<Vec<CandidateRow>> {
    let rows = sqlx::query!(
        r#"SELECT l.location_id AS "location_id: LocationId", l.name AS location_name, l.time_zone,
                  d.doctor_id, d.full_name, s.specialty_name, d.price, d.slot_minutes
             FROM doctors d
             JOIN specialties s ON s.specialty_id = d.specialty_id
             JOIN doctor_locations dl ON dl.doctor_id = d.doctor_id
             JOIN locations l ON l.location_id = dl.location_id
            WHERE d.is_active AND l.is_active
              AND ($1::int4 IS NULL OR d.specialty_id = $1)
              AND ($2::int4 IS NULL OR d.doctor_id = $2)
              AND ($3::int4 IS NULL OR l.location_id = $3)
            ORDER BY l.location_id, d.doctor_id"#,
        specialty.map(|s| s.0),
        doctor.map(|d| d.0),
        location.map(|l| l.0)
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| CandidateRow {
            location_id: r.location_id,
            location_name: r.location_name,
            time_zone: r.time_zone,
            subject_id: r.doctor_id,
            name: r.full_name,
            detail: r.specialty_name,
            price: Money::from_stored(r.price),
            slot_minutes: r.slot_minutes as u16,
            lanes: 1,
        })
        .collect())
}

/// An active diagnostic at the active locations offering it (one, or all).
pub async fn diagnostic(
    conn: &mut PgConnection,
    diagnostic: DiagnosticId,
    location: Option<LocationId>,
) -> AppResult<Vec<CandidateRow>> {
    let rows = sqlx::query!(
        r#"SELECT l.location_id AS "location_id: LocationId", l.name AS location_name, l.time_zone,
                  g.diagnostic_id, g.type_name, g.price, g.slot_minutes, o.capacity
             FROM diagnostics g
             JOIN diagnostic_locations o ON o.diagnostic_id = g.diagnostic_id
             JOIN locations l ON l.location_id = o.location_id
            WHERE g.diagnostic_id = $1 AND g.is_active AND o.is_active AND l.is_active
              AND ($2::int4 IS NULL OR l.location_id = $2)
            ORDER BY l.location_id"#,
        diagnostic as DiagnosticId,
        location.map(|l| l.0)
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| CandidateRow {
            location_id: r.location_id,
            location_name: r.location_name,
            time_zone: r.time_zone,
            subject_id: r.diagnostic_id,
            name: r.type_name,
            detail: String::new(),
            price: Money::from_stored(r.price),
            slot_minutes: r.slot_minutes as u16,
            lanes: r.capacity as u16,
        })
        .collect())
}

/// Whether what was asked for exists at all (an empty answer then means
/// "nothing free", not "no such doctor").
pub async fn wanted_exists(
    conn: &mut PgConnection,
    specialty: Option<SpecialtyId>,
    doctor: Option<DoctorId>,
    diagnostic: Option<DiagnosticId>,
) -> AppResult<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM specialties WHERE specialty_id = $1)
               OR EXISTS (SELECT 1 FROM doctors WHERE doctor_id = $2)
               OR EXISTS (SELECT 1 FROM diagnostics WHERE diagnostic_id = $3) AS "exists!""#,
        specialty.map(|s| s.0),
        doctor.map(|d| d.0),
        diagnostic.map(|d| d.0)
    )
    .fetch_one(conn)
    .await
    .db()
}
