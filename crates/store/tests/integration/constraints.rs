//! Every constraint, broken by hand-written SQL that skips the services, maps
//! to the typed error a caller would see: the field and reason for bad
//! values, a conflict for overlaps. The database guards the data even from
//! code that forgets to validate.

use crate::common::*;
use clinic_domain::bookings::{BookingSubject, StatusAction, StatusRequest};
use clinic_domain::{AppError, ConflictCode};
use clinic_store::db_error;

enum Expect {
    Field(&'static str),
    Conflict(ConflictCode),
}

#[tokio::test]
async fn every_constraint_names_its_field_or_conflict() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let mri = f.diagnostic("MRI", "10", 60, b.location.id, 1).await;
    let visit = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T07:00:00Z").await.unwrap();
    let scan = f
        .book(b.patient.id, b.location.id, BookingSubject::Diagnostic { diagnostic_id: mri.id }, "2027-01-04T08:00:00Z")
        .await
        .unwrap();
    for (action, version) in [(StatusAction::CheckIn, 1), (StatusAction::Complete, 2)] {
        f.clinic
            .change_status(
                &StatusRequest {
                    booking_id: visit.id,
                    action,
                    reason: String::new(),
                    cancel_kind: None,
                    expected_version: version,
                },
                &actor(),
            )
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO doctor_ratings (rating_id, doctor_id, patient_id, booking_id, rating, created_by) VALUES (gen_random_uuid(), $1, $2, $3, 5, 'sql')")
        .bind(b.doctor.0)
        .bind(b.patient.id.0)
        .bind(visit.id.0)
        .execute(&f.db.pool)
        .await
        .unwrap();

    let (loc, doc, spec, pat, diag) =
        (b.location.id.0, b.doctor.0, b.specialty.0, b.patient.id.0.to_string(), mri.id.0);
    let other_location = f.location("Podil", "Europe/Kyiv").await.id.0;
    let (visit_id, scan_id) = (visit.id.0.to_string(), scan.id.0.to_string());
    use Expect::*;
    let cases: Vec<(String, Expect)> = vec![
        ("INSERT INTO locations (name, address, time_zone) VALUES ('', 'a', 'UTC')".into(), Field("name")),
        ("INSERT INTO locations (name, address, time_zone) VALUES ('Centre', 'a', 'UTC')".into(), Field("name")),
        ("INSERT INTO locations (name, address, time_zone) VALUES ('X', '', 'UTC')".into(), Field("address")),
        ("INSERT INTO locations (name, address, time_zone) VALUES ('X', 'a', 'Mars/Base')".into(), Field("timeZone")),
        ("INSERT INTO locations (name, address, time_zone, grid_minutes) VALUES ('X', 'a', 'UTC', 7)".into(), Field("gridMinutes")),
        ("INSERT INTO specialties (specialty_name) VALUES ('cardiology')".into(), Field("name")),
        ("INSERT INTO specialties (specialty_name) VALUES ('  ')".into(), Field("name")),
        (format!("INSERT INTO doctors (full_name, specialty_id, price) VALUES ('Dr X', {spec}, -1)"), Field("price")),
        (format!("INSERT INTO doctors (full_name, specialty_id, price, slot_minutes) VALUES ('Dr X', {spec}, 1, 1)"), Field("slotMinutes")),
        ("INSERT INTO doctors (full_name, specialty_id, price) VALUES ('Dr X', 999, 1)".into(), Field("specialtyId")),
        (format!("INSERT INTO doctor_locations VALUES ({doc}, 999)"), Field("locationIds")),
        ("INSERT INTO diagnostics (type_name, price) VALUES ('mri', 1)".into(), Field("typeName")),
        ("INSERT INTO diagnostics (type_name, price) VALUES ('CT', -5)".into(), Field("price")),
        (format!("INSERT INTO diagnostic_locations (diagnostic_id, location_id, capacity) VALUES ({diag}, {loc}, 2)"), Field("locationId")),
        (format!("UPDATE diagnostic_locations SET capacity = 51 WHERE diagnostic_id = {diag}"), Field("capacity")),
        (format!("INSERT INTO location_hours (location_id, iso_weekday, start_minute, end_minute) VALUES ({loc}, 8, 0, 60)"), Field("weekday")),
        (format!("INSERT INTO location_hours (location_id, iso_weekday, start_minute, end_minute) VALUES ({loc}, 1, 600, 500)"), Field("end")),
        (format!("INSERT INTO location_hours (location_id, iso_weekday, start_minute, end_minute) VALUES ({loc}, 1, 600, 660)"), Field("week")),
        (format!("INSERT INTO doctor_hours (doctor_id, location_id, iso_weekday, start_minute, end_minute) VALUES ({doc}, {loc}, 1, 600, 660)"), Field("week")),
        ("INSERT INTO doctor_hours (doctor_id, location_id, iso_weekday, start_minute, end_minute) VALUES (1, 999, 1, 0, 60)".into(), Field("locationId")),
        (format!("INSERT INTO schedule_exceptions (kind, doctor_id, on_date, created_by) VALUES ('closure', {doc}, '2027-01-01', 'sql')"), Field("kind")),
        (format!("INSERT INTO schedule_exceptions (kind, location_id, on_date, start_minute, end_minute, created_by) VALUES ('closure', {loc}, '2027-01-01', 60, 30, 'sql')"), Field("end")),
        ("INSERT INTO patients (patient_id, full_name, created_by) VALUES (gen_random_uuid(), '', 'sql')".into(), Field("fullName")),
        ("INSERT INTO patients (patient_id, full_name, phone, created_by) VALUES (gen_random_uuid(), 'A', 'call me', 'sql')".into(), Field("phone")),
        ("INSERT INTO patients (patient_id, full_name, email, created_by) VALUES (gen_random_uuid(), 'A', 'nope', 'sql')".into(), Field("email")),
        ("INSERT INTO patients (patient_id, full_name, date_of_birth, created_by) VALUES (gen_random_uuid(), 'A', '1800-01-01', 'sql')".into(), Field("dateOfBirth")),
        (format!("INSERT INTO patients (patient_id, full_name, created_by) VALUES ('{pat}', 'A', 'sql')"), Field("id")),
        (booking(&pat, loc, "NULL", "NULL", "NULL", "2027-02-01T10:00:00Z", "2027-02-01T10:30:00Z", "1"), Field("subject")),
        (booking(&pat, loc, &doc.to_string(), "NULL", "NULL", "2027-02-01T10:30:00Z", "2027-02-01T10:00:00Z", "1"), Field("startsAt")),
        // Longer than the longest slot (values::SLOT_MINUTES.max, 480 minutes): refused.
        (booking(&pat, loc, &doc.to_string(), "NULL", "NULL", "2027-02-01T08:00:00Z", "2027-02-01T16:01:00Z", "1"), Field("startsAt")),
        (booking(&pat, loc, &doc.to_string(), "NULL", "NULL", "2027-02-01T10:00:00Z", "2027-02-01T10:30:00Z", "-1"), Field("price")),
        (booking(&pat, loc, "NULL", &diag.to_string(), "NULL", "2027-02-01T10:00:00Z", "2027-02-01T11:00:00Z", "1"), Field("subject")),
        (booking(&pat, 999, &doc.to_string(), "NULL", "NULL", "2027-02-01T10:00:00Z", "2027-02-01T10:30:00Z", "1"), Field("locationId")),
        (booking("00000000-0000-7000-8000-000000000000", loc, &doc.to_string(), "NULL", "NULL", "2027-02-01T10:00:00Z", "2027-02-01T10:30:00Z", "1"), Field("patientId")),
        (booking(&pat, loc, &doc.to_string(), "NULL", "NULL", "2027-01-04T07:15:00Z", "2027-01-04T07:45:00Z", "1"), Conflict(ConflictCode::SlotTaken)),
        (booking(&pat, loc, "NULL", &diag.to_string(), "1", "2027-01-04T08:30:00Z", "2027-01-04T09:30:00Z", "1"), Conflict(ConflictCode::SlotTaken)),
        (booking(&pat, loc, "NULL", &diag.to_string(), "2", "2027-01-05T08:00:00Z", "2027-01-05T09:00:00Z", "1"), Conflict(ConflictCode::SlotTaken)),
        (format!("UPDATE bookings SET patient_message = repeat('x', 2000) WHERE booking_id = '{visit_id}'"), Field("patientMessage")),
        (format!("INSERT INTO doctor_ratings (rating_id, doctor_id, patient_id, booking_id, rating, created_by) VALUES (gen_random_uuid(), {doc}, '{pat}', '{visit_id}', 4, 'sql')"), Field("bookingId")),
        (format!("UPDATE doctor_ratings SET rating = 6 WHERE booking_id = '{visit_id}'"), Field("rating")),
        (format!("INSERT INTO doctor_ratings (rating_id, doctor_id, patient_id, booking_id, rating, created_by) VALUES (gen_random_uuid(), {doc}, '{pat}', '{scan_id}', 4, 'sql')"), Field("bookingId")),
        (result(&scan_id, &pat, "'r.pdf'", "'text/plain'", "'%PDF-1.4'"), Field("file")),
        (result(&scan_id, &pat, "''", "'application/pdf'", "'%PDF-1.4'"), Field("fileName")),
        (result(&visit_id, &pat, "'r.pdf'", "'application/pdf'", "'%PDF-1.4'"), Field("bookingId")),
        ("INSERT INTO photos (photo_id, media_type, content) VALUES (gen_random_uuid(), 'image/gif', 'GIF8')".into(), Field("photo")),
        // What the app could not handle or should never store (issue 12):
        // zone names the app's parser refuses,
        ("INSERT INTO locations (name, address, time_zone) VALUES ('X', 'a', 'MSK')".into(), Field("timeZone")),
        ("INSERT INTO locations (name, address, time_zone) VALUES ('X', 'a', 'UTC+3')".into(), Field("timeZone")),
        ("INSERT INTO locations (name, address, time_zone) VALUES ('X', 'a', 'europe/kyiv')".into(), Field("timeZone")),
        (format!("UPDATE locations SET time_zone = 'Europe/Kiev ' WHERE location_id = {loc}"), Field("timeZone")),
        // a file whose bytes are not its type (HTML stored as a PNG),
        (result(&scan_id, &pat, "'r.png'", "'image/png'", "'<html><script>'"), Field("file")),
        ("INSERT INTO photos (photo_id, media_type, content) VALUES (gen_random_uuid(), 'image/png', '<svg/>')".into(), Field("photo")),
        // a doctor at a location he does not work at,
        (booking(&pat, other_location, &doc.to_string(), "NULL", "NULL", "2027-02-01T10:00:00Z", "2027-02-01T10:30:00Z", "1"), Field("subject")),
        // names and text with control or invisible characters.
        ("INSERT INTO patients (patient_id, full_name) VALUES (gen_random_uuid(), E'\\u200b\\u200b')".into(), Field("fullName")),
        ("INSERT INTO patients (patient_id, full_name) VALUES (gen_random_uuid(), E'Ann\\u202eA')".into(), Field("fullName")),
        ("INSERT INTO patients (patient_id, full_name, notes) VALUES (gen_random_uuid(), 'Ann', E'bell\\x07')".into(), Field("notes")),
        (format!("UPDATE doctors SET full_name = E'Dr\\tX' WHERE doctor_id = {doc}"), Field("fullName")),
        (format!("UPDATE bookings SET patient_message = E'x\\x1b[31m' WHERE booking_id = '{visit_id}'"), Field("patientMessage")),
    ];
    let before = f.count("bookings").await;
    for (sql, expect) in cases {
        let error = sqlx::raw_sql(&sql).execute(&f.db.pool).await.map(|_| ()).err();
        let error = error.unwrap_or_else(|| panic!("accepted: {sql}"));
        let mapped = db_error(error);
        match (&expect, &mapped) {
            (Field(field), AppError::Validation { field: got, .. }) => {
                assert_eq!(got, field, "{sql}")
            }
            (Conflict(code), AppError::Conflict { code: got, .. }) => {
                assert_eq!(got, code, "{sql}")
            }
            _ => panic!("{sql}\n  gave {mapped:?}"),
        }
    }
    assert_eq!(f.count("bookings").await, before, "nothing was written");
}

#[allow(clippy::too_many_arguments)]
fn booking(
    patient: &str,
    location: i32,
    doctor: &str,
    diagnostic: &str,
    lane: &str,
    start: &str,
    end: &str,
    price: &str,
) -> String {
    format!(
        "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, diagnostic_id, diagnostic_lane, starts_at, ends_at, price, created_by)
         VALUES (gen_random_uuid(), '{patient}', {location}, {doctor}, {diagnostic}, {lane}, '{start}', '{end}', {price}, 'sql')"
    )
}

fn result(booking: &str, patient: &str, name: &str, media: &str, content: &str) -> String {
    format!(
        "INSERT INTO diagnostic_results (diagnostic_result_id, booking_id, patient_id, file_name, media_type, byte_size, sha256, content, uploaded_by)
         VALUES (gen_random_uuid(), '{booking}', '{patient}', {name}, {media}, 4, sha256({content}::bytea), {content}::bytea, 'sql')"
    )
}
