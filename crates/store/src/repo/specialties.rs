use clinic_domain::catalogue::Specialty;
use clinic_domain::ids::SpecialtyId;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

/// Every specialty, by name.
pub async fn list(conn: &mut PgConnection, include_inactive: bool) -> AppResult<Vec<Specialty>> {
    sqlx::query_as!(
        Specialty,
        r#"SELECT specialty_id AS "id: SpecialtyId", specialty_name AS name, is_active, row_version
             FROM specialties WHERE is_active OR $1 ORDER BY specialty_name"#,
        include_inactive
    )
    .fetch_all(conn)
    .await
    .db()
}

/// MedSync's `get_specialties`: only specialties that have active doctors.
pub async fn list_with_doctors(conn: &mut PgConnection) -> AppResult<Vec<Specialty>> {
    sqlx::query_as!(
        Specialty,
        r#"SELECT s.specialty_id AS "id: SpecialtyId", s.specialty_name AS name, s.is_active, s.row_version
             FROM specialties s
            WHERE s.is_active
              AND EXISTS (SELECT 1 FROM doctors d WHERE d.specialty_id = s.specialty_id AND d.is_active)
            ORDER BY s.specialty_name"#
    )
    .fetch_all(conn)
    .await
    .db()
}

pub async fn insert(conn: &mut PgConnection, name: &str) -> AppResult<Specialty> {
    sqlx::query_as!(
        Specialty,
        r#"INSERT INTO specialties (specialty_name) VALUES ($1)
           RETURNING specialty_id AS "id: SpecialtyId", specialty_name AS name, is_active, row_version"#,
        name
    )
    .fetch_one(conn)
    .await
    .db()
}

pub async fn rename(
    conn: &mut PgConnection,
    id: SpecialtyId,
    expected_version: i32,
    name: &str,
) -> AppResult<Option<Specialty>> {
    sqlx::query_as!(
        Specialty,
        r#"UPDATE specialties SET specialty_name = $3 WHERE specialty_id = $1 AND row_version = $2
           RETURNING specialty_id AS "id: SpecialtyId", specialty_name AS name, is_active, row_version"#,
        id as SpecialtyId,
        expected_version,
        name
    )
    .fetch_optional(conn)
    .await
    .db()
}

pub async fn set_active(conn: &mut PgConnection, id: SpecialtyId, active: bool) -> AppResult<Option<Specialty>> {
    sqlx::query_as!(
        Specialty,
        r#"UPDATE specialties SET is_active = $2 WHERE specialty_id = $1
           RETURNING specialty_id AS "id: SpecialtyId", specialty_name AS name, is_active, row_version"#,
        id as SpecialtyId,
        active
    )
    .fetch_optional(conn)
    .await
    .db()
}

pub async fn exists(conn: &mut PgConnection, id: SpecialtyId) -> AppResult<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM specialties WHERE specialty_id = $1) AS "e!""#,
        id as SpecialtyId
    )
    .fetch_one(conn)
    .await
    .db()
}
