//! Bookings as an Excel workbook: the same columns as the CSV, but dates,
//! times and prices are typed cells (sortable, summable) whatever the
//! spreadsheet program's locale, with the header frozen and filterable.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::csv_export::{header, ExportRow};
use crate::labels::Language;

/// The rows as `.xlsx` bytes, one sheet, a header row first.
pub fn bookings_xlsx(rows: &[ExportRow], language: Language) -> Result<Vec<u8>, String> {
    write(rows, language).map_err(|e| e.to_string())
}

fn write(rows: &[ExportRow], language: Language) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(match language {
        Language::English => "Bookings",
        Language::Ukrainian => "Записи",
    })?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let time = Format::new().set_num_format("hh:mm");
    let money = Format::new().set_num_format("0.00");
    for (column, name) in header(language).iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *name, &bold)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let line = i as u32 + 1;
        let starts = row.starts_at.with_timezone(&row.zone).naive_local();
        let ends = row.ends_at.with_timezone(&row.zone).naive_local();
        sheet.write_date_with_format(line, 0, starts.date(), &date)?;
        sheet.write_time_with_format(line, 1, starts.time(), &time)?;
        sheet.write_time_with_format(line, 2, ends.time(), &time)?;
        sheet.write_string(line, 3, &row.location)?;
        sheet.write_string(line, 4, &row.subject)?;
        sheet.write_string(line, 5, &row.patient)?;
        sheet.write_number(line, 6, f64::from(row.patient_number))?;
        sheet.write_string(line, 7, row.phone.as_deref().unwrap_or_default())?;
        sheet.write_string(line, 8, language.status(row.status))?;
        // A spreadsheet's numbers are binary floating point: the exact
        // decimal becomes the cell's number only here, at the file's edge.
        match row.price.parse::<f64>() {
            Ok(price) => sheet.write_number_with_format(line, 9, price, &money)?,
            Err(_) => sheet.write_string(line, 9, &row.price)?,
        };
        sheet.write_string(line, 10, &row.message)?;
    }
    for (column, width) in [11.0, 7.0, 7.0, 18.0, 26.0, 28.0, 8.0, 16.0, 12.0, 10.0, 40.0].into_iter().enumerate() {
        sheet.set_column_width(column as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, 10)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use clinic_domain::bookings::BookingStatus;
    use std::io::Read;

    #[test]
    fn the_workbook_holds_the_rows_as_typed_cells_with_ukrainian_text() {
        let row = ExportRow {
            starts_at: Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 12, 1, 7, 30, 0).unwrap(),
            zone: "Europe/Kyiv".parse().unwrap(),
            location: "Центр".into(),
            subject: "Др. Ірина Бондар".into(),
            patient: "Олена Коваленко".into(),
            patient_number: 17,
            phone: Some("+380501112233".into()),
            status: BookingStatus::Booked,
            price: "650.50".into(),
            message: String::new(),
        };
        let bytes = bookings_xlsx(&[row.clone(), row], Language::Ukrainian).unwrap();
        assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");
        // The sheet's strings and numbers, read from inside the zip.
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut strings = String::new();
        archive.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut strings).unwrap();
        for expected in ["Дата", "Олена Коваленко", "Др. Ірина Бондар", "Записано"]
        {
            assert!(strings.contains(expected), "{expected:?} not in {strings}");
        }
        let mut sheet = String::new();
        archive.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
        assert!(sheet.contains("<v>650.5</v>"), "the price is a number: {sheet}");
        // 1 December 2026 09:00 in Kyiv: Excel's serial day 46357, and 0.375 of a day.
        assert!(sheet.contains("<v>46357</v>") && sheet.contains("<v>0.375</v>"), "{sheet}");
        assert!(sheet.contains("autoFilter") && sheet.contains("<pane"), "filterable, header frozen");
    }
}
