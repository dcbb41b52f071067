//! Many new contacts in one transaction, folded into the rollups in memory as they go.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use sqlx::Sqlite;

use super::counts::{
    count_columns, flush_answers, flush_rollup, rederive, rollup_upsert, AnswerFold, Fold,
    ANSWER_ROLLUPS, ROLLUPS,
};
use super::customers;
use super::rows::{bind_mutable, insert_sql, rfc3339_utc, ROWS_PER_STATEMENT};
use super::LongWrite;
use crate::error::{Error, Result};
use crate::model::{Channel, Contact};
use crate::store::{AnswerCounts, BulkWrite, Existing, WeekCounts};

/// Below this many rows a bulk write keeps the indexes up to date as it goes.
pub const BULK_REBUILD_MIN: u64 = 100_000;

/// Counts folded in memory are written to the rollups once they hold this many keys (weeks ×
/// people or topics × channels), so that a write's memory does not grow with the weeks and
/// people it covers: the 10,000,000 contacts of 2,000 staff over five years fold into some
/// 3 million keys per rollup, which held 1.9 GB until the commit. Contacts arrive roughly in
/// time order, so each key is mostly written once.
pub(super) const FLUSH_KEYS: usize = 100_000;

/// The contacts' insert triggers that a bulk write rebuilding the indexes drops with them and
/// makes again before it commits (their cost was 10 of the 16 s a million contacts took to go
/// in). Meanwhile the write does their work: it queues its contacts for the team itself
/// (`outbox_insert`), the customers' recount at its end covers their history and rollup, and
/// their answers are counted in memory with their ratings.
pub(super) const INSERT_TRIGGERS: [&str; 5] = [
    "outbox_insert",
    "contacts_customer_order_insert",
    "contacts_customer_rollup_insert",
    "contacts_answers_insert",
    "contacts_topic_answers_insert",
];

pub(super) struct SqliteBulk {
    pub(super) tx: sqlx::Transaction<'static, Sqlite>,
    pub(super) existing: Existing,
    /// New contacts counted per week, staff and channel and per week, topic and channel,
    /// written to the rollups at commit.
    pub(super) folds: [Fold; 2],
    /// The indexes and triggers dropped for this write (`INDEX "name"` or `TRIGGER "name"`,
    /// and the SQL that makes each again at commit).
    pub(super) rebuild: Vec<(String, String)>,
    /// While the insert triggers are dropped, the new contacts' answers counted per week,
    /// staff and channel and per week, topic and channel.
    pub(super) answers: Option<[AnswerFold; 2]>,
    /// How many folded keys are written out at once ([`FLUSH_KEYS`]).
    pub(super) flush_at: usize,
    /// While a long write runs, sends saves to the pending file and flushes its log, until
    /// the commit.
    pub(super) long_write: Option<LongWrite>,
}

impl SqliteBulk {
    /// A write that keeps the indexes and triggers up to date as it goes, in `tx`.
    pub(super) fn new(tx: sqlx::Transaction<'static, Sqlite>, existing: Existing) -> Self {
        Self {
            tx,
            existing,
            folds: [HashMap::new(), HashMap::new()],
            rebuild: Vec::new(),
            answers: None,
            flush_at: FLUSH_KEYS,
            long_write: None,
        }
    }

    /// How many keys the folds hold.
    fn folded(&self) -> usize {
        let answers = self
            .answers
            .iter()
            .flatten()
            .map(HashMap::len)
            .sum::<usize>();
        self.folds.iter().map(HashMap::len).sum::<usize>() + answers
    }

    /// Writes what was folded so far to the rollups, so that statements run later in the
    /// same transaction (which the rollup triggers count) find the new contacts counted.
    pub(super) async fn flush(&mut self) -> Result<()> {
        let folds = std::mem::take(&mut self.folds);
        for ((table, key, _), fold) in ROLLUPS.into_iter().zip(folds) {
            flush_rollup(&mut self.tx, table, key, fold).await?;
        }
        if let Some(answers) = &mut self.answers {
            for ((table, key), fold) in ANSWER_ROLLUPS.into_iter().zip(std::mem::take(answers)) {
                flush_answers(&mut self.tx, table, key, fold).await?;
            }
        }
        Ok(())
    }

