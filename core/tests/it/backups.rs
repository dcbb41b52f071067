//! The app's daily backup: at most one a day, a sound journal, the newest `keep` kept.

use contactmoment_core::{backup, SqliteStore, Store};

use crate::support::{log_all, rated, sqlite_at};

#[tokio::test]
async fn one_backup_a_day_and_only_the_newest_are_kept() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    log_all(&f.journal, &[rated(4, 2, "2026-11-20T10:00:00+01:00")]).await;
    let journal = f.dir.path().join("j.sqlite");
    let day = |d: u32| {
        chrono::DateTime::parse_from_rfc3339(&format!("2026-10-{d:02}T08:30:00+02:00")).unwrap()
    };
    let first = backup::daily(f.store.as_ref(), &journal, day(1), 3)
        .await
        .unwrap()
        .expect("the first start of a day makes one");
    assert_eq!(first.parent().unwrap(), f.dir.path().join("backups"));
    assert!(backup::daily(f.store.as_ref(), &journal, day(1), 3)
        .await
        .unwrap()
        .is_none());
    for d in 2..=6 {
        backup::daily(f.store.as_ref(), &journal, day(d), 3)
            .await
            .unwrap();
    }
    let kept = backup::list(&journal).unwrap();
    let names: Vec<String> = kept
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "j-2026-10-04T083000.sqlite",
            "j-2026-10-05T083000.sqlite",
            "j-2026-10-06T083000.sqlite"
        ]
    );
    let newest = SqliteStore::inspect(&kept[2]).await.unwrap();
    assert_eq!(newest.contacts, 1);
    assert!(!f
        .dir
        .path()
        .join("backups")
        .join("j-2026-10-06T083000.partial")
        .exists());
    f.store.close().await;
}
