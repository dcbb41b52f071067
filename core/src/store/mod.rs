//! The storage boundary. Callers speak to `dyn Store`; each backend (SQLite now, PostgreSQL
//! for teams next) implements it with its own migrations. The trait deals in validated
//! domain values and plain counts, so no SQL dialect leaks upward and every backend groups
//! weeks by the same precomputed ISO week column.

pub mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::error::Result;
use crate::model::{positive, Axis, Channel, Contact, Quadrant, Reason, LOW_UP_TO, POSITIVE_FROM};

/// Which contacts to list, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Contacts whose local date is on or after this date.
    pub since: Option<NaiveDate>,
    pub staff: Option<String>,
    /// A member's contacts, whatever name they carry; with `staff`, also the unclaimed
    /// contacts under that name.
    pub member: Option<String>,
    pub limit: Option<u32>,
}

/// The contacts the weekly figures count (local dates, both ends included). An empty staff
/// list means everyone.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub staff: Vec<String>,
    pub channel: Option<Channel>,
    pub topic: Option<String>,
}

/// What [`Store::week_counts_by`] groups by besides the week. Contacts without a topic are
/// in no topic's group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Staff,
    Channel,
    Topic,
}

/// Raw counts of one ISO week, from which [`crate::stats`] derives shares and intervals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeekCounts {
    pub iso_week: String,
    pub n: u32,
    /// Contacts rated 4 or 5 on both axes.
    pub both_positive: u32,
    /// How many contacts were rated 1, 2, 3, 4 and 5 on each axis.
    pub functional: [u32; 5],
    pub emotional: [u32; 5],
}

impl WeekCounts {
    /// The counts of one contact (its week, staff and channel are the caller's to keep).
    pub fn of(c: &Contact) -> Self {
        let mut k = Self {
            n: 1,
            both_positive: u32::from(positive(c.functional) && positive(c.emotional)),
            ..Self::default()
        };
        k.functional[usize::from(c.functional.clamp(1, 5)) - 1] = 1;
        k.emotional[usize::from(c.emotional.clamp(1, 5)) - 1] = 1;
        k
    }

    pub fn ratings(&self, axis: Axis) -> &[u32; 5] {
        match axis {
            Axis::Functional => &self.functional,
            Axis::Emotional => &self.emotional,
        }
    }

    /// Contacts rated 4 or 5 on this axis.
    pub fn positive(&self, axis: Axis) -> u32 {
        self.ratings(axis)[usize::from(POSITIVE_FROM) - 1..]
            .iter()
            .sum()
    }

    /// Contacts rated 1 or 2 on this axis.
    pub fn low(&self, axis: Axis) -> u32 {
        self.ratings(axis)[..usize::from(LOW_UP_TO)].iter().sum()
    }

    /// Contacts rated 5 on this axis.
    pub fn top(&self, axis: Axis) -> u32 {
        self.ratings(axis)[4]
    }

    pub fn sum(&self, axis: Axis) -> u64 {
        (1..=5u64)
            .zip(self.ratings(axis))
            .map(|(rating, &k)| rating * u64::from(k))
            .sum()
    }

    /// Adds another group's counts (another week, staff member or channel).
    pub fn add(&mut self, other: &WeekCounts) {
        self.n += other.n;
        self.both_positive += other.both_positive;
        for i in 0..5 {
            self.functional[i] += other.functional[i];
            self.emotional[i] += other.emotional[i];
        }
    }
}

/// Counts of the optional answers among a group of contacts (one ISO week, or one part of
/// two periods, labelled by its first week).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerCounts {
    pub iso_week: String,
    /// Contacts with the customer's own score (NPS 0–10).
    pub nps_n: u32,
    /// Scores of 9 or 10.
    pub promoters: u32,
    /// Scores of 0 to 6.
    pub detractors: u32,
    /// Detractors whom the staff member rated welcome (4–5).
    pub detractors_welcome: u32,
    /// Promoters whom the staff member did not rate welcome (1–3).
    pub promoters_not_welcome: u32,
    /// How many contacts were at service level 1, 2, 3, 4 and 5.
    pub levels: [u32; 5],
    /// How many contacts were rated 1–5 on "valued".
    pub valued: [u32; 5],
    /// Contacts with a customer reference, and those among them that came within
    /// [`crate::review::REPEAT_DAYS`] after that customer's previous contact, which was not
    /// solved (1–3).
    pub customers: u32,
    pub repeats: u32,
}

