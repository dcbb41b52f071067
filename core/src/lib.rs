//! The heart of Contactmoment: what a contact moment is, what makes one valid, where it is
//! stored and what the weekly numbers mean.
//!
//! This crate knows nothing of Tauri, terminals or HTML. The desktop shell and the CLI both
//! talk to [`Journal`], which validates input, asks the [`Clock`] for the time and hands
//! plain rows to a [`Store`]. Keeping it free of any UI lets `cargo test` cover every rule
//! and lets a second storage engine (PostgreSQL for teams) slot in behind the same trait.

pub mod backup;
pub mod clock;
pub mod demo;
pub mod desk;
pub mod error;
pub mod export;
pub mod import;
pub mod journal;
pub mod location;
pub mod model;
pub mod practices;
pub mod pseudonym;
pub mod review;
pub mod shortcut;
pub mod stats;
pub mod store;
pub mod team;
pub mod validate;
pub mod week;

pub use clock::{Clock, FixedClock, SystemClock, ZonedClock};
pub use desk::{Desk, Housekeeping};
pub use error::{Error, ErrorCode, ErrorPayload, FileProblem, Result, ValidationKind};
pub use journal::Journal;
pub use model::{
    AppInfo, Channel, Contact, ContactInput, DesktopRequest, EarlierName, Language,
    NumberedRequest, Settings, SettingsInput, ShownScreen,
};
pub use practices::Practices;
pub use review::{ContactPage, ContactsQuery, CustomerHistory, ExportProgress, Facets, WeekNote};
pub use stats::{
    Axis, Change, Changes, Group, Move, PeriodStats, Proportion, Quadrant, Review, StaffReview,
    StaffWeeks, WeekStats, WeeklyQuery, WeeklyReport, WhatChanged, MIN_N,
};
pub use store::{
    sqlite::FileCheck, sqlite::JournalFile, sqlite::SqliteStore, Existing, GroupBy, ListQuery,
    StatsFilter, Store, WeekCounts,
};
