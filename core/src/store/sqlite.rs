//! The embedded default: one SQLite file, tuned so that a contact reported as saved survives
//! a crash of the app or the machine.
//!
//! - WAL with `synchronous=FULL`: each commit is fsynced before it returns.
//! - Writes go through a pool of exactly one connection and start with `BEGIN IMMEDIATE`, so
//!   a write never has to upgrade a read lock (the source of "database is locked" surprises
//!   when the app and the CLI write at once); `busy_timeout` makes other processes wait.
//! - Reads use their own small pool and never block the writer.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc, Weekday};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, FromRow, QueryBuilder, Sqlite};
use uuid::Uuid;

use super::{BulkWrite, ContactQuery, Existing, ListQuery, StatsFilter, Store, WeekCounts};
use crate::error::{Error, FileProblem, Result};
use crate::model::{Channel, Contact};
use crate::stats::{Axis, Quadrant};
use crate::week;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// How long a write waits for another one to finish before it fails. An import or demo of a
/// million contacts holds the write lock for its whole transaction (about 20 s here); a save
/// from the app or the CLI meanwhile waits for it rather than failing with "database is
/// locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);
const READERS: u32 = 4;

/// What [`SqliteStore::inspect`] found in a journal file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileCheck {
    /// The newest migration applied.
    pub schema_version: i64,
    pub contacts: u64,
}

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the journal file at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Self::open_with(SqliteConnectOptions::new().filename(path)).await
    }

    /// Opens a `sqlite:` URL, e.g. `sqlite:///var/lib/contactmoment/journal.sqlite`.
    pub async fn open_url(url: &str) -> Result<Self> {
        Self::open_with(SqliteConnectOptions::from_str(url)?).await
    }

    async fn open_with(base: SqliteConnectOptions) -> Result<Self> {
        let options = base
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(BUSY_TIMEOUT * 2)
            // A larger page cache keeps the indexes of a big import in memory between
            // statements (the default is 2 MB). Deleted and overwritten content is zeroed, so
            // an erased note or customer cannot be read back from the file's free space.
            .connect_with(
                options
                    .clone()
                    .pragma("cache_size", "-65536")
                    .pragma("secure_delete", "ON"),
            )
            .await?;
        MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }
}

