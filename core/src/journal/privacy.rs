//! What the journal does with one customer's contacts: their history while logging, looking
//! them up and erasing them, retention, and pseudonymised references.

use super::*;

impl Journal {
    /// Replaces the customer references of new contacts by their pseudonyms when `on` (the
    /// setting, read once by the caller).
    pub(super) fn pseudonymise(&self, on: bool, contacts: &mut [Contact]) -> Result<()> {
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

    pub(super) async fn pseudonymising(&self) -> Result<bool> {
        Ok(self.store.setting(PSEUDONYMISE).await?.as_deref() == Some("true"))
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

    /// The customer's earlier contacts summed up for the log form; `None` when there are none.
    pub async fn customer_history(&self, customer_ref: &str) -> Result<Option<CustomerHistory>> {
        let now = self.clock.now();
        let mut earlier: Vec<Contact> = Vec::new();
        for form in self.keys.stored_forms(&customer(customer_ref)?)? {
            earlier.extend(
                self.store
                    .customer_contacts(&form)
                    .await?
                    .into_iter()
                    .filter(|(c, deleted)| !deleted && c.occurred_at <= now)
                    .map(|(c, _)| c),
            );
        }
        let Some(last) = earlier.iter().max_by_key(|c| (c.occurred_at, c.logged_at)) else {
            return Ok(None);
        };
        let count = |f: &dyn Fn(&Contact) -> bool| earlier.iter().filter(|c| f(c)).count() as u32;
        let last_days_ago = (now.date_naive() - last.local_date).num_days();
        Ok(Some(CustomerHistory {
            contacts: earlier.len() as u32,
            last_at: last.occurred_at,
            last_days_ago,
            solved: count(&|c| positive(c.functional)),
            welcome: count(&|c| positive(c.emotional)),
            open_follow_ups: count(&|c| {
                needs_follow_up(c.follow_up, c.emotional) && c.follow_up_done_at.is_none()
            }),
            repeat: !positive(last.functional) && last_days_ago <= REPEAT_DAYS,
        }))
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

    /// Pseudonymises with the team's key while this journal is in a team.
    pub(crate) fn set_team_key(&self, key: Option<[u8; 32]>) -> Result<()> {
        self.keys.set_team_key(key)
    }
}
