//! Booking against a real PostgreSQL: the engine's checks at commit, the
//! exclusion constraints under concurrency, statuses, rescheduling, ratings.

use std::sync::Arc;

use crate::common::*;
use clinic_domain::bookings::{
    BookingStatus, BookingSubject, CancelKind, ClinicPolicy, HoursPreviewQuery, OpenSpan, RatingInput,
    RescheduleRequest, SlotQuery, StatusAction, StatusRequest,
};
use clinic_domain::ids::{BookingId, RatingId};
use clinic_domain::schedule::{ExceptionKind, ScheduleExceptionInput, WeeklyInterval};
use clinic_domain::values::{IsoWeekday, WallTime};
use clinic_domain::{AppError, ConflictCode, ValidationCode};

#[tokio::test]
async fn booking_captures_price_and_history() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let booking = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z").await.unwrap();
    assert_eq!(booking.status, BookingStatus::Booked);
    // 08:00 in Kyiv on the visit's day: the patient may arrive; not yet a no-show.
    assert_eq!(booking.allowed_actions, [StatusAction::Confirm, StatusAction::CheckIn, StatusAction::Cancel]);
    assert!(booking.holds_slot);
    assert_eq!(booking.price.to_string(), "500.00");
    assert_eq!(booking.ends_at, at("2027-01-04T07:30:00Z"));
    assert_eq!(booking.subject_name, "Dr Iryna Bondar");
    assert_eq!(booking.patient_name, "Olena Kovalenko");
    // The database names the login; the station's name for the person is
    // kept only when it differs (see the sync tests).
    assert_eq!(booking.created_by, DESK_LOGIN);
    assert_eq!(booking.entered_by.as_deref(), Some("Reception 1"));

    let history = f.clinic.booking_history(booking.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].from_status, history[0].to_status), (None, BookingStatus::Booked));
    assert_eq!(history[0].changed_by, DESK_LOGIN);
}

#[tokio::test]
async fn the_clock_decides_when_a_patient_can_arrive_or_be_missed() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    // 09:00 Kyiv on 5 January; the fixture's clock is 08:00 Kyiv on the 4th.
    let visit = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T07:00:00Z").await.unwrap();
    assert_eq!(visit.allowed_actions, [StatusAction::Confirm, StatusAction::Cancel], "the day before");
    let status = |action| StatusRequest {
        booking_id: visit.id,
        action,
        reason: String::new(),
        cancel_kind: None,
        expected_version: 1,
    };
    let early = f.clinic.change_status(&status(StatusAction::CheckIn), &actor()).await.unwrap_err();
    assert_eq!(early.field(), Some("action"), "{early:?}");
    let missed_early = f.clinic.change_status(&status(StatusAction::NoShow), &actor()).await.unwrap_err();
    assert_eq!(missed_early.field(), Some("action"), "{missed_early:?}");
    assert_eq!(f.count("booking_status_changes").await, 1, "nothing written by the refusals");

    let that_morning = f.clinic_at("2027-01-05T06:30:00Z");
    let seen = that_morning.get_booking(visit.id).await.unwrap();
    assert_eq!(seen.allowed_actions, [StatusAction::Confirm, StatusAction::CheckIn, StatusAction::Cancel]);
    let after_start = f.clinic_at("2027-01-05T07:10:00Z");
    assert!(after_start.get_booking(visit.id).await.unwrap().allowed_actions.contains(&StatusAction::NoShow));
    let arrived = that_morning.change_status(&status(StatusAction::CheckIn), &actor()).await.unwrap();
    assert_eq!(arrived.status, BookingStatus::Arrived);
    // The arrival time is when the check-in was recorded, later than the booking.
    assert!(arrived.status_since.is_some_and(|since| since >= visit.created_at), "{:?}", arrived.status_since);
}

