//! Hundreds of desks on one PostgreSQL (issue 16), measured. Prints numbers;
//! asserts only that every booking reached every desk watching its location.
//!
//!     cargo bench -p clinic-station --bench desks
//!     BENCH_DESKS=300 BENCH_ACTIVE=30 BENCH_SECONDS=60 BENCH_SCALE=10 cargo bench -p clinic-station --bench desks
//!
//! Each simulated desk is what a station keeps open against the server: the
//! station's own pool (`connection::open_pool`: at most 5 connections,
//! retired after two minutes or 30 s idle), its change listener (`live::listen`), the
//! sync task's heartbeat (a ping a second) and periodic pull (its
//! location's changes every 30 s), and on every change notification a
//! refetch of its day board. A share of the desks is busy: day boards,
//! patient searches, free slots and bookings, one after another. Then all
//! go quiet and the pools close what they no longer use.
//!
//! Reported: connections held (busy and quiet), the server's memory (PSS of
//! every postgres process), booking to board refetched at the watching desks
//! (p50/p99), pull and heartbeat cost, and the busy desks' operation times.

#[path = "../../store/benches/stats.rs"]
mod stats;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use clinic_admin::provision::{set_up, RolePrefix};
use clinic_domain::bookings::{BookingRequest, BookingSubject, BookingsChange, SlotQuery};
use clinic_domain::ids::{BookingId, DoctorId, LocationId, PatientId};
use clinic_domain::Actor;
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_station::connection::open_pool;
use clinic_store::demo::{generate, DemoOptions};
use clinic_store::{Clinic, MIGRATOR};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, PgPool};
use tokio::sync::broadcast;

