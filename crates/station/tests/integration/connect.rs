//! The station against real PostgreSQL: the schema gate (older, newer), the
//! embedded demo clinic's start, stop and restart, and connection reports.

use std::path::PathBuf;

use clinic_admin::provision::{self, RolePrefix};
use clinic_admin::testing::{DESK_LOGIN, SETUP};
use clinic_domain::catalogue::DoctorFilter;
use clinic_domain::AppError;
use clinic_local_pg::testing::{empty_database, fresh_database};
use clinic_station::connection::ConnectionProblem;
use clinic_station::schema::{inspect, SchemaState};
use clinic_station::secrets::Secrets;
use clinic_station::session::{SignInOutcome, SignInRefusal};
use clinic_station::settings::{ServerSettings, Settings, TlsMode};
use clinic_station::updates::UpdateVerdict;
use clinic_station::{Phase, Station, StationMode, StationPaths};
use clinic_store::MIGRATOR;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;
use sqlx::ConnectOptions;

use crate::support::{self, Scratch, TestStation};

/// Every migration but the newest, as an older app version would have applied.
async fn all_but_last_migration() -> Migrator {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files: Vec<_> = std::fs::read_dir(&source).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.pop();
    let scratch = Scratch::new("older-migrations");
    let older = scratch.folder("migrations");
    for file in files {
        std::fs::copy(&file, older.join(file.file_name().unwrap())).unwrap();
    }
    // The migrator reads the files now; the folder may go.
    Migrator::new(older.as_path()).await.unwrap()
}

#[tokio::test]
async fn schema_gate_knows_empty_older_current_and_newer() {
    let db = empty_database().await;
    let status = inspect(&db.pool).await.unwrap();
    assert_eq!(status.state, SchemaState::Empty);
    assert!(!status.allows_reads());
    assert!(status.refusal().to_string().contains("clinic-admin init"), "{}", status.refusal());

    // An older app's administrator set the clinic up, as the owner.
    let prefix = RolePrefix::parse("clinic").unwrap();
    let mut admin = db.pool.acquire().await.unwrap();
    provision::init(&mut admin, &prefix).await.unwrap();
    sqlx::query("SET ROLE clinic_owner").execute(&mut *admin).await.unwrap();
    all_but_last_migration().await.run_direct(&mut *admin).await.unwrap();
    sqlx::query("RESET ROLE").execute(&mut *admin).await.unwrap();
    let status = inspect(&db.pool).await.unwrap();
    match &status.state {
        SchemaState::Older { pending } => assert_eq!(pending.len(), 1),
        other => panic!("expected older, got {other:?}"),
    }
    let refusal = status.refusal();
    assert!(matches!(refusal, AppError::Unauthorized { .. }));
    assert!(refusal.to_string().contains("clinic-admin migrate"), "desks never migrate: {refusal}");

    assert_eq!(provision::migrate(&mut admin, &prefix).await.unwrap(), 1);
    drop(admin);
    let status = inspect(&db.pool).await.unwrap();
    assert_eq!(status.state, SchemaState::Current);
    assert_eq!(status.database_schema, Some(status.app_schema.clone()));

    // A newer app added a migration this one does not know.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (29991231000000, 'from the future', true, '\\x00', 1)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let status = inspect(&db.pool).await.unwrap();
    assert_eq!(status.state, SchemaState::Newer { unknown: vec!["29991231000000 from the future".into()] });
    assert!(status.allows_reads() && !status.allows_writes());
    let refusal = status.refusal().to_string();
    assert!(refusal.contains("newer Clinic Desk") && refusal.contains("29991231000000"), "{refusal}");
}

