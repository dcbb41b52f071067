//! Every contact a page at a time, for exports of any size.

use sqlx::{Connection, QueryBuilder, Sqlite};

use super::counts::{push_staff_channel, push_topic};
use super::rows::{corrupt, ContactRow, CONTACT_OBJECT};
use super::SqliteStore;
use crate::error::Result;
use crate::model::Contact;
use crate::store::StatsFilter;

/// Contacts per page: a few megabytes, whatever the journal's size.
const PAGE: i64 = 5_000;

/// How far a contact's local date can lie from its UTC date: offsets run from −12 to +14
/// hours.
const FURTHEST_OFFSET_MS: i64 = 14 * 3_600_000;

/// A contact's row, as [`CONTACT_OBJECT`], with where it stands in the order of time.
#[derive(sqlx::FromRow)]
struct Keyed {
    key_ms: i64,
    key_row: i64,
    row: String,
}

/// The live contacts `filter` takes. The moments around its days bound the scan of the index
/// by time, which is what the pages are read through.
fn push_matching(sql: &mut QueryBuilder<'_, Sqlite>, filter: Option<&StatsFilter>) {
    sql.push(" WHERE deleted_at IS NULL");
    let Some(f) = filter else { return };
    let midnight = |d: chrono::NaiveDate| {
        d.and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp_millis()
    };
    let after = f.to.succ_opt().map_or(i64::MAX, midnight);
    sql.push(" AND occurred_ms BETWEEN ")
        .push_bind(midnight(f.from).saturating_sub(FURTHEST_OFFSET_MS))
        .push(" AND ")
        .push_bind(after.saturating_add(FURTHEST_OFFSET_MS))
        .push(" AND local_date BETWEEN ")
        .push_bind(f.from.to_string())
        .push(" AND ")
        .push_bind(f.to.to_string());
    push_topic(sql, f);
    push_staff_channel(sql, f);
}

impl SqliteStore {
    pub(super) async fn pages<F>(&self, filter: Option<&StatsFilter>, each: &mut F) -> Result<u64>
    where
        F: FnMut(&[Contact], u64) -> Result<bool> + Send + ?Sized,
    {
        let mut conn = self.reader.acquire().await?;
        // One read transaction: the count and every page come from the same snapshot.
        let mut tx = conn.begin().await?;
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM contacts");
        push_matching(&mut count, filter);
        let all: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
        let all = u64::try_from(all).unwrap_or(0);
        let mut after = (i64::MIN, i64::MIN);
        let mut total = 0;
        // Named, so that every page continues along the index by time where the last one
        // stopped; an index by day would sort the whole range again for each page.
        let select = format!(
            "SELECT occurred_ms AS key_ms, rowid AS key_row, {} AS row \
             FROM contacts INDEXED BY contacts_by_time",
            *CONTACT_OBJECT
        );
        loop {
            let mut page = QueryBuilder::new(&select);
            push_matching(&mut page, filter);
            page.push(" AND (occurred_ms, rowid) > (")
                .push_bind(after.0)
                .push(", ")
                .push_bind(after.1)
                .push(") ORDER BY occurred_ms, rowid LIMIT ")
                .push_bind(PAGE);
            let rows: Vec<Keyed> = page.build_query_as().fetch_all(&mut *tx).await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = (last.key_ms, last.key_row);
            let page = rows
                .into_iter()
                .map(|k| {
                    serde_json::from_str::<ContactRow>(&k.row)
                        .map_err(|_| corrupt("contact", &k.row))?
                        .into_live()
                })
                .collect::<Result<Vec<_>>>()?;
            total += page.len() as u64;
            if !each(&page, all.max(total))? {
                break;
            }
        }
        tx.rollback().await?;
        Ok(total)
    }
}
