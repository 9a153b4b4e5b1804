//! Offline stations, measured (issue 6). Prints numbers; asserts only that
//! nothing was lost or applied twice.
//!
//!     cargo bench -p clinic-station --bench sync
//!
//! - outbox replay: 10,000 intents queued in a station's SQLite (1,000 new
//!   patients, 5,000 bookings, 4,000 confirmations), pushed to PostgreSQL over
//!   its local socket, one transaction per intent; then the same 10,000 pushed
//!   again (every acknowledgement lost) and applied zero more times;
//! - reconnect to fully synced: a station books 40 visits while the server is
//!   killed, the server restarts, time until all are applied and pulled back;
//! - live refresh: station A books, until station B's day board shows it.

#[path = "../tests/integration/support.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use clinic_admin::provision::{set_up, RolePrefix};
use clinic_domain::bookings::{BookingRequest, BookingSubject, SlotQuery, StatusAction, StatusRequest};
use clinic_domain::ids::{BookingId, DoctorId, IntentId, LocationId, PatientId};
use clinic_domain::intents::{Intent, QueuedIntent};
use clinic_domain::patients::PatientInput;
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_local_store::{LocalStore, StoreKey};
use clinic_station::secrets::Secrets;
use clinic_station::settings::{ServerSettings, Settings, TlsMode};
use clinic_station::sync::Syncer;
use clinic_station::{Station, StationPaths};
use clinic_store::Clinic;
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, PgPool};

const PATIENTS: usize = 1_000;
const BOOKINGS: usize = 5_000;
const CONFIRMATIONS: usize = 4_000;
const DOCTORS: usize = 10;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio");
    let root = std::env::temp_dir().join("clinic-desk-sync-bench");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("bench folder");
    runtime.block_on(run(&root));
}

fn cluster_options(root: &std::path::Path) -> ClusterOptions {
    ClusterOptions {
        root: root.join("pg"),
        superuser: "clinic".into(),
        // Durable commits, as on a clinic server.
        settings: vec![("synchronous_commit".into(), "on".into()), ("shared_buffers".into(), "256MB".into())],
        ..ClusterOptions::default()
    }
}

async fn start(root: &std::path::Path) -> LocalCluster {
    let options = cluster_options(root);
    tokio::task::spawn_blocking(move || LocalCluster::start(&options)).await.unwrap().expect("start PostgreSQL")
}

async fn run(root: &std::path::Path) {
    let mut cluster = start(root).await;
    let mut admin = cluster.connect_options("postgres").connect().await.unwrap();
    sqlx::query("CREATE DATABASE clinic").execute(&mut admin).await.unwrap();
    let mut owner = cluster.connect_options("clinic").connect().await.unwrap();
    set_up(&mut owner, &RolePrefix::parse("clinic").unwrap()).await.unwrap();
    // Stations and the server side work as a staff login, as at a clinic.
    clinic_admin::staff::ensure(&mut owner, DESK, "Bench desk", &["reception", "manager"]).await.unwrap();
    let pool = pool(&cluster).await;
    let (location, doctors) = seed(&pool).await;

    replay(root, &pool, location, &doctors).await;
    encryption_cost(root, &pool, location, &doctors).await;
    cluster = reconnect(root, cluster, location, doctors[0]).await;
    live_refresh(root, &cluster, location, doctors[1]).await;
    sign_ins(root, cluster).await;
}

/// A staff member signing in: online (a pool under their login, what the
/// grants allow, the policy, and the argon2id verifier kept for offline),
/// then with the server down, against that verifier. Stops the cluster.
async fn sign_ins(root: &std::path::Path, cluster: LocalCluster) {
    let desk = station(root, &cluster, "desk-sign-in");
    let mut online = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        support::signed_in(&desk, DESK).await;
        online.push(started.elapsed());
    }
    cluster.stop_immediately();
    let mut offline = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let status = support::signed_in(&desk, DESK).await;
        offline.push(started.elapsed());
        assert!(status.session.is_some_and(|s| s.signed_in_offline));
    }
    let p50 = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1000.0
    };
    println!(
        "sign-in: online {:.0} ms p50 (pool, access, policy, argon2id verifier kept); offline {:.0} ms p50 \
         (argon2id verify, server down)",
        p50(&mut online),
        p50(&mut offline)
    );
    desk.shutdown().await;
}

