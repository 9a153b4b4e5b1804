//! The clinic's data this computer keeps (the station database: kept
//! boards, patients, queued changes and files, offline sign-ins), and its
//! removal when the computer is handed on, repaired or thrown away.

use clinic_domain::{AppError, AppResult, ValidationCode};
use serde::Serialize;
use specta::Type;

use crate::store_keys;
use crate::Station;

/// What removing the clinic's data from this computer took away.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RemovedData {
    /// Changes made here that never reached the clinic server, now gone.
    pub lost_changes: u32,
}

impl Station {
    /// Removes the station database of the configured clinic server, its
    /// key and what it kept, and signs out (so nothing is pulled again
    /// until someone signs in). Refused while changes made here wait for
    /// the server, unless the person confirmed they will be lost.
    pub async fn remove_clinic_data(&self, confirm_loss: bool) -> AppResult<RemovedData> {
        let _one_at_a_time = self.connecting.lock().await;
        let waiting = match self.current_sync().await {
            Some(sync) => sync.local.pending_count().await? + sync.local.conflict_count().await?,
            None => 0,
        };
        let lost_changes = u32::try_from(waiting).unwrap_or(u32::MAX);
        if lost_changes > 0 && !confirm_loss {
            return Err(AppError::validation(
                "confirmLoss",
                ValidationCode::NotAllowed,
                format!("{lost_changes} changes made here have not reached the clinic server"),
            ));
        }
        self.end_session().await;
        let name = self.close_station_database().await;
        for suffix in ["sqlite", "sqlite-wal", "sqlite-shm", "encrypting"] {
            let file = self.paths.data_dir.join(format!("{name}.{suffix}"));
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(AppError::Internal { reference: clinic_store::log_with_reference(&e) }),
            }
        }
        store_keys::forget_store_key(&self.secrets, &self.paths.config_dir, &name);
        tracing::info!(database = %name, lost_changes, "the clinic's data was removed from this computer");
        Ok(RemovedData { lost_changes })
    }
}
