//! The embedded default: one SQLite file, tuned so that a contact reported as saved survives
//! a crash of the app or the machine.
//!
//! - WAL with `synchronous=FULL`: each commit is fsynced before it returns.
//! - Writes go through a pool of exactly one connection and start with `BEGIN IMMEDIATE`, so
//!   a write never has to upgrade a read lock (the source of "database is locked" surprises
//!   when the app and the CLI write at once); `busy_timeout` makes other processes wait.
//! - Reads use their own small pool and never block the writer.
//! - A new contact is saved on a connection of its own that waits only briefly for the lock:
//!   while a long write (an import) holds it, the contact goes to the pending file beside
//!   the journal and moves in afterwards (see [`pending`]); at once, without waiting, when
//!   the long write is this program's own.
//! - A long write has the disk flushed as it goes, so that no save's fsync has a gigabyte to
//!   wait behind (see [`flush`]).

mod bulk;
mod counts;
mod customers;
pub mod file;
mod flush;
pub mod outbox;
mod pages;
mod pending;
mod practices;
mod rows;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

pub use file::{FileCheck, JournalFile};

use super::{
    AnswerCounts, BulkWrite, DrillDown, Existing, FailedCount, GroupBy, ListQuery, MomentsFound,
    PromiseCounts, StatsFilter, Store, WeekCounts,
};
use crate::error::{Error, Result};
use crate::model::{needs_follow_up_sql, positive_sql, Axis, Contact, Quadrant};
pub use bulk::BULK_REBUILD_MIN;
use bulk::{SqliteBulk, INSERT_TRIGGERS};
use counts::{push_staff_channel, push_topic, DERIVED_ROLLUPS};
use flush::{Flushed, Flusher};
use pending::{Pending, SAVE_WAITS};
use rows::{
    bind_mutable, corrupt, rfc3339_utc, ContactRow, Query, MUTABLE_COLUMNS, MUTABLE_PLACEHOLDERS,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// How long a write waits for another one to finish before it fails. An import or demo of a
/// million contacts holds the write lock for its whole transaction (about 30 s here); an edit
/// or a setting changed meanwhile waits for it rather than failing with "database is locked"
/// (a new contact does not wait: it goes to the pending file).
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);
const READERS: u32 = 4;

pub struct SqliteStore {
    writer: SqlitePool,
    /// New contacts' connection: it waits [`SAVE_WAITS`] for the lock, not [`BUSY_TIMEOUT`].
    saver: SqlitePool,
    /// Moves pending contacts in, in the background (see [`SqliteStore::settle_in_background`]).
    settler: SqlitePool,
    /// Contacts saved while another write held the journal, until they move in.
    pending: Pending,
    reader: SqlitePool,
    /// Copies the write-ahead log into the file in the background (see
    /// [`SqliteStore::checkpoint_in_background`]).
    checkpointer: SqlitePool,
    /// The journal file's path, for flushing a long write and a long checkpoint as they go
    /// (see [`flush`]).
    path: PathBuf,
}

/// A long write under way in this process (an import, a demo, a restore, a large pull):
/// saves meanwhile go to the pending file at once, and its log is flushed as it grows.
struct LongWrite {
    _mark: pending::Mark,
    _flusher: Flusher,
}

#[cfg(test)]
impl LongWrite {
    fn flusher(&self) -> &Flusher {
        &self._flusher
    }
}

/// How often the write-ahead log is copied into the file, and pending contacts moved in.
const BACKGROUND_EVERY: Duration = Duration::from_secs(1);