#[tokio::test]
async fn an_accidental_check_in_or_cancel_is_undone_and_recorded() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    // 09:00 Kyiv today (the clock reads 08:00 Kyiv).
    let visit = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z").await.unwrap();
    let act = |action, version| StatusRequest {
        booking_id: visit.id,
        action,
        reason: if action == StatusAction::Cancel { "wrong patient".into() } else { String::new() },
        cancel_kind: (action == StatusAction::Cancel).then_some(CancelKind::ByClinic),
        expected_version: version,
    };
    // The database stamps history with its own clock; the fixture's clock is
    // fixed in 2027, so the history is moved to the fixture's day to match.
    let on_fixture_day = || async {
        f.behind_the_triggers("UPDATE booking_status_changes SET changed_at = $1", at(NOW)).await;
        f.clinic.get_booking(visit.id).await.unwrap()
    };
    f.clinic.change_status(&act(StatusAction::CheckIn, 1), &actor()).await.unwrap();
    let arrived = on_fixture_day().await;
    assert!(arrived.allowed_actions.contains(&StatusAction::Undo), "{:?}", arrived.allowed_actions);
    let back = f.clinic.change_status(&act(StatusAction::Undo, arrived.row_version), &actor()).await.unwrap();
    assert_eq!(back.status, BookingStatus::Booked);
    assert!(!back.allowed_actions.contains(&StatusAction::Undo), "nothing left to undo");

    f.clinic.change_status(&act(StatusAction::Cancel, back.row_version), &actor()).await.unwrap();
    let cancelled = on_fixture_day().await;
    let restored = f.clinic.change_status(&act(StatusAction::Undo, cancelled.row_version), &actor()).await.unwrap();
    assert_eq!(restored.status, BookingStatus::Booked, "the slot is held again");
    on_fixture_day().await;
    let history = f.clinic.booking_history(visit.id).await.unwrap();
    let path: Vec<_> = history.iter().map(|h| h.to_status).collect();
    use BookingStatus::*;
    assert_eq!(path, [Booked, Arrived, Booked, Cancelled, Booked]);

    // Cancelled again, and the time taken by someone else: the undo is refused as a conflict.
    f.clinic.change_status(&act(StatusAction::Cancel, restored.row_version), &actor()).await.unwrap();
    let cancelled = on_fixture_day().await;
    let other = f.patient("Petro Shevchenko").await;
    f.book(other.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z").await.unwrap();
    let taken = f.clinic.change_status(&act(StatusAction::Undo, cancelled.row_version), &actor()).await.unwrap_err();
    assert!(matches!(taken, AppError::Conflict { .. }), "{taken:?}");

    // The next day an undo is no longer offered.
    let tomorrow = f.clinic_at("2027-01-05T07:00:00Z");
    assert!(!tomorrow.get_booking(visit.id).await.unwrap().allowed_actions.contains(&StatusAction::Undo));
}

#[tokio::test]
async fn a_moved_booking_points_to_its_new_time_and_is_not_undone() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let old = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z").await.unwrap();
    let request = RescheduleRequest {
        booking_id: old.id,
        new_booking_id: BookingId::generate(),
        starts_at: at("2027-01-04T09:00:00Z"),
        expected_version: old.row_version,
        reason: String::new(),
        location_id: None,
        subject: None,
    };
    let new = f.clinic.reschedule(&request, &actor()).await.unwrap();
    let old = f.clinic.get_booking(old.id).await.unwrap();
    assert_eq!(
        (old.status, old.moved_to, new.rescheduled_from),
        (BookingStatus::Cancelled, Some(new.id), Some(old.id))
    );
    assert!(old.allowed_actions.is_empty(), "a move is not undone: {:?}", old.allowed_actions);
}

#[tokio::test]
async fn a_booking_moves_to_another_doctor_at_another_location_with_a_bookings_checks() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let north = f.location("North", "Europe/Kyiv").await;
    let melnyk = f.doctor("Dr Taras Melnyk", b.specialty, &[north.id]).await;
    f.clinic.set_doctor_week(melnyk, north.id, &every_day(9, 17)).await.unwrap();
    let old = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z").await.unwrap();
    let to_melnyk = |location_id| RescheduleRequest {
        booking_id: old.id,
        new_booking_id: BookingId::generate(),
        starts_at: at("2027-01-04T09:00:00Z"),
        expected_version: old.row_version,
        reason: String::new(),
        location_id,
        subject: Some(BookingSubject::Doctor { doctor_id: melnyk }),
    };
    // He does not work at Centre: refused like a booking, the original untouched.
    let refused = f.clinic.reschedule(&to_melnyk(None), &actor()).await.unwrap_err();
    assert!(matches!(refused, AppError::Validation { .. }), "{refused:?}");
    assert_eq!(f.clinic.get_booking(old.id).await.unwrap().status, BookingStatus::Booked);

    let moved = f.clinic.reschedule(&to_melnyk(Some(north.id)), &actor()).await.unwrap();
    assert_eq!((moved.location_id, moved.subject_name.as_str()), (north.id, "Dr Taras Melnyk"));
    assert_eq!(moved.rescheduled_from, Some(old.id));
    assert_eq!(f.clinic.get_booking(old.id).await.unwrap().moved_to, Some(moved.id));
}

