//! `backup` and `restore` through the real binary: a snapshot beside the journal, a restore
//! that keeps the journal as it was, and backups that are refused before anything changes.

use std::path::{Path, PathBuf};

use crate::support::{ok, run};

fn log(db: &Path, note: &str) {
    ok(
        db,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "4",
            "--emotional",
            "2",
            "--note",
            note,
        ],
    );
}

fn everything(db: &Path) -> String {
    ok(db, &["export", "--format", "json"])
}

fn backups(db: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(db.parent().unwrap().join("backups"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    all.sort();
    all
}

#[test]
fn a_backup_restores_and_the_journal_as_it_was_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.sqlite");
    for note in ["een", "twee", "drie"] {
        log(&db, note);
    }
    let at_backup = everything(&db);
    let made = PathBuf::from(ok(&db, &["backup"]).trim());
    assert_eq!(
        backups(&db),
        std::slice::from_ref(&made),
        "one backup, in backups/ beside the journal"
    );
    assert!(made
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("journal-"));

    log(&db, "vier, after the backup");
    let before_restore = everything(&db);
    let out = ok(&db, &["restore", made.to_str().unwrap()]);
    assert!(out.starts_with("restored 3 contacts from "), "{out}");
    assert_eq!(
        everything(&db),
        at_backup,
        "the journal is the backup again"
    );
    assert_eq!(ok(&db, &["check"]).trim(), "ok");

    let kept = backups(&db)
        .into_iter()
        .find(|p| *p != made)
        .expect("the journal as it was is kept as a backup");
    assert!(out.contains(&kept.display().to_string()), "{out}");
    assert_eq!(everything(&kept), before_restore, "nothing of it is lost");

    // A named file: made once, never overwritten.
    let named = dir.path().join("copy.sqlite");
    ok(&db, &["backup", named.to_str().unwrap()]);
    assert_eq!(everything(&named), at_backup);
    let again = run(&db, &["backup", named.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[test]
fn a_damaged_or_foreign_file_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.sqlite");
    for k in 0..200 {
        log(
            &db,
            &format!("contact {k} with a note long enough to fill some pages"),
        );
    }
    let good = PathBuf::from(ok(&db, &["backup"]).trim());
    let before = everything(&db);
    let backups_before = backups(&db);

    // Garbage over a whole page in the middle of a sound backup: its pages no longer add up.
    // The page size is the file's own (bytes 16–17 of its header; 1 stands for 65,536).
    let damaged = dir.path().join("damaged.sqlite");
    let mut bytes = std::fs::read(&good).unwrap();
    let page = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        size => usize::from(size),
    };
    let middle = bytes.len() / 2 / page * page;
    bytes[middle..middle + page].fill(0xA5);
    std::fs::write(&damaged, bytes).unwrap();
    let text = dir.path().join("notes.sqlite");
    std::fs::write(&text, "not a database at all\n".repeat(100)).unwrap();
    let missing = dir.path().join("missing.sqlite");

    for (file, expected) in [
        (&damaged, "is damaged"),
        (&text, "is not a Contactmoment journal"),
        (&missing, "does not exist"),
    ] {
        let out = run(&db, &["restore", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", file.display());
        assert!(err.contains(expected), "{}: {err}", file.display());
        assert!(out.stdout.is_empty());
        assert_eq!(
            everything(&db),
            before,
            "{}: the journal is unchanged",
            file.display()
        );
        assert_eq!(
            backups(&db),
            backups_before,
            "{}: no backup was made",
            file.display()
        );
    }
}
