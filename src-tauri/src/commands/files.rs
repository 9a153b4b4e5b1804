//! The native file dialogs, opened by the shell so that it knows which paths
//! the person chose (`ChosenFiles`); the file commands accept only those.

use clinic_domain::AppResult;
use tauri::State;

use crate::chosen::{ChosenFiles, FileChoice};

/// Opens the native dialog to choose a file; `null` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_file(chosen: State<'_, ChosenFiles>, choice: FileChoice) -> AppResult<Option<String>> {
    Ok(chosen.pick(choice).await)
}

/// Opens the native save dialog with `name` suggested; `null` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_save_path(
    chosen: State<'_, ChosenFiles>,
    choice: FileChoice,
    name: String,
) -> AppResult<Option<String>> {
    Ok(chosen.pick_save(choice, &name).await)
}