#[tokio::test]
async fn repeating_a_booking_request_books_once() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let request = request(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z");
    let first = f.clinic.book(&request, &actor()).await.unwrap();
    let again = f.clinic.book(&request, &actor()).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(f.count("bookings").await, 1);
}

#[tokio::test]
async fn a_doctor_cannot_be_booked_twice_across_locations() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let north = f.location("North", "Europe/Kyiv").await;
    f.clinic
        .update_doctor(
            b.doctor,
            f.clinic.get_doctor(b.doctor).await.unwrap().row_version,
            &clinic_domain::catalogue::DoctorInput {
                full_name: "Dr Iryna Bondar".into(),
                specialty_id: b.specialty,
                price: "500.00".into(),
                experience: String::new(),
                certificates: String::new(),
                services: vec![],
                slot_minutes: 30,
                location_ids: vec![b.location.id, north.id],
            },
        )
        .await
        .unwrap();
    // Mornings at the centre, afternoons in the north.
    let mornings: Vec<_> = every_day(9, 13);
    let afternoons: Vec<_> = every_day(13, 17);
    f.clinic.set_doctor_week(b.doctor, b.location.id, &mornings).await.unwrap();
    f.clinic.set_doctor_week(b.doctor, north.id, &afternoons).await.unwrap();

    let first = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T09:00:00Z").await.unwrap();
    // Overlapping week at another location is refused by the database.
    let err = f.clinic.set_doctor_week(b.doctor, north.id, &every_day(12, 17)).await.unwrap_err();
    assert_eq!(err.field(), Some("week"), "{err:?}");

    // Even a hand-written insert of an overlapping booking at the other
    // location is refused by the exclusion constraint.
    let raw = sqlx::query(
        "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, starts_at, ends_at, price, created_by)
         VALUES ($1, $2, $3, $4, '2027-01-05T09:15:00Z', '2027-01-05T09:45:00Z', 1, 'sql')",
    )
    .bind(BookingId::generate().0)
    .bind(b.patient.id.0)
    .bind(north.id.0)
    .bind(b.doctor.0)
    .execute(&f.db.pool)
    .await
    .unwrap_err();
    assert_eq!(
        clinic_store::db_error(raw),
        AppError::Conflict {
            code: ConflictCode::SlotTaken,
            message: "this time was just taken by another booking".into(),
            conflicting_booking_id: None
        }
    );
    assert_eq!(f.count("bookings").await, 1);

    // Through the service, the same slot again names the booking holding it.
    let other = f.patient("Petro Melnyk").await;
    let err = f.book(other.id, b.location.id, b.with_doctor(), "2027-01-05T09:00:00Z").await.unwrap_err();
    match err {
        AppError::Conflict { code: ConflictCode::SlotTaken, conflicting_booking_id, message } => {
            assert_eq!(conflicting_booking_id, Some(first.id));
            assert!(message.contains("11:00–11:30"), "local time named: {message}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn twenty_concurrent_bookings_of_one_slot_one_wins() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let clinic = Arc::new(f.clinic.clone());
    let mut patients = Vec::new();
    for i in 0..20 {
        patients.push(f.patient(&format!("Patient {i}")).await.id);
    }
    let tasks: Vec<_> = patients
        .into_iter()
        .map(|patient| {
            let clinic = clinic.clone();
            let req = request(patient, b.location.id, b.with_doctor(), "2027-01-06T10:00:00Z");
            tokio::spawn(async move { clinic.book(&req, &actor()).await })
        })
        .collect();
    let outcomes = futures::future::join_all(tasks).await;
    let (won, lost): (Vec<_>, Vec<_>) = outcomes.into_iter().map(|r| r.unwrap()).partition(|r| r.is_ok());
    assert_eq!(won.len(), 1, "exactly one booking wins");
    assert_eq!(lost.len(), 19);
    for outcome in lost {
        assert!(matches!(outcome, Err(AppError::Conflict { code: ConflictCode::SlotTaken, .. })), "{outcome:?}");
    }
    assert_eq!(f.count("bookings").await, 1);
}

/// Twenty desks hammering the same few hours of a two-at-a-time diagnostic:
/// every attempt is either booked or refused as a conflict ("taken", or
/// "being booked at the same moment, try again" once the retries inside the
/// service run out); a deadlock or serialization failure never reaches a
/// person as an internal error, and the capacity holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_booking_race_never_ends_in_an_internal_error() {
    const DESKS: usize = 20;
    const ATTEMPTS: usize = 200;
    let f = Fixture::new().await;
    let b = f.basic().await;
    let mri = f.diagnostic("MRI", "2400", 60, b.location.id, 2).await;
    let subject = BookingSubject::Diagnostic { diagnostic_id: mri.id };
    let clinic = Arc::new(f.clinic.clone());
    let started = std::time::Instant::now();
    let mut desks = Vec::new();
    for desk in 0..DESKS {
        let patient = f.patient(&format!("Racer {desk}")).await.id;
        let clinic = clinic.clone();
        desks.push(tokio::spawn(async move {
            let mut outcomes = Vec::with_capacity(ATTEMPTS);
            for attempt in 0..ATTEMPTS {
                // Ten hours, 08:00-17:00, visited in a different order by each desk.
                let hour = 8 + (attempt * 7 + desk * 3) % 10;
                let req = request(patient, b.location.id, subject, &format!("2027-01-07T{hour:02}:00:00Z"));
                let outcome = clinic.book(&req, &actor()).await;
                // Cancelled at once, so the hour stays fought over.
                if let Ok(booked) = &outcome {
                    let cancel = StatusRequest {
                        booking_id: booked.id,
                        action: StatusAction::Cancel,
                        reason: "race".into(),
                        cancel_kind: Some(CancelKind::ByClinic),
                        expected_version: booked.row_version,
                    };
                    outcomes.push(clinic.change_status(&cancel, &actor()).await.map(|_| ()));
                }
                outcomes.push(outcome.map(|_| ()));
            }
            outcomes
        }));
    }
    let outcomes: Vec<_> = futures::future::join_all(desks).await.into_iter().flat_map(|desk| desk.unwrap()).collect();
    let done = outcomes.iter().filter(|o| o.is_ok()).count();
    let busy =
        outcomes.iter().filter(|o| matches!(o, Err(AppError::Conflict { code: ConflictCode::Busy, .. }))).count();
    for outcome in &outcomes {
        assert!(
            matches!(outcome, Ok(()) | Err(AppError::Conflict { .. }) | Err(AppError::Validation { .. })),
            "a race must end booked or as a conflict, not {outcome:?}"
        );
    }
    println!(
        "booking race: {} bookings and cancellations by {DESKS} desks in {} ms: {done} done, {busy} busy after retries, no internal error",
        outcomes.len(),
        started.elapsed().as_millis()
    );
    let most: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM bookings WHERE diagnostic_id = $1
                                              AND status <> 'cancelled' GROUP BY starts_at) per_hour",
    )
    .bind(mri.id.0)
    .fetch_one(&f.db.pool)
    .await
    .unwrap();
    assert!(most <= 2, "capacity 2 held: {most} at one hour");
}

