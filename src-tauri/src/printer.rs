//! The operating system's print dialog for the app's window. What it prints
//! is the window's print stylesheet: only the previewed pages.

use clinic_domain::{AppError, AppResult};
use tauri::{AppHandle, Manager, Wry};

/// The app (none under the tests' mock runtime, which has no printer).
#[derive(Default)]
pub struct Printer {
    app: Option<AppHandle<Wry>>,
}

impl Printer {
    pub fn new(app: AppHandle<Wry>) -> Printer {
        Printer { app: Some(app) }
    }

    /// Opens the print dialog on the main window.
    pub fn print(&self) -> AppResult<()> {
        let window = self.app.as_ref().and_then(|app| app.get_webview_window("main"));
        let window = window.ok_or_else(|| AppError::Internal { reference: "no window to print".into() })?;
        window.print().map_err(|e| clinic_store::internal(&e))
    }
}
