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
        override_reason: None,
        waitlist_entry_id: None,
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

/// A test's folders, removed when it is dropped at the end of the test.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    pub fn new(prefix: &str) -> Scratch {
        Scratch(clinic_local_pg::testing::scratch(prefix))
    }

    /// A new, empty folder inside (a different one at each call).
    pub fn folder(&self, name: &str) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = self.0.path().join(format!("{name}-{}", N.fetch_add(1, Ordering::Relaxed)));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Fresh config, data and demo folders for a station.
    pub fn station_paths(&self) -> clinic_station::StationPaths {
        clinic_station::StationPaths {
            config_dir: self.folder("config"),
            data_dir: self.folder("data"),
            demo_dir: self.folder("demo"),
            bundled_postgres: None,
        }
    }
}

/// A station with the folders it keeps its files in: they last as long as it.
pub struct TestStation {
    pub station: clinic_station::Station,
    pub home: Scratch,
}

impl std::ops::Deref for TestStation {
    type Target = clinic_station::Station;
    fn deref(&self) -> &clinic_station::Station {
        &self.station
    }
}

/// A station whose settings name `server`, not signed in yet.
pub fn station_for(server: &clinic_station::settings::ServerSettings) -> TestStation {
    let home = Scratch::new("station");
    let paths = home.station_paths();
    let settings = clinic_station::settings::Settings { server: Some(server.clone()), update_endpoint: None };
    clinic_station::settings::save(&paths.config_dir, &settings).unwrap();
    let station = clinic_station::Station::open(paths, clinic_station::secrets::Secrets::memory()).unwrap();
    TestStation { station, home }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A PDF's text as a reader sees it (`pdftotext` from poppler-utils).
pub fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext (poppler-utils)");
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}
