//! A patient's visit list: their bookings (upcoming, and past ones when
//! asked), each with when in its location's time, with whom, where, status
//! and price. Handed over the desk or sent home with the patient.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clinic_domain::bookings::BookingStatus;

use crate::document::Document;
use crate::labels::Language;
use crate::layout::{fit, number_pages, wrap, Orientation, Page, PageSize, Paper, Weight};

#[derive(Debug, Clone, PartialEq)]
pub struct VisitList {
    pub patient: String,
    pub patient_number: i32,
    pub visits: Vec<Visit>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The visit's location's zone.
    pub zone: Tz,
    /// The doctor's name or the diagnostic's type.
    pub subject: String,
    pub location: String,
    pub address: String,
    pub status: BookingStatus,
    pub price: String,
}

const SIZE: f32 = 9.0;
const LINE: f32 = 12.0;

/// The list's pages, in time order, on portrait paper.
pub fn visit_pages(list: &VisitList, paper: Paper, language: Language) -> Vec<Page> {
    let size = PageSize::new(paper, Orientation::Portrait);
    let words = language.labels();
    let (left, width) = (size.margin, size.body_width());
    let bottom = size.height - size.margin - 16.0;
    // When | With | Where | Status | Price
    let columns =
        [(left, 150.0), (left + 156.0, 130.0), (left + 292.0, width - 292.0 - 150.0), (left + width - 144.0, 80.0)];
    let price_right = left + width;
    let mut visits = list.visits.clone();
    visits.sort_by_key(|v| v.starts_at);

    let heading = |page: &mut Page| -> f32 {
        let mut y = size.margin + 14.0;
        page.text(left, y, 14.0, Weight::Bold, words.visits);
        page.text_right(left + width, y, 10.0, Weight::Regular, format!("№ {}", list.patient_number));
        y += 18.0;
        page.text(left, y, 12.0, Weight::Bold, fit(&list.patient, width, 12.0, Weight::Bold));
        y += 8.0;
        page.rule(left, y, width, 1.0, 60);
        y += 16.0;
        for ((x, w), text) in columns.iter().zip([words.when, words.with, words.at, words.status]) {
            page.text(*x, y, 8.0, Weight::Bold, fit(text, *w, 8.0, Weight::Bold));
        }
        page.text_right(price_right, y, 8.0, Weight::Bold, words.price);
        y + 6.0
    };

    let mut pages = Vec::new();
    let mut page = Page::default();
    let mut y = heading(&mut page);
    if visits.is_empty() {
        page.text(left, y + LINE, SIZE, Weight::Regular, words.no_bookings);
    }
    for visit in &visits {
        let starts = visit.starts_at.with_timezone(&visit.zone);
        let ends = visit.ends_at.with_timezone(&visit.zone);
        let when =
            vec![starts.format("%d.%m.%Y").to_string(), format!("{}–{}", starts.format("%H:%M"), ends.format("%H:%M"))];
        let with = wrap(&visit.subject, columns[1].1, SIZE, Weight::Bold, 2);
        let place = wrap(&format!("{}, {}", visit.location, visit.address), columns[2].1, SIZE, Weight::Regular, 2);
        let lines = when.len().max(with.len()).max(place.len());
        let height = lines as f32 * LINE + 6.0;
        if y + height > bottom {
            pages.push(std::mem::take(&mut page));
            y = heading(&mut page);
        }
        let baseline = y + LINE;
        for (column, (cells, weight)) in
            [(&when, Weight::Regular), (&with, Weight::Bold), (&place, Weight::Regular)].into_iter().enumerate()
        {
            for (i, line) in cells.iter().enumerate() {
                page.text(columns[column].0, baseline + i as f32 * LINE, SIZE, weight, line);
            }
        }
        page.text(
            columns[3].0,
            baseline,
            SIZE,
            Weight::Regular,
            fit(language.status(visit.status), columns[3].1, SIZE, Weight::Regular),
        );
        page.text_right(price_right, baseline, SIZE, Weight::Regular, language.money(&visit.price));
        y += height;
        page.rule(left, y - 2.0, width, 0.4, 210);
    }
    pages.push(page);
    number_pages(&mut pages, size, words.page, words.of);
    pages
}

/// The list as a document.
pub fn visits_document(list: &VisitList, paper: Paper, language: Language) -> Document {
    let size = PageSize::new(paper, Orientation::Portrait);
    let title = format!("{} · {}", language.labels().visits, list.patient);
    let file = format!("{} {}", language.labels().visits, list.patient_number);
    Document::new(title, &file, size, visit_pages(list, paper, language), language).with_rows(list.visits.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn list(count: usize) -> VisitList {
        let kyiv: Tz = "Europe/Kyiv".parse().unwrap();
        let new_york: Tz = "America/New_York".parse().unwrap();
        VisitList {
            patient: "Олена Коваленко".into(),
            patient_number: 17,
            visits: (0..count)
                .rev()
                .map(|i| Visit {
                    starts_at: Utc.with_ymd_and_hms(2026, 12, 2, 7, 0, 0).unwrap() + chrono::Duration::days(i as i64),
                    ends_at: Utc.with_ymd_and_hms(2026, 12, 2, 7, 30, 0).unwrap() + chrono::Duration::days(i as i64),
                    zone: if i == 1 { new_york } else { kyiv },
                    subject: if i == 0 { "Др. Ірина Бондар".into() } else { "МРТ".into() },
                    location: "Центр".into(),
                    address: "вул. Хрещатик, 1".into(),
                    status: if i == 0 { BookingStatus::Confirmed } else { BookingStatus::Booked },
                    price: "650.00".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn visits_are_listed_in_time_order_in_each_locations_time() {
        let pages = visit_pages(&list(3), Paper::A4, Language::Ukrainian);
        assert_eq!(pages.len(), 1);
        let texts = pages[0].texts();
        let first = texts.iter().position(|t| *t == "02.12.2026").expect("the first visit");
        let second = texts.iter().position(|t| *t == "03.12.2026").expect("the second visit");
        assert!(first < second, "in time order: {texts:?}");
        assert!(texts.contains(&"09:00–09:30"), "Kyiv's time: {texts:?}");
        assert!(texts.contains(&"02:00–02:30"), "New York's time for a visit there: {texts:?}");
        for expected in ["Візити пацієнта", "Олена Коваленко", "№ 17", "Підтверджено", "650,00 грн", "Сторінка 1 з 1"]
        {
            assert!(texts.contains(&expected), "{expected:?} not in {texts:?}");
        }
    }

    #[test]
    fn a_long_list_goes_on_with_its_heading_and_an_empty_one_says_so() {
        let pages = visit_pages(&list(80), Paper::Letter, Language::English);
        assert!(pages.len() >= 2, "{} pages", pages.len());
        assert!(pages[1].texts().contains(&"Patient's visits") && pages[1].texts().contains(&"When"));
        let empty = visit_pages(&list(0), Paper::A4, Language::English);
        assert!(empty[0].texts().contains(&"No bookings"));
        let pdf = visits_document(&list(3), Paper::A4, Language::Ukrainian).pdf().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
