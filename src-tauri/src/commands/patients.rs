use clinic_domain::bookings::{Booking, ResultFile};
use clinic_domain::ids::PatientId;
use clinic_domain::patients::{Patient, PatientInput, PossibleDuplicate};
use clinic_domain::AppResult;
use clinic_station::Station;
use tauri::State;

/// Creates a patient under an id made by the station (a retry is harmless).
#[tauri::command]
#[specta::specta]
pub async fn create_patient(station: State<'_, Station>, id: PatientId, input: PatientInput) -> AppResult<Patient> {
    station.create_patient(id, &input).await
}

/// Records that the patient's profile was opened (the audit trail).
#[tauri::command]
#[specta::specta]
pub async fn record_profile_view(station: State<'_, Station>, id: PatientId) -> AppResult<()> {
    station.record_profile_view(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_patient(station: State<'_, Station>, id: PatientId) -> AppResult<Patient> {
    station.get_patient(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_patient(
    station: State<'_, Station>,
    id: PatientId,
    expected_version: i32,
    input: PatientInput,
) -> AppResult<Patient> {
    station.writer().await?.update_patient(id, expected_version, &input).await
}

/// One box: name, phone digits, or date of birth.
#[tauri::command]
#[specta::specta]
pub async fn search_patients(station: State<'_, Station>, text: String, limit: i32) -> AppResult<Vec<Patient>> {
    station.search_patients(&text, limit).await
}

#[tauri::command]
#[specta::specta]
pub async fn possible_duplicates(
    station: State<'_, Station>,
    input: PatientInput,
) -> AppResult<Vec<PossibleDuplicate>> {
    station.possible_duplicates(&input).await
}

#[tauri::command]
#[specta::specta]
pub async fn patient_bookings(station: State<'_, Station>, id: PatientId) -> AppResult<Vec<Booking>> {
    station.reader().await?.patient_bookings(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn patient_results(station: State<'_, Station>, id: PatientId) -> AppResult<Vec<ResultFile>> {
    station.reader().await?.patient_results(id).await
}
