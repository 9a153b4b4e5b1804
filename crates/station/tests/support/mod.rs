//! A clinic open around the clock, so "tomorrow" has free time whenever a
//! test or the sync bench runs. Shared by the station's tests and its bench
//! (`#[path]`).
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use clinic_domain::bookings::{BookingRequest, BookingSubject};
use clinic_domain::catalogue::{DoctorInput, LocationInput};
use clinic_domain::ids::{BookingId, DoctorId, LocationId, PatientId, SpecialtyId};
use clinic_domain::schedule::WeeklyInterval;
use clinic_domain::values::{IsoWeekday, WallTime};
use clinic_store::Clinic;

pub fn all_day() -> Vec<WeeklyInterval> {
    (1..=7)
        .map(|d| WeeklyInterval {
            weekday: IsoWeekday::new(d).unwrap(),
            start: WallTime::hm(0, 0),
            end: WallTime::END_OF_DAY,
        })
        .collect()
}

/// "Centre" in Kyiv, open every day all day, on a 15-minute grid.
pub async fn centre(clinic: &Clinic) -> LocationId {
    let location = clinic
        .create_location(&LocationInput {
            name: "Centre".into(),
            address: "Khreshchatyk 1".into(),
            phone: String::new(),
            time_zone: "Europe/Kyiv".into(),
            grid_minutes: 15,
        })
        .await
        .unwrap()
        .id;
    clinic.set_location_week(location, &all_day()).await.unwrap();
    location
}

/// A doctor with 30-minute visits at 500.00, working all day at `location`.
pub async fn doctor(clinic: &Clinic, name: &str, specialty: SpecialtyId, location: LocationId) -> DoctorId {
    let doctor = clinic
        .create_doctor(&DoctorInput {
            full_name: name.into(),
            specialty_id: specialty,
            price: "500.00".into(),
            experience: String::new(),
            certificates: String::new(),
            services: vec![],
            slot_minutes: 30,
            location_ids: vec![location],
        })
        .await
        .unwrap()
        .summary
        .id;
    clinic.set_doctor_week(doctor, location, &all_day()).await.unwrap();
    doctor
}

/// A booking request under a new station-made id, with no message.
pub fn visit(
    patient: PatientId,
    location: LocationId,
    subject: BookingSubject,
    starts_at: DateTime<Utc>,
) -> BookingRequest {
    BookingRequest {
        booking_id: BookingId::generate(),
        patient_id: patient,
        location_id: location,
        subject,
        starts_at,
        patient_message: String::new(),
    }
}

/// Signs `login` in at `station` (the test clusters trust local sockets, so
/// any password is accepted there) and returns the status.
pub async fn signed_in(station: &clinic_station::Station, login: &str) -> clinic_station::StationStatus {
    signed_in_with(station, login, "local-test-password").await
}

pub async fn signed_in_with(
    station: &clinic_station::Station,
    login: &str,
    password: &str,
) -> clinic_station::StationStatus {
    match station.sign_in(login, password, false).await.unwrap() {
        clinic_station::session::SignInOutcome::SignedIn { status } => *status,
        refused => panic!("{login} could not sign in: {refused:?}"),
    }
}
