//! The openings search against real PostgreSQL: over random clinics (zones,
//! weeks, leave, closures, extra hours, bookings, several lanes) it answers
//! exactly what asking each candidate's free slots one by one would.

use crate::common::*;
use clinic_domain::bookings::{BookingSubject, SlotQuery};
use clinic_domain::catalogue::{DoctorFilter, DoctorInput, Location};
use clinic_domain::ids::{DiagnosticId, LocationId, SpecialtyId};
use clinic_domain::openings::{DayPart, Opening, OpeningsQuery, Wanted};
use clinic_domain::schedule::{ExceptionKind, ScheduleExceptionInput, WeeklyInterval};
use clinic_domain::values::{parse_time_zone, IsoWeekday, Money, WallTime};
use clinic_domain::{AppError, Entity};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

struct RandomClinic {
    locations: Vec<Location>,
    specialties: Vec<SpecialtyId>,
    diagnostics: Vec<DiagnosticId>,
}

const ZONES: [&str; 3] = ["Europe/Kyiv", "Europe/London", "America/New_York"];
const FIRST_DAY: &str = "2027-01-04";

async fn random_clinic(f: &Fixture, seed: u64) -> RandomClinic {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let from = day(FIRST_DAY);
    let mut locations = Vec::new();
    for (i, zone) in ZONES.iter().enumerate() {
        locations.push(f.location(&format!("Site {i}"), zone).await);
    }
    let specialties = vec![f.specialty("Cardiology").await, f.specialty("Neurology").await];
    for i in 0..7 {
        let mut at: Vec<LocationId> = locations.iter().map(|l| l.id).collect();
        at.shuffle(&mut rng);
        at.truncate(rng.gen_range(1..=2));
        let doctor = f
            .clinic
            .create_doctor(&DoctorInput {
                full_name: format!("Dr Random {i}"),
                specialty_id: *specialties.choose(&mut rng).unwrap(),
                price: ["300.00", "500.00", "800.00"].choose(&mut rng).unwrap().to_string(),
                experience: String::new(),
                certificates: String::new(),
                services: vec![],
                slot_minutes: *[15, 20, 30].choose(&mut rng).unwrap(),
                location_ids: at.clone(),
            })
            .await
            .unwrap()
            .summary
            .id;
        // A doctor is at one place at a time: each weekday at one location.
        let mut free_days: Vec<u8> = (1..=7).collect();
        for location in &at {
            let mut week: Vec<WeeklyInterval> = Vec::new();
            let days: Vec<u8> = free_days.iter().copied().filter(|_| rng.gen_bool(0.6)).collect();
            free_days.retain(|d| !days.contains(d));
            for d in days {
                week.push(WeeklyInterval {
                    weekday: IsoWeekday::new(d).unwrap(),
                    start: WallTime::hm(rng.gen_range(7..12), *[0, 30].choose(&mut rng).unwrap()),
                    end: WallTime::hm(rng.gen_range(13..21), 0),
                });
            }
            f.clinic.set_doctor_week(doctor, *location, &week).await.unwrap();
        }
        if rng.gen_bool(0.5) {
            let leave = ScheduleExceptionInput {
                kind: ExceptionKind::Leave,
                location_id: None,
                doctor_id: Some(doctor),
                date: from + chrono::Days::new(rng.gen_range(0..10)),
                start: None,
                end: None,
                note: "leave".into(),
            };
            f.clinic.add_exception(&leave, &actor()).await.unwrap();
        }
    }
    for location in &locations {
        let date = from + chrono::Days::new(rng.gen_range(0..10));
        let (kind, span) = if rng.gen_bool(0.5) {
            (ExceptionKind::Closure, (None, None))
        } else {
            (ExceptionKind::ExtraHours, (Some(WallTime::hm(20, 0)), Some(WallTime::hm(22, 0))))
        };
        let exception = ScheduleExceptionInput {
            kind,
            location_id: Some(location.id),
            doctor_id: None,
            date,
            start: span.0,
            end: span.1,
            note: String::new(),
        };
        f.clinic.add_exception(&exception, &actor()).await.unwrap();
    }
    let mut diagnostics = Vec::new();
    for (i, location) in locations.iter().enumerate().take(2) {
        let capacity = rng.gen_range(1..=3);
        diagnostics.push(f.diagnostic(&format!("Scan {i}"), "400.00", 20, location.id, capacity).await.id);
    }
    f.clinic.offer_diagnostic(diagnostics[0], locations[2].id, 2).await.unwrap();

    // Bookings on free slots, so some slots are taken and some lanes full.
    let patient = f.patient("Random Patient").await;
    let doctors = f.clinic.list_doctors(&DoctorFilter::default()).await.unwrap();
    for _ in 0..60 {
        let (location, subject) = if rng.gen_bool(0.7) {
            let doctor = doctors.choose(&mut rng).unwrap();
            (doctor.locations.choose(&mut rng).unwrap().id, BookingSubject::Doctor { doctor_id: doctor.id })
        } else {
            let location = if rng.gen_bool(0.5) { locations[0].id } else { locations[2].id };
            (location, BookingSubject::Diagnostic { diagnostic_id: diagnostics[0] })
        };
        let date = from + chrono::Days::new(rng.gen_range(0..5));
        let query = SlotQuery { location_id: location, subject, from: date, to: date };
        let free = f.clinic.free_slots(&query).await.unwrap();
        if let Some(slot) = free.get(rng.gen_range(0..free.len().max(1))) {
            f.book(patient.id, location, subject, &slot.starts_at.to_rfc3339()).await.unwrap();
        }
    }
    RandomClinic { locations, specialties, diagnostics }
}

