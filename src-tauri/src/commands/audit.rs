//! The audit trail: the whole of it for managers and auditors, a booking's
//! or a patient's own for anyone at a desk (the database decides).

use clinic_domain::audit::{AuditEvent, AuditFilter};
use clinic_domain::ids::{BookingId, PatientId};
use clinic_domain::AppResult;
use clinic_station::Station;
use tauri::State;

use crate::chosen::ChosenFiles;

#[tauri::command]
#[specta::specta]
pub async fn audit_events(station: State<'_, Station>, filter: AuditFilter) -> AppResult<Vec<AuditEvent>> {
    station.reader().await?.audit_events(&filter).await
}

/// Writes the filtered events to a CSV file; returns how many.
#[tauri::command]
#[specta::specta]
pub async fn export_audit_csv(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    filter: AuditFilter,
    path: String,
) -> AppResult<u32> {
    station.export_audit_csv(&filter, &chosen.check(&path)?).await.map(|n| n as u32)
}

#[tauri::command]
#[specta::specta]
pub async fn booking_trail(station: State<'_, Station>, id: BookingId) -> AppResult<Vec<AuditEvent>> {
    station.reader().await?.booking_trail(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn patient_trail(station: State<'_, Station>, id: PatientId) -> AppResult<Vec<AuditEvent>> {
    station.reader().await?.patient_trail(id).await
}
