use clinic_domain::catalogue::{
    validate_capacity, Diagnostic, DiagnosticInput, DiagnosticOffer, Doctor, DoctorFilter, DoctorInput, DoctorSummary,
    Location, LocationInput, Specialty,
};
use clinic_domain::ids::{DiagnosticId, DoctorId, LocationId, PhotoId, SpecialtyId};
use clinic_domain::results::sniff_image_type;
use clinic_domain::values::required_text;
use clinic_domain::{AppError, AppResult, Entity, ValidationCode};

use super::missing_or_stale;
use crate::repo::{diagnostics, doctors, locations, photos, specialties};
use crate::{commit, Clinic};

impl Clinic {
    #[tracing::instrument(skip_all)]
    pub async fn list_locations(&self, include_inactive: bool) -> AppResult<Vec<Location>> {
        locations::list(&mut *self.conn().await?, include_inactive).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn get_location(&self, id: LocationId) -> AppResult<Location> {
        locations::get(&mut *self.conn().await?, id).await?.ok_or_else(|| AppError::not_found(Entity::Location, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_location(&self, input: &LocationInput) -> AppResult<Location> {
        let input = input.validate()?;
        locations::insert(&mut *self.conn().await?, &input).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_location(
        &self,
        id: LocationId,
        expected_version: i32,
        input: &LocationInput,
    ) -> AppResult<Location> {
        let input = input.validate()?;
        let mut conn = self.conn().await?;
        match locations::update(&mut conn, id, expected_version, &input).await? {
            Some(location) => Ok(location),
            None => Err(missing_or_stale(Entity::Location, id, locations::get(&mut conn, id).await?.is_some())),
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_location_active(&self, id: LocationId, active: bool) -> AppResult<Location> {
        locations::set_active(&mut *self.conn().await?, id, active)
            .await?
            .ok_or_else(|| AppError::not_found(Entity::Location, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_specialties(&self, include_inactive: bool) -> AppResult<Vec<Specialty>> {
        specialties::list(&mut *self.conn().await?, include_inactive).await
    }

    /// Only specialties that have active doctors (for filter chips).
    #[tracing::instrument(skip_all)]
    pub async fn list_specialties_with_doctors(&self) -> AppResult<Vec<Specialty>> {
        specialties::list_with_doctors(&mut *self.conn().await?).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_specialty(&self, name: &str) -> AppResult<Specialty> {
        let name = required_text("name", name, 128)?;
        specialties::insert(&mut *self.conn().await?, &name).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn rename_specialty(&self, id: SpecialtyId, expected_version: i32, name: &str) -> AppResult<Specialty> {
        let name = required_text("name", name, 128)?;
        let mut conn = self.conn().await?;
        match specialties::rename(&mut conn, id, expected_version, &name).await? {
            Some(specialty) => Ok(specialty),
            None => Err(missing_or_stale(Entity::Specialty, id, specialties::exists(&mut conn, id).await?)),
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_specialty_active(&self, id: SpecialtyId, active: bool) -> AppResult<Specialty> {
        specialties::set_active(&mut *self.conn().await?, id, active)
            .await?
            .ok_or_else(|| AppError::not_found(Entity::Specialty, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_doctors(&self, filter: &DoctorFilter) -> AppResult<Vec<DoctorSummary>> {
        doctors::list(&mut *self.conn().await?, filter).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn get_doctor(&self, id: DoctorId) -> AppResult<Doctor> {
        doctors::get(&mut *self.conn().await?, id).await?.ok_or_else(|| AppError::not_found(Entity::Doctor, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_doctor(&self, input: &DoctorInput) -> AppResult<Doctor> {
        let doctor = input.validate()?;
        let mut tx = self.begin().await?;
        let id = doctors::insert(&mut tx, &doctor).await?;
        doctors::set_locations(&mut tx, id, &doctor.location_ids).await?;
        commit(tx).await?;
        self.get_doctor(id).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_doctor(&self, id: DoctorId, expected_version: i32, input: &DoctorInput) -> AppResult<Doctor> {
        let doctor = input.validate()?;
        let mut tx = self.begin().await?;
        if !doctors::update(&mut tx, id, expected_version, &doctor).await? {
            let exists = doctors::get(&mut tx, id).await?.is_some();
            return Err(missing_or_stale(Entity::Doctor, id, exists));
        }
        doctors::set_locations(&mut tx, id, &doctor.location_ids).await?;
        commit(tx).await?;
        self.get_doctor(id).await
    }

    /// Doctors are deactivated, never deleted: their bookings and ratings stay.
    #[tracing::instrument(skip_all)]
    pub async fn set_doctor_active(&self, id: DoctorId, active: bool) -> AppResult<Doctor> {
        if !doctors::set_active(&mut *self.conn().await?, id, active).await? {
            return Err(AppError::not_found(Entity::Doctor, id));
        }
        self.get_doctor(id).await
    }

    /// Stores a new photo for the doctor (`None` removes it).
    #[tracing::instrument(skip_all)]
    pub async fn set_doctor_photo(&self, id: DoctorId, image: Option<&[u8]>) -> AppResult<Doctor> {
        let mut tx = self.begin().await?;
        let photo = self.store_photo(&mut tx, image).await?;
        if !doctors::set_photo(&mut tx, id, photo).await? {
            return Err(AppError::not_found(Entity::Doctor, id));
        }
        commit(tx).await?;
        self.get_doctor(id).await
    }

    async fn store_photo(&self, conn: &mut sqlx::PgConnection, image: Option<&[u8]>) -> AppResult<Option<PhotoId>> {
        let Some(bytes) = image else { return Ok(None) };
        let media_type = sniff_image_type(bytes)?;
        let id = PhotoId::generate();
        photos::insert(conn, id, media_type, bytes).await?;
        Ok(Some(id))
    }

    /// A photo's media type and bytes.
    #[tracing::instrument(skip_all)]
    pub async fn photo(&self, id: PhotoId) -> AppResult<(String, Vec<u8>)> {
        photos::get(&mut *self.conn().await?, id).await?.ok_or_else(|| AppError::not_found(Entity::Photo, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_diagnostics(&self, include_inactive: bool) -> AppResult<Vec<Diagnostic>> {
        diagnostics::list(&mut *self.conn().await?, include_inactive).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn get_diagnostic(&self, id: DiagnosticId) -> AppResult<Diagnostic> {
        diagnostics::get(&mut *self.conn().await?, id).await?.ok_or_else(|| AppError::not_found(Entity::Diagnostic, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_diagnostic(&self, input: &DiagnosticInput) -> AppResult<Diagnostic> {
        let diagnostic = input.validate()?;
        let id = diagnostics::insert(&mut *self.conn().await?, &diagnostic).await?;
        self.get_diagnostic(id).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_diagnostic(
        &self,
        id: DiagnosticId,
        expected_version: i32,
        input: &DiagnosticInput,
    ) -> AppResult<Diagnostic> {
        let diagnostic = input.validate()?;
        let mut conn = self.conn().await?;
        if !diagnostics::update(&mut conn, id, expected_version, &diagnostic).await? {
            let exists = diagnostics::get(&mut conn, id).await?.is_some();
            return Err(missing_or_stale(Entity::Diagnostic, id, exists));
        }
        drop(conn);
        self.get_diagnostic(id).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_diagnostic_active(&self, id: DiagnosticId, active: bool) -> AppResult<Diagnostic> {
        if !diagnostics::set_active(&mut *self.conn().await?, id, active).await? {
            return Err(AppError::not_found(Entity::Diagnostic, id));
        }
        self.get_diagnostic(id).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_diagnostic_photo(&self, id: DiagnosticId, image: Option<&[u8]>) -> AppResult<Diagnostic> {
        let mut tx = self.begin().await?;
        let photo = self.store_photo(&mut tx, image).await?;
        if !diagnostics::set_photo(&mut tx, id, photo).await? {
            return Err(AppError::not_found(Entity::Diagnostic, id));
        }
        commit(tx).await?;
        self.get_diagnostic(id).await
    }

    /// Offers a diagnostic at a location with a capacity, or changes it.
    #[tracing::instrument(skip_all)]
    pub async fn offer_diagnostic(
        &self,
        id: DiagnosticId,
        location: LocationId,
        capacity: i32,
    ) -> AppResult<Vec<DiagnosticOffer>> {
        let capacity = validate_capacity(capacity)?;
        let mut conn = self.conn().await?;
        diagnostics::offer(&mut conn, id, location, capacity).await?;
        diagnostics::offers(&mut conn, id, false).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn withdraw_diagnostic(&self, id: DiagnosticId, location: LocationId) -> AppResult<Vec<DiagnosticOffer>> {
        let mut conn = self.conn().await?;
        if !diagnostics::withdraw(&mut conn, id, location).await? {
            return Err(AppError::not_found(Entity::DiagnosticLocation, format!("{id}@{location}")));
        }
        diagnostics::offers(&mut conn, id, false).await
    }

    /// Where the diagnostic is offered (MedSync answered 404 for "nowhere";
    /// an empty list is the honest answer).
    #[tracing::instrument(skip_all)]
    pub async fn diagnostic_offers(&self, id: DiagnosticId) -> AppResult<Vec<DiagnosticOffer>> {
        let mut conn = self.conn().await?;
        if diagnostics::get(&mut conn, id).await?.is_none() {
            return Err(AppError::not_found(Entity::Diagnostic, id));
        }
        diagnostics::offers(&mut conn, id, false).await
    }
}

/// A reference to a row that must exist and be active, as a field error.
pub(crate) fn unknown(field: &str, what: &str) -> AppError {
    AppError::validation(field, ValidationCode::Unknown, format!("no such {what}"))
}

pub(crate) fn inactive(field: &str, what: &str) -> AppError {
    AppError::validation(field, ValidationCode::Inactive, format!("this {what} is deactivated"))
}