/// What the search must answer: each candidate's free slots asked one by
/// one, filtered, the first three of each, earliest first.
async fn one_by_one(f: &Fixture, clinic: &RandomClinic, query: &OpeningsQuery) -> Vec<(String, String, i32)> {
    let doctors = f.clinic.list_doctors(&DoctorFilter::default()).await.unwrap();
    let mut candidates: Vec<(LocationId, BookingSubject, Money)> = Vec::new();
    match query.wanted {
        Wanted::Diagnostic { diagnostic_id } => {
            for location in &clinic.locations {
                let offered = f.clinic.diagnostic_offers(diagnostic_id).await.unwrap();
                if offered.iter().any(|o| o.location_id == location.id && o.is_active) {
                    candidates.push((location.id, BookingSubject::Diagnostic { diagnostic_id }, money("400.00")));
                }
            }
        }
        wanted => {
            for doctor in &doctors {
                let matches = match wanted {
                    Wanted::Specialty { specialty_id } => doctor.specialty_id == specialty_id,
                    Wanted::Doctor { doctor_id } => doctor.id == doctor_id,
                    Wanted::Diagnostic { .. } => unreachable!(),
                };
                for location in doctor.locations.iter().filter(|_| matches && doctor.is_active) {
                    candidates.push((location.id, BookingSubject::Doctor { doctor_id: doctor.id }, doctor.price));
                }
            }
        }
    }
    let mut expected: Vec<(chrono::DateTime<chrono::Utc>, String, i32)> = Vec::new();
    for (location_id, subject, price) in candidates {
        if query.location_id.is_some_and(|only| only != location_id) || !query.accepts_price(price) {
            continue;
        }
        let location = clinic.locations.iter().find(|l| l.id == location_id).unwrap();
        let zone = parse_time_zone("timeZone", &location.time_zone).unwrap();
        let slots =
            f.clinic.free_slots(&SlotQuery { location_id, subject, from: query.from, to: query.to() }).await.unwrap();
        expected.extend(
            slots
                .into_iter()
                .filter(|s| query.accepts_start(zone, s.starts_at))
                .take(OpeningsQuery::PER_CALENDAR)
                .map(|s| (s.starts_at, format!("{subject:?}"), location_id.0)),
        );
    }
    expected.sort();
    expected.into_iter().map(|(t, s, l)| (t.to_rfc3339(), s, l)).collect()
}

fn money(s: &str) -> Money {
    Money::parse("price", s).unwrap()
}

fn shape(found: &[Opening]) -> Vec<(String, String, i32)> {
    let mut shaped: Vec<_> =
        found.iter().map(|o| (o.starts_at.to_rfc3339(), format!("{:?}", o.subject), o.location_id.0)).collect();
    shaped.sort();
    shaped
}

