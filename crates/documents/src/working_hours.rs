//! A location's working week on one landscape page (more if it has many
//! doctors): the location's own hours, then each doctor's there, Monday to
//! Sunday, for the noticeboard or the manager's file.

use clinic_domain::schedule::WeeklyInterval;

use crate::document::Document;
use crate::labels::Language;
use crate::layout::{fit, number_pages, Orientation, Page, PageSize, Paper, Weight};

#[derive(Debug, Clone, PartialEq)]
pub struct WeekOfHours {
    pub location: String,
    pub address: String,
    /// The location's IANA zone: the hours are its wall-clock times.
    pub time_zone: String,
    pub rows: Vec<HoursRow>,
}

/// Whose hours: the location itself, a doctor there.
#[derive(Debug, Clone, PartialEq)]
pub struct HoursRow {
    pub name: String,
    pub detail: String,
    pub week: Vec<WeeklyInterval>,
}

const SIZE: f32 = 8.5;
const LINE: f32 = 11.0;

pub fn week_pages(week: &WeekOfHours, paper: Paper, language: Language) -> Vec<Page> {
    let size = PageSize::new(paper, Orientation::Landscape);
    let words = language.labels();
    let (left, width) = (size.margin, size.body_width());
    let bottom = size.height - size.margin - 16.0;
    let name_width = width * 0.24;
    let day_width = (width - name_width) / 7.0;
    let day_x = |day: usize| left + name_width + day as f32 * day_width;

    let heading = |page: &mut Page| -> f32 {
        let mut y = size.margin + 12.0;
        let title = format!("{} · {}", words.working_hours, week.location);
        page.text(left, y, 13.0, Weight::Bold, fit(&title, width, 13.0, Weight::Bold));
        y += 15.0;
        let place = format!("{} · {} {}", week.address, words.times_in, week.time_zone);
        page.text(left, y, 9.0, Weight::Regular, fit(&place, width, 9.0, Weight::Regular));
        y += 8.0;
        page.rule(left, y, width, 1.0, 60);
        y += 6.0;
        page.rule(left, y, width, LINE + 3.0, 232);
        for (day, name) in language.weekdays().iter().enumerate() {
            page.text(day_x(day), y + LINE, 8.0, Weight::Bold, fit(name, day_width - 4.0, 8.0, Weight::Bold));
        }
        y + LINE + 5.0
    };

    let mut pages = Vec::new();
    let mut page = Page::default();
    let mut y = heading(&mut page);
    for row in &week.rows {
        let cells: Vec<Vec<String>> = (1..=7u8)
            .map(|day| {
                let mut spans: Vec<_> = row.week.iter().filter(|i| i.weekday.get() == day).collect();
                spans.sort_by_key(|i| i.start);
                spans.iter().map(|i| format!("{}–{}", i.start, i.end)).collect()
            })
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(if row.detail.is_empty() { 1 } else { 2 });
        let height = lines as f32 * LINE + 5.0;
        if y + height > bottom {
            pages.push(std::mem::take(&mut page));
            y = heading(&mut page);
        }
        let baseline = y + LINE - 1.0;
        page.text(left, baseline, SIZE, Weight::Bold, fit(&row.name, name_width - 6.0, SIZE, Weight::Bold));
        page.text(
            left,
            baseline + LINE,
            7.5,
            Weight::Regular,
            fit(&row.detail, name_width - 6.0, 7.5, Weight::Regular),
        );
        for (day, spans) in cells.iter().enumerate() {
            if spans.is_empty() {
                page.text(day_x(day), baseline, SIZE, Weight::Regular, "—");
            }
            for (i, span) in spans.iter().enumerate() {
                page.text(day_x(day), baseline + i as f32 * LINE, SIZE, Weight::Regular, span);
            }
        }
        y += height;
        page.rule(left, y - 2.0, width, 0.4, 210);
    }
    pages.push(page);
    number_pages(&mut pages, size, words.page, words.of);
    pages
}

pub fn week_document(week: &WeekOfHours, paper: Paper, language: Language) -> Document {
    let size = PageSize::new(paper, Orientation::Landscape);
    let title = format!("{} · {}", language.labels().working_hours, week.location);
    Document::new(title.clone(), &title, size, week_pages(week, paper, language), language).with_rows(week.rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clinic_domain::values::{IsoWeekday, WallTime};

    fn interval(day: u8, from: u16, to: u16) -> WeeklyInterval {
        WeeklyInterval {
            weekday: IsoWeekday::new(day).unwrap(),
            start: WallTime::hm(from, 0),
            end: WallTime::hm(to, 0),
        }
    }

    fn week(doctors: usize) -> WeekOfHours {
        WeekOfHours {
            location: "Центр".into(),
            address: "вул. Хрещатик, 1".into(),
            time_zone: "Europe/Kyiv".into(),
            rows: std::iter::once(HoursRow {
                name: "Центр".into(),
                detail: String::new(),
                week: (1..=6).map(|d| interval(d, 8, 20)).collect(),
            })
            .chain((0..doctors).map(|i| HoursRow {
                name: format!("Др. Лікар {i}"),
                detail: "Кардіологія".into(),
                week: vec![interval(3, 14, 18), interval(3, 9, 13), interval(5, 9, 13)],
            }))
            .collect(),
        }
    }

    #[test]
    fn each_row_lists_its_days_spans_in_order_and_a_dash_for_a_day_off() {
        let pages = week_pages(&week(1), Paper::A4, Language::Ukrainian);
        assert_eq!(pages.len(), 1);
        let texts = pages[0].texts();
        for expected in ["Графік роботи · Центр", "Пн", "Нд", "08:00–20:00", "Др. Лікар 0", "Кардіологія"]
        {
            assert!(texts.contains(&expected), "{expected:?} not in {texts:?}");
        }
        let morning = texts.iter().position(|t| *t == "09:00–13:00").unwrap();
        let afternoon = texts.iter().position(|t| *t == "14:00–18:00").unwrap();
        assert!(morning < afternoon, "spans in time order");
        assert_eq!(texts.iter().filter(|t| **t == "—").count(), 1 + 5, "Sunday off, the doctor's five days off");
    }

    #[test]
    fn many_doctors_go_on_over_pages_with_the_days_again() {
        let pages = week_pages(&week(40), Paper::Letter, Language::English);
        assert!(pages.len() >= 2, "{} pages", pages.len());
        assert!(
            pages[1].texts().contains(&"Mon") && pages[1].texts().contains(&"Page 2 of 3"),
            "{:?}",
            pages[1].texts()
        );
        let document = week_document(&week(40), Paper::Letter, Language::English);
        assert!(document.width > document.height, "landscape");
        assert_eq!(document.rows, 41);
    }
}