impl AnswerCounts {
    /// The answers of one new, live contact, counted as the rollup's insert trigger counts
    /// them: `None` when it has none of them (nor a customer). Its repeat flag is still unset
    /// (0): the customers' triggers or recount set it, and the rollup follows them there.
    pub fn of(c: &Contact) -> Option<Self> {
        if c.nps.is_none() && c.level.is_none() && c.valued.is_none() && c.customer_ref.is_none() {
            return None;
        }
        let promoter = c.nps.is_some_and(|s| s >= 9);
        let detractor = c.nps.is_some_and(|s| s <= 6);
        let mut k = Self {
            nps_n: u32::from(c.nps.is_some()),
            promoters: u32::from(promoter),
            detractors: u32::from(detractor),
            detractors_welcome: u32::from(detractor && positive(c.emotional)),
            promoters_not_welcome: u32::from(promoter && !positive(c.emotional)),
            customers: u32::from(c.customer_ref.is_some()),
            ..Self::default()
        };
        for (value, counts) in [(c.level, &mut k.levels), (c.valued, &mut k.valued)] {
            if let Some(v @ 1..=5) = value {
                counts[usize::from(v) - 1] = 1;
            }
        }
        Some(k)
    }

    pub fn add(&mut self, other: &Self) {
        self.nps_n += other.nps_n;
        self.promoters += other.promoters;
        self.detractors += other.detractors;
        self.detractors_welcome += other.detractors_welcome;
        self.promoters_not_welcome += other.promoters_not_welcome;
        for (a, b) in self.levels.iter_mut().zip(other.levels) {
            *a += b;
        }
        for (a, b) in self.valued.iter_mut().zip(other.valued) {
            *a += b;
        }
        self.customers += other.customers;
        self.repeats += other.repeats;
    }
}

/// The moments to share of a range: per staff member (by name) how many were rated 5 on both
/// axes, at level 5 and marked; and the contacts to list (every marked one and each person's
/// newest others, up to [`crate::practices::MOMENTS_LISTED`]), by name, newest first.
#[derive(Debug, Clone, Default)]
pub struct MomentsFound {
    pub counts: Vec<(String, [u32; 3])>,
    pub contacts: Vec<crate::practices::MomentContact>,
}

/// How many contacts that were not or hardly solved (1–2) failed for one reason on one topic,
/// in one part of two periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCount {
    pub part: String,
    pub topic: Option<String>,
    pub reason: Option<Reason>,
    pub count: u32,
}

/// Contacts with a customer reference in one part of two periods, and how many of them came
/// within the repeat window after that customer's contact that was not solved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatCounts {
    pub part: String,
    pub contacts: u32,
    pub repeats: u32,
}

/// The follow-ups due in a range, as of a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromiseCounts {
    /// Done by the end of their due day (on the staff member's clock).
    pub kept: u32,
    /// Done after it.
    pub late: u32,
    /// Still open after their due day.
    pub overdue: u32,
    /// Open, and the due day has not passed yet.
    pub pending: u32,
}

/// Which contacts a drill-down lists: those the filter counts, narrowed to one ISO week,
/// one quadrant, one rating on one axis, or the open follow-ups, in any combination.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillDown {
    pub filter: StatsFilter,
    pub quadrant: Option<Quadrant>,
    pub rating: Option<(Axis, u8)>,
    /// Flagged for follow-up or rated 2 or lower on the emotional axis, and not yet done.
    pub open_follow_ups: bool,
    pub limit: u32,
    pub offset: u32,
}

