//! The demo clinic generator: deterministic, consistent with the app's rules.

use crate::common::*;
use clinic_domain::bookings::{BookingSubject, SlotQuery};
use clinic_domain::catalogue::DoctorFilter;
use clinic_store::demo::{generate, DemoOptions};

async fn fingerprint(f: &Fixture) -> (i64, String) {
    sqlx::query_as(
        "SELECT count(*), md5(string_agg(booking_id::text || status::text || starts_at::text, ',' ORDER BY booking_id))
           FROM bookings",
    )
    .fetch_one(&f.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn demo_clinic_is_deterministic_and_usable() {
    let a = Fixture::new().await;
    let b = Fixture::new().await;
    let options = DemoOptions::new(at(NOW));
    let summary = generate(&a.db.pool, &options).await.unwrap();
    assert_eq!(generate(&b.db.pool, &options).await.unwrap(), summary);
    assert_eq!(fingerprint(&a).await, fingerprint(&b).await, "same seed and clock, same clinic");

    assert_eq!((summary.locations, summary.specialties, summary.doctors, summary.diagnostics), (3, 10, 30, 12));
    assert_eq!(summary.patients, 500);
    assert!(summary.bookings > 10_000, "{summary:?}");
    assert!(summary.ratings > 500, "{summary:?}");
    assert!(summary.results > 0);

    // A second run refuses to mix into existing data.
    assert_eq!(generate(&a.db.pool, &options).await.unwrap_err().field(), Some("database"));

    // The app's own services read it: ratings, the board, free slots.
    let doctors = a.clinic.list_doctors(&DoctorFilter::default()).await.unwrap();
    assert_eq!(doctors.len(), 30);
    assert!(doctors.iter().all(|d| d.review_count > 0 && d.average_rating.unwrap() >= 1.0));
    // The trigger-kept totals agree with the ratings themselves.
    let direct: Vec<(i32, i64, f64)> = sqlx::query_as(
        "SELECT doctor_id, count(*), round(avg(rating), 2)::float8 FROM doctor_ratings GROUP BY doctor_id ORDER BY 1",
    )
    .fetch_all(&a.db.pool)
    .await
    .unwrap();
    let mut listed: Vec<_> =
        doctors.iter().map(|d| (d.id.0, i64::from(d.review_count), d.average_rating.unwrap())).collect();
    listed.sort_by_key(|d| d.0);
    assert_eq!(listed, direct);
    let location = a.clinic.list_locations(false).await.unwrap()[0].id;
    let board = a.clinic.day_board(location, day("2027-01-04")).await.unwrap();
    assert!(board.columns.len() > 12, "doctors and diagnostics: {}", board.columns.len());
    assert!(!board.bookings.is_empty());
    let doctor = doctors.iter().find(|d| d.locations.iter().any(|l| l.id == location)).unwrap();
    let slots = a
        .clinic
        .free_slots(&SlotQuery {
            location_id: location,
            subject: BookingSubject::Doctor { doctor_id: doctor.id },
            from: day("2027-01-05"),
            to: day("2027-01-18"),
        })
        .await
        .unwrap();
    assert!(!slots.is_empty(), "the future is not fully booked");
}
