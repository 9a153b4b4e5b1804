//! The store's integration tests against real PostgreSQL, as one test
//! binary (each file of `tests/` used to link a binary of its own, which
//! cost CI time).

mod book_anyway;
mod booking;
mod catalogue;
mod common;
mod constraints;
mod demo;
mod holds;
mod intents;
mod openings;
mod plans;
mod results;
mod security;
mod waitlist;
