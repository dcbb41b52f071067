//! The one entry point the shell and the CLI use: validate, stamp with the clock, store.
//! Commands stay thin because every rule about contacts and weeks is applied here.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Days, Months, NaiveDate, Utc};
use uuid::Uuid;

use crate::backup;
use crate::clock::Clock;
use crate::demo::{Demo, DemoSpec, APP_DEMO};
use crate::error::{Error, Result, ValidationKind as K};
use crate::export::{self, CsvStyle};
use crate::import::{self, ImportReport};
use crate::model::{Contact, ContactInput, EarlierName, Language, Settings, SettingsInput};
use crate::pseudonym::Keyring;
use crate::review::{ContactPage, ContactsQuery, Facets, PAGE_MAX};
use crate::stats::{self, Review, StaffReview, StaffWeeks, WeeklyQuery, WeeklyReport};
use crate::store::{ContactQuery, Existing, ListQuery, StatsFilter, Store, WeekCounts};
use crate::validate::{self, STAFF_MAX};
use crate::week;

const DISPLAY_NAME: &str = "display_name";
const LANGUAGE: &str = "language";
const TARGET_FUNCTIONAL: &str = "target_functional";
const TARGET_EMOTIONAL: &str = "target_emotional";
const RETENTION_MONTHS: &str = "retention_months";
const RETENTION_WHOLE_CONTACTS: &str = "retention_whole_contacts";
const BACKUPS_KEEP: &str = "backups_keep";
const PSEUDONYMISE: &str = "pseudonymise_customers";
const MEMBER_ID: &str = "member_id";

/// The longest retention period that can be set: a hundred years.
pub const RETENTION_MAX_MONTHS: u16 = 1200;
/// The most daily backups that can be kept: a year's.
pub const BACKUPS_KEEP_MAX: u16 = 365;

/// A review filter may name at most this many staff members.
pub const STAFF_FILTER_MAX: usize = 1000;

/// The longest range the figures cover: a hundred years.
const RANGE_MAX_DAYS: i64 = 36_525;

/// How many weeks the weekly figures cover when no range is given.
pub const DEFAULT_WEEKS: u64 = 12;

#[derive(Clone)]
pub struct Journal {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    keys: Arc<Keyring>,
}

