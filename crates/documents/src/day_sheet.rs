//! The day sheet: for a location's day, per doctor or diagnostic, who comes
//! when, for the consulting room's door or the diagnostics room. A header on
//! every page (location, date, who printed it and when), a new page for
//! each doctor or diagnostic, page numbers.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use clinic_domain::bookings::BookingStatus;

use crate::document::Document;
use crate::labels::Language;
use crate::layout::{fit, number_pages, wrap, Orientation, Page, PageSize, Paper, Weight};

#[derive(Debug, Clone, PartialEq)]
pub struct DaySheet {
    pub location: String,
    pub address: String,
    /// The location's zone: times are printed as its clocks show them.
    pub zone: Tz,
    pub date: NaiveDate,
    pub printed_by: String,
    pub printed_at: DateTime<Utc>,
    /// From the station's kept copy, not the server: said on every page.
    pub offline: bool,
    pub sections: Vec<SheetSection>,
}

/// One doctor's or diagnostic's bookings of the day, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetSection {
    pub title: String,
    /// The specialty, or "2 at once" for a diagnostic.
    pub detail: String,
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub patient: String,
    pub patient_number: i32,
    pub phone: Option<String>,
    pub status: BookingStatus,
    pub message: String,
    /// Exact decimal text, as the domain's `Money` writes it.
    pub price: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetOptions {
    pub paper: Paper,
    pub orientation: Orientation,
    pub language: Language,
}

const ROW_SIZE: f32 = 8.5;
const LINE: f32 = 11.0;
const FOOTER: f32 = 16.0;

/// Where each column starts, and how wide it is, for a body this wide.
struct Columns {
    time: (f32, f32),
    patient: (f32, f32),
    number: (f32, f32),
    phone: (f32, f32),
    status: (f32, f32),
    message: (f32, f32),
    price: (f32, f32),
}

impl Columns {
    fn for_width(left: f32, width: f32) -> Columns {
        const GAP: f32 = 6.0;
        let fixed = [58.0, 34.0, 80.0, 62.0, 58.0];
        let flexible = width - fixed.iter().sum::<f32>() - 6.0 * GAP;
        let (patient, message) = (flexible * 0.45, flexible * 0.55);
        let widths = [fixed[0], patient, fixed[1], fixed[2], fixed[3], message, fixed[4]];
        let mut x = left;
        let mut next = |w: f32| {
            let column = (x, w);
            x += w + GAP;
            column
        };
        Columns {
            time: next(widths[0]),
            patient: next(widths[1]),
            number: next(widths[2]),
            phone: next(widths[3]),
            status: next(widths[4]),
            message: next(widths[5]),
            price: next(widths[6]),
        }
    }
}

/// The pages of the sheet, laid out (what [`day_sheet_pdf`] renders).
pub fn day_sheet_pages(sheet: &DaySheet, options: SheetOptions) -> Vec<Page> {
    let size = PageSize::new(options.paper, options.orientation);
    let words = options.language.labels();
    let columns = Columns::for_width(size.margin, size.body_width());
    let bottom = size.height - size.margin - FOOTER;
    let mut pages: Vec<Page> = Vec::new();

    for section in &sheet.sections {
        let mut page = start_page(sheet, options, size);
        let mut y = section_heading(&mut page, section, None, size, &columns, options);
        if section.rows.is_empty() {
            page.text(columns.patient.0, y + LINE, ROW_SIZE, Weight::Regular, words.no_bookings);
        }
        for row in &section.rows {
            let cells = RowCells::of(row, sheet.zone, &columns, options.language);
            let height = cells.lines() as f32 * LINE + 4.0;
            if y + height > bottom {
                pages.push(std::mem::take(&mut page));
                page = start_page(sheet, options, size);
                y = section_heading(&mut page, section, Some(words.continued), size, &columns, options);
            }
            cells.draw(&mut page, y, &columns);
            y += height;
            page.rule(size.margin, y - 2.0, size.body_width(), 0.4, 210);
        }
        pages.push(page);
    }
    if pages.is_empty() {
        let mut page = start_page(sheet, options, size);
        page.text(size.margin, size.margin + 70.0, ROW_SIZE, Weight::Regular, words.no_bookings);
        pages.push(page);
    }
    number_pages(&mut pages, size, words.page, words.of);
    pages
}

