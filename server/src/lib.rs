//! The team server: a stateless HTTP API in front of PostgreSQL, which holds the team's
//! contacts and enforces who may see and change what with row-level security. The server
//! checks the same rules itself (a staff member's request never names another member's
//! contact), so a mistake in either layer alone does not open the data.

pub mod admin;
pub mod api;
pub mod db;
pub mod privacy;
pub mod secret;

pub use api::{router, AppState};
