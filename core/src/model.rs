//! The nouns: a contact moment, the channel it came through, the user's settings, and the
//! raw input that the UI and the CLI send before it has been validated.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// How the customer reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    #[default]
    Phone,
    Email,
    Chat,
    Counter,
    Social,
    Visit,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Self::Phone,
        Self::Email,
        Self::Chat,
        Self::Counter,
        Self::Social,
        Self::Visit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Chat => "chat",
            Self::Counter => "counter",
            Self::Social => "social",
            Self::Visit => "visit",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = ();

    /// Accepts the English names and the Dutch ones staff are likely to type.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "phone" | "telefoon" => Ok(Self::Phone),
            "email" | "e-mail" | "mail" => Ok(Self::Email),
            "chat" => Ok(Self::Chat),
            "counter" | "balie" => Ok(Self::Counter),
            "social" | "social media" | "sociale media" => Ok(Self::Social),
            "visit" | "bezoek" => Ok(Self::Visit),
            _ => Err(()),
        }
    }
}

/// What went wrong in a contact that was not or hardly solved (functional 1–2): the
/// dissatisfiers, the basics a customer takes for granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The question was not answered.
    NotAnswered,
    /// The problem was not solved.
    NotSolved,
    /// A bill or order was wrong.
    Wrong,
    /// It took too long.
    TooSlow,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Self::NotAnswered,
        Self::NotSolved,
        Self::Wrong,
        Self::TooSlow,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAnswered => "not_answered",
            Self::NotSolved => "not_solved",
            Self::Wrong => "wrong",
            Self::TooSlow => "too_slow",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Reason {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_lowercase().replace(['-', ' '], "_");
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

/// One logged contact moment, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Contact {
    #[ts(type = "string")]
    pub id: Uuid,
    /// When the contact took place, with the UTC offset of the staff member's clock.
    #[ts(type = "string")]
    pub occurred_at: DateTime<FixedOffset>,
    /// The date the staff member saw on that clock; weeks are counted from it.
    #[ts(type = "string")]
    pub local_date: NaiveDate,
    /// ISO 8601 week of `local_date`, labelled with its week-year, e.g. `2026-W01`.
    pub iso_week: String,
    #[ts(type = "string")]
    pub logged_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    /// The name shown for the staff member who logged it.
    pub staff: String,
    /// The member id of the person who logged it, when that was the journal's own user: it
    /// stays when they change their display name. `null` for imported contacts and for those
    /// logged in someone else's name.
    #[serde(default)]
    pub staff_id: Option<String>,
    pub channel: Channel,
    /// Was it solved? 1–5.
    pub functional: u8,
    /// Did the customer feel welcome? 1–5.
    pub emotional: u8,
    pub topic: Option<String>,
    pub customer_ref: Option<String>,
    pub note: Option<String>,
    pub follow_up: bool,
    /// When a follow-up (flagged, or an emotional rating of 2 or lower) was marked done.
    #[ts(type = "string | null")]
    pub follow_up_done_at: Option<DateTime<Utc>>,
    /// Who marked it done.
    pub follow_up_done_by: Option<String>,
    /// What went wrong, only on a contact rated 1–2 on solved.
    #[serde(default)]
    pub reason: Option<Reason>,
    /// The service level of the Human2Human thermometer, 1–5.
    #[serde(default)]
    pub level: Option<u8>,
    /// The customer's own answer to "how likely are you to recommend us", 0–10; `null` when
    /// the customer was not asked.
    #[serde(default)]
    pub nps: Option<u8>,
    /// Did the customer feel valued? 1–5, asked on a random sample of contacts.
    #[serde(default)]
    pub valued: Option<u8>,
    /// The day a follow-up is promised by; set whenever the contact needs one.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub due: Option<NaiveDate>,
    /// Marked to bring to the team meeting.
    #[serde(default)]
    pub star: bool,
}

/// A contact as typed by a person, before validation. Everything is optional or loosely
/// typed on purpose: the core, not the form, decides what is valid and names the field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ContactInput {
    /// A client-chosen id (UUID) makes a retried save idempotent; left empty, one is made.
    pub id: Option<String>,
    /// RFC 3339, or a local `YYYY-MM-DDTHH:MM[:SS]` read on the user's clock; empty means now.
    pub occurred_at: Option<String>,
    /// Left empty, the display name from the settings is used.
    pub staff: Option<String>,
    /// Left empty, `phone`.
    pub channel: Option<String>,
    pub functional: Option<i32>,
    pub emotional: Option<i32>,
    pub topic: Option<String>,
    pub customer_ref: Option<String>,
    pub note: Option<String>,
    pub follow_up: bool,
    /// One of `not_answered`, `not_solved`, `wrong`, `too_slow`, `other`; only with a
    /// functional rating of 1 or 2.
    pub reason: Option<String>,
    /// Service level 1–5.
    pub level: Option<i32>,
    /// The customer's own score 0–10; empty when not asked.
    pub nps: Option<i32>,
    /// Did the customer feel valued? 1–5.
    pub valued: Option<i32>,
    /// `YYYY-MM-DD`: the day a follow-up is promised by. Empty: the next working day after
    /// the contact, when it needs a follow-up. A date makes it a follow-up.
    pub due: Option<String>,
    pub star: bool,
}

/// The language of the interface; `None` in [`Settings`] follows the system locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Nl,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::En => "en",
        }
    }
}

