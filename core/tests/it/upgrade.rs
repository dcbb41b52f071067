//! Journals written by earlier versions: a journal at every earlier schema version (built
//! from the project's own migrations) upgrades with every row intact, and a file that is not
//! a sound journal of this or an earlier version is refused by name before anything changes.

use std::path::Path;

use contactmoment_core::{JournalFile, ListQuery, SqliteStore, Store};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

use crate::support::sqlite_at;

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");

/// Every migration file, oldest first.
fn migration_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(MIGRATIONS)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

async fn pool(path: &Path) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true),
        )
        .await
        .unwrap()
}

/// A journal as the version with the first `n` migrations left it, holding `rows` contacts
/// written with the columns every version has.
async fn journal_at(dir: &Path, n: usize, rows: u32) -> std::path::PathBuf {
    let only = dir.join(format!("migrations-{n}"));
    std::fs::create_dir_all(&only).unwrap();
    for file in &migration_files()[..n] {
        std::fs::copy(file, only.join(file.file_name().unwrap())).unwrap();
    }
    let path = dir.join(format!("journal-{n}.sqlite"));
    let db = pool(&path).await;
    Migrator::new(only.as_path())
        .await
        .unwrap()
        .run(&db)
        .await
        .unwrap();
    for k in 0..rows {
        let day = 2 + k % 20;
        sqlx::query(
            "INSERT INTO contacts (id, occurred_at, occurred_ms, local_date, iso_week, logged_at, \
             updated_at, staff, channel, functional, emotional, topic, customer_ref, note, \
             follow_up) VALUES (?, ?, ?, ?, ?, ?, ?, 'Anna', 'chat', ?, ?, 'factuur', 'K-1', ?, 0)",
        )
        .bind(format!("0193a5c2-7f00-7000-8000-{k:012}"))
        .bind(format!("2026-11-{day:02}T10:00:00+01:00"))
        .bind(1_762_074_000_000_i64 + i64::from(k))
        .bind(format!("2026-11-{day:02}"))
        .bind(if day < 9 {
            "2026-W45"
        } else if day < 16 {
            "2026-W46"
        } else {
            "2026-W47"
        })
        .bind("2026-11-22T09:00:00.000Z")
        .bind("2026-11-22T09:00:00.000Z")
        .bind(i64::from(1 + k % 5))
        .bind(i64::from(1 + k / 5 % 5))
        .bind(format!("note {k}"))
        .execute(&db)
        .await
        .unwrap();
    }
    db.close().await;
    path
}

/// A journal from before member ids: the contacts under the chosen display name become the
/// user's own, the rest stay nobody's, and every journal gets one member id.
#[tokio::test]
async fn contacts_under_the_chosen_name_become_the_users_own_on_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let before_members = migration_files()
        .iter()
        .position(|f| f.to_string_lossy().ends_with("_member.sql"))
        .unwrap();
    let path = journal_at(dir.path(), before_members, 20).await;
    let db = pool(&path).await;
    sqlx::query("INSERT INTO settings (key, value) VALUES ('display_name', 'Anna')")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("UPDATE contacts SET staff = 'Bram' WHERE note IN ('note 0', 'note 1')")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let store = SqliteStore::open(&path).await.unwrap();
    let member = store.setting("member_id").await.unwrap().unwrap();
    assert_eq!(member.len(), 32, "{member}");
    let contacts = store.list(&ListQuery::default()).await.unwrap();
    for c in &contacts {
        let want = (c.staff == "Anna").then_some(member.as_str());
        assert_eq!(c.staff_id.as_deref(), want, "{} of {}", c.id, c.staff);
    }
    assert_eq!(contacts.iter().filter(|c| c.staff_id.is_none()).count(), 2);
    store.close().await;
}

