//! The waitlist on real PostgreSQL: an entry matches a board once a time it
//! wants frees up (a cancellation, new hours, a hold running out), a booking
//! made from it closes it, and an expired one matches nothing.

use crate::common::*;
use clinic_domain::bookings::{BookingRequest, CancelKind, HoldRequest, StatusAction, StatusRequest};
use clinic_domain::ids::{BookingId, WaitlistEntryId};
use clinic_domain::openings::{DayPart, Wanted};
use clinic_domain::schedule::{ExceptionKind, ScheduleExceptionInput};
use clinic_domain::values::WallTime;
use clinic_domain::waitlist::{WaitlistFilter, WaitlistInput, WaitlistPriority, WaitlistStatus};
use clinic_domain::AppError;

/// Centre's cardiologist works 09:00–10:00 only; both slots booked.
async fn full_morning(f: &Fixture) -> (Basic, Vec<clinic_domain::bookings::Booking>) {
    let b = f.basic().await;
    f.clinic.set_doctor_week(b.doctor, b.location.id, &every_day(9, 10)).await.unwrap();
    let mut booked = Vec::new();
    for (i, at) in ["2027-01-05T07:00:00Z", "2027-01-05T07:30:00Z"].iter().enumerate() {
        let patient = f.patient(&format!("Booked Patient {i}")).await;
        booked.push(f.book(patient.id, b.location.id, b.with_doctor(), at).await.unwrap());
    }
    (b, booked)
}

fn wish(b: &Basic) -> WaitlistInput {
    WaitlistInput {
        wanted: Wanted::Specialty { specialty_id: b.specialty },
        location_ids: vec![],
        from: day("2027-01-05"),
        to: day("2027-01-08"),
        day_parts: vec![DayPart::Morning],
        note: "any morning this week".into(),
        priority: WaitlistPriority::Urgent,
    }
}

#[tokio::test]
async fn a_cancellation_matches_the_entry_and_booking_from_it_closes_it() {
    let f = Fixture::new().await;
    let (b, booked) = full_morning(&f).await;
    let entry = f.clinic.add_to_waitlist(WaitlistEntryId::generate(), b.patient.id, &wish(&b), &actor()).await.unwrap();
    assert_eq!((entry.status, entry.wanted_name.as_str()), (WaitlistStatus::Open, "Cardiology"));
    assert_eq!(entry.created_by, DESK_LOGIN);
    assert!(f.clinic.waitlist_matches(b.location.id, day("2027-01-05")).await.unwrap().is_empty(), "nothing free");

    let cancel = StatusRequest {
        booking_id: booked[1].id,
        action: StatusAction::Cancel,
        reason: "ill".into(),
        cancel_kind: Some(CancelKind::ByPatient),
        expected_version: booked[1].row_version,
    };
    f.clinic.change_status(&cancel, &actor()).await.unwrap();
    let matches = f.clinic.waitlist_matches(b.location.id, day("2027-01-05")).await.unwrap();
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].entry.id, entry.id);
    assert_eq!(matches[0].opening.starts_at, at("2027-01-05T07:30:00Z"));

    // Booked from the entry: the entry closes in the same transaction.
    let opening = &matches[0].opening;
    let from_entry = BookingRequest {
        waitlist_entry_id: Some(entry.id),
        ..request(b.patient.id, opening.location_id, opening.subject, &opening.starts_at.to_rfc3339())
    };
    let booking = f.clinic.book(&from_entry, &actor()).await.unwrap();
    let closed = f.clinic.waitlist(&WaitlistFilter { include_closed: true, ..Default::default() }).await.unwrap();
    assert_eq!((closed[0].status, closed[0].booking_id), (WaitlistStatus::Booked, Some(booking.id)));
    assert!(f.clinic.waitlist(&WaitlistFilter::default()).await.unwrap().is_empty(), "no longer open");
    assert!(f.clinic.waitlist_matches(b.location.id, day("2027-01-05")).await.unwrap().is_empty());
    // A second booking from the closed entry is refused, and nothing is written.
    let again = BookingRequest {
        booking_id: BookingId::generate(),
        waitlist_entry_id: Some(entry.id),
        ..request(b.patient.id, b.location.id, b.with_doctor(), "2027-01-06T07:00:00Z")
    };
    let refused = f.clinic.book(&again, &actor()).await.unwrap_err();
    assert_eq!(refused.field(), Some("waitlistEntryId"));
    assert_eq!(f.count("bookings").await, 3);
}

