//! Hundreds of desks on one PostgreSQL (issue 16), measured. Prints numbers;
//! asserts only that every booking reached every desk watching its location.
//!
//!     cargo bench -p clinic-station --bench desks
//!     BENCH_DESKS=300 BENCH_ACTIVE=30 BENCH_SECONDS=60 BENCH_SCALE=10 cargo bench -p clinic-station --bench desks
//!
//! Each simulated desk runs the station's own code against the server: its
//! pool (`connection::open_pool`: at most 5 connections, closed after 30 s
//! unused or two minutes old), its change listener with the heartbeat on
//! the listener's connection (`live::listen`), the server calls of its sync
//! task (`sync_calls` below: a pull of the changed rows once notifications
//! have settled, a full pull every `sync::FULL_PULL_EVERY`; one desk's first
//! full pull runs the real `sync::Syncer` into a station database), and on
//! every change notification touching today at its location a refetch of
//! its day board (what the board screen does). A share of the desks is
//! busy: day boards, patient searches, free slots and bookings (half of
//! them for today), one after another. Then all go quiet and the pools
//! close what they no longer use.
//!
//! Reported: connections held (busy and quiet), the server's memory (PSS of
//! every postgres process) and CPU time, booking to board refetched at the
//! watching desks (p50/p99), sync cycles, and the busy desks' operation times.

