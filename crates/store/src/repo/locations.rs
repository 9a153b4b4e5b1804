use clinic_domain::catalogue::{Location, LocationInput};
use clinic_domain::ids::LocationId;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

/// A `Location` from a row whose columns carry its field names (the
/// loaders that read the location with the rest in one statement).
macro_rules! location_of {
    ($row:expr) => {
        clinic_domain::catalogue::Location {
            id: $row.id,
            name: $row.name,
            address: $row.address,
            phone: $row.phone,
            time_zone: $row.time_zone,
            grid_minutes: $row.grid_minutes,
            is_active: $row.is_active,
            row_version: $row.row_version,
        }
    };
}
pub(crate) use location_of;

pub async fn list(conn: &mut PgConnection, include_inactive: bool) -> AppResult<Vec<Location>> {
    sqlx::query_as!(
        Location,
        r#"SELECT location_id AS "id: LocationId", name, address, phone, time_zone,
                  grid_minutes::int4 AS "grid_minutes!", is_active, row_version
             FROM locations
            WHERE is_active OR $1
            ORDER BY name"#,
        include_inactive
    )
    .fetch_all(conn)
    .await
    .db()
}

pub async fn get(conn: &mut PgConnection, id: LocationId) -> AppResult<Option<Location>> {
    sqlx::query_as!(
        Location,
        r#"SELECT location_id AS "id: LocationId", name, address, phone, time_zone,
                  grid_minutes::int4 AS "grid_minutes!", is_active, row_version
             FROM locations WHERE location_id = $1"#,
        id as LocationId
    )
    .fetch_optional(conn)
    .await
    .db()
}

pub async fn insert(conn: &mut PgConnection, input: &LocationInput) -> AppResult<Location> {
    sqlx::query_as!(
        Location,
        r#"INSERT INTO locations (name, address, phone, time_zone, grid_minutes)
           VALUES ($1, $2, $3, $4, $5)
           RETURNING location_id AS "id: LocationId", name, address, phone, time_zone,
                     grid_minutes::int4 AS "grid_minutes!", is_active, row_version"#,
        input.name,
        input.address,
        input.phone,
        input.time_zone,
        input.grid_minutes as i16
    )
    .fetch_one(conn)
    .await
    .db()
}

/// Updates only if the row is still at `expected_version`; `None` otherwise.
pub async fn update(
    conn: &mut PgConnection,
    id: LocationId,
    expected_version: i32,
    input: &LocationInput,
) -> AppResult<Option<Location>> {
    sqlx::query_as!(
        Location,
        r#"UPDATE locations
              SET name = $3, address = $4, phone = $5, time_zone = $6, grid_minutes = $7
            WHERE location_id = $1 AND row_version = $2
        RETURNING location_id AS "id: LocationId", name, address, phone, time_zone,
                  grid_minutes::int4 AS "grid_minutes!", is_active, row_version"#,
        id as LocationId,
        expected_version,
        input.name,
        input.address,
        input.phone,
        input.time_zone,
        input.grid_minutes as i16
    )
    .fetch_optional(conn)
    .await
    .db()
}

pub async fn set_active(conn: &mut PgConnection, id: LocationId, active: bool) -> AppResult<Option<Location>> {
    sqlx::query_as!(
        Location,
        r#"UPDATE locations SET is_active = $2 WHERE location_id = $1
        RETURNING location_id AS "id: LocationId", name, address, phone, time_zone,
                  grid_minutes::int4 AS "grid_minutes!", is_active, row_version"#,
        id as LocationId,
        active
    )
    .fetch_optional(conn)
    .await
    .db()
}
