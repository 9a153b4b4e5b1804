//! The services behind every command: validate, own the transaction, call
//! the repositories. Split by area; all are methods of [`crate::Clinic`].

mod audit;
mod booking;
mod catalogue;
mod hours;
mod openings;
mod patients;
pub mod results;
mod staff;
pub mod sync;
mod waitlist;

use clinic_domain::{AppError, Entity};

/// An optimistic update matched nothing: either the row is gone or someone
/// changed it since `expected_version`.
fn missing_or_stale(entity: Entity, id: impl ToString, exists: bool) -> AppError {
    if exists {
        AppError::stale(entity)
    } else {
        AppError::not_found(entity, id)
    }
}