    /// Whether this write dropped the contacts' insert triggers (and does their work).
    pub(super) fn without_triggers(&self) -> bool {
        self.answers.is_some()
    }

    /// Counts the answers of contacts just written, when the triggers that would are dropped.
    fn fold_answers<'c>(&mut self, written: impl Iterator<Item = &'c Contact>) {
        let Some([by_staff, by_topic]) = &mut self.answers else {
            return;
        };
        for c in written {
            let Some(k) = AnswerCounts::of(c) else {
                continue;
            };
            by_staff
                .entry((c.iso_week.clone(), c.staff.clone(), c.channel))
                .or_default()
                .add(&k);
            if let Some(topic) = &c.topic {
                by_topic
                    .entry((c.iso_week.clone(), topic.clone(), c.channel))
                    .or_default()
                    .add(&k);
            }
        }
    }
}

#[async_trait]
impl BulkWrite for SqliteBulk {
    async fn write(&mut self, contacts: &[Contact]) -> Result<u64> {
        let mut inserted = 0;
        // New contacts are counted into the weekly rollup in the same transaction: in memory
        // when a whole statement went in, which is the common case.
        let mut by_staff: HashMap<(&str, &str, Channel), WeekCounts> = HashMap::new();
        let mut by_topic: HashMap<(&str, &str, Channel), WeekCounts> = HashMap::new();
        for chunk in contacts.chunks(ROWS_PER_STATEMENT) {
            // With one writer at a time, the rows a statement adds are those past the end.
            let first_rowid: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) + 1 FROM contacts")
                    .fetch_one(&mut *self.tx)
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
            let added = match query.execute(&mut *self.tx).await {
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
            if added > 0 && self.without_triggers() {
                // What the dropped outbox_insert would have queued, in the same order.
                sqlx::query(
                    "INSERT INTO outbox (op_id, contact_id, erase, changed_at) \
                     SELECT lower(hex(randomblob(16))), id, 0, \
                            strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
                     FROM contacts WHERE rowid >= ? AND EXISTS (SELECT 1 FROM team_link) \
                     AND NOT EXISTS (SELECT 1 FROM sync_applying) ORDER BY rowid",
                )
                .bind(first_rowid)
                .execute(&mut *self.tx)
                .await?;
            }
            if added == chunk.len() as u64 {
                self.fold_answers(chunk.iter());
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
                if self.without_triggers() {
                    let mut new: HashSet<String> =
                        sqlx::query_scalar("SELECT id FROM contacts WHERE rowid >= ?")
                            .bind(first_rowid)
                            .fetch_all(&mut *self.tx)
                            .await?
                            .into_iter()
                            .collect();
                    // Once each: of an id twice in the statement, the first went in.
                    self.fold_answers(chunk.iter().filter(|c| new.remove(&c.id.to_string())));
                }
                for (table, key, condition) in ROLLUPS {
                    sqlx::query(&format!(
                        "INSERT INTO {table} SELECT {key}, {} \
                         FROM contacts WHERE rowid >= ? AND deleted_at IS NULL AND {condition} \
                         GROUP BY {key} {}",
                        count_columns(),
                        rollup_upsert(key)
                    ))
                    .bind(first_rowid)
                    .execute(&mut *self.tx)
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
        if self.folded() >= self.flush_at {
            self.flush().await?;
        }
        Ok(inserted)
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush().await?;
        let Self {
            mut tx,
            rebuild,
            long_write,
            ..
        } = *self;
        // The customers' recount reads their histories through two of the indexes and
        // rewrites the contacts whose figures change: with those two built first and the
        // rest after it, no other index is updated row by row (a million contacts: 11–13 s
        // for the recount with every index in place).
        let (history, rest): (Vec<_>, Vec<_>) = rebuild.iter().partition(|(what, _)| {
            customers::HISTORY_INDEXES
                .iter()
                .any(|name| *what == format!("INDEX \"{name}\""))
        });
        for (_, create) in &history {
            sqlx::query(create).execute(&mut *tx).await?;
        }
        if !rebuild.is_empty() {
            customers::recount(&mut tx).await?;
            rederive(&mut tx).await?;
        }
        for (_, create) in &rest {
            sqlx::query(create).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        drop(long_write);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    /// A long write has the disk flushed while it runs, so that a save's fsync meanwhile has
    /// little to wait for; a short one leaves it to its commit. The flushing ends with the
    /// write, committed or given up.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_long_write_has_the_disk_flushed_while_it_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        let short = store
            .begin_bulk(Existing::Skip, BULK_REBUILD_MIN - 1)
            .await
            .expect("bulk");
        assert!(short.long_write.is_none(), "a short write is not flushed");
        drop(short);
        let patience = std::time::Duration::from_secs(10);
        for commit in [true, false] {
            let bulk = store
                .begin_bulk(Existing::Skip, BULK_REBUILD_MIN)
                .await
                .expect("bulk");
            let flusher = bulk
                .long_write
                .as_ref()
                .expect("a long write is flushed")
                .flusher();
            let waited = std::time::Instant::now();
            while flusher.flushed() < 2 {
                assert!(
                    waited.elapsed() < patience,
                    "flushed {} times in 10 s",
                    flusher.flushed()
                );
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            let flusher = flusher.watch();
            if commit {
                Box::new(bulk).commit().await.expect("commit");
            } else {
                drop(bulk);
            }
            let waited = std::time::Instant::now();
            while flusher.upgrade().is_some() {
                assert!(waited.elapsed() < patience, "the flushing went on");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }

    /// During a long write in this process a save goes to the pending file at once, without
    /// asking for the lock it cannot get (here the saves' connection is held, so asking would
    /// wait past the test's patience); after it, a save goes into the journal again.
    #[tokio::test]
    async fn a_save_during_a_long_write_here_goes_to_the_pending_file_without_waiting() {
        use crate::clock::FixedClock;
        use crate::model::ContactInput;
        use crate::store::Store;
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        let clock = FixedClock::at("2026-11-22T12:00:00+01:00");
        let contact = || {
            let input = ContactInput {
                functional: Some(4),
                emotional: Some(5),
                staff: Some("Lea".into()),
                ..ContactInput::default()
            };
            crate::validate::contact(&input, None, &clock).expect("valid")
        };
        let patience = std::time::Duration::from_secs(10);
        let in_journal = |c: &Contact| {
            sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ?)")
                .bind(c.id.to_string())
                .fetch_one(&store.reader)
        };

        let bulk = store
            .begin_bulk(Existing::Skip, BULK_REBUILD_MIN)
            .await
            .expect("bulk");
        let held = store.saver.acquire().await.expect("the saves' connection");
        let during = contact();
        tokio::time::timeout(patience, store.insert(&during))
            .await
            .expect("the save asked for the lock")
            .expect("saved");
        assert!(store
            .pending
            .holds(&during.id.to_string())
            .await
            .expect("pending"));
        drop(held);
        Box::new(bulk).commit().await.expect("commit");

        let after = contact();
        tokio::time::timeout(patience, store.insert(&after))
            .await
            .expect("the save waited")
            .expect("saved");
        assert!(in_journal(&after).await.expect("query"));

        // Only a long write counts, and one given up counts no more.
        let given_up = store
            .begin_bulk(Existing::Skip, BULK_REBUILD_MIN)
            .await
            .expect("bulk");
        assert!(store.pending.during_long_write());
        drop(given_up);
        assert!(!store.pending.during_long_write());
        let short = store
            .begin_bulk(Existing::Skip, BULK_REBUILD_MIN - 1)
            .await
            .expect("bulk");
        assert!(!store.pending.during_long_write());
        drop(short);
    }

    /// Every insert trigger on the contacts is one a bulk write knows how to do without: a
    /// new one must be added to [`INSERT_TRIGGERS`] with what does its work meanwhile.
    #[tokio::test]
    async fn a_rebuilding_bulk_write_knows_every_insert_trigger_it_drops() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        let triggers: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'",
        )
        .fetch_all(&store.reader)
        .await
        .expect("triggers");
        // The event is named in the header, before WHEN or BEGIN.
        let mut found: Vec<String> = triggers
            .into_iter()
            .filter(|(_, sql)| {
                let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                let header = sql.split(" WHEN ").next().unwrap_or_default();
                let header = header.split(" BEGIN").next().unwrap_or_default();
                header.contains(" INSERT ON contacts")
            })
            .map(|(name, _)| name)
            .collect();
        found.sort();
        let mut known = INSERT_TRIGGERS.map(str::to_owned).to_vec();
        known.sort();
        assert_eq!(found, known);
        // The ones dropped for doing nothing while paused are the customers' own.
        let paused: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts' \
             AND sql LIKE '%NOT EXISTS (SELECT 1 FROM customer_order_paused)%' ORDER BY name",
        )
        .fetch_all(&store.reader)
        .await
        .expect("triggers");
        assert_eq!(
            paused,
            [
                "contacts_customer_order_delete",
                "contacts_customer_order_insert",
                "contacts_customer_order_update",
                "contacts_customer_rollup_delete",
                "contacts_customer_rollup_insert",
                "contacts_customer_rollup_update_in",
                "contacts_customer_rollup_update_out",
            ]
        );
    }

    /// What a rebuilding write drops and puts back: the indexes and triggers of the contacts
    /// and of the rollups.
    async fn rebuilt_schema(store: &SqliteStore) -> Vec<(String, String)> {
        sqlx::query_as(
            "SELECT name, sql FROM sqlite_master \
             WHERE tbl_name = 'contacts' OR tbl_name LIKE 'week%rollup' ORDER BY name",
        )
        .fetch_all(&store.reader)
        .await
        .expect("schema")
    }

    /// A rebuilding write's counts, written out while it goes on or held until its commit,
    /// add up to the same rollups as the triggers keep contact by contact (a write too small
    /// to rebuild), on a journal that held contacts before: the ratings, the answers, the
    /// rollups derived from them and the customers' rollup. Its commit puts back every index
    /// and trigger it dropped, so a contact saved after it is counted everywhere too.
    #[tokio::test]
    async fn rollups_of_a_rebuilding_write_equal_those_the_triggers_keep() {
        use crate::clock::FixedClock;
        use crate::model::ContactInput;
        use crate::store::Store;
        let clock = FixedClock::at("2026-11-22T12:00:00+01:00");
        let contacts: Vec<Contact> = (0..90_u32)
            .map(|i| {
                let input = ContactInput {
                    functional: Some(1 + (i % 5) as i32),
                    emotional: Some(1 + (i * 7 % 5) as i32),
                    staff: Some(["Anna", "Bram", "Citlali"][(i % 3) as usize].into()),
                    channel: Some(["phone", "email", "chat"][(i / 3 % 3) as usize].into()),
                    topic: (i % 4 != 0).then(|| ["factuur", "storing"][(i % 2) as usize].into()),
                    customer_ref: (i % 2 == 0).then(|| format!("K-{}", i % 7)),
                    nps: (i % 3 == 0).then_some((i % 11) as i32),
                    level: (i % 5 != 0).then_some(1 + (i % 5) as i32),
                    valued: (i % 2 == 1).then_some(1 + (i * 3 % 5) as i32),
                    // Ten weeks, in time order as a demo or an export has them.
                    occurred_at: Some(format!(
                        "2026-09-{:02}T10:{:02}:00+02:00",
                        1 + i / 3,
                        i % 60
                    )),
                    ..ContactInput::default()
                };
                crate::validate::contact(&input, None, &clock).expect("valid")
            })
            .collect();
        let mut rollups = Vec::new();
        for (flush_at, expected) in [
            (1, BULK_REBUILD_MIN),
            (FLUSH_KEYS, BULK_REBUILD_MIN),
            (FLUSH_KEYS, 1),
        ] {
            let dir = tempfile::tempdir().expect("temp dir");
            let store = SqliteStore::open(&dir.path().join("j.sqlite"))
                .await
                .expect("open");
            let (before, rest) = contacts.split_at(10);
            let (rest, after) = rest.split_at(rest.len() - 1);
            store
                .insert_many(before, Existing::Fail)
                .await
                .expect("insert");
            let schema_before = rebuilt_schema(&store).await;
            let mut bulk = store
                .begin_bulk(Existing::Skip, expected)
                .await
                .expect("bulk");
            assert_eq!(
                bulk.without_triggers(),
                expected >= BULK_REBUILD_MIN,
                "a rebuilding write folds the answers too"
            );
            bulk.flush_at = flush_at;
            for part in rest.chunks(7) {
                bulk.write(part).await.expect("write");
                if flush_at == 1 {
                    assert_eq!(bulk.folded(), 0, "written out after each part");
                }
            }
            Box::new(bulk).commit().await.expect("commit");
            assert_eq!(
                rebuilt_schema(&store).await,
                schema_before,
                "every index and trigger is back"
            );
            store
                .insert_many(after, Existing::Fail)
                .await
                .expect("insert after");
            let mut tables = Vec::new();
            for table in [
                "week_rollup",
                "week_topic_rollup",
                "week_team_rollup",
                "week_staff_rollup",
                "week_answer_rollup",
                "week_topic_answer_rollup",
                "week_team_answer_rollup",
                "week_staff_answer_rollup",
                "week_customer_rollup",
            ] {
                let columns: Vec<(String, String)> =
                    sqlx::query_as("SELECT name, type FROM pragma_table_info(?)")
                        .bind(table)
                        .fetch_all(&store.reader)
                        .await
                        .expect("columns");
                let row = columns
                    .iter()
                    .map(|(c, _)| format!("quote({c})"))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                // A row that counts nothing (a trigger may leave one behind; readers skip it)
                // is no difference.
                let counts_something = columns
                    .iter()
                    .filter(|(_, kind)| kind == "INTEGER")
                    .map(|(c, _)| format!("{c} <> 0"))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                let rows: Vec<String> = sqlx::query_scalar(&format!(
                    "SELECT {row} FROM {table} WHERE {counts_something} ORDER BY 1"
                ))
                .fetch_all(&store.reader)
                .await
                .expect("rows");
                assert!(!rows.is_empty(), "{table} counts something");
                tables.push((table, rows));
            }
            rollups.push(tables);
        }
        assert_eq!(
            rollups[0], rollups[1],
            "flushed along the way or at the commit"
        );
        assert_eq!(rollups[1], rollups[2], "rebuilt or kept by the triggers");
    }

    /// The tables a trigger's body writes: those named after `INTO`, `UPDATE` or `DELETE FROM`,
    /// in any case, quoted or not, with or without a schema.
    fn written_by(trigger: &str, tables: &[String]) -> Vec<String> {
        let words: Vec<String> = trigger
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .skip_while(|w| w != "begin")
            .collect();
        let mut written = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let mut at = match (word.as_str(), words.get(i + 1).map(String::as_str)) {
                ("into", _) => i + 1,
                ("update", Some("or")) => i + 3,
                ("update", _) => i + 1,
                ("delete", Some("from")) => i + 2,
                _ => continue,
            };
            if matches!(words.get(at).map(String::as_str), Some("main" | "temp")) {
                at += 1;
            }
            if let Some(table) = words.get(at).filter(|t| tables.contains(t)) {
                written.push(table.clone());
            }
        }
        written
    }

    /// A rebuilding write drops every trigger on the sources of the derived rollups and makes
    /// those tables again from their sources: each such trigger must keep one of them and
    /// write nowhere else, or its work would be lost; and no other trigger may write them,
    /// or its work would be undone.
    #[tokio::test]
    async fn every_trigger_on_a_rollup_keeps_a_derived_rollup() {
        use super::super::counts::DERIVED_ROLLUPS;
        assert_eq!(
            written_by(
                "CREATE TRIGGER t AFTER UPDATE ON a BEGIN insert into \"main\".b(x) VALUES (1); \
                 UPDATE OR IGNORE c SET x = 1; delete from D; SELECT 1 FROM e; END",
                &["a", "b", "c", "d", "e"].map(String::from)
            ),
            ["b", "c", "d"]
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT lower(name) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&store.reader)
        .await
        .expect("tables");
        let triggers: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT name, lower(tbl_name), sql FROM sqlite_master WHERE type = 'trigger'",
        )
        .fetch_all(&store.reader)
        .await
        .expect("triggers");
        let mut kept = Vec::new();
        for (name, on, sql) in &triggers {
            let written = written_by(sql, &tables);
            let is_source = DERIVED_ROLLUPS.iter().any(|(_, source, _)| source == on);
            assert!(!is_source || !written.is_empty(), "{name} writes a table");
            for table in written {
                let derived = DERIVED_ROLLUPS.iter().find(|(d, _, _)| *d == table);
                match derived {
                    Some((_, source, _)) => assert_eq!(
                        source, on,
                        "{name} on {on} writes {table}, which the commit makes from {source}"
                    ),
                    None => assert!(
                        !is_source,
                        "{name} on {on} writes {table}, which is not derived from {on}"
                    ),
                }
                kept.push(table);
            }
        }
        for (derived, source, _) in DERIVED_ROLLUPS {
            assert!(
                kept.iter().any(|t| t == derived),
                "no trigger on {source} keeps {derived}"
            );
        }
    }

    /// A rebuilding bulk write that ends without its commit (a refused import, a failed
    /// pull) leaves the journal's indexes and triggers as they were: the next save is counted
    /// by them again.
    #[tokio::test]
    async fn a_rebuilding_bulk_write_given_up_leaves_every_index_and_trigger() {
        use crate::clock::FixedClock;
        use crate::model::ContactInput;
        use crate::store::{StatsFilter, Store};
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        let before = rebuilt_schema(&store).await;
        let clock = FixedClock::at("2026-11-22T12:00:00+01:00");
        let contact = |minute: u32| {
            let input = ContactInput {
                functional: Some(4),
                emotional: Some(5),
                staff: Some("Lea".into()),
                level: Some(5),
                occurred_at: Some(format!("2026-11-20T10:{minute:02}:00+01:00")),
                ..ContactInput::default()
            };
            crate::validate::contact(&input, None, &clock).expect("valid")
        };
        let mut bulk = store
            .bulk(Existing::Skip, BULK_REBUILD_MIN)
            .await
            .expect("bulk");
        let written: Vec<Contact> = (0..5).map(contact).collect();
        assert_eq!(bulk.write(&written).await.expect("write"), 5);
        drop(bulk);
        // The writer rolls back before its next use; readers never saw the drops.
        store
            .insert_many(&[contact(30)], Existing::Fail)
            .await
            .expect("insert");
        assert_eq!(rebuilt_schema(&store).await, before);
        let week = "2026-11-16".parse().expect("date");
        let filter = StatsFilter {
            from: week,
            to: "2026-11-22".parse().expect("date"),
            staff: Vec::new(),
            channel: None,
            topic: None,
        };
        let answers = store
            .answer_counts(&filter, None, None)
            .await
            .expect("answers");
        assert_eq!(answers.len(), 1, "one week of answers");
        assert_eq!(
            answers[0].1.levels,
            [0, 0, 0, 0, 1],
            "only the saved contact"
        );
    }
}
