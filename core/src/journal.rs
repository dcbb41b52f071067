//! The one entry point the shell and the CLI use: validate, stamp with the clock, store.
//! Commands stay thin because every rule about contacts and weeks is applied here.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Days, Utc};
use uuid::Uuid;

use crate::clock::Clock;
use crate::demo::{Demo, DemoSpec, APP_DEMO};
use crate::error::{Error, Result, ValidationKind as K};
use crate::import::{self, ImportReport};
use crate::model::{Contact, ContactInput, Language, Settings, SettingsInput};
use crate::stats::{self, StaffWeeks, WeeklyQuery, WeeklyReport};
use crate::store::{Existing, ListQuery, StatsFilter, Store, WeekCounts};
use crate::validate::{self, STAFF_MAX};
use crate::week;

const DISPLAY_NAME: &str = "display_name";
const LANGUAGE: &str = "language";

/// How many weeks the weekly figures cover when no range is given.
pub const DEFAULT_WEEKS: u64 = 12;

#[derive(Clone)]
pub struct Journal {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl Journal {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Validates and durably saves a new contact; the returned contact is committed.
    pub async fn log(&self, input: &ContactInput) -> Result<Contact> {
        let staff = self.settings().await?.display_name;
        let default_staff = Some(staff.as_str()).filter(|s| !s.is_empty());
        let contact = validate::contact(input, default_staff, self.clock.as_ref())?;
        self.store.insert(&contact).await?;
        Ok(contact)
    }

    /// Replaces the fields of a live contact; its id and `logged_at` stay.
    pub async fn update(&self, id: &str, input: &ContactInput) -> Result<Contact> {
        let existing = self.live(id).await?;
        let mut contact = validate::contact(input, Some(&existing.staff), self.clock.as_ref())?;
        contact.id = existing.id;
        contact.logged_at = existing.logged_at;
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

    /// The current user's latest contacts, newest first.
    pub async fn recent(&self, limit: u32) -> Result<Vec<Contact>> {
        let staff = self.settings().await?.display_name;
        let query = ListQuery {
            staff: Some(staff),
            limit: Some(limit),
            since: None,
        };
        self.store.list(&query).await
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
        Ok(StatsFilter {
            from: week::monday(from),
            to: validate::add_days(week::monday(to), 6),
            staff: validate::short_text("staff", query.staff.as_deref(), STAFF_MAX)?,
            channel: query.channel,
        })
    }

    /// Imports a CSV file (see [`crate::import`]). With `skip_invalid` the valid rows are
    /// written and the rest reported; without it any invalid row rejects the whole file.
    /// Rows whose id is already in the journal are left as they are.
    pub async fn import(
        &self,
        bytes: &[u8],
        skip_invalid: bool,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<ImportReport> {
        let parsed = import::parse(bytes, self.clock.as_ref(), progress)?;
        if parsed.invalid_rows > 0 && !skip_invalid {
            return Err(Error::Import(parsed.rejection()));
        }
        let imported = self
            .store
            .insert_many(&parsed.contacts, Existing::Skip)
            .await?;
        Ok(ImportReport {
            rows: parsed.rows,
            imported,
            already_present: parsed.contacts.len() as u64 - imported,
            skipped_invalid: parsed.invalid_rows,
            errors: parsed.errors,
            unlisted_errors: parsed.unlisted_errors,
        })
    }

    /// Writes generated demo contacts ending now, in batches; `progress` hears how many are
    /// done. A seed already loaded adds nothing (its ids are already there). Returns how many
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
        let you = self.settings().await?.display_name;
        let demo = Demo::with_member(
            APP_DEMO,
            self.clock.now(),
            Some(you.as_str()).filter(|n| !n.is_empty()),
        );
        self.write_demo(demo, &mut |_| {}).await
    }

    async fn write_demo(
        &self,
        mut demo: Demo,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64> {
        const BATCH: usize = 50_000;
        let mut written = 0;
        let mut done = 0;
        loop {
            let batch: Vec<Contact> = demo.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                return Ok(written);
            }
            done += batch.len() as u64;
            written += self.store.insert_many(&batch, Existing::Skip).await?;
            progress(done);
        }
    }

    /// The settings, with the system account's name until a display name is chosen.
    pub async fn settings(&self) -> Result<Settings> {
        let display_name = match self.store.setting(DISPLAY_NAME).await? {
            Some(name) => name,
            None => system_user_name(),
        };
        let language = match self.store.setting(LANGUAGE).await?.as_deref() {
            Some("nl") => Some(Language::Nl),
            Some("en") => Some(Language::En),
            _ => None,
        };
        Ok(Settings {
            display_name,
            language,
        })
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
        self.store
            .put_setting(DISPLAY_NAME, Some(&display_name))
            .await?;
        self.store
            .put_setting(LANGUAGE, language.map(Language::as_str))
            .await?;
        Ok(Settings {
            display_name,
            language,
        })
    }

    async fn live(&self, id: &str) -> Result<Contact> {
        let id = parse_id(id)?;
        match self.store.get(id).await? {
            Some((contact, false)) => Ok(contact),
            _ => Err(Error::NotFound(id.to_string())),
        }
    }
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
