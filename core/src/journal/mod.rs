//! The one entry point the shell and the CLI use: validate, stamp with the clock, store.
//! Commands stay thin because every rule about contacts and weeks is applied here.

mod bulk;
mod privacy;
mod review;
mod settings;

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
use crate::model::{
    needs_follow_up, positive, Contact, ContactInput, EarlierName, Language, Settings,
    SettingsInput,
};
use crate::practices::{self, Practices};
use crate::pseudonym::Keyring;
use crate::review::{
    ContactPage, ContactsQuery, CustomerHistory, Facets, WeekNote, PAGE_MAX, REPEAT_DAYS,
    WEEK_NOTE_MAX,
};
use crate::stats::{self, Review, StaffReview, StaffWeeks, WeeklyQuery, WeeklyReport, WhatChanged};
use crate::store::{
    AnswerCounts, DrillDown, Existing, GroupBy, ListQuery, RepeatCounts, StatsFilter, Store,
    WeekCounts,
};
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
const VALUED_EVERY: &str = "valued_every";
const VALUED_EVERY_MAX: u16 = 1000;
const LOG_SHORTCUT: &str = "log_shortcut";
const CLOSE_TO_TRAY: &str = "close_to_tray";
const CLOSE_TO_TRAY_TOLD: &str = "close_to_tray_told";

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
        let team = self.keys.team_key().ok().flatten();
        self.keys = Arc::new(Keyring::new(Some(path)));
        // In a team the team's key stays in force.
        let _ = self.keys.set_team_key(team);
        self
    }

    /// Flushes and closes the journal's store; later calls fail.
    pub async fn close(&self) {
        self.store.close().await;
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
    pub async fn undelete(&self, id: &str) -> Result<Contact> {
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

    /// Every live contact, oldest first, a page at a time from one snapshot (see
    /// [`Store::each_contact`]); returns how many.
    pub async fn each_contact(
        &self,
        each: &mut (dyn for<'c> FnMut(&'c [Contact]) -> Result<()> + Send),
    ) -> Result<u64> {
        self.store
            .each_contact(None, &mut |page, _| each(page).map(|()| true))
            .await
    }

    /// Marks a contact's follow-up done, recording when and by whom (the display name), or
    /// open again. Only contacts flagged for follow-up or rated 2 or lower on the emotional
    /// axis have one.
    pub async fn set_follow_up_done(&self, id: &str, done: bool) -> Result<Contact> {
        let mut contact = self.live(id).await?;
        if !needs_follow_up(contact.follow_up, contact.emotional) {
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

    /// Marks any contact, a colleague's too, to bring to the team meeting, or unmarks it.
    pub async fn set_star(&self, id: &str, star: bool) -> Result<Contact> {
        let mut contact = self.live(id).await?;
        self.store.set_star(contact.id, star).await?;
        contact.star = star;
        Ok(contact)
    }

    pub(super) async fn live(&self, id: &str) -> Result<Contact> {
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
