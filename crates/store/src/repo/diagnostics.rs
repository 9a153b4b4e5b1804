use clinic_domain::catalogue::{Diagnostic, DiagnosticOffer, ValidDiagnostic};
use clinic_domain::ids::{DiagnosticId, LocationId, PhotoId};
use clinic_domain::values::Money;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

/// A diagnostic row plus one counted column (clinics offering it, or the
/// capacity at one location, depending on the query).
struct DiagnosticRow {
    id: DiagnosticId,
    type_name: String,
    description: String,
    preparation: String,
    price: rust_decimal::Decimal,
    photo_id: Option<PhotoId>,
    slot_minutes: i32,
    is_active: bool,
    row_version: i32,
    count: i32,
}

impl DiagnosticRow {
    fn into_diagnostic(self) -> (Diagnostic, i32) {
        let diagnostic = Diagnostic {
            id: self.id,
            type_name: self.type_name,
            description: self.description,
            preparation: self.preparation,
            price: Money::from_stored(self.price),
            photo_id: self.photo_id,
            slot_minutes: self.slot_minutes,
            is_active: self.is_active,
            clinic_count: self.count,
            row_version: self.row_version,
        };
        (diagnostic, self.count)
    }
}

/// MedSync's `get_all_diagnostic_types` with its clinic count, but keeping
/// diagnostics offered nowhere (MedSync's inner join hid them).
pub async fn list(conn: &mut PgConnection, include_inactive: bool) -> AppResult<Vec<Diagnostic>> {
    select(conn, include_inactive, None).await
}

pub async fn get(conn: &mut PgConnection, id: DiagnosticId) -> AppResult<Option<Diagnostic>> {
    Ok(select(conn, true, Some(id)).await?.into_iter().next())
}

async fn select(
    conn: &mut PgConnection,
    include_inactive: bool,
    only: Option<DiagnosticId>,
) -> AppResult<Vec<Diagnostic>> {
    let rows = sqlx::query_as!(
        DiagnosticRow,
        r#"SELECT g.diagnostic_id AS "id: DiagnosticId", g.type_name, g.description, g.preparation, g.price,
                  g.photo_id AS "photo_id: PhotoId", g.slot_minutes::int4 AS "slot_minutes!", g.is_active,
                  g.row_version,
                  (SELECT count(*) FROM diagnostic_locations dl
                    WHERE dl.diagnostic_id = g.diagnostic_id AND dl.is_active)::int4 AS "count!"
             FROM diagnostics g
            WHERE (g.is_active OR $1) AND ($2::int4 IS NULL OR g.diagnostic_id = $2)
            ORDER BY g.type_name"#,
        include_inactive,
        only.map(|d| d.0)
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(|r| r.into_diagnostic().0).collect())
}

pub async fn insert(conn: &mut PgConnection, diagnostic: &ValidDiagnostic) -> AppResult<DiagnosticId> {
    sqlx::query_scalar!(
        r#"INSERT INTO diagnostics (type_name, description, preparation, price, slot_minutes)
           VALUES ($1, $2, $3, $4, $5)
           RETURNING diagnostic_id AS "id: DiagnosticId""#,
        diagnostic.type_name,
        diagnostic.description,
        diagnostic.preparation,
        diagnostic.price.amount(),
        diagnostic.slot_length.minutes() as i16
    )
    .fetch_one(conn)
    .await
    .db()
}

pub async fn update(
    conn: &mut PgConnection,
    id: DiagnosticId,
    expected_version: i32,
    diagnostic: &ValidDiagnostic,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE diagnostics SET type_name = $3, description = $4, preparation = $5, price = $6, slot_minutes = $7
          WHERE diagnostic_id = $1 AND row_version = $2",
        id as DiagnosticId,
        expected_version,
        diagnostic.type_name,
        diagnostic.description,
        diagnostic.preparation,
        diagnostic.price.amount(),
        diagnostic.slot_length.minutes() as i16
    )
    .execute(conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_active(conn: &mut PgConnection, id: DiagnosticId, active: bool) -> AppResult<bool> {
    let done =
        sqlx::query!("UPDATE diagnostics SET is_active = $2 WHERE diagnostic_id = $1", id as DiagnosticId, active)
            .execute(conn)
            .await
            .db()?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_photo(conn: &mut PgConnection, id: DiagnosticId, photo: Option<PhotoId>) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE diagnostics SET photo_id = $2 WHERE diagnostic_id = $1",
        id as DiagnosticId,
        photo as Option<PhotoId>
    )
    .execute(conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}

/// Offers the diagnostic at the location with this capacity (or changes the
/// capacity of an existing offer, re-activating it).
pub async fn offer(conn: &mut PgConnection, id: DiagnosticId, location: LocationId, capacity: i16) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO diagnostic_locations (diagnostic_id, location_id, capacity) VALUES ($1, $2, $3)
         ON CONFLICT (diagnostic_id, location_id) DO UPDATE SET capacity = EXCLUDED.capacity, is_active = true",
        id as DiagnosticId,
        location as LocationId,
        capacity
    )
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

/// Stops offering it there; past and upcoming bookings keep their row.
pub async fn withdraw(conn: &mut PgConnection, id: DiagnosticId, location: LocationId) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE diagnostic_locations SET is_active = false WHERE diagnostic_id = $1 AND location_id = $2",
        id as DiagnosticId,
        location as LocationId
    )
    .execute(conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}

/// MedSync's `get_locations_by_type`: where the diagnostic is offered.
pub async fn offers(
    conn: &mut PgConnection,
    id: DiagnosticId,
    include_inactive: bool,
) -> AppResult<Vec<DiagnosticOffer>> {
    sqlx::query_as!(
        DiagnosticOffer,
        r#"SELECT dl.diagnostic_id AS "diagnostic_id: DiagnosticId", dl.location_id AS "location_id: LocationId",
                  l.name AS location_name, l.address, dl.capacity::int4 AS "capacity!", dl.is_active
             FROM diagnostic_locations dl JOIN locations l ON l.location_id = dl.location_id
            WHERE dl.diagnostic_id = $1 AND (dl.is_active OR $2)
            ORDER BY l.name"#,
        id as DiagnosticId,
        include_inactive
    )
    .fetch_all(conn)
    .await
    .db()
}
