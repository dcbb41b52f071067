//! A save never waits behind a long write: while an import (here a bulk write, or another
//! process's transaction) holds the journal, a new contact is saved at once beside it, shows
//! in lists and lookups, and moves into the journal and its weekly figures afterwards, once.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use contactmoment_core::{
    validate, Contact, ContactInput, Existing, FixedClock, ListQuery, SqliteStore, StatsFilter,
    Store,
};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use crate::support::{rated, sqlite_at};

const NOW: &str = "2026-11-22T10:00:00+01:00";

/// Long enough for any save on a slow machine; a save that waits for the lock holder (which
/// lets go only after this) runs past it.
const PATIENCE: Duration = Duration::from_secs(20);

fn contacts(n: usize, staff: &str) -> Vec<Contact> {
    let clock = FixedClock::at(NOW);
    (0..n)
        .map(|k| {
            let input = ContactInput {
                customer_ref: Some(format!("K-{k}")),
                ..rated(1 + (k % 5) as i32, 5 - (k % 5) as i32, NOW)
            };
            validate::contact(&input, Some(staff), &clock).unwrap()
        })
        .collect()
}

/// Another process's write transaction on the journal at `path`, held until dropped.
async fn lock(path: &Path) -> SqliteConnection {
    let mut other = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    other
}

async fn count(path: &Path, sql: &str) -> i64 {
    let mut conn =
        SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path).read_only(true))
            .await
            .unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
}

/// The week's contacts as the rollups count them.
async fn counted(store: &SqliteStore) -> u32 {
    let week = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let filter = StatsFilter {
        from: week,
        to: week + chrono::Days::new(6),
        staff: Vec::new(),
        channel: None,
        topic: None,
    };
    store
        .week_counts(&filter)
        .await
        .unwrap()
        .iter()
        .map(|w| w.n)
        .sum()
}

#[tokio::test]
async fn a_save_during_a_bulk_write_is_saved_at_once_and_counted_after_it() {
    let f = sqlite_at(NOW).await;
    let earlier = f
        .journal
        .log(&rated(3, 3, "2026-11-22T09:00:00+01:00"))
        .await
        .unwrap();
    let imported = contacts(300, "Bo");
    let mut bulk = f.store.bulk(Existing::Skip, 300).await.unwrap();
    assert_eq!(bulk.write(&imported[..200]).await.unwrap(), 200);

    let saved = tokio::time::timeout(PATIENCE, f.journal.log(&rated(2, 1, NOW)))
        .await
        .expect("the save waited for the bulk write")
        .unwrap();
    // Shown at once where the user looks for it, though the journal is still locked: newest
    // first among the journal's own, and within the list's length.
    assert_eq!(
        f.journal.recent(5).await.unwrap(),
        vec![saved.clone(), earlier.clone()]
    );
    assert_eq!(f.journal.recent(1).await.unwrap(), vec![saved.clone()]);
    assert_eq!(f.journal.get(&saved.id.to_string()).await.unwrap(), saved);
    assert_eq!(
        count(
            &f.dir.path().join("j.sqlite-pending"),
            "SELECT count(*) FROM pending"
        )
        .await,
        1,
        "durable in the pending file"
    );

    assert_eq!(bulk.write(&imported[200..]).await.unwrap(), 100);
    bulk.commit().await.unwrap();

    // The running store moves it in on its own, into the journal and its figures.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while counted(&f.store).await != 302 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the pending contact never moved in: {} counted",
            counted(&f.store).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let journal = f.dir.path().join("j.sqlite");
    assert_eq!(count(&journal, "SELECT count(*) FROM contacts").await, 302);
    assert_eq!(
        count(
            &f.dir.path().join("j.sqlite-pending"),
            "SELECT count(*) FROM pending"
        )
        .await,
        0
    );
    // The import is what it would have been without the save beside it.
    let mut all = f.store.list(&ListQuery::default()).await.unwrap();
    all.retain(|c| c.id != saved.id && c.id != earlier.id);
    let mut expected = imported.clone();
    let key = |c: &Contact| c.id;
    all.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(all, expected);
    assert_eq!(f.journal.get(&saved.id.to_string()).await.unwrap(), saved);
}

#[tokio::test]
async fn a_contact_saved_while_another_process_writes_moves_in_when_the_journal_next_opens() {
    let f = sqlite_at(NOW).await;
    let path = f.dir.path().join("j.sqlite");
    let other = lock(&path).await;
    let saved = tokio::time::timeout(PATIENCE, f.journal.log(&rated(4, 4, NOW)))
        .await
        .expect("the save waited for the other process")
        .unwrap();
    // The store goes before the lock does, as when the CLI's `log` exits during an import.
    f.store.close().await;
    drop(other);
    assert_eq!(count(&path, "SELECT count(*) FROM contacts").await, 0);

    let reopened = SqliteStore::open(&path).await.unwrap();
    assert_eq!(count(&path, "SELECT count(*) FROM contacts").await, 1);
    assert_eq!(
        reopened.list(&ListQuery::default()).await.unwrap(),
        vec![saved.clone()]
    );
    assert_eq!(counted(&reopened).await, 1);
    // Once: a second opening finds nothing more to move.
    reopened.close().await;
    let again = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        again.list(&ListQuery::default()).await.unwrap(),
        vec![saved]
    );
    assert_eq!(counted(&again).await, 1);
}

