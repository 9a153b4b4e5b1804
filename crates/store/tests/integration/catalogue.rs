//! Catalogue, working hours and patients against a real PostgreSQL.

use crate::common::*;
use clinic_domain::catalogue::{DiagnosticInput, DoctorFilter, DoctorInput, LocationInput};
use clinic_domain::ids::{DoctorId, LocationId, PatientId};
use clinic_domain::patients::PatientInput;
use clinic_domain::schedule::{ExceptionKind, ScheduleExceptionInput, WeeklyInterval};
use clinic_domain::values::{IsoWeekday, WallTime};
use clinic_domain::{AppError, ConflictCode, Entity, ValidationCode};

fn centre() -> LocationInput {
    LocationInput {
        name: "Centre".into(),
        address: "Khreshchatyk 1".into(),
        phone: String::new(),
        time_zone: "Europe/Kyiv".into(),
        grid_minutes: 15,
    }
}

#[tokio::test]
async fn locations_crud_with_optimistic_versions() {
    let f = Fixture::new().await;
    let created = f.clinic.create_location(&centre()).await.unwrap();
    assert_eq!(created.row_version, 1);
    let renamed =
        f.clinic.update_location(created.id, 1, &LocationInput { name: "Central".into(), ..centre() }).await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.row_version), ("Central", 2));
    let err = f.clinic.update_location(created.id, 1, &centre()).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict { code: ConflictCode::StaleVersion, .. }));
    let err = f.clinic.update_location(LocationId(999), 1, &centre()).await.unwrap_err();
    assert_eq!(err, AppError::not_found(Entity::Location, 999));
    let off = f.clinic.set_location_active(created.id, false).await.unwrap();
    assert!(!off.is_active);
    assert!(f.clinic.list_locations(false).await.unwrap().is_empty());
    assert_eq!(f.clinic.list_locations(true).await.unwrap().len(), 1);
}

#[tokio::test]
async fn bad_catalogue_input_names_the_field_and_writes_nothing() {
    let f = Fixture::new().await;
    let cases = [
        (LocationInput { name: "  ".into(), ..centre() }, "name"),
        (LocationInput { time_zone: "Europe/Atlantis".into(), ..centre() }, "timeZone"),
        (LocationInput { grid_minutes: 7, ..centre() }, "gridMinutes"),
        (LocationInput { address: "a".repeat(300), ..centre() }, "address"),
    ];
    for (input, field) in cases {
        assert_eq!(f.clinic.create_location(&input).await.unwrap_err().field(), Some(field));
    }
    f.clinic.create_location(&centre()).await.unwrap();
    let dup = f.clinic.create_location(&LocationInput { name: "CENTRE".into(), ..centre() }).await.unwrap_err();
    assert!(matches!(dup, AppError::Validation { ref field, code: ValidationCode::Duplicate, .. } if field == "name"));
    assert_eq!(f.count("locations").await, 1);

    let specialty = f.specialty("Neurology").await;
    let doctor = |price: &str, name: &str, locations: Vec<LocationId>| DoctorInput {
        full_name: name.into(),
        specialty_id: specialty,
        price: price.into(),
        experience: String::new(),
        certificates: String::new(),
        services: vec![],
        slot_minutes: 20,
        location_ids: locations,
    };
    let loc = f.clinic.list_locations(false).await.unwrap()[0].id;
    assert_eq!(f.clinic.create_doctor(&doctor("-5", "Dr A", vec![loc])).await.unwrap_err().field(), Some("price"));
    assert_eq!(f.clinic.create_doctor(&doctor("5", "", vec![loc])).await.unwrap_err().field(), Some("fullName"));
    assert_eq!(f.clinic.create_doctor(&doctor("5", "Dr A", vec![])).await.unwrap_err().field(), Some("locationIds"));
    assert_eq!(
        f.clinic.create_doctor(&doctor("5", "Dr A", vec![LocationId(404)])).await.unwrap_err().field(),
        Some("locationIds")
    );
    let mut unknown_specialty = doctor("5", "Dr A", vec![loc]);
    unknown_specialty.specialty_id = clinic_domain::ids::SpecialtyId(404);
    assert_eq!(f.clinic.create_doctor(&unknown_specialty).await.unwrap_err().field(), Some("specialtyId"));
    assert_eq!(f.count("doctors").await, 0, "the failed transaction left no doctor behind");
    assert_eq!(f.count("doctor_locations").await, 0);

    let bad_diag = DiagnosticInput {
        type_name: "CT".into(),
        description: String::new(),
        preparation: String::new(),
        price: "1.234".into(),
        slot_minutes: 30,
    };
    assert_eq!(f.clinic.create_diagnostic(&bad_diag).await.unwrap_err().field(), Some("price"));
    assert_eq!(f.clinic.create_specialty("").await.unwrap_err().field(), Some("name"));
}