const DESK: &str = "bench.desk";

async fn pool(cluster: &LocalCluster) -> PgPool {
    PgPoolOptions::new()
        .max_connections(8)
        .connect_with(cluster.connect_options("clinic").username(DESK))
        .await
        .unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn seed(pool: &PgPool) -> (LocationId, Vec<DoctorId>) {
    let clinic = Clinic::new(pool.clone());
    let location = support::centre(&clinic).await;
    let specialty = clinic.create_specialty("Therapy").await.unwrap().id;
    let mut doctors = Vec::new();
    for n in 0..DOCTORS {
        let id = support::doctor(&clinic, &format!("Dr Bench {n}"), specialty, location).await;
        doctors.push(id);
    }
    (location, doctors)
}

fn queued(intent: Intent) -> QueuedIntent {
    QueuedIntent {
        intent_id: IntentId::generate(),
        station: "bench-station".into(),
        actor: "Bench".into(),
        made_at: Utc::now(),
        intent,
    }
}

/// 10,000 intents in the order a busy offline day would make them.
fn day_of_intents(location: LocationId, doctors: &[DoctorId]) -> Vec<QueuedIntent> {
    let first_day = Utc::now().date_naive() + chrono::Duration::days(2);
    let patients: Vec<PatientId> = (0..PATIENTS).map(|_| PatientId::generate()).collect();
    let mut intents: Vec<QueuedIntent> = patients
        .iter()
        .enumerate()
        .map(|(n, id)| {
            queued(Intent::CreatePatient {
                patient_id: *id,
                input: PatientInput { full_name: format!("Bench Patient {n}"), ..Default::default() },
            })
        })
        .collect();
    let mut bookings = Vec::new();
    for n in 0..BOOKINGS {
        let doctor = doctors[n % doctors.len()];
        let slot = n / doctors.len(); // 0..500 per doctor: 48 a day
        let day = first_day + chrono::Duration::days((slot / 48) as i64);
        let starts_at: DateTime<Utc> =
            day.and_hms_opt(0, 0, 0).unwrap().and_utc() + chrono::Duration::minutes(30 * (slot % 48) as i64);
        let request = BookingRequest {
            booking_id: BookingId::generate(),
            patient_id: patients[n % patients.len()],
            location_id: location,
            subject: BookingSubject::Doctor { doctor_id: doctor },
            starts_at,
            patient_message: String::new(),
            override_reason: None,
            waitlist_entry_id: None,
        };
        bookings.push(request.booking_id);
        intents.push(queued(Intent::Book { request }));
    }
    for id in bookings.iter().take(CONFIRMATIONS) {
        intents.push(queued(Intent::ChangeStatus {
            request: StatusRequest {
                booking_id: *id,
                action: StatusAction::Confirm,
                reason: String::new(),
                cancel_kind: None,
                expected_version: 1,
            },
        }));
    }
    intents
}

/// What encrypting the station database costs (issue 20): queueing intents
/// locally, and storing a full pull (38 days of 30 locations' boards), on a
/// plain file and on an encrypted one, in the same run.
async fn encryption_cost(root: &std::path::Path, pool: &PgPool, location: LocationId, doctors: &[DoctorId]) {
    let intents = day_of_intents(location, doctors);
    let clinic = Clinic::new(pool.clone());
    // The busiest day the replay booked.
    let busiest: chrono::NaiveDate = sqlx::query_scalar(
        "SELECT (starts_at AT TIME ZONE 'Europe/Kyiv')::date FROM bookings GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let board = clinic.day_board(location, busiest).await.unwrap();
    let today = Utc::now().date_naive();
    for encrypted in [false, true] {
        let path = root.join(format!("cost-{encrypted}.sqlite"));
        let local = if encrypted {
            LocalStore::open(&path, &StoreKey::generate()).await.unwrap()
        } else {
            LocalStore::open_unencrypted_for_comparison(&path).await.unwrap()
        };
        // A full pull: 30 locations × 38 days of the seeded board.
        let started = Instant::now();
        for location in 0..30 {
            for day in 0..38 {
                let mut kept = board.clone();
                kept.location.id = LocationId(1000 + location);
                kept.date = today + chrono::Duration::days(day - 7);
                for booking in &mut kept.bookings {
                    booking.id = BookingId::generate();
                    booking.location_id = kept.location.id;
                }
                local.store_board_if_idle(&kept).await.unwrap();
            }
        }
        let pulled = started.elapsed();
        let started = Instant::now();
        for intent in intents.iter().take(2_000) {
            local.enqueue(intent, None, &[], &[]).await.unwrap();
        }
        let queued = started.elapsed();
        local.close().await;
        println!(
            "station database {}: a full pull's 1,140 boards ({} bookings each) stored in {:.2} s; \
             2,000 intents queued at {:.0}/s; file {:.1} MB",
            if encrypted { "encrypted (SQLCipher)" } else { "plain (for comparison)" },
            board.bookings.len(),
            pulled.as_secs_f64(),
            2_000.0 / queued.as_secs_f64(),
            std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0,
        );
    }
}

async fn replay(root: &std::path::Path, pool: &PgPool, location: LocationId, doctors: &[DoctorId]) {
    let intents = day_of_intents(location, doctors);
    let clinic = Clinic::new(pool.clone());
    for (round, label) in [(1, "first push"), (2, "same intents again (acknowledgements lost)")] {
        let local =
            LocalStore::open(&root.join(format!("replay-{round}.sqlite")), &StoreKey::generate()).await.unwrap();
        let started = Instant::now();
        for intent in &intents {
            local.enqueue(intent, None, &[], &[]).await.unwrap();
        }
        let queued_in = started.elapsed();
        let sync = Syncer::open(local).await.unwrap();
        let started = Instant::now();
        let report = sync.push(&clinic).await.unwrap();
        let took = started.elapsed();
        let bookings = count(pool, "SELECT count(*) FROM bookings").await;
        let patients = count(pool, "SELECT count(*) FROM patients").await;
        let confirmed = count(pool, "SELECT count(*) FROM bookings WHERE status = 'confirmed'").await;
        let changes = count(pool, "SELECT count(*) FROM booking_status_changes").await;
        let recorded = count(pool, "SELECT count(*) FROM applied_intents WHERE station = 'bench-station'").await;
        let lost = (BOOKINGS as i64 - bookings).max(0)
            + (PATIENTS as i64 - patients).max(0)
            + (CONFIRMATIONS as i64 - confirmed).max(0);
        let duplicated = (bookings - BOOKINGS as i64).max(0)
            + (patients - PATIENTS as i64).max(0)
            + (changes - (BOOKINGS + CONFIRMATIONS) as i64).max(0);
        println!(
            "outbox replay, {label}: {} intents in {:.2} s = {:.0} intents/s (queued locally at {:.0}/s); \
             applied {}, rejected {}, lost {lost}, duplicated {duplicated}, intent records {recorded}",
            intents.len(),
            took.as_secs_f64(),
            intents.len() as f64 / took.as_secs_f64(),
            intents.len() as f64 / queued_in.as_secs_f64(),
            report.applied,
            report.rejected,
        );
        assert_eq!((lost, duplicated, report.rejected), (0, 0, 0), "nothing lost, nothing twice, nothing refused");
        sync.local_store().close().await;
    }
}

fn station(root: &std::path::Path, cluster: &LocalCluster, name: &str) -> Station {
    let server = ServerSettings {
        host: cluster.root().display().to_string(),
        port: 5432,
        database: "clinic".into(),
        user: DESK.into(),
        tls: TlsMode::Disable,
        ca_file: None,
    };
    let config = root.join(name).join("config");
    clinic_station::settings::save(&config, &Settings { server: Some(server), update_endpoint: None }).unwrap();
    let paths = StationPaths {
        config_dir: config,
        data_dir: root.join(name).join("data"),
        demo_dir: root.join("unused"),
        bundled_postgres: None,
    };
    Station::open(paths, Secrets::memory()).unwrap()
}

async fn reconnect(
    root: &std::path::Path,
    cluster: LocalCluster,
    location: LocationId,
    doctor: DoctorId,
) -> LocalCluster {
    let desk = station(root, &cluster, "desk-offline");
    support::signed_in(&desk, DESK).await;
    desk.sync_now().await.unwrap();
    let patient = desk
        .create_patient(
            PatientId::generate(),
            &PatientInput { full_name: "Olena Kovalenko".into(), ..Default::default() },
        )
        .await
        .unwrap();
    desk.sync_now().await.unwrap();
    let subject = BookingSubject::Doctor { doctor_id: doctor };
    let day = Utc::now().date_naive() + chrono::Duration::days(20);
    let slots = desk.free_slots(&SlotQuery { location_id: location, subject, from: day, to: day }).await.unwrap();

    cluster.stop_immediately();
    for slot in slots.iter().take(40) {
        desk.book(&support::visit(patient.id, location, subject, slot.starts_at)).await.unwrap();
    }
    assert_eq!(desk.sync_status().await.unwrap().pending, 40);
    let cluster = start(root).await;
    let restarted = Instant::now();
    let detected = loop {
        let status = desk.sync_status().await.unwrap();
        if status.online
            && status.pending == 0
            && status.last_synced_at.is_some_and(|at| at > Utc::now() - chrono::Duration::seconds(5))
        {
            break restarted.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let board = desk.day_board(location, day).await.unwrap();
    assert_eq!(board.bookings.iter().filter(|b| !b.provisional).count(), 40);
    println!(
        "reconnect to fully synced: 40 offline bookings applied and pulled back {:.0} ms after the server restarted \
         (includes up to 2 s of retry backoff)",
        detected.as_secs_f64() * 1000.0
    );
    desk.shutdown().await;
    cluster
}

async fn live_refresh(root: &std::path::Path, cluster: &LocalCluster, location: LocationId, doctor: DoctorId) {
    let (desk_a, desk_b) = (station(root, cluster, "desk-a"), station(root, cluster, "desk-b"));
    support::signed_in(&desk_a, DESK).await;
    support::signed_in(&desk_b, DESK).await;
    let mut heard = desk_b.subscribe();
    let patient = desk_a
        .create_patient(PatientId::generate(), &PatientInput { full_name: "Taras Melnyk".into(), ..Default::default() })
        .await
        .unwrap();
    let subject = BookingSubject::Doctor { doctor_id: doctor };
    let day = Utc::now().date_naive() + chrono::Duration::days(25);
    let slots = desk_a.free_slots(&SlotQuery { location_id: location, subject, from: day, to: day }).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    while heard.try_recv().is_ok() {}
    let mut latencies = Vec::new();
    for slot in slots.iter().take(40) {
        let request = support::visit(patient.id, location, subject, slot.starts_at);
        let id = request.booking_id;
        let started = Instant::now();
        desk_a.book(&request).await.unwrap();
        // Desk B: the NOTIFY arrives, its UI refetches the board.
        tokio::time::timeout(Duration::from_secs(5), heard.recv()).await.expect("desk B hears of it").unwrap();
        let board = desk_b.day_board(location, day).await.unwrap();
        assert!(board.bookings.iter().any(|b| b.id == id));
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "live refresh, booking on desk A to desk B's board showing it ({} bookings): p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        ms(latencies[latencies.len() / 2]),
        ms(latencies[latencies.len() * 99 / 100])
    );
    desk_a.shutdown().await;
    desk_b.shutdown().await;
}
