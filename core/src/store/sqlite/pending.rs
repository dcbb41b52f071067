//! Saves that never wait behind a long write. An import or a demo of a million contacts holds
//! the journal's write lock for half a minute, in one transaction so that it stays
//! all-or-nothing; a contact saved meanwhile goes into a small SQLite file beside the journal
//! (`<journal>-pending`), made durable the same way (write-ahead log, fsync on commit), and
//! moves into the journal as soon as the lock is free: within a second in a running app, or
//! when the journal is next opened. A save comes here after waiting [`SAVE_WAITS`] for the
//! lock, or at once while this process's own long write (marked with [`Pending::long_write`])
//! holds it. Meanwhile lookups and lists show it; the weekly figures
//! count it once it has moved.
//!
//! A move is one transaction in the journal that also records the contact's id in
//! `pending_moved`; the pending row is removed only after that commit. A crash in between
//! leaves the row to be moved again, and the record makes sure it is not (a contact erased
//! in the meantime must not come back).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};
use sqlx::{QueryBuilder, Sqlite};
use tokio::sync::OnceCell;

use super::bulk::SqliteBulk;
use crate::error::{Error, Result};
use crate::model::Contact;
use crate::store::{BulkWrite, Existing, ListQuery};

/// How long a save waits for the journal's write lock before it goes to the pending file.
/// Commits of single contacts take a few milliseconds, so only a long write (an import, a
/// demo, a restore, a large team pull, an erasure of many contacts) makes a save wait this
/// long; during this process's own import, demo, restore or large pull a save goes to the
/// pending file at once.
pub(super) const SAVE_WAITS: Duration = Duration::from_millis(25);

/// How long a moved contact's id is remembered once its row has left the pending file (while
/// the row is there, however long after a crash, the id is kept).
const MOVED_KEPT: &str = "-1 day";

/// The pending file beside a journal, opened when it first exists.
#[derive(Clone)]
pub(super) struct Pending {
    path: PathBuf,
    pool: Arc<OnceCell<SqlitePool>>,
    /// How many long writes this process runs on the journal: while one does, a save comes
    /// here at once, rather than first wait [`SAVE_WAITS`] for a lock it cannot get.
    long_writes: Arc<AtomicUsize>,
}

/// A long write running on the journal, until dropped (see [`Pending::long_write`]).
pub(super) struct Mark(Arc<AtomicUsize>);

impl Drop for Mark {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Pending {
    pub(super) fn beside(journal: &Path) -> Self {
        let mut path = journal.as_os_str().to_owned();
        path.push("-pending");
        Self {
            path: PathBuf::from(path),
            pool: Arc::new(OnceCell::new()),
            long_writes: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Marks a long write holding the journal's write lock, until the mark is dropped.
    pub(super) fn long_write(&self) -> Mark {
        self.long_writes.fetch_add(1, Ordering::SeqCst);
        Mark(self.long_writes.clone())
    }

    /// Whether this process runs a long write on the journal now.
    pub(super) fn during_long_write(&self) -> bool {
        self.long_writes.load(Ordering::SeqCst) > 0
    }

    /// The file's connection; `None` while there is no file and `create` is off, so that a
    /// journal that never needed one does not get one.
    pub(super) async fn pool(&self, create: bool) -> Result<Option<&SqlitePool>> {
        if self.pool.get().is_none() && !create && !self.path.exists() {
            return Ok(None);
        }
        let pool = self
            .pool
            .get_or_try_init(|| async {
                let pool = super::pool_options()
                    .max_connections(1)
                    .connect_with(
                        SqliteConnectOptions::new()
                            .filename(&self.path)
                            .create_if_missing(true)
                            .journal_mode(SqliteJournalMode::Wal)
                            .synchronous(SqliteSynchronous::Full)
                            // Another process's save or move takes milliseconds.
                            .busy_timeout(Duration::from_secs(10))
                            .pragma("secure_delete", "ON"),
                    )
                    .await?;
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS pending \
                     (id TEXT PRIMARY KEY, contact TEXT NOT NULL) STRICT",
                )
                .execute(&pool)
                .await?;
                Ok::<_, Error>(pool)
            })
            .await?;
        Ok(Some(pool))
    }

    /// Saves a contact durably in the pending file.
    pub(super) async fn add(&self, contact: &Contact) -> Result<()> {
        let pool = self.pool(true).await?.expect("made when missing");
        let json = serde_json::to_string(contact)
            .map_err(|e| Error::Internal(format!("a contact could not be written: {e}")))?;
        match sqlx::query("INSERT INTO pending (id, contact) VALUES (?, ?)")
            .bind(contact.id.to_string())
            .bind(json)
            .execute(pool)
            .await
        {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(Error::Conflict(
                format!("a contact with id {} exists", contact.id),
            )),
            done => done.map(|_| ()).map_err(Error::from),
        }
    }

    /// Whether a contact with this id is pending.
    pub(super) async fn holds(&self, id: &str) -> Result<bool> {
        let Some(pool) = self.pool(false).await? else {
            return Ok(false);
        };
        Ok(
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pending WHERE id = ?)")
                .bind(id)
                .fetch_one(pool)
                .await?,
        )
    }

