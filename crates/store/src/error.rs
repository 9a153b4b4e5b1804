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
        "bookings_length_check" => Field("startsAt", OutOfRange, "a booking lasts at most the longest slot"),
        "bookings_rescheduled_from_key" => Field("bookingId", NotAllowed, "this booking was already rescheduled"),
        "bookings_doctor_no_overlap" | "bookings_diagnostic_lane_no_overlap" => {
            Conflict(ConflictCode::SlotTaken, "this time was just taken by another booking")
        }
        "slot_holds_no_overlap" => {
            Conflict(ConflictCode::SlotTaken, "this time was just booked or held at another desk")
        }
        "bookings_held" => Conflict(ConflictCode::SlotTaken, "this time is held at another desk for a few minutes"),
        "slot_holds_pkey" => Conflict(ConflictCode::SlotTaken, "this time is already held"),
        "slot_holds_subject_check" => Field("subject", Required, "a hold is either of a doctor or of a diagnostic"),
        "slot_holds_time_check" => Field("startsAt", OutOfRange, "a hold lasts one slot"),
        "clinic_policy_hold_minutes_check" => Field("holdMinutes", OutOfRange, "is not an allowed value"),
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
        "bookings_doctor_location_match" => Field("subject", NotOffered, "the doctor does not work at this location"),
        "locations_time_zone_canonical" => {
            Field("timeZone", InvalidFormat, "must be a time zone name such as Europe/Kyiv")
        }
        "diagnostic_results_media_type_matches" => {
            Field("file", UnsupportedType, "the file's content is not a PDF, PNG or JPEG as its type says")
        }
        "photos_media_type_matches" => {
            Field("photo", UnsupportedType, "the file's content is not a JPEG, PNG or WebP image as its type says")
        }
        "staff_login_format" => Field(
            "login",
            InvalidFormat,
            "is 2 to 63 lower-case Latin letters, digits, '.', '_' or '-', starting with a letter",
        ),
        "staff_login_taken" => Field("login", Duplicate, "this login is taken"),
        "staff_group_known" => Field("groups", Unknown, "choose at least one of reception, manager, auditor"),
        "staff_password_verifier" => Field("password", InvalidFormat, "the password could not be prepared"),
        "staff_account_exists" => Field("login", Unknown, "no such staff member"),
        "staff_keep_own_login" => Field("login", NotAllowed, "you cannot disable your own login"),
        "accounts_full_name_check" => Field("fullName", OutOfRange, "is not an allowed name"),
        "location_limits_location_id_fkey" => Field("locationIds", Unknown, "no such location"),
        // A station-made id used twice for different rows.
        pkey if pkey.ends_with("_pkey") => Field("id", Duplicate, "this id is already used"),
        _ => return check_constraint_meaning(name),
    })
}

/// `<table>_<column>_check` constraints name the column they guard, and so
/// do `<table>_<column>_clean` (no control or invisible characters).
fn check_constraint_meaning(name: &str) -> Option<Meaning> {
    let (column, meaning) = match name.strip_suffix("_clean") {
        Some(column) => (column, "contains control or invisible characters"),
        None => (name.strip_suffix("_check")?, "is not an allowed value"),
    };
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
    let column = TABLES.iter().find_map(|t| column.strip_prefix(t)?.strip_prefix('_')).unwrap_or(column);
    // The UI spells fields in camelCase.
    let field: &'static str = match column {
        "name" | "specialty_name" => "name",
        "experience" => "experience",
        "certificates" => "certificates",
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
        "override_reason" => "overrideReason",
        "rating" => "rating",
        "comment" => "comment",
        "reason" => "reason",
        "file_name" => "fileName",
        "media_type" | "byte_size" | "content_size" | "sha256" => "file",
        _ => return None,
    };
    let code = if name.ends_with("_clean") { ValidationCode::InvalidFormat } else { ValidationCode::OutOfRange };
    Some(Meaning::Field(field, code, meaning))
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
                Some("42501") => not_permitted(db.message()),
                // deadlock_detected, serialization_failure, lock_not_available:
                // the services retry these; what persists is a conflict.
                Some("40P01" | "40001" | "55P03") => AppError::Conflict {
                    code: ConflictCode::Busy,
                    message: "the clinic database was busy with the same rows; try again".into(),
                    conflicting_booking_id: None,
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

/// A refusal by the grants, row-level security or an append-only trigger,
/// naming what is not permitted (never the SQL).
fn not_permitted(message: &str) -> AppError {
    let target =
        ["for table ", "policy for table ", "for function ", "for schema ", "for sequence ", "owner of table "]
            .iter()
            .find_map(|marker| message.split_once(marker).map(|(_, rest)| rest))
            .map(|rest| rest.trim_matches(|c: char| c == '"' || c.is_whitespace()))
            .map(|rest| rest.split(|c: char| c == '"' || c.is_whitespace()).next().unwrap_or(rest));
    let what = if message.contains("row-level security") {
        "write bookings at this location (your account is limited to other locations)".to_string()
    } else if message.contains("set role") {
        "act as another database role".to_string()
    } else if message.contains("permission denied for schema") {
        "create or change the database's structure".to_string()
    } else if message.contains("must be owner") {
        format!("change the structure of {}", target.map(described).unwrap_or("the database"))
    } else if message.contains("append-only") {
        let table = message.split_whitespace().next().unwrap_or("history");
        format!("change or remove {} (it is append-only)", described(table))
    } else {
        match target {
            Some(name) => format!("work with {}", described(name)),
            None => "do this".to_string(),
        }
    };
    AppError::Unauthorized { message: format!("You are not allowed to {what}; ask the clinic's manager") }
}

/// What a table holds, in the words staff use.
fn described(table: &str) -> &str {
    match table.rsplit('.').next().unwrap_or(table) {
        "patients" => "patients",
        "bookings" => "bookings",
        "booking_status_changes" => "the booking history",
        "events" => "the audit trail",
        "doctors" => "doctors and their prices",
        "diagnostics" => "diagnostics and their prices",
        "diagnostic_locations" => "where diagnostics are offered",
        "doctor_locations" => "where doctors work",
        "locations" => "locations",
        "specialties" => "specialties",
        "location_hours" | "doctor_hours" => "working hours",
        "schedule_exceptions" => "closures, leave and extra hours",
        "clinic_policy" => "the clinic's policies",
        "photos" => "photos",
        "diagnostic_results" => "diagnostic results",
        "doctor_ratings" => "ratings",
        "accounts" | "location_limits" | "add_member" | "set_active" | "set_password" | "set_group"
        | "limit_locations" => "staff accounts",
        "verify" => "the audit trail",
        "audit" => "the audit trail",
        other => other,
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
