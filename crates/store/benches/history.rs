//! Years of history cost nothing (issue 16): free slots and booking timed on
//! one clinic with about three months of past bookings, then again after
//! the same clinic has about three years. Prints numbers; asserts nothing
//! about speed.
//!
//!     cargo bench -p clinic-store --bench history
//!
//! The demo clinic at scale 1 (28 days of past bookings, 14 ahead); its past
//! copied back in steps of 28 days (same doctors, diagnostics, lanes and
//! density) 3 times in one database and 39 times in a copy of it. The two
//! are measured in alternating rounds (300 runs each in all), as the
//! bench's staff login, through the same `Clinic` services the app calls.

mod stats;

use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use clinic_admin::provision::{set_up, RolePrefix};
use clinic_domain::bookings::{BookingRequest, BookingSubject, SlotQuery};
use clinic_domain::ids::{BookingId, DoctorId, LocationId, PatientId};
use clinic_domain::Actor;
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_store::demo::{generate, DemoOptions};
use clinic_store::Clinic;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, PgPool};

/// Rounds of each database, alternating; runs a round after its warm-up.
const ROUNDS: u64 = 6;
const RUNS: usize = 50;
const WARM_UP: usize = 10;
const LOGIN: &str = "bench.history";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio");
    let cluster = LocalCluster::start(&ClusterOptions {
        root: std::env::temp_dir().join("clinic-desk-history-pg"),
        superuser: "clinic".into(),
        settings: [("shared_buffers", "512MB"), ("synchronous_commit", "on")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec(),
        ..ClusterOptions::default()
    })
    .expect("start the bench's PostgreSQL");
    runtime.block_on(run(&cluster));
    cluster.stop();
}

async fn run(cluster: &LocalCluster) {
    let mut admin = cluster.connect_options("postgres").connect().await.unwrap();
    for db in ["history_long", "history_short"] {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&mut admin).await.unwrap();
    }
    sqlx::query("CREATE DATABASE history_short").execute(&mut admin).await.unwrap();
    let mut owner = cluster.connect_options("history_short").connect().await.unwrap();
    set_up(&mut owner, &RolePrefix::parse("clinic").unwrap()).await.expect("the clinic's schema");
    clinic_admin::staff::ensure(&mut owner, LOGIN, "History bench", &["reception", "manager"]).await.unwrap();
    drop(owner);
    let connect = |db: &'static str, login: Option<&str>| {
        let mut options = cluster.connect_options(db).disable_statement_logging();
        if let Some(login) = login {
            options = options.username(login);
        }
        PgPoolOptions::new().max_connections(2).connect_with(options)
    };
    let short = connect("history_short", None).await.unwrap();
    generate(&short, &DemoOptions::new(Utc::now())).await.expect("the demo clinic");
    let edge: chrono::DateTime<Utc> =
        sqlx::query_scalar("SELECT min(starts_at) FROM bookings").fetch_one(&short).await.unwrap();
    extend_history(&short, edge, 1..=3).await;
    short.close().await;
    // The same clinic, then with 36 more copies of its past behind it.
    sqlx::query("CREATE DATABASE history_long TEMPLATE history_short").execute(&mut admin).await.unwrap();
    let (short, long) = (connect("history_short", None).await.unwrap(), connect("history_long", None).await.unwrap());
    extend_history(&long, edge, 4..=39).await;
    sqlx::query("CHECKPOINT").execute(&mut admin).await.unwrap();

    // Interleaved rounds, so drift (cache, checkpoints) hits both alike.
    let clinics = [
        Clinic::new(connect("history_short", Some(LOGIN)).await.unwrap()),
        Clinic::new(connect("history_long", Some(LOGIN)).await.unwrap()),
    ];
    let superusers = [short, long];
    let mut samples: [(Vec<StdDuration>, Vec<StdDuration>); 2] = Default::default();
    for round in 0..ROUNDS {
        for side in 0..2 {
            let (slots, books) = measure(&clinics[side], &superusers[side], round).await;
            samples[side].0.extend(slots);
            samples[side].1.extend(books);
        }
    }
    println!("| history | bookings | free slots p50 / p99 ms | book a slot p50 / p99 ms |");
    println!("|---|---:|---:|---:|");
    let mut p50s = Vec::new();
    for side in 0..2 {
        let bookings: i64 =
            sqlx::query_scalar("SELECT count(*) FROM bookings").fetch_one(&superusers[side]).await.unwrap();
        let oldest: chrono::DateTime<Utc> =
            sqlx::query_scalar("SELECT min(starts_at) FROM bookings").fetch_one(&superusers[side]).await.unwrap();
        let days = (Utc::now() - oldest).num_days();
        let (slots, books) = (percentiles(samples[side].0.clone()), percentiles(samples[side].1.clone()));
        println!(
            "| {days} days ({:.1} years) | {bookings} | {:.2} / {:.2} | {:.2} / {:.2} |",
            days as f64 / 365.0,
            slots.0,
            slots.1,
            books.0,
            books.1
        );
        p50s.push((slots.0, books.0));
    }
    println!(
        "\nthree years against three months (p50): free slots {:+.0} %, booking {:+.0} %",
        (p50s[1].0 / p50s[0].0 - 1.0) * 100.0,
        (p50s[1].1 / p50s[0].1 - 1.0) * 100.0
    );
}

