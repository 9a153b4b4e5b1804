//! The appointment slip handed to the patient: who, with whom, where (with
//! the address), when in the location's time, the price, how to prepare
//! for a diagnostic, and the booking's number to quote on the phone. It
//! takes the top of the page, so a half sheet can be torn off.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::document::Document;
use crate::labels::Language;
use crate::layout::{fit, wrap, Orientation, Page, PageSize, Paper, Weight};

#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub patient: String,
    pub patient_number: i32,
    /// The doctor's name or the diagnostic's type.
    pub subject: String,
    /// The specialty, for a doctor.
    pub detail: String,
    pub location: String,
    pub address: String,
    pub location_phone: String,
    pub zone: Tz,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Exact decimal text (`Money`).
    pub price: String,
    /// The diagnostic's preparation notes, if it has any.
    pub preparation: String,
    /// The booking's id; the slip prints its last eight characters.
    pub booking_id: String,
    /// From the station's kept copy: the slip says it may be out of date.
    pub offline: bool,
}

/// The slip laid out on one page.
pub fn slip_page(slip: &Slip, paper: Paper, language: Language) -> Page {
    let size = PageSize::new(paper, Orientation::Portrait);
    let words = language.labels();
    let (left, width) = (size.margin, size.body_width());
    let mut page = Page::default();
    let mut y = size.margin + 14.0;
    page.text(left, y, 15.0, Weight::Bold, words.slip);
    let number = format!("{} {}", words.booking_number, short_number(&slip.booking_id));
    page.text_right(left + width, y, 10.0, Weight::Regular, number);
    y += 8.0;
    page.rule(left, y, width, 1.0, 60);
    y += 22.0;
    page.text(left, y, 13.0, Weight::Bold, fit(&slip.patient, width * 0.75, 13.0, Weight::Bold));
    page.text_right(left + width, y, 10.0, Weight::Regular, format!("№ {}", slip.patient_number));

    let starts = slip.starts_at.with_timezone(&slip.zone);
    let ends = slip.ends_at.with_timezone(&slip.zone);
    let when =
        format!("{}, {}–{}", language.long_date(starts.date_naive()), starts.format("%H:%M"), ends.format("%H:%M"));
    let with =
        if slip.detail.is_empty() { slip.subject.clone() } else { format!("{} · {}", slip.subject, slip.detail) };
    let mut place = vec![slip.location.clone(), slip.address.clone()];
    if !slip.location_phone.is_empty() {
        place.push(slip.location_phone.clone());
    }
    let label_width = 90.0;
    for (label, value, weight) in [
        (words.when, when, Weight::Bold),
        (words.with, with, Weight::Regular),
        (words.at, place.join(", "), Weight::Regular),
        (words.price, language.money(&slip.price), Weight::Regular),
    ] {
        y += 22.0;
        page.text(left, y, 9.0, Weight::Regular, label);
        for (i, line) in wrap(&value, width - label_width, 11.0, weight, 2).iter().enumerate() {
            page.text(left + label_width, y + i as f32 * 14.0, 11.0, weight, line);
            if i > 0 {
                y += 14.0;
            }
        }
    }
    if !slip.preparation.trim().is_empty() {
        y += 26.0;
        page.text(left, y, 10.0, Weight::Bold, words.preparation);
        for line in wrap(&slip.preparation, width, 10.0, Weight::Regular, 8) {
            y += 14.0;
            page.text(left, y, 10.0, Weight::Regular, line);
        }
    }
    y += 26.0;
    for line in wrap(words.bring, width, 9.0, Weight::Regular, 2) {
        page.text(left, y, 9.0, Weight::Regular, line);
        y += 12.0;
    }
    if slip.offline {
        y += 4.0;
        page.text(left, y, 8.5, Weight::Bold, words.offline);
        y += 12.0;
    }
    page.rule(left, y + 4.0, width, 0.5, 150);
    page
}

/// The slip as a one-page document.
pub fn slip_document(slip: &Slip, paper: Paper, language: Language) -> Document {
    let size = PageSize::new(paper, Orientation::Portrait);
    let number = short_number(&slip.booking_id);
    let title = format!("{} · {} · {number}", language.labels().slip, slip.patient);
    let file = format!("{} {number}", language.labels().slip);
    Document::new(title, &file, size, vec![slip_page(slip, paper, language)], language).with_rows(1)
}

/// What the patient quotes: the id's last eight characters, upper case.
/// The last ones: a UUIDv7 starts with its creation time, so bookings made
/// the same minute share their first characters; the end is random.
fn short_number(booking_id: &str) -> String {
    let kept: Vec<char> = booking_id.chars().filter(char::is_ascii_alphanumeric).collect();
    kept[kept.len().saturating_sub(8)..].iter().collect::<String>().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::slip;

    #[test]
    fn the_slip_says_when_in_the_locations_time_where_and_how_to_prepare() {
        let page = slip_page(
            &slip("Не їсти за 4 години до обстеження. Зняти металеві прикраси."),
            Paper::A4,
            Language::Ukrainian,
        );
        let texts = page.texts();
        for expected in [
            "Запис на прийом",
            "Запис 2E3F4A5B",
            "Олена Коваленко",
            "№ 17",
            "вівторок, 1 грудня 2026, 09:00–10:00",
            "Центр, вул. Хрещатик, 1, +380 44 000 00 00",
            "2400,00 грн",
            "Як підготуватися",
        ] {
            assert!(texts.contains(&expected), "{expected:?} not in {texts:?}");
        }
        assert!(texts.iter().any(|t| t.starts_with("Не їсти за 4 години")), "{texts:?}");

        let english = slip_page(&slip(""), Paper::Letter, Language::English);
        let texts = english.texts();
        assert!(texts.contains(&"Tuesday, 1 December 2026, 09:00–10:00"), "{texts:?}");
        assert!(!texts.contains(&"How to prepare"), "no preparation notes, no heading");
        assert!(!texts.contains(&"Printed offline: may be out of date"));
        let offline = slip_page(&Slip { offline: true, ..slip("") }, Paper::A4, Language::English);
        assert!(offline.texts().contains(&"Printed offline: may be out of date"));
    }

    #[test]
    fn the_slip_is_one_small_pdf() {
        let document = slip_document(&slip("Не їсти за 4 години."), Paper::A4, Language::Ukrainian);
        assert_eq!(document.file_name, "запис-на-прийом-2e3f4a5b.pdf");
        let pdf = document.pdf().unwrap();
        assert!(pdf.starts_with(b"%PDF-") && pdf.len() < 60_000, "{} bytes", pdf.len());
    }
}
