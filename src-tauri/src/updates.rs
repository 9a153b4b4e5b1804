//! Application updates through the updater plugin: signed packages (the
//! public key is in tauri.conf.json), fetched from the address built in or
//! the one the clinic set in the settings, and installed only when the
//! station's update gate (`clinic_station::updates`) allows it against the
//! clinic's database. An update's manifest carries `schema`: the newest
//! migration the new version was built with.

use clinic_domain::{AppError, AppResult, ValidationCode};
use clinic_station::updates::UpdateVerdict;
use clinic_station::Station;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Wry};
use tauri_plugin_updater::{Update, UpdaterExt};
use tokio::sync::Mutex;

/// The app's updater, with the update found by the last check kept for "install".
pub struct Updates {
    app: AppHandle<Wry>,
    pending: Mutex<Option<Update>>,
}

/// A newer version on offer, and whether this station may take it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOffer {
    pub version: String,
    pub current_version: String,
    pub notes: Option<String>,
    /// The migration the update was built with, as its manifest says.
    pub required_schema: Option<String>,
    pub verdict: UpdateVerdict,
}

fn unreachable(e: tauri_plugin_updater::Error) -> AppError {
    log::warn!("update check failed: {e}");
    AppError::Offline { message: format!("the update server could not be reached or answered wrongly: {e}") }
}

fn required_schema(update: &Update) -> Option<i64> {
    update.raw_json.get("schema").and_then(|s| s.as_i64().or_else(|| s.as_str()?.parse().ok()))
}

impl Updates {
    pub fn new(app: AppHandle<Wry>) -> Updates {
        Updates { app, pending: Mutex::new(None) }
    }

    /// Asks the update server; `None` when this is the newest version.
    pub async fn check(&self, station: &Station) -> AppResult<Option<UpdateOffer>> {
        let mut builder = self.app.updater_builder();
        if let Some(endpoint) = station.settings().await.update_endpoint {
            let url = endpoint
                .parse()
                .map_err(|_| AppError::validation("updateEndpoint", ValidationCode::InvalidFormat, "not an address"))?;
            builder = builder.endpoints(vec![url]).map_err(unreachable)?;
        }
        let found = builder.build().map_err(unreachable)?.check().await.map_err(unreachable)?;
        let Some(update) = found else {
            *self.pending.lock().await = None;
            return Ok(None);
        };
        let required = required_schema(&update);
        let offer = UpdateOffer {
            version: update.version.clone(),
            current_version: update.current_version.clone(),
            notes: update.body.clone(),
            required_schema: required.map(|v| v.to_string()),
            verdict: station.update_verdict(required).await?,
        };
        *self.pending.lock().await = Some(update);
        Ok(Some(offer))
    }

    /// Downloads, verifies and installs the update found by the last check
    /// (the gate is asked again: the database may have changed), then restarts.
    pub async fn install(&self, station: &Station) -> AppResult<()> {
        let Some(update) = self.pending.lock().await.take() else {
            return Err(AppError::validation("update", ValidationCode::Required, "check for updates first"));
        };
        if let UpdateVerdict::Refused { reason } = station.update_verdict(required_schema(&update)).await? {
            return Err(AppError::validation("update", ValidationCode::NotAllowed, reason));
        }
        update.download_and_install(|_, _| {}, || {}).await.map_err(unreachable)?;
        self.app.restart()
    }
}