#[path = "../../store/benches/stats.rs"]
mod stats;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use clinic_admin::provision::{set_up, RolePrefix};
use clinic_domain::availability::local_day;
use clinic_domain::bookings::{BookingRequest, BookingSubject, BookingsChange, SlotQuery};
use clinic_domain::ids::{BookingId, DoctorId, LocationId, PatientId};
use clinic_domain::Actor;
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_local_store::LocalStore;
use clinic_station::connection::open_pool;
use clinic_station::sync::{self, Syncer};
use clinic_store::demo::{generate, DemoOptions};
use clinic_store::{Clinic, MIGRATOR};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, PgPool};
use tokio::sync::{broadcast, watch};

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
            // One connection a quiet desk, up to six a busy one.
            ("max_connections", "1000"),
            ("shared_buffers", "512MB"),
            ("synchronous_commit", "on"),
            // Where the server's time goes, printed at the end.
            ("shared_preload_libraries", "pg_stat_statements"),
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
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(&mut *conn).await.unwrap();
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
    // One desk's first full pull with the station's own sync (its
    // database on disk): what every desk costs the server at the start of
    // its day and again every `FULL_PULL_EVERY`.
    let station = tempfile::tempdir().expect("a folder for a station database");
    let first = Instant::now();
    let cpu_before = server_cpu_seconds(&superuser).await;
    let syncer = Syncer::open(
        LocalStore::open_unencrypted_for_comparison(&station.path().join("desk.sqlite"))
            .await
            .expect("a station database"),
    )
    .await
    .expect("the station's sync");
    let one_pool = open_pool(options.clone()).await.expect("a desk's pool");
    let report = syncer.cycle(&Clinic::new(one_pool.clone())).await.expect("a first pull");
    let full_pull = first.elapsed();
    let full_pull_cpu = server_cpu_seconds(&superuser).await - cpu_before;
    let replica_mib = std::fs::metadata(station.path().join("desk.sqlite")).map(|m| m.len()).unwrap_or(0) as f64
        / 1048576.0
        + std::fs::metadata(station.path().join("desk.sqlite-wal")).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;
    one_pool.close().await;
    drop(syncer);
    println!(
        "a desk's first full pull: {} boards in {:.1} s ({full_pull_cpu:.1} s of server CPU); its station database {replica_mib:.0} MiB",
        report.boards_pulled,
        full_pull.as_secs_f64()
    );

    // The desks start as stations already synced up to now.
    let synced_at: i64 = sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8")
        .fetch_one(&superuser)
        .await
        .unwrap();
    let pulls: Samples = Arc::default();
    let full_pulls: Samples = Arc::default();
    let mut tasks = Vec::new();
    let mut pools = Vec::new();
    let opened = Instant::now();
    for desk in 0..desks {
        let pool = open_pool(options.clone()).await.expect("a desk's pool");
        let location = locations[desk % locations.len()];
        let (sender, mut changes) = broadcast::channel::<BookingsChange>(256);
        let (heard, _) = watch::channel(clinic_station::live::Hearing::Answered);
        tasks.push(tokio::spawn(clinic_station::live::listen(pool.clone(), sender.clone(), heard)));
        // The board refetched on every change touching its day at the
        // desk's location (the UI's `useBookingsRefresh`).
        let (clinic, asked, refresh) = (Clinic::new(pool.clone()), asked.clone(), refresh.clone());
        let (day_starts, day_ends) = local_day(chrono_tz::Europe::Kyiv, today);
        tasks.push(tokio::spawn(async move {
            while let Ok(change) = changes.recv().await {
                let touches_today = change.from < day_ends && change.to > day_starts;
                if change.location_id.0 != location || change.to == chrono::DateTime::<Utc>::MAX_UTC || !touches_today {
                    continue;
                }
                if clinic.day_board(LocationId(location), today).await.is_ok() {
                    if let Some(at) = asked.lock().unwrap().get(&location) {
                        refresh.lock().unwrap().push(at.elapsed());
                    }
                }
            }
        }));
        // Full pulls spread over their period, as desks started at different times.
        let first_full = sync::FULL_PULL_EVERY.mul_f64(desk as f64 / desks as f64);
        tasks.push(tokio::spawn(sync_calls(
            Clinic::new(pool.clone()),
            sender.subscribe(),
            synced_at,
            first_full,
            (pulls.clone(), full_pulls.clone()),
        )));
        pools.push(pool);
    }
    println!("opened {desks} desks in {:.1} s", opened.elapsed().as_secs_f64());
    tokio::time::sleep(Duration::from_secs(3)).await;
    let settled = server_figures(&superuser, &database).await;
    let activity_before = activity(&superuser, &database).await;
    sqlx::query("SELECT pg_stat_statements_reset()").execute(&superuser).await.unwrap();
    let cpu_busy_before = server_cpu_seconds(&superuser).await;

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
            let (mut booked, mut failed) = (0usize, 0usize);
            while Instant::now() < deadline {
                let roll = rng.gen_range(0..100);
                let started = Instant::now();
                let kind = if roll < 55 {
                    let location = LocationId(*locations.choose(&mut rng).unwrap());
                    failed += usize::from(clinic.day_board(location, today).await.is_err());
                    "day board"
                } else if roll < 75 {
                    let name = names.choose(&mut rng).unwrap();
                    let typed: String = name.chars().take(rng.gen_range(3..=5)).collect();
                    failed += usize::from(clinic.search_patients(&typed, 50).await.is_err());
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
                    let slots = clinic.free_slots(&query).await.unwrap_or_else(|_| {
                        failed += 1;
                        Vec::new()
                    });
                    // Half the bookings are for today (same-day calls and
                    // walk-ins), the rest over the next two weeks.
                    let (_, day_ends) = local_day(chrono_tz::Europe::Kyiv, today);
                    let today_slots: Vec<_> = slots.iter().filter(|s| s.starts_at < day_ends).collect();
                    let chosen = if rng.gen_bool(0.5) && !today_slots.is_empty() {
                        today_slots.choose(&mut rng).copied()
                    } else {
                        slots.choose(&mut rng)
                    };
                    if roll < 90 {
                        "free slots"
                    } else if let Some(slot) = chosen {
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
                        // Only today's board is on the watching desks' screens.
                        if slot.starts_at < day_ends {
                            asked.lock().unwrap().insert(location, started);
                        }
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
            (times, booked, failed)
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
    let (mut booked, mut failed) = (0, 0);
    for task in busy {
        let (desk_times, desk_booked, desk_failed) = task.await.unwrap();
        booked += desk_booked;
        failed += desk_failed;
        for (kind, samples) in desk_times {
            times.entry(kind).or_default().extend(samples);
        }
    }
    // Boards refetched after the last bookings; then quiet until idle
    // connections are closed.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let refreshed = refresh.lock().unwrap().len();
    let busy_cpu = server_cpu_seconds(&superuser).await - cpu_busy_before;
    let busy_activity = activity(&superuser, &database).await;
    let (busy_transactions, busy_sessions) =
        (busy_activity.transactions - activity_before.transactions, busy_activity.sessions - activity_before.sessions);
    let statements = costliest_statements(&superuser, &database).await;
    let busy_pulls = std::mem::take(&mut *pulls.lock().unwrap());
    let quiet_for = clinic_station::connection::LIFETIME + Duration::from_secs(10);
    let quiet_until = Instant::now() + quiet_for;
    let mut fewest = i64::MAX;
    while Instant::now() < quiet_until {
        tokio::time::sleep(Duration::from_secs(5)).await;
        fewest = fewest.min(server_figures(&superuser, &database).await.connections);
    }
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
        "| connections, fewest while quiet (sampled every 5 s) | {fewest} ({:.2} a desk) |",
        fewest as f64 / desks as f64
    );
    println!(
        "| server memory (PSS of every postgres process): quiet before / busy peak / quiet after | {:.0} / {:.0} / {:.0} MiB |",
        settled.pss_mib, peak.pss_mib, quiet.pss_mib
    );
    println!("| bookings made | {booked}; boards refetched at the watching desks: {refreshed} |");
    println!("| busy desks' reads that failed (pool timed out, server gone) | {failed} |");
    println!(
        "| booking asked → board refetched at each watching desk | {} |",
        percentiles(refresh.lock().unwrap().clone())
    );
    println!(
        "| server CPU while busy (2 s settling included; clients share the cores) | {busy_cpu:.0} s in {} s |",
        seconds + 2
    );
    println!(
        "| server transactions while busy (bookings, reads, every desk's pulls) | {busy_transactions} ({:.0}/s) |",
        busy_transactions as f64 / (seconds + 2) as f64
    );
    println!(
        "| connections opened while busy (each a backend forked, signed in, its caches filled) | {busy_sessions} |"
    );
    println!(
        "| a desk's pull after changes (the changed bookings and patients), {} while busy | {} |",
        busy_pulls.len(),
        percentiles(busy_pulls)
    );
    let full_pulls = std::mem::take(&mut *full_pulls.lock().unwrap());
    println!(
        "| a desk's periodic full pull (every board of the window), {} | {} |",
        full_pulls.len(),
        percentiles(full_pulls)
    );
    let mut kinds: Vec<_> = times.into_iter().collect();
    kinds.sort_by_key(|(kind, _)| *kind);
    for (kind, samples) in kinds {
        println!("| busy desks: {kind} ({} runs) | {} |", samples.len(), percentiles(samples));
    }
    println!("\nWhere the server's time went while busy (pg_stat_statements, execution only):\n");
    println!("| statement | calls | total s | mean ms |");
    println!("|---|---:|---:|---:|");
    for (query, calls, total_ms) in statements {
        println!("| `{query}` | {calls} | {:.1} | {:.2} |", total_ms / 1000.0, total_ms / calls.max(1) as f64);
    }
    for task in tasks {
        task.abort();
    }
    for pool in pools {
        pool.close().await;
    }
}

type Samples = Arc<Mutex<Vec<Duration>>>;

/// The server calls of a desk's sync task (`sync::Syncer::run`), from a
/// station synced up to `checkpoint`, without its station database (300 of
/// them would not fit this machine's disk):
/// a pull of the changed rows once a burst of notifications has settled
/// (`settle_after_notification`; and every `PULL_WHILE_HEARD`), and a full
/// pull (the lists and every board of the window) every `FULL_PULL_EVERY`.
async fn sync_calls(
    clinic: Clinic,
    mut pokes: broadcast::Receiver<BookingsChange>,
    checkpoint: i64,
    first_full: Duration,
    (pulls, full_pulls): (Samples, Samples),
) {
    let today = Utc::now().date_naive();
    let (from, to) = (
        today - chrono::Duration::days(sync::WINDOW_BACK_DAYS),
        today + chrono::Duration::days(sync::WINDOW_AHEAD_DAYS),
    );
    let mut since = checkpoint;
    let mut next_full = tokio::time::Instant::now() + first_full;
    let mut next_pull = tokio::time::Instant::now() + sync::PULL_WHILE_HEARD;
    loop {
        tokio::select! {
            poke = pokes.recv() => match poke {
                Err(broadcast::error::RecvError::Closed) => return,
                _ => tokio::time::sleep(sync::settle_after_notification()).await,
            },
            _ = tokio::time::sleep_until(next_full.min(next_pull)) => {}
        }
        while !matches!(
            pokes.try_recv(),
            Err(broadcast::error::TryRecvError::Empty | broadcast::error::TryRecvError::Closed)
        ) {}
        let started = Instant::now();
        let full = tokio::time::Instant::now() >= next_full;
        let Ok(changes) = clinic.station_changes((!full).then_some(since), from, to).await else { continue };
        since = changes.checkpoint;
        if full {
            let locations = clinic.list_locations(false).await.unwrap_or_default();
            let _ = clinic.list_specialties(false).await;
            let _ = clinic.list_doctors(&Default::default()).await;
            let _ = clinic.list_diagnostics(false).await;
            for location in &locations {
                for date in from.iter_days().take_while(|d| *d <= to) {
                    let _ = clinic.day_board(location.id, date).await;
                }
            }
        }
        if full {
            next_full += sync::FULL_PULL_EVERY;
            full_pulls.lock().unwrap().push(started.elapsed());
        } else {
            pulls.lock().unwrap().push(started.elapsed());
        }
        next_pull = tokio::time::Instant::now() + sync::PULL_WHILE_HEARD;
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

struct Activity {
    /// Transactions ended (statements outside a transaction count one each).
    transactions: i64,
    /// Connections opened.
    sessions: i64,
}

/// What `database` has done so far.
async fn activity(superuser: &PgPool, database: &str) -> Activity {
    let (transactions, sessions) = sqlx::query_as(
        "SELECT (xact_commit + xact_rollback)::bigint, sessions FROM pg_stat_database WHERE datname = $1",
    )
    .bind(database)
    .fetch_one(superuser)
    .await
    .unwrap();
    Activity { transactions, sessions }
}

/// The statements that took the most execution time in `database` since
/// the last reset: their start, calls and total milliseconds.
async fn costliest_statements(superuser: &PgPool, database: &str) -> Vec<(String, i64, f64)> {
    sqlx::query_as(
        "SELECT replace(left(regexp_replace(query, '\\s+', ' ', 'g'), 80), '|', '/'), calls, total_exec_time
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)
         ORDER BY total_exec_time DESC LIMIT 10",
    )
    .bind(database)
    .fetch_all(superuser)
    .await
    .unwrap()
}

/// CPU seconds the server has used: every live postgres process, and the
/// postmaster's reaped children (backends that already ended).
async fn server_cpu_seconds(superuser: &PgPool) -> f64 {
    let ticks_per_second: f64 = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(100.0);
    let pids: Vec<i32> = sqlx::query_scalar("SELECT pid FROM pg_stat_activity").fetch_all(superuser).await.unwrap();
    let postmaster = postmaster_pid(superuser).await;
    let mut ticks = 0u64;
    for pid in pids.iter().copied().chain(postmaster) {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // Fields after the command name (which may hold spaces): state is 3rd,
        // utime 14th, stime 15th, cutime 16th, cstime 17th.
        let Some(rest) = stat.rsplit_once(") ").map(|(_, rest)| rest) else { continue };
        let fields: Vec<u64> = rest.split(' ').skip(11).take(4).filter_map(|f| f.parse().ok()).collect();
        let counted = if Some(pid) == postmaster { 4 } else { 2 };
        ticks += fields.iter().take(counted).sum::<u64>();
    }
    ticks as f64 / ticks_per_second
}

async fn postmaster_pid(superuser: &PgPool) -> Option<i32> {
    let data: String = sqlx::query_scalar("SHOW data_directory").fetch_one(superuser).await.unwrap();
    std::fs::read_to_string(format!("{data}/postmaster.pid"))
        .ok()
        .and_then(|file| file.lines().next().and_then(|pid| pid.trim().parse::<i32>().ok()))
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
    let postmaster = postmaster_pid(superuser).await;
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