#[tokio::test]
async fn edited_migrations_are_a_mismatch() {
    let db = fresh_database(&SETUP).await;
    sqlx::query(
        "UPDATE _sqlx_migrations SET checksum = '\\x00' WHERE version = (SELECT min(version) FROM _sqlx_migrations)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    assert!(matches!(inspect(&db.pool).await.unwrap().state, SchemaState::Mismatch { .. }));
}

#[tokio::test]
async fn demo_clinic_starts_stops_and_restarts_with_its_data() {
    let scratch = Scratch::new("demo");
    let demo = scratch.folder("demo");
    let config = scratch.folder("config");
    let demo_dir = || demo.join("cluster");
    let dirs = || StationPaths {
        config_dir: config.clone(),
        data_dir: scratch.folder("data"),
        demo_dir: demo_dir(),
        bundled_postgres: None,
    };

    let station = Station::open(dirs(), Secrets::memory()).unwrap();
    let status = station.connect().await;
    assert_eq!((status.mode, &status.phase), (StationMode::Demo, &Phase::SignedOut), "{status:?}");
    // The sign-in screen offers the demo clinic's staff with their passwords.
    let logins: Vec<_> = status.demo_logins.iter().map(|d| d.login.as_str()).collect();
    assert_eq!(logins, ["reception", "manager", "auditor"]);
    // The demo cluster checks passwords as a clinic server does.
    let wrong = station.sign_in("manager", "reception-demo", false).await.unwrap();
    assert!(matches!(wrong, SignInOutcome::Refused { reason: SignInRefusal::WrongPassword, .. }), "{wrong:?}");
    for demo in &status.demo_logins {
        let SignInOutcome::SignedIn { status } = station.sign_in(&demo.login, &demo.password, false).await.unwrap()
        else {
            panic!("{} could not sign in with the password shown", demo.login)
        };
        let access = status.access.expect("what the grants allow");
        assert_eq!(access.groups, [demo.group], "{}", demo.login);
        assert_eq!(status.session.unwrap().full_name, demo.full_name);
    }
    assert!(!station.status().await.access.unwrap().may.book, "the auditor changes nothing");
    // But reads, and may print what they read: the print is in the trail.
    let location = station.list_locations(false).await.unwrap()[0].id;
    let request = clinic_domain::documents::DocumentRequest::DaySheet {
        location_id: location,
        date: chrono::Utc::now().date_naive(),
        subject: None,
        paper: clinic_domain::documents::Paper::A4,
        orientation: clinic_domain::documents::Orientation::Landscape,
        language: "en".into(),
    };
    let sheet = station.preview_document(&request).await.unwrap();
    station.record_printed(sheet.id).await.unwrap();
    let SignInOutcome::SignedIn { status } = station.sign_in("manager", "manager-demo", false).await.unwrap() else {
        panic!("the demo manager signs in")
    };
    assert_eq!(status.phase, Phase::Ready, "{status:?}");
    assert_eq!(status.schema.unwrap().state, SchemaState::Current);
    let clinic = station.writer().await.unwrap();
    let doctors = clinic.list_doctors(&DoctorFilter::default()).await.unwrap();
    assert_eq!(doctors.len(), 30);
    let specialty = clinic.create_specialty("Made before restart").await.unwrap();

    station.shutdown().await;
    let pid_file = demo_dir().join("data/postmaster.pid");
    assert!(!pid_file.exists(), "the demo cluster stopped with the app");
    assert!(clinic.list_locations(false).await.is_err(), "the old pool is closed");

    let again = Station::open(dirs(), Secrets::memory()).unwrap();
    assert_eq!(again.connect().await.phase, Phase::SignedOut);
    assert_eq!(support::signed_in_with(&again, "manager", "manager-demo").await.phase, Phase::Ready);
    let clinic = again.reader().await.unwrap();
    let names: Vec<_> = clinic.list_specialties(true).await.unwrap().into_iter().map(|s| s.id).collect();
    assert!(names.contains(&specialty.id), "the demo clinic is reused, not regenerated");
    assert_eq!(clinic.list_doctors(&DoctorFilter::default()).await.unwrap().len(), 30);

    // The demo desk is a staff login: it may not touch the schema's records.
    let forged = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                  VALUES (29991231000000, 'from the future', true, '\\x00', 1)";
    assert!(sqlx::query(forged).execute(clinic.pool()).await.is_err());
    // A newer app version migrated the demo clinic further (as the cluster's
    // superuser): this one reads it but refuses changes, instead of failing to start.
    let superuser = PgConnectOptions::new().socket(demo_dir()).port(5432).username("clinic").database("clinic");
    let mut superuser = superuser.connect().await.unwrap();
    sqlx::query(forged).execute(&mut superuser).await.unwrap();
    drop(superuser);
    again.shutdown().await;
    let newer = Station::open(dirs(), Secrets::memory()).unwrap();
    let status = support::signed_in_with(&newer, "reception", "reception-demo").await;
    assert_eq!(status.phase, Phase::Ready, "{status:?}");
    assert!(matches!(status.schema.unwrap().state, SchemaState::Newer { .. }));
    assert_eq!(newer.reader().await.unwrap().list_locations(false).await.unwrap().len(), 3);
    assert!(matches!(newer.writer().await, Err(AppError::Unauthorized { .. })));
    newer.shutdown().await;
    let _ = std::fs::remove_dir_all(&demo);
}

#[tokio::test]
async fn settings_are_validated_saved_and_reported() {
    let scratch = Scratch::new("settings");
    let config = scratch.folder("settings");
    let station = Station::open(
        StationPaths {
            config_dir: config.clone(),
            data_dir: scratch.folder("data"),
            demo_dir: scratch.folder("unused"),
            bundled_postgres: None,
        },
        Secrets::memory(),
    )
    .unwrap();
    assert_eq!(station.settings().await, Settings::default());

    let unreachable = ServerSettings {
        host: "127.0.0.1".into(),
        port: 1,
        database: "clinic".into(),
        user: "reception".into(),
        tls: TlsMode::Disable,
        ca_file: None,
    };
    let report = station.test_connection(&unreachable, Some("secret")).await.unwrap();
    assert!(!report.ok);
    assert_eq!(report.problem, Some(ConnectionProblem::HostUnreachable), "{report:?}");

    let no_ca = ServerSettings { tls: TlsMode::VerifyFull, ..unreachable.clone() };
    assert_eq!(station.test_connection(&no_ca, None).await.unwrap_err().field(), Some("caFile"));
    let no_host = ServerSettings { host: " ".into(), ..unreachable.clone() };
    assert_eq!(station.test_connection(&no_host, None).await.unwrap_err().field(), Some("host"));

    let settings = Settings { server: Some(unreachable.clone()), update_endpoint: None };
    let plain_http = Settings { update_endpoint: Some("http://updates.example/".into()), ..settings.clone() };
    assert_eq!(station.save_settings(&plain_http, false).await.unwrap_err().field(), Some("updateEndpoint"));
    let status = station.save_settings(&settings, false).await.unwrap();
    assert_eq!((status.mode, status.phase), (StationMode::Server, Phase::SignedOut));
    assert_eq!(status.last_login.as_deref(), Some("reception"), "the sign-in screen offers the last login");
    assert!(status.demo_logins.is_empty(), "demo passwords only in demo mode");
    assert!(matches!(station.writer().await, Err(AppError::Unauthorized { .. })), "nobody signed in");
    // Out of reach, and nobody ever signed in online here: no offline sign-in.
    let refused = station.sign_in("reception", "secret password", false).await.unwrap();
    assert!(matches!(refused, SignInOutcome::Refused { reason: SignInRefusal::Unreachable, .. }), "{refused:?}");
    assert_eq!(station.sign_in("Reception!", "x", false).await.unwrap_err().field(), Some("login"));
    assert_eq!(station.sign_in("reception", "", false).await.unwrap_err().field(), Some("password"));
    let text = std::fs::read_to_string(config.join("settings.json")).unwrap();
    assert!(text.contains("reception") && !text.contains("secret"), "no password reaches the file");

    let lan = |tls| ServerSettings { host: "db.clinic.lan".into(), tls, ..unreachable.clone() };
    assert!(lan(TlsMode::Require).tls_warning().is_some() && lan(TlsMode::Disable).tls_warning().is_some());
    assert!(lan(TlsMode::VerifyFull).tls_warning().is_none());
    assert!(unreachable.tls_warning().is_none(), "this computer's own server");

    let reopened = Station::open(
        StationPaths {
            config_dir: config,
            data_dir: scratch.folder("data"),
            demo_dir: scratch.folder("unused"),
            bundled_postgres: None,
        },
        Secrets::memory(),
    )
    .unwrap();
    assert_eq!(reopened.settings().await, settings);
}

/// A station configured for the test database's server (Unix socket, trust).
async fn server_station(db: &clinic_local_pg::testing::TestDatabase) -> TestStation {
    let options = db.connect_options().username(DESK_LOGIN);
    let server = ServerSettings::this_computer(&options, &db.name);
    let station = support::station_for(&server);
    assert_eq!(support::signed_in(&station, DESK_LOGIN).await.phase, Phase::Ready);
    station
}

/// The station's connections dropped under it (a network reset: the socket
/// just closes, no error from the server): the listener reconnects, and a
/// booking made before it listens again is announced all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_made_while_the_listener_reconnects_is_announced() {
    use clinic_domain::bookings::{BookingSubject, SlotQuery};
    use clinic_domain::ids::PatientId;
    use clinic_domain::patients::PatientInput;
    use clinic_domain::Actor;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    let db = fresh_database(&SETUP).await;
    let other_desk = clinic_store::Clinic::new(db.pool.clone());
    let actor = Actor::parse("Desk B").unwrap();
    let location = support::centre(&other_desk).await;
    let specialty = other_desk.create_specialty("Therapy").await.unwrap();
    let doctor = support::doctor(&other_desk, "Dr A", specialty.id, location).await;
    let patient = other_desk
        .create_patient(PatientId::generate(), &PatientInput { full_name: "P".into(), ..Default::default() }, &actor)
        .await
        .unwrap();
    let subject = BookingSubject::Doctor { doctor_id: doctor };
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive();
    let slot = other_desk
        .free_slots(&SlotQuery { location_id: location, subject, from: tomorrow, to: tomorrow })
        .await
        .unwrap()[4]
        .starts_at;

    // The station reaches the cluster's TCP port (passwords asked) through
    // a relay whose open connections the test can reset.
    const PASSWORD: &str = "live-test-password";
    let mut conn = db.pool.acquire().await.unwrap();
    clinic_admin::staff::set_password(&mut conn, DESK_LOGIN, PASSWORD).await.unwrap();
    drop(conn);
    let server_port = db.connect_options().get_port();
    let relay = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_port = relay.local_addr().unwrap().port();
    let open: Arc<Mutex<Vec<tokio::task::AbortHandle>>> = Arc::default();
    // While set, new connections get through only after a pause: the
    // listener's own reconnect then succeeds, but after the booking.
    let slow = Arc::new(std::sync::atomic::AtomicBool::new(false));
    tokio::spawn({
        let (open, slow) = (open.clone(), slow.clone());
        async move {
            while let Ok((mut desk, _)) = relay.accept().await {
                let pause = slow.load(std::sync::atomic::Ordering::SeqCst);
                let relayed = tokio::spawn(async move {
                    if pause {
                        tokio::time::sleep(Duration::from_millis(700)).await;
                    }
                    let mut server = tokio::net::TcpStream::connect(("127.0.0.1", server_port)).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut desk, &mut server).await;
                });
                open.lock().unwrap().push(relayed.abort_handle());
            }
        }
    });
    let server = ServerSettings {
        host: "127.0.0.1".into(),
        port: relay_port,
        database: db.name.clone(),
        user: DESK_LOGIN.into(),
        tls: TlsMode::Disable,
        ca_file: None,
    };
    let station = support::station_for(&server);
    assert_eq!(support::signed_in_with(&station, DESK_LOGIN, PASSWORD).await.phase, Phase::Ready);
    let mut changes = station.subscribe();
    tokio::time::sleep(Duration::from_millis(500)).await;
    while changes.try_recv().is_ok() {}

    slow.store(true, std::sync::atomic::Ordering::SeqCst);
    open.lock().unwrap().drain(..).for_each(|c| c.abort());
    // Booked at once, before the listener is back: its NOTIFY reaches no one.
    let booked = support::visit(patient.id, location, subject, slot);
    other_desk.book(&booked, &actor).await.unwrap();
    slow.store(false, std::sync::atomic::Ordering::SeqCst);
    let announced = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let change = changes.recv().await.unwrap();
            if change.location_id == location && change.from <= slot && slot < change.to {
                return change;
            }
        }
    })
    .await;
    assert!(announced.is_ok(), "the booking made while the listener was away was never announced");
    station.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_stations_bookings_reach_this_station_live() {
    use clinic_domain::bookings::{BookingSubject, SlotQuery};
    use clinic_domain::ids::PatientId;
    use clinic_domain::patients::PatientInput;
    use clinic_domain::Actor;
    use std::time::{Duration, Instant};

    let db = fresh_database(&SETUP).await;
    let station_a = server_station(&db).await;
    let mut changes = station_a.subscribe();
    // Station B: another desk writing to the same clinic database.
    let station_b = clinic_store::Clinic::new(db.pool.clone());
    let actor = Actor::parse("Desk B").unwrap();
    let location = support::centre(&station_b).await;
    let specialty = station_b.create_specialty("Therapy").await.unwrap();
    let doctor = support::doctor(&station_b, "Dr A", specialty.id, location).await;
    let patient = station_b
        .create_patient(PatientId::generate(), &PatientInput { full_name: "P".into(), ..Default::default() }, &actor)
        .await
        .unwrap();
    let subject = BookingSubject::Doctor { doctor_id: doctor };
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive();
    let slots = station_b
        .free_slots(&SlotQuery { location_id: location, subject, from: tomorrow, to: tomorrow })
        .await
        .unwrap();
    // Give station A's listener time to subscribe.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while changes.try_recv().is_ok() {}

    let mut latencies = Vec::new();
    for slot in slots.iter().take(20) {
        let request = support::visit(patient.id, location, subject, slot.starts_at);
        let started = Instant::now();
        station_b.book(&request, &actor).await.unwrap();
        let change =
            tokio::time::timeout(Duration::from_secs(5), changes.recv()).await.expect("station A hears of it").unwrap();
        latencies.push(started.elapsed());
        assert_eq!(change.location_id, location);
        assert!(change.from <= slot.starts_at && slot.ends_at <= change.to, "{change:?}");
    }
    latencies.sort();
    println!(
        "live refresh, booking on B to notification on A ({} bookings): p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        latencies[latencies.len() / 2].as_secs_f64() * 1000.0,
        latencies[latencies.len() - 1].as_secs_f64() * 1000.0
    );
    station_a.shutdown().await;
}

