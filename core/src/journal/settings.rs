//! The settings: the person's on this device (name, language) and the team's (targets,
//! retention, backups, pseudonyms), read and saved as one form.

use super::*;
use crate::shortcut;

impl Journal {
    /// The settings, with the system account's name until a display name is chosen. One read
    /// of the settings table: every save reads them, and each read is a round trip.
    pub async fn settings(&self) -> Result<Settings> {
        let all = self.store.all_settings().await?;
        let get = |key: &str| all.get(key).cloned();
        let chosen = get(DISPLAY_NAME);
        let display_name_chosen = chosen.is_some();
        let display_name = chosen.unwrap_or_else(system_user_name);
        let member_id = match get(MEMBER_ID) {
            Some(id) => id,
            None => self.member_id().await?,
        };
        let language = match get(LANGUAGE).as_deref() {
            Some("nl") => Some(Language::Nl),
            Some("en") => Some(Language::En),
            _ => None,
        };
        let number = |v: Option<String>, max: u16| {
            v.and_then(|v| v.parse::<u16>().ok())
                .filter(|v| (1..=max).contains(v))
        };
        let yes = |key: &str| get(key).as_deref() == Some("true");
        Ok(Settings {
            display_name,
            display_name_chosen,
            member_id,
            language,
            target_functional: percent(get(TARGET_FUNCTIONAL)),
            target_emotional: percent(get(TARGET_EMOTIONAL)),
            retention_months: number(get(RETENTION_MONTHS), RETENTION_MAX_MONTHS),
            retention_whole_contacts: yes(RETENTION_WHOLE_CONTACTS),
            backups_keep: number(get(BACKUPS_KEEP), BACKUPS_KEEP_MAX)
                .unwrap_or(backup::KEEP_DEFAULT as u16),
            pseudonymise_customers: yes(PSEUDONYMISE),
            valued_every: number(get(VALUED_EVERY), VALUED_EVERY_MAX),
            log_shortcut: get(LOG_SHORTCUT)
                .and_then(|s| shortcut::normalise(&s).ok())
                .unwrap_or_else(|| shortcut::DEFAULT.to_owned()),
            close_to_tray: get(CLOSE_TO_TRAY).as_deref() != Some("false"),
            close_to_tray_told: yes(CLOSE_TO_TRAY_TOLD),
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
        let log_shortcut = shortcut::normalise(&input.log_shortcut)?;
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
                (LOG_SHORTCUT, Some(&log_shortcut)),
                (
                    CLOSE_TO_TRAY,
                    Some(if input.close_to_tray { "true" } else { "false" }),
                ),
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
            log_shortcut,
            close_to_tray: input.close_to_tray,
            close_to_tray_told: before.close_to_tray_told,
        })
    }

    /// The user's answer when told, on their first close, that the app can stay in the tray:
    /// it becomes the setting, and they are not asked again. Nothing else of the settings
    /// changes (a display name not yet chosen stays unchosen).
    pub async fn remember_close_choice(&self, keep_in_tray: bool) -> Result<()> {
        self.store
            .put_settings(&[
                (
                    CLOSE_TO_TRAY,
                    Some(if keep_in_tray { "true" } else { "false" }),
                ),
                (CLOSE_TO_TRAY_TOLD, Some("true")),
            ])
            .await
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

/// A stored target, 1–100 percent; anything else is no target.
fn percent(stored: Option<String>) -> Option<u8> {
    stored
        .and_then(|v| v.parse::<u8>().ok())
        .filter(|v| (1..=100).contains(v))
}