#[tokio::test]
async fn new_hours_and_an_expired_hold_match_too_and_an_old_entry_never_does() {
    let f = Fixture::new().await;
    let (b, _) = full_morning(&f).await;
    let entry = f.clinic.add_to_waitlist(WaitlistEntryId::generate(), b.patient.id, &wish(&b), &actor()).await.unwrap();
    // Extra hours 10:00–11:00 that day: two free mornings' slots appear.
    let extra = ScheduleExceptionInput {
        kind: ExceptionKind::ExtraHours,
        location_id: Some(b.location.id),
        doctor_id: Some(b.doctor),
        date: day("2027-01-05"),
        start: Some(WallTime::hm(10, 0)),
        end: Some(WallTime::hm(11, 0)),
        note: String::new(),
    };
    f.clinic.add_exception(&extra, &actor()).await.unwrap();
    let matches = f.clinic.waitlist_matches(b.location.id, day("2027-01-05")).await.unwrap();
    assert_eq!(matches.iter().map(|m| m.opening.starts_at).collect::<Vec<_>>(), [at("2027-01-05T08:00:00Z")]);

    // A desk holds both new slots: no match while held, a match once the holds run out.
    for starts in ["2027-01-05T08:00:00Z", "2027-01-05T08:30:00Z"] {
        let hold = HoldRequest {
            hold_id: BookingId::generate(),
            location_id: b.location.id,
            subject: b.with_doctor(),
            starts_at: at(starts),
        };
        f.clinic.hold(&hold, &actor()).await.unwrap();
    }
    assert!(f.clinic.waitlist_matches(b.location.id, day("2027-01-05")).await.unwrap().is_empty());
    f.behind_the_triggers("UPDATE slot_holds SET expires_at = now() - interval '1 second' WHERE true = $1", true).await;
    assert_eq!(f.clinic.waitlist_matches(b.location.id, day("2027-01-05")).await.unwrap().len(), 1);

    // Another location, an evening-only wish and a past entry: no match here.
    let elsewhere = f.location("Podil", "Europe/Kyiv").await;
    let there = WaitlistInput { location_ids: vec![elsewhere.id], ..wish(&b) };
    f.clinic.add_to_waitlist(WaitlistEntryId::generate(), b.patient.id, &there, &actor()).await.unwrap();
    let evenings = WaitlistInput { day_parts: vec![DayPart::Evening], ..wish(&b) };
    f.clinic.add_to_waitlist(WaitlistEntryId::generate(), b.patient.id, &evenings, &actor()).await.unwrap();
    let matches = f.clinic.waitlist_matches(b.location.id, day("2027-01-05")).await.unwrap();
    assert_eq!(matches.iter().map(|m| m.entry.id).collect::<Vec<_>>(), [entry.id]);
    let a_week_later = f.clinic_at("2027-01-12T06:00:00Z");
    assert!(a_week_later.waitlist(&WaitlistFilter::default()).await.unwrap().is_empty(), "expired");
    let all = a_week_later.waitlist(&WaitlistFilter { include_closed: true, ..Default::default() }).await.unwrap();
    assert!(all.iter().all(|e| e.expired && e.status == WaitlistStatus::Open));

    // Removing at a stale version is refused; at the current one it goes.
    let stale = f.clinic.remove_from_waitlist(entry.id, entry.row_version + 1, &actor()).await.unwrap_err();
    assert!(matches!(stale, AppError::Conflict { .. }), "{stale:?}");
    f.clinic.remove_from_waitlist(entry.id, entry.row_version, &actor()).await.unwrap();
    let past = WaitlistInput { from: day("2026-12-01"), to: day("2027-01-01"), ..wish(&b) };
    let refused = f.clinic.add_to_waitlist(WaitlistEntryId::generate(), b.patient.id, &past, &actor()).await;
    assert_eq!(refused.unwrap_err().field(), Some("to"));
}
