//! The desk's side of team sync in the journal file: its membership, the outbox the triggers
//! fill, and applying what a pull brought, all in SQLite transactions of their own.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::{FromRow, QueryBuilder, Sqlite};
use uuid::Uuid;

use super::bulk::SqliteBulk;
use super::rows::{
    bind_mutable, corrupt, rfc3339_utc, ContactRow, MUTABLE_COLUMNS, MUTABLE_PLACEHOLDERS,
};
use super::SqliteStore;
use crate::error::{Error, ErrorCode, Result};
use crate::model::Contact;
use crate::store::{BulkWrite, Existing};
use crate::team::wire::{Change, Member, Op, Role};
use crate::team::{Link, TEAM_SETTINGS};

/// How many outbox entries one push carries at most.
pub const PUSH_MAX: u32 = 500;

/// Outbox entries read for a push, and the newest one among them.
pub struct Pending {
    pub ops: Vec<Op>,
    /// Acknowledging up to here removes exactly what was sent.
    pub up_to: i64,
}

#[derive(FromRow)]
struct LinkRow {
    server: String,
    ca_pem: Option<String>,
    insecure_http: i64,
    token: String,
    device_id: String,
    member_id: String,
    member_name: String,
    role: String,
    team_id: String,
    team_name: String,
    cursor: i64,
    last_synced_at: Option<String>,
    last_error: Option<String>,
    last_error_code: Option<String>,
    pseudonym_key: String,
}

fn uuid(what: &str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| corrupt(what, s))
}

fn stamp(what: &str, s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt(what, s))
}

impl LinkRow {
    fn into_link(self) -> Result<Link> {
        Ok(Link {
            member: Member {
                member_id: uuid("member_id", &self.member_id)?,
                name: self.member_name,
                role: Role::parse(&self.role).ok_or_else(|| corrupt("role", &self.role))?,
                team_id: uuid("team_id", &self.team_id)?,
                team_name: self.team_name,
            },
            server: self.server,
            ca_pem: self.ca_pem,
            insecure_http: self.insecure_http != 0,
            token: self.token,
            device_id: uuid("device_id", &self.device_id)?,
            cursor: self.cursor,
            last_synced_at: self
                .last_synced_at
                .as_deref()
                .map(|s| stamp("last_synced_at", s))
                .transpose()?,
            last_error: self.last_error,
            last_error_code: self.last_error_code.as_deref().and_then(ErrorCode::parse),
            pseudonym_key: self.pseudonym_key,
        })
    }
}

impl SqliteStore {
    /// This desk's team membership, when it joined one.
    pub async fn team_link(&self) -> Result<Option<Link>> {
        sqlx::query_as::<_, LinkRow>("SELECT * FROM team_link")
            .fetch_optional(&self.reader)
            .await?
            .map(LinkRow::into_link)
            .transpose()
    }

    /// Records a membership and makes the contacts of this desk's person (`own_member`, the
    /// journal's member id so far) the member's: they take the server's member id, and every
    /// contact of theirs goes into the outbox, so the team gets their history.
    pub async fn join_team(&self, link: &Link, own_member: &str) -> Result<u64> {
        // Pending contacts move in first, so that they take the member id too.
        self.settle_first().await?;
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        if sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM team_link")
            .fetch_one(&mut *tx)
            .await?
            > 0
        {
            return Err(Error::Conflict(
                "this journal is in a team already; leave it first".into(),
            ));
        }
        let m = &link.member;
        sqlx::query(
            "INSERT INTO team_link (one, server, ca_pem, insecure_http, token, device_id, \
             member_id, member_name, role, team_id, team_name, pseudonym_key) \
             VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&link.server)
        .bind(&link.ca_pem)
        .bind(i64::from(link.insecure_http))
        .bind(&link.token)
        .bind(link.device_id.to_string())
        .bind(m.member_id.to_string())
        .bind(&m.name)
        .bind(m.role.as_str())
        .bind(m.team_id.to_string())
        .bind(&m.team_name)
        .bind(&link.pseudonym_key)
        .execute(&mut *tx)
        .await?;
        let member = m.member_id.simple().to_string();
        sqlx::query("INSERT OR REPLACE INTO settings (key, value) VALUES ('member_id', ?)")
            .bind(&member)
            .execute(&mut *tx)
            .await?;
        // With the link in place, the update trigger puts each of these in the outbox.
        let claimed = sqlx::query("UPDATE contacts SET staff_id = ? WHERE staff_id = ?")
            .bind(&member)
            .bind(own_member)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(claimed)
    }

    /// Ends the membership on this desk: the link and anything still waiting to be pushed go.
    /// The contacts stay in the journal.
    pub async fn leave_team(&self) -> Result<u64> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let waiting = sqlx::query("DELETE FROM outbox")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM team_link")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(waiting)
    }

