//! Offline stations' intents replayed by the server: exactly once, through the
//! same services, with rejections recorded instead of retried; and the pull
//! checkpoint that cannot miss a write.

use std::sync::Arc;

use crate::common::*;
use chrono::Utc;
use clinic_domain::bookings::{BookingStatus, StatusAction, StatusRequest};
use clinic_domain::ids::{IntentId, PatientId};
use clinic_domain::intents::{Intent, IntentOutcome, QueuedIntent};
use clinic_domain::patients::PatientInput;
use clinic_domain::{AppError, ConflictCode};

fn queued(intent: Intent) -> QueuedIntent {
    QueuedIntent {
        intent_id: IntentId::generate(),
        station: "front-desk-2".into(),
        actor: "Reception 2".into(),
        made_at: Utc::now(),
        intent,
    }
}

#[tokio::test]
async fn an_intent_pushed_twice_is_applied_once() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let patient = PatientId::generate();
    let create = queued(Intent::CreatePatient {
        patient_id: patient,
        input: PatientInput { full_name: "Taras Melnyk".into(), ..PatientInput::default() },
    });
    let book =
        queued(Intent::Book { request: request(patient, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z") });

    for _ in 0..2 {
        assert_eq!(f.clinic.apply_intent(&create, None).await.unwrap(), IntentOutcome::Applied);
        assert_eq!(f.clinic.apply_intent(&book, None).await.unwrap(), IntentOutcome::Applied);
    }
    assert_eq!(f.count("patients").await, 2);
    assert_eq!(f.count("bookings").await, 1);
    assert_eq!(f.count("booking_status_changes").await, 1);
    assert_eq!(f.count("applied_intents").await, 2);
    // Entered offline by "Reception 2", pushed under the desk's login: the
    // database keeps both, on the booking and on its history.
    let booking = f.clinic.get_booking(book.intent.booking_id().unwrap()).await.unwrap();
    assert_eq!((booking.created_by.as_str(), booking.entered_by.as_deref()), (DESK_LOGIN, Some("Reception 2")));
    let history = f.clinic.booking_history(booking.id).await.unwrap();
    assert_eq!((history[0].changed_by.as_str(), history[0].entered_by.as_deref()), (DESK_LOGIN, Some("Reception 2")));
}

#[tokio::test]
async fn the_same_intent_pushed_concurrently_is_applied_once() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let check_in = {
        let booking = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z").await.unwrap();
        Arc::new(queued(Intent::ChangeStatus {
            request: StatusRequest {
                booking_id: booking.id,
                action: StatusAction::CheckIn,
                reason: String::new(),
                cancel_kind: None,
                expected_version: booking.row_version,
            },
        }))
    };
    let pushes: Vec<_> = (0..8)
        .map(|_| {
            let (clinic, intent) = (f.clinic.clone(), check_in.clone());
            tokio::spawn(async move { clinic.apply_intent(&intent, None).await })
        })
        .collect();
    for push in pushes {
        assert_eq!(push.await.unwrap().unwrap(), IntentOutcome::Applied);
    }
    let booking = f.clinic.get_booking(check_in.intent.booking_id().unwrap()).await.unwrap();
    assert_eq!(booking.status, BookingStatus::Arrived);
    assert_eq!(booking.row_version, 2, "one status change, not eight");
}

#[tokio::test]
async fn a_slot_taken_meanwhile_is_rejected_recorded_and_changes_nothing() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let other = f.patient("Petro Shevchenko").await;
    // Two stations booked 10:00 while offline; the first to push wins.
    let first =
        queued(Intent::Book { request: request(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z") });
    let second =
        queued(Intent::Book { request: request(other.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z") });
    assert_eq!(f.clinic.apply_intent(&first, None).await.unwrap(), IntentOutcome::Applied);
    let outcome = f.clinic.apply_intent(&second, None).await.unwrap();
    let IntentOutcome::Rejected {
        error: AppError::Conflict { code: ConflictCode::SlotTaken, conflicting_booking_id, message },
    } = &outcome
    else {
        panic!("expected a slot-taken rejection, got {outcome:?}");
    };
    assert_eq!(*conflicting_booking_id, first.intent.booking_id());
    assert!(message.contains("Dr Iryna Bondar"), "{message}");
    // Replaying the rejected intent gives the same answer, still nothing written.
    assert_eq!(f.clinic.apply_intent(&second, None).await.unwrap(), outcome);
    assert_eq!(f.count("bookings").await, 1);
    assert_eq!(f.count("applied_intents").await, 2);
}

#[tokio::test]
async fn a_stale_edit_is_a_conflict_not_an_overwrite() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let booking = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z").await.unwrap();
    let change = |action, expected_version| {
        queued(Intent::ChangeStatus {
            request: StatusRequest {
                booking_id: booking.id,
                action,
                reason: "patient called".into(),
                cancel_kind: (action == StatusAction::Cancel).then_some(clinic_domain::bookings::CancelKind::ByPatient),
                expected_version,
            },
        })
    };
    // Station A confirmed online; station B, offline, cancels the version it saw.
    assert_eq!(f.clinic.apply_intent(&change(StatusAction::Confirm, 1), None).await.unwrap(), IntentOutcome::Applied);
    let outcome = f.clinic.apply_intent(&change(StatusAction::Cancel, 1), None).await.unwrap();
    assert!(
        matches!(
            outcome,
            IntentOutcome::Rejected { error: AppError::Conflict { code: ConflictCode::StaleVersion, .. } }
        ),
        "{outcome:?}"
    );
    assert_eq!(f.clinic.get_booking(booking.id).await.unwrap().status, BookingStatus::Confirmed);
}

#[tokio::test]
async fn a_result_intent_stores_the_file_it_carries() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let mri = f.diagnostic("MRI", "1800.00", 60, b.location.id, 1).await;
    let booking = f
        .book(
            b.patient.id,
            b.location.id,
            clinic_domain::bookings::BookingSubject::Diagnostic { diagnostic_id: mri.id },
            "2027-01-04T08:00:00Z",
        )
        .await
        .unwrap();
    let result_id = clinic_domain::ids::ResultId::generate();
    let attach = queued(Intent::AttachResult { result_id, booking_id: booking.id, file_name: "mri.pdf".into() });
    let without = f.clinic.apply_intent(&queued(attach.intent.clone()), None).await.unwrap();
    assert!(
        matches!(&without, IntentOutcome::Rejected { error: AppError::Validation { field, .. } } if field == "file"),
        "{without:?}"
    );
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    // Replayed once the scan has started (results before it are refused).
    let during = f.clinic_at("2027-01-04T08:20:00Z");
    assert_eq!(during.apply_intent(&attach, Some(pdf)).await.unwrap(), IntentOutcome::Applied);
    assert_eq!(during.apply_intent(&attach, Some(pdf)).await.unwrap(), IntentOutcome::Applied);
    let (info, bytes) = f.clinic.result_file(result_id).await.unwrap();
    assert_eq!(bytes, pdf);
    assert_eq!(info.file_name, "mri.pdf");
    assert_eq!(f.count("diagnostic_results").await, 1);
}

#[tokio::test]
async fn the_pull_checkpoint_sees_every_later_write() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let (from, to) = (day("2027-01-01"), day("2027-01-31"));
    f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T08:00:00Z").await.unwrap();
    let first = f.clinic.station_changes(None, from, to).await.unwrap();
    assert!(first.bookings.is_empty(), "a first pull fetches every board: {:?}", first.bookings);
    assert_eq!(first.patients.len(), 1, "the patients booked in the window come along");

    // A transaction that starts before the next pull and commits after it.
    let mut slow = f.db.pool.begin().await.unwrap();
    sqlx::query("UPDATE patients SET notes = 'allergic to penicillin' WHERE patient_id = $1")
        .bind(b.patient.id.0)
        .execute(&mut *slow)
        .await
        .unwrap();
    let booked = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-06T08:00:00Z").await.unwrap();
    let second = f.clinic.station_changes(Some(first.checkpoint), from, to).await.unwrap();
    // xids are cluster-wide: another database's open transaction may hold the
    // checkpoint back, so a pull can re-read older rows; it must not miss new ones.
    let pulled = second.bookings.iter().find(|x| x.id == booked.id).expect("the new booking is pulled");
    assert_eq!((pulled.patient_name.as_str(), pulled.provisional), (b.patient.full_name.as_str(), false));
    slow.commit().await.unwrap();

    let third = f.clinic.station_changes(Some(second.checkpoint), from, to).await.unwrap();
    assert!(
        third.patients.iter().any(|p| p.id == b.patient.id && p.notes == "allergic to penicillin"),
        "the write committed after the second pull is not lost"
    );
}
