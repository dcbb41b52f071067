//! The storage boundary. Callers speak to `dyn Store`; each backend (SQLite now, PostgreSQL
//! for teams next) implements it with its own migrations. The trait deals in validated
//! domain values and plain counts, so no SQL dialect leaks upward and every backend groups
//! weeks by the same precomputed ISO week column.

pub mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::error::Result;
use crate::model::{Channel, Contact};

/// Which contacts to list, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Contacts whose local date is on or after this date.
    pub since: Option<NaiveDate>,
    pub staff: Option<String>,
    pub limit: Option<u32>,
}

/// The contacts the weekly figures count (local dates, both ends included).
#[derive(Debug, Clone, PartialEq)]
pub struct StatsFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub staff: Option<String>,
    pub channel: Option<Channel>,
}

/// Raw counts of one ISO week, from which [`crate::stats`] derives shares and intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekCounts {
    pub iso_week: String,
    pub n: u32,
    pub functional_positive: u32,
    pub functional_sum: u64,
    pub emotional_positive: u32,
    pub emotional_sum: u64,
}

/// What a bulk write does with an id that is already in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse the whole batch ([`crate::Error::Conflict`]).
    Fail,
    /// Keep the stored contact and leave that row out; importing a file twice adds nothing.
    Skip,
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Writes a new contact durably; returns only after the commit is on disk.
    /// A contact with an id already present is a [`crate::Error::Conflict`].
    async fn insert(&self, contact: &Contact) -> Result<()>;

    /// Writes many new contacts in one transaction: all of them or, on any error, none.
    /// Returns how many were written (with [`Existing::Skip`], ids already present are not).
    async fn insert_many(&self, contacts: &[Contact], existing: Existing) -> Result<u64>;

    /// Replaces a live contact; [`crate::Error::NotFound`] when it is missing or deleted.
    async fn update(&self, contact: &Contact) -> Result<()>;

    /// A contact, deleted or not, with whether it is deleted.
    async fn get(&self, id: Uuid) -> Result<Option<(Contact, bool)>>;

    /// Marks a contact deleted (`Some`) or live again (`None`), so that delete can be undone.
    async fn set_deleted(&self, id: Uuid, deleted_at: Option<DateTime<Utc>>) -> Result<()>;

    /// Live contacts, newest first.
    async fn list(&self, query: &ListQuery) -> Result<Vec<Contact>>;

    /// Counts per ISO week of live contacts; weeks without contacts are absent.
    async fn week_counts(&self, filter: &StatsFilter) -> Result<Vec<WeekCounts>>;

    /// The same counts per staff member and week, in one query for the whole team.
    async fn week_counts_by_staff(&self, filter: &StatsFilter)
        -> Result<Vec<(String, WeekCounts)>>;

    async fn setting(&self, key: &str) -> Result<Option<String>>;

    async fn put_setting(&self, key: &str, value: Option<&str>) -> Result<()>;

    /// Flushes and closes; later calls fail.
    async fn close(&self);
}