/// The sheet as a document.
pub fn day_sheet(sheet: &DaySheet, options: SheetOptions) -> Document {
    let size = PageSize::new(options.paper, options.orientation);
    let day_sheet = options.language.labels().day_sheet;
    let title = format!("{day_sheet} · {} · {}", sheet.location, sheet.date);
    let file = match sheet.sections.as_slice() {
        [only] => format!("{day_sheet} {} {} {}", sheet.location, only.title, sheet.date),
        _ => format!("{day_sheet} {} {}", sheet.location, sheet.date),
    };
    let rows = sheet.sections.iter().map(|s| s.rows.len()).sum();
    Document::new(title, &file, size, day_sheet_pages(sheet, options), options.language).with_rows(rows)
}

/// The header every page carries; returns where the body starts.
fn start_page(sheet: &DaySheet, options: SheetOptions, size: PageSize) -> Page {
    let words = options.language.labels();
    let mut page = Page::default();
    let left = size.margin;
    let width = size.body_width();
    let mut y = size.margin + 12.0;
    page.text(
        left,
        y,
        13.0,
        Weight::Bold,
        fit(&format!("{} · {}", words.day_sheet, sheet.location), width, 13.0, Weight::Bold),
    );
    y += 15.0;
    let place = format!("{} · {}", options.language.long_date(sheet.date), sheet.address);
    page.text(left, y, 9.5, Weight::Regular, fit(&place, width, 9.5, Weight::Regular));
    y += 13.0;
    let printed_at = sheet.printed_at.with_timezone(&sheet.zone).format("%d.%m.%Y %H:%M");
    let printed = format!("{} {}, {printed_at}", words.printed_by, sheet.printed_by);
    page.text(left, y, 8.0, Weight::Regular, fit(&printed, width, 8.0, Weight::Regular));
    if sheet.offline {
        page.text_right(left + width, y, 8.5, Weight::Bold, words.offline);
    }
    page.rule(left, y + 5.0, width, 1.0, 60);
    page
}

/// A section's title and the column headings; returns the first row's top.
fn section_heading(
    page: &mut Page,
    section: &SheetSection,
    continued: Option<&str>,
    size: PageSize,
    columns: &Columns,
    options: SheetOptions,
) -> f32 {
    let words = options.language.labels();
    let mut y = size.margin + 62.0;
    let mut title = section.title.clone();
    if !section.detail.is_empty() {
        title = format!("{title} · {}", section.detail);
    }
    if let Some(continued) = continued {
        title = format!("{title} ({continued})");
    }
    page.text(size.margin, y, 11.5, Weight::Bold, fit(&title, size.body_width(), 11.5, Weight::Bold));
    y += 8.0;
    page.rule(size.margin, y, size.body_width(), LINE + 3.0, 232);
    let baseline = y + LINE;
    let heading = |page: &mut Page, (x, w): (f32, f32), text: &str| {
        page.text(x, baseline, 8.0, Weight::Bold, fit(text, w, 8.0, Weight::Bold));
    };
    heading(page, columns.time, words.time);
    heading(page, columns.patient, words.patient);
    heading(page, columns.number, words.number);
    heading(page, columns.phone, words.phone);
    heading(page, columns.status, words.status);
    heading(page, columns.message, words.message);
    page.text_right(columns.price.0 + columns.price.1, baseline, 8.0, Weight::Bold, words.price);
    y + LINE + 5.0
}

/// One booking's cells, wrapped to their columns.
struct RowCells {
    time: String,
    patient: Vec<String>,
    number: String,
    phone: String,
    status: String,
    message: Vec<String>,
    price: String,
}

impl RowCells {
    fn of(row: &SheetRow, zone: Tz, columns: &Columns, language: Language) -> RowCells {
        let time = format!(
            "{}–{}",
            row.starts_at.with_timezone(&zone).format("%H:%M"),
            row.ends_at.with_timezone(&zone).format("%H:%M")
        );
        RowCells {
            time,
            patient: wrap(&row.patient, columns.patient.1, ROW_SIZE, Weight::Bold, 2),
            number: row.patient_number.to_string(),
            phone: fit(row.phone.as_deref().unwrap_or(""), columns.phone.1, ROW_SIZE, Weight::Regular),
            status: fit(language.status(row.status), columns.status.1, ROW_SIZE, Weight::Regular),
            message: wrap(&row.message, columns.message.1, ROW_SIZE, Weight::Regular, 3),
            price: language.money(&row.price),
        }
    }

    fn lines(&self) -> usize {
        self.patient.len().max(self.message.len()).max(1)
    }

