//! Staff accounts (managers): the database's staff functions decide who may.

use clinic_domain::staff::{IssuedPassword, NewStaffMember, StaffMember};
use clinic_domain::AppResult;
use clinic_station::Station;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_staff(station: State<'_, Station>) -> AppResult<Vec<StaffMember>> {
    station.reader().await?.staff_members().await
}

/// Adds a staff member; the generated initial password is returned once.
#[tauri::command]
#[specta::specta]
pub async fn add_staff_member(station: State<'_, Station>, input: NewStaffMember) -> AppResult<IssuedPassword> {
    station.writer().await?.add_staff_member(&input).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_staff_active(station: State<'_, Station>, login: String, active: bool) -> AppResult<StaffMember> {
    station.writer().await?.set_staff_active(&login, active).await
}

/// A new generated password, returned once.
#[tauri::command]
#[specta::specta]
pub async fn reset_staff_password(station: State<'_, Station>, login: String) -> AppResult<IssuedPassword> {
    station.writer().await?.reset_staff_password(&login).await
}