impl SqliteStore {
    /// Reads a journal file without changing it, and refuses one that is not a journal, is
    /// damaged, or was written by a newer version: each with a message that says so.
    pub async fn inspect(path: &Path) -> Result<FileCheck> {
        let shown = path.display();
        let unusable = |problem: FileProblem, why: String| Error::Journal {
            problem,
            message: format!("{shown} {why}"),
        };
        let damaged = |why: String| unusable(FileProblem::Damaged, why);
        if !path.is_file() {
            return Err(unusable(FileProblem::Missing, "does not exist".into()));
        }
        let options = SqliteConnectOptions::new().filename(path).read_only(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| damaged(format!("cannot be opened ({e})")))?;
        let result = async {
            let check: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
                .fetch_all(&mut conn)
                .await
                .map_err(|e| match e.as_database_error().and_then(|d| d.code()) {
                    Some(code) if code == "26" => unusable(
                        FileProblem::NotJournal,
                        "is not a Contactmoment journal (not an SQLite database)".into(),
                    ),
                    _ => damaged(format!("is damaged ({e})")),
                })?;
            if check != ["ok"] {
                return Err(damaged(format!(
                    "is damaged: {}",
                    check.first().map_or("", String::as_str)
                )));
            }
            let not_journal = |_| {
                unusable(
                    FileProblem::NotJournal,
                    "is not a Contactmoment journal".into(),
                )
            };
            let version: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
            )
            .fetch_one(&mut conn)
            .await
            .map_err(not_journal)?;
            let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
            if version > latest {
                return Err(unusable(
                    FileProblem::Newer,
                    format!(
                        "was written by a newer version of Contactmoment (schema {version}; this \
                     version knows up to {latest}): update Contactmoment, or open a backup"
                    ),
                ));
            }
            let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
                .fetch_one(&mut conn)
                .await
                .map_err(not_journal)?;
            Ok(FileCheck {
                schema_version: version,
                contacts: u64::try_from(contacts).unwrap_or(0),
            })
        }
        .await;
        let _ = conn.close().await;
        result
    }

    /// Runs one write statement in a transaction of its own; returns how many rows it changed.
    async fn write(&self, query: Query<'_>) -> Result<u64> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let changed = query.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(changed)
    }

    /// Runs a DELETE or UPDATE that removes personal data, then empties the write-ahead log
    /// into the file: with `secure_delete` on, the old text is overwritten in both.
    async fn erase(&self, query: Query<'_>) -> Result<u64> {
        let erased = self.write(query).await?;
        self.empty_wal().await?;
        Ok(erased)
    }

    /// Copies the write-ahead log into the file and empties it, so that the old versions of
    /// changed pages are nowhere left.
    async fn empty_wal(&self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Runs an UPDATE of one contact in its own write transaction; [`Error::NotFound`] when
    /// it matched no row.
    async fn update_one(&self, id: Uuid, query: Query<'_>) -> Result<()> {
        if self.write(query).await? == 0 {
            return Err(Error::NotFound(id.to_string()));
        }
        Ok(())
    }

    /// Counts per ISO week, or per staff member and week. Whole ISO weeks come from a rollup
    /// (a few rows per week), unless a topic is combined with staff; anything else is counted
    /// from the contacts themselves, through the covering index of its most selective filter.
    async fn counts(&self, f: &StatsFilter, by_staff: bool) -> Result<Vec<(String, WeekCounts)>> {
        let whole_weeks = f.from.weekday() == Weekday::Mon && f.to.weekday() == Weekday::Sun;
        // Grouping by a constant would cost the rollup its key order, so the team-wide query
        // groups by week alone and only selects an empty staff name.
        let (select, group) = if by_staff {
            ("staff", "staff, iso_week")
        } else {
            ("''", "iso_week")
        };
        let team = !by_staff && f.staff.is_empty();
        let rollup = match &f.topic {
            // The whole team has a rollup of its own, a few rows per week.
            None if team => Some("week_team_rollup"),
            None => Some("week_rollup"),
            Some(_) if team => Some("week_topic_rollup"),
            Some(_) => None,
        };
        let mut sql: QueryBuilder<Sqlite> = if let Some(rollup) = rollup.filter(|_| whole_weeks) {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {select}, iso_week, SUM(n), SUM(both_positive), \
                 SUM(f1), SUM(f2), SUM(f3), SUM(f4), SUM(f5), \
                 SUM(e1), SUM(e2), SUM(e3), SUM(e4), SUM(e5) \
                 FROM {rollup} WHERE iso_week BETWEEN "
            ));
            sql.push_bind(week::label(f.from))
                .push(" AND ")
                .push_bind(week::label(f.to));
            sql
        } else {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {select}, iso_week, {COUNT_COLUMNS} \
                 FROM contacts WHERE deleted_at IS NULL AND local_date BETWEEN "
            ));
            sql.push_bind(f.from.to_string())
                .push(" AND ")
                .push_bind(f.to.to_string());
            sql
        };
        push_topic(&mut sql, f);
        push_staff_channel(&mut sql, f);
        sql.push(format!(" GROUP BY {group} ORDER BY {group}"));
        let rows: Vec<CountRow> = sql.build_query_as().fetch_all(&self.reader).await?;
        rows.into_iter()
            // Rollup rows of contacts since deleted or edited away sum to zero.
            .filter(|row| row.2 > 0)
            .map(into_counts)
            .collect()
    }
}

