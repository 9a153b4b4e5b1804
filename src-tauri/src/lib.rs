//! Placeholder until the shell issue lands.
