//! Files the station moves between the desk and the database: result files
//! and photos come from paths chosen in the native file dialog, or (dropped on
//! the window, picked in its file input) as raw chunks staged through the
//! `clinic://` protocol. Large payloads never cross the IPC bridge as JSON
//! arrays, and progress is reported as they go.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use clinic_domain::audit::AuditFilter;
use clinic_domain::bookings::ResultFile;
use clinic_domain::catalogue::{Diagnostic, Doctor};
use clinic_domain::ids::{BookingId, DiagnosticId, DoctorId, IntentId, ResultId};
use clinic_domain::results::{file_too_large, MAX_PHOTO_BYTES, MAX_RESULT_BYTES};
use clinic_domain::{AppError, AppResult, ValidationCode};
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::io::AsyncReadExt;

use crate::Station;

const CHUNK: usize = 256 * 1024;

/// An upload nobody finished within this time is dropped (by
/// [`Staging::sweep`], which the shell runs every minute).
const STAGING_TTL: Duration = Duration::from_secs(15 * 60);
/// The largest chunk the window may send in one request (it sends this much
/// at a time; the bindings carry the number to the UI).
pub const STAGING_CHUNK_BYTES: usize = 1024 * 1024;
/// Uploads staged at once: a station uploads one or two files at a time; a
/// page flooding the staging area is refused before memory runs out.
pub const MAX_STAGED_UPLOADS: usize = 4;

/// Result files arriving from the window in chunks, held in memory (each at
/// most [`MAX_RESULT_BYTES`]) until attached, keyed by the result id the
/// window made for them.
#[derive(Default)]
pub struct Staging {
    uploads: std::sync::Mutex<HashMap<ResultId, Staged>>,
}

struct Staged {
    bytes: Vec<u8>,
    touched: Instant,
}

impl Staging {
    /// Appends `chunk` at `offset` (0 starts the upload afresh); returns the
    /// bytes staged so far.
    pub fn append(&self, result_id: ResultId, offset: u64, chunk: &[u8]) -> AppResult<u64> {
        if chunk.len() > STAGING_CHUNK_BYTES {
            return Err(file_too_large("file", chunk.len() as u64, STAGING_CHUNK_BYTES));
        }
        let mut uploads = self.uploads.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        uploads.retain(|_, staged| staged.touched.elapsed() < STAGING_TTL);
        if offset == 0 {
            uploads.remove(&result_id);
            if uploads.len() >= MAX_STAGED_UPLOADS {
                return Err(AppError::validation(
                    "file",
                    ValidationCode::OutOfRange,
                    format!("{MAX_STAGED_UPLOADS} files are being sent already; wait for one to finish"),
                ));
            }
        }
        let staged = uploads.entry(result_id).or_insert_with(|| Staged { bytes: Vec::new(), touched: Instant::now() });
        if staged.bytes.len() as u64 != offset {
            let expected = staged.bytes.len();
            uploads.remove(&result_id);
            return Err(AppError::validation(
                "file",
                ValidationCode::OutOfRange,
                format!("part of the file went missing (expected byte {expected}, got {offset}); send it again"),
            ));
        }
        let size = staged.bytes.len() + chunk.len();
        if size > MAX_RESULT_BYTES {
            uploads.remove(&result_id);
            return Err(file_too_large("file", size as u64, MAX_RESULT_BYTES));
        }
        staged.bytes.extend_from_slice(chunk);
        staged.touched = Instant::now();
        Ok(size as u64)
    }

    /// Drops uploads nobody touched for [`STAGING_TTL`]; returns how many.
    pub fn sweep(&self) -> usize {
        let mut uploads = self.uploads.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let before = uploads.len();
        uploads.retain(|_, staged| staged.touched.elapsed() < STAGING_TTL);
        before - uploads.len()
    }

