use clinic_domain::bookings::ResultFile;
use clinic_domain::ids::{BookingId, ResultId};
use clinic_domain::results::{clean_file_name, sniff_media_type};
use clinic_domain::{Actor, AppError, AppResult, Entity};
use sqlx::PgConnection;

use super::catalogue::unknown;
use crate::repo::{audit, bookings, results};
use crate::{commit, Clinic};

/// A result file to attach to a diagnostic booking.
pub struct ResultUpload<'a> {
    /// Made by the station, so a retried upload stores the file once.
    pub result_id: ResultId,
    pub booking_id: BookingId,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

impl Clinic {
    /// Stores a PDF, JPEG or PNG result (type decided by content, size
    /// limited; the database computes its SHA-256), for the booking's patient.
    #[tracing::instrument(skip_all, fields(result = %upload.result_id, booking = %upload.booking_id))]
    pub async fn store_result(&self, upload: &ResultUpload<'_>, actor: &Actor) -> AppResult<ResultFile> {
        let mut tx = self.begin_as(actor).await?;
        self.store_result_tx(&mut tx, upload).await?;
        commit(tx).await?;
        self.result_info(upload.result_id).await
    }

    pub(crate) async fn store_result_tx(&self, tx: &mut PgConnection, upload: &ResultUpload<'_>) -> AppResult<()> {
        let file_name = clean_file_name(upload.file_name)?;
        let media_type = sniff_media_type(upload.bytes)?;
        let booking = bookings::lock(tx, upload.booking_id).await?.ok_or_else(|| unknown("bookingId", "booking"))?;
        booking.subject.accepts_results(booking.facts.status, &booking.facts.visit, self.now())?;
        results::insert(
            tx,
            &results::NewResult {
                id: upload.result_id,
                booking_id: upload.booking_id,
                patient_id: booking.patient_id,
                file_name: &file_name,
                media_type,
                content: upload.bytes,
            },
        )
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn result_info(&self, id: ResultId) -> AppResult<ResultFile> {
        results::select(&mut *self.conn().await?, results::Select::One(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::not_found(Entity::Result, id))
    }

    /// Records in the audit trail that the signed-in login saved a copy of
    /// the result file.
    #[tracing::instrument(skip_all)]
    pub async fn record_result_download(&self, info: &ResultFile) -> AppResult<()> {
        let mut conn = self.conn().await?;
        let (row, no_details) = (info.id.0.to_string(), serde_json::json!({}));
        audit::record_view(&mut conn, "download", "diagnostic_results", &row, Some(info.patient_id), &no_details).await
    }

    /// The stored file and its description.
    #[tracing::instrument(skip_all)]
    pub async fn result_file(&self, id: ResultId) -> AppResult<(ResultFile, Vec<u8>)> {
        let info = self.result_info(id).await?;
        let bytes = results::content(&mut *self.conn().await?, id)
            .await?
            .ok_or_else(|| AppError::not_found(Entity::Result, id))?;
        Ok((info, bytes))
    }

    #[tracing::instrument(skip_all)]
    pub async fn booking_results(&self, booking: BookingId) -> AppResult<Vec<ResultFile>> {
        results::select(&mut *self.conn().await?, results::Select::Booking(booking)).await
    }
}
