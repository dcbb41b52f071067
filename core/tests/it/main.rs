//! Integration tests of the core, one binary: the storage story, crash safety, weekly
//! statistics on real stores, and the drift check of the TypeScript bindings.

// Test helpers fail loudly; a panic with the value is the report we want.
#![allow(clippy::unwrap_used)]

mod backups;
mod bindings;
mod crash;
mod export;
mod hostile;
mod identity;
mod pending;
mod practices;
mod privacy;
mod review;
mod spreadsheet;
mod store;
mod support;
mod upgrade;
mod weekly;