    fn take(&self, result_id: ResultId) -> AppResult<Vec<u8>> {
        let mut uploads = self.uploads.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        uploads.remove(&result_id).map(|staged| staged.bytes).ok_or_else(|| {
            AppError::validation("file", ValidationCode::Required, "nothing was sent for this file; send it again")
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum UploadStage {
    Reading,
    Storing,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UploadProgress {
    pub stage: UploadStage,
    pub done_bytes: u32,
    pub total_bytes: u32,
}

/// Reads a whole file chosen by the user, refusing it before reading when it
/// is larger than `limit`; reports progress as it goes.
async fn read_limited(
    path: &Path,
    limit: usize,
    field: &str,
    progress: &impl Fn(UploadProgress),
) -> AppResult<Vec<u8>> {
    let unreadable = |e: std::io::Error| {
        AppError::validation(field, ValidationCode::Unknown, format!("cannot open {}: {e}", path.display()))
    };
    let mut file = tokio::fs::File::open(path).await.map_err(unreadable)?;
    let size = file.metadata().await.map_err(unreadable)?.len();
    if size > limit as u64 {
        return Err(file_too_large(field, size, limit));
    }
    let total = size as u32;
    let mut bytes = Vec::with_capacity(size as usize);
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut chunk).await.map_err(unreadable)?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() > limit {
            return Err(AppError::validation(
                field,
                ValidationCode::TooLarge,
                "the file grew past the limit while being read",
            ));
        }
        progress(UploadProgress { stage: UploadStage::Reading, done_bytes: bytes.len() as u32, total_bytes: total });
    }
    Ok(bytes)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

impl Station {
    /// Attaches the file at `path` to a diagnostic booking.
    pub async fn attach_result_file(
        &self,
        result_id: ResultId,
        booking_id: BookingId,
        path: &Path,
        progress: impl Fn(UploadProgress),
    ) -> AppResult<ResultFile> {
        let bytes = read_limited(path, MAX_RESULT_BYTES, "file", &progress).await?;
        self.store_result(result_id, booking_id, &file_name(path), &bytes, progress).await
    }

    /// Drops staged uploads nobody finished (the shell calls it every minute).
    pub fn sweep_staging(&self) -> usize {
        self.staging.sweep()
    }

    /// Chunks of a result file sent from the window (see [`Staging`]).
    pub fn stage_result_chunk(&self, result_id: ResultId, offset: u64, chunk: &[u8]) -> AppResult<u64> {
        self.staging.append(result_id, offset, chunk)
    }

    /// Attaches a file staged in chunks under `result_id` to a diagnostic booking.
    pub async fn attach_staged_result(
        &self,
        result_id: ResultId,
        booking_id: BookingId,
        file_name: &str,
        progress: impl Fn(UploadProgress),
    ) -> AppResult<ResultFile> {
        let bytes = self.staging.take(result_id)?;
        self.store_result(result_id, booking_id, file_name, &bytes, progress).await
    }

    async fn store_result(
        &self,
        result_id: ResultId,
        booking_id: BookingId,
        file_name: &str,
        bytes: &[u8],
        progress: impl Fn(UploadProgress),
    ) -> AppResult<ResultFile> {
        let total = bytes.len() as u32;
        progress(UploadProgress { stage: UploadStage::Storing, done_bytes: total, total_bytes: total });
        let stored = self.submit_result(result_id, booking_id, file_name, bytes).await?;
        progress(UploadProgress { stage: UploadStage::Done, done_bytes: total, total_bytes: total });
        Ok(stored)
    }

    /// Writes the filtered audit trail to `path` as CSV (written whole, then
    /// renamed into place); the export is recorded in the trail. Returns
    /// how many events it holds.
    pub async fn export_audit_csv(&self, filter: &AuditFilter, path: &Path) -> AppResult<usize> {
        let (count, csv) = self.reader().await?.export_audit_csv(filter).await?;
        let cannot = |e: std::io::Error| {
            AppError::validation("path", ValidationCode::NotAllowed, format!("cannot write {}: {e}", path.display()))
        };
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, csv.as_bytes()).await.map_err(cannot)?;
        tokio::fs::rename(&partial, path).await.map_err(cannot)?;
        Ok(count)
    }

    /// Writes a stored result to `path` (written whole, then renamed into
    /// place, so a half-written copy never appears under the chosen name).
    pub async fn save_result_copy(&self, result_id: ResultId, path: &Path) -> AppResult<ResultFile> {
        let clinic = self.reader().await?;
        let (info, bytes) = clinic.result_file(result_id).await?;
        let cannot = |e: std::io::Error| {
            AppError::validation("path", ValidationCode::NotAllowed, format!("cannot write {}: {e}", path.display()))
        };
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, &bytes).await.map_err(cannot)?;
        tokio::fs::rename(&partial, path).await.map_err(cannot)?;
        clinic.record_result_download(&info).await?;
        Ok(info)
    }

    /// Saves the file kept with a conflict (a result the server refused or
    /// never took) where the person chose; returns its byte count.
    pub async fn save_conflict_file(&self, intent_id: IntentId, path: &Path) -> AppResult<u32> {
        self.desk_open().await?;
        let bytes = self.sync().await?.local.conflict_file(intent_id).await?.ok_or_else(|| {
            AppError::validation("intentId", ValidationCode::Unknown, "no file is kept with this conflict")
        })?;
        let cannot = |e: std::io::Error| {
            AppError::validation("path", ValidationCode::NotAllowed, format!("cannot write {}: {e}", path.display()))
        };
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, &bytes).await.map_err(cannot)?;
        tokio::fs::rename(&partial, path).await.map_err(cannot)?;
        // Result files are capped far below 4 GiB (MAX_RESULT_BYTES).
        Ok(u32::try_from(bytes.len()).unwrap_or(u32::MAX))
    }

    /// Sets (or with `None` removes) a doctor's photo from an image file.
    pub async fn set_doctor_photo_file(&self, doctor: DoctorId, path: Option<&Path>) -> AppResult<Doctor> {
        let clinic = self.writer().await?;
        let image = match path {
            Some(path) => Some(read_limited(path, MAX_PHOTO_BYTES, "photo", &|_| {}).await?),
            None => None,
        };
        clinic.set_doctor_photo(doctor, image.as_deref()).await
    }

    pub async fn set_diagnostic_photo_file(
        &self,
        diagnostic: DiagnosticId,
        path: Option<&Path>,
    ) -> AppResult<Diagnostic> {
        let clinic = self.writer().await?;
        let image = match path {
            Some(path) => Some(read_limited(path, MAX_PHOTO_BYTES, "photo", &|_| {}).await?),
            None => None,
        };
        clinic.set_diagnostic_photo(diagnostic, image.as_deref()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_caps_chunks_and_uploads_and_sweeps_the_abandoned() {
        let staging = Staging::default();
        let too_big = vec![0u8; STAGING_CHUNK_BYTES + 1];
        assert_eq!(staging.append(ResultId::generate(), 0, &too_big).unwrap_err().field(), Some("file"));
        let ids: Vec<_> = (0..MAX_STAGED_UPLOADS).map(|_| ResultId::generate()).collect();
        for id in &ids {
            assert_eq!(staging.append(*id, 0, b"%PDF").unwrap(), 4);
        }
        let one_more = staging.append(ResultId::generate(), 0, b"%PDF").unwrap_err();
        assert_eq!(one_more.field(), Some("file"), "at most {MAX_STAGED_UPLOADS} uploads at once");
        assert_eq!(staging.append(ids[0], 4, b"-1.4").unwrap(), 8, "the ones under way go on");

        assert_eq!(staging.sweep(), 0, "nothing abandoned yet");
        let long_ago = Instant::now().checked_sub(STAGING_TTL + Duration::from_secs(1)).expect("a past instant");
        staging.uploads.lock().unwrap().get_mut(&ids[1]).unwrap().touched = long_ago;
        assert_eq!(staging.sweep(), 1);
        assert!(staging.take(ids[1]).is_err(), "swept");
        assert_eq!(staging.take(ids[0]).unwrap(), b"%PDF-1.4");
    }
}
