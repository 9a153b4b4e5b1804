use clinic_domain::AppResult;
use clinic_station::connection::ConnectionReport;
use clinic_station::local_data::RemovedData;
use clinic_station::settings::{ServerSettings, Settings};
use clinic_station::{KeptQueue, Station, StationStatus};
use tauri::State;

use crate::updates::{UpdateOffer, Updates};

#[tauri::command]
#[specta::specta]
pub async fn station_status(station: State<'_, Station>) -> AppResult<StationStatus> {
    Ok(station.status().await)
}

/// Saves the settings (never a password) and signs out: the next sign-in
/// is on the server they name. `leavePending`: the person agreed to leave
/// changes waiting for the previous server (refused otherwise, saying how many).
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    station: State<'_, Station>,
    settings: Settings,
    leave_pending: bool,
) -> AppResult<StationStatus> {
    station.save_settings(&settings, leave_pending).await
}

/// Removes the configured clinic's data from this computer and signs out;
/// `confirmLoss`: the person agreed that changes still waiting are lost.
#[tauri::command]
#[specta::specta]
pub async fn remove_clinic_data(station: State<'_, Station>, confirm_loss: bool) -> AppResult<RemovedData> {
    station.remove_clinic_data(confirm_loss).await
}

/// Every clinic server this computer keeps changes for, and how many wait.
#[tauri::command]
#[specta::specta]
pub async fn kept_queues(station: State<'_, Station>) -> AppResult<Vec<KeptQueue>> {
    station.kept_queues().await
}

#[tauri::command]
#[specta::specta]
pub async fn test_connection(
    station: State<'_, Station>,
    server: ServerSettings,
    password: Option<String>,
) -> AppResult<ConnectionReport> {
    station.test_connection(&server, password.as_deref()).await
}

#[tauri::command]
#[specta::specta]
pub async fn reconnect(station: State<'_, Station>) -> AppResult<StationStatus> {
    Ok(station.connect().await)
}

/// Does nothing: measures the IPC round trip.
#[tauri::command]
#[specta::specta]
pub fn ping() {}

/// Asks the update server for a newer version and whether this station may take it.
#[tauri::command]
#[specta::specta]
pub async fn check_for_update(
    station: State<'_, Station>,
    updates: State<'_, Updates>,
) -> AppResult<Option<UpdateOffer>> {
    updates.check(&station).await
}

/// Installs the update the last check found (when the gate allows), then restarts.
#[tauri::command]
#[specta::specta]
pub async fn install_update(station: State<'_, Station>, updates: State<'_, Updates>) -> AppResult<()> {
    updates.install(&station).await
}

/// A screen of the UI failed to draw: logged here (the app's log file) under
/// a reference the screen shows, so staff can quote it to support.
#[tauri::command]
#[specta::specta]
pub fn report_screen_failure(screen: String, error: String) -> String {
    clinic_store::log_with_reference(&format_args!("the {screen} screen failed: {error}"))
}
