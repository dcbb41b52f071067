//! The settings: the person's on this device (name, language) and the team's (targets,
//! retention, backups, pseudonyms), read and saved as one form.

use super::*;

impl Journal {
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
            valued_every: number(self.store.setting(VALUED_EVERY).await?, VALUED_EVERY_MAX),
        })
    }

    pub(super) async fn target(&self, key: &str) -> Result<Option<u8>> {
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
        let valued_every = count(
            "valued_every",
            input.valued_every,
            VALUED_EVERY_MAX,
            "contacts",
        )?;
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
        let every = valued_every.map(|k| k.to_string());
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
                (VALUED_EVERY, every.as_deref()),
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
            valued_every,
        })
    }

    /// Whether a new contact asks "did the customer feel valued?": at random, 1 in the
    /// `valued_every` of the settings, so the share asked estimates everyone's without bias.
    pub async fn ask_valued(&self) -> Result<bool> {
        Ok(match self.settings().await?.valued_every {
            Some(k) => rand::Rng::gen_range(&mut rand::thread_rng(), 0..u32::from(k)) == 0,
            None => false,
        })
    }

    /// This journal's member id, made once (by the migration that introduced it, or here for
    /// a journal that somehow lost it).
    pub(crate) async fn member_id(&self) -> Result<String> {
        if let Some(id) = self.store.setting(MEMBER_ID).await? {
            return Ok(id);
        }
        let id = Uuid::now_v7().simple().to_string();
        self.store.put_settings(&[(MEMBER_ID, Some(&id))]).await?;
        Ok(id)
    }

    /// One stored setting as text, `None` when unset.
    pub(crate) async fn setting(&self, key: &str) -> Result<Option<String>> {
        self.store.setting(key).await
    }

    /// Sets the display name alone (joining a team names a person who never named
    /// themselves); the same rules as in the settings form.
    pub(crate) async fn set_display_name(&self, name: &str) -> Result<()> {
        let name =
            validate::short_text("display_name", Some(name), STAFF_MAX)?.ok_or_else(|| {
                Error::validation("display_name", K::Required, "a display name is required")
            })?;
        self.store
            .put_settings(&[(DISPLAY_NAME, Some(&name))])
            .await
    }
}
