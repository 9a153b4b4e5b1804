//! Tauri commands, one module per area. Each is one call into the library
//! crates: the station hands out the clinic (after the schema gate) and who
//! is acting; the clinic does the work. No SQL and no rules here.

pub mod audit;
pub mod bookings;
pub mod catalogue;
pub mod documents;
pub mod files;
pub mod hours;
pub mod patients;
pub mod results;
pub mod session;
pub mod settings;
pub mod staff;
pub mod sync;
