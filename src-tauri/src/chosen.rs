//! Files the person chose. The window never names a path the shell reads or
//! writes: it asks the shell to open the native dialog (`choose_file`,
//! `choose_save_path`), and only the paths that dialog returned in this run
//! of the app are accepted by the file commands. A compromised page can
//! thus neither read an arbitrary file (as a "result" or a "photo") nor
//! write one anywhere.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use clinic_domain::{AppError, AppResult, ValidationCode};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::Wry;
use tauri_plugin_dialog::Dialog;

/// What the dialog is for: its title filter and file types, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FileChoice {
    /// A scan or report to attach (PDF, PNG, JPEG).
    Result,
    /// A doctor's or diagnostic's photo.
    Photo,
    /// The clinic's CA certificate for Settings.
    CaCertificate,
    /// Where to save a copy of a result (or of a file kept with a conflict).
    ResultCopy,
    /// Where to export the audit trail.
    AuditCsv,
    /// Where to save a document as PDF.
    Pdf,
    /// Where to export bookings for a spreadsheet.
    BookingsCsv,
    BookingsXlsx,
}

impl FileChoice {
    fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            FileChoice::Result | FileChoice::ResultCopy => ("PDF, PNG, JPEG", &["pdf", "png", "jpg", "jpeg"]),
            FileChoice::Photo => ("Images", &["jpg", "jpeg", "png", "webp"]),
            FileChoice::CaCertificate => ("Certificates", &["crt", "pem", "cer"]),
            FileChoice::AuditCsv | FileChoice::BookingsCsv => ("CSV", &["csv"]),
            FileChoice::Pdf => ("PDF", &["pdf"]),
            FileChoice::BookingsXlsx => ("Excel", &["xlsx"]),
        }
    }
}

/// The paths the native dialog returned in this run of the app.
#[derive(Default)]
pub struct ChosenFiles {
    paths: Mutex<HashSet<PathBuf>>,
    /// The app's dialogs (none under the tests' mock runtime).
    dialog: Option<Dialog<Wry>>,
}

impl ChosenFiles {
    pub fn new(dialog: Dialog<Wry>) -> ChosenFiles {
        ChosenFiles { paths: Mutex::default(), dialog: Some(dialog) }
    }

    /// Records a path the dialog returned (tests record their own files).
    pub fn remember(&self, path: PathBuf) {
        self.paths.lock().expect("not poisoned").insert(path);
    }

    /// `path` if the dialog returned it; anything else is refused.
    pub fn check(&self, path: &str) -> AppResult<PathBuf> {
        let path = PathBuf::from(path);
        if self.paths.lock().expect("not poisoned").contains(&path) {
            Ok(path)
        } else {
            tracing::warn!(path = %path.display(), "a file command named a path the dialog did not return");
            Err(AppError::validation("path", ValidationCode::NotAllowed, "choose the file in the dialog"))
        }
    }

    /// Opens the native dialog to pick a file; the path it returns is accepted afterwards.
    pub async fn pick(&self, choice: FileChoice) -> Option<String> {
        let (name, extensions) = choice.filter();
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.dialog.as_ref()?.file().add_filter(name, extensions).pick_file(move |picked| drop(tx.send(picked)));
        let path = rx.await.ok().flatten()?.into_path().ok()?;
        self.remember(path.clone());
        Some(path.display().to_string())
    }

    /// Opens the native save dialog; the path it returns is accepted afterwards.
    pub async fn pick_save(&self, choice: FileChoice, name: &str) -> Option<String> {
        let (filter, extensions) = choice.filter();
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.dialog
            .as_ref()?
            .file()
            .add_filter(filter, extensions)
            .set_file_name(name)
            .save_file(move |picked| drop(tx.send(picked)));
        let path = rx.await.ok().flatten()?.into_path().ok()?;
        self.remember(path.clone());
        Some(path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_the_dialog_returned_are_accepted() {
        let chosen = ChosenFiles::default();
        chosen.remember(PathBuf::from("/home/desk/scan.pdf"));
        assert!(chosen.check("/home/desk/scan.pdf").is_ok());
        for other in ["/etc/shadow", "/home/desk/scan.pdf.lnk", "/home/desk/../desk/scan.pdf", ""] {
            let refused = chosen.check(other).unwrap_err();
            assert_eq!(refused.field(), Some("path"), "{other}");
        }
    }
}
