use chrono::NaiveDate;
use clinic_domain::ids::{DoctorId, LocationId, ScheduleExceptionId};
use clinic_domain::schedule::{ScheduleException, ScheduleExceptionInput, WeeklyInterval};
use clinic_domain::{Actor, AppError, AppResult, Entity, ValidationCode};

use super::catalogue::unknown;
use crate::repo::{doctors, hours, locations};
use crate::{commit, Clinic};

/// The longest date range one exceptions listing may cover.
const MAX_EXCEPTION_RANGE_DAYS: i64 = 400;

impl Clinic {
    #[tracing::instrument(skip_all)]
    pub async fn location_week(&self, location: LocationId) -> AppResult<Vec<WeeklyInterval>> {
        let mut conn = self.conn().await?;
        if locations::get(&mut conn, location).await?.is_none() {
            return Err(AppError::not_found(Entity::Location, location));
        }
        hours::location_week(&mut conn, location).await
    }

    /// Replaces the location's weekly opening hours.
    #[tracing::instrument(skip_all)]
    pub async fn set_location_week(
        &self,
        location: LocationId,
        week: &[WeeklyInterval],
    ) -> AppResult<Vec<WeeklyInterval>> {
        let week = WeeklyInterval::validate_week("week", week)?;
        let mut tx = self.begin().await?;
        if locations::get(&mut tx, location).await?.is_none() {
            return Err(AppError::not_found(Entity::Location, location));
        }
        hours::replace_location_week(&mut tx, location, &week).await?;
        commit(tx).await?;
        Ok(week)
    }

    #[tracing::instrument(skip_all)]
    pub async fn doctor_week(&self, doctor: DoctorId, location: LocationId) -> AppResult<Vec<WeeklyInterval>> {
        hours::doctor_week(&mut *self.conn().await?, doctor, location).await
    }

    /// Replaces the doctor's weekly hours at one location. Overlap with the
    /// doctor's hours at another location is refused by the database.
    #[tracing::instrument(skip_all)]
    pub async fn set_doctor_week(
        &self,
        doctor: DoctorId,
        location: LocationId,
        week: &[WeeklyInterval],
    ) -> AppResult<Vec<WeeklyInterval>> {
        let week = WeeklyInterval::validate_week("week", week)?;
        let mut tx = self.begin().await?;
        if doctors::booking_terms(&mut tx, doctor, location).await?.is_none() {
            return Err(AppError::not_found(Entity::Doctor, doctor));
        }
        hours::replace_doctor_week(&mut tx, doctor, location, &week).await?;
        commit(tx).await?;
        Ok(week)
    }

    /// Exceptions on `from..=to` for a location, a doctor, or a doctor at a location.
    #[tracing::instrument(skip_all)]
    pub async fn list_exceptions(
        &self,
        location: Option<LocationId>,
        doctor: Option<DoctorId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<ScheduleException>> {
        if location.is_none() && doctor.is_none() {
            return Err(AppError::validation("locationId", ValidationCode::Required, "choose a location or a doctor"));
        }
        if to < from || (to - from).num_days() > MAX_EXCEPTION_RANGE_DAYS {
            return Err(AppError::validation("to", ValidationCode::OutOfRange, "choose a range of at most 400 days"));
        }
        hours::exceptions(&mut *self.conn().await?, location, doctor, from, to).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn add_exception(&self, input: &ScheduleExceptionInput, actor: &Actor) -> AppResult<ScheduleException> {
        let input = input.validate()?;
        let mut conn = self.begin_as(actor).await?;
        if let Some(location) = input.location_id {
            if locations::get(&mut conn, location).await?.is_none() {
                return Err(unknown("locationId", "location"));
            }
        }
        let id = hours::insert_exception(&mut conn, &input).await?;
        let stored = hours::exceptions(&mut conn, input.location_id, input.doctor_id, input.date, input.date).await?;
        crate::commit(conn).await?;
        stored.into_iter().find(|e| e.id == id).ok_or_else(|| AppError::not_found(Entity::ScheduleException, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn remove_exception(&self, id: ScheduleExceptionId) -> AppResult<()> {
        if !hours::delete_exception(&mut *self.conn().await?, id).await? {
            return Err(AppError::not_found(Entity::ScheduleException, id));
        }
        Ok(())
    }
}
