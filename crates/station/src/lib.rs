//! A reception station's runtime, below the desktop shell: settings and the
//! keyring, connecting to the clinic's PostgreSQL or starting the embedded
//! demo clinic, and the schema gate. No Tauri here, so it is tested as plain
//! Rust.

pub mod connection;
pub mod demo;
mod desk;
pub mod documents;
pub mod files;
pub mod live;
pub mod local_data;
mod offline;
pub mod preflight;
pub mod schema;
pub mod secrets;
pub mod session;
pub mod settings;
mod station;
mod store_keys;
pub mod sync;
pub mod updates;

pub use clinic_local_store::{Conflict, ConflictAction};
pub use desk::ConflictResolution;
pub use station::{KeptQueue, Phase, Station, StationMode, StationPaths, StationStatus};
