//! Who is at the desk: sign in, lock, unlock, switch user (`clinic-station`'s
//! session decides; the database checks the passwords).

use clinic_domain::AppResult;
use clinic_station::session::SignInOutcome;
use clinic_station::{Station, StationStatus};
use tauri::State;

/// Signs a staff member in with their own login; `remember` keeps the
/// password in the system keyring for the next start.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    station: State<'_, Station>,
    login: String,
    password: String,
    remember: bool,
) -> AppResult<SignInOutcome> {
    station.sign_in(&login, &password, remember).await
}

#[tauri::command]
#[specta::specta]
pub async fn lock_station(station: State<'_, Station>) -> AppResult<StationStatus> {
    Ok(station.lock().await)
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_station(station: State<'_, Station>, password: String) -> AppResult<SignInOutcome> {
    station.unlock(&password).await
}

/// "Switch user": back to the sign-in screen.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(station: State<'_, Station>) -> AppResult<StationStatus> {
    Ok(station.sign_out().await)
}