    /// How many contacts wait to be pushed (each counted once, however often it changed).
    pub async fn outbox_len(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT contact_id) FROM outbox")
            .fetch_one(&self.reader)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The oldest outbox entries, at most [`PUSH_MAX`], as operations carrying each contact's
    /// current state. Several changes to one contact travel as its latest state once.
    pub async fn pending(&self) -> Result<Pending> {
        let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
            "SELECT seq, op_id, contact_id, erase, changed_at FROM outbox ORDER BY seq LIMIT ?",
        )
        .bind(i64::from(PUSH_MAX))
        .fetch_all(&self.reader)
        .await?;
        let up_to = rows.last().map_or(0, |r| r.0);
        let mut latest: Vec<(String, String, bool, String)> = Vec::new();
        for (_, op_id, contact_id, erase, changed_at) in rows.into_iter().rev() {
            if latest.iter().any(|l| l.1 == contact_id) {
                continue;
            }
            latest.push((op_id, contact_id, erase != 0, changed_at));
        }
        latest.reverse();
        let mut ops = Vec::with_capacity(latest.len());
        for (op_id, contact_id, erase, changed_at) in latest {
            let row = if erase {
                None
            } else {
                sqlx::query_as::<_, ContactRow>("SELECT * FROM contacts WHERE id = ?")
                    .bind(&contact_id)
                    .fetch_optional(&self.reader)
                    .await?
            };
            // A change to a contact that is gone since (erased later, or replaced by a
            // restore) has nothing to send: its erasure, if any, travels as its own entry.
            if row.is_none() && !erase {
                continue;
            }
            let (contact, deleted_at) = match row {
                Some(row) => {
                    let deleted_at = row
                        .deleted_at
                        .as_deref()
                        .map(|s| stamp("deleted_at", s))
                        .transpose()?;
                    (Some(row.into_contact()?.0), deleted_at)
                }
                None => (None, None),
            };
            ops.push(Op {
                op_id: uuid("op_id", &op_id)?,
                contact_id: uuid("contact_id", &contact_id)?,
                changed_at: stamp("changed_at", &changed_at)?,
                contact,
                deleted_at,
            });
        }
        Ok(Pending { ops, up_to })
    }

    /// Removes the outbox entries up to `up_to`, once the server has them.
    pub async fn acknowledge(&self, up_to: i64) -> Result<()> {
        self.write(sqlx::query("DELETE FROM outbox WHERE seq <= ?").bind(up_to))
            .await?;
        Ok(())
    }

    /// How often a team setting changed here since they were last shared (0: in step).
    pub async fn settings_pending(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT settings_pending FROM team_link")
            .fetch_optional(&self.reader)
            .await?
            .unwrap_or(0))
    }

    /// The team settings were shared as they were when `seen` changes were pending; a change
    /// made meanwhile stays pending.
    pub async fn settings_shared(&self, seen: i64) -> Result<()> {
        self.write(
            sqlx::query("UPDATE team_link SET settings_pending = 0 WHERE settings_pending = ?")
                .bind(seen),
        )
        .await?;
        Ok(())
    }

    /// Notes how the last sync went.
    pub async fn sync_result(&self, at: DateTime<Utc>, error: Option<&Error>) -> Result<()> {
        let query = match error {
            Some(e) => sqlx::query("UPDATE team_link SET last_error = ?, last_error_code = ?")
                .bind(e.to_string())
                .bind(e.code().as_str()),
            None => sqlx::query(
                "UPDATE team_link SET last_error = NULL, last_error_code = NULL, last_synced_at = ?",
            )
            .bind(rfc3339_utc(at)),
        };
        self.write(query).await?;
        Ok(())
    }

    /// Applies one page of a pull and moves the cursor past it, in one transaction.
    pub async fn apply_pulled(
        &self,
        changes: &[Change],
        settings: &[(String, Option<String>)],
        cursor: i64,
    ) -> Result<u64> {
        let mut batch = self.begin_pulled(changes.len() as u64).await?;
        batch.page(changes).await?;
        batch.finish(settings, cursor).await
    }

    /// Starts applying a pull in one transaction that may take many pages: a large first pull
    /// then builds the journal's indexes once instead of updating them page by page (see
    /// [`SqliteStore::begin_bulk`]; `expected` is how many changes may come).
    pub async fn begin_pulled(&self, expected: u64) -> Result<PulledBatch> {
        let mut bulk = self.begin_bulk(Existing::Skip, expected).await?;
        // A large pull is long however few of its changes are contacts: it holds the lock
        // while it waits for the server's pages.
        if expected >= crate::team::sync::LARGE_PULL {
            bulk.long_write.get_or_insert_with(|| self.long_write());
        }
        sqlx::query("INSERT INTO sync_applying (one) VALUES (1)")
            .execute(&mut *bulk.tx)
            .await?;
        Ok(PulledBatch { bulk, applied: 0 })
    }
}

