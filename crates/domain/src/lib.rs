//! Clinic Desk's domain: typed ids, validated values, the one error type that
//! crosses to the UI, and the availability engine. No database, no Tauri:
//! everything here is tested as plain Rust.

pub mod audit;
pub mod availability;
pub mod bookings;
pub mod catalogue;
pub mod documents;
pub mod error;
pub mod ids;
pub mod intents;
pub mod openings;
pub mod patients;
pub mod results;
pub mod schedule;
pub mod staff;
pub mod values;
pub mod waitlist;

pub use error::{AppError, AppResult, ConflictCode, Entity, ValidationCode};

use serde::{Deserialize, Serialize};
use specta::Type;

/// Who is acting: recorded as created_by / changed_by / uploaded_by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Actor(String);

impl Actor {
    pub fn parse(name: &str) -> AppResult<Actor> {
        values::required_text("actor", name, 128).map(Actor)
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}