    /// Every pending contact, in the order they were saved.
    pub(super) async fn contacts(&self) -> Result<Vec<Contact>> {
        let Some(pool) = self.pool(false).await? else {
            return Ok(Vec::new());
        };
        let rows: Vec<String> = sqlx::query_scalar("SELECT contact FROM pending ORDER BY rowid")
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|json| {
                serde_json::from_str(json).map_err(|e| {
                    Error::Internal(format!("a pending contact could not be read: {e}"))
                })
            })
            .collect()
    }

    /// The pending contacts a list asks for, newest first like the list itself.
    pub(super) async fn matching(&self, q: &ListQuery) -> Result<Vec<Contact>> {
        let mut found: Vec<Contact> = self
            .contacts()
            .await?
            .into_iter()
            .filter(|c| q.since.is_none_or(|since| c.local_date >= since))
            .filter(|c| match (&q.member, &q.staff) {
                (Some(member), Some(staff)) => {
                    c.staff_id.as_ref() == Some(member)
                        || (c.staff_id.is_none() && &c.staff == staff)
                }
                (Some(member), None) => c.staff_id.as_ref() == Some(member),
                (None, Some(staff)) => &c.staff == staff,
                (None, None) => true,
            })
            .collect();
        found.sort_by_key(|c| std::cmp::Reverse((c.occurred_at.timestamp_millis(), c.logged_at)));
        Ok(found)
    }

    async fn remove(&self, ids: &[String]) -> Result<()> {
        let Some(pool) = self.pool(false).await? else {
            return Ok(());
        };
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new("DELETE FROM pending WHERE id IN (");
        let mut each = sql.separated(", ");
        for id in ids {
            each.push_bind(id);
        }
        sql.push(")").build().execute(pool).await?;
        // With secure_delete the removed rows are overwritten in the file; emptying the log
        // leaves no older copy of them there either.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await?;
        Ok(())
    }

    pub(super) async fn close(&self) {
        if let Some(pool) = self.pool.get() {
            pool.close().await;
        }
    }

    /// Moves the pending contacts into the journal through `writer`, in one transaction;
    /// returns how many moved, or `None` when the journal stayed locked by another write for
    /// as long as `writer` waits (the next try moves them).
    pub(super) async fn settle(&self, writer: &SqlitePool) -> Result<Option<u64>> {
        if self.contacts().await?.is_empty() {
            return Ok(Some(0));
        }
        let Some(mut tx) = begin(writer).await? else {
            return Ok(None);
        };
        // Read again under the lock: another program may have moved some meanwhile.
        let waiting = self.contacts().await?;
        let ids: Vec<String> = waiting.iter().map(|c| c.id.to_string()).collect();
        let mut moved: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id FROM pending_moved WHERE id IN (");
        let mut each = moved.separated(", ");
        for id in &ids {
            each.push_bind(id);
        }
        moved.push(")");
        let moved: HashSet<String> = moved
            .build_query_scalar()
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
        let fresh: Vec<Contact> = waiting
            .into_iter()
            .filter(|c| !moved.contains(&c.id.to_string()))
            .collect();
        let mut forget: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "DELETE FROM pending_moved WHERE moved_at < datetime('now', '{MOVED_KEPT}') \
             AND id NOT IN ("
        ));
        let mut each = forget.separated(", ");
        for id in &ids {
            each.push_bind(id);
        }
        forget.push(")").build().execute(&mut *tx).await?;
        for c in &fresh {
            sqlx::query("INSERT INTO pending_moved (id, moved_at) VALUES (?, datetime('now'))")
                .bind(c.id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        let mut bulk = Box::new(SqliteBulk::new(tx, Existing::Skip));
        let written = bulk.write(&fresh).await?;
        bulk.commit().await?;
        if !ids.is_empty() {
            self.remove(&ids).await?;
        }
        Ok(Some(written))
    }
}

/// A write transaction on `writer`, or `None` when the journal stays locked by another write
/// for longer than the connection waits (the saves' connection waits [`SAVE_WAITS`]).
pub(super) async fn begin(
    writer: &SqlitePool,
) -> Result<Option<sqlx::Transaction<'static, Sqlite>>> {
    match writer.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => Ok(Some(tx)),
        Err(sqlx::Error::PoolTimedOut) => Ok(None),
        Err(sqlx::Error::Database(e)) if is_busy(e.code().as_deref()) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// SQLITE_BUSY and its extended codes (the low byte is the primary code).
fn is_busy(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| c & 0xff == 5)
}
