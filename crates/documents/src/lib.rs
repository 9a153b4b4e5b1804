//! Clinic Desk's documents: what reception prints or saves. Built from
//! plain data (no database, no window): day sheets, slips, visit lists and
//! working hours as laid-out pages (preview, print, PDF), bookings as CSV. Text is laid out here, measured with the embedded font, so every
//! computer prints the same pages.

pub mod csv_export;
pub mod day_sheet;
pub mod document;
pub mod labels;
pub mod layout;
pub mod sample;
pub mod slip;
pub mod visits;
pub mod working_hours;
pub mod xlsx_export;

pub use document::Document;
pub use labels::Language;
pub use layout::{Orientation, Paper};