const LOGIN: &str = "bench.desk";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio");
    let cluster = LocalCluster::start(&ClusterOptions {
        root: std::env::temp_dir().join("clinic-desk-desks-pg"),
        superuser: "clinic".into(),
        settings: [
            // Two connections a quiet desk, up to six a busy one.
            ("max_connections", "1000"),
            ("shared_buffers", "512MB"),
            ("synchronous_commit", "on"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec(),
        ..ClusterOptions::default()
    })
    .expect("start the bench's PostgreSQL");
    runtime.block_on(run(&cluster));
    cluster.stop();
}

async fn run(cluster: &LocalCluster) {
    let scale = setting("BENCH_SCALE", 10) as u32;
    let desks = setting("BENCH_DESKS", 300) as usize;
    let active = setting("BENCH_ACTIVE", 30) as usize;
    let seconds = setting("BENCH_SECONDS", 60);
    let database = format!("desks_scale_{scale}_m{}", MIGRATOR.iter().count());
    let superuser = prepared_clinic(cluster, &database, scale).await;
    let mut conn = superuser.acquire().await.unwrap();
    clinic_admin::staff::ensure(&mut conn, LOGIN, "Bench desk", &["reception", "manager"]).await.unwrap();
    drop(conn);
    let options = cluster.connect_options(&database).username(LOGIN).disable_statement_logging();

    let locations: Vec<i32> =
        sqlx::query_scalar("SELECT location_id FROM locations ORDER BY 1").fetch_all(&superuser).await.unwrap();
    let homes: Vec<(i32, i32)> = sqlx::query_as(
        "SELECT DISTINCT ON (doctor_id) doctor_id, location_id FROM doctor_hours ORDER BY doctor_id, location_id",
    )
    .fetch_all(&superuser)
    .await
    .unwrap();
    let patients: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT patient_id FROM patients LIMIT 2000").fetch_all(&superuser).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT split_part(full_name, ' ', 2) FROM patients LIMIT 500")
        .fetch_all(&superuser)
        .await
        .unwrap();
    let today = Utc::now().with_timezone(&chrono_tz::Europe::Kyiv).date_naive();
    println!(
        "{desks} desks ({active} busy) on one PostgreSQL, scale {scale}: {} locations, {} doctors; {seconds} s busy\n",
        locations.len(),
        homes.len()
    );

    // When a booking was asked for, by location: the watching desks measure
    // from there to their board refetched.
    let asked: Arc<Mutex<HashMap<i32, Instant>>> = Arc::default();
    let refresh = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let pulls = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let pings = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let mut tasks = Vec::new();
    let mut pools = Vec::new();
    let opened = Instant::now();
    for desk in 0..desks {
        let pool = open_pool(options.clone()).await.expect("a desk's pool");
        let location = locations[desk % locations.len()];
        let (sender, mut changes) = broadcast::channel::<BookingsChange>(64);
        tasks.push(tokio::spawn(clinic_station::live::listen(pool.clone(), sender)));
        // The board refetched on every change at the desk's location.
        let (clinic, asked, refresh) = (Clinic::new(pool.clone()), asked.clone(), refresh.clone());
        tasks.push(tokio::spawn(async move {
            while let Ok(change) = changes.recv().await {
                if change.location_id.0 != location || change.to == chrono::DateTime::<Utc>::MAX_UTC {
                    continue;
                }
                if clinic.day_board(LocationId(location), today).await.is_ok() {
                    if let Some(at) = asked.lock().unwrap().get(&location) {
                        refresh.lock().unwrap().push(at.elapsed());
                    }
                }
            }
        }));
        // The sync task: a heartbeat a second, a pull every 30 s (spread).
        let (clinic, pulls, pings) = (Clinic::new(pool.clone()), pulls.clone(), pings.clone());
        tasks.push(tokio::spawn(async move {
            let mut since = None;
            let mut next_pull = Instant::now() + Duration::from_millis(100 * (desk as u64 % 300));
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let started = Instant::now();
                if clinic.ping(Duration::from_millis(900)).await.is_ok() {
                    pings.lock().unwrap().push(started.elapsed());
                }
                if Instant::now() >= next_pull {
                    next_pull += Duration::from_secs(30);
                    let started = Instant::now();
                    let window = (today - chrono::Duration::days(1), today + chrono::Duration::days(30));
                    if let Ok(changes) = clinic.station_changes(LocationId(location), since, window.0, window.1).await {
                        since = Some(changes.checkpoint);
                        pulls.lock().unwrap().push(started.elapsed());
                    }
                }
            }
        }));
        pools.push(pool);
    }
    println!("opened {desks} desks in {:.1} s", opened.elapsed().as_secs_f64());
    tokio::time::sleep(Duration::from_secs(3)).await;
    let settled = server_figures(&superuser, &database).await;

    // The busy desks.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut busy = Vec::new();
    for (i, pool) in pools.iter().take(active).enumerate() {
        let clinic = Clinic::new(pool.clone());
        let (locations, homes, patients, names, asked) =
            (locations.clone(), homes.clone(), patients.clone(), names.clone(), asked.clone());
        busy.push(tokio::spawn(async move {
            let mut rng = ChaCha8Rng::seed_from_u64(i as u64);
            let actor = Actor::parse("bench").unwrap();
            let mut times: HashMap<&'static str, Vec<Duration>> = HashMap::new();
            let mut booked = 0usize;
            while Instant::now() < deadline {
                let roll = rng.gen_range(0..100);
                let started = Instant::now();
                let kind = if roll < 55 {
                    let location = LocationId(*locations.choose(&mut rng).unwrap());
                    clinic.day_board(location, today).await.unwrap();
                    "day board"
                } else if roll < 75 {
                    let name = names.choose(&mut rng).unwrap();
                    let typed: String = name.chars().take(rng.gen_range(3..=5)).collect();
                    clinic.search_patients(&typed, 50).await.unwrap();
                    "patient search"
                } else {
                    let (doctor, location) = *homes.choose(&mut rng).unwrap();
                    let subject = BookingSubject::Doctor { doctor_id: DoctorId(doctor) };
                    let query = SlotQuery {
                        location_id: LocationId(location),
                        subject,
                        from: today,
                        to: today + chrono::Duration::days(13),
                    };
                    let slots = clinic.free_slots(&query).await.unwrap();
                    if roll < 90 {
                        "free slots"
                    } else if let Some(slot) = slots.choose(&mut rng) {
                        times.entry("free slots").or_default().push(started.elapsed());
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
                        asked.lock().unwrap().insert(location, started);
                        // Another busy desk may take the same time first.
                        if clinic.book(&request, &actor).await.is_ok() {
                            booked += 1;
                            times.entry("book a slot").or_default().push(started.elapsed());
                        }
                        continue;
                    } else {
                        "free slots"
                    }
                };
                times.entry(kind).or_default().push(started.elapsed());
                // A receptionist's pace: a few seconds between actions.
                tokio::time::sleep(Duration::from_millis(rng.gen_range(200..1500))).await;
            }
            (times, booked)
        }));
    }
    let mut peak = settled.clone();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let now = server_figures(&superuser, &database).await;
        if now.connections > peak.connections {
            peak = now;
        }
    }
    let mut times: HashMap<&'static str, Vec<Duration>> = HashMap::new();
    let mut booked = 0;
    for task in busy {
        let (desk_times, desk_booked) = task.await.unwrap();
        booked += desk_booked;
        for (kind, samples) in desk_times {
            times.entry(kind).or_default().extend(samples);
        }
    }
    // Boards refetched after the last bookings; then quiet until idle
    // connections are closed.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let refreshed = refresh.lock().unwrap().len();
    let busy_pulls = std::mem::take(&mut *pulls.lock().unwrap());
    let busy_pings = std::mem::take(&mut *pings.lock().unwrap());
    let quiet_for = clinic_station::connection::LIFETIME + Duration::from_secs(10);
    tokio::time::sleep(quiet_for).await;
    let quiet = server_figures(&superuser, &database).await;

    println!("| what | figure |");
    println!("|---|---|");
    println!("| connections, all desks open and quiet (before the busy minute) | {} |", settled.connections);
    println!("| connections, peak while {active} desks were busy | {} |", peak.connections);
    println!(
        "| connections, quiet again ({} s after the busy minute) | {} ({:.2} a desk) |",
        (quiet_for + Duration::from_secs(2)).as_secs(),
        quiet.connections,
        quiet.connections as f64 / desks as f64
    );
    println!(
        "| server memory (PSS of every postgres process): quiet before / busy peak / quiet after | {:.0} / {:.0} / {:.0} MiB |",
        settled.pss_mib, peak.pss_mib, quiet.pss_mib
    );
    println!("| bookings made | {booked}; boards refetched at the watching desks: {refreshed} |");
    println!(
        "| booking asked → board refetched at each watching desk | {} |",
        percentiles(refresh.lock().unwrap().clone())
    );
    println!("| periodic pull of a desk's location (31 days) | {} |", percentiles(busy_pulls));
    println!("| heartbeat ping | {} |", percentiles(busy_pings));
    let mut kinds: Vec<_> = times.into_iter().collect();
    kinds.sort_by_key(|(kind, _)| *kind);
    for (kind, samples) in kinds {
        println!("| busy desks: {kind} ({} runs) | {} |", samples.len(), percentiles(samples));
    }
    for task in tasks {
        task.abort();
    }
    for pool in pools {
        pool.close().await;
    }
}

