//! What the team lead's review asks for beyond the weekly figures: the contacts behind a
//! number (a week, a quadrant, a rating, the open follow-ups) and the names to filter on.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Contact;
use crate::stats::{Axis, Quadrant, WeeklyQuery};

/// How many contacts a drill-down returns at most per page.
pub const PAGE_MAX: u32 = 500;

/// The contacts behind a figure: those the filter counts, narrowed by any of the rest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ContactsQuery {
    pub filter: WeeklyQuery,
    /// One ISO week, e.g. `2026-W47`.
    pub week: Option<String>,
    pub quadrant: Option<Quadrant>,
    /// With `rating`: only contacts given that rating on this axis.
    pub axis: Option<Axis>,
    pub rating: Option<i32>,
    /// Only follow-ups not yet done: flagged, or rated 2 or lower on the emotional axis.
    pub open_follow_ups: bool,
    /// At most [`PAGE_MAX`]; default 100.
    pub limit: Option<u32>,
    pub offset: u32,
}

/// A page of contacts, newest first, and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContactPage {
    #[ts(type = "number")]
    pub total: u64,
    pub contacts: Vec<Contact>,
}

/// How far an export has come: contacts written, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// The values the review's filters offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Facets {
    pub staff: Vec<String>,
    pub topics: Vec<String>,
    /// The local date of the oldest contact, for the range "all"; `null` in an empty journal.
    #[ts(type = "string | null")]
    pub first_day: Option<NaiveDate>,
}

/// Within this many days after a contact that was not solved, a new contact with the same
/// customer is a repeat contact (a stand-in for first-contact resolution).
pub const REPEAT_DAYS: i64 = 7;

/// What the journal knows of a customer, shown while a new contact with them is logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerHistory {
    /// Earlier contacts with this customer (not deleted).
    pub contacts: u32,
    /// When the latest of them took place.
    #[ts(type = "string")]
    pub last_at: DateTime<FixedOffset>,
    /// Whole calendar days from the latest to today (0: today).
    #[ts(type = "number")]
    pub last_days_ago: i64,
    /// Rated 4–5 on solved.
    pub solved: u32,
    /// Rated 4–5 on welcome.
    pub welcome: u32,
    /// Follow-ups not yet done (flagged, or rated 1–2 on welcome).
    pub open_follow_ups: u32,
    /// The latest was not solved and lies within [`REPEAT_DAYS`]: a contact now repeats it.
    pub repeat: bool,
}

/// The longest note a week can carry: one line on a chart.
pub const WEEK_NOTE_MAX: usize = 500;

/// A lead's note pinned to a week, drawn on the charts and listed in the printed report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WeekNote {
    /// `2026-W12`.
    pub week: String,
    pub note: String,
}