#[tokio::test]
async fn diagnostic_capacity_bounds_parallel_bookings() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let mri = f.diagnostic("MRI", "2400", 60, b.location.id, 2).await;
    let subject = BookingSubject::Diagnostic { diagnostic_id: mri.id };
    let clinic = Arc::new(f.clinic.clone());
    let mut tasks = Vec::new();
    for i in 0..6 {
        let patient = f.patient(&format!("Scan {i}")).await.id;
        let clinic = clinic.clone();
        let req = request(patient, b.location.id, subject, "2027-01-07T08:00:00Z");
        tasks.push(tokio::spawn(async move { clinic.book(&req, &actor()).await }));
    }
    let outcomes: Vec<_> = futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap()).collect();
    let won: Vec<_> = outcomes.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(won.len(), 2, "capacity 2: two win, {outcomes:?}");
    assert_eq!(won[0].price.to_string(), "2400.00");
    let lanes: Vec<i16> = sqlx::query_scalar("SELECT diagnostic_lane FROM bookings ORDER BY diagnostic_lane")
        .fetch_all(&f.db.pool)
        .await
        .unwrap();
    assert_eq!(lanes, vec![1, 2]);

    // The capacity cannot drop below the lanes in use.
    let err = f.clinic.offer_diagnostic(mri.id, b.location.id, 1).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict { code: ConflictCode::InUse, .. }), "{err:?}");
    // A lane past the capacity is refused by the database itself.
    let raw = sqlx::query(
        "INSERT INTO bookings (booking_id, patient_id, location_id, diagnostic_id, diagnostic_lane, starts_at, ends_at, price, created_by)
         VALUES ($1, $2, $3, $4, 3, '2027-01-07T08:00:00Z', '2027-01-07T09:00:00Z', 1, 'sql')",
    )
    .bind(BookingId::generate().0)
    .bind(b.patient.id.0)
    .bind(b.location.id.0)
    .bind(mri.id.0)
    .execute(&f.db.pool)
    .await
    .unwrap_err();
    assert!(matches!(clinic_store::db_error(raw), AppError::Conflict { code: ConflictCode::SlotTaken, .. }));

    // Not offered at another location.
    let north = f.location("North", "Europe/Kyiv").await;
    let err = f.book(b.patient.id, north.id, subject, "2027-01-07T08:00:00Z").await.unwrap_err();
    assert!(
        matches!(err, AppError::Validation { ref field, code: ValidationCode::NotOffered, .. } if field == "subject"),
        "{err:?}"
    );
}