/// The update gate judges an update by the schema it needs against the
/// database this station is connected to.
#[tokio::test]
async fn the_update_gate_follows_the_connected_database() {
    let db = fresh_database(&SETUP).await;
    let station = server_station(&db).await;
    // What the screens mirror: the desk's login and what its grants allow.
    let access = station.status().await.access.expect("the database said what this login may do");
    assert_eq!(access.login, DESK_LOGIN);
    assert!(access.may.book && access.may.manage_clinic && access.may.manage_staff);
    let newest = MIGRATOR.iter().map(|m| m.version).max();
    assert_eq!(station.update_verdict(newest).await.unwrap(), UpdateVerdict::Allowed);
    assert!(
        matches!(station.update_verdict(newest.map(|v| v + 1)).await.unwrap(), UpdateVerdict::Refused { .. }),
        "a desk never migrates: the administrator updates the database first"
    );
    assert!(matches!(station.update_verdict(Some(1)).await.unwrap(), UpdateVerdict::Refused { .. }));
}

/// A location stored with a zone the app cannot read (before the database
/// refused such names): the sync pull, the other locations' boards and the
/// patient's bookings all still work.
#[tokio::test]
async fn a_location_with_an_unreadable_zone_stops_nothing_else() {
    use clinic_domain::bookings::{BookingSubject, SlotQuery};
    use clinic_domain::ids::PatientId;
    use clinic_domain::patients::PatientInput;
    use clinic_domain::Actor;

    let db = fresh_database(&SETUP).await;
    let clinic = clinic_store::Clinic::new(db.pool.clone());
    let actor = Actor::parse("Admin").unwrap();
    let location = support::centre(&clinic).await;
    let specialty = clinic.create_specialty("Therapy").await.unwrap();
    let doctor = support::doctor(&clinic, "Dr A", specialty.id, location).await;
    let patient = clinic
        .create_patient(PatientId::generate(), &PatientInput { full_name: "P".into(), ..Default::default() }, &actor)
        .await
        .unwrap();
    let subject = BookingSubject::Doctor { doctor_id: doctor };
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive();
    let slots = clinic.free_slots(&SlotQuery { location_id: location, subject, from: tomorrow, to: tomorrow }).await;
    let slot = slots.unwrap()[0];
    let booking = clinic.book(&support::visit(patient.id, location, subject, slot.starts_at), &actor).await.unwrap();
    // (One statement at a time: the audit's deferred triggers keep a
    // transaction that wrote a table from altering it.)
    for sql in [
        "ALTER TABLE locations DROP CONSTRAINT locations_time_zone_canonical".to_string(),
        "INSERT INTO locations (location_id, name, address, time_zone) VALUES (900, 'Old branch', 'x', 'MSK')".into(),
        "ALTER TABLE locations ADD CONSTRAINT locations_time_zone_canonical
             CHECK (is_canonical_time_zone(time_zone)) NOT VALID"
            .into(),
        format!("INSERT INTO doctor_locations VALUES ({}, 900)", doctor.0),
        format!(
            "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, starts_at, ends_at, price)
             VALUES (gen_random_uuid(), '{}', 900, {}, now() - interval '30 days',
                     now() - interval '30 days' + interval '30 minutes', 500)",
            patient.id.0, doctor.0
        ),
    ] {
        sqlx::raw_sql(&sql).execute(&db.pool).await.unwrap();
    }

    let station = server_station(&db).await;
    station.sync_now().await.expect("the pull goes on past the unreadable location");
    let board = station.day_board(location, tomorrow).await.unwrap();
    assert!(board.bookings.iter().any(|b| b.id == booking.id), "the good location's board");
    let bookings = station.writer().await.unwrap().patient_bookings(patient.id).await.unwrap();
    assert_eq!(bookings.len(), 2, "the patient's history lists both");
    let old = bookings.iter().find(|b| b.location_id.0 == 900).unwrap();
    assert!(old.allowed_actions.is_empty(), "nothing is offered where the time cannot be read");

    // Opening the profile is in the audit trail, with this station's name
    // and its login.
    station.record_profile_view(patient.id).await.unwrap();
    let (login, station_name): (String, String) =
        sqlx::query_as("SELECT login, station FROM audit.events WHERE action = 'view' AND patient_id = $1")
            .bind(patient.id.0)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(login, DESK_LOGIN);
    assert!(station_name.starts_with("clinic-desk "), "{station_name}");
    station.shutdown().await;
}

