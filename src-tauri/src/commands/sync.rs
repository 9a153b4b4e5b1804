//! Offline work: the sync state the header shows, and the conflicts screen.

use clinic_domain::ids::IntentId;
use clinic_domain::AppResult;
use clinic_station::sync::SyncStatus;
use clinic_station::{Conflict, ConflictResolution, Station};
use tauri::State;

use crate::chosen::ChosenFiles;

#[tauri::command]
#[specta::specta]
pub async fn sync_status(station: State<'_, Station>) -> AppResult<SyncStatus> {
    station.sync_status().await
}

/// Pushes queued changes and pulls now instead of waiting for the next cycle.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(station: State<'_, Station>) -> AppResult<SyncStatus> {
    station.sync_now().await
}

/// Changes the server refused, waiting for a person to decide.
#[tauri::command]
#[specta::specta]
pub async fn list_conflicts(station: State<'_, Station>) -> AppResult<Vec<Conflict>> {
    station.conflicts().await
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(
    station: State<'_, Station>,
    intent_id: IntentId,
    resolution: ConflictResolution,
) -> AppResult<Vec<Conflict>> {
    station.resolve_conflict(intent_id, resolution).await
}

/// Saves the file kept with a conflict (a result upload the server refused
/// or never took) at `path`; returns its size in bytes.
#[tauri::command]
#[specta::specta]
pub async fn save_conflict_file(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    intent_id: IntentId,
    path: String,
) -> AppResult<u32> {
    station.save_conflict_file(intent_id, &chosen.check(&path)?).await
}
