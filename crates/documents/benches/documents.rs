//! Time and size of the documents (issue 18's benchmark), on this machine:
//! `cargo bench -p clinic-documents --bench documents`
//! - a location's full day as the day sheet: 22 doctors and diagnostics,
//!   about 200 bookings, one page (or more) each;
//! - a month's bookings as CSV and as an Excel workbook, for one busy
//!   location and for a chain.
use std::time::Instant;

use chrono::Duration;
use clinic_documents::csv_export::{bookings_csv, Delimiter, ExportRow};
use clinic_documents::day_sheet::{day_sheet, SheetOptions};
use clinic_documents::xlsx_export::bookings_xlsx;
use clinic_documents::{sample, Language, Orientation, Paper};

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    // 22 columns of 9 bookings: 198 bookings.
    let mut sheet = sample::day_sheet(9);
    let sections = sheet.sections.clone();
    sheet.sections = (0..22)
        .map(|i| {
            let mut section = sections[i % 2].clone();
            section.title = format!("{} {}", section.title, i + 1);
            section
        })
        .collect();
    let bookings: usize = sheet.sections.iter().map(|s| s.rows.len()).sum();
    let options = SheetOptions { paper: Paper::A4, orientation: Orientation::Portrait, language: Language::Ukrainian };
    let mut size = 0;
    let times: Vec<f64> = (0..15)
        .map(|_| {
            let started = Instant::now();
            size = day_sheet(&sheet, options).pdf().expect("the day sheet").len();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    println!(
        "day sheet, {} sections, {bookings} bookings: p50 {:.1} ms, {:.0} KB",
        sheet.sections.len(),
        median(times),
        size as f64 / 1024.0
    );

    let row = |i: usize| {
        let source = &sheet.sections[i % sheet.sections.len()].rows[i % 9];
        ExportRow {
            starts_at: source.starts_at + Duration::days((i / 200) as i64),
            ends_at: source.ends_at + Duration::days((i / 200) as i64),
            zone: sheet.zone,
            location: sheet.location.clone(),
            subject: sheet.sections[i % sheet.sections.len()].title.clone(),
            patient: source.patient.clone(),
            patient_number: source.patient_number,
            phone: source.phone.clone(),
            status: source.status,
            price: source.price.clone(),
            message: source.message.clone(),
        }
    };
    for (what, count) in [("one location's month", 6_000usize), ("thirty locations' month", 180_000)] {
        let rows: Vec<ExportRow> = (0..count).map(row).collect();
        let mut size = 0;
        let times: Vec<f64> = (0..5)
            .map(|_| {
                let started = Instant::now();
                size = bookings_csv(&rows, Delimiter::Semicolon, Language::Ukrainian).expect("the CSV").len();
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        println!("CSV, {what} ({count} bookings): p50 {:.1} ms, {:.1} MB", median(times), size as f64 / 1_048_576.0);
        let times: Vec<f64> = (0..3)
            .map(|_| {
                let started = Instant::now();
                size = bookings_xlsx(&rows, Language::Ukrainian).expect("the workbook").len();
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        println!("XLSX, {what} ({count} bookings): p50 {:.1} ms, {:.1} MB", median(times), size as f64 / 1_048_576.0);
    }
}
