//! Booking, availability, statuses, the day board, ratings.

use chrono::NaiveDate;
use clinic_domain::availability::FreeSlot;
use clinic_domain::bookings::{
    Booking, BookingRequest, ClinicPolicy, DayBoard, HoldRequest, Rating, RatingInput, RescheduleRequest, SlotCheck,
    SlotCheckQuery, SlotHold, SlotQuery, StatusChange, StatusRequest,
};
use clinic_domain::ids::{BookingId, DoctorId, LocationId, PatientId, WaitlistEntryId};
use clinic_domain::openings::{Openings, OpeningsQuery};
use clinic_domain::waitlist::{WaitlistEntry, WaitlistFilter, WaitlistInput, WaitlistMatch};
use clinic_domain::AppResult;
use clinic_station::Station;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn free_slots(station: State<'_, Station>, query: SlotQuery) -> AppResult<Vec<FreeSlot>> {
    station.free_slots(&query).await
}

/// Holds a free time for a few minutes while on the phone.
#[tauri::command]
#[specta::specta]
pub async fn hold_slot(station: State<'_, Station>, request: HoldRequest) -> AppResult<SlotHold> {
    station.hold(&request).await
}

#[tauri::command]
#[specta::specta]
pub async fn release_hold(station: State<'_, Station>, id: BookingId) -> AppResult<()> {
    station.release_hold(id).await
}

/// Puts a patient on the waitlist (queued while offline).
#[tauri::command]
#[specta::specta]
pub async fn add_to_waitlist(
    station: State<'_, Station>,
    entry_id: WaitlistEntryId,
    patient_id: PatientId,
    input: WaitlistInput,
) -> AppResult<()> {
    station.add_to_waitlist(entry_id, patient_id, &input).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_waitlist(station: State<'_, Station>, filter: WaitlistFilter) -> AppResult<Vec<WaitlistEntry>> {
    station.waitlist(&filter).await
}

/// The waitlist entries a free time on this board matches.
#[tauri::command]
#[specta::specta]
pub async fn waitlist_matches(
    station: State<'_, Station>,
    location_id: LocationId,
    date: NaiveDate,
) -> AppResult<Vec<WaitlistMatch>> {
    station.waitlist_matches(location_id, date).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_from_waitlist(
    station: State<'_, Station>,
    id: WaitlistEntryId,
    expected_version: i32,
) -> AppResult<()> {
    station.remove_from_waitlist(id, expected_version).await
}

/// Every rule a time breaks, and whether a manager may book it anyway.
#[tauri::command]
#[specta::specta]
pub async fn slot_check(station: State<'_, Station>, query: SlotCheckQuery) -> AppResult<SlotCheck> {
    station.slot_check(&query).await
}

/// The first free time for a specialty, doctor or diagnostic, anywhere.
#[tauri::command]
#[specta::specta]
pub async fn find_openings(station: State<'_, Station>, query: OpeningsQuery) -> AppResult<Openings> {
    station.openings(&query).await
}

#[tauri::command]
#[specta::specta]
pub async fn book(station: State<'_, Station>, request: BookingRequest) -> AppResult<Booking> {
    station.book(&request).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_booking(station: State<'_, Station>, id: BookingId) -> AppResult<Booking> {
    station.get_booking(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn booking_history(station: State<'_, Station>, id: BookingId) -> AppResult<Vec<StatusChange>> {
    station.reader().await?.booking_history(id).await
}

/// Confirm, check in, complete, cancel (with a reason), or mark a no-show.
#[tauri::command]
#[specta::specta]
pub async fn change_status(station: State<'_, Station>, request: StatusRequest) -> AppResult<Booking> {
    station.change_status(&request).await
}

#[tauri::command]
#[specta::specta]
pub async fn reschedule(station: State<'_, Station>, request: RescheduleRequest) -> AppResult<Booking> {
    station.reschedule(&request).await
}

#[tauri::command]
#[specta::specta]
pub async fn day_board(station: State<'_, Station>, location_id: LocationId, date: NaiveDate) -> AppResult<DayBoard> {
    station.day_board(location_id, date).await
}

#[tauri::command]
#[specta::specta]
pub async fn record_rating(station: State<'_, Station>, input: RatingInput) -> AppResult<Rating> {
    station.record_rating(&input).await
}

#[tauri::command]
#[specta::specta]
pub async fn doctor_ratings(station: State<'_, Station>, doctor_id: DoctorId, limit: i32) -> AppResult<Vec<Rating>> {
    station.reader().await?.doctor_ratings(doctor_id, limit).await
}

#[tauri::command]
#[specta::specta]
pub async fn booking_rating(station: State<'_, Station>, booking_id: BookingId) -> AppResult<Option<Rating>> {
    station.reader().await?.booking_rating(booking_id).await
}

/// The clinic's cancellation notice: a patient who cancels inside it cancels late.
#[tauri::command]
#[specta::specta]
pub async fn clinic_policy(station: State<'_, Station>) -> AppResult<ClinicPolicy> {
    station.reader().await?.clinic_policy().await
}

#[tauri::command]
#[specta::specta]
pub async fn set_clinic_policy(station: State<'_, Station>, policy: ClinicPolicy) -> AppResult<ClinicPolicy> {
    station.writer().await?.set_clinic_policy(&policy).await
}