#[tokio::test]
async fn doctors_list_with_ratings_locations_and_filters() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let north = f.location("North", "Europe/Kyiv").await;
    let neuro = f.specialty("Neurology").await;
    let second = f.doctor("Dr Andriy Shevchuk", neuro, &[b.location.id, north.id]).await;
    let all = f.clinic.list_doctors(&DoctorFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let shevchuk = all.iter().find(|d| d.id == second).unwrap();
    assert_eq!(shevchuk.locations.len(), 2);
    assert_eq!((shevchuk.average_rating, shevchuk.review_count), (None, 0));
    let north_only =
        f.clinic.list_doctors(&DoctorFilter { location_id: Some(north.id), ..Default::default() }).await.unwrap();
    assert_eq!(north_only.iter().map(|d| d.id).collect::<Vec<_>>(), vec![second]);
    let by_specialty =
        f.clinic.list_doctors(&DoctorFilter { search: Some("cardio".into()), ..Default::default() }).await.unwrap();
    assert_eq!(by_specialty.iter().map(|d| d.id).collect::<Vec<_>>(), vec![b.doctor]);
    let wildcard =
        f.clinic.list_doctors(&DoctorFilter { search: Some("%".into()), ..Default::default() }).await.unwrap();
    assert!(wildcard.is_empty(), "% is taken literally");

    f.clinic.set_doctor_active(second, false).await.unwrap();
    assert_eq!(f.clinic.list_doctors(&DoctorFilter::default()).await.unwrap().len(), 1);
    let with_doctors = f.clinic.list_specialties_with_doctors().await.unwrap();
    assert_eq!(with_doctors.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Cardiology"]);
    assert_eq!(f.clinic.list_specialties(false).await.unwrap().len(), 2);
    assert_eq!(f.clinic.get_doctor(DoctorId(404)).await.unwrap_err(), AppError::not_found(Entity::Doctor, 404));

    // Photos: by content, bounded.
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
    let doctor = f.clinic.set_doctor_photo(b.doctor, Some(&png)).await.unwrap();
    let (media, bytes) = f.clinic.photo(doctor.summary.photo_id.unwrap()).await.unwrap();
    assert_eq!((media.as_str(), bytes.len()), ("image/png", png.len()));
    assert_eq!(f.clinic.set_doctor_photo(b.doctor, Some(b"GIF89a")).await.unwrap_err().field(), Some("photo"));
}

#[tokio::test]
async fn diagnostics_count_clinics_and_keep_unoffered_ones() {
    let f = Fixture::new().await;
    let centre = f.location("Centre", "Europe/Kyiv").await;
    let north = f.location("North", "Europe/Kyiv").await;
    let input = |name: &str| DiagnosticInput {
        type_name: name.into(),
        description: "desc".into(),
        preparation: "Nothing to eat for 4 hours.".into(),
        price: "100".into(),
        slot_minutes: 30,
    };
    let ct = f.clinic.create_diagnostic(&input("CT")).await.unwrap();
    let ecg = f.clinic.create_diagnostic(&input("ECG")).await.unwrap();
    f.clinic.offer_diagnostic(ct.id, centre.id, 1).await.unwrap();
    let offers = f.clinic.offer_diagnostic(ct.id, north.id, 3).await.unwrap();
    assert_eq!(offers.iter().map(|o| o.capacity).collect::<Vec<_>>(), vec![1, 3]);
    let list = f.clinic.list_diagnostics(false).await.unwrap();
    let counts: Vec<_> = list.iter().map(|d| (d.type_name.as_str(), d.clinic_count)).collect();
    assert_eq!(counts, [("CT", 2), ("ECG", 0)]);
    assert_eq!(f.clinic.offer_diagnostic(ecg.id, north.id, 0).await.unwrap_err().field(), Some("capacity"));
    let after = f.clinic.withdraw_diagnostic(ct.id, north.id).await.unwrap();
    assert_eq!(after.len(), 1);
    assert!(f.clinic.diagnostic_offers(ecg.id).await.unwrap().is_empty());
    let dup = f.clinic.create_diagnostic(&input("ct")).await.unwrap_err();
    assert_eq!(dup.field(), Some("typeName"));
    let v = f.clinic.get_diagnostic(ct.id).await.unwrap().row_version;
    let updated =
        f.clinic.update_diagnostic(ct.id, v, &DiagnosticInput { price: "150.5".into(), ..input("CT") }).await.unwrap();
    assert_eq!(updated.price.to_string(), "150.50");
    assert_eq!(updated.preparation, "Nothing to eat for 4 hours.");
    let v = updated.row_version;
    let long = DiagnosticInput { preparation: "x".repeat(2001), ..input("CT") };
    assert_eq!(f.clinic.update_diagnostic(ct.id, v, &long).await.unwrap_err().field(), Some("preparation"));
}

#[tokio::test]
async fn working_hours_and_exceptions() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let monday = |s: (u16, u16), e: (u16, u16)| WeeklyInterval {
        weekday: IsoWeekday::new(1).unwrap(),
        start: WallTime::hm(s.0, s.1),
        end: WallTime::hm(e.0, e.1),
    };
    // Several intervals a day, minute precision.
    let week = vec![monday((8, 30), (12, 45)), monday((13, 30), (18, 0))];
    f.clinic.set_location_week(b.location.id, &week).await.unwrap();
    assert_eq!(f.clinic.location_week(b.location.id).await.unwrap(), week);
    let overlapping = vec![monday((8, 0), (12, 0)), monday((11, 0), (13, 0))];
    assert_eq!(f.clinic.set_location_week(b.location.id, &overlapping).await.unwrap_err().field(), Some("week"));
    let backwards = vec![monday((12, 0), (8, 0))];
    assert_eq!(f.clinic.set_location_week(b.location.id, &backwards).await.unwrap_err().field(), Some("week"));
    assert_eq!(f.clinic.location_week(b.location.id).await.unwrap(), week, "a refused week changes nothing");
    assert_eq!(f.clinic.doctor_week(b.doctor, b.location.id).await.unwrap().len(), 7);

    let closure = ScheduleExceptionInput {
        kind: ExceptionKind::Closure,
        location_id: Some(b.location.id),
        doctor_id: None,
        date: day("2027-01-07"),
        start: None,
        end: None,
        note: "Orthodox Christmas".into(),
    };
    let stored = f.clinic.add_exception(&closure, &actor()).await.unwrap();
    assert_eq!(stored.created_by, DESK_LOGIN, "the database names the login");
    let leave_without_doctor = ScheduleExceptionInput { kind: ExceptionKind::Leave, ..closure.clone() };
    assert_eq!(f.clinic.add_exception(&leave_without_doctor, &actor()).await.unwrap_err().field(), Some("doctorId"));
    let extra_without_time = ScheduleExceptionInput { kind: ExceptionKind::ExtraHours, ..closure.clone() };
    assert_eq!(f.clinic.add_exception(&extra_without_time, &actor()).await.unwrap_err().field(), Some("start"));
    let listed =
        f.clinic.list_exceptions(Some(b.location.id), None, day("2027-01-01"), day("2027-01-31")).await.unwrap();
    assert_eq!(listed, vec![stored.clone()]);
    f.clinic.remove_exception(stored.id).await.unwrap();
    assert!(matches!(f.clinic.remove_exception(stored.id).await, Err(AppError::NotFound { .. })));
}

