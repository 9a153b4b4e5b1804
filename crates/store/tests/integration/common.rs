//! Shared fixtures: a fresh migrated database per test on the throwaway
//! cluster, a clinic with a fixed clock, and a small catalogue.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
pub use clinic_admin::testing::DESK_LOGIN;
use clinic_admin::testing::SETUP;
use clinic_domain::bookings::{Booking, BookingRequest, BookingSubject};
use clinic_domain::catalogue::{Diagnostic, DiagnosticInput, DoctorInput, Location, LocationInput};
use clinic_domain::ids::{BookingId, DoctorId, LocationId, PatientId, SpecialtyId};
use clinic_domain::patients::{Patient, PatientInput};
use clinic_domain::schedule::WeeklyInterval;
use clinic_domain::values::{IsoWeekday, WallTime};
use clinic_domain::{Actor, AppResult};
use clinic_local_pg::testing::{fresh_database, TestDatabase};
use clinic_store::Clinic;

/// Monday 2027-01-04, 08:00 in Kyiv (UTC+2).
pub const NOW: &str = "2027-01-04T06:00:00Z";

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("a YYYY-MM-DD date")
}

pub fn actor() -> Actor {
    Actor::parse("Reception 1").unwrap()
}

pub struct Fixture {
    /// `db.pool` is the cluster's superuser: for looking behind the grants.
    pub db: TestDatabase,
    /// The clinic as the tests' desk (reception and manager) works with it.
    pub clinic: Clinic,
}

impl Fixture {
    pub async fn new() -> Fixture {
        Fixture::at(NOW).await
    }

    pub async fn at(now: &str) -> Fixture {
        let db = fresh_database(&SETUP).await;
        let now = at(now);
        let clinic = Clinic::with_clock(db.pool_as(DESK_LOGIN).await, move || now);
        Fixture { db, clinic }
    }

    /// The same database seen at another time (the rules that follow the
    /// clock: check-in on the visit's day, no-show and results once started).
    pub fn clinic_at(&self, now: &str) -> Clinic {
        let now = at(now);
        Clinic::with_clock(self.clinic.pool().clone(), move || now)
    }

    /// Runs `sql` (one bind) as the superuser with the triggers off, as only
    /// someone with the server's keys could: tests that must move history,
    /// or tamper with the audit trail to see it noticed.
    pub async fn behind_the_triggers<T>(&self, sql: &str, value: T)
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + 'static,
    {
        let mut tx = self.db.pool.begin().await.unwrap();
        sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.unwrap();
        sqlx::query(sql).bind(value).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&self.db.pool).await.unwrap()
    }

    pub async fn location(&self, name: &str, zone: &str) -> Location {
        let location = self
            .clinic
            .create_location(&LocationInput {
                name: name.into(),
                address: format!("{name} street 1"),
                phone: String::new(),
                time_zone: zone.into(),
                grid_minutes: 15,
            })
            .await
            .unwrap();
        self.clinic.set_location_week(location.id, &every_day(8, 20)).await.unwrap();
        location
    }

    pub async fn specialty(&self, name: &str) -> SpecialtyId {
        self.clinic.create_specialty(name).await.unwrap().id
    }

    /// A doctor at the given locations, 30-minute slots, price 500.00.
    pub async fn doctor(&self, name: &str, specialty: SpecialtyId, locations: &[LocationId]) -> DoctorId {
        self.clinic
            .create_doctor(&DoctorInput {
                full_name: name.into(),
                specialty_id: specialty,
                price: "500.00".into(),
                experience: "10 years".into(),
                certificates: String::new(),
                services: vec!["Consultation".into()],
                slot_minutes: 30,
                location_ids: locations.to_vec(),
            })
            .await
            .unwrap()
            .summary
            .id
    }

    /// A diagnostic offered at `location` with `capacity` parallel lanes.
    pub async fn diagnostic(
        &self,
        name: &str,
        price: &str,
        slot_minutes: i32,
        location: LocationId,
        capacity: i32,
    ) -> Diagnostic {
        let diagnostic = self
            .clinic
            .create_diagnostic(&DiagnosticInput {
                type_name: name.into(),
                description: String::new(),
                preparation: String::new(),
                price: price.into(),
                slot_minutes,
            })
            .await
            .unwrap();
        self.clinic.offer_diagnostic(diagnostic.id, location, capacity).await.unwrap();
        diagnostic
    }

    pub async fn patient(&self, name: &str) -> Patient {
        self.clinic
            .create_patient(
                PatientId::generate(),
                &PatientInput { full_name: name.into(), ..PatientInput::default() },
                &actor(),
            )
            .await
            .unwrap()
    }

    pub async fn book(
        &self,
        patient: PatientId,
        location: LocationId,
        subject: BookingSubject,
        starts_at: &str,
    ) -> AppResult<Booking> {
        self.clinic.book(&request(patient, location, subject, starts_at), &actor()).await
    }

    /// Location "Centre" in Kyiv, a cardiologist working there 09:00–17:00
    /// every day, and one patient.
    pub async fn basic(&self) -> Basic {
        let location = self.location("Centre", "Europe/Kyiv").await;
        let specialty = self.specialty("Cardiology").await;
        let doctor = self.doctor("Dr Iryna Bondar", specialty, &[location.id]).await;
        self.clinic.set_doctor_week(doctor, location.id, &every_day(9, 17)).await.unwrap();
        let patient = self.patient("Olena Kovalenko").await;
        Basic { location, specialty, doctor, patient }
    }
}

pub struct Basic {
    pub location: Location,
    pub specialty: SpecialtyId,
    pub doctor: DoctorId,
    pub patient: Patient,
}

impl Basic {
    pub fn with_doctor(&self) -> BookingSubject {
        BookingSubject::Doctor { doctor_id: self.doctor }
    }
}

pub fn request(patient: PatientId, location: LocationId, subject: BookingSubject, starts_at: &str) -> BookingRequest {
    BookingRequest {
        booking_id: BookingId::generate(),
        patient_id: patient,
        location_id: location,
        subject,
        starts_at: at(starts_at),
        patient_message: String::new(),
        override_reason: None,
        waitlist_entry_id: None,
    }
}

pub fn every_day(from_hour: u16, to_hour: u16) -> Vec<WeeklyInterval> {
    (1..=7)
        .map(|d| WeeklyInterval {
            weekday: IsoWeekday::new(d).unwrap(),
            start: WallTime::hm(from_hour, 0),
            end: WallTime::hm(to_hour, 0),
        })
        .collect()
}
