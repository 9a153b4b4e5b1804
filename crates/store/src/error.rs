//! The store's one place for turning `sqlx::Error` into the typed `AppError`:
//! constraint names map to the field and reason the UI shows; unreachable
//! servers become `Offline`; anything else is logged with a reference and
//! reaches the UI as `Internal`, never as SQL text.

use clinic_domain::{AppError, ConflictCode, ValidationCode};

/// What a named constraint means to the person who tripped it.
enum Meaning {
    Field(&'static str, ValidationCode, &'static str),
    Conflict(ConflictCode, &'static str),
}

fn constraint_meaning(name: &str) -> Option<Meaning> {
    use Meaning::*;
    use ValidationCode::*;
    Some(match name {
        "locations_name_key" => Field("name", Duplicate, "another location already has this name"),
        "specialties_name_key" => Field("name", Duplicate, "this specialty already exists"),
        "diagnostics_type_name_key" => Field("typeName", Duplicate, "this diagnostic already exists"),
        "doctors_specialty_id_fkey" => Field("specialtyId", Unknown, "no such specialty"),
        "doctor_locations_location_id_fkey" => Field("locationIds", Unknown, "no such location"),
        "doctor_locations_doctor_id_fkey" => Field("doctorId", Unknown, "no such doctor"),
        "diagnostic_locations_location_id_fkey" => Field("locationId", Unknown, "no such location"),
        "diagnostic_locations_diagnostic_id_fkey" => Field("diagnosticId", Unknown, "no such diagnostic"),
        "location_hours_location_id_fkey" => Field("locationId", Unknown, "no such location"),
        "location_hours_no_overlap" => Field("week", OutOfRange, "two intervals of one day overlap"),
        "doctor_hours_no_overlap" => Field(
            "week",
            OutOfRange,
            "these hours overlap the doctor's hours on the same weekday (possibly at another location)",
        ),
        "doctor_hours_doctor_location_fkey" | "schedule_exceptions_doctor_location_fkey" => {
            Field("locationId", NotOffered, "the doctor does not work at this location")
        }
        "schedule_exceptions_location_id_fkey" => Field("locationId", Unknown, "no such location"),
        "schedule_exceptions_doctor_id_fkey" => Field("doctorId", Unknown, "no such doctor"),
        "schedule_exceptions_subject_check" => Field(
            "kind",
            NotAllowed,
            "a closure names a location, leave names a doctor, extra hours name a location and a time",
        ),
        "schedule_exceptions_interval_check" => Field("end", OutOfRange, "the end must be after the start"),
        "bookings_patient_id_fkey" => Field("patientId", Unknown, "no such patient"),
        "bookings_location_id_fkey" => Field("locationId", Unknown, "no such location"),
        "bookings_doctor_id_fkey" => Field("subject", Unknown, "no such doctor"),
        "bookings_diagnostic_location_fkey" => {
            Field("subject", NotOffered, "this diagnostic is not offered at this location")
        }
        "bookings_time_check" => Field("startsAt", OutOfRange, "a booking must end after it starts"),
        "bookings_rescheduled_from_key" => Field("bookingId", NotAllowed, "this booking was already rescheduled"),
        "bookings_doctor_no_overlap" | "bookings_diagnostic_lane_no_overlap" => {
            Conflict(ConflictCode::SlotTaken, "this time was just taken by another booking")
        }
        "bookings_lane_within_capacity" => {
            Conflict(ConflictCode::SlotTaken, "every place for this diagnostic is taken at this time")
        }
        "diagnostic_locations_capacity_in_use" => Conflict(
            ConflictCode::InUse,
            "upcoming bookings use more parallel places than the new capacity; move or cancel them first",
        ),
        "diagnostic_locations_pair_key" => {
            Field("locationId", Duplicate, "the diagnostic is already offered at this location")
        }
        "bookings_subject_check" => Field("subject", Required, "a booking is either with a doctor or for a diagnostic"),
        "bookings_lane_check" => {
            Field("subject", OutOfRange, "a diagnostic booking needs a lane from 1, a doctor's none")
        }
        "photos_media_type_check" => Field("photo", UnsupportedType, "a photo must be a JPEG, PNG or WebP image"),
        "photos_size_check" => Field("photo", TooLarge, "a photo may be at most 2 MB"),
        "doctor_ratings_booking_id_key" => Field("bookingId", Duplicate, "this visit has already been rated"),
        "doctor_ratings_booking_match" => {
            Field("bookingId", NotAllowed, "only a completed visit with a doctor can be rated")
        }
        "diagnostic_results_booking_match" => {
            Field("bookingId", NotAllowed, "results attach to this patient's diagnostic booking")
        }
        "diagnostic_results_booking_id_fkey" => Field("bookingId", Unknown, "no such booking"),
        // A station-made id used twice for different rows.
        pkey if pkey.ends_with("_pkey") => Field("id", Duplicate, "this id is already used"),
        _ => return check_constraint_meaning(name),
    })
}

/// `<table>_<column>_check` constraints name the column they guard.
fn check_constraint_meaning(name: &str) -> Option<Meaning> {
    const TABLES: [&str; 13] = [
        "diagnostic_locations",
        "diagnostic_results",
        "booking_status_changes",
        "doctor_ratings",
        "location_hours",
        "doctor_hours",
        "schedule_exceptions",
        "locations",
        "specialties",
        "doctors",
        "diagnostics",
        "patients",
        "bookings",
    ];
    let column = name.strip_suffix("_check")?;
    let column = TABLES.iter().find_map(|t| column.strip_prefix(t)?.strip_prefix('_')).unwrap_or(column);
    // The UI spells fields in camelCase.
    let field: &'static str = match column {
        "name" | "specialty_name" => "name",
        "full_name" => "fullName",
        "address" => "address",
        "phone" => "phone",
        "email" => "email",
        "time_zone" => "timeZone",
        "grid_minutes" => "gridMinutes",
        "price" => "price",
        "slot_minutes" => "slotMinutes",
        "type_name" => "typeName",
        "description" => "description",
        "capacity" => "capacity",
        "weekday" => "weekday",
        "interval" => "end",
        "date_of_birth" => "dateOfBirth",
        "notes" => "notes",
        "note" => "note",
        "patient_message" => "patientMessage",
        "rating" => "rating",
        "comment" => "comment",
        "reason" => "reason",
        "file_name" => "fileName",
        "media_type" | "byte_size" | "content_size" | "sha256" => "file",
        _ => return None,
    };
    Some(Meaning::Field(field, ValidationCode::OutOfRange, "is not an allowed value"))
}