/// The journal's pools keep their connections for as long as the journal is open and hand
/// them out without a test query: a connection to a file in this process cannot go stale, and
/// sqlx's defaults (a ping before every use, closing a connection idle for ten minutes) cost
/// every save a round trip to SQLite's thread and the first save after a quiet spell a new
/// connection with all its pragmas.
pub(super) fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .test_before_acquire(false)
        .idle_timeout(None)
        .max_lifetime(None)
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
        let pending = Pending::beside(base.get_filename());
        let options = base
            .create_if_missing(true)
            // For a new journal (an existing one keeps its own): a quarter of the pages of the
            // default 4 KiB to read, write and find in the log. A bulk write's transaction
            // looks up every page it reads among the log's, a cost that grows with the log;
            // the demo took 19.4 s instead of 25.7 s for 1,000,000 contacts and 287 s
            // instead of 394 s for 10,000,000.
            .page_size(16384)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let writer = pool_options()
            .max_connections(1)
            .acquire_timeout(BUSY_TIMEOUT * 2)
            // A larger page cache keeps the indexes of a big import in memory between
            // statements (the default is 2 MB). Deleted and overwritten content is zeroed, so
            // an erased note or customer cannot be read back from the file's free space.
            .connect_with(
                options
                    .clone()
                    .pragma("cache_size", "-65536")
                    .pragma("secure_delete", "ON")
                    // A save never copies the log into the file itself: on a journal of a
                    // million contacts that took a commit from 2 to 13–200 ms every few dozen
                    // saves. The checkpointer does it beside the writer instead.
                    .pragma("wal_autocheckpoint", "0"),
            )
            .await?;
        MIGRATOR.run(&writer).await?;
        // The journal's name as SQLite has it (absolute, links followed), which its log's is
        // made from.
        let path: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&writer)
                .await?;
        let path = PathBuf::from(path);
        // A journal that has just gained the customers' figures counts them once, here. The
        // question alone takes no lock, so that opening the journal (the CLI's `log`) does
        // not wait for another process's import.
        if customers::paused(&mut *writer.acquire().await?).await? {
            let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
            if customers::paused(&mut tx).await? {
                customers::recount(&mut tx).await?;
            }
            tx.commit().await?;
        }
        // Only the lock is waited for briefly: a pool timeout this short would also cut off
        // making the connection on a busy machine, and with it opening the journal.
        let saver = pool_options()
            .max_connections(1)
            .connect_with(
                options
                    .clone()
                    .busy_timeout(SAVE_WAITS)
                    .pragma("secure_delete", "ON")
                    .pragma("wal_autocheckpoint", "0"),
            )
            .await?;
        // A pending file that cannot be read does not keep the journal shut; it stays
        // beside the journal, untouched, and every later move tries it again.
        if let Err(e) = pending.settle(&saver).await {
            tracing::warn!(error = %e, "pending contacts could not move into the journal");
        }
        let checkpointer = pool_options()
            .max_connections(1)
            .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
            .await?;
        let reader = pool_options()
            .max_connections(READERS)
            .connect_with(options.clone().read_only(true))
            .await?;
        Self::checkpoint_in_background(checkpointer.clone(), path.clone());
        // Its own connection, which never waits for the lock: on the saves' connection each
        // try during an import held up a save that came at that moment.
        // Connected on first use, when there is a pending file: opening a journal makes no
        // connection it does not need.
        let settler = pool_options().max_connections(1).connect_lazy_with(
            options
                .busy_timeout(Duration::ZERO)
                .pragma("secure_delete", "ON")
                .pragma("wal_autocheckpoint", "0"),
        );
        Self::settle_in_background(settler.clone(), pending.clone());
        Ok(Self {
            writer,
            saver,
            settler,
            pending,
            reader,
            checkpointer,
            path,
        })
    }

    /// Every second, moves contacts saved in the pending file into the journal once its lock
    /// is free, so that a running app counts them soon after a long write ends, also those
    /// saved by another process (the CLI). Ends when the journal is closed.
    fn settle_in_background(settler: SqlitePool, pending: Pending) {
        every_second_until_closed(settler, move |settler| {
            let pending = pending.clone();
            async move {
                if let Err(e) = pending.settle(&settler).await {
                    if !settler.is_closed() {
                        tracing::warn!(error = %e, "pending contacts could not move into the journal; the next round retries");
                    }
                }
            }
        });
    }

    /// Every second, copies what the write-ahead log holds into the journal file, on a
    /// connection of its own: a passive checkpoint waits for no reader or writer, and saves
    /// go on appending to the log meanwhile (a commit is durable once it is in the log). Ends
    /// when the journal is closed. A checkpoint that takes longer than a moment (the first
    /// after a bulk write copies all of it) has the disk flushed as it goes.
    fn checkpoint_in_background(pool: SqlitePool, journal: PathBuf) {
        every_second_until_closed(pool, move |pool| {
            let journal = journal.clone();
            async move {
                let checkpoint = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool);
                tokio::pin!(checkpoint);
                let done = tokio::select! {
                    biased;
                    done = &mut checkpoint => done,
                    () = tokio::time::sleep(flush::FLUSH_EVERY) => {
                        let _flushing = Flusher::start(Flushed::FileSystemOf(journal));
                        checkpoint.await
                    }
                };
                if let Err(e) = done {
                    if !pool.is_closed() {
                        tracing::info!(error = %e, "a background checkpoint failed; the next one retries");
                    }
                }
            }
        });
    }

    /// Runs one write statement in a transaction of its own; returns how many rows it changed.
    /// Pending contacts move in first, so that the statement (an edit, an erasure) finds them.
    async fn write(&self, query: Query<'_>) -> Result<u64> {
        self.settle_first().await?;
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let changed = query.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(changed)
    }

    /// Moves the contacts saved in the pending file into the journal now, waiting for the
    /// lock as any write does (before a backup that must hold them).
    pub async fn settle_pending(&self) -> Result<()> {
        self.settle_first().await
    }

    /// Moves the pending contacts in before another write, waiting for the lock as that write
    /// would: an erasure or an edit must find them. Refuses when the journal stayed locked
    /// all that time, rather than write past a contact still pending.
    pub(super) async fn settle_first(&self) -> Result<()> {
        match self.pending.settle(&self.writer).await? {
            Some(_) => Ok(()),
            None => Err(Error::Conflict(
                "the journal is busy with another long write (an import); try again when it has finished"
                    .to_owned(),
            )),
        }
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

    /// Marks a long write of this process that holds the journal's lock, until dropped.
    fn long_write(&self) -> LongWrite {
        LongWrite {
            _mark: self.pending.long_write(),
            _flusher: Flusher::start(Flushed::LogOf(self.path.clone())),
        }
    }

    /// Starts the transaction of a bulk write (see [`Store::bulk`]).
    async fn begin_bulk(&self, existing: Existing, expected: u64) -> Result<SqliteBulk> {
        if expected >= BULK_REBUILD_MIN {
            // Saves will go to the pending file while this write runs: made now, the first of
            // them only writes its row. Making the file costs several fsyncs, which a disk busy
            // with the write can stretch: before the file was made here, one save of 50
            // during a 1M import took 209 ms; since, none took over 53 ms.
            self.pending.pool(true).await?;
        }
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let long_write = (expected >= BULK_REBUILD_MIN).then(|| self.long_write());
        // Building an index once over sorted rows beats updating it row by row when a write
        // at least doubles the journal: the secondary indexes are dropped inside the
        // transaction and built again before it commits (or come back with a rollback).
        let mut rebuild = Vec::new();
        let mut answers = None;
        if expected >= BULK_REBUILD_MIN {
            let present: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM contacts")
                .fetch_one(&mut *tx)
                .await?;
            if i64::try_from(expected).unwrap_or(i64::MAX) >= present {
                // Triggers go too, since each runs once per row even when its condition says
                // no: the insert triggers whose work the write does itself (INSERT_TRIGGERS),
                // and those that do nothing while the customers' figures are paused (the
                // recount's rewrite of a million contacts would run two per row). The rollups'
                // indexes by staff go as well: each flush of the folded counts adds a row for
                // every person in every week it holds, spread over the whole index, so that at
                // 2,000 staff over five years each flush rewrote most of its pages. So do the
                // triggers that keep the derived rollups, which the commit makes again
                // (DERIVED_ROLLUPS).
                let triggers = INSERT_TRIGGERS.map(|t| format!("'{t}'")).join(", ");
                let sources = DERIVED_ROLLUPS
                    .map(|(_, source, _)| format!("'{source}'"))
                    .join(", ");
                rebuild = sqlx::query_as::<_, (String, String, String)>(&format!(
                    "SELECT type, name, sql FROM sqlite_master WHERE (tbl_name = 'contacts' \
                     AND ((type = 'index' AND sql IS NOT NULL) \
                          OR (type = 'trigger' AND (name IN ({triggers}) \
                              OR sql LIKE '%NOT EXISTS (SELECT 1 FROM customer_order_paused)%')))) \
                     OR (type = 'index' AND sql IS NOT NULL AND tbl_name LIKE 'week%rollup') \
                     OR (type = 'trigger' AND tbl_name IN ({sources}))"
                ))
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(kind, name, sql)| (format!("{} \"{name}\"", kind.to_uppercase()), sql))
                .collect();
                for (what, _) in &rebuild {
                    sqlx::query(&format!("DROP {what}"))
                        .execute(&mut *tx)
                        .await?;
                }
                customers::pause(&mut tx).await?;
                answers = Some([HashMap::new(), HashMap::new()]);
            }
        }
        Ok(SqliteBulk {
            rebuild,
            answers,
            long_write,
            ..SqliteBulk::new(tx, existing)
        })
    }
}

