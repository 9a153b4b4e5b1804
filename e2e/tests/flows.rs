//! The reception flows in the real window, each checked by what the screen
//! shows and what the database holds afterwards. Run with `scripts/e2e.sh`.

use std::path::PathBuf;

use clinic_domain::bookings::{BookingStatus, BookingSubject, SlotQuery};
use clinic_e2e::clinic::{at, book, seed};
use clinic_e2e::fantoccini::key::Key;
use clinic_e2e::{artifacts_dir, Desk};
use serde_json::json;
use sha2::{Digest, Sha256};

fn file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = artifacts_dir().join(name);
    std::fs::write(&path, bytes).expect("a test file");
    path
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A small but real PDF (readers open it).
fn pdf() -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    // Padding, so the upload takes more than one chunk.
    pdf.extend(std::iter::repeat_n(b'%', 1_500_000));
    pdf
}

/// Flow 1: a location with working hours, a specialty and a doctor, all made
/// in the UI; the doctor then appears on the day board with free time.
#[tokio::test]
async fn set_up_a_clinic_and_see_the_doctor_on_the_board() {
    let desk = Desk::open("setup").await;
    desk.see("No locations yet").await;

    desk.press(Key::F5).await;
    desk.click_button("New location").await;
    desk.fill("Name", "Centre").await;
    desk.fill("Address", "Khreshchatyk 1").await;
    desk.choose("Time zone", "Europe/Kyiv").await;
    desk.click_button("Save").await;
    desk.see("Khreshchatyk 1").await;

    desk.click_button("Specialties").await;
    desk.fill("New specialty", "Cardiology").await;
    desk.click_button("Add").await;

    desk.press(Key::F3).await;
    desk.click_button("New doctor").await;
    desk.fill("Full name", "Dr Iryna Bondar").await;
    desk.choose("Specialty", "Cardiology").await;
    desk.fill("Price (UAH)", "650.00").await;
    desk.choose("Locations", "Centre").await;
    desk.click_button("Create").await;
    desk.see("Saved.").await;
    desk.press(Key::Escape).await;

    // The location's hours, then the doctor's: every day, so the board has them whenever this runs.
    desk.press(Key::F4).await;
    for (whose, from, until) in
        [("The location's opening hours", "07:00", "21:00"), ("Dr Iryna Bondar · Cardiology", "08:00", "20:00")]
    {
        desk.choose("Hours of", whose).await;
        for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] {
            if desk
                .web
                .find(clinic_e2e::fantoccini::Locator::XPath(&format!(
                    "//input[@aria-label='{day}, interval 1, from']"
                )))
                .await
                .is_err()
            {
                desk.click_button(&format!("Add an interval on {day}")).await;
            }
            desk.set(&format!("{day}, interval 1, from"), from).await;
            desk.set(&format!("{day}, interval 1, until"), until).await;
        }
        desk.see("Not saved").await;
        desk.click_button("Save hours").await;
        desk.see("Saved.").await;
    }

    desk.press(Key::F1).await;
    desk.click_button("Next day").await;
    desk.see("Dr Iryna Bondar").await;
    let open = desk.web.find_all(clinic_e2e::fantoccini::Locator::Css(".column .open")).await.expect("open time");
    assert!(!open.is_empty(), "the doctor's column shows open time");

    assert_eq!(desk.count("SELECT count(*) FROM doctors WHERE full_name = 'Dr Iryna Bondar'").await, 1);
    assert_eq!(desk.count("SELECT count(*) FROM doctor_hours").await, 7);
    assert_eq!(desk.count("SELECT count(*) FROM location_hours").await, 7);
    desk.close().await;
}

/// Flow 2: a new patient booked from the board; then the same doctor at
/// another location, in a slot another station takes meanwhile: the conflict
/// is shown and the database holds one booking for that time.
#[tokio::test]
async fn book_a_new_patient_and_see_a_cross_location_conflict() {
    let preparing = Desk::prepare("booking").await;
    let s = seed(&preparing.clinic).await;
    let desk = preparing.open().await;
    desk.click_button("Next day").await;
    desk.see("Dr Iryna Bondar").await;

    desk.click_button("New booking").await;
    desk.choose("Doctor or diagnostic", "Dr Iryna Bondar · Cardiology").await;
    desk.choose("Time", "09:00–09:30").await;
    desk.see("650.00").await;
    desk.check("New patient").await;
    desk.fill("Full name", "Taras Melnyk").await;
    desk.fill("Phone", "+380671234567").await;
    desk.click_button("Create patient").await;
    desk.see("Taras Melnyk · №").await;
    desk.click_button("Book").await;
    desk.see("09:00 Taras Melnyk").await;
    assert_eq!(desk.count("SELECT count(*) FROM patients WHERE full_name = 'Taras Melnyk'").await, 1);
    assert_eq!(desk.count("SELECT count(*) FROM bookings").await, 1);

    // Podil, same doctor, 10:00: another station books the doctor at Centre meanwhile.
    desk.pick("Location", "Podil").await;
    desk.click_button("New booking").await;
    desk.choose("Doctor or diagnostic", "Dr Iryna Bondar · Cardiology").await;
    desk.choose("Time", "10:00–10:30").await;
    desk.fill("Name, phone or date of birth", "Kovalenko").await;
    desk.click_text("Olena Kovalenko").await;
    let subject = BookingSubject::Doctor { doctor_id: s.doctor };
    let theirs = book(&desk.clinic, s.patient.id, &s.centre, subject, at(&s, 10, 0)).await;
    desk.click_button("Book").await;
    desk.see("This time was just taken").await;
    desk.see("already booked").await;
    let at_ten = format!(
        "SELECT count(*) FROM bookings WHERE doctor_id = {} AND starts_at = '{}'",
        s.doctor,
        at(&s, 10, 0).to_rfc3339()
    );
    assert_eq!(desk.count(&at_ten).await, 1, "one booking at 10:00: theirs ({})", theirs.id);
    desk.close().await;
}