/// Pulled changes being applied in one transaction; nothing of it is visible before
/// [`PulledBatch::finish`], and dropping it undoes it all.
pub struct PulledBatch {
    bulk: SqliteBulk,
    applied: u64,
}

impl PulledBatch {
    /// Applies one page. A contact with changes still waiting in the outbox keeps its local
    /// state: the push that follows lets the server decide, and the next pull brings the
    /// outcome.
    pub async fn page(&mut self, changes: &[Change]) -> Result<()> {
        let bulk = &mut self.bulk;
        let applied = {
            let tx = &mut bulk.tx;
            let ids: Vec<String> = changes.iter().map(|c| c.contact_id.to_string()).collect();
            let waiting =
                existing_ids(tx, "SELECT contact_id FROM outbox", "contact_id", &ids).await?;
            let present = existing_ids(tx, "SELECT id FROM contacts", "id", &ids).await?;
            let mut new: Vec<Contact> = Vec::new();
            let mut new_deleted: Vec<(String, DateTime<Utc>)> = Vec::new();
            let mut applied = 0;
            for (change, id) in changes.iter().zip(&ids) {
                if waiting.contains(id) {
                    continue;
                }
                applied += 1;
                match &change.contact {
                    None => {
                        sqlx::query("DELETE FROM contacts WHERE id = ?")
                            .bind(id)
                            .execute(&mut **tx)
                            .await?;
                    }
                    Some(c) if present.contains(id) => {
                        let sql = format!(
                            "UPDATE contacts SET ({MUTABLE_COLUMNS}, logged_at, staff_id, \
                             follow_up_done_at, follow_up_done_by, deleted_at) = \
                             ({MUTABLE_PLACEHOLDERS}, ?, ?, ?, ?, ?) WHERE id = ?"
                        );
                        bind_mutable(sqlx::query(&sql), c)
                            .bind(rfc3339_utc(c.logged_at))
                            .bind(&c.staff_id)
                            .bind(c.follow_up_done_at.map(rfc3339_utc))
                            .bind(&c.follow_up_done_by)
                            .bind(change.deleted_at.map(rfc3339_utc))
                            .bind(id)
                            .execute(&mut **tx)
                            .await?;
                    }
                    Some(c) => {
                        if let Some(at) = change.deleted_at {
                            new_deleted.push((id.clone(), at));
                        }
                        new.push(c.clone());
                    }
                }
            }
            (applied, new, new_deleted)
        };
        let (applied, new, new_deleted) = applied;
        bulk.write(&new).await?;
        // New contacts go in live and are counted in the rollups now; a deleted one is then
        // marked deleted, which the rollup triggers subtract again.
        bulk.flush().await?;
        let tx = &mut bulk.tx;
        for (id, at) in new_deleted {
            sqlx::query("UPDATE contacts SET deleted_at = ? WHERE id = ?")
                .bind(rfc3339_utc(at))
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        self.applied += applied;
        Ok(())
    }

    /// Takes the team's settings when the pull brought them, moves the cursor and commits;
    /// returns how many changes were applied.
    pub async fn finish(self, settings: &[(String, Option<String>)], cursor: i64) -> Result<u64> {
        let Self { mut bulk, applied } = self;
        let tx = &mut bulk.tx;
        for (key, value) in settings {
            if !TEAM_SETTINGS.contains(&key.as_str()) {
                continue;
            }
            let query = match value {
                Some(v) => {
                    sqlx::query("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)")
                        .bind(key)
                        .bind(v)
                }
                None => sqlx::query("DELETE FROM settings WHERE key = ?").bind(key),
            };
            query.execute(&mut **tx).await?;
        }
        sqlx::query("UPDATE team_link SET cursor = ?")
            .bind(cursor)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM sync_applying")
            .execute(&mut **tx)
            .await?;
        Box::new(bulk).commit().await?;
        Ok(applied)
    }
}

/// Which of `ids` a query's column holds, asked in chunks that stay within SQLite's limit of
/// bound values.
async fn existing_ids(
    tx: &mut sqlx::Transaction<'static, Sqlite>,
    select: &str,
    column: &str,
    ids: &[String],
) -> Result<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in ids.chunks(1000) {
        let mut sql: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("{select} WHERE {column} IN ("));
        let mut list = sql.separated(", ");
        for id in chunk {
            list.push_bind(id.clone());
        }
        sql.push(")");
        let rows: Vec<String> = sql.build_query_scalar().fetch_all(&mut **tx).await?;
        found.extend(rows);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn link() -> Link {
        Link {
            server: "https://team.example".into(),
            ca_pem: None,
            insecure_http: false,
            token: "t".into(),
            device_id: Uuid::nil(),
            member: Member {
                member_id: Uuid::nil(),
                name: "Lea".into(),
                role: Role::Lead,
                team_id: Uuid::nil(),
                team_name: "T".into(),
            },
            cursor: 0,
            last_synced_at: None,
            last_error: None,
            last_error_code: None,
            pseudonym_key: "00".repeat(32),
        }
    }