fn percentiles(mut samples: Vec<Duration>) -> String {
    if samples.is_empty() {
        return "—".into();
    }
    samples.sort();
    format!("p50 {:.2} ms, p99 {:.2} ms", stats::percentile_ms(&samples, 0.5), stats::percentile_ms(&samples, 0.99))
}

#[derive(Clone)]
struct ServerFigures {
    connections: i64,
    pss_mib: f64,
}

/// Client connections to the clinic's database, and the memory of every
/// process of the server (PSS: shared pages split among their users).
async fn server_figures(superuser: &PgPool, database: &str) -> ServerFigures {
    let connections: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = $2 AND backend_type = 'client backend'",
    )
    .bind(database)
    .bind(LOGIN)
    .fetch_one(superuser)
    .await
    .unwrap();
    let pids: Vec<i32> = sqlx::query_scalar("SELECT pid FROM pg_stat_activity").fetch_all(superuser).await.unwrap();
    let data: String = sqlx::query_scalar("SHOW data_directory").fetch_one(superuser).await.unwrap();
    let postmaster = std::fs::read_to_string(format!("{data}/postmaster.pid"))
        .ok()
        .and_then(|file| file.lines().next().and_then(|pid| pid.trim().parse::<i32>().ok()));
    let mut kib = 0u64;
    // Every postgres process: what pg_stat_activity lists (backends, the
    // checkpointer, the writers) and the postmaster.
    for pid in pids.into_iter().chain(postmaster) {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else { continue };
        kib += rollup
            .lines()
            .find_map(|l| {
                l.strip_prefix("Pss:").and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            })
            .unwrap_or(0);
    }
    ServerFigures { connections, pss_mib: kib as f64 / 1024.0 }
}

/// The demo clinic at `scale` in `database`, made once and kept.
async fn prepared_clinic(cluster: &LocalCluster, database: &str, scale: u32) -> PgPool {
    let mut admin = cluster.connect_options("postgres").connect().await.expect("connect");
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(database)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    if !exists {
        let making = format!("{database}_tmp");
        sqlx::query(&format!(r#"DROP DATABASE IF EXISTS "{making}" WITH (FORCE)"#)).execute(&mut admin).await.unwrap();
        sqlx::query(&format!(r#"CREATE DATABASE "{making}""#)).execute(&mut admin).await.unwrap();
        let mut owner = cluster.connect_options(&making).connect().await.unwrap();
        set_up(&mut owner, &RolePrefix::parse("clinic").unwrap()).await.expect("the clinic's schema");
        drop(owner);
        let fill =
            PgPoolOptions::new().max_connections(4).connect_with(cluster.connect_options(&making)).await.unwrap();
        let mut demo = DemoOptions::new(Utc::now());
        demo.scale = scale;
        let started = Instant::now();
        generate(&fill, &demo).await.expect("the demo clinic");
        println!("generated scale {scale} in {:.1} s", started.elapsed().as_secs_f64());
        fill.close().await;
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(&making)
            .execute(&mut admin)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        sqlx::query(&format!(r#"ALTER DATABASE "{making}" RENAME TO "{database}""#)).execute(&mut admin).await.unwrap();
    }
    PgPoolOptions::new().max_connections(2).connect_with(cluster.connect_options(database)).await.unwrap()
}
