//! Repositories: one module per aggregate. Every function takes
//! `&mut PgConnection` (a pooled connection or `&mut *transaction`) and maps
//! database errors to `AppError` at this boundary.

pub mod audit;
pub mod board;
pub mod bookings;
pub mod calendar;
pub mod diagnostics;
pub mod doctors;
pub mod holds;
pub mod hours;
pub mod locations;
pub mod openings;
pub mod patients;
pub mod photos;
pub mod ratings;
pub mod results;
pub mod specialties;
pub mod staff;
pub mod sync;
pub mod waitlist;

/// A user's fragment as an ILIKE pattern matching it anywhere, with LIKE's
/// wildcards in the fragment taken literally.
pub(crate) fn like_fragment(text: &str) -> String {
    let escaped = text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
