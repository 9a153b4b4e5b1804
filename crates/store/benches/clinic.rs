//! Latency of the hot paths over a large demo clinic, printed as p50/p99.
//!
//!     cargo bench -p clinic-store --bench clinic            # scale 100
//!     BENCH_SCALE=10 cargo bench -p clinic-store --bench clinic
//!
//! Starts a private PostgreSQL under /tmp/clinic-desk-bench-pg, fills a
//! database at the scale (kept between runs: generating scale 100 takes
//! minutes), then times each operation through the same `Clinic` services
//! the app calls. Prints numbers; asserts nothing about speed.
//! `BENCH_DATABASE_URL` points it at an already generated clinic instead
//! (e.g. one made by `clinic-demo-data --scale 100`; its login must be a
//! superuser: the trigger comparison turns triggers off and on).
//!
//! The services run as a staff login (reception and manager), as a desk's
//! do: grants and row-level security are part of every figure. Booking is
//! timed twice in one run: with the database's author and audit triggers,
//! and with those two turned off. Last, `audit.verify` over 1 million
//! events (made once, kept with the database).

mod stats;

use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use clinic_admin::provision::{set_up, RolePrefix};
use clinic_domain::bookings::{BookingRequest, BookingSubject, SlotQuery};
use clinic_domain::catalogue::DoctorFilter;
use clinic_domain::documents::{BookingExport, ExportFormat};
use clinic_domain::ids::{BookingId, DiagnosticId, DoctorId, LocationId, PatientId, SpecialtyId, WaitlistEntryId};
use clinic_domain::openings::{DayPart, OpeningsQuery, Wanted};
use clinic_domain::waitlist::{WaitlistInput, WaitlistPriority};
use clinic_domain::Actor;
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_store::demo::{generate, DemoOptions};
use clinic_store::{Clinic, MIGRATOR};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, Connection};

const ITERATIONS: usize = 300;
const WARM_UP: usize = 20;

