//! Working hours: weekly wall-clock templates and date exceptions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::{DoctorId, LocationId, ScheduleExceptionId};
use crate::values::{optional_text, IsoWeekday, WallTime};

/// One open interval of a weekday, in the location's wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyInterval {
    pub weekday: IsoWeekday,
    pub start: WallTime,
    pub end: WallTime,
}

impl WeeklyInterval {
    /// Checks a whole week: every interval non-empty, none overlapping another
    /// on the same weekday. `field` names the input list.
    pub fn validate_week(field: &str, week: &[WeeklyInterval]) -> AppResult<Vec<WeeklyInterval>> {
        let mut sorted = week.to_vec();
        sorted.sort();
        for (i, interval) in sorted.iter().enumerate() {
            if interval.start >= interval.end {
                return Err(AppError::validation(
                    field,
                    ValidationCode::OutOfRange,
                    format!("{} to {} ends before it starts", interval.start, interval.end),
                ));
            }
            if let Some(next) = sorted.get(i + 1) {
                if next.weekday == interval.weekday && next.start < interval.end {
                    return Err(AppError::validation(
                        field,
                        ValidationCode::OutOfRange,
                        format!(
                            "{}–{} overlaps {}–{} on weekday {}",
                            interval.start,
                            interval.end,
                            next.start,
                            next.end,
                            interval.weekday.get()
                        ),
                    ));
                }
            }
        }
        Ok(sorted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
#[cfg_attr(feature = "sqlx", sqlx(type_name = "schedule_exception_kind", rename_all = "snake_case"))]
#[serde(rename_all = "camelCase")]
pub enum ExceptionKind {
    /// The location is closed.
    Closure,
    /// The doctor is away (at every location).
    Leave,
    /// Additional open time at a location, for the location or one doctor there.
    ExtraHours,
}

impl ExceptionKind {
    /// What a location's own calendar may have.
    pub const FOR_LOCATION: [ExceptionKind; 2] = [ExceptionKind::Closure, ExceptionKind::ExtraHours];
    /// What a doctor's calendar at a location may have.
    pub const FOR_DOCTOR: [ExceptionKind; 2] = [ExceptionKind::Leave, ExceptionKind::ExtraHours];
}

/// A date exception as the availability engine sees it. `span: None` means the
/// whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateException {
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    pub span: Option<(WallTime, WallTime)>,
}

/// A stored date exception.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleException {
    pub id: ScheduleExceptionId,
    pub kind: ExceptionKind,
    pub location_id: Option<LocationId>,
    pub doctor_id: Option<DoctorId>,
    pub date: NaiveDate,
    /// Both `None`: the whole day.
    pub start: Option<WallTime>,
    pub end: Option<WallTime>,
    pub note: String,
    pub created_by: String,
}

impl ScheduleException {
    /// What the availability engine needs from it.
    pub fn as_date_exception(&self) -> DateException {
        DateException { date: self.date, kind: self.kind, span: self.start.zip(self.end) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleExceptionInput {
    pub kind: ExceptionKind,
    pub location_id: Option<LocationId>,
    pub doctor_id: Option<DoctorId>,
    pub date: NaiveDate,
    pub start: Option<WallTime>,
    pub end: Option<WallTime>,
    #[serde(default)]
    pub note: String,
}

impl ScheduleExceptionInput {
    /// Closures name a location, leave names a doctor, extra hours name a
    /// location (and optionally a doctor there) and a time span.
    pub fn validate(&self) -> AppResult<ScheduleExceptionInput> {
        match (self.kind, self.location_id, self.doctor_id) {
            (ExceptionKind::Closure, None, _) | (ExceptionKind::ExtraHours, None, _) => {
                return Err(AppError::validation("locationId", ValidationCode::Required, "choose a location"))
            }
            (ExceptionKind::Closure, Some(_), Some(_)) => {
                return Err(AppError::validation(
                    "doctorId",
                    ValidationCode::NotAllowed,
                    "a closure is for the whole location; use leave for a doctor",
                ))
            }
            (ExceptionKind::Leave, _, None) => {
                return Err(AppError::validation("doctorId", ValidationCode::Required, "choose a doctor"))
            }
            _ => {}
        }
        let span = match (self.start, self.end) {
            (None, None) if self.kind == ExceptionKind::ExtraHours => {
                return Err(AppError::validation(
                    "start",
                    ValidationCode::Required,
                    "extra hours need a start and an end",
                ))
            }
            (None, None) => None,
            (Some(start), Some(end)) if start < end => Some((start, end)),
            (Some(_), Some(_)) => {
                return Err(AppError::validation("end", ValidationCode::OutOfRange, "the end must be after the start"))
            }
            (None, Some(_)) => {
                return Err(AppError::validation("start", ValidationCode::Required, "give a start with the end"))
            }
            (Some(_), None) => {
                return Err(AppError::validation("end", ValidationCode::Required, "give an end with the start"))
            }
        };
        Ok(ScheduleExceptionInput {
            // Leave applies to the doctor everywhere.
            location_id: if self.kind == ExceptionKind::Leave { None } else { self.location_id },
            start: span.map(|s| s.0),
            end: span.map(|s| s.1),
            note: optional_text("note", &self.note, 512)?,
            ..self.clone()
        })
    }
}
