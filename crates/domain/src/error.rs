//! The one error type that crosses to the UI. Serde-tagged by `kind`, typed for
//! TypeScript by specta. It never carries SQL text: store errors are mapped at
//! the repository boundary and logged there with a reference the UI can show.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::ids::BookingId;
use crate::values::Bounds;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AppError {
    #[error("{entity} {id} was not found")]
    NotFound { entity: Entity, id: String },

    /// Bad input. `field` is the input's field name as the UI spells it
    /// (camelCase), so the UI can show the message next to that field; the
    /// UI says it in the person's language from `code` and `limits` (the
    /// range, length or size allowed, when that is the reason), `message`
    /// being the English fallback.
    #[error("{field}: {message}")]
    Validation {
        field: String,
        code: ValidationCode,
        message: String,
        #[serde(default)]
        limits: Option<Bounds>,
    },

    /// The request is valid but collides with the clinic's current state.
    #[error("{message}")]
    #[serde(rename_all = "camelCase")]
    Conflict { code: ConflictCode, message: String, conflicting_booking_id: Option<BookingId> },

    #[error("the clinic database cannot be reached: {message}")]
    Offline { message: String },

    #[error("not allowed: {message}")]
    Unauthorized { message: String },

    /// Something unexpected; details are in the log under `reference`.
    #[error("internal error (log reference {reference})")]
    Internal { reference: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Entity {
    Location,
    Specialty,
    Doctor,
    Diagnostic,
    DiagnosticLocation,
    Patient,
    Booking,
    Rating,
    Result,
    Photo,
    ScheduleException,
    StaffMember,
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Entity::Location => "location",
            Entity::Specialty => "specialty",
            Entity::Doctor => "doctor",
            Entity::Diagnostic => "diagnostic",
            Entity::DiagnosticLocation => "diagnostic at location",
            Entity::Patient => "patient",
            Entity::Booking => "booking",
            Entity::Rating => "rating",
            Entity::Result => "result",
            Entity::Photo => "photo",
            Entity::ScheduleException => "schedule exception",
            Entity::StaffMember => "staff member",
        };
        f.write_str(name)
    }
}

/// Why a field was rejected; the UI translates by code, `message` is the
/// English fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ValidationCode {
    Required,
    TooLong,
    OutOfRange,
    InvalidFormat,
    /// Refers to a row that does not exist.
    Unknown,
    /// Refers to a row that is deactivated.
    Inactive,
    /// Another row already uses this value (e.g. a name).
    Duplicate,
    InThePast,
    OutsideWorkingHours,
    OffGrid,
    /// The doctor does not work at, or the diagnostic is not offered at, the location.
    NotOffered,
    /// The booking's status does not allow this action.
    NotAllowed,
    TooLarge,
    UnsupportedType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ConflictCode {
    /// The slot was taken (by the booking named in `conflictingBookingId`).
    SlotTaken,
    /// The row changed since the version the edit was based on.
    StaleVersion,
    /// The row is still used (e.g. a capacity below lanes in use).
    InUse,
    /// Another session held the same rows (a deadlock or serialization
    /// failure) even after retries: trying again will do.
    Busy,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn validation(field: &str, code: ValidationCode, message: impl Into<String>) -> Self {
        AppError::Validation { field: field.to_string(), code, message: message.into(), limits: None }
    }

    /// A validation error that names what was allowed.
    pub fn validation_within(field: &str, code: ValidationCode, limits: Bounds, message: impl Into<String>) -> Self {
        AppError::Validation { field: field.to_string(), code, message: message.into(), limits: Some(limits) }
    }

    pub fn not_found(entity: Entity, id: impl ToString) -> Self {
        AppError::NotFound { entity, id: id.to_string() }
    }

    pub fn stale(entity: Entity) -> Self {
        AppError::Conflict {
            code: ConflictCode::StaleVersion,
            message: format!("this {entity} was changed by someone else; reload it and try again"),
            conflicting_booking_id: None,
        }
    }

    /// The English message, whatever the kind.
    pub fn message_text(&self) -> String {
        match self {
            AppError::Validation { message, .. }
            | AppError::Conflict { message, .. }
            | AppError::Offline { message }
            | AppError::Unauthorized { message } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The field this error is about, if any (handy for tests and the UI).
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }
}
