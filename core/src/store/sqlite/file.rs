//! The journal as a file on this desktop: what only an SQLite journal has (its own integrity
//! check, consistent snapshots, replacing it whole from a backup). A team's server keeps its
//! data in PostgreSQL, which has its own tools for all three, so these are not part of
//! [`Store`](super::super::Store).

use std::path::Path;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Connection;

use super::counts::{count_columns, ROLLUPS};
use super::{SqliteStore, MIGRATOR};
use crate::error::{Error, FileProblem, Result};
use crate::store::Store;

/// What [`SqliteStore::inspect`] found in a journal file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileCheck {
    /// The newest migration applied.
    pub schema_version: i64,
    pub contacts: u64,
}

impl SqliteStore {
    /// Reads a journal file without changing it, and refuses one that is not a journal, is
    /// damaged, or was written by a newer version: each with a message that says so.
    pub async fn inspect(path: &Path) -> Result<FileCheck> {
        Self::examine(path, true).await
    }

    /// What can be told without reading the whole file: that it is a journal of this or an
    /// earlier version. Start-up asks only this, so that the window opens at once on any size
    /// of journal; the whole-file check ([`SqliteStore::quick_check`]) follows in the background.
    pub async fn recognise(path: &Path) -> Result<()> {
        Self::examine(path, false).await.map(|_| ())
    }

    /// The engine's quick check of every page of the open journal: `["ok"]` or each problem.
    pub async fn quick_check(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("PRAGMA quick_check")
            .fetch_all(&self.reader)
            .await?)
    }

    async fn examine(path: &Path, whole: bool) -> Result<FileCheck> {
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
            // The first read of the file tells an SQLite database from anything else.
            let first_read = |e: sqlx::Error| match e.as_database_error().and_then(|d| d.code()) {
                Some(code) if code == "26" => unusable(
                    FileProblem::NotJournal,
                    "is not a Contactmoment journal (not an SQLite database)".into(),
                ),
                _ => damaged(format!("is damaged ({e})")),
            };
            let check: Vec<String> = if whole {
                sqlx::query_scalar("PRAGMA quick_check")
                    .fetch_all(&mut conn)
                    .await
                    .map_err(first_read)?
            } else {
                sqlx::query("PRAGMA schema_version")
                    .execute(&mut conn)
                    .await
                    .map_err(first_read)?;
                vec!["ok".into()]
            };
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
            let contacts: i64 = if whole {
                sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
                    .fetch_one(&mut conn)
                    .await
                    .map_err(not_journal)?
            } else {
                0
            };
            Ok(FileCheck {
                schema_version: version,
                contacts: u64::try_from(contacts).unwrap_or(0),
            })
        }
        .await;
        let _ = conn.close().await;
        result
    }
}

/// The operations on the journal file itself.
#[async_trait]
pub trait JournalFile: Send + Sync {
    /// The storage engine's own consistency check: `["ok"]`, or each problem it found.
    async fn check(&self) -> Result<Vec<String>>;

    /// Writes a consistent snapshot of the whole journal into the new file `dest`, while
    /// others go on reading and writing.
    async fn snapshot(&self, dest: &Path) -> Result<()>;

    /// Replaces the whole journal with the backup in `file`, after checking that the file is
    /// a sound journal of this or an earlier version; all at once or, on any error, not at
    /// all. Returns how many contacts the journal now holds.
    async fn replace_from_backup(&self, file: &Path) -> Result<u64>;
}

#[async_trait]
impl JournalFile for SqliteStore {
    async fn check(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.reader)
            .await?)
    }

    async fn snapshot(&self, dest: &Path) -> Result<()> {
        sqlx::query("VACUUM INTO ?")
            .bind(dest.to_string_lossy().into_owned())
            .execute(&self.reader)
            .await?;
        Ok(())
    }

    async fn replace_from_backup(&self, file: &Path) -> Result<u64> {
        SqliteStore::inspect(file).await?;
        // Pending contacts move in first, so that the copy of the journal kept before a
        // restore holds them.
        self.settle_first().await?;
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
            let replaced = replace_from_incoming(&mut conn, self).await;
            sqlx::query("DETACH DATABASE incoming")
                .execute(&mut *conn)
                .await?;
            replaced
        }
        .await;
        let _ = std::fs::remove_file(&copy);
        result
    }
}

/// Replaces every contact and setting with those of the attached database `incoming` (at
/// this schema version) and counts the rollups afresh, in one transaction.
async fn replace_from_incoming(
    conn: &mut sqlx::SqliteConnection,
    store: &SqliteStore,
) -> Result<u64> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    // A long write from the moment it holds the lock, as a bulk write is: saves meanwhile go
    // to the pending file at once and move into the restored journal after it.
    let _long_write = store.long_write();
    // The replaced contacts are not changes to share with a team: the desk pulls the team's
    // state again from the start instead, and changes not yet pushed are dropped with the
    // journal they belonged to (sending them now would revert the team's newer versions).
    sqlx::query("INSERT INTO sync_applying (one) VALUES (1)")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE team_link SET cursor = 0")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM outbox").execute(&mut *tx).await?;
    // The customers' figures are recounted once at the end rather than contact by contact;
    // the rollups are emptied after the contacts, whose triggers would count them down.
    super::customers::pause(&mut tx).await?;
    for table in [
        "contacts",
        "settings",
        "week_rollup",
        "week_team_rollup",
        "week_staff_rollup",
        "week_topic_rollup",
        "week_answer_rollup",
        "week_team_answer_rollup",
        "week_staff_answer_rollup",
        "week_topic_answer_rollup",
    ] {
        sqlx::query(&format!("DELETE FROM main.{table}"))
            .execute(&mut *tx)
            .await?;
    }
    // Every stored column (a generated one is SQLite's to fill in).
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('contacts') ORDER BY cid")
            .fetch_all(&mut *tx)
            .await?;
    let columns = columns.join(", ");
    let restored = sqlx::query(&format!(
        "INSERT INTO main.contacts ({columns}) SELECT {columns} FROM incoming.contacts"
    ))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("INSERT INTO main.settings SELECT * FROM incoming.settings")
        .execute(&mut *tx)
        .await?;
    // In a team, this desk's person stays the member the server knows.
    sqlx::query(
        "INSERT OR REPLACE INTO main.settings (key, value) \
         SELECT 'member_id', replace(member_id, '-', '') FROM main.team_link",
    )
    .execute(&mut *tx)
    .await?;
    for (table, key, condition) in ROLLUPS {
        sqlx::query(&format!(
            "INSERT INTO main.{table} SELECT {key}, {} FROM main.contacts \
             WHERE deleted_at IS NULL AND {condition} GROUP BY {key}",
            count_columns()
        ))
        .execute(&mut *tx)
        .await?;
    }
    super::customers::recount(&mut tx).await?;
    sqlx::query("DELETE FROM sync_applying")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(restored)
}
