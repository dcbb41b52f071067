//! The storage story: what every backend must do, told once and run on each backend here.

use contactmoment_core::{
    validate, Channel, ContactInput, Error, Existing, ListQuery, SettingsInput, SqliteStore, Store,
    ValidationKind,
};

use crate::support::{rated, sqlite_at, Fixture};

const NOW: &str = "2026-11-22T10:00:00+01:00";

async fn story(f: &Fixture) {
    let j = &f.journal;

    // A full contact round-trips field by field.
    let input = ContactInput {
        channel: Some("chat".into()),
        topic: Some("factuur".into()),
        customer_ref: Some("K-1042".into()),
        note: Some("Wanted the due date moved.\nDone.".into()),
        follow_up: true,
        ..rated(5, 3, "2026-11-20T16:30:00+01:00")
    };
    let saved = j.log(&input).await.unwrap();
    let listed = j.list(&ListQuery::default()).await.unwrap();
    assert_eq!(listed, vec![saved.clone()]);
    assert_eq!(saved.staff, "Anna");
    assert_eq!(saved.channel, Channel::Chat);
    assert_eq!(saved.occurred_at.to_rfc3339(), "2026-11-20T16:30:00+01:00");
    assert_eq!(saved.local_date.to_string(), "2026-11-20");
    assert_eq!(saved.iso_week, "2026-W47");

    // Newest first, by the moment the contact took place.
    let older = j
        .log(&rated(2, 2, "2026-11-19T09:00:00+01:00"))
        .await
        .unwrap();
    let newest = j
        .log(&rated(4, 4, "2026-11-21T09:00:00+01:00"))
        .await
        .unwrap();
    let ids: Vec<_> = j
        .list(&ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![newest.id, saved.id, older.id]);
    let since = ListQuery {
        since: Some("2026-11-20".parse().unwrap()),
        ..ListQuery::default()
    };
    assert_eq!(j.list(&since).await.unwrap().len(), 2);
    assert_eq!(j.recent(1).await.unwrap()[0].id, newest.id);

    // An edit keeps the id and the logging time.
    let edited = j
        .update(
            &saved.id.to_string(),
            &ContactInput {
                note: None,
                ..rated(5, 5, "2026-11-20T16:30")
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.id, saved.id);
    assert_eq!(edited.logged_at, saved.logged_at);
    assert_eq!(edited.emotional, 5);
    assert_eq!(edited.note, None);
    assert_eq!(j.get(&saved.id.to_string()).await.unwrap(), edited);

    // Delete is soft and undoable.
    j.delete(&older.id.to_string()).await.unwrap();
    assert_eq!(j.list(&ListQuery::default()).await.unwrap().len(), 2);
    assert!(matches!(
        j.get(&older.id.to_string()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        j.update(&older.id.to_string(), &rated(1, 1, NOW)).await,
        Err(Error::NotFound(_))
    ));
    let back = j.undelete(&older.id.to_string()).await.unwrap();
    assert_eq!(back, older);
    assert_eq!(j.list(&ListQuery::default()).await.unwrap().len(), 3);

    // The same id twice is a conflict and leaves the first contact as it was.
    let dup = ContactInput {
        id: Some(newest.id.to_string()),
        ..rated(1, 1, NOW)
    };
    assert!(matches!(j.log(&dup).await, Err(Error::Conflict(_))));
    assert_eq!(j.get(&newest.id.to_string()).await.unwrap(), newest);

    // Bulk writes: a conflict refuses the whole batch; skipping keeps the stored contact.
    let clock = contactmoment_core::FixedClock::at(NOW);
    let fresh = validate::contact(&rated(3, 3, NOW), Some("Anna"), &clock).unwrap();
    let mut clash = validate::contact(&rated(1, 1, NOW), Some("Anna"), &clock).unwrap();
    clash.id = newest.id;
    let batch = [fresh.clone(), clash];
    assert!(matches!(
        f.store.insert_many(&batch, Existing::Fail).await,
        Err(Error::Conflict(_))
    ));
    assert!(
        j.get(&fresh.id.to_string()).await.is_err(),
        "nothing of a refused batch is written"
    );
    assert_eq!(
        f.store.insert_many(&batch, Existing::Skip).await.unwrap(),
        1
    );
    assert_eq!(
        f.store.insert_many(&batch, Existing::Skip).await.unwrap(),
        0
    );
    assert_eq!(j.get(&newest.id.to_string()).await.unwrap(), newest);
    j.delete(&fresh.id.to_string()).await.unwrap();

    // Invalid input writes nothing.
    let before = j.list(&ListQuery::default()).await.unwrap();
    for bad in [
        rated(7, 3, NOW),
        rated(3, 0, NOW),
        ContactInput {
            note: Some("x".repeat(2001)),
            ..rated(3, 3, NOW)
        },
    ] {
        assert!(matches!(j.log(&bad).await, Err(Error::Validation { .. })));
    }
    let bad_edit = j.update(&saved.id.to_string(), &rated(9, 3, NOW)).await;
    assert!(matches!(
        bad_edit,
        Err(Error::Validation {
            kind: ValidationKind::OutOfRange,
            ..
        })
    ));
    assert_eq!(j.list(&ListQuery::default()).await.unwrap(), before);

    // Settings round-trip; a bad one is refused and the old one stays.
    let mine_before = j.recent(100).await.unwrap();
    assert!(!mine_before.is_empty());
    let s = j
        .save_settings(&SettingsInput {
            display_name: " Bram ".into(),
            language: Some("nl".into()),
            ..SettingsInput::default()
        })
        .await
        .unwrap();
    assert_eq!(s.display_name, "Bram");
    assert_eq!(j.settings().await.unwrap(), s);
    assert!(j
        .save_settings(&SettingsInput {
            display_name: "".into(),
            language: None,
            ..SettingsInput::default()
        })
        .await
        .is_err());
    assert!(j
        .save_settings(&SettingsInput {
            display_name: "C".into(),
            language: Some("fr".into()),
            ..SettingsInput::default()
        })
        .await
        .is_err());
    assert_eq!(j.settings().await.unwrap(), s);
    // A rename is the same person: the contacts logged as Anna are still theirs.
    assert_eq!(j.recent(100).await.unwrap(), mine_before);
    assert!(mine_before.iter().all(|c| c.staff == "Anna"));
}

#[tokio::test]
async fn sqlite_story() {
    let f = sqlite_at(NOW).await;
    story(&f).await;
}

#[tokio::test]
async fn sqlite_keeps_contacts_across_reopen() {
    let f = sqlite_at(NOW).await;
    let saved = f.journal.log(&rated(4, 5, NOW)).await.unwrap();
    f.store.close().await;
    let reopened = SqliteStore::open(&f.dir.path().join("j.sqlite"))
        .await
        .unwrap();
    let rows = reopened.list(&ListQuery::default()).await.unwrap();
    assert_eq!(rows, vec![saved]);
}

#[tokio::test]
async fn sqlite_file_is_durable_by_configuration() {
    let f = sqlite_at(NOW).await;
    f.store.close().await;
    let path = f.dir.path().join("j.sqlite");
    // Inspect the file with a plain connection: WAL is a property of the file.
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        tables,
        vec![
            "contacts",
            "customer_order_paused",
            "outbox",
            "pending_moved",
            "settings",
            "sqlite_sequence",
            "sync_applying",
            "team_link",
            "week_answer_rollup",
            "week_customer_rollup",
            "week_notes",
            "week_rollup",
            "week_staff_answer_rollup",
            "week_staff_rollup",
            "week_team_answer_rollup",
            "week_team_rollup",
            "week_topic_answer_rollup",
            "week_topic_rollup"
        ]
    );
}

/// The indexes of the contacts table as (name, definition), read from the file itself.
async fn contact_indexes(path: &std::path::Path) -> Vec<(String, String)> {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query_as(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

/// A write expected to at least double the journal drops the secondary indexes and builds
/// them again at commit; a write that is given up leaves them, and the rows, as they were.
#[tokio::test]
async fn a_large_bulk_write_builds_its_indexes_again() {
    let f = sqlite_at(NOW).await;
    let path = f.dir.path().join("j.sqlite");
    let before = contact_indexes(&path).await;
    assert!(before.len() >= 5, "{before:?}");
    let clock = contactmoment_core::FixedClock::at(NOW);
    let batch: Vec<_> = (0..3)
        .map(|i| validate::contact(&rated(1 + i, 2, NOW), Some("Anna"), &clock).unwrap())
        .collect();

    let mut given_up = f.store.bulk(Existing::Skip, 100_000).await.unwrap();
    assert_eq!(given_up.write(&batch).await.unwrap(), 3);
    assert!(
        f.journal
            .list(&ListQuery::default())
            .await
            .unwrap()
            .is_empty(),
        "readers do not see an uncommitted write"
    );
    drop(given_up);
    assert!(f
        .journal
        .list(&ListQuery::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(contact_indexes(&path).await, before);

    let mut bulk = f.store.bulk(Existing::Skip, 100_000).await.unwrap();
    assert_eq!(bulk.write(&batch).await.unwrap(), 3);
    bulk.commit().await.unwrap();
    assert_eq!(contact_indexes(&path).await, before);
    assert_eq!(
        f.journal.list(&ListQuery::default()).await.unwrap().len(),
        3
    );
    // The open follow-ups (emotional 2) are read through their index by name.
    let open = contactmoment_core::ContactsQuery {
        open_follow_ups: true,
        ..contactmoment_core::ContactsQuery::default()
    };
    assert_eq!(f.journal.contacts(&open).await.unwrap().total, 3);
}

/// An edit that leaves the time empty keeps the contact where it was; only a new time moves it.
#[tokio::test]
async fn an_edit_without_a_time_keeps_the_contacts_time() {
    let f = sqlite_at(NOW).await;
    let saved = f
        .journal
        .log(&rated(4, 4, "2026-11-18T15:30:27+01:00"))
        .await
        .unwrap();
    for empty in [None, Some(String::new()), Some("  ".to_owned())] {
        let edited = f
            .journal
            .update(
                &saved.id.to_string(),
                &ContactInput {
                    occurred_at: empty,
                    ..rated(2, 5, NOW)
                },
            )
            .await
            .unwrap();
        assert_eq!(edited.occurred_at, saved.occurred_at);
        assert_eq!((edited.functional, edited.emotional), (2, 5));
    }
    let moved = f
        .journal
        .update(
            &saved.id.to_string(),
            &rated(2, 5, "2026-11-19T09:00:00+01:00"),
        )
        .await
        .unwrap();
    assert_eq!(moved.occurred_at.to_rfc3339(), "2026-11-19T09:00:00+01:00");
}