/// What a bulk write does with an id that is already in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse the whole batch ([`crate::Error::Conflict`]).
    Fail,
    /// Keep the stored contact and leave that row out; importing a file twice adds nothing.
    Skip,
}

/// One transaction that writes new contacts batch by batch (an import, while the file is still
/// being read). Nothing is visible to readers until [`BulkWrite::commit`]; dropping it
/// uncommitted writes nothing.
#[async_trait]
pub trait BulkWrite: Send {
    /// Writes a batch; returns how many were written (with [`Existing::Skip`], ids already
    /// present are not).
    async fn write(&mut self, contacts: &[Contact]) -> Result<u64>;

    /// Makes every batch durable at once.
    async fn commit(self: Box<Self>) -> Result<()>;
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Writes a new contact durably; returns only after the commit is on disk. It does not
    /// wait behind a long write: the SQLite store then commits it to a pending file beside
    /// the journal, from which it moves in when the write ends.
    /// A contact with an id already present is a [`crate::Error::Conflict`].
    async fn insert(&self, contact: &Contact) -> Result<()>;

    /// Writes many new contacts in one transaction: all of them or, on any error, none.
    /// Returns how many were written (with [`Existing::Skip`], ids already present are not).
    async fn insert_many(&self, contacts: &[Contact], existing: Existing) -> Result<u64> {
        let mut bulk = self.bulk(existing, contacts.len() as u64).await?;
        let written = bulk.write(contacts).await?;
        bulk.commit().await?;
        Ok(written)
    }

    /// Starts a transaction for about `expected` new contacts arriving in batches.
    async fn bulk(&self, existing: Existing, expected: u64) -> Result<Box<dyn BulkWrite>>;

    /// Replaces a live contact; [`crate::Error::NotFound`] when it is missing or deleted.
    async fn update(&self, contact: &Contact) -> Result<()>;

    /// A contact, deleted or not, with whether it is deleted.
    async fn get(&self, id: Uuid) -> Result<Option<(Contact, bool)>>;

    /// Marks a contact deleted (`Some`) or live again (`None`), so that delete can be undone.
    async fn set_deleted(&self, id: Uuid, deleted_at: Option<DateTime<Utc>>) -> Result<()>;

    /// Live contacts, newest first.
    async fn list(&self, query: &ListQuery) -> Result<Vec<Contact>>;

