//! How a contact is laid out in the `contacts` table, both ways.

use std::str::FromStr;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};
use serde_aux::serde_introspection::serde_introspect;
use sqlx::{FromRow, Sqlite};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::{Channel, Contact, Reason};
use crate::practices::MomentContact;
use crate::store::Existing;

#[derive(FromRow, Deserialize)]
pub(super) struct ContactRow {
    id: String,
    occurred_at: String,
    local_date: String,
    iso_week: String,
    logged_at: String,
    updated_at: String,
    pub(super) deleted_at: Option<String>,
    staff: String,
    staff_id: Option<String>,
    channel: String,
    functional: i64,
    emotional: i64,
    topic: Option<String>,
    customer_ref: Option<String>,
    note: Option<String>,
    #[serde(deserialize_with = "flag")]
    follow_up: bool,
    follow_up_done_at: Option<String>,
    follow_up_done_by: Option<String>,
    reason: Option<String>,
    level: Option<i64>,
    nps: Option<i64>,
    valued: Option<i64>,
    due: Option<String>,
    #[serde(deserialize_with = "flag")]
    star: bool,
}

/// A [`ContactRow`] as one JSON object with a member per field (the fields are its columns),
/// to select where many contacts are read. The driver copies each value of a row on its own
/// and hands it to another thread to free: a million contacts took 19.0 s to export read value
/// by value, 7.5 s read as one text a row (both with SQLite built without its allocation
/// counter, `.cargo/config.toml`).
pub(super) static CONTACT_OBJECT: LazyLock<String> = LazyLock::new(|| {
    let pairs: Vec<String> = serde_introspect::<ContactRow>()
        .iter()
        .map(|c| format!("'{c}', {c}"))
        .collect();
    format!("json_object({})", pairs.join(", "))
});

/// A flag as SQLite stores it, an integer: anything but 0 is set.
fn flag<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    i64::deserialize(d).map(|v| v != 0)
}

/// The columns a list of moments to share shows: fetching a whole contact costs the driver
/// about 11 µs a row, a tenth of that for these.
#[derive(FromRow)]
pub(super) struct MomentRow {
    id: String,
    staff: String,
    local_date: String,
    channel: String,
    topic: Option<String>,
    functional: i64,
    emotional: i64,
    level: Option<i64>,
    star: bool,
    note: Option<String>,
}

/// The columns of [`MomentRow`], to select.
pub(super) const MOMENT_COLUMNS: &str =
    "id, staff, local_date, channel, topic, functional, emotional, level, star, note";

impl MomentRow {
    pub(super) fn into_moment(self) -> Result<MomentContact> {
        let rating = |v: i64, what| u8::try_from(v).map_err(|_| corrupt(what, &v.to_string()));
        Ok(MomentContact {
            id: Uuid::parse_str(&self.id).map_err(|_| corrupt("id", &self.id))?,
            staff: self.staff,
            local_date: NaiveDate::from_str(&self.local_date)
                .map_err(|_| corrupt("local_date", &self.local_date))?,
            channel: Channel::from_str(&self.channel)
                .map_err(|()| corrupt("channel", &self.channel))?,
            topic: self.topic,
            functional: rating(self.functional, "functional")?,
            emotional: rating(self.emotional, "emotional")?,
            level: self.level.map(|v| rating(v, "level")).transpose()?,
            star: self.star,
            note: self.note,
        })
    }
}

pub(super) fn corrupt(what: &str, value: &str) -> Error {
    Error::Internal(format!("stored {what} is unreadable: {value:?}"))
}

impl ContactRow {
    /// A row selected with `deleted_at IS NULL`, as the contact alone.
    pub(super) fn into_live(self) -> Result<Contact> {
        self.into_contact().map(|(c, _)| c)
    }

    pub(super) fn into_contact(self) -> Result<(Contact, bool)> {
        let utc = |s: &str, what| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| corrupt(what, s))
        };
        let rating = |v: i64, what| u8::try_from(v).map_err(|_| corrupt(what, &v.to_string()));
        let contact = Contact {
            id: Uuid::parse_str(&self.id).map_err(|_| corrupt("id", &self.id))?,
            occurred_at: DateTime::<FixedOffset>::parse_from_rfc3339(&self.occurred_at)
                .map_err(|_| corrupt("occurred_at", &self.occurred_at))?,
            local_date: NaiveDate::from_str(&self.local_date)
                .map_err(|_| corrupt("local_date", &self.local_date))?,
            iso_week: self.iso_week,
            logged_at: utc(&self.logged_at, "logged_at")?,
            updated_at: utc(&self.updated_at, "updated_at")?,
            channel: Channel::from_str(&self.channel)
                .map_err(|()| corrupt("channel", &self.channel))?,
            staff: self.staff,
            staff_id: self.staff_id,
            functional: rating(self.functional, "functional")?,
            emotional: rating(self.emotional, "emotional")?,
            topic: self.topic,
            customer_ref: self.customer_ref,
            note: self.note,
            follow_up: self.follow_up,
            follow_up_done_at: self
                .follow_up_done_at
                .as_deref()
                .map(|t| utc(t, "follow_up_done_at"))
                .transpose()?,
            follow_up_done_by: self.follow_up_done_by,
            reason: self
                .reason
                .map(|r| Reason::from_str(&r).map_err(|()| corrupt("reason", &r)))
                .transpose()?,
            level: self.level.map(|v| rating(v, "level")).transpose()?,
            nps: self.nps.map(|v| rating(v, "nps")).transpose()?,
            valued: self.valued.map(|v| rating(v, "valued")).transpose()?,
            due: self
                .due
                .map(|d| NaiveDate::from_str(&d).map_err(|_| corrupt("due", &d)))
                .transpose()?,
            star: self.star,
        };
        Ok((contact, self.deleted_at.is_some()))
    }
}