/// Runs `job` on `pool` every [`BACKGROUND_EVERY`], on a task of its own, until the pool is closed (the
/// journal with it); a round that is late is not made up.
fn every_second_until_closed<F, Fut>(pool: SqlitePool, job: F)
where
    F: Fn(SqlitePool) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut every = tokio::time::interval(BACKGROUND_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if pool.is_closed() {
                break;
            }
            job(pool.clone()).await;
        }
    });
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert(&self, c: &Contact) -> Result<()> {
        let id = c.id.to_string();
        let exists = || Err(Error::Conflict(format!("a contact with id {id} exists")));
        // A retried save with the same id, whose first try went to the pending file.
        if self.pending.holds(&id).await? {
            return exists();
        }
        let tx = if self.pending.during_long_write() {
            None
        } else {
            pending::begin(&self.saver).await?
        };
        let Some(tx) = tx else {
            // Also an id moved in and erased since: a contact saved under it now would be
            // taken for the moved one and left out.
            let (present,): (bool,) = sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ?1) \
                 OR EXISTS (SELECT 1 FROM pending_moved WHERE id = ?1)",
            )
            .bind(&id)
            .fetch_one(&self.reader)
            .await?;
            if present {
                return exists();
            }
            return self.pending.add(c).await;
        };
        let mut bulk = Box::new(SqliteBulk::new(tx, Existing::Fail));
        bulk.write(std::slice::from_ref(c)).await?;
        bulk.commit().await
    }

    async fn bulk(&self, existing: Existing, expected: u64) -> Result<Box<dyn BulkWrite>> {
        Ok(Box::new(self.begin_bulk(existing, expected).await?))
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
        let stored = sqlx::query_as::<_, ContactRow>("SELECT * FROM contacts WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?
            .map(ContactRow::into_contact)
            .transpose()?;
        if stored.is_some() {
            return Ok(stored);
        }
        Ok(self
            .pending
            .contacts()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .map(|c| (c, false)))
    }

    async fn set_deleted(&self, id: Uuid, deleted_at: Option<DateTime<Utc>>) -> Result<()> {
        let query = sqlx::query("UPDATE contacts SET deleted_at = ? WHERE id = ?")
            .bind(deleted_at.map(rfc3339_utc))
            .bind(id.to_string());
        self.update_one(id, query).await
    }

    async fn each_contact(
        &self,
        filter: Option<&StatsFilter>,
        each: &mut (dyn for<'c> FnMut(&'c [Contact], u64) -> Result<bool> + Send),
    ) -> Result<u64> {
        self.pages(filter, each).await
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
        let mut found = sql
            .build_query_as::<ContactRow>()
            .fetch_all(&self.reader)
            .await?
            .into_iter()
            .map(ContactRow::into_live)
            .collect::<Result<Vec<_>>>()?;
        let pending = self.pending.matching(q).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "pending contacts could not be listed");
            Vec::new()
        });
        if !pending.is_empty() {
            // Between a move's commit and the removal of its rows, a contact is in both.
            let stored: std::collections::HashSet<Uuid> = found.iter().map(|c| c.id).collect();
            found.extend(pending.into_iter().filter(|c| !stored.contains(&c.id)));
            found.sort_by_key(|c| {
                std::cmp::Reverse((c.occurred_at.timestamp_millis(), c.logged_at))
            });
            if let Some(limit) = q.limit {
                found.truncate(limit as usize);
            }
        }
        Ok(found)
    }

    async fn contacts(&self, q: &DrillDown) -> Result<(u64, Vec<Contact>)> {
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
                let (solved, welcome) = match quadrant {
                    Quadrant::SolvedWelcome => (true, true),
                    Quadrant::SolvedNotWelcome => (true, false),
                    Quadrant::WelcomeNotSolved => (false, true),
                    Quadrant::Neither => (false, false),
                };
                let side = |column: &str, positive: bool| {
                    let rule = positive_sql(column);
                    if positive {
                        rule
                    } else {
                        format!("NOT {rule}")
                    }
                };
                sql.push(format!(
                    " AND {} AND {}",
                    side("functional", solved),
                    side("emotional", welcome)
                ));
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
                sql.push(format!(
                    " AND follow_up_done_at IS NULL AND {}",
                    needs_follow_up_sql()
                ));
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

    async fn set_star(&self, id: Uuid, star: bool) -> Result<()> {
        let query = sqlx::query("UPDATE contacts SET star = ? WHERE id = ? AND deleted_at IS NULL")
            .bind(star)
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
            .counts(f, None, None)
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect())
    }

    async fn week_counts_by(
        &self,
        f: &StatsFilter,
        by: GroupBy,
    ) -> Result<Vec<(String, WeekCounts)>> {
        self.counts(f, Some(by), None).await
    }

    async fn period_counts_by(
        &self,
        f: &StatsFilter,
        by: Option<GroupBy>,
        from: NaiveDate,
    ) -> Result<Vec<(String, WeekCounts)>> {
        self.counts(f, by, Some(from)).await
    }

    async fn answer_counts(
        &self,
        f: &StatsFilter,
        by: Option<GroupBy>,
        split: Option<NaiveDate>,
    ) -> Result<Vec<(String, AnswerCounts)>> {
        self.answers(f, by, split).await
    }

    async fn failed_counts(&self, f: &StatsFilter, from: NaiveDate) -> Result<Vec<FailedCount>> {
        self.failed(f, from).await
    }

    async fn promise_counts(&self, f: &StatsFilter, today: NaiveDate) -> Result<PromiseCounts> {
        self.promises(f, today).await
    }

    async fn level5_customers(&self, f: &StatsFilter) -> Result<(u32, u32)> {
        self.level5(f).await
    }

    async fn moments(&self, f: &StatsFilter) -> Result<MomentsFound> {
        self.moments_of(f).await
    }

    async fn week_notes(&self, from: &str, to: &str) -> Result<Vec<(String, String)>> {
        self.notes(from, to).await
    }

    async fn set_week_note(&self, week: &str, note: Option<&str>, at: DateTime<Utc>) -> Result<()> {
        self.put_note(week, note, at).await
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    async fn all_settings(&self) -> Result<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT key, value FROM settings")
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.into_iter().collect())
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
        let mut found = sqlx::query_as::<_, ContactRow>(
            "SELECT * FROM contacts WHERE customer_ref = ? ORDER BY occurred_ms, logged_at",
        )
        .bind(customer_ref)
        .fetch_all(&self.reader)
        .await?
        .into_iter()
        .map(ContactRow::into_contact)
        .collect::<Result<Vec<_>>>()?;
        // A customer asking for their data gets the contacts still pending too.
        let pending = self.pending.contacts().await?;
        let stored: std::collections::HashSet<Uuid> = found.iter().map(|(c, _)| c.id).collect();
        let theirs: Vec<_> = pending
            .into_iter()
            .filter(|c| c.customer_ref.as_deref() == Some(customer_ref) && !stored.contains(&c.id))
            .map(|c| (c, false))
            .collect();
        if !theirs.is_empty() {
            found.extend(theirs);
            found.sort_by_key(|(c, _)| (c.occurred_at.timestamp_millis(), c.logged_at));
        }
        Ok(found)
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
        let mut refs: std::collections::BTreeSet<String> = sqlx::query_scalar(
            "SELECT DISTINCT customer_ref FROM contacts \
             WHERE customer_ref IS NOT NULL AND customer_ref NOT LIKE 'ps:%'",
        )
        .fetch_all(&self.reader)
        .await?
        .into_iter()
        .collect();
        // Pending contacts are renamed too once they have moved in (the rename moves them first).
        refs.extend(
            self.pending
                .contacts()
                .await?
                .into_iter()
                .filter_map(|c| c.customer_ref)
                .filter(|r| !r.starts_with("ps:")),
        );
        Ok(refs.into_iter().collect())
    }

    async fn rename_customer_refs(&self, renames: &[(String, String)]) -> Result<u64> {
        self.settle_first().await?;
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

    async fn close(&self) {
        self.checkpointer.close().await;
        self.settler.close().await;
        self.reader.close().await;
        self.pending.close().await;
        // SQLite would copy the log into the file when its last connection closes, but a
        // process that exits meanwhile (the CLI after a million-row import) leaves the log
        // beside the file; copying the journal file alone then copies an older journal. On
        // the saves' connection, which waits only briefly: while another process holds a long
        // write (the CLI's `log` during an import), that process empties the log as it closes.
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.saver)
            .await
        {
            tracing::info!(error = %e, "the write-ahead log was not emptied on closing");
        }
        self.saver.close().await;
        self.writer.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// The journal file alone holds everything once the store is closed, even when another
    /// connection (another process, or one that outlives this one) keeps SQLite from
    /// emptying the log on its own at the last close.
    #[tokio::test]
    async fn closing_leaves_everything_in_the_journal_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        let store = SqliteStore::open(&path).await.unwrap();
        let mut bystander =
            sqlx::SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&path))
                .await
                .unwrap();
        sqlx::query("SELECT count(*) FROM settings")
            .execute(&mut bystander)
            .await
            .unwrap();
        // Past the background checkpoint's first round: the write below is then still only in
        // the log when the store closes (the next round is a second away).
        tokio::time::sleep(Duration::from_millis(200)).await;
        store
            .put_settings(&[("display_name", Some("Noor"))])
            .await
            .unwrap();
        Store::close(&store).await;
        let copy = dir.path().join("copy.sqlite");
        std::fs::copy(&path, &copy).unwrap();
        let mut alone = sqlx::SqliteConnection::connect_with(
            &SqliteConnectOptions::new().filename(&copy).read_only(true),
        )
        .await
        .unwrap();
        let name: Option<String> =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = 'display_name'")
                .fetch_optional(&mut alone)
                .await
                .unwrap();
        assert_eq!(name.as_deref(), Some("Noor"));
        drop(bystander);
    }

    async fn pragma(conn: &mut sqlx::SqliteConnection, name: &str) -> i64 {
        sqlx::query_scalar(&format!("PRAGMA {name}"))
            .fetch_one(conn)
            .await
            .unwrap()
    }

    /// A save after a quiet spell finds its connection open, and no pool asks SQLite a test
    /// question before handing one out (see `pool_options`).
    #[tokio::test]
    async fn every_pool_keeps_its_connections_and_hands_them_out_untested() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .unwrap();
        let pending = store.pending.pool(true).await.unwrap().unwrap().clone();
        for (name, pool) in [
            ("writer", &store.writer),
            ("saver", &store.saver),
            ("settler", &store.settler),
            ("reader", &store.reader),
            ("checkpointer", &store.checkpointer),
            ("pending", &pending),
        ] {
            let options = pool.options();
            assert!(
                !options.get_test_before_acquire(),
                "{name}: no ping before each use"
            );
            assert_eq!(options.get_idle_timeout(), None, "{name}: kept while idle");
            assert_eq!(options.get_max_lifetime(), None, "{name}: kept for good");
        }
    }

    /// What the README rests crash and power-cut safety and erasure on, read back from the
    /// connections themselves: a SIGKILL cannot tell `synchronous=NORMAL` from `FULL`, so
    /// only this test notices if the setting is lost. Contacts are written on four: the
    /// writer, the saves' connection, the one that moves pending contacts in and the pending
    /// file's.
    #[tokio::test]
    async fn every_writing_connection_runs_wal_synchronous_full_and_secure_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .unwrap();
        let pending = store.pending.pool(true).await.unwrap().unwrap().clone();
        // How long each waits for the lock: the writer out an import, a save briefly (then it
        // goes to the pending file), the background move not at all (it tries again).
        for (name, pool, waits) in [
            ("writer", &store.writer, 60_000),
            ("saver", &store.saver, 25),
            ("settler", &store.settler, 0),
            ("pending", &pending, 10_000),
        ] {
            let mut conn = pool.acquire().await.unwrap();
            assert_eq!(pragma(&mut conn, "busy_timeout").await, waits, "{name}");
            assert_eq!(
                pragma(&mut conn, "synchronous").await,
                2,
                "{name}: synchronous=FULL (2), an fsync at every commit"
            );
            let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(journal_mode, "wal", "{name}");
            assert_eq!(
                pragma(&mut conn, "secure_delete").await,
                1,
                "{name}: freed space is overwritten"
            );
            if name != "pending" {
                assert_eq!(pragma(&mut conn, "foreign_keys").await, 1, "{name}");
            }
        }
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
