//! The shell's tests, as one test binary (each links the whole app, so one
//! link instead of two): the commands through Tauri's IPC, and the committed
//! TypeScript bindings being current.

mod bindings;
mod commands;
