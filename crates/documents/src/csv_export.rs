//! Bookings for a spreadsheet: UTF-8 with a byte-order mark (so Excel reads
//! Ukrainian names right), `;` or `,` between fields as the person chooses
//! (`;` where the decimal separator is a comma), quoted where needed.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clinic_domain::bookings::BookingStatus;

use crate::labels::Language;

#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The location's zone: times are written as its clocks show them.
    pub zone: Tz,
    pub location: String,
    /// The doctor's name or the diagnostic's type.
    pub subject: String,
    pub patient: String,
    pub patient_number: i32,
    pub phone: Option<String>,
    pub status: BookingStatus,
    /// Exact decimal text (`Money`), written with the chosen decimal mark.
    pub price: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Semicolon,
    Comma,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The columns' names, for the CSV's first row and the spreadsheet's.
pub fn header(language: Language) -> [&'static str; 11] {
    let words = language.labels();
    let (date, start, end, location, subject) = match language {
        Language::English => ("Date", "Start", "End", "Location", "Doctor or diagnostic"),
        Language::Ukrainian => ("Дата", "Початок", "Кінець", "Філія", "Лікар або діагностика"),
    };
    [
        date,
        start,
        end,
        location,
        subject,
        words.patient,
        words.number,
        words.phone,
        words.status,
        words.price,
        words.message,
    ]
}

/// The rows as CSV bytes, a header row first.
pub fn bookings_csv(rows: &[ExportRow], delimiter: Delimiter, language: Language) -> Result<Vec<u8>, String> {
    let mut out = BOM.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(match delimiter {
                Delimiter::Semicolon => b';',
                Delimiter::Comma => b',',
            })
            .from_writer(&mut out);
        let header = header(language);
        writer.write_record(header).map_err(|e| e.to_string())?;
        for row in rows {
            let starts = row.starts_at.with_timezone(&row.zone);
            let ends = row.ends_at.with_timezone(&row.zone);
            // A comma-separated file keeps the point; with `;` the comma is the decimal mark.
            let price = match delimiter {
                Delimiter::Comma => row.price.clone(),
                Delimiter::Semicolon => row.price.replace('.', ","),
            };
            writer
                .write_record([
                    starts.format("%Y-%m-%d").to_string(),
                    starts.format("%H:%M").to_string(),
                    ends.format("%H:%M").to_string(),
                    row.location.clone(),
                    row.subject.clone(),
                    row.patient.clone(),
                    row.patient_number.to_string(),
                    row.phone.clone().unwrap_or_default(),
                    language.status(row.status).to_string(),
                    price,
                    row.message.clone(),
                ])
                .map_err(|e| e.to_string())?;
        }
        writer.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rows() -> Vec<ExportRow> {
        let zone: Tz = "Europe/Kyiv".parse().unwrap();
        vec![
            ExportRow {
                starts_at: Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap(),
                ends_at: Utc.with_ymd_and_hms(2026, 12, 1, 7, 30, 0).unwrap(),
                zone,
                location: "Центр".into(),
                subject: "Др. Ірина Бондар".into(),
                patient: "Шевченко; Олена \"Оля\"".into(),
                patient_number: 17,
                phone: Some("+380501112233".into()),
                status: BookingStatus::Booked,
                price: "650.00".into(),
                message: "перший рядок\nдругий, з комою".into(),
            },
            ExportRow {
                patient: "Taras Melnyk".into(),
                phone: None,
                status: BookingStatus::NoShow,
                message: String::new(),
                ..rows_first()
            },
        ]
    }

    fn rows_first() -> ExportRow {
        ExportRow {
            starts_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
            zone: "Europe/Kyiv".parse().unwrap(),
            location: "Поділ".into(),
            subject: "МРТ".into(),
            patient: String::new(),
            patient_number: 18,
            phone: None,
            status: BookingStatus::Booked,
            price: "2400.00".into(),
            message: String::new(),
        }
    }

    fn read_back(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
        assert!(bytes.starts_with(BOM), "starts with the byte-order mark");
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .from_reader(&bytes[BOM.len()..])
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn written_and_read_back_the_rows_are_the_same() {
        let bytes = bookings_csv(&rows(), Delimiter::Semicolon, Language::Ukrainian).unwrap();
        let read = read_back(&bytes, b';');
        assert_eq!(read.len(), 3);
        assert_eq!(read[0][0], "Дата");
        assert_eq!(
            read[1],
            [
                "2026-12-01",
                "09:00",
                "09:30",
                "Центр",
                "Др. Ірина Бондар",
                "Шевченко; Олена \"Оля\"",
                "17",
                "+380501112233",
                "Записано",
                "650,00",
                "перший рядок\nдругий, з комою",
            ]
        );
        assert_eq!(read[2][8], "Не прийшов");
        assert_eq!(read[2][7], "", "no phone is an empty field");

        let comma = bookings_csv(&rows(), Delimiter::Comma, Language::English).unwrap();
        let read = read_back(&comma, b',');
        assert_eq!((read[0][0].as_str(), read[1][9].as_str(), read[2][8].as_str()), ("Date", "650.00", "No-show"));
    }
}
