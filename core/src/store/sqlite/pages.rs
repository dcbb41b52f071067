//! Every contact a page at a time, for exports of any size.

use sqlx::Connection;

use super::rows::ContactRow;
use super::SqliteStore;
use crate::error::Result;
use crate::model::Contact;

/// Contacts per page: a few megabytes, whatever the journal's size.
const PAGE: i64 = 5_000;

/// A contact's row with where it stands in the order of time.
#[derive(sqlx::FromRow)]
struct Keyed {
    key_ms: i64,
    key_row: i64,
    #[sqlx(flatten)]
    row: ContactRow,
}

impl SqliteStore {
    pub(super) async fn pages<F>(&self, each: &mut F) -> Result<u64>
    where
        F: FnMut(&[Contact]) -> Result<()> + Send + ?Sized,
    {
        let mut conn = self.reader.acquire().await?;
        // One read transaction: every page comes from the same snapshot.
        let mut tx = conn.begin().await?;
        let mut after = (i64::MIN, i64::MIN);
        let mut total = 0;
        loop {
            let rows: Vec<Keyed> = sqlx::query_as(
                "SELECT occurred_ms AS key_ms, rowid AS key_row, * FROM contacts \
                 WHERE deleted_at IS NULL AND (occurred_ms, rowid) > (?, ?) \
                 ORDER BY occurred_ms, rowid LIMIT ?",
            )
            .bind(after.0)
            .bind(after.1)
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = (last.key_ms, last.key_row);
            let page = rows
                .into_iter()
                .map(|k| k.row.into_live())
                .collect::<Result<Vec<_>>>()?;
            total += page.len() as u64;
            each(&page)?;
        }
        tx.rollback().await?;
        Ok(total)
    }
}