/// Copies the generated past (`[edge, edge + 28 days)`) back in steps of 28
/// days, copies `ks` (triggers off: history, not new bookings).
async fn extend_history(superuser: &PgPool, edge: chrono::DateTime<Utc>, ks: std::ops::RangeInclusive<i32>) {
    let started = Instant::now();
    let mut tx = superuser.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.unwrap();
    sqlx::query(
        "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, diagnostic_id, diagnostic_lane,
                               starts_at, ends_at, price, status, created_by, created_at)
         SELECT gen_random_uuid(), patient_id, location_id, doctor_id, diagnostic_id, diagnostic_lane,
                starts_at - k * interval '28 days', ends_at - k * interval '28 days', price, status,
                created_by, created_at - k * interval '28 days'
           FROM bookings, generate_series($2, $3) AS k
          WHERE starts_at >= $1 AND starts_at < $1 + interval '28 days'",
    )
    .bind(edge)
    .bind(*ks.start())
    .bind(*ks.end())
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("VACUUM ANALYZE bookings").execute(superuser).await.unwrap();
    eprintln!("history copies {ks:?} in {:.1} s", started.elapsed().as_secs_f64());
}

type P50P99 = (f64, f64);

/// Free slots of a random doctor over 30 days, and a booking of one of them.
async fn measure(clinic: &Clinic, superuser: &PgPool, round: u64) -> (Vec<StdDuration>, Vec<StdDuration>) {
    let homes: Vec<(i32, i32)> = sqlx::query_as(
        "SELECT DISTINCT ON (doctor_id) doctor_id, location_id FROM doctor_hours ORDER BY doctor_id, location_id",
    )
    .fetch_all(superuser)
    .await
    .unwrap();
    let patients: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT patient_id FROM patients LIMIT 500").fetch_all(superuser).await.unwrap();
    let today = Utc::now().with_timezone(&chrono_tz::Europe::Kyiv).date_naive();
    let actor = Actor::parse("bench").unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(16 + round);
    let (mut slots, mut books) = (Vec::new(), Vec::new());
    for i in 0..(RUNS + WARM_UP) {
        let (doctor, location) = *homes.choose(&mut rng).unwrap();
        let subject = BookingSubject::Doctor { doctor_id: DoctorId(doctor) };
        let query =
            SlotQuery { location_id: LocationId(location), subject, from: today, to: today + Duration::days(29) };
        let started = Instant::now();
        let free = clinic.free_slots(&query).await.unwrap();
        let slots_took = started.elapsed();
        let Some(slot) = free.choose(&mut rng) else { continue };
        let request = BookingRequest {
            booking_id: BookingId::generate(),
            patient_id: PatientId(*patients.choose(&mut rng).unwrap()),
            location_id: LocationId(location),
            subject,
            starts_at: slot.starts_at,
            patient_message: String::new(),
            override_reason: None,
            waitlist_entry_id: None,
        };
        let started = Instant::now();
        clinic.book(&request, &actor).await.expect("book a free slot");
        if i >= WARM_UP {
            slots.push(slots_took);
            books.push(started.elapsed());
        }
    }
    // The bookings made here would be copied into the next history: gone.
    let mut tx = superuser.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.unwrap();
    sqlx::query(
        "DELETE FROM booking_status_changes WHERE booking_id IN (SELECT booking_id FROM bookings WHERE created_by = $1)",
    )
    .bind(LOGIN)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("DELETE FROM bookings WHERE created_by = $1").bind(LOGIN).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    (slots, books)
}

fn percentiles(mut samples: Vec<StdDuration>) -> P50P99 {
    samples.sort();
    (stats::percentile_ms(&samples, 0.5), stats::percentile_ms(&samples, 0.99))
}
