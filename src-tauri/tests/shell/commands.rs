//! Every command through Tauri's mock runtime, with a real app state (a
//! station connected to a fresh database on the throwaway PostgreSQL): each
//! returns data or a typed error, and bad input names the field.

use std::path::PathBuf;

use clinic_admin::testing::{DESK_LOGIN, SETUP};
use clinic_local_pg::testing::{fresh_database, TestDatabase};
use clinic_station::secrets::Secrets;
use clinic_station::settings::{ServerSettings, Settings};
use clinic_station::{Station, StationPaths};
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

struct Harness {
    window: WebviewWindow<MockRuntime>,
    db: TestDatabase,
    /// Files the test writes and chooses.
    scratch: PathBuf,
    /// The station's folders and `scratch`, removed when the test ends.
    _home: tempfile::TempDir,
}

/// A new folder in `home`.
fn folder(home: &tempfile::TempDir, name: &str) -> PathBuf {
    let dir = home.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn harness() -> Harness {
    let db = tauri::async_runtime::block_on(fresh_database(&SETUP));
    // The station signs in as the tests' desk (reception and manager).
    let options = db.connect_options().username(DESK_LOGIN);
    let home = clinic_local_pg::testing::scratch("commands");
    let config = folder(&home, "config");
    let server = ServerSettings::this_computer(&options, &db.name);
    clinic_station::settings::save(&config, &Settings { server: Some(server), update_endpoint: None }).unwrap();
    let station = Station::open(
        StationPaths {
            config_dir: config,
            data_dir: folder(&home, "data"),
            demo_dir: folder(&home, "demo"),
            bundled_postgres: None,
        },
        Secrets::memory(),
    )
    .unwrap();
    // Local sockets are trusted: any password signs the desk in.
    let outcome = tauri::async_runtime::block_on(station.sign_in(DESK_LOGIN, "local-test-password", false)).unwrap();
    let clinic_station::session::SignInOutcome::SignedIn { status } = outcome else { panic!("{outcome:?}") };
    assert_eq!(status.phase, clinic_station::Phase::Ready, "{status:?}");

    let app = mock_builder()
        .invoke_handler(clinic_desk::specta_builder::<MockRuntime>().invoke_handler())
        .manage(station)
        .manage(clinic_desk::chosen::ChosenFiles::default())
        .manage(clinic_desk::printer::Printer::default())
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Harness { window, db, scratch: folder(&home, "files"), _home: home }
}

impl Harness {
    /// Invokes a command as the UI does; Ok(data) or Err(the typed error).
    fn call(&self, command: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: command.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            // A local origin: app commands need no capability from it.
            url: if cfg!(windows) { "http://tauri.localhost" } else { "tauri://localhost" }.parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        tauri::test::get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    /// A file as if the person had chosen it in the native dialog.
    fn chose(&self, path: &std::path::Path) -> std::path::PathBuf {
        self.window.state::<clinic_desk::chosen::ChosenFiles>().remember(path.to_path_buf());
        path.to_path_buf()
    }

    fn ok(&self, command: &str, args: Value) -> Value {
        self.call(command, args).unwrap_or_else(|e| panic!("{command} failed: {e}"))
    }

    /// Asserts a typed error of `kind` (and, for validation, naming `field`).
    fn typed_error(&self, command: &str, args: Value, kind: &str, field: Option<&str>) -> Value {
        let error = self.call(command, args).expect_err(command);
        assert_eq!(error["kind"], kind, "{command}: {error}");
        if let Some(field) = field {
            assert_eq!(error["field"], field, "{command}: {error}");
        }
        error
    }
}

fn uuid7() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[test]
fn every_command_answers_with_data_or_a_typed_error() {
    let h = harness();
    assert_eq!(h.ok("station_status", json!({}))["phase"]["phase"], "ready");
    assert_eq!(h.ok("ping", json!({})), Value::Null);

    // Catalogue.
    let location_input = json!({"name": "Centre", "address": "Khreshchatyk 1", "phone": "", "timeZone": "Europe/Kyiv", "gridMinutes": 15});
    let location = h.ok("create_location", json!({"input": location_input}));
    let location_id = location["id"].as_i64().unwrap();
    h.typed_error(
        "create_location",
        json!({"input": {"name": "", "address": "x", "timeZone": "Europe/Kyiv", "gridMinutes": 15}}),
        "validation",
        Some("name"),
    );
    h.typed_error(
        "create_location",
        json!({"input": {"name": "B", "address": "x", "timeZone": "Mars/Base", "gridMinutes": 15}}),
        "validation",
        Some("timeZone"),
    );
    h.typed_error("get_location", json!({"id": 404}), "notFound", None);
    assert_eq!(h.ok("get_location", json!({"id": location_id}))["name"], "Centre");
    let renamed = h.ok("update_location", json!({"id": location_id, "expectedVersion": 1, "input": {"name": "Central", "address": "Khreshchatyk 1", "timeZone": "Europe/Kyiv", "gridMinutes": 15}}));
    h.typed_error(
        "update_location",
        json!({"id": location_id, "expectedVersion": 1, "input": location_input}),
        "conflict",
        None,
    );
    assert_eq!(renamed["rowVersion"], 2);
    assert_eq!(h.ok("list_locations", json!({"includeInactive": false})).as_array().unwrap().len(), 1);

    let week: Vec<Value> = (1..=7).map(|d| json!({"weekday": d, "start": "08:00", "end": "20:00"})).collect();
    h.ok("set_location_week", json!({"locationId": location_id, "week": week}));
    h.typed_error(
        "set_location_week",
        json!({"locationId": location_id, "week": [{"weekday": 1, "start": "10:00", "end": "09:00"}]}),
        "validation",
        Some("week"),
    );
    assert_eq!(h.ok("location_week", json!({"locationId": location_id})).as_array().unwrap().len(), 7);

    let specialty = h.ok("create_specialty", json!({"name": "Cardiology"}));
    let specialty_id = specialty["id"].as_i64().unwrap();
    h.typed_error("create_specialty", json!({"name": "cardiology"}), "validation", Some("name"));
    h.ok("rename_specialty", json!({"id": specialty_id, "expectedVersion": 1, "name": "Cardiology (adult)"}));
    h.ok("set_specialty_active", json!({"id": specialty_id, "active": true}));
    assert_eq!(h.ok("list_specialties", json!({"includeInactive": true})).as_array().unwrap().len(), 1);

    let doctor_input = json!({"fullName": "Dr Iryna Bondar", "specialtyId": specialty_id, "price": "650.00", "experience": "12 years",
        "certificates": "", "services": ["ECG reading", "Consultation"], "slotMinutes": 30, "locationIds": [location_id]});
    let doctor = h.ok("create_doctor", json!({"input": doctor_input}));
    let doctor_id = doctor["id"].as_i64().unwrap();
    assert_eq!(doctor["price"], "650.00", "money travels as an exact decimal string");
    let mut bad = doctor_input.clone();
    bad["price"] = json!("-1");
    h.typed_error("create_doctor", json!({"input": bad}), "validation", Some("price"));
    h.ok("update_doctor", json!({"id": doctor_id, "expectedVersion": doctor["rowVersion"], "input": doctor_input}));
    h.ok("set_doctor_week", json!({"doctorId": doctor_id, "locationId": location_id, "week": (1..=7).map(|d| json!({"weekday": d, "start": "09:00", "end": "17:00"})).collect::<Vec<_>>()}));
    assert_eq!(
        h.ok("doctor_week", json!({"doctorId": doctor_id, "locationId": location_id})).as_array().unwrap().len(),
        7
    );
    let proposed = json!([{"weekday": 1, "start": "09:00", "end": "10:00"}]);
    let preview = h.ok("preview_hours", json!({"query": {"locationId": location_id, "doctorId": doctor_id, "week": proposed, "from": "2030-01-07", "to": "2030-01-13"}}));
    assert_eq!(
        (preview.as_array().unwrap().len(), &preview[0]["slots"]),
        (7, &json!(2)),
        "Monday 2030-01-07: 09:00–10:00"
    );
    h.typed_error(
        "preview_hours",
        json!({"query": {"locationId": location_id, "doctorId": null, "week": proposed, "from": "2030-01-07", "to": "2030-01-01"}}),
        "validation",
        Some("to"),
    );
    assert_eq!(h.ok("list_doctors", json!({"filter": {"includeInactive": false}})).as_array().unwrap().len(), 1);
    assert_eq!(h.ok("list_specialties_with_doctors", json!({})).as_array().unwrap().len(), 1);
    assert_eq!(h.ok("get_doctor", json!({"id": doctor_id}))["services"][0], "ECG reading");
    h.typed_error("get_doctor", json!({"id": 404}), "notFound", None);
    let photo = h.scratch.join("portrait.txt");
    std::fs::write(&photo, "not an image").unwrap();
    // A path the dialog never returned is refused whatever it holds.
    h.typed_error("set_doctor_photo", json!({"id": doctor_id, "path": photo}), "validation", Some("path"));
    h.typed_error("set_doctor_photo", json!({"id": doctor_id, "path": h.chose(&photo)}), "validation", Some("photo"));
    h.ok("set_doctor_photo", json!({"id": doctor_id, "path": null}));

    let diagnostic = h.ok(
        "create_diagnostic",
        json!({"input": {"typeName": "MRI", "description": "", "price": "2400", "slotMinutes": 60}}),
    );
    let diagnostic_id = diagnostic["id"].as_i64().unwrap();
    h.ok("update_diagnostic", json!({"id": diagnostic_id, "expectedVersion": 1, "input": {"typeName": "MRI", "description": "1.5 T", "price": "2400", "slotMinutes": 60}}));
    h.typed_error(
        "offer_diagnostic",
        json!({"id": diagnostic_id, "locationId": location_id, "capacity": 0}),
        "validation",
        Some("capacity"),
    );
    h.ok("offer_diagnostic", json!({"id": diagnostic_id, "locationId": location_id, "capacity": 1}));
    assert_eq!(h.ok("diagnostic_offers", json!({"id": diagnostic_id})).as_array().unwrap().len(), 1);
    assert_eq!(h.ok("list_diagnostics", json!({"includeInactive": false}))[0]["clinicCount"], 1);
    assert_eq!(h.ok("get_diagnostic", json!({"id": diagnostic_id}))["description"], "1.5 T");
    h.ok("set_diagnostic_photo", json!({"id": diagnostic_id, "path": null}));
    h.ok("set_diagnostic_active", json!({"id": diagnostic_id, "active": true}));

    // Exceptions.
    let closure = h.ok("add_exception", json!({"input": {"kind": "closure", "locationId": location_id, "doctorId": null, "date": "2030-01-07", "start": null, "end": null, "note": "Holiday"}}));
    assert_eq!(closure["createdBy"], DESK_LOGIN, "the database records the login");
    h.typed_error("add_exception", json!({"input": {"kind": "leave", "locationId": null, "doctorId": null, "date": "2030-01-07", "start": null, "end": null}}), "validation", Some("doctorId"));
    assert_eq!(
        h.ok(
            "list_exceptions",
            json!({"locationId": location_id, "doctorId": null, "from": "2030-01-01", "to": "2030-01-31"})
        )
        .as_array()
        .unwrap()
        .len(),
        1
    );
    h.ok("remove_exception", json!({"id": closure["id"]}));

    // Patients.
    let patient_id = uuid7();
    let patient = h.ok("create_patient", json!({"id": patient_id, "input": {"fullName": "Olena Kovalenko", "phone": "+380 50 111 22 33", "email": null, "dateOfBirth": "1990-02-01", "notes": ""}}));
    assert_eq!(patient["phone"], "+380501112233");
    h.typed_error(
        "create_patient",
        json!({"id": uuid7(), "input": {"fullName": "X", "phone": "12", "email": null, "dateOfBirth": null}}),
        "validation",
        Some("phone"),
    );
    h.ok("update_patient", json!({"id": patient_id, "expectedVersion": 1, "input": {"fullName": "Olena Kovalenko", "phone": "+380501112233", "notes": "VIP"}}));
    assert_eq!(h.ok("search_patients", json!({"text": "koval", "limit": 10})).as_array().unwrap().len(), 1);
    h.typed_error("search_patients", json!({"text": "k", "limit": 10}), "validation", Some("query"));
    assert_eq!(
        h.ok("possible_duplicates", json!({"input": {"fullName": "Someone", "phone": "+380501112233"}}))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(h.ok("get_patient", json!({"id": patient_id}))["notes"], "VIP");

    // Booking.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive().to_string();
    let subject = json!({"type": "doctor", "doctorId": doctor_id});
    let slots = h.ok(
        "free_slots",
        json!({"query": {"locationId": location_id, "subject": subject, "from": tomorrow, "to": tomorrow}}),
    );
    assert_eq!(slots.as_array().unwrap().len(), 16);
    let booking_id = uuid7();
    let request = json!({"bookingId": booking_id, "patientId": patient_id, "locationId": location_id, "subject": subject, "startsAt": slots[0]["startsAt"], "patientMessage": "First visit"});
    let booking = h.ok("book", json!({"request": request}));
    assert_eq!((booking["status"].as_str(), booking["price"].as_str()), (Some("booked"), Some("650.00")));
    let mut again = request.clone();
    again["bookingId"] = json!(uuid7());
    let conflict = h.typed_error("book", json!({"request": again}), "conflict", None);
    assert_eq!(conflict["code"], "slotTaken");
    assert_eq!(conflict["conflictingBookingId"], json!(booking_id));
    let mut off_grid = again.clone();
    off_grid["startsAt"] = json!("2000-01-01T10:00:00Z");
    h.typed_error("book", json!({"request": off_grid}), "validation", Some("startsAt"));
    assert_eq!(h.ok("get_booking", json!({"id": booking_id}))["patientMessage"], "First visit");
    h.typed_error("get_booking", json!({"id": uuid7()}), "notFound", None);
    let confirmed = h.ok(
        "change_status",
        json!({"request": {"bookingId": booking_id, "action": "confirm", "reason": "", "expectedVersion": 1}}),
    );
    h.typed_error("change_status", json!({"request": {"bookingId": booking_id, "action": "cancel", "reason": "", "expectedVersion": confirmed["rowVersion"]}}), "validation", Some("reason"));
    assert_eq!(h.ok("booking_history", json!({"id": booking_id})).as_array().unwrap().len(), 2);
    let moved = h.ok("reschedule", json!({"request": {"bookingId": booking_id, "newBookingId": uuid7(), "startsAt": slots[1]["startsAt"], "expectedVersion": confirmed["rowVersion"], "reason": ""}}));
    assert_eq!(moved["rescheduledFrom"], json!(booking_id));
    let board = h.ok("day_board", json!({"locationId": location_id, "date": tomorrow}));
    assert_eq!(board["bookings"].as_array().unwrap().len(), 2);
    assert_eq!(board["columns"].as_array().unwrap().len(), 2, "the doctor and the MRI");
    assert_eq!(h.ok("patient_bookings", json!({"id": patient_id})).as_array().unwrap().len(), 2);
    h.typed_error(
        "record_rating",
        json!({"input": {"ratingId": uuid7(), "bookingId": moved["id"], "rating": 5, "comment": ""}}),
        "validation",
        Some("bookingId"),
    );
    assert_eq!(h.ok("doctor_ratings", json!({"doctorId": doctor_id, "limit": 10})), json!([]));
    assert_eq!(h.ok("booking_rating", json!({"bookingId": moved["id"]})), Value::Null);

    // Results: files by path, bytes never on the JSON bridge.
    let scan_slots = h.ok("free_slots", json!({"query": {"locationId": location_id, "subject": {"type": "diagnostic", "diagnosticId": diagnostic_id}, "from": tomorrow, "to": tomorrow}}));
    let scan = h.ok("book", json!({"request": {"bookingId": uuid7(), "patientId": patient_id, "locationId": location_id, "subject": {"type": "diagnostic", "diagnosticId": diagnostic_id}, "startsAt": scan_slots[0]["startsAt"]}}));
    let pdf = h.scratch.join("mri.pdf");
    h.chose(&pdf);
    std::fs::write(&pdf, b"%PDF-1.4\n% a result\n").unwrap();
    let result_id = uuid7();
    assert_eq!(scan["acceptsResults"], false);
    let before = json!({"resultId": result_id, "bookingId": scan["id"], "path": pdf, "onProgress": "__CHANNEL__:6"});
    h.typed_error("attach_result_file", before, "validation", Some("bookingId"));
    // The scan takes place: it moves to two days ago, as if booked then.
    tauri::async_runtime::block_on(
        sqlx::query("UPDATE bookings SET starts_at = starts_at - interval '2 days', ends_at = ends_at - interval '2 days' WHERE booking_id = $1::uuid")
            .bind(scan["id"].as_str().unwrap())
            .execute(&h.db.pool),
    )
    .unwrap();
    assert_eq!(h.ok("get_booking", json!({"id": scan["id"]}))["acceptsResults"], true);
    let stored = h.ok(
        "attach_result_file",
        json!({"resultId": result_id, "bookingId": scan["id"], "path": pdf, "onProgress": "__CHANNEL__:7"}),
    );
    assert_eq!((stored["fileName"].as_str(), stored["mediaType"].as_str()), (Some("mri.pdf"), Some("application/pdf")));
    let fake = h.scratch.join("fake.pdf");
    h.chose(&fake);
    std::fs::write(&fake, b"plain text").unwrap();
    h.typed_error(
        "attach_result_file",
        json!({"resultId": uuid7(), "bookingId": scan["id"], "path": fake, "onProgress": "__CHANNEL__:8"}),
        "validation",
        Some("file"),
    );
    // The same file dropped on the window: raw chunks through `clinic://`, then attached.
    let station = h.window.state::<Station>();
    let dropped_id = uuid7();
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    let post = |offset: usize, chunk: &[u8]| {
        let request = tauri::http::Request::post(format!("clinic://localhost/staging/{dropped_id}?offset={offset}"))
            .body(chunk.to_vec())
            .unwrap();
        clinic_desk::protocol::stage(&station, &request)
    };
    assert_eq!(post(0, &pdf_bytes[..8]).status(), 200);
    let out_of_order = post(3, &pdf_bytes[8..]);
    assert_eq!(out_of_order.status(), 400, "a chunk at the wrong offset is refused");
    assert_eq!(serde_json::from_slice::<Value>(out_of_order.body()).unwrap()["field"], "file");
    h.typed_error(
        "attach_staged_result",
        json!({"resultId": dropped_id, "bookingId": scan["id"], "fileName": "mri.pdf", "onProgress": "__CHANNEL__:9"}),
        "validation",
        Some("file"),
    );
    assert_eq!(post(0, &pdf_bytes[..8]).status(), 200);
    assert_eq!(post(8, &pdf_bytes[8..]).body(), pdf_bytes.len().to_string().as_bytes(), "answers the bytes staged");
    let dropped = h.ok(
        "attach_staged_result",
        json!({"resultId": dropped_id, "bookingId": scan["id"], "fileName": "mri (copy).pdf", "onProgress": "__CHANNEL__:10"}),
    );
    assert_eq!(
        (dropped["sha256"].clone(), dropped["fileName"].as_str()),
        (stored["sha256"].clone(), Some("mri (copy).pdf"))
    );
    let huge = vec![b'%'; clinic_domain::results::MAX_RESULT_BYTES + 1];
    let refused = serde_json::from_slice::<Value>(post(0, &huge).body()).unwrap();
    assert_eq!((refused["field"].as_str(), refused["code"].as_str()), (Some("file"), Some("tooLarge")));
    let copy = h.scratch.join("copy.pdf");
    h.typed_error("save_result_copy", json!({"resultId": result_id, "path": copy}), "validation", Some("path"));
    h.ok("save_result_copy", json!({"resultId": result_id, "path": h.chose(&copy)}));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&pdf).unwrap());
    assert_eq!(h.ok("result_info", json!({"resultId": result_id}))["sha256"], stored["sha256"]);
    assert_eq!(h.ok("booking_results", json!({"bookingId": scan["id"]})).as_array().unwrap().len(), 2);
    assert_eq!(h.ok("patient_results", json!({"id": patient_id})).as_array().unwrap().len(), 2);

    // The audit trail (the desk is a manager): what this test did, verified.
    let everything =
        json!({"since": null, "until": null, "login": "", "patientId": null, "station": "", "action": null});
    let events = h.ok("audit_events", json!({"filter": everything}));
    let events = events.as_array().unwrap();
    assert!(events.len() > 10 && events.iter().all(|e| e["verified"] == true), "{events:?}");
    let only_views =
        json!({"since": null, "until": null, "login": "", "patientId": null, "station": "", "action": "download"});
    assert_eq!(h.ok("audit_events", json!({"filter": only_views})).as_array().unwrap().len(), 1, "the saved copy");
    assert!(!h.ok("booking_trail", json!({"id": scan["id"]})).as_array().unwrap().is_empty());
    assert!(!h.ok("patient_trail", json!({"id": patient_id})).as_array().unwrap().is_empty());
    let csv = h.scratch.join("audit.csv");
    h.chose(&csv);
    assert_eq!(h.ok("export_audit_csv", json!({"filter": everything, "path": csv})), events.len());
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with("\"event\",\"at\""));
    // Staff (the desk is a manager).
    let issued = h.ok("add_staff_member", json!({"input": {"login": "cmd.reception", "fullName": "Cmd Reception", "groups": ["reception"], "locationIds": []}}));
    assert_eq!(issued["password"].as_str().map(str::len), Some(16));
    assert_eq!(h.ok("set_staff_active", json!({"login": "cmd.reception", "active": false}))["active"], false);
    h.ok("reset_staff_password", json!({"login": "cmd.reception"}));
    assert!(h.ok("list_staff", json!({})).as_array().unwrap().iter().any(|m| m["login"] == "cmd.reception"));
    h.typed_error(
        "add_staff_member",
        json!({"input": {"login": "Cmd R", "fullName": "X", "groups": ["reception"], "locationIds": []}}),
        "validation",
        Some("login"),
    );

    // Deactivation, settings and the schema gate.
    h.ok("set_doctor_active", json!({"id": doctor_id, "active": false}));
    h.ok("set_location_active", json!({"id": location_id, "active": true}));
    h.ok("withdraw_diagnostic", json!({"id": diagnostic_id, "locationId": location_id}));
    let report = h.ok("test_connection", json!({"server": {"host": "127.0.0.1", "port": 1, "database": "clinic", "user": "desk", "tls": "disable", "caFile": null}, "password": null}));
    assert_eq!((report["ok"].as_bool(), report["problem"].as_str()), (Some(false), Some("hostUnreachable")));
    h.typed_error("test_connection", json!({"server": {"host": "", "port": 5432, "database": "clinic", "user": "desk", "tls": "disable", "caFile": null}, "password": null}), "validation", Some("host"));
    assert_eq!(h.ok("reconnect", json!({}))["phase"]["phase"], "ready");
    let mut settings = h.ok("station_status", json!({}))["settings"].clone();
    // A login the driver could not SASLprep is the user field's error, not a crash.
    settings["server"]["user"] = json!("\u{05d0}a");
    h.typed_error("save_settings", json!({"settings": settings, "leavePending": false}), "validation", Some("user"));
    let queues = h.ok("kept_queues", json!({}));
    assert_eq!((queues[0]["current"].as_bool(), queues[0]["pending"].as_u64()), (Some(true), Some(0)));

    // Lock, unlock, switch user over IPC.
    assert_eq!(h.ok("lock_station", json!({}))["session"]["locked"], true);
    h.typed_error("list_locations", json!({"includeInactive": false}), "unauthorized", None);
    let unlocked = h.ok("unlock_station", json!({"password": "local-test-password"}));
    assert_eq!(unlocked["outcome"], "signedIn");
    assert_eq!(unlocked["status"]["session"]["locked"], false);
    h.ok("list_locations", json!({"includeInactive": false}));
    let signed_out = h.ok("sign_out", json!({}));
    assert_eq!((signed_out["session"].is_null(), signed_out["phase"]["phase"].as_str()), (true, Some("signedOut")));
    assert_eq!(signed_out["lastLogin"], DESK_LOGIN);
    h.typed_error("list_locations", json!({"includeInactive": false}), "unauthorized", None);
    h.typed_error(
        "sign_in",
        json!({"login": "Desk One", "password": "x", "remember": false}),
        "validation",
        Some("login"),
    );
    let signed_in = h.ok("sign_in", json!({"login": DESK_LOGIN, "password": "local-test-password", "remember": false}));
    assert_eq!(signed_in["status"]["session"]["login"], DESK_LOGIN);
    assert_eq!(signed_in["status"]["phase"]["phase"], "ready");
}