#[tokio::test]
async fn patients_create_search_and_deduplicate() {
    let f = Fixture::new().await;
    let id = PatientId::generate();
    let input = PatientInput {
        full_name: "Олена Коваленко".into(),
        phone: Some("+380 (50) 111-22-33".into()),
        email: Some("olena@example.ua".into()),
        date_of_birth: Some(day("1990-02-01")),
        notes: String::new(),
    };
    let created = f.clinic.create_patient(id, &input, &actor()).await.unwrap();
    assert_eq!(created.phone.as_deref(), Some("+380501112233"));
    let replay = f.clinic.create_patient(id, &input, &actor()).await.unwrap();
    assert_eq!(replay, created, "a retried create changes nothing");
    assert_eq!(f.count("patients").await, 1);
    let other = f.patient("Taras Shevchenko").await;
    assert!(other.patient_number > created.patient_number, "numbers are issued by the database");

    let by_name = f.clinic.search_patients("КОВАЛ", 10).await.unwrap();
    assert_eq!(by_name.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id], "case-insensitive Cyrillic");
    assert_eq!(f.clinic.search_patients("050 111", 10).await.unwrap().len(), 1);
    assert_eq!(f.clinic.search_patients("01.02.1990", 10).await.unwrap().len(), 1);
    assert_eq!(f.clinic.search_patients("x", 10).await.unwrap_err().field(), Some("query"));

    let similar = PatientInput { full_name: "Олена Коваленко".into(), phone: None, ..input.clone() };
    let dups = f.clinic.possible_duplicates(&similar).await.unwrap();
    assert_eq!(dups.len(), 1);
    assert!(dups[0].same_name_and_birth_date && dups[0].similar_name);
    let same_phone = PatientInput { full_name: "Someone Else".into(), date_of_birth: None, ..input.clone() };
    let by_phone = &f.clinic.possible_duplicates(&same_phone).await.unwrap()[0];
    assert!(by_phone.same_phone && !by_phone.similar_name, "a phone match is not a similar name");

    let bad = PatientInput { email: Some("not-an-email".into()), ..input.clone() };
    assert_eq!(
        f.clinic.create_patient(PatientId::generate(), &bad, &actor()).await.unwrap_err().field(),
        Some("email")
    );
    let bad = PatientInput { phone: Some("12".into()), ..input.clone() };
    assert_eq!(
        f.clinic.create_patient(PatientId::generate(), &bad, &actor()).await.unwrap_err().field(),
        Some("phone")
    );
    let bad = PatientInput { full_name: " ".into(), ..input.clone() };
    assert_eq!(
        f.clinic.create_patient(PatientId::generate(), &bad, &actor()).await.unwrap_err().field(),
        Some("fullName")
    );
    assert_eq!(f.count("patients").await, 2);

    let updated = f
        .clinic
        .update_patient(
            id,
            created.row_version,
            &PatientInput { notes: "Allergic to penicillin".into(), ..input.clone() },
        )
        .await
        .unwrap();
    assert_eq!(updated.row_version, created.row_version + 1);
    let stale = f.clinic.update_patient(id, created.row_version, &input).await.unwrap_err();
    assert!(matches!(stale, AppError::Conflict { code: ConflictCode::StaleVersion, .. }));
    assert!(f.clinic.patient_bookings(id).await.unwrap().is_empty());
    assert!(matches!(f.clinic.patient_results(PatientId::generate()).await, Err(AppError::NotFound { .. })));
}
