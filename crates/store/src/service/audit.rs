//! The audit trail as the app reads it. The database decides who may:
//! managers and auditors list the trail; anyone at a desk reads a booking's
//! or a patient's own.

use chrono::{DateTime, Utc};
use clinic_domain::audit::{events_csv, AuditEvent, AuditFilter};
use clinic_domain::documents::OutputRecord;
use clinic_domain::ids::{BookingId, PatientId};
use clinic_domain::AppResult;
use serde_json::json;

use crate::repo::audit;
use crate::Clinic;

/// `made_at`: when a station printed it offline (the event's own time is
/// when it reached the server).
pub(crate) async fn record_output(
    conn: &mut sqlx::PgConnection,
    record: &OutputRecord,
    made_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    let mut details = json!({ "document": record.document, "output": record.output, "rows": record.rows });
    if record.offline {
        details["offline"] = json!(true);
    }
    if let Some(made_at) = made_at {
        details["madeAt"] = json!(made_at);
    }
    let (action, table) = (record.output.audit_action(), record.document.table());
    audit::record_view(conn, action, table, &record.covering, record.patient_id, &details).await
}

impl Clinic {
    #[tracing::instrument(skip_all)]
    pub async fn audit_events(&self, filter: &AuditFilter) -> AppResult<Vec<AuditEvent>> {
        let filter = filter.validate()?;
        audit::events(&mut *self.conn().await?, &filter).await
    }

    /// How many events, and the filtered events as CSV; the export itself
    /// is recorded in the trail.
    #[tracing::instrument(skip_all)]
    pub async fn export_audit_csv(&self, filter: &AuditFilter) -> AppResult<(usize, String)> {
        let events = self.audit_events(filter).await?;
        let mut conn = self.conn().await?;
        let what = format!("{} events", events.len());
        audit::record_view(&mut conn, "export", "events", &what, filter.patient_id, &json!({})).await?;
        Ok((events.len(), events_csv(&events)))
    }

    /// A document printed or saved (a day sheet, a slip, an export): which
    /// one, what it covered, how many rows; the database adds who, when and
    /// from which station.
    #[tracing::instrument(skip_all, fields(document = ?record.document, output = ?record.output))]
    pub async fn record_output(&self, record: &OutputRecord) -> AppResult<()> {
        record_output(&mut *self.conn().await?, record, None).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn booking_trail(&self, booking: BookingId) -> AppResult<Vec<AuditEvent>> {
        audit::booking_trail(&mut *self.conn().await?, booking).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn patient_trail(&self, patient: PatientId) -> AppResult<Vec<AuditEvent>> {
        audit::patient_trail(&mut *self.conn().await?, patient).await
    }
}