    /// Every live contact (or those `filter` takes), oldest first, handed to `each` a page at
    /// a time from one snapshot of the journal (what is written meanwhile is not seen), with
    /// how many there are in all: memory stays flat whatever the journal's size. `each`
    /// answers whether to go on. Returns how many were handed over.
    async fn each_contact(
        &self,
        filter: Option<&StatsFilter>,
        each: &mut (dyn for<'c> FnMut(&'c [Contact], u64) -> Result<bool> + Send),
    ) -> Result<u64>;

    /// How many live contacts match, and a page of them, newest first.
    async fn contacts(&self, query: &DrillDown) -> Result<(u64, Vec<Contact>)>;

    /// Records a follow-up as done (when, by whom) or, with `None`, as open again.
    /// [`crate::Error::NotFound`] when the contact is missing or deleted.
    async fn set_follow_up_done(&self, id: Uuid, done: Option<(DateTime<Utc>, &str)>)
        -> Result<()>;

    /// Marks a live contact to bring to the team meeting, or unmarks it.
    async fn set_star(&self, id: Uuid, star: bool) -> Result<()>;

    /// Every staff name and every topic among the live contacts, sorted, and the oldest
    /// contact's local date.
    async fn facets(&self) -> Result<(Vec<String>, Vec<String>, Option<NaiveDate>)>;

    /// Counts per ISO week of live contacts; weeks without contacts are absent.
    async fn week_counts(&self, filter: &StatsFilter) -> Result<Vec<WeekCounts>>;

    /// The same counts per group (staff member, channel or topic) and week, in one query.
    async fn week_counts_by(
        &self,
        filter: &StatsFilter,
        by: GroupBy,
    ) -> Result<Vec<(String, WeekCounts)>>;

    /// The counts per group (or of everything) in two parts: the weeks of the filter before
    /// `from`, and those from `from` on, each labelled by its first week.
    async fn period_counts_by(
        &self,
        filter: &StatsFilter,
        by: Option<GroupBy>,
        from: NaiveDate,
    ) -> Result<Vec<(String, WeekCounts)>>;

    /// The counts of the optional answers per ISO week or, with `split`, in two parts: the
    /// weeks before that day and those from it on; per group too with `by`.
    async fn answer_counts(
        &self,
        filter: &StatsFilter,
        by: Option<GroupBy>,
        split: Option<NaiveDate>,
    ) -> Result<Vec<(String, AnswerCounts)>>;

    /// The contacts rated 1–2 on solved per part (before `from`, from it on), topic and reason.
    async fn failed_counts(
        &self,
        filter: &StatsFilter,
        from: NaiveDate,
    ) -> Result<Vec<FailedCount>>;

    /// The follow-ups due from `filter.from` to `filter.to`, as they stand on `today`.
    async fn promise_counts(&self, filter: &StatsFilter, today: NaiveDate)
        -> Result<PromiseCounts>;

    /// The distinct customers with a contact in the filter's range, and how many of them had
    /// one at service level 5.
    async fn level5_customers(&self, filter: &StatsFilter) -> Result<(u32, u32)>;

    /// The moments to share in the filter's range: contacts rated 5 on both axes, at service
    /// level 5, or marked for the team meeting.
    async fn moments(&self, filter: &StatsFilter) -> Result<MomentsFound>;

    /// The notes pinned to weeks from `from` to `to` (week labels), by week.
    async fn week_notes(&self, from: &str, to: &str) -> Result<Vec<(String, String)>>;

    /// Pins a note to a week, or (`None`) removes it.
    async fn set_week_note(&self, week: &str, note: Option<&str>, at: DateTime<Utc>) -> Result<()>;

    async fn setting(&self, key: &str) -> Result<Option<String>>;

    /// Every stored setting, in one read.
    async fn all_settings(&self) -> Result<std::collections::HashMap<String, String>>;

    /// Makes the live contacts under `name` that carry no member id the member's own.
    /// Returns how many.
    async fn claim_contacts(&self, member: &str, name: &str) -> Result<u64>;

    /// The other names the member's live contacts carry, with how many each.
    async fn member_names(&self, member: &str, current: &str) -> Result<Vec<(String, u64)>>;

    /// Puts every live contact of the member under `name` (a rename carried over), stamped
    /// `at`. Returns how many changed.
    async fn rename_member(&self, member: &str, name: &str, at: DateTime<Utc>) -> Result<u64>;

    /// Sets (`Some`) or removes (`None`) settings, all in one transaction.
    async fn put_settings(&self, values: &[(&str, Option<&str>)]) -> Result<()>;

    /// Every contact, deleted or not, with this customer reference, oldest first, each with
    /// whether it is deleted.
    async fn customer_contacts(&self, customer_ref: &str) -> Result<Vec<(Contact, bool)>>;

    /// Removes every contact, deleted or not, with this customer reference, for good: nothing
    /// of them is left to read back, in the data or in the engine's logs. Returns how many.
    async fn erase_customer(&self, customer_ref: &str) -> Result<u64>;

    /// Erases what is older than `before` (a local date), for good: the notes, or with
    /// `whole_contacts` the contacts themselves. Returns how many contacts it touched.
    async fn erase_before(&self, before: NaiveDate, whole_contacts: bool) -> Result<u64>;

    /// Every distinct customer reference that is not a pseudonym.
    async fn plain_customer_refs(&self) -> Result<Vec<String>>;

    /// Replaces customer references (from, to) in one transaction, the old ones overwritten
    /// for good like an erasure.
    async fn rename_customer_refs(&self, renames: &[(String, String)]) -> Result<u64>;

    /// Flushes and closes; later calls fail.
    async fn close(&self);
}
