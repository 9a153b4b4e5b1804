//! Documents a desk prints or saves, built from what the desk reads: from
//! the server, or offline from the station's kept boards (the page then
//! says "printed offline, may be out of date"). A preview records nothing;
//! printing it or saving it as PDF, and every export, is recorded in the
//! audit trail (queued like any change while offline).
//!
//! The desk prints and saves exactly what it previewed: a preview is kept
//! here under an id, and Print and Save as PDF name that id.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use clinic_documents::csv_export::{bookings_csv, Delimiter, ExportRow};
use clinic_documents::day_sheet::{day_sheet, DaySheet, SheetOptions, SheetRow, SheetSection};
use clinic_documents::slip::{slip_document, Slip};
use clinic_documents::visits::{visits_document, Visit, VisitList};
use clinic_documents::working_hours::{week_document, HoursRow, WeekOfHours};
use clinic_documents::xlsx_export::bookings_xlsx;
use clinic_documents::{Document, Language};
use clinic_domain::bookings::{Booking, BookingSubject, DayBoard};
use clinic_domain::catalogue::{DoctorFilter, Location};
use clinic_domain::documents::{
    BookingExport, DocumentKind, DocumentRequest, ExportFormat, Output, OutputRecord, Paper,
};
use clinic_domain::ids::{LocationId, PatientId};
use clinic_domain::intents::Intent;
use clinic_domain::values::parse_time_zone;
use clinic_domain::{AppError, AppResult, ValidationCode};
use serde::Serialize;
use specta::Type;
use uuid::Uuid;

use crate::desk::{within, CALL_DEADLINE};
use crate::offline;
use crate::Station;

/// A document laid out for the window's preview, under the id that Print
/// and Save as PDF name.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentPreview {
    pub id: Uuid,
    pub document: Document,
    /// Built from the station's kept copy: the pages say so too.
    pub offline: bool,
}

/// A file written where the person chose.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    pub bytes: u32,
    /// Bookings (or rows) in it.
    pub rows: u32,
}

struct Kept {
    id: Uuid,
    document: Document,
    record: OutputRecord,
}

/// The last few previews; older ones are forgotten (the window asks again).
#[derive(Default)]
pub struct Previews {
    kept: Mutex<VecDeque<Kept>>,
}

const PREVIEWS_KEPT: usize = 8;

impl Previews {
    fn keep(&self, document: Document, record: OutputRecord) -> Uuid {
        let id = Uuid::now_v7();
        let mut kept = self.kept.lock().expect("not poisoned");
        if kept.len() == PREVIEWS_KEPT {
            kept.pop_front();
        }
        kept.push_back(Kept { id, document, record });
        id
    }

    fn get(&self, id: Uuid) -> AppResult<(Document, OutputRecord)> {
        let kept = self.kept.lock().expect("not poisoned");
        kept.iter()
            .find(|k| k.id == id)
            .map(|k| (k.document.clone(), k.record.clone()))
            .ok_or_else(|| AppError::validation("documentId", ValidationCode::Unknown, "preview the document again"))
    }

    /// Nothing one person previewed is printed under another's login.
    pub(crate) fn forget_all(&self) {
        self.kept.lock().expect("not poisoned").clear();
    }
}

impl Station {
    /// Lays the document out for the preview; records nothing yet.
    pub async fn preview_document(&self, request: &DocumentRequest) -> AppResult<DocumentPreview> {
        self.desk_open().await?;
        let language = Language::from_tag(request.language());
        let (document, record) = match request {
            DocumentRequest::DaySheet { location_id, date, subject, paper, orientation, .. } => {
                let options = SheetOptions { paper: *paper, orientation: *orientation, language };
                self.day_sheet(*location_id, *date, *subject, options).await?
            }
            DocumentRequest::Slip { booking_id, paper, .. } => {
                let (booking, offline) = self
                    .read(
                        async |clinic| Ok((clinic.get_booking(*booking_id).await?, false)),
                        async |local| {
                            let kept = local.get_booking(*booking_id).await?;
                            Ok((kept.ok_or_else(|| offline::not_kept("this booking"))?, true))
                        },
                    )
                    .await?;
                self.slip(&booking, offline, *paper, language).await?
            }
            DocumentRequest::VisitList { patient_id, include_past, paper, .. } => {
                self.visit_list(*patient_id, *include_past, *paper, language).await?
            }
            DocumentRequest::WorkingHours { location_id, paper, .. } => {
                self.working_hours(*location_id, *paper, language).await?
            }
        };
        let offline = record.offline;
        let id = self.previews.keep(document.clone(), record);
        Ok(DocumentPreview { id, document, offline })
    }

