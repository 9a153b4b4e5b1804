//! Paper and files: a preview laid out in Rust, printed through the
//! operating system's print dialog, saved as PDF or exported as CSV to the
//! path the native save dialog returned. Each print and file is recorded in
//! the audit trail by the station.

use clinic_domain::documents::{BookingExport, DocumentRequest};
use clinic_domain::AppResult;
use clinic_station::documents::{DocumentPreview, SavedFile};
use clinic_station::Station;
use tauri::State;
use uuid::Uuid;

use crate::chosen::ChosenFiles;
use crate::printer::Printer;

/// Lays a document out for the preview (nothing recorded yet).
#[tauri::command]
#[specta::specta]
pub async fn preview_document(station: State<'_, Station>, request: DocumentRequest) -> AppResult<DocumentPreview> {
    station.preview_document(&request).await
}

/// Records the print, then opens the print dialog on the window, whose
/// print stylesheet shows only the previewed pages.
#[tauri::command]
#[specta::specta]
pub async fn print_document(station: State<'_, Station>, printer: State<'_, Printer>, id: Uuid) -> AppResult<()> {
    station.record_printed(id).await?;
    printer.print()
}

/// Saves the previewed document as PDF at `path` (from the save dialog).
#[tauri::command]
#[specta::specta]
pub async fn save_document_pdf(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    id: Uuid,
    path: String,
) -> AppResult<SavedFile> {
    station.save_document_pdf(id, &chosen.check(&path)?).await
}

/// Writes the bookings of a range as CSV or `.xlsx` at `path` (from the save dialog).
#[tauri::command]
#[specta::specta]
pub async fn export_bookings(
    station: State<'_, Station>,
    chosen: State<'_, ChosenFiles>,
    request: BookingExport,
    path: String,
) -> AppResult<SavedFile> {
    station.export_bookings(&request, &chosen.check(&path)?).await
}