#[tokio::test]
async fn openings_equal_each_candidates_free_slots_over_random_clinics() {
    for seed in [1_u64, 2, 3] {
        let f = Fixture::new().await;
        let clinic = random_clinic(&f, seed).await;
        let mut rng = ChaCha8Rng::seed_from_u64(seed + 100);
        let doctors = f.clinic.list_doctors(&DoctorFilter::default()).await.unwrap();
        let mut compared = 0;
        for round in 0..24 {
            let wanted = match round % 3 {
                0 => Wanted::Specialty { specialty_id: *clinic.specialties.choose(&mut rng).unwrap() },
                1 => Wanted::Doctor { doctor_id: doctors.choose(&mut rng).unwrap().id },
                _ => Wanted::Diagnostic { diagnostic_id: *clinic.diagnostics.choose(&mut rng).unwrap() },
            };
            let query = OpeningsQuery {
                wanted,
                location_id: rng.gen_bool(0.3).then(|| clinic.locations.choose(&mut rng).unwrap().id),
                from: day(FIRST_DAY) + chrono::Days::new(rng.gen_range(0..3)),
                days: rng.gen_range(1..=14),
                day_parts: DayPart::ALL.into_iter().filter(|_| rng.gen_bool(0.3)).collect(),
                weekdays: (1..=7).filter(|_| rng.gen_bool(0.2)).map(|d| IsoWeekday::new(d).unwrap()).collect(),
                max_price: rng.gen_bool(0.3).then(|| "500".to_string()),
            };
            let found = f.clinic.openings(&query).await.unwrap();
            assert!(found.openings.windows(2).all(|w| w[0].starts_at <= w[1].starts_at), "earliest first");
            assert!(!found.from_kept_copy);
            assert_eq!(found.searched_to, query.to());
            let mut expected = one_by_one(&f, &clinic, &query).await;
            // The answer is cut at MAX_OPENINGS, the earliest kept.
            if expected.len() > OpeningsQuery::MAX_OPENINGS {
                let last = &found.openings.last().unwrap().starts_at.to_rfc3339();
                expected.retain(|e| &e.0 <= last);
            }
            assert_eq!(shape(&found.openings), expected, "seed {seed}, round {round}: {query:?}");
            compared += expected.len();
        }
        assert!(compared > 40, "the comparison saw real slots: {compared}");
    }
}

#[tokio::test]
async fn an_opening_is_a_slot_the_booking_accepts_and_then_is_gone() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let query = OpeningsQuery {
        wanted: Wanted::Specialty { specialty_id: b.specialty },
        location_id: None,
        from: day("2027-01-04"),
        days: OpeningsQuery::DEFAULT_DAYS,
        day_parts: vec![],
        weekdays: vec![],
        max_price: None,
    };
    let first = f.clinic.openings(&query).await.unwrap().openings[0].clone();
    // 08:00 Kyiv now; the doctor starts at 09:00.
    assert_eq!(first.starts_at, at("2027-01-04T07:00:00Z"));
    assert_eq!((first.name.as_str(), first.detail.as_str()), ("Dr Iryna Bondar", "Cardiology"));
    assert_eq!((first.location_name.as_str(), first.time_zone.as_str()), ("Centre", "Europe/Kyiv"));
    assert_eq!(first.price.to_string(), "500.00");
    let booked = f.book(b.patient.id, first.location_id, first.subject, &first.starts_at.to_rfc3339()).await.unwrap();
    assert_eq!(booked.ends_at, first.ends_at);
    let next = f.clinic.openings(&query).await.unwrap().openings[0].clone();
    assert_eq!(next.starts_at, at("2027-01-04T07:30:00Z"));

    // The doctor's leave, an inactive doctor and a closed location are skipped.
    f.clinic.set_doctor_active(b.doctor, false).await.unwrap();
    assert!(f.clinic.openings(&query).await.unwrap().openings.is_empty());

    let unknown = Wanted::Diagnostic { diagnostic_id: DiagnosticId(999) };
    let refused = f.clinic.openings(&OpeningsQuery { wanted: unknown, ..query.clone() }).await.unwrap_err();
    assert!(matches!(refused, AppError::NotFound { entity: Entity::Diagnostic, .. }), "{refused:?}");
    let too_long = OpeningsQuery { days: OpeningsQuery::MAX_DAYS + 1, ..query };
    assert_eq!(f.clinic.openings(&too_long).await.unwrap_err().field(), Some("days"));
}
