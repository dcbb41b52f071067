//! The figures each contact takes from its neighbours in its customer's history (whether it
//! is a repeat contact, the week of the customer's next contact and of their next level-5
//! contact), counted for the whole journal at once. Triggers keep them one write at a time;
//! a bulk write that rebuilds the indexes pauses those triggers, since each would look up
//! neighbours in a table without its indexes, and a journal upgraded to them starts paused.
//! Either recounts here, in the same transaction, from passes of window functions over the
//! customers' indexes.

use sqlx::{Sqlite, SqliteConnection};

use crate::error::Result;

/// The indexes the recount reads the customers' histories through.
pub(super) const HISTORY_INDEXES: [&str; 2] =
    ["contacts_customer_order", "contacts_customer_level5"];

/// The order of a customer's history, as the triggers of the migration have it.
const HISTORY: &str = "PARTITION BY customer_ref ORDER BY occurred_ms, logged_at, id";

/// Whether the triggers are paused (a bulk write's transaction, or an upgraded journal).
pub(super) async fn paused(conn: &mut SqliteConnection) -> Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM customer_order_paused)")
            .fetch_one(conn)
            .await?,
    )
}

pub(super) async fn pause(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO customer_order_paused VALUES (1)")
        .execute(conn)
        .await?;
    Ok(())
}

/// Recounts every live contact with a customer reference, rebuilds the customers' rollup and
/// lets the triggers keep them again. The repeat flags are written only where they change,
/// so the answers' rollups (whose triggers are not paused) follow them.
pub(super) async fn recount(conn: &mut SqliteConnection) -> Result<()> {
    let live = "deleted_at IS NULL AND customer_ref IS NOT NULL";
    // The windows come out in the customers' order; sorted back into the table's, the
    // updates read and write each of its pages once instead of at random.
    let steps = [
        format!(
            "UPDATE contacts SET repeat_contact = w.repeat FROM (SELECT rowid AS id, \
             COALESCE(julianday(local_date) - julianday(LAG(local_date) OVER history) \
             <= {days} AND LAG(functional) OVER history < {positive}, 0) AS repeat \
             FROM contacts WHERE {live} WINDOW history AS ({HISTORY}) ORDER BY id) AS w \
             WHERE contacts.rowid = w.id AND contacts.repeat_contact <> w.repeat",
            days = crate::review::REPEAT_DAYS,
            positive = crate::model::POSITIVE_FROM,
        ),
        // The next weeks go into a temporary table in the contacts' order. A join flattened
        // into the update read the contacts in the customers' order, a page at random each
        // (ten million contacts: 97 s, then 32 s). The customers' rollup is counted from
        // the same table instead of two more passes of the windows (a million contacts:
        // 4.6 s for the update and the rollup, now 2.7 s).
        format!(
            "CREATE TEMP TABLE customer_next AS \
             SELECT every.id, every.iso_week, every.next, five.next5, \
                    five.id IS NOT NULL AS level5 FROM \
             (SELECT rowid AS id, iso_week, LEAD(iso_week) OVER history AS next FROM contacts \
              WHERE {live} WINDOW history AS ({HISTORY})) AS every \
             LEFT JOIN (SELECT rowid AS id, LEAD(iso_week) OVER history AS next5 FROM contacts \
              WHERE {live} AND level = 5 WINDOW history AS ({HISTORY})) AS five \
             ON five.id = every.id ORDER BY every.id"
        ),
        "UPDATE contacts SET next_week = w.next, next_level5_week = w.next5 \
         FROM temp.customer_next AS w WHERE contacts.rowid = w.id \
         AND (contacts.next_week IS NOT w.next OR contacts.next_level5_week IS NOT w.next5)"
            .to_owned(),
        "DELETE FROM week_customer_rollup".to_owned(),
        "INSERT INTO week_customer_rollup \
         SELECT iso_week, next, SUM(customers), SUM(level5) FROM (\
         SELECT iso_week, COALESCE(next, '') AS next, 1 AS customers, 0 AS level5 \
         FROM temp.customer_next UNION ALL \
         SELECT iso_week, COALESCE(next5, ''), 0, 1 FROM temp.customer_next WHERE level5) \
         GROUP BY iso_week, next"
            .to_owned(),
        "DROP TABLE temp.customer_next".to_owned(),
        "DELETE FROM customer_order_paused".to_owned(),
    ];
    for step in steps {
        sqlx::query::<Sqlite>(&step).execute(&mut *conn).await?;
    }
    Ok(())
}