#[tokio::test]
async fn slots_are_validated_at_commit() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let cases = [
        ("2027-01-04T05:00:00Z", ValidationCode::InThePast),
        ("2027-01-04T07:10:00Z", ValidationCode::OffGrid),
        ("2027-01-04T16:00:00Z", ValidationCode::OutsideWorkingHours), // 18:00 local
    ];
    for (start, code) in cases {
        let err = f.book(b.patient.id, b.location.id, b.with_doctor(), start).await.unwrap_err();
        assert!(
            matches!(err, AppError::Validation { ref field, code: c, .. } if field == "startsAt" && c == code),
            "{start}: {err:?}"
        );
    }
    // A doctor who does not work at the location.
    let north = f.location("North", "Europe/Kyiv").await;
    let err = f.book(b.patient.id, north.id, b.with_doctor(), "2027-01-04T07:00:00Z").await.unwrap_err();
    assert!(matches!(err, AppError::Validation { code: ValidationCode::NotOffered, .. }), "{err:?}");
    // Unknown ids and a message that is too long.
    let mut bad = request(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z");
    bad.patient_id = clinic_domain::ids::PatientId::generate();
    assert_eq!(f.clinic.book(&bad, &actor()).await.unwrap_err().field(), Some("patientId"));
    let mut bad = request(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z");
    bad.subject = BookingSubject::Doctor { doctor_id: clinic_domain::ids::DoctorId(9999) };
    assert_eq!(f.clinic.book(&bad, &actor()).await.unwrap_err().field(), Some("subject"));
    let mut bad = request(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z");
    bad.patient_message = "x".repeat(1025);
    assert_eq!(f.clinic.book(&bad, &actor()).await.unwrap_err().field(), Some("patientMessage"));
    // Nothing was written by any of them.
    assert_eq!(f.count("bookings").await, 0);
    assert_eq!(f.count("booking_status_changes").await, 0);
}

#[tokio::test]
async fn deactivated_doctors_take_no_bookings() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    f.clinic.set_doctor_active(b.doctor, false).await.unwrap();
    let err = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z").await.unwrap_err();
    assert!(matches!(err, AppError::Validation { code: ValidationCode::Inactive, .. }), "{err:?}");
}

#[tokio::test]
async fn free_slots_skip_taken_and_closed_times() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let query = SlotQuery {
        location_id: b.location.id,
        subject: b.with_doctor(),
        from: day("2027-01-04"),
        to: day("2027-01-04"),
    };
    let slots = f.clinic.free_slots(&query).await.unwrap();
    assert_eq!(slots.len(), 16, "09:00–17:00 in 30-minute slots, all after 08:00 now");
    assert_eq!(slots[0].starts_at, at("2027-01-04T07:00:00Z"));

    f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:30:00Z").await.unwrap();
    let slots = f.clinic.free_slots(&query).await.unwrap();
    assert_eq!(slots.len(), 15);
    assert!(slots.iter().all(|s| s.starts_at != at("2027-01-04T07:30:00Z")));

    // Leave for the doctor removes the afternoon.
    f.clinic
        .add_exception(
            &clinic_domain::schedule::ScheduleExceptionInput {
                kind: clinic_domain::schedule::ExceptionKind::Leave,
                location_id: None,
                doctor_id: Some(b.doctor),
                date: day("2027-01-04"),
                start: Some(clinic_domain::values::WallTime::hm(13, 0)),
                end: Some(clinic_domain::values::WallTime::hm(17, 0)),
                note: "Conference".into(),
            },
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(f.clinic.free_slots(&query).await.unwrap().len(), 7);

    let too_long = SlotQuery { to: day("2027-06-01"), ..query.clone() };
    assert_eq!(f.clinic.free_slots(&too_long).await.unwrap_err().field(), Some("to"));
}

#[tokio::test]
async fn hours_preview_shows_an_unsaved_week_with_bookings_and_closures() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T07:00:00Z").await.unwrap();
    f.clinic
        .add_exception(
            &ScheduleExceptionInput {
                kind: ExceptionKind::Closure,
                location_id: Some(b.location.id),
                doctor_id: None,
                date: day("2027-01-06"),
                start: None,
                end: None,
                note: "Holiday".into(),
            },
            &actor(),
        )
        .await
        .unwrap();
    // Proposed: the doctor only on Tuesdays and Wednesdays, 09:00–12:00.
    let week: Vec<WeeklyInterval> = [2, 3]
        .into_iter()
        .map(|d| WeeklyInterval {
            weekday: IsoWeekday::new(d).unwrap(),
            start: WallTime::hm(9, 0),
            end: WallTime::hm(12, 0),
        })
        .collect();
    let query = HoursPreviewQuery {
        location_id: b.location.id,
        doctor_id: Some(b.doctor),
        week: week.clone(),
        from: day("2027-01-04"),
        to: day("2027-01-06"),
    };
    let days = f.clinic.preview_hours(&query).await.unwrap();
    let summary: Vec<(u32, u32)> = days.iter().map(|d| (d.slots, d.free_slots)).collect();
    // Monday: not in the proposed week. Tuesday: 6 slots, one booked. Wednesday: closed.
    assert_eq!(summary, vec![(0, 0), (6, 5), (0, 0)]);
    assert_eq!(days[1].open, vec![OpenSpan { start: WallTime::hm(9, 0), end: WallTime::hm(12, 0) }]);
    // Nothing was saved: the stored week still has every day.
    assert_eq!(f.clinic.doctor_week(b.doctor, b.location.id).await.unwrap().len(), 7);

    // The location's own week, on its 15-minute grid, with its closure.
    let location_days = f.clinic.preview_hours(&HoursPreviewQuery { doctor_id: None, ..query.clone() }).await.unwrap();
    let slots: Vec<u32> = location_days.iter().map(|d| d.slots).collect();
    assert_eq!(slots, vec![0, 12, 0]);

    let reversed = vec![WeeklyInterval {
        weekday: IsoWeekday::new(1).unwrap(),
        start: WallTime::hm(12, 0),
        end: WallTime::hm(9, 0),
    }];
    let error = f.clinic.preview_hours(&HoursPreviewQuery { week: reversed, ..query.clone() }).await.unwrap_err();
    assert_eq!(error.field(), Some("week"));
    let too_long = HoursPreviewQuery { to: day("2027-03-01"), ..query };
    assert_eq!(f.clinic.preview_hours(&too_long).await.unwrap_err().field(), Some("to"));
}

