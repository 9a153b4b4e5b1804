use clinic_domain::audit::{AuditAction, AuditEvent, AuditFilter, ColumnChange};
use clinic_domain::ids::{BookingId, PatientId};
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
    details: &serde_json::Value,
) -> AppResult<()> {
    sqlx::query_scalar!(
        "SELECT audit.record_view($1, $2, $3, $4, $5::text::jsonb)",
        action,
        table,
        row,
        patient.map(|p| p.0),
        details.to_string()
    )
    .fetch_one(conn)
    .await
    .db()?;
    Ok(())
}

/// The changed columns of an event, from its `changes` JSON
/// (`{"column": {"old": …, "new": …}}`); text values without quotes.
fn column_changes(changes: &str) -> Vec<ColumnChange> {
    let text = |value: Option<&serde_json::Value>| {
        value.map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(changes).unwrap_or_default();
    parsed
        .into_iter()
        .map(|(column, change)| ColumnChange { column, old: text(change.get("old")), new: text(change.get("new")) })
        .collect()
}

fn action(key: &str) -> AuditAction {
    // The table's CHECK allows only these; an unknown one reads as a view.
    AuditAction::from_key(key).unwrap_or(AuditAction::View)
}

/// One audit event as the three readers select it (the same columns each).
struct EventRow {
    event_id: i64,
    at: chrono::DateTime<chrono::Utc>,
    login: String,
    station: String,
    action: String,
    table_name: String,
    row_id: Option<String>,
    patient_id: Option<uuid::Uuid>,
    changes: String,
    verified: bool,
}

impl From<EventRow> for AuditEvent {
    fn from(r: EventRow) -> AuditEvent {
        AuditEvent {
            event_id: r.event_id,
            at: r.at,
            login: r.login,
            station: r.station,
            action: action(&r.action),
            table_name: r.table_name,
            row_id: r.row_id,
            patient_id: r.patient_id.map(PatientId),
            changes: column_changes(&r.changes),
            verified: r.verified,
        }
    }
}

/// Events the filter selects, newest first, each with whether it verifies.
pub async fn events(conn: &mut PgConnection, filter: &AuditFilter) -> AppResult<Vec<AuditEvent>> {
    let rows = sqlx::query_as!(
        EventRow,
        r#"SELECT e.event_id, e.at, e.login, e.station, e.action, e.table_name, e.row_id, e.patient_id,
                  e.changes::text AS "changes!", audit.event_verifies(e) AS "verified!"
             FROM audit.events e
            WHERE ($1::timestamptz IS NULL OR e.at >= $1) AND ($2::timestamptz IS NULL OR e.at < $2)
              AND ($3 = '' OR e.login = $3) AND ($4::uuid IS NULL OR e.patient_id = $4)
              AND ($5 = '' OR e.station ILIKE '%' || $5 || '%') AND ($6::text IS NULL OR e.action = $6)
            ORDER BY e.event_id DESC
            LIMIT $7"#,
        filter.since,
        filter.until,
        filter.login,
        filter.patient_id.map(|p| p.0),
        filter.station,
        filter.action.map(AuditAction::key),
        AuditFilter::MAX_EVENTS
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(AuditEvent::from).collect())
}

/// A booking's own trail, oldest first (anyone at a desk may read it).
pub async fn booking_trail(conn: &mut PgConnection, booking: BookingId) -> AppResult<Vec<AuditEvent>> {
    let rows = sqlx::query_as!(
        EventRow,
        r#"SELECT event_id AS "event_id!", at AS "at!", login AS "login!", station AS "station!",
                  action AS "action!", 'bookings' AS "table_name!", $1::uuid::text AS row_id,
                  NULL::uuid AS patient_id, changes::text AS "changes!", verified AS "verified!"
             FROM audit.booking_trail($1)"#,
        booking.0
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(AuditEvent::from).collect())
}

/// A patient's trail, newest first.
pub async fn patient_trail(conn: &mut PgConnection, patient: PatientId) -> AppResult<Vec<AuditEvent>> {
    let rows = sqlx::query_as!(
        EventRow,
        r#"SELECT event_id AS "event_id!", at AS "at!", login AS "login!", station AS "station!",
                  action AS "action!", table_name AS "table_name!", row_id, $1::uuid AS patient_id,
                  changes::text AS "changes!", verified AS "verified!"
             FROM audit.patient_trail($1, 200)"#,
        patient.0
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(AuditEvent::from).collect())
}
