//! The station's SQLite: intents and their optimistic rows are written
//! together or not at all (also when the process is killed mid-write), the
//! outbox keeps its order, pulls wait for an empty outbox, and the server's
//! answers settle or drop provisional rows.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use clinic_domain::bookings::{
    BoardColumn, Booking, BookingRequest, BookingStatus, BookingSubject, DayBoard, OpenSpan, StatusAction,
};
use clinic_domain::catalogue::Location;
use clinic_domain::ids::{BookingId, DoctorId, IntentId, LocationId, PatientId};
use clinic_domain::intents::{Intent, IntentOutcome, QueuedIntent};
use clinic_domain::values::{Money, WallTime};
use clinic_domain::{AppError, ConflictCode};
use clinic_local_store::{file_state, FileState, LocalStore, StoreKey};

const CHILD: &str = "CLINIC_LOCAL_STORE_KILL_CHILD";

/// A folder for one test's station database, removed when the test ends.
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("clinic-local-store-{name}-")).tempdir().unwrap()
}

/// The tests' station key (a station makes a random one and keeps it in the keyring).
fn key() -> StoreKey {
    StoreKey::from_hex(&"5a".repeat(32)).unwrap()
}

fn database_in(folder: &tempfile::TempDir) -> PathBuf {
    folder.path().join("station.sqlite")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn centre() -> Location {
    Location {
        id: LocationId(1),
        name: "Centre".into(),
        address: "Khreshchatyk 1".into(),
        phone: String::new(),
        time_zone: "Europe/Kyiv".into(),
        grid_minutes: 15,
        is_active: true,
        row_version: 1,
    }
}

fn booking(id: BookingId, starts_at: &str) -> Booking {
    let starts_at = at(starts_at);
    Booking {
        id,
        patient_id: PatientId::generate(),
        patient_name: "Olena Kovalenko".into(),
        patient_number: 0,
        location_id: LocationId(1),
        location_name: "Centre".into(),
        subject: BookingSubject::Doctor { doctor_id: DoctorId(7) },
        subject_name: "Dr Iryna Bondar".into(),
        starts_at,
        ends_at: starts_at + chrono::Duration::minutes(30),
        price: Money::parse("price", "500.00").unwrap(),
        status: BookingStatus::Booked,
        status_since: None,
        allowed_actions: vec![StatusAction::Confirm, StatusAction::CheckIn, StatusAction::Cancel],
        holds_slot: true,
        accepts_results: false,
        can_reschedule: false,
        can_rate: false,
        patient_message: String::new(),
        rescheduled_from: None,
        moved_to: None,
        previous_status: None,
        created_by: "Reception 1".into(),
        entered_by: None,
        created_at: Utc::now(),
        row_version: 1,
        provisional: false,
        override_reason: None,
    }
}

fn book_intent(b: &Booking) -> QueuedIntent {
    QueuedIntent {
        intent_id: IntentId::generate(),
        station: "desk-1".into(),
        actor: "Reception 1".into(),
        made_at: Utc::now(),
        intent: Intent::Book {
            request: BookingRequest {
                booking_id: b.id,
                patient_id: b.patient_id,
                location_id: b.location_id,
                subject: b.subject,
                starts_at: b.starts_at,
                patient_message: String::new(),
                override_reason: None,
                waitlist_entry_id: None,
            },
        },
    }
}

fn board(date: &str, bookings: Vec<Booking>) -> DayBoard {
    DayBoard {
        location: centre(),
        date: date.parse::<NaiveDate>().unwrap(),
        columns: vec![BoardColumn {
            subject: BookingSubject::Doctor { doctor_id: DoctorId(7) },
            name: "Dr Iryna Bondar".into(),
            detail: "Cardiology".into(),
            slot_minutes: 30,
            lanes: 1,
            open: vec![OpenSpan { start: WallTime::hm(9, 0), end: WallTime::hm(17, 0) }],
        }],
        bookings,
        holds: vec![],
    }
}

#[tokio::test]
async fn the_outbox_keeps_order_and_the_server_answer_settles_or_drops_rows() {
    let folder = scratch("order");
    let store = LocalStore::open(&database_in(&folder), &key()).await.unwrap();
    let day = "2027-01-04";
    let first = booking(BookingId::generate(), "2027-01-04T08:00:00Z");
    let second = booking(BookingId::generate(), "2027-01-04T09:00:00Z");
    let (q1, q2) = (book_intent(&first), book_intent(&second));
    store.store_board_if_idle(&board(day, vec![])).await.unwrap();
    store.enqueue(&q1, None, std::slice::from_ref(&first), &[]).await.unwrap();
    store.enqueue(&q2, None, std::slice::from_ref(&second), &[]).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 2);

    let shown = store.day_board(LocationId(1), day.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(shown.bookings.len(), 2);
    assert!(shown.bookings.iter().all(|b| b.provisional), "offline bookings are marked provisional");
    assert!(!store.store_board_if_idle(&board(day, vec![])).await.unwrap(), "no pull over pending intents");

    let next = store.next_pending().await.unwrap().unwrap();
    assert_eq!(next.queued, q1, "oldest first");
    store.acknowledge(next.seq, &IntentOutcome::Applied).await.unwrap();
    assert!(!store.get_booking(first.id).await.unwrap().unwrap().provisional);

    let next = store.next_pending().await.unwrap().unwrap();
    assert_eq!(next.queued, q2);
    let taken = AppError::Conflict {
        code: ConflictCode::SlotTaken,
        message: "Dr Iryna Bondar is already booked at this time".into(),
        conflicting_booking_id: None,
    };
    store.acknowledge(next.seq, &IntentOutcome::Rejected { error: taken.clone() }).await.unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 0);
    assert!(store.get_booking(second.id).await.unwrap().is_none(), "the refused booking leaves the board");

    let conflicts = store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].error, taken);
    assert_eq!(conflicts[0].attempted.as_ref().map(|b| b.id), Some(second.id));
    assert!(store.store_board_if_idle(&board(day, vec![first.clone()])).await.unwrap(), "conflicts do not block pulls");
    assert!(store.dismiss_conflict(q2.intent_id).await.unwrap());
    assert!(store.conflicts().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_queued_file_stays_until_acknowledged() {
    let folder = scratch("file");
    let store = LocalStore::open(&database_in(&folder), &key()).await.unwrap();
    let b = booking(BookingId::generate(), "2027-01-04T08:00:00Z");
    let queued = QueuedIntent {
        intent: Intent::AttachResult {
            result_id: clinic_domain::ids::ResultId::generate(),
            booking_id: b.id,
            file_name: "mri.pdf".into(),
        },
        ..book_intent(&b)
    };
    store.enqueue(&queued, Some(b"%PDF-1.4 scan"), &[], &[]).await.unwrap();
    drop(store);
    let reopened = LocalStore::open(&database_in(&folder), &key()).await.unwrap();
    let pending = reopened.next_pending().await.unwrap().unwrap();
    assert_eq!(reopened.file_of(&pending).await.unwrap().as_deref(), Some(&b"%PDF-1.4 scan"[..]));
    reopened.acknowledge(pending.seq, &IntentOutcome::Applied).await.unwrap();
    assert!(reopened.next_pending().await.unwrap().is_none());
}

/// Run as a child process by the test below: writes intents with their
/// bookings as fast as it can until it is killed.
async fn write_until_killed(path: PathBuf) {
    let store = LocalStore::open(&path, &key()).await.unwrap();
    let mut second = 0i64;
    loop {
        let b = booking(BookingId::generate(), "2027-01-04T08:00:00Z");
        // A second apart: all on one local day however many are written.
        let b = Booking { starts_at: b.starts_at + chrono::Duration::seconds(second), ..b };
        store.enqueue(&book_intent(&b), Some(&[7u8; 64 * 1024]), std::slice::from_ref(&b), &[]).await.unwrap();
        second += 1;
    }
}

#[tokio::test]
async fn a_station_killed_mid_write_reopens_with_outbox_and_rows_consistent() {
    if let Ok(path) = std::env::var(CHILD) {
        write_until_killed(PathBuf::from(path)).await;
        return;
    }
    let folder = scratch("killed");
    let path = database_in(&folder);
    let store = LocalStore::open(&path, &key()).await.unwrap();
    store.store_board_if_idle(&board("2027-01-04", vec![])).await.unwrap();
    store.close().await;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "a_station_killed_mid_write_reopens_with_outbox_and_rows_consistent", "--nocapture"])
        .env(CHILD, &path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Let it write for a while, then SIGKILL it mid-transaction.
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();

    let store = LocalStore::open(&path, &key()).await.unwrap();
    let queued = store.pending_count().await.unwrap();
    assert!(queued > 0, "the child wrote something before it was killed");
    let shown = store.day_board(LocationId(1), "2027-01-04".parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(shown.bookings.len() as i64, queued, "no provisional row without its intent");
    let mut seen = 0;
    while let Some(pending) = store.next_pending().await.unwrap() {
        let Intent::Book { request } = &pending.queued.intent else { panic!("only bookings were queued") };
        let row = store.get_booking(request.booking_id).await.unwrap();
        assert!(row.is_some_and(|b| b.provisional), "every queued intent has its provisional row");
        assert_eq!(store.file_of(&pending).await.unwrap().map(|f| f.len()), Some(64 * 1024), "and its whole file");
        store.acknowledge(pending.seq, &IntentOutcome::Applied).await.unwrap();
        seen += 1;
    }
    assert_eq!(seen, queued);
    eprintln!("killed writer left {queued} intents, each with its row and file");
}

/// The file on disk is SQLCipher's: no SQLite header, unreadable by plain
/// SQLite (or by SQLCipher with another key), readable with its key.
#[tokio::test]
async fn the_station_database_is_unreadable_without_its_key() {
    use sqlx::{ConnectOptions, Connection};
    let folder = scratch("encrypted");
    let path = database_in(&folder);
    let store = LocalStore::open(&path, &key()).await.unwrap();
    let b = booking(BookingId::generate(), "2030-01-07T08:00:00Z");
    store.enqueue(&book_intent(&b), None, std::slice::from_ref(&b), &[]).await.unwrap();
    store.close().await;

    assert_eq!(file_state(&path).unwrap(), FileState::Encrypted);
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(15).any(|w| w == b"Olena Kovalenko"), "no patient's name in the file");
    // Plain SQLite (no key) cannot read it.
    let mut plain = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).connect().await.unwrap();
    let refused = sqlx::query("SELECT count(*) FROM sqlite_master").fetch_one(&mut plain).await.err().expect("refused");
    assert!(refused.to_string().contains("not a database"), "{refused}");
    plain.close().await.unwrap();
    // Nor another key; its own key can.
    let other = StoreKey::generate();
    let wrong = LocalStore::open(&path, &other).await.err().expect("refused with another key");
    assert!(matches!(wrong, AppError::Unauthorized { .. }), "{wrong:?}");
    let reopened = LocalStore::open(&path, &key()).await.unwrap();
    assert_eq!(reopened.pending_count().await.unwrap(), 1);
    reopened.close().await;
}

