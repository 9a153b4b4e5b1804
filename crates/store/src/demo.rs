//! Demo data (next commit).