    fn draw(&self, page: &mut Page, top: f32, columns: &Columns) {
        let baseline = top + LINE - 2.0;
        page.text(columns.time.0, baseline, ROW_SIZE, Weight::Regular, &self.time);
        for (i, line) in self.patient.iter().enumerate() {
            page.text(columns.patient.0, baseline + i as f32 * LINE, ROW_SIZE, Weight::Bold, line);
        }
        page.text(columns.number.0, baseline, ROW_SIZE, Weight::Regular, &self.number);
        page.text(columns.phone.0, baseline, ROW_SIZE, Weight::Regular, &self.phone);
        page.text(columns.status.0, baseline, ROW_SIZE, Weight::Regular, &self.status);
        for (i, line) in self.message.iter().enumerate() {
            page.text(columns.message.0, baseline + i as f32 * LINE, ROW_SIZE, Weight::Regular, line);
        }
        page.text_right(columns.price.0 + columns.price.1, baseline, ROW_SIZE, Weight::Regular, &self.price);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::day_sheet as sheet;

    const A4: SheetOptions =
        SheetOptions { paper: Paper::A4, orientation: Orientation::Portrait, language: Language::Ukrainian };

    #[test]
    fn each_doctor_starts_a_page_and_a_long_day_continues_with_its_header() {
        let short = day_sheet_pages(&sheet(3), A4);
        assert_eq!(short.len(), 2, "one page per section");
        let first = short[0].texts();
        assert!(first.contains(&"Розклад на день · Центр"), "{first:?}");
        assert!(first.contains(&"Др. Ірина Бондар · Кардіологія"));
        assert!(first.contains(&"Сторінка 1 з 2"));
        assert!(short[1].texts().contains(&"МРТ · 2 одночасно"));

        // 60 bookings a section do not fit one A4 page: the section goes on,
        // saying so, with the column headings again.
        let long = day_sheet_pages(&sheet(60), A4);
        assert!(long.len() >= 4, "{} pages", long.len());
        let continued = long[1].texts();
        assert!(continued.contains(&"Др. Ірина Бондар · Кардіологія (продовження)"), "{continued:?}");
        assert!(continued.contains(&"Телефон"));
        assert!(continued.contains(&"Розклад на день · Центр"), "the header is on every page");
        assert!(long.last().unwrap().texts().contains(&format!("Сторінка {} з {}", long.len(), long.len()).as_str()));
        let landscape = day_sheet_pages(&sheet(60), SheetOptions { orientation: Orientation::Landscape, ..A4 });
        assert!(landscape.len() > long.len(), "landscape pages hold fewer rows");
    }

    #[test]
    fn rows_say_the_local_time_the_status_and_the_price_in_the_language() {
        let pages = day_sheet_pages(&sheet(2), A4);
        let texts = pages[0].texts();
        // 08:00 in Kyiv (UTC+2 in December).
        assert!(texts.contains(&"08:00–08:15"), "{texts:?}");
        assert!(texts.contains(&"Прийшов"));
        assert!(texts.contains(&"650,00 грн"));
        assert!(texts.contains(&"вівторок, 1 грудня 2026 · вул. Хрещатик, 1"));
        // The long name and message wrap within their columns.
        assert!(texts.iter().any(|t| t.starts_with("Олександра")), "{texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("Прошу зателефонувати")));

        let english = day_sheet_pages(&sheet(2), SheetOptions { language: Language::English, ..A4 });
        let texts = english[0].texts();
        assert!(
            texts.contains(&"Arrived") && texts.contains(&"650.00 UAH") && texts.contains(&"Page 1 of 2"),
            "{texts:?}"
        );
        assert!(texts.contains(&"Tuesday, 1 December 2026 · вул. Хрещатик, 1"));
    }

    #[test]
    fn a_sheet_printed_offline_says_so_on_every_page() {
        let mut offline = sheet(60);
        offline.offline = true;
        let pages = day_sheet_pages(&offline, A4);
        assert!(pages.iter().all(|p| p.texts().contains(&"Надруковано без зв'язку: може бути застарілим")));
    }

    /// The PDF as a reader sees it: `pdftotext` (poppler-utils) finds the
    /// Ukrainian names, so the embedded font maps its glyphs back to text.
    #[test]
    fn the_pdf_holds_selectable_ukrainian_text() {
        let document = day_sheet(&sheet(60), A4);
        assert_eq!(document.rows, 120);
        assert_eq!(document.file_name, "розклад-на-день-центр-2026-12-01.pdf");
        let pdf = document.pdf().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("day-sheet.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let text = std::process::Command::new("pdftotext")
            .args(["-layout"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed");
        let text = String::from_utf8(text.stdout).unwrap();
        for expected in
            ["Розклад на день · Центр", "Др. Ірина Бондар", "Олександра", "Прийшов", "650,00 грн", "Сторінка 1 з"]
        {
            assert!(text.contains(expected), "{expected:?} not in the PDF's text:\n{text}");
        }
        // Subset fonts: 4+ pages of two faces stay small.
        assert!(pdf.len() < 150_000, "{} bytes", pdf.len());
    }
}
