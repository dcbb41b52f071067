//! Many new contacts in one transaction, folded into the rollups in memory as they go.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::Sqlite;

use super::counts::{count_columns, flush_rollup, rollup_upsert, Fold, ROLLUPS};
use super::rows::{bind_mutable, insert_sql, rfc3339_utc, ROWS_PER_STATEMENT};
use crate::error::{Error, Result};
use crate::model::{Channel, Contact};
use crate::store::{BulkWrite, Existing, WeekCounts};

/// Below this many rows a bulk write keeps the indexes up to date as it goes.
pub const BULK_REBUILD_MIN: u64 = 100_000;

pub(super) struct SqliteBulk {
    pub(super) tx: sqlx::Transaction<'static, Sqlite>,
    pub(super) existing: Existing,
    /// New contacts counted per week, staff and channel and per week, topic and channel,
    /// written to the rollups at commit.
    pub(super) folds: [Fold; 2],
    /// The indexes dropped for this write, to be built again at commit.
    pub(super) rebuild: Vec<(String, String)>,
}

impl SqliteBulk {
    /// Writes what was folded so far to the rollups, so that statements run later in the
    /// same transaction (which the rollup triggers count) find the new contacts counted.
    pub(super) async fn flush(&mut self) -> Result<()> {
        let folds = std::mem::take(&mut self.folds);
        for ((table, key, _), fold) in ROLLUPS.into_iter().zip(folds) {
            flush_rollup(&mut self.tx, table, key, fold).await?;
        }
        Ok(())
    }
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
                        "INSERT INTO {table} SELECT {key}, {} \
                         FROM contacts WHERE rowid >= ? AND deleted_at IS NULL AND {condition} \
                         GROUP BY {key} {}",
                        count_columns(),
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
        if !rebuild.is_empty() {
            super::customers::recount(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