/// Maps any database error to the typed error the UI sees.
pub fn db_error(error: sqlx::Error) -> AppError {
    match &error {
        sqlx::Error::Database(db) => {
            if let Some(meaning) = db.constraint().and_then(constraint_meaning) {
                return match meaning {
                    Meaning::Field(field, code, message) => AppError::validation(field, code, message),
                    Meaning::Conflict(code, message) => {
                        AppError::Conflict { code, message: message.to_string(), conflicting_booking_id: None }
                    }
                };
            }
            match db.code().as_deref() {
                // admin_shutdown, crash_shutdown, cannot_connect_now, connection errors
                Some("57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006" | "08001" | "08004") => offline(&error),
                // insufficient_privilege
                Some("42501") => AppError::Unauthorized {
                    message: "your database role may not do this; ask the clinic's administrator".into(),
                },
                _ => internal(&error),
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => offline(&error),
        _ => internal(&error),
    }
}

fn offline(error: &sqlx::Error) -> AppError {
    tracing::warn!(%error, "clinic database unreachable");
    AppError::Offline { message: "the clinic database did not answer".into() }
}

/// Logs the full error under a short reference and hands the UI only the reference.
pub fn internal(error: &dyn std::fmt::Display) -> AppError {
    AppError::Internal { reference: log_with_reference(error) }
}

/// Logs an unexpected failure under a short reference that staff can quote
/// to support (shown by the UI instead of the details).
pub fn log_with_reference(error: &dyn std::fmt::Display) -> String {
    let reference = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
    tracing::error!(%reference, %error, "internal error");
    reference
}

/// `?` on sqlx results inside the store.
pub trait DbResultExt<T> {
    fn db(self) -> Result<T, AppError>;
}

impl<T> DbResultExt<T> for Result<T, sqlx::Error> {
    fn db(self) -> Result<T, AppError> {
        self.map_err(db_error)
    }
}