/// The columns an edit may change, in the order [`bind_mutable`] binds them.
pub(super) const MUTABLE_COLUMNS: &str =
    "occurred_at, occurred_ms, local_date, iso_week, updated_at, staff, \
    channel, functional, emotional, topic, customer_ref, note, follow_up, \
    reason, level, nps, valued, due, star";
pub(super) const MUTABLE_PLACEHOLDERS: &str =
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

pub(super) type Query<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

pub(super) fn bind_mutable<'q>(query: Query<'q>, c: &'q Contact) -> Query<'q> {
    query
        .bind(c.occurred_at.to_rfc3339())
        .bind(c.occurred_at.timestamp_millis())
        .bind(c.local_date.to_string())
        .bind(&c.iso_week)
        .bind(rfc3339_utc(c.updated_at))
        .bind(&c.staff)
        .bind(c.channel.as_str())
        .bind(i64::from(c.functional))
        .bind(i64::from(c.emotional))
        .bind(&c.topic)
        .bind(&c.customer_ref)
        .bind(&c.note)
        .bind(c.follow_up)
        .bind(c.reason.map(Reason::as_str))
        .bind(c.level.map(i64::from))
        .bind(c.nps.map(i64::from))
        .bind(c.valued.map(i64::from))
        .bind(c.due.map(|d| d.to_string()))
        .bind(c.star)
}

/// Many rows per INSERT statement: far fewer round trips through the driver, and 24 values a
/// row stays well below SQLite's limit of 32,766 bound values per statement.
pub(super) const ROWS_PER_STATEMENT: usize = 1000;

pub(super) fn insert_sql(rows: usize, existing: Existing) -> String {
    let row = format!("(?, ?, ?, ?, ?, {MUTABLE_PLACEHOLDERS})");
    let values = vec![row.as_str(); rows].join(", ");
    let on_conflict = match existing {
        Existing::Fail => "",
        Existing::Skip => " ON CONFLICT (id) DO NOTHING",
    };
    format!(
        "INSERT INTO contacts (id, logged_at, follow_up_done_at, follow_up_done_by, staff_id, \
         {MUTABLE_COLUMNS}) VALUES {values}{on_conflict}"
    )
}

pub(super) fn rfc3339_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, FixedClock};
    use crate::model::ContactInput;
    use crate::store::sqlite::SqliteStore;
    use crate::store::Store;

    /// A contact read as one JSON object is the contact read value by value: every column,
    /// with every field set, the two times apart, deleted, and text that JSON escapes.
    #[tokio::test]
    async fn a_contact_read_as_json_is_the_contact_read_value_by_value() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        let clock = FixedClock::at("2026-11-22T12:00:00+01:00");
        let input = ContactInput {
            occurred_at: Some("2026-11-20T09:30:00-03:30".into()),
            staff: Some("Zoë \"Z\" d'Hondt".into()),
            channel: Some("chat".into()),
            functional: Some(2),
            emotional: Some(1),
            topic: Some("betaling\\factuur".into()),
            customer_ref: Some("K-1/\"2\"".into()),
            note: Some("Eerst \"nee\",\r\nthen\tyes; 🙂 ∑ \\n".into()),
            follow_up: true,
            reason: Some("wrong".into()),
            level: Some(5),
            nps: Some(0),
            valued: Some(1),
            due: Some("2026-11-23".into()),
            star: true,
            ..ContactInput::default()
        };
        let mut contact = crate::validate::contact(&input, None, &clock).expect("valid");
        contact.staff_id = Some("m-1".into());
        contact.follow_up_done_at = Some(clock.now().to_utc());
        contact.follow_up_done_by = Some("Lea".into());
        store.insert(&contact).await.expect("insert");
        sqlx::query(
            "UPDATE contacts SET updated_at = '2026-11-22T11:05:00.000Z', \
             deleted_at = '2026-11-22T11:06:00.000Z'",
        )
        .execute(&store.writer)
        .await
        .expect("update");

        let by_value: ContactRow = sqlx::query_as("SELECT * FROM contacts")
            .fetch_one(&store.reader)
            .await
            .expect("read");
        let text: String = sqlx::query_scalar(&format!("SELECT {} FROM contacts", *CONTACT_OBJECT))
            .fetch_one(&store.reader)
            .await
            .expect("read");
        let as_json: ContactRow = serde_json::from_str(&text).expect("JSON");
        let (by_value, deleted) = by_value.into_contact().expect("contact");
        assert!(deleted);
        assert_ne!(by_value.updated_at, by_value.logged_at);
        assert_eq!(by_value.note, contact.note);
        assert_eq!(as_json.into_contact().expect("contact"), (by_value, true));
    }

    /// The bundled SQLite is built as `.cargo/config.toml` asks: without the global lock
    /// around every allocation.
    #[tokio::test]
    async fn sqlite_is_built_without_its_allocation_counter() {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect("sqlite::memory:")
            .await
            .expect("connect");
        let used: bool =
            sqlx::query_scalar("SELECT sqlite_compileoption_used('DEFAULT_MEMSTATUS=0')")
                .fetch_one(&mut conn)
                .await
                .expect("compile options");
        assert!(used);
    }
}
