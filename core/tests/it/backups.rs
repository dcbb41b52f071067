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

/// Start-up reads only what tells a journal from any other file, so the window opens at once
/// on any size of journal; damage deeper in the file is found by the check of every page that
/// follows, which names it and lists the backups. Garbage is still refused before opening.
#[tokio::test]
async fn startup_leaves_the_whole_file_to_the_check_after_opening() {
    use contactmoment_core::{demo::DemoSpec, Desk, FileProblem, FixedClock};
    use std::io::{Seek, SeekFrom, Write};
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite");
    let location = path.display().to_string();
    let clock = Arc::new(FixedClock::at("2026-11-22T12:00:00+01:00"));
    let desk = Desk::open(&location, clock.clone()).await.unwrap();
    let spec = DemoSpec {
        contacts: 4000,
        staff: 6,
        weeks: 8,
        seed: 7,
    };
    desk.journal().load_demo(spec, &mut |_| {}).await.unwrap();
    assert!(desk.quick_check().await.is_none(), "a sound journal passes");
    let backup = desk.backup_now().await.unwrap();
    desk.close().await;

    // Garbage over the leaf page of an index nearest the middle of the file (a page whose
    // first byte says "index leaf", 0x0a): one of the contacts' indexes, which neither the
    // schema nor the settings that start-up reads can be.
    let bytes = std::fs::read(&path).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let pages = bytes.len() / page;
    let middle = pages / 2;
    let victim = (0..pages)
        .flat_map(|d| [middle + d, middle.wrapping_sub(d)])
        .find(|&p| p > 1 && p < pages && bytes[p * page] == 0x0a)
        .expect("an index leaf page");
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start((victim * page) as u64)).unwrap();
    file.write_all(&vec![0x5a; page]).unwrap();
    file.sync_all().unwrap();
    drop(file);
    for extra in ["j.sqlite-wal", "j.sqlite-shm"] {
        let _ = std::fs::remove_file(dir.path().join(extra));
    }

    let desk = Desk::open_checked(&location, clock.clone())
        .await
        .expect("start-up does not read the whole file");
    let problem = desk
        .quick_check()
        .await
        .expect("the check of every page finds the damage");
    assert_eq!(problem.problem, FileProblem::Damaged);
    assert_eq!(problem.journal, location);
    let listed: Vec<&str> = problem.backups.iter().map(|b| b.path.as_str()).collect();
    assert_eq!(
        listed,
        [backup.display().to_string()],
        "the way back is offered"
    );
    desk.close().await;

    std::fs::write(&path, b"not a journal at all ".repeat(400)).unwrap();
    let refused = Desk::open_checked(&location, clock).await.err().unwrap();
    assert_eq!(refused.problem, FileProblem::NotJournal);
}