fn main() {
    let scale: u32 = std::env::var("BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio");
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        runtime.block_on(async {
            let pool =
                PgPoolOptions::new().max_connections(4).connect(&url).await.expect("connect to BENCH_DATABASE_URL");
            measure_all(pool.clone(), pool, scale).await;
        });
        return;
    }
    let cluster = LocalCluster::start(&ClusterOptions {
        root: std::env::temp_dir().join("clinic-desk-bench-pg"),
        superuser: "clinic".into(),
        settings: [
            ("shared_buffers", "1GB"),
            ("work_mem", "16MB"),
            ("max_wal_size", "4GB"),
            ("synchronous_commit", "on"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec(),
        ..ClusterOptions::default()
    })
    .expect("start the benchmark PostgreSQL");
    runtime.block_on(run(&cluster, scale));
    cluster.stop();
}

async fn run(cluster: &LocalCluster, scale: u32) {
    let database = format!("bench_scale_{scale}_m{}", MIGRATOR.iter().count());
    let mut admin = cluster.connect_options("postgres").connect().await.expect("connect");
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&database)
        .fetch_one(&mut admin)
        .await
        .expect("look up database");
    let pool = |db: &str| {
        PgPoolOptions::new().max_connections(4).connect_with(cluster.connect_options(db).disable_statement_logging())
    };
    if !exists {
        // An interrupted fill left its half-made database: start over.
        sqlx::query(&format!(r#"DROP DATABASE IF EXISTS "{database}_tmp" WITH (FORCE)"#))
            .execute(&mut admin)
            .await
            .expect("drop an interrupted fill");
        sqlx::query(&format!(r#"CREATE DATABASE "{database}_tmp""#)).execute(&mut admin).await.expect("create");
        let mut owner = cluster.connect_options(&format!("{database}_tmp")).connect().await.expect("connect");
        set_up(&mut owner, &RolePrefix::parse("clinic").unwrap()).await.expect("set up the clinic's schema");
        let _ = owner.close().await;
        let fill = pool(&format!("{database}_tmp")).await.expect("connect");
        let started = Instant::now();
        let mut options = DemoOptions::new(Utc::now());
        options.scale = scale;
        let summary = generate(&fill, &options).await.expect("generate the demo clinic");
        println!("generated scale {scale} in {:.1} s: {summary:?}", started.elapsed().as_secs_f64());
        fill.close().await;
        // Renamed only when complete, so an interrupted fill is never reused
        // (after the fill's sessions are surely gone: a closed pool's last
        // backend can linger a moment).
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(format!("{database}_tmp"))
            .execute(&mut admin)
            .await
            .expect("end the fill's sessions");
        tokio::time::sleep(StdDuration::from_millis(200)).await;
        sqlx::query(&format!(r#"ALTER DATABASE "{database}_tmp" RENAME TO "{database}""#))
            .execute(&mut admin)
            .await
            .expect("rename");
    }
    let _ = admin.close().await;

    let superuser = pool(&database).await.expect("connect");
    let mut conn = superuser.acquire().await.expect("connect");
    clinic_admin::staff::ensure(&mut conn, BENCH_LOGIN, "Bench desk", &["reception", "manager"])
        .await
        .expect("the bench's staff login");
    drop(conn);
    let desk = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(cluster.connect_options(&database).username(BENCH_LOGIN).disable_statement_logging())
        .await
        .expect("connect as the bench's desk");
    measure_all(superuser, desk, scale).await;
}

const BENCH_LOGIN: &str = "bench.desk";

async fn measure_all(pool: sqlx::PgPool, desk: sqlx::PgPool, scale: u32) {
    let clinic = Clinic::new(desk.clone());
    let counts: (i64, i64) = sqlx::query_as("SELECT (SELECT count(*) FROM bookings), (SELECT count(*) FROM patients)")
        .fetch_one(&pool)
        .await
        .expect("count");
    println!("clinic at scale {scale}: {} bookings, {} patients\n", counts.0, counts.1);

    let locations: Vec<i32> = sqlx::query_scalar("SELECT location_id FROM locations").fetch_all(&pool).await.unwrap();
    let doctor_homes: Vec<(i32, i32)> = sqlx::query_as(
        "SELECT DISTINCT ON (doctor_id) doctor_id, location_id FROM doctor_hours ORDER BY doctor_id, location_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT full_name FROM patients TABLESAMPLE SYSTEM (5) LIMIT 500")
        .fetch_all(&pool)
        .await
        .unwrap();
    let phones: Vec<String> = sqlx::query_scalar("SELECT phone FROM patients WHERE phone IS NOT NULL LIMIT 500")
        .fetch_all(&pool)
        .await
        .unwrap();
    let patients: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT patient_id FROM patients LIMIT 1000").fetch_all(&pool).await.unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let today = Utc::now().with_timezone(&chrono_tz::Europe::Kyiv).date_naive();
    let actor = Actor::parse("bench").unwrap();

    let mut rows = Vec::new();

    // Floors: the repository's own SQL files, run raw on one connection.
    let raw = &mut desk.acquire().await.expect("a raw connection");
    // Planned as the app runs them: generically (`Clinic::begin_generic`).
    sqlx::query("SET plan_cache_mode = force_generic_plan").execute(&mut **raw).await.unwrap();
    let (day_from, day_to) = clinic_domain::availability::local_day(chrono_tz::Europe::Kyiv, today);

    let mut r = rng.clone();
    let board = measure("day board (one location, today)", 2.0, || {
        let location = LocationId(*locations.choose(&mut r).unwrap());
        let clinic = &clinic;
        async move { clinic.day_board(location, today).await.map(|b| b.bookings.len()).unwrap() }
    })
    .await;
    let mut r = rng.clone();
    let mut board_floor = Vec::new();
    for i in 0..(ITERATIONS + WARM_UP) {
        let location = *locations.choose(&mut r).unwrap();
        let started = Instant::now();
        sqlx::query(include_str!("../queries/board_frame.sql"))
            .bind(location)
            .bind(today)
            .bind(day_from)
            .bind(day_to)
            .fetch_all(&mut **raw)
            .await
            .unwrap();
        let n = sqlx::query(include_str!("../queries/board_day.sql"))
            .bind(location)
            .bind(day_from)
            .bind(day_to)
            .fetch_all(&mut **raw)
            .await
            .unwrap()
            .len();
        std::hint::black_box(n);
        if i >= WARM_UP {
            board_floor.push(started.elapsed());
        }
    }
    rows.push(board.with_floor(Row::new("", f64::NAN, board_floor)));

    let mut r = rng.clone();
    let mut slots_floor = Vec::new();
    for i in 0..(ITERATIONS + WARM_UP) {
        let (doctor, location) = *doctor_homes.choose(&mut r).unwrap();
        let started = Instant::now();
        let midnight = today.and_time(chrono::NaiveTime::MIN).and_utc();
        sqlx::query(include_str!("../queries/slot_context.sql"))
            .bind(location)
            .bind(Some(doctor))
            .bind(None::<i32>)
            .bind(today - Duration::days(1))
            .bind(today + Duration::days(30))
            .bind(midnight - Duration::days(3))
            .bind(midnight + Duration::days(33))
            .bind(midnight - Duration::days(4))
            .bind(None::<uuid::Uuid>)
            .fetch_all(&mut **raw)
            .await
            .unwrap();
        if i >= WARM_UP {
            slots_floor.push(started.elapsed());
        }
    }
    let slots_floor = Row::new("", f64::NAN, slots_floor);
    let mut r = rng.clone();
    rows.push(
        measure("free slots, one doctor, 30 days", 2.0, || {
            let (doctor, location) = *doctor_homes.choose(&mut r).unwrap();
            let query = SlotQuery {
                location_id: LocationId(location),
                subject: BookingSubject::Doctor { doctor_id: DoctorId(doctor) },
                from: today,
                to: today + Duration::days(29),
            };
            let clinic = &clinic;
            async move { clinic.free_slots(&query).await.unwrap().len() }
        })
        .await
        .with_floor(slots_floor),
    );

    // The openings search: the specialty with the most doctor × location
    // calendars, and the diagnostic offered at the most locations, over two
    // weeks at every location.
    let (specialty, calendars): (i32, i64) = sqlx::query_as(
        "SELECT d.specialty_id, count(*) FROM doctors d JOIN doctor_locations USING (doctor_id)
          GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (diagnostic, offered): (i32, i64) = sqlx::query_as(
        "SELECT diagnostic_id, count(*) FROM diagnostic_locations GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let openings = |wanted: Wanted, from| OpeningsQuery {
        wanted,
        location_id: None,
        from,
        days: OpeningsQuery::DEFAULT_DAYS,
        day_parts: vec![],
        weekdays: vec![],
        max_price: None,
    };
    let by_specialty = Wanted::Specialty { specialty_id: SpecialtyId(specialty) };
    let found = clinic.openings(&openings(by_specialty, today)).await.unwrap().openings.len();
    println!("openings: a specialty with {calendars} doctor × location calendars ({found} openings), a diagnostic at {offered} locations\n");
    let mut r = rng.clone();
    rows.push(
        measure("openings, a specialty anywhere, 14 days", 20.0, || {
            let query = openings(by_specialty, today + Duration::days(r.gen_range(0..7)));
            let clinic = &clinic;
            async move { clinic.openings(&query).await.unwrap().openings.len() }
        })
        .await,
    );
    let mut r = rng.clone();
    rows.push(
        measure("openings, a diagnostic anywhere, 14 days", 20.0, || {
            let wanted = Wanted::Diagnostic { diagnostic_id: DiagnosticId(diagnostic) };
            let query = openings(wanted, today + Duration::days(r.gen_range(0..7)));
            let clinic = &clinic;
            async move { clinic.openings(&query).await.unwrap().openings.len() }
        })
        .await,
    );

    // The waitlist: 60 open entries spread over the specialties, doctors and
    // diagnostics of the clinic (a busy clinic's ASAP list), then the
    // matches of one location's day, as a board asks for them.
    sqlx::query("DELETE FROM waitlist_entries WHERE note = 'bench'").execute(&pool).await.expect("old entries");
    let specialties: Vec<i32> =
        sqlx::query_scalar("SELECT specialty_id FROM specialties").fetch_all(&pool).await.unwrap();
    let diagnostics: Vec<i32> =
        sqlx::query_scalar("SELECT diagnostic_id FROM diagnostics").fetch_all(&pool).await.unwrap();
    for i in 0..60usize {
        let wanted = match i % 3 {
            0 => Wanted::Specialty { specialty_id: SpecialtyId(specialties[i % specialties.len()]) },
            1 => Wanted::Doctor { doctor_id: DoctorId(doctor_homes[i % doctor_homes.len()].0) },
            _ => Wanted::Diagnostic { diagnostic_id: DiagnosticId(diagnostics[i % diagnostics.len()]) },
        };
        let input = WaitlistInput {
            wanted,
            location_ids: if i % 2 == 0 { vec![] } else { vec![LocationId(locations[i % locations.len()])] },
            from: today,
            to: today + Duration::days(13),
            day_parts: if i % 4 == 0 { vec![DayPart::Morning] } else { vec![] },
            note: "bench".into(),
            priority: WaitlistPriority::Normal,
        };
        let patient = clinic_domain::ids::PatientId(patients[i]);
        clinic.add_to_waitlist(WaitlistEntryId::generate(), patient, &input, &actor).await.expect("an entry");
    }
    let busiest = LocationId(locations[1]);
    let matched = clinic.waitlist_matches(busiest, today + Duration::days(1)).await.unwrap().len();
    println!("waitlist: 60 open entries, {matched} matching tomorrow at one location\n");
    let mut r = rng.clone();
    rows.push(
        measure("waitlist matches of one board (60 open entries)", f64::NAN, || {
            let location = LocationId(*locations.choose(&mut r).unwrap());
            let date = today + Duration::days(r.gen_range(0..7));
            let clinic = &clinic;
            async move { clinic.waitlist_matches(location, date).await.unwrap().len() }
        })
        .await,
    );
    sqlx::query("DELETE FROM waitlist_entries WHERE note = 'bench'").execute(&pool).await.expect("the bench's entries");

    // Booking, with the author and audit triggers and without them.
    let samples = book_samples(&clinic, &doctor_homes, &patients, today, &mut rng, &actor).await;
    let floor = bare_insert_samples(&pool, raw, &doctor_homes, &patients).await;
    rows.push(Row::new("book a slot (author + audit triggers)", 10.0, samples).with_floor(Row::new(
        "",
        f64::NAN,
        floor,
    )));
    // (Without the author trigger nothing fills created_by: a plain default
    // stands in while it is off.)
    let toggle = |on: bool| {
        let verb = if on { "ENABLE" } else { "DISABLE" };
        let default = if on { "DROP DEFAULT" } else { "SET DEFAULT session_user" };
        format!(
            "ALTER TABLE bookings {verb} TRIGGER bookings_author, {verb} TRIGGER audit_changes, \
             ALTER COLUMN created_by {default}"
        )
    };
    sqlx::query(&toggle(false)).execute(&pool).await.expect("turn the triggers off");
    let samples = book_samples(&clinic, &doctor_homes, &patients, today, &mut rng, &actor).await;
    sqlx::query(&toggle(true)).execute(&pool).await.expect("turn the triggers back on");
    rows.push(Row::new("book a slot (those two triggers off)", 10.0, samples));

    let prefixes: Vec<String> = (0..(ITERATIONS + WARM_UP))
        .map(|_| {
            let name = names.choose(&mut rng).unwrap();
            let last = name.split(' ').next_back().unwrap();
            last.chars().take(rng.gen_range(3..=6)).collect()
        })
        .collect();
    let mut search_floor = Vec::new();
    for (i, prefix) in prefixes.iter().enumerate() {
        let started = Instant::now();
        sqlx::query(include_str!("../queries/patient_search_name.sql"))
            .bind(prefix)
            .bind(50_i64)
            .fetch_all(&mut **raw)
            .await
            .unwrap();
        if i >= WARM_UP {
            search_floor.push(started.elapsed());
        }
    }
    let mut next = prefixes.iter().cycle();
    rows.push(
        measure("patient search, surname's first letters (top 50)", 2.0, || {
            let prefix = next.next().unwrap().clone();
            let clinic = &clinic;
            async move { clinic.search_patients(&prefix, 50).await.unwrap().len() }
        })
        .await
        .with_floor(Row::new("", f64::NAN, search_floor)),
    );

    let mut r = rng.clone();
    rows.push(
        measure("patient search, phone digits", f64::NAN, || {
            let phone = phones.choose(&mut r).unwrap();
            let from = r.gen_range(4..phone.len() - 6);
            let fragment = phone[from..from + 6].to_string();
            let clinic = &clinic;
            async move { clinic.search_patients(&fragment, 20).await.unwrap().len() }
        })
        .await,
    );

    rows.push(
        measure("doctors list with ratings", f64::NAN, || {
            let clinic = &clinic;
            async move { clinic.list_doctors(&DoctorFilter::default()).await.unwrap().len() }
        })
        .await,
    );

    // The accountant's export: a month of bookings, one location and all
    // of them (the CSV itself is written by clinic-documents: its bench).
    let month = BookingExport {
        from: today - Duration::days(30),
        to: today - Duration::days(1),
        location_id: Some(LocationId(locations[0])),
        subject: None,
        statuses: vec![],
        format: ExportFormat::CsvSemicolon,
        language: "uk".into(),
    };
    let one = clinic.export_bookings(&month).await.unwrap().len();
    let every = BookingExport { location_id: None, ..month.clone() };
    let all = clinic.export_bookings(&every).await.unwrap().len();
    println!("a month's export: {one} bookings at one location, {all} at all {}\n", locations.len());
    rows.push(
        measure_n(30, 3, "a month's bookings to export, one location", f64::NAN, || {
            let (clinic, month) = (&clinic, &month);
            async move { clinic.export_bookings(month).await.unwrap().len() }
        })
        .await,
    );
    rows.push(
        measure_n(10, 1, "a month's bookings to export, all locations", f64::NAN, || {
            let (clinic, every) = (&clinic, &every);
            async move { clinic.export_bookings(every).await.unwrap().len() }
        })
        .await,
    );

    println!("| operation | runs | p50 ms | p99 ms | floor p50 | floor p99 | p50 / floor | target p50 |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for row in rows {
        println!("{row}");
    }

    verify_audit_trail(&pool).await;
}

/// Books free slots (found first, not timed), timing each booking.
async fn book_samples(
    clinic: &Clinic,
    doctor_homes: &[(i32, i32)],
    patients: &[uuid::Uuid],
    today: chrono::NaiveDate,
    rng: &mut ChaCha8Rng,
    actor: &Actor,
) -> Vec<StdDuration> {
    let mut samples = Vec::new();
    for i in 0..(ITERATIONS + WARM_UP) {
        let (doctor, location) = *doctor_homes.choose(rng).unwrap();
        let subject = BookingSubject::Doctor { doctor_id: DoctorId(doctor) };
        let query =
            SlotQuery { location_id: LocationId(location), subject, from: today, to: today + Duration::days(29) };
        let slots = clinic.free_slots(&query).await.unwrap();
        let Some(slot) = slots.choose(rng) else {
            continue;
        };
        let request = BookingRequest {
            booking_id: BookingId::generate(),
            patient_id: PatientId(*patients.choose(rng).unwrap()),
            location_id: LocationId(location),
            subject,
            starts_at: slot.starts_at,
            patient_message: String::new(),
            override_reason: None,
            waitlist_entry_id: None,
        };
        let started = Instant::now();
        clinic.book(&request, actor).await.expect("book a free slot");
        if i >= WARM_UP {
            samples.push(started.elapsed());
        }
    }
    samples
}

/// The floor of a booking: a bare `INSERT … RETURNING` of one booking row
/// and its `COMMIT` on one connection (as the desk: the table's triggers
/// run), at times far from the clinic's (removed afterwards).
async fn bare_insert_samples(
    superuser: &sqlx::PgPool,
    raw: &mut sqlx::PgConnection,
    doctor_homes: &[(i32, i32)],
    patients: &[uuid::Uuid],
) -> Vec<StdDuration> {
    let (doctor, location) = doctor_homes[0];
    let base = Utc::now().date_naive().and_time(chrono::NaiveTime::MIN).and_utc() + Duration::days(5 * 365);
    let mut samples = Vec::new();
    for i in 0..(ITERATIONS + WARM_UP) {
        let starts_at = base + Duration::minutes(5 * i as i64);
        let started = Instant::now();
        let mut tx = raw.begin().await.unwrap();
        sqlx::query(
            "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, starts_at, ends_at, price)
             VALUES ($1, $2, $3, $4, $5, $6, 500) RETURNING booking_id",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(patients[i % patients.len()])
        .bind(location)
        .bind(doctor)
        .bind(starts_at)
        .bind(starts_at + Duration::minutes(5))
        .fetch_one(&mut *tx)
        .await
        .expect("a bare insert");
        tx.commit().await.unwrap();
        if i >= WARM_UP {
            samples.push(started.elapsed());
        }
    }
    let mut tx = superuser.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.unwrap();
    for table in ["booking_status_changes", "bookings"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE booking_id IN (SELECT booking_id FROM bookings WHERE starts_at >= $1)"
        ))
        .bind(base)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    samples
}

/// `audit.verify` over (at least) a million events: made once through the
/// trail's own append function, kept with the database.
async fn verify_audit_trail(pool: &sqlx::PgPool) {
    const EVENTS: i64 = 1_000_000;
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM audit.events").fetch_one(pool).await.unwrap();
    if have < EVENTS {
        let started = Instant::now();
        sqlx::raw_sql(&format!(
            "DO $$ BEGIN
                 FOR i IN 1 .. {} LOOP
                     PERFORM audit.append('view', 'patients', i::text, NULL, jsonb_build_object('bench', i));
                 END LOOP;
             END $$",
            EVENTS - have
        ))
        .execute(pool)
        .await
        .expect("append audit events");
        println!("\nappended {} audit events in {:.1} s", EVENTS - have, started.elapsed().as_secs_f64());
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit.events").fetch_one(pool).await.unwrap();
    for run in 1..=3 {
        let started = Instant::now();
        let broken: Option<i64> = sqlx::query_scalar("SELECT audit.verify()").fetch_one(pool).await.unwrap();
        println!(
            "audit.verify over {count} events (run {run}): {:.2} s, {}",
            started.elapsed().as_secs_f64(),
            broken.map_or("verifies".to_string(), |e| format!("first mismatch at event {e}"))
        );
    }
}

struct Row {
    name: &'static str,
    target_ms: f64,
    samples: Vec<StdDuration>,
    /// The same SQL run raw on one connection in the same run (for booking,
    /// a bare insert and commit): how close to the limit the operation is.
    floor: Option<Box<Row>>,
}

impl Row {
    fn new(name: &'static str, target_ms: f64, mut samples: Vec<StdDuration>) -> Row {
        samples.sort();
        Row { name, target_ms, samples, floor: None }
    }

    fn with_floor(mut self, floor: Row) -> Row {
        self.floor = Some(Box::new(floor));
        self
    }

    fn percentile(&self, p: f64) -> f64 {
        stats::percentile_ms(&self.samples, p)
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = if self.target_ms.is_nan() { "—".to_string() } else { format!("< {} ms", self.target_ms) };
        let floor = match &self.floor {
            Some(floor) => format!(
                "{:.2} | {:.2} | {:.1}×",
                floor.percentile(0.5),
                floor.percentile(0.99),
                self.percentile(0.5) / floor.percentile(0.5)
            ),
            None => "— | — | —".to_string(),
        };
        write!(
            f,
            "| {} | {} | {:.2} | {:.2} | {floor} | {} |",
            self.name,
            self.samples.len(),
            self.percentile(0.5),
            self.percentile(0.99),
            target
        )
    }
}

async fn measure<F, Fut>(name: &'static str, target_ms: f64, op: F) -> Row
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    measure_n(ITERATIONS, WARM_UP, name, target_ms, op).await
}

async fn measure_n<F, Fut>(runs: usize, warm_up: usize, name: &'static str, target_ms: f64, mut op: F) -> Row
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut samples = Vec::with_capacity(runs);
    for i in 0..(runs + warm_up) {
        let started = Instant::now();
        std::hint::black_box(op().await);
        if i >= warm_up {
            samples.push(started.elapsed());
        }
    }
    Row::new(name, target_ms, samples)
}
