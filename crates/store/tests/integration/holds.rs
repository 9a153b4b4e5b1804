//! Holds on real PostgreSQL: a held time is taken for everyone else (the
//! app's engine and the database's triggers, raw SQL included), becomes the
//! booking with its id, and blocks nothing once expired, with no cleanup.

use std::sync::Arc;

use crate::common::*;
use clinic_domain::bookings::{BookingSubject, HoldRequest, SlotQuery};
use clinic_domain::ids::BookingId;
use clinic_domain::{AppError, ConflictCode};
use clinic_store::Clinic;

fn hold_at(b: &Basic, subject: BookingSubject, starts_at: &str) -> HoldRequest {
    HoldRequest { hold_id: BookingId::generate(), location_id: b.location.id, subject, starts_at: at(starts_at) }
}

async fn second_desk(f: &Fixture, login: &str) -> Clinic {
    let mut admin = f.db.pool.acquire().await.unwrap();
    clinic_admin::staff::ensure(&mut admin, login, login, &["reception"]).await.unwrap();
    drop(admin);
    Clinic::with_clock(f.db.pool_as(login).await, || at(NOW))
}

fn is_taken(error: &AppError) -> bool {
    matches!(error, AppError::Conflict { code: ConflictCode::SlotTaken, .. })
}

#[tokio::test]
async fn a_held_time_is_taken_for_others_and_becomes_the_booking_with_its_id() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let desk_b = second_desk(&f, "holds.desk.b").await;
    let ten = "2027-01-05T08:00:00Z";
    let hold = f.clinic.hold(&hold_at(&b, b.with_doctor(), ten), &actor()).await.unwrap();
    assert_eq!(hold.held_by, DESK_LOGIN);
    assert_eq!(hold.ends_at, at("2027-01-05T08:30:00Z"));
    let minutes = (hold.expires_at - chrono::Utc::now()).num_seconds();
    assert!((280..=300).contains(&minutes), "five minutes by default: {minutes} s");

    // Desk B: the board shows it held by desk, free slots skip it, booking and holding it fail.
    let board = desk_b.day_board(b.location.id, day("2027-01-05")).await.unwrap();
    assert_eq!(board.holds.len(), 1);
    assert_eq!(board.holds[0].held_by, DESK_LOGIN);
    let free = desk_b
        .free_slots(&SlotQuery {
            location_id: b.location.id,
            subject: b.with_doctor(),
            from: day("2027-01-05"),
            to: day("2027-01-05"),
        })
        .await
        .unwrap();
    assert!(!free.iter().any(|s| s.starts_at == at(ten)), "held time offered");
    let other = f.patient("Taras Melnyk").await;
    let refused = desk_b.book(&request(other.id, b.location.id, b.with_doctor(), ten), &actor()).await.unwrap_err();
    assert!(is_taken(&refused), "{refused:?}");
    assert!(is_taken(&desk_b.hold(&hold_at(&b, b.with_doctor(), ten), &actor()).await.unwrap_err()));
    // Raw SQL from desk B meets the database's trigger.
    let raw = sqlx::query(
        "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, starts_at, ends_at, price)
         VALUES ($1, $2, $3, $4, $5, $6, 500)",
    )
    .bind(BookingId::generate().0)
    .bind(other.id.0)
    .bind(b.location.id.0)
    .bind(b.doctor.0)
    .bind(at(ten))
    .bind(at("2027-01-05T08:30:00Z"))
    .execute(desk_b.pool())
    .await
    .unwrap_err();
    assert!(raw.to_string().contains("held"), "{raw}");
    // Desk B cannot release desk A's hold.
    desk_b.release_hold(hold.id, &actor()).await.unwrap();
    assert_eq!(f.count("slot_holds").await, 1);

    // Desk A books it with the hold's id: same id, the hold is gone.
    let booking = f
        .clinic
        .book(
            &clinic_domain::bookings::BookingRequest {
                booking_id: hold.id,
                ..request(b.patient.id, b.location.id, b.with_doctor(), ten)
            },
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(booking.id, hold.id);
    assert_eq!(f.count("slot_holds").await, 0);

    // A hold released frees the time at once.
    let eleven = f.clinic.hold(&hold_at(&b, b.with_doctor(), "2027-01-05T09:00:00Z"), &actor()).await.unwrap();
    f.clinic.release_hold(eleven.id, &actor()).await.unwrap();
    desk_b.book(&request(other.id, b.location.id, b.with_doctor(), "2027-01-05T09:00:00Z"), &actor()).await.unwrap();
}

#[tokio::test]
async fn an_expired_hold_blocks_nothing_without_any_cleanup() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let mri = f.diagnostic("MRI", "1800.00", 60, b.location.id, 2).await;
    let scan = BookingSubject::Diagnostic { diagnostic_id: mri.id };
    let desk_b = second_desk(&f, "expiry.desk.b").await;
    let other = f.patient("Taras Melnyk").await;
    // Two places: a booking and a hold fill them.
    f.book(b.patient.id, b.location.id, scan, "2027-01-05T08:00:00Z").await.unwrap();
    let held = f.clinic.hold(&hold_at(&b, scan, "2027-01-05T08:00:00Z"), &actor()).await.unwrap();
    let full = desk_b.book(&request(other.id, b.location.id, scan, "2027-01-05T08:00:00Z"), &actor()).await;
    assert!(is_taken(&full.unwrap_err()));
    let doctor_hold = f.clinic.hold(&hold_at(&b, b.with_doctor(), "2027-01-05T10:00:00Z"), &actor()).await.unwrap();

    // Both holds run out; the rows stay, nothing has cleaned them.
    f.behind_the_triggers(
        "UPDATE slot_holds SET expires_at = now() - interval '1 second' WHERE hold_id = ANY($1)",
        vec![held.id.0, doctor_hold.id.0],
    )
    .await;
    assert_eq!(f.count("slot_holds").await, 2);
    assert!(desk_b.day_board(b.location.id, day("2027-01-05")).await.unwrap().holds.is_empty());
    desk_b.book(&request(other.id, b.location.id, scan, "2027-01-05T08:00:00Z"), &actor()).await.unwrap();
    desk_b.book(&request(other.id, b.location.id, b.with_doctor(), "2027-01-05T10:00:00Z"), &actor()).await.unwrap();
    // And a new hold of expired time goes through the trigger too.
    desk_b.hold(&hold_at(&b, b.with_doctor(), "2027-01-05T10:30:00Z"), &actor()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_desks_holding_and_booking_one_time_leave_exactly_one_winner() {
    let f = Fixture::new().await;
    let b = Arc::new(f.basic().await);
    let patient = b.patient.id;
    let ten = "2027-01-05T08:00:00Z";
    let mut tasks = Vec::new();
    for desk in 0..20 {
        let clinic = f.clinic.clone();
        let b = b.clone();
        tasks.push(tokio::spawn(async move {
            if desk % 2 == 0 {
                clinic.hold(&hold_at(&b, b.with_doctor(), ten), &actor()).await.map(|_| "hold")
            } else {
                clinic.book(&request(patient, b.location.id, b.with_doctor(), ten), &actor()).await.map(|_| "booking")
            }
        }));
    }
    let mut won = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(what) => won.push(what),
            Err(error) => assert!(is_taken(&error), "a loser is told the time is taken: {error:?}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one of twenty: {won:?}");
    let live: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM bookings WHERE starts_at = $1) + (SELECT count(*) FROM slot_holds WHERE starts_at = $1)",
    )
    .bind(at(ten))
    .fetch_one(&f.db.pool)
    .await
    .unwrap();
    assert_eq!(live, 1);
}