impl Journal {
    /// A journal whose pseudonym key (when the setting asks for one) is in the default place.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            keys: Arc::new(Keyring::new(None)),
        }
    }

    /// The same journal with the pseudonym key in `path`.
    pub fn with_key_file(mut self, path: PathBuf) -> Self {
        self.keys = Arc::new(Keyring::new(Some(path)));
        self
    }

    /// Replaces the customer references of new contacts by their pseudonyms when `on` (the
    /// setting, read once by the caller).
    fn pseudonymise(&self, on: bool, contacts: &mut [Contact]) -> Result<()> {
        if !on {
            return Ok(());
        }
        for c in contacts {
            if let Some(r) = &c.customer_ref {
                c.customer_ref = Some(self.keys.pseudonym(r)?);
            }
        }
        Ok(())
    }

    async fn pseudonymising(&self) -> Result<bool> {
        Ok(self.store.setting(PSEUDONYMISE).await?.as_deref() == Some("true"))
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Validates and durably saves a new contact; the returned contact is committed.
    pub async fn log(&self, input: &ContactInput) -> Result<Contact> {
        let settings = self.settings().await?;
        let staff = settings.display_name;
        let default_staff = Some(staff.as_str()).filter(|s| !s.is_empty());
        let mut contact = validate::contact(input, default_staff, self.clock.as_ref())?;
        // Logged under the user's own name, it is theirs, whatever they are called later.
        if contact.staff == staff {
            contact.staff_id = Some(settings.member_id);
        }
        self.pseudonymise(
            settings.pseudonymise_customers,
            std::slice::from_mut(&mut contact),
        )?;
        self.store.insert(&contact).await?;
        Ok(contact)
    }

    /// Replaces the fields of a live contact; its id and `logged_at` stay.
    pub async fn update(&self, id: &str, input: &ContactInput) -> Result<Contact> {
        let existing = self.live(id).await?;
        // An edit never moves a contact in time unless it names a new one: an empty time keeps
        // the contact's own (for a new contact it means "now").
        let mut input = input.clone();
        if input
            .occurred_at
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            input.occurred_at = Some(existing.occurred_at.to_rfc3339());
        }
        let mut contact = validate::contact(&input, Some(&existing.staff), self.clock.as_ref())?;
        contact.id = existing.id;
        contact.staff_id = existing.staff_id;
        contact.logged_at = existing.logged_at;
        contact.follow_up_done_at = existing.follow_up_done_at;
        contact.follow_up_done_by = existing.follow_up_done_by;
        let on = self.pseudonymising().await?;
        self.pseudonymise(on, std::slice::from_mut(&mut contact))?;
        self.store.update(&contact).await?;
        Ok(contact)
    }

    /// Soft-deletes a contact so that [`Journal::restore`] can undo it.
    pub async fn delete(&self, id: &str) -> Result<()> {
        let contact = self.live(id).await?;
        self.store
            .set_deleted(contact.id, Some(self.clock.now().with_timezone(&Utc)))
            .await
    }

    /// Undoes a delete, or a log (an undo right after saving deletes the new contact).
    pub async fn restore(&self, id: &str) -> Result<Contact> {
        let id = parse_id(id)?;
        let (contact, _) = self
            .store
            .get(id)
            .await?
            .ok_or_else(|| Error::NotFound(id.to_string()))?;
        self.store.set_deleted(id, None).await?;
        Ok(contact)
    }

    pub async fn get(&self, id: &str) -> Result<Contact> {
        self.live(id).await
    }

    /// The current user's latest contacts, newest first, under whatever name they logged them.
    pub async fn recent(&self, limit: u32) -> Result<Vec<Contact>> {
        let settings = self.settings().await?;
        let query = ListQuery {
            staff: Some(settings.display_name),
            member: Some(settings.member_id),
            limit: Some(limit),
            since: None,
        };
        self.store.list(&query).await
    }

    /// The other names the user's contacts carry (after a rename), with how many each.
    pub async fn earlier_names(&self) -> Result<Vec<EarlierName>> {
        let settings = self.settings().await?;
        let names = self
            .store
            .member_names(&settings.member_id, &settings.display_name)
            .await?;
        Ok(names
            .into_iter()
            .map(|(name, n)| EarlierName {
                name,
                contacts: u32::try_from(n).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// Puts all of the user's contacts under their current display name, so the review
    /// shows one person again after a rename. Returns how many contacts changed.
    pub async fn carry_over_contacts(&self) -> Result<u64> {
        let settings = self.settings().await?;
        self.store
            .rename_member(
                &settings.member_id,
                &settings.display_name,
                self.clock.now().with_timezone(&Utc),
            )
            .await
    }

    pub async fn list(&self, query: &ListQuery) -> Result<Vec<Contact>> {
        self.store.list(query).await
    }

    /// Weekly figures over whole ISO weeks; by default the 12 weeks up to today.
    pub async fn weekly(&self, query: &WeeklyQuery) -> Result<WeeklyReport> {
        let filter = self.stats_filter(query)?;
        let counts = self.store.week_counts(&filter).await?;
        Ok(stats::report(filter.from, filter.to, &counts))
    }

    /// The same figures for every staff member with contacts in the range, by name.
    pub async fn weekly_by_staff(&self, query: &WeeklyQuery) -> Result<Vec<StaffWeeks>> {
        let filter = self.stats_filter(query)?;
        let counts = self.store.week_counts_by_staff(&filter).await?;
        let mut by_staff: BTreeMap<String, Vec<WeekCounts>> = BTreeMap::new();
        for (staff, c) in counts {
            by_staff.entry(staff).or_default().push(c);
        }
        Ok(by_staff
            .into_iter()
            .map(|(staff, counts)| StaffWeeks {
                staff,
                report: stats::report(filter.from, filter.to, &counts),
            })
            .collect())
    }

    /// The review of a range of whole weeks: weekly figures with the rating distribution and
    /// quadrants, and the period's totals next to those of the equally long period before.
    pub async fn review(&self, query: &WeeklyQuery) -> Result<Review> {
        let filter = self.stats_filter(query)?;
        let previous_from = previous_from(&filter);
        let both = StatsFilter {
            from: previous_from,
            ..filter.clone()
        };
        let counts = self.store.week_counts(&both).await?;
        Ok(stats::review(
            previous_from,
            filter.from,
            filter.to,
            &counts,
        ))
    }

    /// [`Journal::review`] for every staff member with contacts in either period.
    pub async fn review_by_staff(&self, query: &WeeklyQuery) -> Result<Vec<StaffReview>> {
        let filter = self.stats_filter(query)?;
        let previous_from = previous_from(&filter);
        let both = StatsFilter {
            from: previous_from,
            ..filter.clone()
        };
        let mut by_staff: BTreeMap<String, Vec<WeekCounts>> = BTreeMap::new();
        for (staff, c) in self.store.week_counts_by_staff(&both).await? {
            by_staff.entry(staff).or_default().push(c);
        }
        Ok(by_staff
            .into_iter()
            .map(|(staff, counts)| {
                stats::staff_review(staff, previous_from, filter.from, filter.to, &counts)
            })
            .collect())
    }

    /// The contacts behind a figure of the review, newest first.
    pub async fn contacts(&self, query: &ContactsQuery) -> Result<ContactPage> {
        let mut filter = self.stats_filter(&query.filter)?;
        if let Some(label) = query.week.as_deref() {
            let monday = week::parse(label).ok_or_else(|| {
                Error::validation(
                    "week",
                    K::Unparseable,
                    format!("{label:?} is not an ISO week like 2026-W47"),
                )
            })?;
            filter.from = filter.from.max(monday);
            filter.to = filter.to.min(validate::add_days(monday, 6));
        }
        let rating = match (query.axis, query.rating) {
            (None, None) => None,
            (Some(axis), Some(r)) if (1..=5).contains(&r) => Some((axis, r as u8)),
            (Some(_), Some(r)) => {
                return Err(Error::validation(
                    "rating",
                    K::OutOfRange,
                    format!("rating {r} is not between 1 and 5"),
                ))
            }
            (None, Some(_)) => {
                return Err(Error::validation(
                    "axis",
                    K::Required,
                    "a rating needs the axis it was given on",
                ))
            }
            (Some(_), None) => {
                return Err(Error::validation(
                    "rating",
                    K::Required,
                    "an axis needs the rating to look for",
                ))
            }
        };
        let limit = query.limit.unwrap_or(100);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(Error::validation(
                "limit",
                K::OutOfRange,
                format!("limit must be between 1 and {PAGE_MAX}"),
            ));
        }
        let (total, contacts) = self
            .store
            .contacts(&ContactQuery {
                filter,
                quadrant: query.quadrant,
                rating,
                open_follow_ups: query.open_follow_ups,
                limit,
                offset: query.offset,
            })
            .await?;
        Ok(ContactPage { total, contacts })
    }

    /// Writes every contact a review filter counts as CSV (the columns of `export`, so the
    /// file can be imported again), oldest first; returns how many.
    pub async fn export_contacts<W: std::io::Write + Send>(
        &self,
        query: &WeeklyQuery,
        out: W,
        style: CsvStyle,
    ) -> Result<u64> {
        // One query, so the file is one consistent snapshot even while others write.
        let everything = ContactQuery {
            filter: self.stats_filter(query)?,
            quadrant: None,
            rating: None,
            open_follow_ups: false,
            limit: u32::MAX,
            offset: 0,
        };
        let (_, mut all) = self.store.contacts(&everything).await?;
        all.reverse();
        export::contacts_csv(out, &all, style)?;
        Ok(all.len() as u64)
    }

    /// Marks a contact's follow-up done, recording when and by whom (the display name), or
    /// open again. Only contacts flagged for follow-up or rated 2 or lower on the emotional
    /// axis have one.
    pub async fn set_follow_up_done(&self, id: &str, done: bool) -> Result<Contact> {
        let mut contact = self.live(id).await?;
        if !contact.follow_up && contact.emotional > 2 {
            return Err(Error::Conflict(
                "this contact was not flagged for follow-up".to_owned(),
            ));
        }
        let by = self.settings().await?.display_name;
        let at = self.clock.now().with_timezone(&Utc);
        self.store
            .set_follow_up_done(contact.id, done.then_some((at, by.as_str())))
            .await?;
        contact.follow_up_done_at = done.then_some(at);
        contact.follow_up_done_by = done.then_some(by);
        Ok(contact)
    }

    /// Every staff member and topic in the journal, for the review's filters.
    pub async fn facets(&self) -> Result<Facets> {
        let (staff, topics, first_day) = self.store.facets().await?;
        Ok(Facets {
            staff,
            topics,
            first_day,
        })
    }

    /// The whole ISO weeks a query covers: by default the 12 weeks up to today.
    fn stats_filter(&self, query: &WeeklyQuery) -> Result<StatsFilter> {
        let today = self.clock.now().date_naive();
        let to = query.to.unwrap_or(today);
        let from = query.from.unwrap_or_else(|| {
            week::monday(to)
                .checked_sub_days(Days::new(7 * (DEFAULT_WEEKS - 1)))
                .unwrap_or(to)
        });
        if from > to {
            return Err(Error::validation(
                "from",
                K::OutOfRange,
                format!("from {from} is after to {to}"),
            ));
        }
        // Every week of the range becomes a row of figures: a century is more than any
        // journal holds, and keeps a mistyped year from asking for half a million weeks.
        if (to - from).num_days() > RANGE_MAX_DAYS {
            return Err(Error::validation(
                "from",
                K::OutOfRange,
                format!("from {from} to {to} is more than 100 years"),
            ));
        }
        if query.staff.len() > STAFF_FILTER_MAX {
            return Err(Error::validation(
                "staff",
                K::TooLong,
                format!("at most {STAFF_FILTER_MAX} staff members at once"),
            ));
        }
        let mut staff = Vec::with_capacity(query.staff.len());
        for name in &query.staff {
            staff.extend(validate::short_text("staff", Some(name), STAFF_MAX)?);
        }
        Ok(StatsFilter {
            from: week::monday(from),
            to: validate::add_days(week::monday(to), 6),
            staff,
            channel: query.channel,
            topic: validate::short_text("topic", query.topic.as_deref(), validate::SHORT_MAX)?,
        })
    }

    /// Imports a CSV file (the columns of `export`). The file is read on another thread while
    /// its valid rows are written, all in one transaction: with `skip_invalid` off, one bad row
    /// leaves the journal as it was; with it, the valid rows are written and the rest
    /// reported. Rows whose id is already in the journal are left as they are. `progress`
    /// hears how many bytes of the file have been written.
    pub async fn import(
        &self,
        bytes: Vec<u8>,
        skip_invalid: bool,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ImportReport> {
        let mut bulk = self
            .store
            .bulk(Existing::Skip, import::row_estimate(&bytes))
            .await?;
        let (send, mut batches) = tokio::sync::mpsc::channel(2);
        let clock = Arc::clone(&self.clock);
        let reader = tokio::task::spawn_blocking(move || {
            import::parse(&bytes, clock.as_ref(), skip_invalid, &mut |batch, read| {
                send.blocking_send((batch, read)).is_ok()
            })
        });
        let mut imported = 0;
        let pseudonyms = self.pseudonymising().await?;
        while let Some((mut batch, read)) = batches.recv().await {
            // Returning drops the receiver, which stops the reader, and the transaction.
            self.pseudonymise(pseudonyms, &mut batch)?;
            imported += bulk.write(&batch).await?;
            progress(read);
        }
        let parsed = reader
            .await
            .map_err(|e| Error::Internal(format!("reading the file failed: {e}")))??;
        if parsed.invalid_rows > 0 && !skip_invalid {
            return Err(Error::Import(parsed.rejection()));
        }
        bulk.commit().await?;
        Ok(ImportReport {
            rows: parsed.rows,
            imported,
            already_present: parsed.valid_rows - imported,
            skipped_invalid: parsed.invalid_rows,
            errors: parsed.errors,
            unlisted_errors: parsed.unlisted_errors,
        })
    }

    /// Writes generated demo contacts ending now, generated in batches and written in one
    /// transaction; `progress` hears how many are written. A seed already loaded adds nothing (its ids are already there). Returns how many
    /// contacts were written.
    pub async fn load_demo(
        &self,
        spec: DemoSpec,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64> {
        self.write_demo(Demo::new(spec, self.clock.now()), progress)
            .await
    }

    /// The app's "load demo data": only into an empty journal, never mixed with real contacts,
    /// and with the user as one of the staff. Returns how many contacts were added.
    pub async fn load_demo_into_empty(&self) -> Result<u64> {
        let any = ListQuery {
            limit: Some(1),
            ..ListQuery::default()
        };
        if !self.store.list(&any).await?.is_empty() {
            return Err(Error::Conflict(
                "demo data can only be loaded into an empty journal".to_owned(),
            ));
        }
        let settings = self.settings().await?;
        let you = settings.display_name;
        let demo = Demo::with_member(
            APP_DEMO,
            self.clock.now(),
            Some(you.as_str()).filter(|n| !n.is_empty()),
        );
        let written = self.write_demo(demo, &mut |_| {}).await?;
        // The demo's contacts in the user's name are the user's own.
        self.store.claim_contacts(&settings.member_id, &you).await?;
        Ok(written)
    }

    async fn write_demo(&self, demo: Demo, progress: &mut (dyn FnMut(u64) + Send)) -> Result<u64> {
        const BATCH: usize = 50_000;
        // One transaction, like an import: a large demo builds its indexes once at the end.
        let mut bulk = self
            .store
            .bulk(Existing::Skip, demo.size_hint().0 as u64)
            .await?;
        // The next batch is generated on another thread while the store writes this one.
        let next = |mut demo: Demo| {
            tokio::task::spawn_blocking(move || {
                let batch: Vec<Contact> = demo.by_ref().take(BATCH).collect();
                (demo, batch)
            })
        };
        let mut pending = next(demo);
        let mut written = 0;
        let mut done = 0;
        loop {
            let (demo, batch) = pending
                .await
                .map_err(|e| Error::Internal(format!("demo generator failed: {e}")))?;
            if batch.is_empty() {
                bulk.commit().await?;
                return Ok(written);
            }
            pending = next(demo);
            done += batch.len() as u64;
            written += bulk.write(&batch).await?;
            progress(done);
        }
    }

    /// The settings, with the system account's name until a display name is chosen.
    pub async fn settings(&self) -> Result<Settings> {
        let chosen = self.store.setting(DISPLAY_NAME).await?;
        let display_name_chosen = chosen.is_some();
        let display_name = chosen.unwrap_or_else(system_user_name);
        let member_id = self.member_id().await?;
        let language = match self.store.setting(LANGUAGE).await?.as_deref() {
            Some("nl") => Some(Language::Nl),
            Some("en") => Some(Language::En),
            _ => None,
        };
        let number = |v: Option<String>, max: u16| {
            v.and_then(|v| v.parse::<u16>().ok())
                .filter(|v| (1..=max).contains(v))
        };
        Ok(Settings {
            display_name,
            display_name_chosen,
            member_id,
            language,
            target_functional: self.target(TARGET_FUNCTIONAL).await?,
            target_emotional: self.target(TARGET_EMOTIONAL).await?,
            retention_months: number(
                self.store.setting(RETENTION_MONTHS).await?,
                RETENTION_MAX_MONTHS,
            ),
            retention_whole_contacts: self.store.setting(RETENTION_WHOLE_CONTACTS).await?
                == Some("true".into()),
            backups_keep: number(self.store.setting(BACKUPS_KEEP).await?, BACKUPS_KEEP_MAX)
                .unwrap_or(backup::KEEP_DEFAULT as u16),
            pseudonymise_customers: self.pseudonymising().await?,
        })
    }

    /// Every contact of one customer, deleted ones too: what a request to see one's own
    /// data (GDPR article 15) is answered with.
    pub async fn customer_contacts(&self, customer_ref: &str) -> Result<Vec<Contact>> {
        let mut all = Vec::new();
        for form in self.keys.stored_forms(&customer(customer_ref)?)? {
            all.extend(self.store.customer_contacts(&form).await?);
        }
        all.sort_by_key(|(c, _)| (c.occurred_at, c.logged_at));
        Ok(all.into_iter().map(|(c, _)| c).collect())
    }

    /// Erases every contact of one customer for good (GDPR article 17); returns how many.
    pub async fn erase_customer(&self, customer_ref: &str) -> Result<u64> {
        let mut erased = 0;
        for form in self.keys.stored_forms(&customer(customer_ref)?)? {
            erased += self.store.erase_customer(&form).await?;
        }
        Ok(erased)
    }

    /// Applies the retention setting now: erases the notes (or whole contacts) from before
    /// the cut-off date. Returns the cut-off and how many contacts it touched, or `None`
    /// when everything is kept.
    pub async fn apply_retention(&self) -> Result<Option<(NaiveDate, u64)>> {
        let settings = self.settings().await?;
        let Some(months) = settings.retention_months else {
            return Ok(None);
        };
        let today = self.clock.now().date_naive();
        let cutoff = today
            .checked_sub_months(Months::new(u32::from(months)))
            .unwrap_or(NaiveDate::MIN);
        let touched = self
            .store
            .erase_before(cutoff, settings.retention_whole_contacts)
            .await?;
        Ok(Some((cutoff, touched)))
    }

    async fn target(&self, key: &str) -> Result<Option<u8>> {
        Ok(self
            .store
            .setting(key)
            .await?
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|v| (1..=100).contains(v)))
    }

    pub async fn save_settings(&self, input: &SettingsInput) -> Result<Settings> {
        let display_name =
            validate::short_text("display_name", Some(&input.display_name), STAFF_MAX)?
                .ok_or_else(|| {
                    Error::validation("display_name", K::Required, "a display name is required")
                })?;
        let language = match input.language.as_deref().map(str::trim) {
            None | Some("" | "system") => None,
            Some("nl") => Some(Language::Nl),
            Some("en") => Some(Language::En),
            Some(other) => {
                return Err(Error::validation(
                    "language",
                    K::Unparseable,
                    format!("language {other:?} is not nl, en or system"),
                ))
            }
        };
        let target = |field: &str, value: Option<i32>| match value {
            None => Ok(None),
            Some(v @ 1..=100) => Ok(u8::try_from(v).ok()),
            Some(v) => Err(Error::validation(
                field,
                K::OutOfRange,
                format!("a target of {v}% is not between 1 and 100"),
            )),
        };
        let target_functional = target("target_functional", input.target_functional)?;
        let target_emotional = target("target_emotional", input.target_emotional)?;
        let count = |field: &str, value: Option<i32>, max: u16, what: &str| match value {
            None => Ok(None),
            Some(v) if (1..=i32::from(max)).contains(&v) => Ok(u16::try_from(v).ok()),
            Some(v) => Err(Error::validation(
                field,
                K::OutOfRange,
                format!("{v} {what} is not between 1 and {max}"),
            )),
        };
        let retention_months = count(
            "retention_months",
            input.retention_months,
            RETENTION_MAX_MONTHS,
            "months",
        )?;
        let backups_keep = count(
            "backups_keep",
            input.backups_keep,
            BACKUPS_KEEP_MAX,
            "backups",
        )?
        .unwrap_or(backup::KEEP_DEFAULT as u16);
        // Turning pseudonyms on replaces the references already stored, too.
        if input.pseudonymise_customers && !self.pseudonymising().await? {
            let mut renames = Vec::new();
            for r in self.store.plain_customer_refs().await? {
                let p = self.keys.pseudonym(&r)?;
                renames.push((r, p));
            }
            self.store.rename_customer_refs(&renames).await?;
        }
        // A new name keeps the contacts logged under the old one: any not yet marked as the
        // user's (imported, from the demo, from before member ids) are claimed first.
        let before = self.settings().await?;
        if before.display_name != display_name {
            self.store
                .claim_contacts(&before.member_id, &before.display_name)
                .await?;
        }
        let text = |v: Option<u8>| v.map(|v| v.to_string());
        let (tf, te) = (text(target_functional), text(target_emotional));
        let months = retention_months.map(|m| m.to_string());
        let keep = backups_keep.to_string();
        self.store
            .put_settings(&[
                (DISPLAY_NAME, Some(&display_name)),
                (LANGUAGE, language.map(Language::as_str)),
                (TARGET_FUNCTIONAL, tf.as_deref()),
                (TARGET_EMOTIONAL, te.as_deref()),
                (RETENTION_MONTHS, months.as_deref()),
                (
                    RETENTION_WHOLE_CONTACTS,
                    Some(if input.retention_whole_contacts {
                        "true"
                    } else {
                        "false"
                    }),
                ),
                (BACKUPS_KEEP, Some(&keep)),
                (
                    PSEUDONYMISE,
                    Some(if input.pseudonymise_customers {
                        "true"
                    } else {
                        "false"
                    }),
                ),
            ])
            .await?;
        Ok(Settings {
            display_name,
            display_name_chosen: true,
            member_id: before.member_id,
            language,
            target_functional,
            target_emotional,
            retention_months,
            retention_whole_contacts: input.retention_whole_contacts,
            backups_keep,
            pseudonymise_customers: input.pseudonymise_customers,
        })
    }

    /// This journal's member id, made once (by the migration that introduced it, or here for
    /// a journal that somehow lost it).
    async fn member_id(&self) -> Result<String> {
        if let Some(id) = self.store.setting(MEMBER_ID).await? {
            return Ok(id);
        }
        let id = Uuid::now_v7().simple().to_string();
        self.store.put_settings(&[(MEMBER_ID, Some(&id))]).await?;
        Ok(id)
    }

    async fn live(&self, id: &str) -> Result<Contact> {
        let id = parse_id(id)?;
        match self.store.get(id).await? {
            Some((contact, false)) => Ok(contact),
            _ => Err(Error::NotFound(id.to_string())),
        }
    }
}

/// The first day of the period as long as the filter's, ending the day before it starts.
fn previous_from(filter: &StatsFilter) -> chrono::NaiveDate {
    let days = (filter.to - filter.from).num_days() + 1;
    filter
        .from
        .checked_sub_days(Days::new(u64::try_from(days).unwrap_or(0)))
        .unwrap_or(filter.from)
}

/// A customer reference to look up: required, and as valid as one that is stored.
fn customer(customer_ref: &str) -> Result<String> {
    validate::short_text("customer_ref", Some(customer_ref), validate::SHORT_MAX)?.ok_or_else(
        || {
            Error::validation(
                "customer_ref",
                K::Required,
                "a customer reference is required",
            )
        },
    )
}

fn parse_id(id: &str) -> Result<Uuid> {
    Uuid::parse_str(id.trim())
        .map_err(|_| Error::validation("id", K::Unparseable, "id must be a UUID"))
}

/// The account's full name where the system knows one (often "Eva de Vries"), else its login.
fn system_user_name() -> String {
    [whoami::fallible::realname(), whoami::fallible::username()]
        .into_iter()
        .filter_map(Result::ok)
        .map(|n| n.trim().to_owned())
        .find(|n| !n.is_empty())
        .unwrap_or_default()
}
