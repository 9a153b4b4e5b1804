//! Working hours: weekly templates and date exceptions.

use chrono::NaiveDate;
use clinic_domain::bookings::{DayPreview, HoursPreviewQuery};
use clinic_domain::ids::{DoctorId, LocationId, ScheduleExceptionId};
use clinic_domain::schedule::{ScheduleException, ScheduleExceptionInput, WeeklyInterval};
use clinic_domain::AppResult;
use clinic_station::Station;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn location_week(station: State<'_, Station>, location_id: LocationId) -> AppResult<Vec<WeeklyInterval>> {
    station.reader().await?.location_week(location_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_location_week(
    station: State<'_, Station>,
    location_id: LocationId,
    week: Vec<WeeklyInterval>,
) -> AppResult<Vec<WeeklyInterval>> {
    station.writer().await?.set_location_week(location_id, &week).await
}

#[tauri::command]
#[specta::specta]
pub async fn doctor_week(
    station: State<'_, Station>,
    doctor_id: DoctorId,
    location_id: LocationId,
) -> AppResult<Vec<WeeklyInterval>> {
    station.reader().await?.doctor_week(doctor_id, location_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_doctor_week(
    station: State<'_, Station>,
    doctor_id: DoctorId,
    location_id: LocationId,
    week: Vec<WeeklyInterval>,
) -> AppResult<Vec<WeeklyInterval>> {
    station.writer().await?.set_doctor_week(doctor_id, location_id, &week).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_exceptions(
    station: State<'_, Station>,
    location_id: Option<LocationId>,
    doctor_id: Option<DoctorId>,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<ScheduleException>> {
    station.reader().await?.list_exceptions(location_id, doctor_id, from, to).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_exception(station: State<'_, Station>, input: ScheduleExceptionInput) -> AppResult<ScheduleException> {
    station.writer().await?.add_exception(&input, &station.actor().await?).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_exception(station: State<'_, Station>, id: ScheduleExceptionId) -> AppResult<()> {
    station.writer().await?.remove_exception(id).await
}

/// The free slots a weekly template would give, before saving it.
#[tauri::command]
#[specta::specta]
pub async fn preview_hours(station: State<'_, Station>, query: HoursPreviewQuery) -> AppResult<Vec<DayPreview>> {
    station.reader().await?.preview_hours(&query).await
}
