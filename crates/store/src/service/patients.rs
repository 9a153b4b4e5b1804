use clinic_domain::bookings::{Booking, ResultFile};
use clinic_domain::ids::PatientId;
use clinic_domain::patients::{Patient, PatientInput, PatientQuery, PossibleDuplicate};
use clinic_domain::{Actor, AppError, AppResult, Entity, ValidationCode};
use sqlx::PgConnection;

use super::missing_or_stale;
use crate::repo::{audit, bookings, patients, results};
use crate::Clinic;

const MAX_SEARCH_RESULTS: i64 = 50;

impl Clinic {
    /// Creates the patient under the station-made id. Repeating the call with
    /// the same id (a retried request) returns the stored patient unchanged.
    #[tracing::instrument(skip_all, fields(patient = %id))]
    pub async fn create_patient(&self, id: PatientId, input: &PatientInput, actor: &Actor) -> AppResult<Patient> {
        let mut tx = self.begin_as(actor).await?;
        let patient = self.create_patient_tx(&mut tx, id, input).await?;
        crate::commit(tx).await?;
        Ok(patient)
    }

    pub(crate) async fn create_patient_tx(
        &self,
        conn: &mut PgConnection,
        id: PatientId,
        input: &PatientInput,
    ) -> AppResult<Patient> {
        let patient = input.validate(self.today())?;
        match patients::insert(conn, id, &patient).await? {
            Some(created) => Ok(created),
            None => patients::get(conn, id).await?.ok_or_else(|| AppError::not_found(Entity::Patient, id)),
        }
    }

    /// Records in the audit trail that the signed-in login opened the
    /// patient's profile (the database takes the login from the session).
    #[tracing::instrument(skip_all)]
    pub async fn record_profile_view(&self, id: PatientId) -> AppResult<()> {
        let no_details = serde_json::json!({});
        audit::record_view(&mut *self.conn().await?, "view", "patients", &id.0.to_string(), Some(id), &no_details).await
    }

    /// The phones of a day sheet's patients.
    #[tracing::instrument(skip_all, fields(patients = ids.len()))]
    pub async fn patient_phones(&self, ids: &[PatientId]) -> AppResult<Vec<(PatientId, Option<String>)>> {
        patients::phones(&mut *self.conn().await?, ids).await
    }

    #[tracing::instrument(skip_all, fields(patient = %id))]
    pub async fn get_patient(&self, id: PatientId) -> AppResult<Patient> {
        patients::get(&mut *self.conn().await?, id).await?.ok_or_else(|| AppError::not_found(Entity::Patient, id))
    }

    #[tracing::instrument(skip_all, fields(patient = %id))]
    pub async fn update_patient(
        &self,
        id: PatientId,
        expected_version: i32,
        input: &PatientInput,
    ) -> AppResult<Patient> {
        let patient = input.validate(self.today())?;
        let mut conn = self.conn().await?;
        match patients::update(&mut conn, id, expected_version, &patient).await? {
            Some(updated) => Ok(updated),
            None => Err(missing_or_stale(Entity::Patient, id, patients::get(&mut conn, id).await?.is_some())),
        }
    }

    /// Search by name, phone digits or date of birth, as typed in one box.
    #[tracing::instrument(skip_all)]
    pub async fn search_patients(&self, text: &str, limit: i32) -> AppResult<Vec<Patient>> {
        let query = PatientQuery::parse(text)?;
        if limit < 1 {
            return Err(AppError::validation("limit", ValidationCode::OutOfRange, "must be at least 1"));
        }
        patients::search(&mut *self.conn().await?, &query, i64::from(limit).min(MAX_SEARCH_RESULTS)).await
    }

    /// Patients the input probably duplicates, to warn before creating it.
    #[tracing::instrument(skip_all)]
    pub async fn possible_duplicates(&self, input: &PatientInput) -> AppResult<Vec<PossibleDuplicate>> {
        let patient = input.validate(self.today())?;
        patients::possible_duplicates(&mut *self.conn().await?, &patient).await
    }

    /// MedSync's `get_user_bookings`: newest first.
    #[tracing::instrument(skip_all)]
    pub async fn patient_bookings(&self, id: PatientId) -> AppResult<Vec<Booking>> {
        let mut conn = self.conn().await?;
        if patients::get(&mut conn, id).await?.is_none() {
            return Err(AppError::not_found(Entity::Patient, id));
        }
        bookings::select(&mut conn, bookings::Select::Patient(id), self.now()).await
    }

    /// MedSync's `get_results`: newest first.
    #[tracing::instrument(skip_all)]
    pub async fn patient_results(&self, id: PatientId) -> AppResult<Vec<ResultFile>> {
        let mut conn = self.conn().await?;
        if patients::get(&mut conn, id).await?.is_none() {
            return Err(AppError::not_found(Entity::Patient, id));
        }
        results::select(&mut conn, results::Select::Patient(id)).await
    }

    /// Today's date in UTC: birth dates are compared loosely enough that the
    /// clinic's zone does not matter.
    fn today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }
}
