//! Typed ids. Catalogue rows (locations, specialties, doctors, diagnostics) are
//! numbered by the server; rows a station may create offline (patients,
//! bookings, results, ratings, photos) get UUIDv7 ids made on the station, so
//! offline work never collides and ids sort by creation time.

use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

macro_rules! server_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub i32);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

macro_rules! station_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id, made without asking the server.
            pub fn generate() -> Self {
                $name(Uuid::now_v7())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

server_id!(LocationId);
server_id!(SpecialtyId);
server_id!(DoctorId);
server_id!(DiagnosticId);
server_id!(ScheduleExceptionId);

station_id!(PatientId);
station_id!(BookingId);
station_id!(ResultId);
station_id!(WaitlistEntryId);
station_id!(RatingId);
station_id!(PhotoId);
station_id!(
    /// A change queued by a station, applied by the server at most once.
    IntentId
);
