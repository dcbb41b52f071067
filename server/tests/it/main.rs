//! The team server against a real PostgreSQL: sync, who may see what (in the API and in the
//! database itself), faults, TLS.

// Test helpers fail loudly; a panic with the value is the report we want.
#![allow(clippy::unwrap_used)]

mod access;
mod faults;
mod load;
mod pg;
mod privacy;
mod support;
mod sync;
mod tls;