#[tokio::test]
async fn bookings_follow_new_york_across_the_spring_change() {
    // Saturday 2027-03-13 noon in New York; the clocks go forward on Sunday 03-14.
    let f = Fixture::at("2027-03-13T17:00:00Z").await;
    let ny = f.location("Manhattan", "America/New_York").await;
    let specialty = f.specialty("Dermatology").await;
    let doctor = f.doctor("Dr Ann Lee", specialty, &[ny.id]).await;
    f.clinic.set_doctor_week(doctor, ny.id, &every_day(9, 11)).await.unwrap();
    let patient = f.patient("Sam Green").await;
    let subject = BookingSubject::Doctor { doctor_id: doctor };
    let slots = f
        .clinic
        .free_slots(&SlotQuery { location_id: ny.id, subject, from: day("2027-03-13"), to: day("2027-03-15") })
        .await
        .unwrap();
    let starts: Vec<_> = slots.iter().map(|s| s.starts_at.to_rfc3339()).collect();
    // Saturday is in the past by noon; Sunday and Monday at 09:00 EDT = 13:00 UTC.
    assert_eq!(starts.first().map(String::as_str), Some("2027-03-14T13:00:00+00:00"));
    assert_eq!(slots.len(), 8);
    // 15:00 UTC would be 10:00 under winter time, but on Sunday it is 11:00 EDT: closed.
    let err = f.book(patient.id, ny.id, subject, "2027-03-14T15:00:00Z").await.unwrap_err();
    assert!(matches!(err, AppError::Validation { code: ValidationCode::OutsideWorkingHours, .. }), "{err:?}");
    f.book(patient.id, ny.id, subject, "2027-03-14T13:00:00Z").await.unwrap();
}

