//! What reception prints or saves, as the window asks for it, and how each
//! print or file is recorded in the audit trail. The documents themselves
//! are laid out by the `clinic-documents` crate.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::bookings::{BookingStatus, BookingSubject};
use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::{BookingId, LocationId, PatientId};

/// Paper the documents fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Paper {
    A4,
    Letter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// A document the desk can preview, print and save as PDF. `language` is
/// the window's language tag ("en", "uk"): paper speaks it too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "document", rename_all = "camelCase")]
pub enum DocumentRequest {
    /// A location's day, for one doctor or diagnostic or (`subject` none) all of them.
    #[serde(rename_all = "camelCase")]
    DaySheet {
        location_id: LocationId,
        date: NaiveDate,
        subject: Option<BookingSubject>,
        paper: Paper,
        orientation: Orientation,
        language: String,
    },
    /// The appointment slip handed to the patient.
    #[serde(rename_all = "camelCase")]
    Slip { booking_id: BookingId, paper: Paper, language: String },
    /// A patient's upcoming bookings, and past ones when asked.
    #[serde(rename_all = "camelCase")]
    VisitList { patient_id: PatientId, include_past: bool, paper: Paper, language: String },
    /// A location's weekly working hours and each doctor's there.
    #[serde(rename_all = "camelCase")]
    WorkingHours { location_id: LocationId, paper: Paper, language: String },
}

impl DocumentRequest {
    pub fn language(&self) -> &str {
        match self {
            DocumentRequest::DaySheet { language, .. }
            | DocumentRequest::Slip { language, .. }
            | DocumentRequest::VisitList { language, .. }
            | DocumentRequest::WorkingHours { language, .. } => language,
        }
    }
}

/// Bookings for the accountant's spreadsheet: a range of dates (in each
/// location's own calendar), narrowed by location, doctor or diagnostic
/// and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookingExport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub location_id: Option<LocationId>,
    pub subject: Option<BookingSubject>,
    /// Empty: every status.
    #[serde(default)]
    pub statuses: Vec<BookingStatus>,
    pub format: ExportFormat,
    pub language: String,
}

/// The longest range one export covers: a year, so a mistyped year cannot
/// ask the server for a decade.
pub const EXPORT_MAX_DAYS: i32 = 366;

impl BookingExport {
    pub fn validate(&self) -> AppResult<()> {
        if self.to < self.from {
            return Err(AppError::validation("to", ValidationCode::OutOfRange, "the range ends before it starts"));
        }
        if (self.to - self.from).num_days() >= i64::from(EXPORT_MAX_DAYS) {
            return Err(AppError::validation_within(
                "to",
                ValidationCode::OutOfRange,
                crate::values::Bounds::new(1, EXPORT_MAX_DAYS),
                "one export covers at most a year",
            ));
        }
        Ok(())
    }
}

/// The export's file: CSV with `;` between fields where the decimal mark
/// is a comma (and spreadsheet programs expect it), with `,` elsewhere; or
/// an Excel workbook with typed dates and prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    CsvSemicolon,
    CsvComma,
    Xlsx,
}

impl ExportFormat {
    pub fn output(self) -> Output {
        match self {
            ExportFormat::CsvSemicolon | ExportFormat::CsvComma => Output::Csv,
            ExportFormat::Xlsx => Output::Xlsx,
        }
    }
}

/// Which document left the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DocumentKind {
    DaySheet,
    Slip,
    VisitList,
    WorkingHours,
    BookingsExport,
}

impl DocumentKind {
    /// The table whose rows it shows, as the audit trail names it.
    pub fn table(self) -> &'static str {
        match self {
            DocumentKind::DaySheet | DocumentKind::Slip | DocumentKind::VisitList | DocumentKind::BookingsExport => {
                "bookings"
            }
            DocumentKind::WorkingHours => "location_hours",
        }
    }
}

/// How it left: on paper, or as a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Output {
    Print,
    Pdf,
    Csv,
    Xlsx,
}

impl Output {
    /// The audit trail's action: a print, or an export to a file.
    pub fn audit_action(self) -> &'static str {
        match self {
            Output::Print => "print",
            Output::Pdf | Output::Csv | Output::Xlsx => "export",
        }
    }
}

/// What the audit trail records of a print or a saved file: which document,
/// what it covered (a location and date, a booking, a patient, a range),
/// how many rows, and whether it came from the station's kept copy. The
/// database adds who, when and from which station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OutputRecord {
    pub document: DocumentKind,
    pub output: Output,
    /// What it covered, in words ("Centre 2026-12-01", a booking's id).
    pub covering: String,
    /// The one patient it is about, if any (a slip, a visit list).
    pub patient_id: Option<PatientId>,
    pub rows: u32,
    /// Printed from the station's kept boards while the server was out of reach.
    pub offline: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_covers_a_forward_range_of_at_most_a_year() {
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let export = |from: &str, to: &str| BookingExport {
            from: day(from),
            to: day(to),
            location_id: None,
            subject: None,
            statuses: vec![],
            format: ExportFormat::CsvSemicolon,
            language: "en".into(),
        };
        assert!(export("2026-12-01", "2026-12-01").validate().is_ok());
        assert!(export("2026-01-01", "2026-12-31").validate().is_ok());
        assert_eq!(export("2026-12-02", "2026-12-01").validate().unwrap_err().field(), Some("to"));
        assert_eq!(export("2026-01-01", "2027-01-02").validate().unwrap_err().field(), Some("to"));
    }

    #[test]
    fn prints_and_files_are_told_apart_in_the_trail() {
        assert_eq!(Output::Print.audit_action(), "print");
        assert_eq!(Output::Pdf.audit_action(), "export");
        assert_eq!(DocumentKind::WorkingHours.table(), "location_hours");
    }
}
