//! The CLI as a user runs it: a real binary, a temporary journal.

// Test helpers fail loudly; a panic with the value is the report we want.
#![allow(clippy::unwrap_used)]

mod backup;
mod commands;
mod durability;
mod hostile;
mod import;
mod privacy;
mod support;