    /// The triggers that mark team settings for sharing name the same keys as
    /// [`TEAM_SETTINGS`]: each of those counts, a personal setting does not.
    #[tokio::test]
    async fn exactly_the_team_settings_are_marked_for_sharing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        store.join_team(&link(), "me").await.expect("join");
        for key in ["display_name", "language", "backups_keep", "member_id"] {
            store.put_settings(&[(key, Some("x"))]).await.expect("put");
        }
        assert_eq!(store.settings_pending().await.expect("pending"), 0);
        for (n, key) in TEAM_SETTINGS.iter().enumerate() {
            store.put_settings(&[(key, Some("7"))]).await.expect("put");
            assert_eq!(
                store.settings_pending().await.expect("pending"),
                n as i64 + 1,
                "{key}"
            );
        }
        // Saving the same value again is no change.
        store
            .put_settings(&[(TEAM_SETTINGS[0], Some("7"))])
            .await
            .expect("put");
        let all = TEAM_SETTINGS.len() as i64;
        assert_eq!(store.settings_pending().await.expect("pending"), all);
        store.settings_shared(all - 1).await.expect("shared");
        assert_eq!(
            store.settings_pending().await.expect("pending"),
            all,
            "a later change stays pending"
        );
        store.settings_shared(all).await.expect("shared");
        assert_eq!(store.settings_pending().await.expect("pending"), 0);
    }

    /// A bulk write that rebuilds the indexes drops the outbox's insert trigger with them and
    /// queues its new contacts itself: each one once, in order, and none of a pull.
    #[tokio::test]
    async fn a_bulk_write_without_its_triggers_still_queues_its_contacts_for_the_team() {
        use crate::clock::FixedClock;
        use crate::model::ContactInput;
        use crate::store::sqlite::BULK_REBUILD_MIN;
        use crate::store::ListQuery;
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        store.join_team(&link(), "me").await.expect("join");
        let clock = FixedClock::at("2026-11-22T12:00:00+01:00");
        let contacts: Vec<Contact> = (0..30)
            .map(|i| {
                let input = ContactInput {
                    functional: Some(4),
                    emotional: Some(5),
                    staff: Some("Lea".into()),
                    occurred_at: Some(format!("2026-11-20T10:{i:02}:00+01:00")),
                    ..ContactInput::default()
                };
                crate::validate::contact(&input, None, &clock).expect("valid")
            })
            .collect();
        let queued = || async {
            sqlx::query_scalar::<_, String>("SELECT contact_id FROM outbox ORDER BY seq")
                .fetch_all(&store.reader)
                .await
                .expect("outbox")
        };
        let schema = || async {
            sqlx::query_as::<_, (String, String)>(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'contacts' ORDER BY name",
            )
            .fetch_all(&store.reader)
            .await
            .expect("schema")
        };
        let before = schema().await;
        let mut bulk = store
            .begin_bulk(Existing::Skip, BULK_REBUILD_MIN)
            .await
            .expect("bulk");
        assert!(bulk.without_triggers(), "the write that drops the triggers");
        // Newest first, so the order written is not the ids' order.
        let mut first: Vec<Contact> = contacts[..10].to_vec();
        first.reverse();
        assert_eq!(bulk.write(&first).await.expect("write"), 10);
        // Present and new ones in one statement: only the new are queued.
        assert_eq!(bulk.write(&contacts[..20]).await.expect("write"), 10);
        Box::new(bulk).commit().await.expect("commit");
        let ids: Vec<String> = first
            .iter()
            .chain(&contacts[10..20])
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(queued().await, ids, "each new contact once, in order");
        assert_eq!(schema().await, before, "every index and trigger is back");
        store.insert(&contacts[29]).await.expect("insert");
        assert_eq!(queued().await.len(), 21, "the trigger queues again");

        // Pulled contacts came from the team: nothing to send back.
        let pulled: Vec<Change> = contacts[20..29]
            .iter()
            .map(|c| Change {
                version: 1,
                contact_id: c.id,
                member_id: Uuid::nil(),
                contact: Some(c.clone()),
                deleted_at: None,
            })
            .collect();
        let mut batch = store.begin_pulled(BULK_REBUILD_MIN).await.expect("pull");
        batch.page(&pulled).await.expect("page");
        batch.finish(&[], 1).await.expect("finish");
        assert_eq!(queued().await.len(), 21, "a pull queues nothing");
        assert_eq!(
            store.list(&ListQuery::default()).await.expect("list").len(),
            30
        );
    }

    /// A large pull holds the lock while it waits for the server's pages, however few of its
    /// changes are contacts: saves meanwhile go to the pending file at once. A small one is
    /// quick, and neither leaves its mark behind.
    #[tokio::test]
    async fn a_large_pull_counts_as_a_long_write_while_it_runs() {
        use crate::team::sync::LARGE_PULL;
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .expect("open");
        let small = store.begin_pulled(LARGE_PULL - 1).await.expect("pull");
        assert!(!store.pending.during_long_write());
        small.finish(&[], 1).await.expect("finish");
        let large = store.begin_pulled(LARGE_PULL).await.expect("pull");
        assert!(store.pending.during_long_write());
        large.finish(&[], 2).await.expect("finish");
        assert!(!store.pending.during_long_write());
        let given_up = store.begin_pulled(LARGE_PULL).await.expect("pull");
        drop(given_up);
        assert!(!store.pending.during_long_write());
    }
}
