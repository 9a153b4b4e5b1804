//! The station against real PostgreSQL: the schema gate (older, newer), the
//! embedded demo clinic's start, stop and restart, and connection reports.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use clinic_domain::catalogue::DoctorFilter;
use clinic_domain::AppError;
use clinic_local_pg::testing::{empty_database, fresh_database};
use clinic_station::connection::ConnectionProblem;
use clinic_station::schema::{inspect, migrate, SchemaState};
use clinic_station::secrets::Secrets;
use clinic_station::settings::{ServerSettings, Settings, TlsMode};
use clinic_station::{Phase, Station, StationMode, StationPaths};
use clinic_store::MIGRATOR;
use sqlx::migrate::Migrator;

/// A folder under the system temp dir (world-traversable, so the cluster's
/// unprivileged owner can reach it when the tests run as root).
fn scratch(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("clinic-station-{name}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every migration but the newest, as an older app version would have applied.
async fn all_but_last_migration() -> Migrator {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files: Vec<_> = std::fs::read_dir(&source).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.pop();
    let older = scratch("older-migrations");
    for file in files {
        std::fs::copy(&file, older.join(file.file_name().unwrap())).unwrap();
    }
    Migrator::new(older.as_path()).await.unwrap()
}

#[tokio::test]
async fn schema_gate_knows_empty_older_current_and_newer() {
    let db = empty_database().await;
    let status = inspect(&db.pool).await.unwrap();
    assert_eq!(status.state, SchemaState::Empty { can_migrate: true });
    assert!(!status.allows_reads());

    all_but_last_migration().await.run(&db.pool).await.unwrap();
    let status = inspect(&db.pool).await.unwrap();
    match &status.state {
        SchemaState::Older { pending, can_migrate: true } => assert_eq!(pending.len(), 1),
        other => panic!("expected older, got {other:?}"),
    }
    assert!(matches!(status.refusal(), AppError::Unauthorized { .. }));

    let status = migrate(&db.pool).await.unwrap();
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
    assert!(migrate(&db.pool).await.is_err(), "never migrates a newer schema");
}

#[tokio::test]
async fn edited_migrations_are_a_mismatch() {
    let db = fresh_database(&MIGRATOR).await;
    sqlx::query("UPDATE _sqlx_migrations SET checksum = '\\x00' WHERE version = (SELECT min(version) FROM _sqlx_migrations)")
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(matches!(inspect(&db.pool).await.unwrap().state, SchemaState::Mismatch { .. }));
}

#[tokio::test]
async fn demo_clinic_starts_stops_and_restarts_with_its_data() {
    let demo = scratch("demo");
    let config = scratch("config");
    let demo_dir = || demo.join("cluster");
    let dirs = || StationPaths { config_dir: config.clone(), demo_dir: demo_dir() };

    let station = Station::open(dirs(), Secrets::memory()).unwrap();
    let status = station.connect().await;
    assert_eq!(status.mode, StationMode::Demo);
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
    assert_eq!(again.connect().await.phase, Phase::Ready);
    let clinic = again.reader().await.unwrap();
    let names: Vec<_> = clinic.list_specialties(true).await.unwrap().into_iter().map(|s| s.id).collect();
    assert!(names.contains(&specialty.id), "the demo clinic is reused, not regenerated");
    assert_eq!(clinic.list_doctors(&DoctorFilter::default()).await.unwrap().len(), 30);
    again.shutdown().await;
    let _ = std::fs::remove_dir_all(&demo);
}

#[tokio::test]
async fn settings_are_validated_saved_and_reported() {
    let config = scratch("settings");
    let station = Station::open(StationPaths { config_dir: config.clone(), demo_dir: scratch("unused") }, Secrets::memory()).unwrap();
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

    let settings = Settings { server: Some(unreachable.clone()), staff_name: "Oksana".into() };
    let status = station.save_settings(&settings, Some("secret")).await.unwrap();
    assert_eq!(status.mode, StationMode::Server);
    assert!(matches!(status.phase, Phase::Failed { error: AppError::Offline { .. } }), "{status:?}");
    assert!(matches!(station.writer().await, Err(AppError::Offline { .. })));
    let text = std::fs::read_to_string(config.join("settings.json")).unwrap();
    assert!(text.contains("Oksana") && !text.contains("secret"), "the password never reaches the file");
    assert_eq!(station.actor().await.unwrap().name(), "Oksana");

    let reopened = Station::open(StationPaths { config_dir: config, demo_dir: scratch("unused") }, Secrets::memory()).unwrap();
    assert_eq!(reopened.settings().await, settings);
}
