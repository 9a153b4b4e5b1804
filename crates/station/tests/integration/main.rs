//! The station's integration tests, as one test binary (each file of
//! `tests/` used to link a binary of its own, which cost CI time).

mod connect;
mod offline;
mod support;
mod tls;