/// An older station's plain file is encrypted on first open with a key,
/// every queued intent and kept file still there.
#[tokio::test]
async fn a_plain_station_database_is_encrypted_in_place_nothing_lost() {
    use sqlx::{ConnectOptions, Connection};
    let folder = scratch("migrate");
    let path = database_in(&folder);
    // A plain file as older versions left it: the same database, decrypted.
    let made = folder.path().join("made.sqlite");
    let store = LocalStore::open(&made, &key()).await.unwrap();
    let first = booking(BookingId::generate(), "2030-01-07T08:00:00Z");
    let second = booking(BookingId::generate(), "2030-01-07T09:00:00Z");
    store.enqueue(&book_intent(&first), None, std::slice::from_ref(&first), &[]).await.unwrap();
    store.enqueue(&book_intent(&second), Some(b"%PDF-1.7 scan"), std::slice::from_ref(&second), &[]).await.unwrap();
    store.close().await;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&made)
        .create_if_missing(true)
        .pragma("key", format!("\"x'{}'\"", key().to_hex()))
        .connect()
        .await
        .unwrap();
    let target = path.display().to_string();
    sqlx::query(&format!("ATTACH DATABASE '{target}' AS plaintext KEY ''")).execute(&mut conn).await.unwrap();
    sqlx::query("SELECT sqlcipher_export('plaintext')").execute(&mut conn).await.unwrap();
    sqlx::query("DETACH DATABASE plaintext").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    assert_eq!(file_state(&path).unwrap(), FileState::Plain);

    let fresh_key = StoreKey::generate();
    let store = LocalStore::open(&path, &fresh_key).await.unwrap();
    assert_eq!(file_state(&path).unwrap(), FileState::Encrypted);
    assert_eq!(store.pending_count().await.unwrap(), 2);
    let batch = store.pending_batch(10).await.unwrap();
    assert_eq!(batch[0].queued.intent.booking_id(), Some(first.id), "in their order");
    assert_eq!(store.file_of(&batch[1]).await.unwrap().as_deref(), Some(&b"%PDF-1.7 scan"[..]));
    assert!(store.get_booking(second.id).await.unwrap().is_some(), "the provisional rows too");
    store.close().await;
    assert!(!folder.path().join("station.encrypting").exists(), "no copy left behind");
}

