//! Intents: the changes a station makes, as it queues them while the clinic
//! database is unreachable. The server replays each through the same services
//! as an online command (Replicache's model: re-execute the intent, never
//! copy the station's resulting rows), so the availability engine and the
//! database constraints decide, not the station's stale view.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::bookings::{BookingRequest, RatingInput, RescheduleRequest, StatusRequest};
use crate::error::AppError;
use crate::ids::{BookingId, IntentId, PatientId, ResultId};
use crate::patients::PatientInput;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Intent {
    #[serde(rename_all = "camelCase")]
    CreatePatient {
        patient_id: PatientId,
        input: PatientInput,
    },
    Book {
        request: BookingRequest,
    },
    ChangeStatus {
        request: StatusRequest,
    },
    Reschedule {
        request: RescheduleRequest,
    },
    Rate {
        input: RatingInput,
    },
    /// The file's bytes travel beside the intent (kept on the station until
    /// the server acknowledges), never inside the queued JSON.
    #[serde(rename_all = "camelCase")]
    AttachResult {
        result_id: ResultId,
        booking_id: BookingId,
        file_name: String,
    },
    /// A document printed from the station's kept boards while offline: the
    /// audit trail gets it when the station is back.
    RecordOutput {
        record: crate::documents::OutputRecord,
    },
    #[serde(rename_all = "camelCase")]
    AddToWaitlist {
        entry_id: crate::ids::WaitlistEntryId,
        patient_id: PatientId,
        input: crate::waitlist::WaitlistInput,
    },
}

impl Intent {
    /// A short stable name, recorded by the server beside the intent id.
    pub fn kind(&self) -> &'static str {
        match self {
            Intent::CreatePatient { .. } => "createPatient",
            Intent::Book { .. } => "book",
            Intent::ChangeStatus { .. } => "changeStatus",
            Intent::Reschedule { .. } => "reschedule",
            Intent::Rate { .. } => "rate",
            Intent::AttachResult { .. } => "attachResult",
            Intent::RecordOutput { .. } => "recordOutput",
            Intent::AddToWaitlist { .. } => "addToWaitlist",
        }
    }

    /// The booking the intent creates or changes, if any.
    pub fn booking_id(&self) -> Option<BookingId> {
        match self {
            Intent::CreatePatient { .. } => None,
            Intent::Book { request } => Some(request.booking_id),
            Intent::ChangeStatus { request } => Some(request.booking_id),
            Intent::Reschedule { request } => Some(request.new_booking_id),
            Intent::Rate { input } => Some(input.booking_id),
            Intent::AttachResult { booking_id, .. } => Some(*booking_id),
            Intent::RecordOutput { .. } | Intent::AddToWaitlist { .. } => None,
        }
    }
}

/// An intent as queued: who made it, where, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QueuedIntent {
    pub intent_id: IntentId,
    /// The station's name, recorded by the server.
    pub station: String,
    /// The person at the station.
    pub actor: String,
    pub made_at: DateTime<Utc>,
    pub intent: Intent,
}

/// What the server did with an intent. Replaying an intent returns the
/// outcome recorded the first time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum IntentOutcome {
    Applied,
    /// Refused for good (slot taken meanwhile, a stale version, a rule): the
    /// station puts it in front of a person instead of retrying.
    Rejected {
        error: AppError,
    },
}

/// What an applied change looks like now, read in the transaction that
/// applied it: the desk shows it without a second round trip, so a link
/// that drops after the commit cannot turn "saved" into "not found".
#[derive(Debug, Clone, PartialEq)]
pub enum IntentAnswer {
    Patient(crate::patients::Patient),
    Booking(crate::bookings::Booking),
    Rating(crate::bookings::Rating),
    Result(crate::bookings::ResultFile),
    WaitlistEntry(crate::waitlist::WaitlistEntry),
}

impl IntentOutcome {
    /// Whether `error` is the intent's own fault (reject it) rather than the
    /// connection's or the server's (retry it later).
    pub fn is_rejection(error: &AppError) -> bool {
        match error {
            // A busy database is not an answer: the push is tried again.
            AppError::Conflict { code: crate::ConflictCode::Busy, .. } => false,
            // The pushing login may not do it (e.g. a booking at a location
            // outside its limits): the same push will be refused again.
            AppError::NotFound { .. }
            | AppError::Validation { .. }
            | AppError::Conflict { .. }
            | AppError::Unauthorized { .. } => true,
            AppError::Offline { .. } | AppError::Internal { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bookings::StatusAction;

    #[test]
    fn intents_round_trip_through_json_with_their_kind() {
        let intent = Intent::ChangeStatus {
            request: StatusRequest {
                booking_id: BookingId::generate(),
                action: StatusAction::CheckIn,
                reason: String::new(),
                cancel_kind: None,
                expected_version: 1,
            },
        };
        let json = serde_json::to_value(&intent).unwrap();
        assert_eq!(json["kind"], "changeStatus");
        assert_eq!(serde_json::from_value::<Intent>(json).unwrap(), intent);
    }

    #[test]
    fn only_the_intents_own_faults_are_rejections() {
        assert!(IntentOutcome::is_rejection(&AppError::stale(crate::Entity::Booking)));
        assert!(!IntentOutcome::is_rejection(&AppError::Offline { message: "down".into() }));
        let busy = AppError::Conflict {
            code: crate::ConflictCode::Busy,
            message: "busy".into(),
            conflicting_booking_id: None,
        };
        assert!(!IntentOutcome::is_rejection(&busy), "a deadlock is retried, not recorded");
        assert!(!IntentOutcome::is_rejection(&AppError::Internal { reference: "x".into() }));
    }
}
