//! "Book anyway": a manager books a time the rules refuse, with a reason;
//! the database lets nobody else write one, the overlap constraints skip
//! the row, the audit trail keeps the reason, and a refusal names every rule.

use crate::common::*;
use clinic_domain::audit::AuditAction;
use clinic_domain::bookings::{BookingRequest, BookingSubject, SlotCheckQuery, SlotRule, StatusAction, StatusRequest};
use clinic_domain::ids::BookingId;
use clinic_domain::{AppError, ConflictCode, ValidationCode};
use clinic_store::Clinic;

fn anyway(request: BookingRequest, reason: &str) -> BookingRequest {
    BookingRequest { override_reason: Some(reason.into()), ..request }
}

#[tokio::test]
async fn a_manager_books_over_a_booking_and_outside_hours_with_a_reason() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let other = f.patient("Taras Melnyk").await;
    let first = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T08:00:00Z").await.unwrap();

    // 07:00 Kyiv is before the doctor's 09:00, and 10:00 is Olena's: a refusal names every rule.
    let before_hours = request(other.id, b.location.id, b.with_doctor(), "2027-01-05T05:00:00Z");
    let refused = f.clinic.book(&before_hours, &actor()).await.unwrap_err();
    assert!(matches!(refused, AppError::Validation { code: ValidationCode::OutsideWorkingHours, .. }), "{refused:?}");
    let over = request(other.id, b.location.id, b.with_doctor(), "2027-01-05T08:00:00Z");
    let taken = f.clinic.book(&over, &actor()).await.unwrap_err();
    assert!(matches!(taken, AppError::Conflict { code: ConflictCode::SlotTaken, .. }), "{taken:?}");
    let check = |starts_at: &str| SlotCheckQuery {
        location_id: b.location.id,
        subject: b.with_doctor(),
        starts_at: at(starts_at),
    };
    let rules = f.clinic.slot_check(&check("2027-01-05T08:10:00Z")).await.unwrap();
    assert_eq!(rules.rules.len(), 2, "off the grid and over Olena's visit: {rules:?}");
    assert!(matches!(rules.rules[0], SlotRule::OffGrid { slot_minutes: 30 }));
    assert!(matches!(rules.rules[1], SlotRule::Taken { booking_id, .. } if booking_id == first.id));
    assert!(rules.overridable);
    let past = f.clinic.slot_check(&check("2027-01-03T08:00:00Z")).await.unwrap();
    assert!(!past.overridable, "the past is never booked: {past:?}");
    assert!(f.clinic.slot_check(&check("2027-01-05T09:00:00Z")).await.unwrap().rules.is_empty());

    // The manager's desk books both anyway.
    let early = f.clinic.book(&anyway(before_hours, "urgent before opening"), &actor()).await.unwrap();
    assert_eq!(early.override_reason.as_deref(), Some("urgent before opening"));
    assert_eq!(early.ends_at, at("2027-01-05T05:30:00Z"), "one slot from the asked start");
    let double = f.clinic.book(&anyway(over, "family visit, same time"), &actor()).await.unwrap();
    let board = f.clinic.day_board(b.location.id, day("2027-01-05")).await.unwrap();
    let at_ten: Vec<_> = board.bookings.iter().filter(|x| x.starts_at == at("2027-01-05T08:00:00Z")).collect();
    assert_eq!(at_ten.len(), 2, "both on the board");
    assert_eq!(at_ten.iter().filter(|x| x.override_reason.is_some()).count(), 1);
    // The time stays taken for everyone else, even once Olena cancels.
    let third = f.patient("Iryna Shevchenko").await;
    let cancel = StatusRequest {
        booking_id: first.id,
        action: StatusAction::Cancel,
        reason: "ill".into(),
        cancel_kind: Some(clinic_domain::bookings::CancelKind::ByPatient),
        expected_version: first.row_version,
    };
    f.clinic.change_status(&cancel, &actor()).await.unwrap();
    let again = f.book(third.id, b.location.id, b.with_doctor(), "2027-01-05T08:00:00Z").await.unwrap_err();
    assert!(matches!(again, AppError::Conflict { conflicting_booking_id: Some(id), .. } if id == double.id));

    // A reason is required once asked for, and the past is refused all the same.
    let blank = anyway(request(third.id, b.location.id, b.with_doctor(), "2027-01-05T05:30:00Z"), "  ");
    assert_eq!(f.clinic.book(&blank, &actor()).await.unwrap_err().field(), Some("overrideReason"));
    let yesterday = anyway(request(third.id, b.location.id, b.with_doctor(), "2027-01-03T08:00:00Z"), "late entry");
    let refused = f.clinic.book(&yesterday, &actor()).await.unwrap_err();
    assert!(matches!(refused, AppError::Validation { code: ValidationCode::InThePast, .. }), "{refused:?}");
    // Nothing to override: an ordinary booking, no mark.
    let free = anyway(request(third.id, b.location.id, b.with_doctor(), "2027-01-05T10:00:00Z"), "just in case");
    assert_eq!(f.clinic.book(&free, &actor()).await.unwrap().override_reason, None);

    // The trail keeps the reason with the row, under the manager's login.
    let trail = f.clinic.booking_trail(double.id).await.unwrap();
    assert_eq!(trail[0].action, AuditAction::Insert);
    assert_eq!(trail[0].login, DESK_LOGIN);
    let reason = trail[0].changes.iter().find(|c| c.column == "override_reason").and_then(|c| c.new.clone());
    assert_eq!(reason.as_deref(), Some("family visit, same time"));
}

