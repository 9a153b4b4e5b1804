//! Diagnostic result files. Files travel by path (chosen in the native
//! dialog) or as raw chunks through the app's `clinic://` protocol, never as
//! JSON byte arrays.

use clinic_domain::bookings::ResultFile;
use clinic_domain::ids::{BookingId, ResultId};
use clinic_domain::AppResult;
use clinic_station::files::UploadProgress;
use clinic_station::Station;
use tauri::ipc::Channel;
use tauri::State;

use crate::chosen::ChosenFiles;

/// Attaches the file at `path` (chosen in the dialog) to a diagnostic booking, streaming progress.
#[tauri::command]
#[specta::specta]
pub async fn attach_result_file(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    result_id: ResultId,
    booking_id: BookingId,
    path: String,
    on_progress: Channel<UploadProgress>,
) -> AppResult<ResultFile> {
    station.attach_result_file(result_id, booking_id, &chosen.check(&path)?, |p| drop(on_progress.send(p))).await
}

/// Attaches a file the window sent in chunks (`POST clinic://localhost/staging/<result id>`).
#[tauri::command]
#[specta::specta]
pub async fn attach_staged_result(
    station: State<'_, Station>,
    result_id: ResultId,
    booking_id: BookingId,
    file_name: String,
    on_progress: Channel<UploadProgress>,
) -> AppResult<ResultFile> {
    station.attach_staged_result(result_id, booking_id, &file_name, |p| drop(on_progress.send(p))).await
}

/// Saves a copy of a stored result to `path` (from the native save dialog).
#[tauri::command]
#[specta::specta]
pub async fn save_result_copy(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    result_id: ResultId,
    path: String,
) -> AppResult<ResultFile> {
    station.save_result_copy(result_id, &chosen.check(&path)?).await
}

#[tauri::command]
#[specta::specta]
pub async fn result_info(station: State<'_, Station>, result_id: ResultId) -> AppResult<ResultFile> {
    station.reader().await?.result_info(result_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn booking_results(station: State<'_, Station>, booking_id: BookingId) -> AppResult<Vec<ResultFile>> {
    station.reader().await?.booking_results(booking_id).await
}