/// Replaces every contact and setting with those of the attached database `incoming` (at
/// this schema version) and counts the rollups afresh, in one transaction.
async fn replace_from_incoming(conn: &mut sqlx::SqliteConnection) -> Result<u64> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    for table in [
        "week_rollup",
        "week_team_rollup",
        "week_topic_rollup",
        "contacts",
        "settings",
    ] {
        sqlx::query(&format!("DELETE FROM main.{table}"))
            .execute(&mut *tx)
            .await?;
    }
    let restored = sqlx::query("INSERT INTO main.contacts SELECT * FROM incoming.contacts")
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("INSERT INTO main.settings SELECT * FROM incoming.settings")
        .execute(&mut *tx)
        .await?;
    for (table, key, condition) in ROLLUPS {
        sqlx::query(&format!(
            "INSERT INTO main.{table} SELECT {key}, {COUNT_COLUMNS} FROM main.contacts \
             WHERE deleted_at IS NULL AND {condition} GROUP BY {key}"
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(restored)
}

/// staff, iso_week, n, both positive, then the counts of functional 1–5 and emotional 1–5.
type CountRow = (
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

fn into_counts(row: CountRow) -> Result<(String, WeekCounts)> {
    let count = |v: i64| u32::try_from(v).map_err(|_| corrupt("count", &v.to_string()));
    let (staff, iso_week, n, both, f1, f2, f3, f4, f5, e1, e2, e3, e4, e5) = row;
    let counts = WeekCounts {
        iso_week,
        n: count(n)?,
        both_positive: count(both)?,
        functional: [count(f1)?, count(f2)?, count(f3)?, count(f4)?, count(f5)?],
        emotional: [count(e1)?, count(e2)?, count(e3)?, count(e4)?, count(e5)?],
    };
    Ok((staff, counts))
}

/// Narrows a query on `contacts` or `week_rollup` to the filter's staff and channel.
fn push_staff_channel(sql: &mut QueryBuilder<'_, Sqlite>, f: &StatsFilter) {
    if !f.staff.is_empty() {
        sql.push(" AND staff IN (");
        let mut names = sql.separated(", ");
        for name in &f.staff {
            names.push_bind(name.clone());
        }
        sql.push(")");
    }
    if let Some(channel) = f.channel {
        sql.push(" AND channel = ").push_bind(channel.as_str());
    }
}

fn push_topic(sql: &mut QueryBuilder<'_, Sqlite>, f: &StatsFilter) {
    if let Some(topic) = &f.topic {
        sql.push(" AND topic = ").push_bind(topic.clone());
    }
}

#[derive(FromRow)]
struct ContactRow {
    id: String,
    occurred_at: String,
    local_date: String,
    iso_week: String,
    logged_at: String,
    updated_at: String,
    deleted_at: Option<String>,
    staff: String,
    staff_id: Option<String>,
    channel: String,
    functional: i64,
    emotional: i64,
    topic: Option<String>,
    customer_ref: Option<String>,
    note: Option<String>,
    follow_up: bool,
    follow_up_done_at: Option<String>,
    follow_up_done_by: Option<String>,
}

fn corrupt(what: &str, value: &str) -> Error {
    Error::Internal(format!("stored {what} is unreadable: {value:?}"))
}

impl ContactRow {
    /// A row selected with `deleted_at IS NULL`, as the contact alone.
    fn into_live(self) -> Result<Contact> {
        self.into_contact().map(|(c, _)| c)
    }

    fn into_contact(self) -> Result<(Contact, bool)> {
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
        };
        Ok((contact, self.deleted_at.is_some()))
    }
}

/// The rollup's counts of a group of contacts, in the order of its columns.
const COUNT_COLUMNS: &str = "COUNT(*), SUM(functional >= 4 AND emotional >= 4), \
    SUM(functional = 1), SUM(functional = 2), SUM(functional = 3), SUM(functional = 4), \
    SUM(functional = 5), SUM(emotional = 1), SUM(emotional = 2), SUM(emotional = 3), \
    SUM(emotional = 4), SUM(emotional = 5)";

/// Adds new counts to a rollup row that exists already; `key` is the rollup's primary key.
fn rollup_upsert(key: &str) -> String {
    format!(
        " ON CONFLICT ({key}) DO UPDATE SET \
         n = n + excluded.n, both_positive = both_positive + excluded.both_positive, \
         f1 = f1 + excluded.f1, f2 = f2 + excluded.f2, f3 = f3 + excluded.f3, \
         f4 = f4 + excluded.f4, f5 = f5 + excluded.f5, \
         e1 = e1 + excluded.e1, e2 = e2 + excluded.e2, e3 = e3 + excluded.e3, \
         e4 = e4 + excluded.e4, e5 = e5 + excluded.e5"
    )
}

/// The rollups that new contacts are folded into, with the contact columns each is keyed by
/// (in the table's column order) and the condition a contact must meet to count in it.
const ROLLUPS: [(&str, &str, &str); 2] = [
    ("week_rollup", "iso_week, staff, channel", "TRUE"),
    (
        "week_topic_rollup",
        "iso_week, topic, channel",
        "topic IS NOT NULL",
    ),
];

/// New contacts counted per rollup row: the key's values, in the order of [`ROLLUPS`].
type Fold = HashMap<(String, String, Channel), WeekCounts>;

/// Writes counts folded in memory to `table`, adding to the rows that exist.
async fn flush_rollup(
    tx: &mut sqlx::SqliteConnection,
    table: &str,
    key: &str,
    fold: Fold,
) -> Result<()> {
    let groups: Vec<_> = fold.into_iter().collect();
    for part in groups.chunks(ROWS_PER_STATEMENT) {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!("INSERT INTO {table} "));
        sql.push_values(part, |mut row, ((week, group, channel), k)| {
            row.push_bind(week.as_str())
                .push_bind(group.as_str())
                .push_bind(channel.as_str())
                .push_bind(i64::from(k.n))
                .push_bind(i64::from(k.both_positive));
            for v in k.functional.iter().chain(&k.emotional) {
                row.push_bind(i64::from(*v));
            }
        });
        sql.push(rollup_upsert(key));
        sql.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// The columns an edit may change, in the order [`bind_mutable`] binds them.
const MUTABLE_COLUMNS: &str = "occurred_at, occurred_ms, local_date, iso_week, updated_at, staff, \
    channel, functional, emotional, topic, customer_ref, note, follow_up";
const MUTABLE_PLACEHOLDERS: &str = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

type Query<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

fn bind_mutable<'q>(query: Query<'q>, c: &'q Contact) -> Query<'q> {
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
}

/// Many rows per INSERT statement: far fewer round trips through the driver, and 18 values a
/// row stays well below SQLite's limit of 32,766 bound values per statement.
const ROWS_PER_STATEMENT: usize = 1000;

fn insert_sql(rows: usize, existing: Existing) -> String {
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

fn rfc3339_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Below this many rows a bulk write keeps the indexes up to date as it goes.
const BULK_REBUILD_MIN: u64 = 100_000;

struct SqliteBulk {
    tx: sqlx::Transaction<'static, Sqlite>,
    existing: Existing,
    /// New contacts counted per week, staff and channel and per week, topic and channel,
    /// written to the rollups at commit.
    folds: [Fold; 2],
    /// The indexes dropped for this write, to be built again at commit.
    rebuild: Vec<(String, String)>,
}

#[async_trait]
impl BulkWrite for SqliteBulk {
    async fn write(&mut self, contacts: &[Contact]) -> Result<u64> {
        let tx = &mut self.tx;
        let mut inserted = 0;
        // New contacts are counted into the weekly rollup in the same transaction: in memory
        // when a whole statement went in, which is the common case.
        let mut by_staff: HashMap<(&str, &str, Channel), WeekCounts> = HashMap::new();
        let mut by_topic: HashMap<(&str, &str, Channel), WeekCounts> = HashMap::new();
        for chunk in contacts.chunks(ROWS_PER_STATEMENT) {
            // With one writer at a time, the rows a statement adds are those past the end.
            let first_rowid: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) + 1 FROM contacts")
                    .fetch_one(&mut **tx)
                    .await?;
            let sql = insert_sql(chunk.len(), self.existing);
            let mut query = sqlx::query(&sql);
            for c in chunk {
                query = bind_mutable(
                    query
                        .bind(c.id.to_string())
                        .bind(rfc3339_utc(c.logged_at))
                        .bind(c.follow_up_done_at.map(rfc3339_utc))
                        .bind(&c.follow_up_done_by)
                        .bind(&c.staff_id),
                    c,
                );
            }
            let added = match query.execute(&mut **tx).await {
                Ok(done) => done.rows_affected(),
                // Dropping the transaction rolls back: nothing of this write is kept.
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    let which = match chunk {
                        [one] => format!("a contact with id {} exists", one.id),
                        _ => "one of these contacts exists already".to_owned(),
                    };
                    return Err(Error::Conflict(which));
                }
                Err(e) => return Err(e.into()),
            };
            inserted += added;
            if added == chunk.len() as u64 {
                for c in chunk {
                    let counts = WeekCounts::of(c);
                    by_staff
                        .entry((c.iso_week.as_str(), c.staff.as_str(), c.channel))
                        .or_default()
                        .add(&counts);
                    if let Some(topic) = &c.topic {
                        by_topic
                            .entry((c.iso_week.as_str(), topic.as_str(), c.channel))
                            .or_default()
                            .add(&counts);
                    }
                }
            } else if added > 0 {
                // Some ids were present already: count what the table now holds past the end.
                for (table, key, condition) in ROLLUPS {
                    sqlx::query(&format!(
                        "INSERT INTO {table} SELECT {key}, {COUNT_COLUMNS} \
                         FROM contacts WHERE rowid >= ? AND deleted_at IS NULL AND {condition} \
                         GROUP BY {key} {}",
                        rollup_upsert(key)
                    ))
                    .bind(first_rowid)
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
        for (fold, counted) in self.folds.iter_mut().zip([by_staff, by_topic]) {
            for ((iso_week, group, channel), counts) in counted {
                fold.entry((iso_week.to_owned(), group.to_owned(), channel))
                    .or_default()
                    .add(&counts);
            }
        }
        Ok(inserted)
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        let Self {
            mut tx,
            folds,
            rebuild,
            ..
        } = *self;
        for ((table, key, _), fold) in ROLLUPS.into_iter().zip(folds) {
            flush_rollup(&mut tx, table, key, fold).await?;
        }
        for (_, create) in &rebuild {
            sqlx::query(create).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert(&self, c: &Contact) -> Result<()> {
        self.insert_many(std::slice::from_ref(c), Existing::Fail)
            .await
            .map(|_| ())
    }

    async fn bulk(&self, existing: Existing, expected: u64) -> Result<Box<dyn BulkWrite>> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        // Building an index once over sorted rows beats updating it row by row when a write
        // at least doubles the journal: the secondary indexes are dropped inside the
        // transaction and built again before it commits (or come back with a rollback).
        let mut rebuild = Vec::new();
        if expected >= BULK_REBUILD_MIN {
            let present: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM contacts")
                .fetch_one(&mut *tx)
                .await?;
            if i64::try_from(expected).unwrap_or(i64::MAX) >= present {
                rebuild = sqlx::query_as::<_, (String, String)>(
                    "SELECT name, sql FROM sqlite_master \
                     WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL",
                )
                .fetch_all(&mut *tx)
                .await?;
                for (name, _) in &rebuild {
                    sqlx::query(&format!("DROP INDEX \"{name}\""))
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        Ok(Box::new(SqliteBulk {
            tx,
            existing,
            folds: [HashMap::new(), HashMap::new()],
            rebuild,
        }))
    }

    async fn update(&self, c: &Contact) -> Result<()> {
        let sql = format!(
            "UPDATE contacts SET ({MUTABLE_COLUMNS}) = ({MUTABLE_PLACEHOLDERS}) \
             WHERE id = ? AND deleted_at IS NULL"
        );
        self.update_one(
            c.id,
            bind_mutable(sqlx::query(&sql), c).bind(c.id.to_string()),
        )
        .await
    }

    async fn get(&self, id: Uuid) -> Result<Option<(Contact, bool)>> {
        sqlx::query_as::<_, ContactRow>("SELECT * FROM contacts WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?
            .map(ContactRow::into_contact)
            .transpose()
    }

    async fn set_deleted(&self, id: Uuid, deleted_at: Option<DateTime<Utc>>) -> Result<()> {
        let query = sqlx::query("UPDATE contacts SET deleted_at = ? WHERE id = ?")
            .bind(deleted_at.map(rfc3339_utc))
            .bind(id.to_string());
        self.update_one(id, query).await
    }

    async fn list(&self, q: &ListQuery) -> Result<Vec<Contact>> {
        const ORDER: &str = " ORDER BY occurred_ms DESC, logged_at DESC";
        // One part of the list: live contacts (with `condition` and the date), newest first.
        let part = |sql: &mut QueryBuilder<'_, Sqlite>, condition: Option<(&str, &str)>| {
            sql.push("SELECT * FROM contacts WHERE deleted_at IS NULL");
            if let Some(since) = q.since {
                sql.push(" AND local_date >= ").push_bind(since.to_string());
            }
            if let Some((column, value)) = condition {
                sql.push(column).push_bind(value.to_owned());
            }
            sql.push(ORDER);
            if let Some(limit) = q.limit {
                sql.push(" LIMIT ").push_bind(i64::from(limit));
            }
        };
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new("");
        match (&q.member, &q.staff) {
            // The member's contacts under any name, and those under their current name that
            // no one has claimed (imported, or from the demo): two parts, each read newest
            // first through its own index, then merged. One query with OR would scan the
            // whole journal by time for someone with few contacts.
            (Some(member), Some(staff)) => {
                sql.push("SELECT * FROM (");
                part(&mut sql, Some((" AND staff_id = ", member)));
                sql.push(") UNION ALL SELECT * FROM (");
                part(
                    &mut sql,
                    Some((" AND staff_id IS NULL AND staff = ", staff)),
                );
                sql.push(")").push(ORDER);
                if let Some(limit) = q.limit {
                    sql.push(" LIMIT ").push_bind(i64::from(limit));
                }
            }
            (Some(member), None) => part(&mut sql, Some((" AND staff_id = ", member))),
            (None, Some(staff)) => part(&mut sql, Some((" AND staff = ", staff))),
            (None, None) => part(&mut sql, None),
        }
        sql.build_query_as::<ContactRow>()
            .fetch_all(&self.reader)
            .await?
            .into_iter()
            .map(ContactRow::into_live)
            .collect()
    }

    async fn contacts(&self, q: &ContactQuery) -> Result<(u64, Vec<Contact>)> {
        let f = &q.filter;
        // Without statistics SQLite cannot know the partial index of open follow-ups holds
        // only a few rows, so it is named.
        let source = if q.open_follow_ups {
            "contacts INDEXED BY contacts_open_follow_ups"
        } else {
            "contacts"
        };
        let filtered = |select: &str| {
            let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
                "SELECT {select} FROM {source} WHERE deleted_at IS NULL AND local_date BETWEEN "
            ));
            sql.push_bind(f.from.to_string())
                .push(" AND ")
                .push_bind(f.to.to_string());
            push_topic(&mut sql, f);
            push_staff_channel(&mut sql, f);
            if let Some(quadrant) = q.quadrant {
                sql.push(match quadrant {
                    Quadrant::SolvedWelcome => " AND functional >= 4 AND emotional >= 4",
                    Quadrant::SolvedNotWelcome => " AND functional >= 4 AND emotional < 4",
                    Quadrant::WelcomeNotSolved => " AND functional < 4 AND emotional >= 4",
                    Quadrant::Neither => " AND functional < 4 AND emotional < 4",
                });
            }
            if let Some((axis, rating)) = q.rating {
                sql.push(match axis {
                    Axis::Functional => " AND functional = ",
                    Axis::Emotional => " AND emotional = ",
                })
                .push_bind(i64::from(rating));
            }
            if q.open_follow_ups {
                // Spelled exactly as in the partial index, so SQLite can use it.
                sql.push(" AND follow_up_done_at IS NULL AND (follow_up = 1 OR emotional <= 2)");
            }
            sql
        };
        let total: i64 = filtered("COUNT(*)")
            .build_query_scalar()
            .fetch_one(&self.reader)
            .await?;
        let mut page = filtered("*");
        // Newest first by local date, which the date indexes deliver in order, so only the
        // contacts of one day are sorted by time and the scan stops at the page's end.
        page.push(" ORDER BY local_date DESC, occurred_ms DESC, logged_at DESC LIMIT ")
            .push_bind(i64::from(q.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(q.offset));
        let contacts = page
            .build_query_as::<ContactRow>()
            .fetch_all(&self.reader)
            .await?
            .into_iter()
            .map(ContactRow::into_live)
            .collect::<Result<_>>()?;
        Ok((u64::try_from(total).unwrap_or(0), contacts))
    }

    async fn set_follow_up_done(
        &self,
        id: Uuid,
        done: Option<(DateTime<Utc>, &str)>,
    ) -> Result<()> {
        let query = sqlx::query(
            "UPDATE contacts SET follow_up_done_at = ?, follow_up_done_by = ? \
             WHERE id = ? AND deleted_at IS NULL",
        )
        .bind(done.map(|(at, _)| rfc3339_utc(at)))
        .bind(done.map(|(_, by)| by))
        .bind(id.to_string());
        self.update_one(id, query).await
    }

    async fn facets(&self) -> Result<(Vec<String>, Vec<String>, Option<NaiveDate>)> {
        // DISTINCT would read a whole index; hopping from each value to the next one is a
        // seek per distinct value, through the same covering indexes the filters use.
        let distinct = |column: &str| {
            format!(
                "WITH RECURSIVE v(x) AS ( \
                     SELECT MIN({column}) FROM contacts \
                     WHERE deleted_at IS NULL AND {column} IS NOT NULL \
                     UNION ALL \
                     SELECT (SELECT MIN({column}) FROM contacts \
                             WHERE deleted_at IS NULL AND {column} IS NOT NULL \
                               AND {column} > v.x) \
                     FROM v WHERE v.x IS NOT NULL) \
                 SELECT x FROM v WHERE x IS NOT NULL"
            )
        };
        let staff = sqlx::query_scalar(&distinct("staff"))
            .fetch_all(&self.reader)
            .await?;
        let topics = sqlx::query_scalar(&distinct("topic"))
            .fetch_all(&self.reader)
            .await?;
        let first: Option<String> =
            sqlx::query_scalar("SELECT MIN(local_date) FROM contacts WHERE deleted_at IS NULL")
                .fetch_one(&self.reader)
                .await?;
        let first = first
            .map(|d| NaiveDate::from_str(&d).map_err(|_| corrupt("local_date", &d)))
            .transpose()?;
        Ok((staff, topics, first))
    }

    async fn week_counts(&self, f: &StatsFilter) -> Result<Vec<WeekCounts>> {
        Ok(self
            .counts(f, false)
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect())
    }

    async fn week_counts_by_staff(&self, f: &StatsFilter) -> Result<Vec<(String, WeekCounts)>> {
        self.counts(f, true).await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    async fn claim_contacts(&self, member: &str, name: &str) -> Result<u64> {
        self.write(
            sqlx::query(
                "UPDATE contacts SET staff_id = ? \
                 WHERE staff = ? AND staff_id IS NULL AND deleted_at IS NULL",
            )
            .bind(member)
            .bind(name),
        )
        .await
    }

    async fn member_names(&self, member: &str, current: &str) -> Result<Vec<(String, u64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT staff, COUNT(*) FROM contacts \
             WHERE staff_id = ? AND staff <> ? AND deleted_at IS NULL \
             GROUP BY staff ORDER BY staff",
        )
        .bind(member)
        .bind(current)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(name, n)| (name, u64::try_from(n).unwrap_or(0)))
            .collect())
    }

    async fn rename_member(&self, member: &str, name: &str, at: DateTime<Utc>) -> Result<u64> {
        // The rollup triggers move each contact's counts to the new name.
        self.write(
            sqlx::query(
                "UPDATE contacts SET staff = ?, updated_at = ? \
                 WHERE staff_id = ? AND staff <> ? AND deleted_at IS NULL",
            )
            .bind(name)
            .bind(rfc3339_utc(at))
            .bind(member)
            .bind(name),
        )
        .await
    }

    async fn put_settings(&self, values: &[(&str, Option<&str>)]) -> Result<()> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        for &(key, value) in values {
            match value {
                Some(v) => {
                    sqlx::query(
                        "INSERT INTO settings (key, value) VALUES (?, ?) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    )
                    .bind(key)
                    .bind(v)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM settings WHERE key = ?")
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn customer_contacts(&self, customer_ref: &str) -> Result<Vec<(Contact, bool)>> {
        sqlx::query_as::<_, ContactRow>(
            "SELECT * FROM contacts WHERE customer_ref = ? ORDER BY occurred_ms, logged_at",
        )
        .bind(customer_ref)
        .fetch_all(&self.reader)
        .await?
        .into_iter()
        .map(ContactRow::into_contact)
        .collect()
    }

    async fn erase_customer(&self, customer_ref: &str) -> Result<u64> {
        let query = sqlx::query("DELETE FROM contacts WHERE customer_ref = ?").bind(customer_ref);
        self.erase(query).await
    }

    async fn erase_before(&self, before: NaiveDate, whole_contacts: bool) -> Result<u64> {
        let sql = if whole_contacts {
            "DELETE FROM contacts WHERE local_date < ?"
        } else {
            "UPDATE contacts SET note = NULL WHERE note IS NOT NULL AND local_date < ?"
        };
        self.erase(sqlx::query(sql).bind(before.to_string())).await
    }

    async fn plain_customer_refs(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT customer_ref FROM contacts \
             WHERE customer_ref IS NOT NULL AND customer_ref NOT LIKE 'ps:%'",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    async fn rename_customer_refs(&self, renames: &[(String, String)]) -> Result<u64> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let mut renamed = 0;
        for (from, to) in renames {
            renamed += sqlx::query("UPDATE contacts SET customer_ref = ? WHERE customer_ref = ?")
                .bind(to)
                .bind(from)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        self.empty_wal().await?;
        Ok(renamed)
    }

    async fn check(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.reader)
            .await?)
    }

    async fn backup(&self, dest: &Path) -> Result<()> {
        sqlx::query("VACUUM INTO ?")
            .bind(dest.to_string_lossy().into_owned())
            .execute(&self.reader)
            .await?;
        Ok(())
    }

    async fn restore(&self, file: &Path) -> Result<u64> {
        SqliteStore::inspect(file).await?;
        // A copy of the backup is brought up to this version first, so that a backup made by
        // an older version restores as well; the journal itself then changes in one
        // transaction, which readers (the app) see all at once or not at all.
        let copy = file.with_extension("restoring");
        let _ = std::fs::remove_file(&copy);
        {
            let original = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(SqliteConnectOptions::new().filename(file).read_only(true))
                .await?;
            let made = sqlx::query("VACUUM INTO ?")
                .bind(copy.to_string_lossy().into_owned())
                .execute(&original)
                .await;
            original.close().await;
            made?;
        }
        let result = async {
            SqliteStore::open(&copy).await?.close().await;
            let mut conn = self.writer.acquire().await?;
            sqlx::query("ATTACH DATABASE ? AS incoming")
                .bind(copy.to_string_lossy().into_owned())
                .execute(&mut *conn)
                .await?;
            let replaced = replace_from_incoming(&mut conn).await;
            sqlx::query("DETACH DATABASE incoming")
                .execute(&mut *conn)
                .await?;
            replaced
        }
        .await;
        let _ = std::fs::remove_file(&copy);
        result
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the README rests crash and power-cut safety and erasure on, read back from the
    /// connections themselves: a SIGKILL cannot tell `synchronous=NORMAL` from `FULL`, so
    /// only this test notices if the setting is lost.
    #[tokio::test]
    async fn the_writer_runs_wal_synchronous_full_and_secure_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .unwrap();
        let mut writer = store.writer.acquire().await.unwrap();
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *writer)
            .await
            .unwrap();
        assert_eq!(
            synchronous, 2,
            "synchronous=FULL (2): an fsync at every commit"
        );
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *writer)
            .await
            .unwrap();
        assert_eq!(journal_mode, "wal");
        let secure_delete: i64 = sqlx::query_scalar("PRAGMA secure_delete")
            .fetch_one(&mut *writer)
            .await
            .unwrap();
        assert_eq!(secure_delete, 1, "freed space is overwritten");
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *writer)
            .await
            .unwrap();
        assert_eq!(foreign_keys, 1);
        drop(writer);
        let mut reader = store.reader.acquire().await.unwrap();
        let reader_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *reader)
            .await
            .unwrap();
        assert_eq!(reader_mode, "wal", "readers never block the writer");
        drop(reader);
        store.close().await;
    }
}