#[tokio::test]
async fn a_journal_of_every_earlier_version_upgrades_with_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let all = migration_files().len();
    assert!(all >= 5, "the migrations are found");
    for n in 1..all {
        let path = journal_at(dir.path(), n, 300).await;
        let found = SqliteStore::inspect(&path).await.unwrap();
        assert_eq!(found.contacts, 300, "version {n}");
        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.check().await.unwrap(), ["ok"]);
        let contacts = store.list(&ListQuery::default()).await.unwrap();
        assert_eq!(contacts.len(), 300, "version {n}: every row is there");
        for c in &contacts {
            let k: u32 = c.note.as_deref().unwrap()[5..].parse().unwrap();
            assert_eq!(c.id.to_string(), format!("0193a5c2-7f00-7000-8000-{k:012}"));
            assert_eq!(
                (c.functional, c.emotional),
                (1 + (k % 5) as u8, 1 + (k / 5 % 5) as u8)
            );
            assert_eq!(c.topic.as_deref(), Some("factuur"));
            assert_eq!(c.customer_ref.as_deref(), Some("K-1"));
        }
        store.close().await;
    }
    // From the first version on, every later migration also counts the old contacts into
    // its rollups: the figures of an upgraded journal equal a direct count.
    let fresh = tempfile::tempdir().unwrap();
    let path = journal_at(fresh.path(), 1, 300).await;
    let store = std::sync::Arc::new(SqliteStore::open(&path).await.unwrap());
    let journal = contactmoment_core::Journal::new(
        store,
        std::sync::Arc::new(contactmoment_core::FixedClock::at(
            "2026-11-22T12:00:00+01:00",
        )),
    );
    for topic in [None, Some("factuur".to_owned())] {
        let report = journal
            .weekly(&contactmoment_core::WeeklyQuery {
                from: Some("2026-11-02".parse().unwrap()),
                to: Some("2026-11-22".parse().unwrap()),
                topic,
                ..contactmoment_core::WeeklyQuery::default()
            })
            .await
            .unwrap();
        let n: u32 = report.weeks.iter().map(|w| w.n).sum();
        assert_eq!(n, 300);
    }
    // The customer's history is counted when the upgraded journal first opens: all 300 are
    // K-1's, one after the other, a few days apart; each one after a contact rated 1–3 on
    // solved (k − 1 mod 5 ≤ 2, 180 of the 299) is a repeat contact.
    let p = journal
        .practices(&contactmoment_core::WeeklyQuery {
            from: Some("2026-11-02".parse().unwrap()),
            to: Some("2026-11-22".parse().unwrap()),
            ..contactmoment_core::WeeklyQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((p.repeat.n, p.repeat.share.count), (300, 180));
    assert_eq!(
        (p.level5_customers.n, p.level5_customers.share.count),
        (1, 0)
    );
}

#[tokio::test]
async fn files_that_are_not_sound_journals_are_named_and_refused() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let dir = f.dir.path();

    let newer = dir.join("newer.sqlite");
    f.store.snapshot(&newer).await.unwrap();
    let db = pool(&newer).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (29991231000000, 'from the future', TRUE, x'00', 0)",
    )
    .execute(&db)
    .await
    .unwrap();
    db.close().await;

    let foreign = dir.join("foreign.sqlite");
    let db = pool(&foreign).await;
    sqlx::query("CREATE TABLE recipes (name TEXT)")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;

    let text = dir.join("text.sqlite");
    std::fs::write(&text, "id,occurred_at\n".repeat(400)).unwrap();

    for (file, expected) in [
        (&newer, "was written by a newer version of Contactmoment"),
        (&foreign, "is not a Contactmoment journal"),
        (
            &text,
            "is not a Contactmoment journal (not an SQLite database)",
        ),
    ] {
        let err = SqliteStore::inspect(file).await.unwrap_err().to_string();
        assert!(err.contains(expected), "{}: {err}", file.display());
        assert!(
            err.contains(&file.display().to_string()),
            "names the file: {err}"
        );
        let restore = f
            .store
            .replace_from_backup(file)
            .await
            .unwrap_err()
            .to_string();
        assert!(restore.contains(expected), "{restore}");
    }
}