#[tokio::test]
async fn an_undo_of_a_pending_save_waits_for_the_lock_and_then_applies() {
    let f = sqlite_at(NOW).await;
    let path = f.dir.path().join("j.sqlite");
    let other = lock(&path).await;
    let saved = f.journal.log(&rated(1, 1, NOW)).await.unwrap();
    let id = saved.id.to_string();
    let journal = f.journal.clone();
    let undo = tokio::spawn(async move { journal.delete(&id).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!undo.is_finished(), "a delete does not bypass the lock");
    drop(other);
    tokio::time::timeout(PATIENCE, undo)
        .await
        .expect("the delete never ran")
        .unwrap()
        .unwrap();
    assert!(f.journal.recent(5).await.unwrap().is_empty());
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM contacts WHERE deleted_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(counted(&f.store).await, 0);
}

#[tokio::test]
async fn a_contact_moved_and_then_erased_does_not_come_back_from_the_pending_file() {
    let f = sqlite_at(NOW).await;
    let path = f.dir.path().join("j.sqlite");
    let pending = f.dir.path().join("j.sqlite-pending");
    let other = lock(&path).await;
    let saved = f
        .journal
        .log(&ContactInput {
            customer_ref: Some("KLANT-1".into()),
            ..rated(2, 2, NOW)
        })
        .await
        .unwrap();
    let row: (String, String) = {
        let mut conn =
            SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&pending))
                .await
                .unwrap();
        sqlx::query_as("SELECT id, contact FROM pending")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    f.store.close().await;
    drop(other);
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        store.list(&ListQuery::default()).await.unwrap(),
        vec![saved]
    );
    assert_eq!(store.erase_customer("KLANT-1").await.unwrap(), 1);
    store.close().await;
    // The row as a crash between a move's commit and its removal leaves it.
    {
        let mut conn =
            SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&pending))
                .await
                .unwrap();
        sqlx::query("INSERT INTO pending (id, contact) VALUES (?, ?)")
            .bind(&row.0)
            .bind(&row.1)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let store = SqliteStore::open(&path).await.unwrap();
    assert!(store.list(&ListQuery::default()).await.unwrap().is_empty());
    assert_eq!(count(&path, "SELECT count(*) FROM contacts").await, 0);
    assert_eq!(count(&pending, "SELECT count(*) FROM pending").await, 0);
    assert_eq!(counted(&store).await, 0);
}

#[tokio::test]
async fn a_pending_contact_keeps_its_id_to_itself() {
    let f = sqlite_at(NOW).await;
    let path = f.dir.path().join("j.sqlite");
    let stored = f.journal.log(&rated(3, 3, NOW)).await.unwrap();
    let other = lock(&path).await;
    // The same id again, once against the journal and once against the pending file.
    let mut twin = contacts(1, "Bo").remove(0);
    twin.id = stored.id;
    assert!(matches!(
        f.store.insert(&twin).await,
        Err(contactmoment_core::Error::Conflict(_))
    ));
    let fresh = contacts(1, "Bo").remove(0);
    f.store.insert(&fresh).await.unwrap();
    assert!(matches!(
        f.store.insert(&fresh).await,
        Err(contactmoment_core::Error::Conflict(_))
    ));
    // A retry once the lock is free, before the contact has moved in.
    drop(other);
    assert!(matches!(
        f.store.insert(&fresh).await,
        Err(contactmoment_core::Error::Conflict(_))
    ));
    f.store.close().await;
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.list(&ListQuery::default()).await.unwrap().len(), 2);
    assert_eq!(count(&path, "SELECT count(*) FROM contacts").await, 2);
}

#[tokio::test]
async fn a_damaged_pending_file_keeps_neither_the_journal_shut_nor_itself_lost() {
    let f = sqlite_at(NOW).await;
    let saved = f.journal.log(&rated(5, 5, NOW)).await.unwrap();
    f.store.close().await;
    let pending = f.dir.path().join("j.sqlite-pending");
    let garbage = b"not a database at all".repeat(100);
    std::fs::write(&pending, &garbage).unwrap();
    let store = SqliteStore::open(&f.dir.path().join("j.sqlite"))
        .await
        .unwrap();
    assert_eq!(
        store.list(&ListQuery::default()).await.unwrap(),
        vec![saved]
    );
    store.close().await;
    assert_eq!(std::fs::read(&pending).unwrap(), garbage, "left as it was");
}