/// The user's preferences, stored in the journal itself so the CLI sees the same name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// The name logged as `staff` on each new contact.
    pub display_name: String,
    /// Whether the user has chosen the display name (until then it is the system account's,
    /// and the app asks once).
    pub display_name_chosen: bool,
    /// The stable identity of the person using this journal; contacts they log carry it.
    pub member_id: String,
    /// `null` follows the system locale.
    pub language: Option<Language>,
    /// The team's own target for the share of contacts solved (rated 4–5), in percent.
    pub target_functional: Option<u8>,
    /// The team's own target for the share of customers who felt welcome, in percent.
    pub target_emotional: Option<u8>,
    /// Notes (or, with `retention_whole_contacts`, whole contacts) older than this many
    /// months are erased; `null` keeps everything.
    pub retention_months: Option<u16>,
    pub retention_whole_contacts: bool,
    /// How many daily backups the app keeps.
    pub backups_keep: u16,
    /// Customer references are stored as keyed hashes (the key stays on this computer).
    pub pseudonymise_customers: bool,
    /// "Did the customer feel valued?" is asked on 1 in this many contacts, at random;
    /// `null` never asks.
    pub valued_every: Option<u16>,
    /// The system-wide key that brings the log form to the front, as `Ctrl+Alt+L`; empty for
    /// none. It belongs to this desk, not to the team.
    pub log_shortcut: String,
    /// Closing the window keeps the app running in the tray, so the shortcut still works.
    pub close_to_tray: bool,
    /// Whether the user was told, on their first close, that the app stays in the tray.
    pub close_to_tray_told: bool,
}

/// Settings as typed in the form, validated by the core.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SettingsInput {
    pub display_name: String,
    pub language: Option<String>,
    /// Percent, 1–100; empty for no target.
    pub target_functional: Option<i32>,
    pub target_emotional: Option<i32>,
    /// Months, 1–1200; empty keeps everything.
    pub retention_months: Option<i32>,
    pub retention_whole_contacts: bool,
    /// 1–365; empty for the default (14).
    pub backups_keep: Option<i32>,
    pub pseudonymise_customers: bool,
    /// 1–1000; empty never asks.
    pub valued_every: Option<i32>,
    /// Modifiers and a key joined by `+` (`Ctrl+Alt+L`); empty for none.
    pub log_shortcut: String,
    pub close_to_tray: bool,
}

/// What the Settings screen shows about the installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// The journal file or URL in use.
    pub journal: String,
    /// Whether the desktop lets an app take a system-wide shortcut (X11 does; Wayland does
    /// not, and the user binds `contactmoment-app --log` in their desktop's settings instead).
    pub global_shortcuts: bool,
    /// Whether the shortcut of the settings was taken by another program when the app started.
    pub shortcut_taken: bool,
}

impl AppInfo {
    pub fn new(journal: &str, global_shortcuts: bool, shortcut_taken: bool) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            journal: journal.to_owned(),
            global_shortcuts,
            shortcut_taken,
        }
    }
}

/// What the desktop shell asks of the web view, in the order it happened: the tray, the
/// system-wide shortcut or a second start of the app want a screen in front; the whole-file
/// check found the journal damaged after the window opened; the user closed the window for
/// the first time and is told that the app stays in the tray.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DesktopRequest {
    Show { screen: ShownScreen },
    Damaged,
    CloseAsked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ShownScreen {
    Log,
    Review,
}

/// A request of the shell with its place in the sequence, so that the web view asks for
/// the next one after it and misses none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NumberedRequest {
    #[ts(type = "number")]
    pub seq: u64,
    pub request: DesktopRequest,
}

impl From<&Settings> for SettingsInput {
    /// The settings as a form would send them back unchanged.
    fn from(s: &Settings) -> Self {
        Self {
            display_name: s.display_name.clone(),
            language: s.language.map(|l| l.as_str().to_owned()),
            target_functional: s.target_functional.map(i32::from),
            target_emotional: s.target_emotional.map(i32::from),
            retention_months: s.retention_months.map(i32::from),
            retention_whole_contacts: s.retention_whole_contacts,
            backups_keep: Some(i32::from(s.backups_keep)),
            pseudonymise_customers: s.pseudonymise_customers,
            valued_every: s.valued_every.map(i32::from),
            log_shortcut: s.log_shortcut.clone(),
            close_to_tray: s.close_to_tray,
        }
    }
}

/// A name under which the user logged contacts earlier, offered for carrying over to the
/// current display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EarlierName {
    pub name: String,
    /// How many live contacts still carry it.
    pub contacts: u32,
}

/// The two sides of a contact: was it solved, did the customer feel welcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    Functional,
    Emotional,
}

/// Where a contact falls when both axes are read as positive (4–5) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// Solved and welcome: a satisfied customer, not yet an ambassador.
    SolvedWelcome,
    /// "Cold competence": solved, but no loyalty earned.
    SolvedNotWelcome,
    /// "Warm failure": not solved, yet the customer felt welcome.
    WelcomeNotSolved,
    Neither,
}

/// A rating of this or higher is positive: solved, or welcome ("4 or 5").
pub const POSITIVE_FROM: u8 = 4;

/// A rating of this or lower is low: not or hardly solved, not or hardly welcome ("1 or 2").
pub const LOW_UP_TO: u8 = 2;

/// Whether a rating counts as positive.
pub fn positive(rating: u8) -> bool {
    rating >= POSITIVE_FROM
}

/// The same rule for a query: `column` holds a rating.
pub fn positive_sql(column: &str) -> String {
    format!("{column} >= {POSITIVE_FROM}")
}

/// A contact needs following up when it was flagged or the customer felt not or hardly
/// welcome, until it is marked done.
pub fn needs_follow_up(follow_up: bool, emotional: u8) -> bool {
    follow_up || emotional <= LOW_UP_TO
}

/// The same rule for a query on `contacts` (before "done" is considered).
pub fn needs_follow_up_sql() -> String {
    format!("(follow_up = 1 OR emotional <= {LOW_UP_TO})")
}