#[tokio::test]
async fn reception_may_not_book_anyway_even_by_raw_sql() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T08:00:00Z").await.unwrap();
    let mut admin = f.db.pool.acquire().await.unwrap();
    clinic_admin::staff::ensure(&mut admin, "front.desk", "Front desk", &["reception"]).await.unwrap();
    drop(admin);
    let reception = Clinic::with_clock(f.db.pool_as("front.desk").await, || at(NOW));
    assert!(!reception.my_access().await.unwrap().may.book_anyway);
    assert!(f.clinic.my_access().await.unwrap().may.book_anyway, "the tests' desk is a manager");

    let over = anyway(request(b.patient.id, b.location.id, b.with_doctor(), "2027-01-05T08:00:00Z"), "please");
    let refused = reception.book(&over, &actor()).await.unwrap_err();
    assert!(matches!(refused, AppError::Unauthorized { .. }), "{refused:?}");
    let raw = sqlx::query(
        "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, starts_at, ends_at, price, override_reason)
         VALUES ($1, $2, $3, $4, '2027-01-05T08:00:00Z', '2027-01-05T08:30:00Z', 500, 'raw')",
    )
    .bind(BookingId::generate().0)
    .bind(b.patient.id.0)
    .bind(b.location.id.0)
    .bind(b.doctor.0)
    .execute(reception.pool())
    .await
    .unwrap_err();
    assert!(raw.to_string().contains("permission denied"), "{raw}");
    assert_eq!(f.count("bookings").await, 1, "nothing written");
}

#[tokio::test]
async fn a_scan_booked_anyway_takes_a_place_of_the_capacity() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let mri = f.diagnostic("MRI", "1800.00", 60, b.location.id, 1).await;
    let scan = BookingSubject::Diagnostic { diagnostic_id: mri.id };
    let other = f.patient("Taras Melnyk").await;
    f.book(b.patient.id, b.location.id, scan, "2027-01-05T08:00:00Z").await.unwrap();
    let full = request(other.id, b.location.id, scan, "2027-01-05T08:00:00Z");
    assert!(f.clinic.book(&full, &actor()).await.is_err());
    let extra = f.clinic.book(&anyway(full, "second machine borrowed"), &actor()).await.unwrap();
    assert_eq!(extra.override_reason.as_deref(), Some("second machine borrowed"));
    let lanes: Vec<i16> = sqlx::query_scalar("SELECT diagnostic_lane FROM bookings WHERE diagnostic_id = $1")
        .bind(mri.id.0)
        .fetch_all(&f.db.pool)
        .await
        .unwrap();
    assert_eq!(lanes, [1, 1], "the overlap constraint skips the one booked anyway");
    let free = f
        .clinic
        .free_slots(&clinic_domain::bookings::SlotQuery {
            location_id: b.location.id,
            subject: scan,
            from: day("2027-01-05"),
            to: day("2027-01-05"),
        })
        .await
        .unwrap();
    assert!(!free.iter().any(|s| s.starts_at == at("2027-01-05T08:00:00Z")));
}