fn patient(id: PatientId, name: &str) -> clinic_domain::patients::Patient {
    clinic_domain::patients::Patient {
        id,
        patient_number: 1,
        full_name: name.into(),
        phone: Some("+380501112233".into()),
        email: None,
        date_of_birth: None,
        notes: String::new(),
        row_version: 1,
        created_at: Utc::now(),
    }
}

/// The replica keeps exactly the window: boards and bookings outside it
/// go, patients with nothing in it go once untouched for a while, and
/// nothing this station changed and has not synced goes.
#[tokio::test]
async fn pruning_keeps_exactly_the_window_and_what_waits_to_sync() {
    let folder = scratch("prune");
    let store = LocalStore::open(&database_in(&folder), &key()).await.unwrap();
    let mut inside = booking(BookingId::generate(), "2027-01-10T08:00:00Z");
    let mut old = booking(BookingId::generate(), "2026-12-01T08:00:00Z");
    let (kept_patient, gone_patient) = (PatientId::generate(), PatientId::generate());
    inside.patient_id = kept_patient;
    old.patient_id = gone_patient;
    store.store_board_if_idle(&board("2027-01-10", vec![inside.clone()])).await.unwrap();
    store.store_board_if_idle(&board("2026-12-01", vec![old.clone()])).await.unwrap();
    store
        .store_changes_if_idle(&[], &[patient(kept_patient, "Olena Kovalenko"), patient(gone_patient, "Taras Melnyk")])
        .await
        .unwrap();
    // Booked offline long ago for a day now outside the window: it waits to sync, so it stays.
    let waiting = booking(BookingId::generate(), "2026-11-20T08:00:00Z");
    store.enqueue(&book_intent(&waiting), None, std::slice::from_ref(&waiting), &[]).await.unwrap();

    let (from, to) = ("2027-01-03".parse().unwrap(), "2027-02-09".parse().unwrap());
    // Patients stored just now count as recently touched: none goes yet.
    let gone = store.prune(from, to, Utc::now() - chrono::Duration::days(30)).await.unwrap();
    assert_eq!(gone, 2, "the old board and its booking");
    assert!(store.day_board(LocationId(1), "2026-12-01".parse().unwrap()).await.unwrap().is_none());
    assert!(store.day_board(LocationId(1), "2027-01-10".parse().unwrap()).await.unwrap().is_some());
    assert!(store.get_booking(old.id).await.unwrap().is_none());
    assert!(store.get_booking(waiting.id).await.unwrap().is_some(), "waiting to sync: kept");
    assert!(store.get_patient(gone_patient).await.unwrap().is_some(), "touched recently: kept for now");

    // A month on, the patient with nothing in the window goes; the other stays.
    let gone = store.prune(from, to, Utc::now() + chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(gone, 1);
    assert!(store.get_patient(gone_patient).await.unwrap().is_none());
    assert!(store.get_patient(kept_patient).await.unwrap().is_some(), "a booking in the window keeps them");
    assert_eq!(store.pending_count().await.unwrap(), 1);
    store.close().await;
}