    /// The previewed document went to the printer: recorded in the trail.
    pub async fn record_printed(&self, id: Uuid) -> AppResult<()> {
        self.desk_open().await?;
        let (_, record) = self.previews.get(id)?;
        self.record_output(OutputRecord { output: Output::Print, ..record }).await
    }

    /// The previewed document as a PDF at `path` (from the save dialog).
    pub async fn save_document_pdf(&self, id: Uuid, path: &Path) -> AppResult<SavedFile> {
        self.desk_open().await?;
        let (document, record) = self.previews.get(id)?;
        let pdf = document.pdf().map_err(|e| clinic_store::internal(&e))?;
        write_file(path, &pdf).await?;
        self.record_output(OutputRecord { output: Output::Pdf, ..record }).await?;
        Ok(SavedFile { path: path.display().to_string(), bytes: size(pdf.len()), rows: document.rows })
    }

    /// Bookings of a range as CSV or `.xlsx` at `path` (from the save
    /// dialog). Needs the server: the station keeps only a few weeks.
    pub async fn export_bookings(&self, export: &BookingExport, path: &Path) -> AppResult<SavedFile> {
        self.desk_open().await?;
        export.validate()?;
        let rows = self.reader().await?.export_bookings(export).await?;
        let rows = rows
            .into_iter()
            .map(|row| {
                Ok(ExportRow {
                    zone: parse_time_zone("timeZone", &row.time_zone)?,
                    starts_at: row.starts_at,
                    ends_at: row.ends_at,
                    location: row.location,
                    subject: row.subject_name,
                    patient: row.patient,
                    patient_number: row.patient_number,
                    phone: row.phone,
                    status: row.status,
                    price: row.price.to_string(),
                    message: row.message,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let language = Language::from_tag(&export.language);
        let bytes = match export.format {
            ExportFormat::CsvSemicolon => bookings_csv(&rows, Delimiter::Semicolon, language),
            ExportFormat::CsvComma => bookings_csv(&rows, Delimiter::Comma, language),
            ExportFormat::Xlsx => bookings_xlsx(&rows, language),
        }
        .map_err(|e| clinic_store::internal(&e))?;
        write_file(path, &bytes).await?;
        let mut covering = format!("{} – {}", export.from, export.to);
        if let Some(location) = export.location_id {
            covering.push_str(&format!(", location {location}"));
        }
        self.record_output(OutputRecord {
            document: DocumentKind::BookingsExport,
            output: export.format.output(),
            covering,
            patient_id: None,
            rows: size(rows.len()),
            offline: false,
        })
        .await?;
        Ok(SavedFile { path: path.display().to_string(), bytes: size(bytes.len()), rows: size(rows.len()) })
    }

    /// Straight into the trail when the server answers (any staff member
    /// may record what they printed); queued for when it is back otherwise.
    async fn record_output(&self, record: OutputRecord) -> AppResult<()> {
        if let Some(clinic) = self.connected().await {
            match within(CALL_DEADLINE, clinic.record_output(&record)).await {
                Err(AppError::Offline { .. }) if self.works_offline().await => {}
                answered => return answered,
            }
        }
        self.submit(Intent::RecordOutput { record }, None).await.map(drop)
    }

    async fn day_sheet(
        &self,
        location_id: LocationId,
        date: NaiveDate,
        subject: Option<BookingSubject>,
        options: SheetOptions,
    ) -> AppResult<(Document, OutputRecord)> {
        let (mut board, phones, offline) = self
            .read(
                async |clinic| {
                    let board = clinic.day_board(location_id, date).await?;
                    let phones = clinic.patient_phones(&patients_on(&board)).await?;
                    Ok((board, phones, false))
                },
                async |local| {
                    let board = offline::day_board(local, location_id, date, Utc::now()).await?;
                    let mut phones = Vec::new();
                    for id in patients_on(&board) {
                        if let Some(patient) = local.get_patient(id).await? {
                            phones.push((id, patient.phone));
                        }
                    }
                    Ok((board, phones, true))
                },
            )
            .await?;
        if let Some(only) = subject {
            board.columns.retain(|column| column.subject == only);
            if board.columns.is_empty() {
                return Err(AppError::validation("subject", ValidationCode::Unknown, "not on this day's board"));
            }
        }
        let printed_by = self.actor().await?.name().to_string();
        let sheet = sheet_of(&board, &phones, printed_by, offline)?;
        let mut covering = format!("{} {date}", board.location.name);
        if let (Some(_), [only]) = (subject, sheet.sections.as_slice()) {
            covering = format!("{covering}, {}", only.title);
        }
        let document = day_sheet(&sheet, options);
        let record = record_of(DocumentKind::DaySheet, covering, None, &document, offline);
        Ok((document, record))
    }

    async fn slip(
        &self,
        booking: &Booking,
        offline: bool,
        paper: Paper,
        language: Language,
    ) -> AppResult<(Document, OutputRecord)> {
        let location = self.location(booking.location_id).await?;
        let (detail, preparation) = match booking.subject {
            BookingSubject::Doctor { doctor_id } => {
                let doctors = self.list_doctors(&DoctorFilter::default()).await?;
                let specialty = doctors.into_iter().find(|d| d.id == doctor_id).map(|d| d.specialty_name);
                (specialty.unwrap_or_default(), String::new())
            }
            BookingSubject::Diagnostic { diagnostic_id } => {
                let diagnostics = self.list_diagnostics(true).await?;
                let diagnostic = diagnostics.into_iter().find(|d| d.id == diagnostic_id);
                (String::new(), diagnostic.map(|d| d.preparation).unwrap_or_default())
            }
        };
        let slip = Slip {
            patient: booking.patient_name.clone(),
            patient_number: booking.patient_number,
            subject: booking.subject_name.clone(),
            detail,
            location: location.name,
            address: location.address,
            location_phone: location.phone,
            zone: parse_time_zone("timeZone", &location.time_zone)?,
            starts_at: booking.starts_at,
            ends_at: booking.ends_at,
            price: booking.price.to_string(),
            preparation,
            booking_id: booking.id.0.to_string(),
            offline,
        };
        let document = slip_document(&slip, paper, language);
        let record =
            record_of(DocumentKind::Slip, booking.id.0.to_string(), Some(booking.patient_id), &document, offline);
        Ok((document, record))
    }

    /// Needs the server: the station keeps a few weeks of boards, not a
    /// patient's history.
    async fn visit_list(
        &self,
        patient_id: PatientId,
        include_past: bool,
        paper: Paper,
        language: Language,
    ) -> AppResult<(Document, OutputRecord)> {
        let clinic = self.reader().await?;
        let patient = clinic.get_patient(patient_id).await?;
        let locations = clinic.list_locations(true).await?;
        let now = Utc::now();
        let mut visits = Vec::new();
        for booking in clinic.patient_bookings(patient_id).await? {
            if !include_past && booking.ends_at < now {
                continue;
            }
            let Some(location) = locations.iter().find(|l| l.id == booking.location_id) else { continue };
            visits.push(Visit {
                starts_at: booking.starts_at,
                ends_at: booking.ends_at,
                zone: parse_time_zone("timeZone", &location.time_zone)?,
                subject: booking.subject_name,
                location: location.name.clone(),
                address: location.address.clone(),
                status: booking.status,
                price: booking.price.to_string(),
            });
        }
        let list = VisitList { patient: patient.full_name, patient_number: patient.patient_number, visits };
        let document = visits_document(&list, paper, language);
        let covering = if include_past { "all visits" } else { "upcoming visits" };
        let record = record_of(DocumentKind::VisitList, covering.into(), Some(patient_id), &document, false);
        Ok((document, record))
    }

    /// Needs the server: the station keeps boards, not the weekly templates.
    async fn working_hours(
        &self,
        location_id: LocationId,
        paper: Paper,
        language: Language,
    ) -> AppResult<(Document, OutputRecord)> {
        let clinic = self.reader().await?;
        let location = clinic.get_location(location_id).await?;
        let mut rows = vec![HoursRow {
            name: location.name.clone(),
            detail: String::new(),
            week: clinic.location_week(location_id).await?,
        }];
        let filter = DoctorFilter { location_id: Some(location_id), ..DoctorFilter::default() };
        for doctor in clinic.list_doctors(&filter).await? {
            let week = clinic.doctor_week(doctor.id, location_id).await?;
            rows.push(HoursRow { name: doctor.full_name, detail: doctor.specialty_name, week });
        }
        let week = WeekOfHours {
            location: location.name.clone(),
            address: location.address,
            time_zone: location.time_zone,
            rows,
        };
        let document = week_document(&week, paper, language);
        let record = record_of(DocumentKind::WorkingHours, location.name, None, &document, false);
        Ok((document, record))
    }

    async fn location(&self, id: LocationId) -> AppResult<Location> {
        self.list_locations(true)
            .await?
            .into_iter()
            .find(|l| l.id == id)
            .ok_or_else(|| AppError::not_found(clinic_domain::Entity::Location, id))
    }
}

fn record_of(
    document_kind: DocumentKind,
    covering: String,
    patient_id: Option<PatientId>,
    document: &Document,
    offline: bool,
) -> OutputRecord {
    // The output is set when it happens (print or PDF).
    OutputRecord { document: document_kind, output: Output::Print, covering, patient_id, rows: document.rows, offline }
}

async fn write_file(path: &Path, bytes: &[u8]) -> AppResult<()> {
    tokio::fs::write(path, bytes).await.map_err(|e| {
        tracing::warn!(path = %path.display(), error = %e, "could not write the file");
        AppError::validation("path", ValidationCode::NotAllowed, format!("could not write the file: {}", e.kind()))
    })
}

fn size(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn patients_on(board: &DayBoard) -> Vec<PatientId> {
    let mut ids: Vec<PatientId> = board.bookings.iter().map(|b| b.patient_id).collect();
    ids.sort_by_key(|id| id.0);
    ids.dedup();
    ids
}

/// The board as the sheet shows it: the board's columns in order, each with
/// the bookings that still hold their time, in time order.
fn sheet_of(
    board: &DayBoard,
    phones: &[(PatientId, Option<String>)],
    printed_by: String,
    offline: bool,
) -> AppResult<DaySheet> {
    let zone = parse_time_zone("timeZone", &board.location.time_zone)?;
    let phone_of = |id: PatientId| phones.iter().find(|(p, _)| *p == id).and_then(|(_, phone)| phone.clone());
    let sections = board
        .columns
        .iter()
        .map(|column| {
            let mut bookings: Vec<_> =
                board.bookings.iter().filter(|b| b.subject == column.subject && b.holds_slot).collect();
            bookings.sort_by_key(|b| b.starts_at);
            SheetSection {
                title: column.name.clone(),
                detail: column.detail.clone(),
                rows: bookings
                    .into_iter()
                    .map(|b| SheetRow {
                        starts_at: b.starts_at,
                        ends_at: b.ends_at,
                        patient: b.patient_name.clone(),
                        patient_number: b.patient_number,
                        phone: phone_of(b.patient_id),
                        status: b.status,
                        message: b.patient_message.clone(),
                        price: b.price.to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(DaySheet {
        location: board.location.name.clone(),
        address: board.location.address.clone(),
        zone,
        date: board.date,
        printed_by,
        printed_at: Utc::now(),
        offline,
        sections,
    })
}
