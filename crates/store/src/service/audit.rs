//! The audit trail as the app reads it. The database decides who may:
//! managers and auditors list the trail; anyone at a desk reads a booking's
//! or a patient's own.

use clinic_domain::audit::{events_csv, AuditEvent, AuditFilter};
use clinic_domain::ids::{BookingId, PatientId};
use clinic_domain::AppResult;

use crate::repo::audit;
use crate::Clinic;

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
        audit::record_view(&mut conn, "export", "events", &what, filter.patient_id).await?;
        Ok((events.len(), events_csv(&events)))
    }

    /// A document printed or saved (a day sheet, a slip): what, which rows,
    /// recorded in the trail with who and from which station.
    #[tracing::instrument(skip_all, fields(table, row))]
    pub async fn record_printed(&self, table: &str, row: &str, patient: Option<PatientId>) -> AppResult<()> {
        audit::record_view(&mut *self.conn().await?, "print", table, row, patient).await
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