#[tokio::test]
async fn status_lifecycle_and_rating() {
    let f = Fixture::at("2027-01-04T06:00:00Z").await;
    let b = f.basic().await;
    let booking = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z").await.unwrap();

    let step = |action, version| StatusRequest {
        booking_id: booking.id,
        action,
        reason: String::new(),
        cancel_kind: None,
        expected_version: version,
    };
    let err = f.clinic.change_status(&step(StatusAction::Complete, booking.row_version), &actor()).await.unwrap_err();
    assert!(
        matches!(err, AppError::Validation { code: ValidationCode::NotAllowed, .. }),
        "booked cannot complete: {err:?}"
    );
    let err = f.clinic.change_status(&step(StatusAction::NoShow, booking.row_version), &actor()).await.unwrap_err();
    assert_eq!(err.field(), Some("action"), "no-show before the visit starts");

    let confirmed = f.clinic.change_status(&step(StatusAction::Confirm, booking.row_version), &actor()).await.unwrap();
    // Acting on an old version is a conflict, not a silent overwrite.
    let err = f.clinic.change_status(&step(StatusAction::CheckIn, booking.row_version), &actor()).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict { code: ConflictCode::StaleVersion, .. }));
    let arrived = f.clinic.change_status(&step(StatusAction::CheckIn, confirmed.row_version), &actor()).await.unwrap();

    let rating =
        RatingInput { rating_id: RatingId::generate(), booking_id: booking.id, rating: 5, comment: "Kind".into() };
    let err = f.clinic.record_rating(&rating, &actor()).await.unwrap_err();
    assert_eq!(err.field(), Some("bookingId"), "not completed yet");

    let done = f.clinic.change_status(&step(StatusAction::Complete, arrived.row_version), &actor()).await.unwrap();
    assert_eq!(done.status, BookingStatus::Completed);
    let history = f.clinic.booking_history(booking.id).await.unwrap();
    let path: Vec<_> = history.iter().map(|h| h.to_status).collect();
    assert_eq!(
        path,
        [BookingStatus::Booked, BookingStatus::Confirmed, BookingStatus::Arrived, BookingStatus::Completed]
    );

    let six = RatingInput { rating: 6, rating_id: RatingId::generate(), ..rating.clone() };
    assert_eq!(f.clinic.record_rating(&six, &actor()).await.unwrap_err().field(), Some("rating"));
    f.clinic.record_rating(&rating, &actor()).await.unwrap();
    let again = RatingInput { rating_id: RatingId::generate(), rating: 1, ..rating.clone() };
    let err = f.clinic.record_rating(&again, &actor()).await.unwrap_err();
    assert!(matches!(err, AppError::Validation { code: ValidationCode::Duplicate, .. }), "{err:?}");

    let doctor = f.clinic.get_doctor(b.doctor).await.unwrap();
    assert_eq!((doctor.summary.average_rating, doctor.summary.review_count), (Some(5.0), 1));
    assert_eq!(f.count("doctor_ratings").await, 1);
}

