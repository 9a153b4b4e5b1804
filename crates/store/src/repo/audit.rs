use clinic_domain::ids::PatientId;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

/// What the database cannot see for itself (a profile opened, a file saved),
/// recorded through `audit.record_view`: the station names what was seen,
/// the database adds who (the session's login), when and from which station.
pub async fn record_view(
    conn: &mut PgConnection,
    action: &str,
    table: &str,
    row: &str,
    patient: Option<PatientId>,
) -> AppResult<()> {
    sqlx::query_scalar!("SELECT audit.record_view($1, $2, $3, $4)", action, table, row, patient.map(|p| p.0))
        .fetch_one(conn)
        .await
        .db()?;
    Ok(())
}
