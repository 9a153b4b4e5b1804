//! Locations, specialties, doctors and diagnostics.

use clinic_domain::catalogue::{
    Diagnostic, DiagnosticInput, DiagnosticOffer, Doctor, DoctorFilter, DoctorInput, DoctorSummary, Location,
    LocationInput, Specialty,
};
use clinic_domain::ids::{DiagnosticId, DoctorId, LocationId, SpecialtyId};
use clinic_domain::AppResult;
use clinic_station::Station;
use tauri::State;

use crate::chosen::ChosenFiles;

#[tauri::command]
#[specta::specta]
pub async fn list_locations(station: State<'_, Station>, include_inactive: bool) -> AppResult<Vec<Location>> {
    station.list_locations(include_inactive).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_location(station: State<'_, Station>, id: LocationId) -> AppResult<Location> {
    station.reader().await?.get_location(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_location(station: State<'_, Station>, input: LocationInput) -> AppResult<Location> {
    station.writer().await?.create_location(&input).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_location(
    station: State<'_, Station>,
    id: LocationId,
    expected_version: i32,
    input: LocationInput,
) -> AppResult<Location> {
    station.writer().await?.update_location(id, expected_version, &input).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_location_active(station: State<'_, Station>, id: LocationId, active: bool) -> AppResult<Location> {
    station.writer().await?.set_location_active(id, active).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_specialties(station: State<'_, Station>, include_inactive: bool) -> AppResult<Vec<Specialty>> {
    station.list_specialties(include_inactive).await
}

/// Only specialties that have active doctors (filter chips).
#[tauri::command]
#[specta::specta]
pub async fn list_specialties_with_doctors(station: State<'_, Station>) -> AppResult<Vec<Specialty>> {
    station.reader().await?.list_specialties_with_doctors().await
}

#[tauri::command]
#[specta::specta]
pub async fn create_specialty(station: State<'_, Station>, name: String) -> AppResult<Specialty> {
    station.writer().await?.create_specialty(&name).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_specialty(
    station: State<'_, Station>,
    id: SpecialtyId,
    expected_version: i32,
    name: String,
) -> AppResult<Specialty> {
    station.writer().await?.rename_specialty(id, expected_version, &name).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_specialty_active(station: State<'_, Station>, id: SpecialtyId, active: bool) -> AppResult<Specialty> {
    station.writer().await?.set_specialty_active(id, active).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_doctors(station: State<'_, Station>, filter: DoctorFilter) -> AppResult<Vec<DoctorSummary>> {
    station.list_doctors(&filter).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_doctor(station: State<'_, Station>, id: DoctorId) -> AppResult<Doctor> {
    station.reader().await?.get_doctor(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_doctor(station: State<'_, Station>, input: DoctorInput) -> AppResult<Doctor> {
    station.writer().await?.create_doctor(&input).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_doctor(
    station: State<'_, Station>,
    id: DoctorId,
    expected_version: i32,
    input: DoctorInput,
) -> AppResult<Doctor> {
    station.writer().await?.update_doctor(id, expected_version, &input).await
}

/// Doctors are deactivated, never deleted.
#[tauri::command]
#[specta::specta]
pub async fn set_doctor_active(station: State<'_, Station>, id: DoctorId, active: bool) -> AppResult<Doctor> {
    station.writer().await?.set_doctor_active(id, active).await
}

/// Sets the photo from an image file chosen in the native dialog (`null` removes it).
#[tauri::command]
#[specta::specta]
pub async fn set_doctor_photo(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    id: DoctorId,
    path: Option<String>,
) -> AppResult<Doctor> {
    station.set_doctor_photo_file(id, path.map(|p| chosen.check(&p)).transpose()?.as_deref()).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_diagnostics(station: State<'_, Station>, include_inactive: bool) -> AppResult<Vec<Diagnostic>> {
    station.list_diagnostics(include_inactive).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_diagnostic(station: State<'_, Station>, id: DiagnosticId) -> AppResult<Diagnostic> {
    station.reader().await?.get_diagnostic(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_diagnostic(station: State<'_, Station>, input: DiagnosticInput) -> AppResult<Diagnostic> {
    station.writer().await?.create_diagnostic(&input).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_diagnostic(
    station: State<'_, Station>,
    id: DiagnosticId,
    expected_version: i32,
    input: DiagnosticInput,
) -> AppResult<Diagnostic> {
    station.writer().await?.update_diagnostic(id, expected_version, &input).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_diagnostic_active(
    station: State<'_, Station>,
    id: DiagnosticId,
    active: bool,
) -> AppResult<Diagnostic> {
    station.writer().await?.set_diagnostic_active(id, active).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_diagnostic_photo(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    id: DiagnosticId,
    path: Option<String>,
) -> AppResult<Diagnostic> {
    station.set_diagnostic_photo_file(id, path.map(|p| chosen.check(&p)).transpose()?.as_deref()).await
}

/// Offers a diagnostic at a location with a capacity (or changes the capacity).
#[tauri::command]
#[specta::specta]
pub async fn offer_diagnostic(
    station: State<'_, Station>,
    id: DiagnosticId,
    location_id: LocationId,
    capacity: i32,
) -> AppResult<Vec<DiagnosticOffer>> {
    station.writer().await?.offer_diagnostic(id, location_id, capacity).await
}

#[tauri::command]
#[specta::specta]
pub async fn withdraw_diagnostic(
    station: State<'_, Station>,
    id: DiagnosticId,
    location_id: LocationId,
) -> AppResult<Vec<DiagnosticOffer>> {
    station.writer().await?.withdraw_diagnostic(id, location_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn diagnostic_offers(station: State<'_, Station>, id: DiagnosticId) -> AppResult<Vec<DiagnosticOffer>> {
    station.reader().await?.diagnostic_offers(id).await
}