#[tokio::test]
async fn cancelling_frees_the_slot_and_needs_a_reason() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let booking = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T09:00:00Z").await.unwrap();
    let mut cancel = StatusRequest {
        booking_id: booking.id,
        action: StatusAction::Cancel,
        reason: " ".into(),
        cancel_kind: None,
        expected_version: booking.row_version,
    };
    assert_eq!(f.clinic.change_status(&cancel, &actor()).await.unwrap_err().field(), Some("reason"));
    cancel.reason = "Patient is ill".into();
    assert_eq!(f.clinic.change_status(&cancel, &actor()).await.unwrap_err().field(), Some("cancelKind"));
    cancel.cancel_kind = Some(CancelKind::ByPatient);
    let cancelled = f.clinic.change_status(&cancel, &actor()).await.unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    let history = f.clinic.booking_history(booking.id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.reason, "Patient is ill");
    // 11:00 Kyiv today, cancelled at 08:00 by the patient: inside the default 24-hour notice.
    assert_eq!((last.cancel_kind, last.late), (Some(CancelKind::ByPatient), true));
    assert_eq!(f.clinic.clinic_policy().await.unwrap().late_cancel_notice_minutes, 1440);
    let shorter = ClinicPolicy { late_cancel_notice_minutes: 120, ..ClinicPolicy::default() };
    assert_eq!(f.clinic.set_clinic_policy(&shorter).await.unwrap(), shorter);
    let unreasonable = ClinicPolicy { late_cancel_notice_minutes: -5, ..ClinicPolicy::default() };
    assert_eq!(f.clinic.set_clinic_policy(&unreasonable).await.unwrap_err().field(), Some("lateCancelNoticeMinutes"));

    let other = f.patient("Taras Shevchenko").await;
    f.book(other.id, b.location.id, b.with_doctor(), "2027-01-04T09:00:00Z").await.unwrap();
}

#[tokio::test]
async fn rescheduling_links_the_new_booking() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let booking = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T09:00:00Z").await.unwrap();
    let new_id = BookingId::generate();
    let moved = f
        .clinic
        .reschedule(
            &RescheduleRequest {
                booking_id: booking.id,
                new_booking_id: new_id,
                starts_at: at("2027-01-05T09:30:00Z"),
                expected_version: booking.row_version,
                reason: String::new(),
                location_id: None,
                subject: None,
            },
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(moved.id, new_id);
    assert_eq!(moved.rescheduled_from, Some(booking.id));
    assert_eq!(f.clinic.get_booking(booking.id).await.unwrap().status, BookingStatus::Cancelled);

    // A failed reschedule leaves the original untouched.
    let blocker = f.patient("Blocker").await;
    f.book(blocker.id, b.location.id, b.with_doctor(), "2027-01-05T10:00:00Z").await.unwrap();
    let err = f
        .clinic
        .reschedule(
            &RescheduleRequest {
                booking_id: moved.id,
                new_booking_id: BookingId::generate(),
                starts_at: at("2027-01-05T10:00:00Z"),
                expected_version: moved.row_version,
                reason: String::new(),
                location_id: None,
                subject: None,
            },
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Conflict { code: ConflictCode::SlotTaken, conflicting_booking_id: Some(_), .. }),
        "{err:?}"
    );
    assert_eq!(f.clinic.get_booking(moved.id).await.unwrap().status, BookingStatus::Booked);
    assert_eq!(f.count("bookings").await, 3);
}

#[tokio::test]
async fn day_board_shows_columns_and_bookings_of_the_local_day() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let xray = f.diagnostic("X-Ray", "300", 15, b.location.id, 1).await;
    f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T07:00:00Z").await.unwrap();
    // 23:30 local on the 5th is 21:30 UTC: outside hours, so book 19:30 local instead.
    f.book(b.patient.id, b.location.id, BookingSubject::Diagnostic { diagnostic_id: xray.id }, "2027-01-05T17:30:00Z")
        .await
        .unwrap();
    let board = f.clinic.day_board(b.location.id, day("2027-01-05")).await.unwrap();
    assert_eq!(board.columns.len(), 2);
    assert_eq!(board.columns[0].name, "Dr Iryna Bondar");
    assert_eq!(board.columns[0].open[0].start.to_string(), "09:00");
    assert_eq!(board.columns[1].lanes, 1);
    assert_eq!(board.bookings.len(), 2);
    let empty = f.clinic.day_board(b.location.id, day("2027-01-06")).await.unwrap();
    assert!(empty.bookings.is_empty());
}