/// The day sheet from the server: the day's bookings with the patients'
/// names and phones in the PDF's text, cancelled ones left out; the print
/// and the PDF recorded in the audit trail under the desk's login, the
/// preview not; a slip; the bookings exported as CSV.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_sheet_lists_the_days_bookings_with_phones_and_is_audited() {
    use clinic_domain::bookings::{BookingSubject, CancelKind, SlotQuery, StatusAction, StatusRequest};
    use clinic_domain::documents::{BookingExport, DocumentRequest, ExportFormat, Orientation, Paper};
    use clinic_domain::ids::PatientId;
    use clinic_domain::patients::PatientInput;
    use clinic_domain::Actor;

    let db = fresh_database(&SETUP).await;
    let station = server_station(&db).await;
    let clinic = clinic_store::Clinic::new(db.pool.clone());
    let actor = Actor::parse("Desk B").unwrap();
    let location = support::centre(&clinic).await;
    let specialty = clinic.create_specialty("Кардіологія").await.unwrap();
    let doctor = support::doctor(&clinic, "Др. Ірина Бондар", specialty.id, location).await;
    let patient = |name: &str, phone: &str| PatientInput {
        full_name: name.into(),
        phone: Some(phone.into()),
        ..Default::default()
    };
    let olena = clinic
        .create_patient(PatientId::generate(), &patient("Олена Коваленко", "+380501112233"), &actor)
        .await
        .unwrap();
    let taras =
        clinic.create_patient(PatientId::generate(), &patient("Тарас Мельник", "+380671234567"), &actor).await.unwrap();
    let subject = BookingSubject::Doctor { doctor_id: doctor };
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive();
    let slots =
        clinic.free_slots(&SlotQuery { location_id: location, subject, from: tomorrow, to: tomorrow }).await.unwrap();
    clinic.book(&support::visit(olena.id, location, subject, slots[40].starts_at), &actor).await.unwrap();
    let cancelled =
        clinic.book(&support::visit(taras.id, location, subject, slots[42].starts_at), &actor).await.unwrap();
    let cancel = StatusRequest {
        booking_id: cancelled.id,
        action: StatusAction::Cancel,
        reason: "called".into(),
        cancel_kind: Some(CancelKind::ByPatient),
        expected_version: cancelled.row_version,
    };
    clinic.change_status(&cancel, &actor).await.unwrap();

    let audited = async |action: &str| -> Vec<(String, String, String)> {
        sqlx::query_as(
            "SELECT login, row_id, changes::text FROM audit.events WHERE action = $1 AND table_name = 'bookings'
              ORDER BY event_id",
        )
        .bind(action)
        .fetch_all(&db.pool)
        .await
        .unwrap()
    };
    let request = DocumentRequest::DaySheet {
        location_id: location,
        date: tomorrow,
        subject: None,
        paper: Paper::A4,
        orientation: Orientation::Portrait,
        language: "uk".into(),
    };
    let preview = station.preview_document(&request).await.unwrap();
    assert!(!preview.offline);
    assert_eq!(preview.document.rows, 1, "the cancelled booking is left out");
    assert!(audited("print").await.is_empty() && audited("export").await.is_empty(), "a preview records nothing");

    let scratch = Scratch::new("day-sheet");
    let path = scratch.folder("out").join("day-sheet.pdf");
    let saved = station.save_document_pdf(preview.id, &path).await.unwrap();
    assert!(saved.bytes > 1000 && saved.rows == 1, "{saved:?}");
    let text = support::pdf_text(&path);
    assert!(text.contains("Олена Коваленко") && text.contains("+380501112233"), "{text}");
    assert!(text.contains("Др. Ірина Бондар") && text.contains("Кардіологія"), "{text}");
    assert!(!text.contains("Тарас Мельник"), "a cancelled booking is not on the sheet: {text}");
    assert!(!text.contains("без зв'язку"), "printed from the server: {text}");
    station.record_printed(preview.id).await.unwrap();

    let exported = audited("export").await;
    assert_eq!(exported.len(), 1, "{exported:?}");
    assert_eq!(exported[0].0, DESK_LOGIN);
    assert_eq!(exported[0].1, format!("Centre {tomorrow}"));
    assert!(exported[0].2.contains(r#""output": "pdf""#) && exported[0].2.contains(r#""rows": 1"#), "{exported:?}");
    let printed = audited("print").await;
    assert_eq!(printed.len(), 1, "{printed:?}");
    assert!(printed[0].2.contains(r#""document": "daySheet""#), "{printed:?}");

    // The slip: where (with the address) and when in the location's time.
    let booking = station.day_board(location, tomorrow).await.unwrap().bookings;
    let olenas = booking.iter().find(|b| b.patient_id == olena.id).unwrap();
    let slip = DocumentRequest::Slip { booking_id: olenas.id, paper: Paper::Letter, language: "en".into() };
    let slip = station.preview_document(&slip).await.unwrap();
    let texts: Vec<String> = slip.document.pages[0].texts().into_iter().map(String::from).collect();
    assert!(texts.iter().any(|t| t.contains("Olena") || t.contains("Олена")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Centre, ")), "the location and its address: {texts:?}");
    assert!(texts.iter().any(|t| t.contains("Др. Ірина Бондар · Кардіологія")), "the doctor and specialty: {texts:?}");

    // A preview forgotten (or never made) cannot be printed.
    let unknown = station.record_printed(uuid::Uuid::now_v7()).await.unwrap_err();
    assert_eq!(unknown.field(), Some("documentId"));

    // The accountant's export: every status unless narrowed, read back.
    let csv_path = scratch.folder("out").join("bookings.csv");
    let mut export = BookingExport {
        from: tomorrow,
        to: tomorrow,
        location_id: Some(location),
        subject: None,
        statuses: vec![],
        format: ExportFormat::CsvSemicolon,
        language: "uk".into(),
    };
    let all = station.export_bookings(&export, &csv_path).await.unwrap();
    assert_eq!(all.rows, 2);
    let written = std::fs::read(&csv_path).unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBF"), "the byte-order mark spreadsheet programs look for");
    let text = String::from_utf8(written[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("Дата;Початок;Кінець;Філія"), "{text}");
    assert!(text.contains("Олена Коваленко") && text.contains("Тарас Мельник") && text.contains("Скасовано"), "{text}");
    export.statuses = vec![clinic_domain::bookings::BookingStatus::Booked];
    export.format = ExportFormat::CsvComma;
    let booked_only = station.export_bookings(&export, &csv_path).await.unwrap();
    assert_eq!(booked_only.rows, 1);
    let exports = audited("export").await;
    assert_eq!(exports.len(), 3, "the PDF and both CSV files: {exports:?}");
    assert!(exports[2].2.contains(r#""document": "bookingsExport""#) && exports[2].2.contains(r#""rows": 1"#));
    export.format = ExportFormat::Xlsx;
    let xlsx_path = scratch.folder("out").join("bookings.xlsx");
    let workbook = station.export_bookings(&export, &xlsx_path).await.unwrap();
    assert_eq!(workbook.rows, 1);
    assert!(std::fs::read(&xlsx_path).unwrap().starts_with(b"PK"), "a workbook (a zip)");
    assert!(audited("export").await[3].2.contains(r#""output": "xlsx""#));
    export.to = tomorrow + chrono::Duration::days(400);
    let too_long = station.export_bookings(&export, &csv_path).await.unwrap_err();
    assert_eq!(too_long.field(), Some("to"));
    station.shutdown().await;
}
