//! Backups of the journal: consistent snapshots made by the storage engine (SQLite's
//! `VACUUM INTO`, never a copy of a file that may be mid-write) in a `backups/` folder beside
//! the journal, named by the time they were made so that names sort by age.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, FileProblem, Result};
use crate::store::sqlite::{JournalFile, SqliteStore};

/// How many backups are kept when no other number is set.
pub const KEEP_DEFAULT: usize = 14;

/// The folder the backups of the journal at `journal` go into.
pub fn dir(journal: &Path) -> PathBuf {
    journal
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("backups")
}

fn stem(journal: &Path) -> String {
    journal
        .file_stem()
        .map_or_else(|| "journal".into(), |s| s.to_string_lossy().into_owned())
}

/// The backups of the journal at `journal`, oldest first.
pub fn list(journal: &Path) -> Result<Vec<PathBuf>> {
    let prefix = format!("{}-", stem(journal));
    let mut found: Vec<PathBuf> = match std::fs::read_dir(dir(journal)) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".sqlite"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    found.sort();
    Ok(found)
}

/// Makes a snapshot of the journal into `dest`, which must not exist yet. It is written under
/// a temporary name first, so a backup that has its name is always complete.
pub async fn to_file(store: &dyn JournalFile, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(Error::Unusable(format!(
            "{} exists already; choose a new file name",
            dest.display()
        )));
    }
    let partial = dest.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    store.snapshot(&partial).await?;
    std::fs::rename(&partial, dest)?;
    Ok(())
}

/// Makes a backup in the backups folder now; returns its path.
pub async fn make(
    store: &dyn JournalFile,
    journal: &Path,
    now: DateTime<FixedOffset>,
) -> Result<PathBuf> {
    let folder = dir(journal);
    std::fs::create_dir_all(&folder)?;
    let base = format!("{}-{}", stem(journal), now.format("%Y-%m-%dT%H%M%S"));
    let mut dest = folder.join(format!("{base}.sqlite"));
    // Two backups in one second (a backup, then a restore) each keep their own file.
    let mut n = 1;
    while dest.exists() {
        n += 1;
        dest = folder.join(format!("{base}-{n}.sqlite"));
    }
    to_file(store, &dest).await?;
    Ok(dest)
}

/// The backup made when the app starts: at most one a day, keeping the newest `keep`.
/// Returns the new backup's path, or `None` when today's exists already.
pub async fn daily(
    store: &dyn JournalFile,
    journal: &Path,
    now: DateTime<FixedOffset>,
    keep: usize,
) -> Result<Option<PathBuf>> {
    let today = format!("{}-{}", stem(journal), now.format("%Y-%m-%d"));
    let existing = list(journal)?;
    if existing.iter().any(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(&today))
    }) {
        return Ok(None);
    }
    let made = make(store, journal, now).await?;
    let all = list(journal)?;
    for old in all.iter().take(all.len().saturating_sub(keep.max(1))) {
        std::fs::remove_file(old)?;
    }
    Ok(Some(made))
}

/// Why the journal could not be opened when the app started, and the backups it could be
/// restored from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StartupProblem {
    pub problem: FileProblem,
    /// The journal file.
    pub journal: String,
    /// What is wrong, in English, for the details.
    pub detail: String,
    /// Newest first.
    pub backups: Vec<BackupFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BackupFile {
    pub path: String,
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Checks the journal before it is opened, without reading the whole file: `None` when it can
/// be opened (or does not exist yet, or is an empty file: a new journal loses nothing), else
/// what is wrong with it. The whole-file check follows once the journal is open
/// ([`crate::Desk::quick_check`]).
pub async fn startup_check(journal: &Path) -> Option<StartupProblem> {
    if std::fs::metadata(journal).map_or(true, |m| m.len() == 0) {
        return None;
    }
    match SqliteStore::recognise(journal).await {
        Ok(()) => None,
        Err(Error::Journal { problem, message }) => {
            Some(problem_with_backups(journal, problem, message))
        }
        Err(other) => Some(problem_with_backups(
            journal,
            FileProblem::Damaged,
            other.to_string(),
        )),
    }
}

/// A startup problem for the journal at `journal`, listing its backups.
pub fn problem_with_backups(
    journal: &Path,
    problem: FileProblem,
    detail: String,
) -> StartupProblem {
    let backups = list(journal)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|p| BackupFile {
            bytes: std::fs::metadata(&p).map_or(0, |m| m.len()),
            name: p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            path: p.to_string_lossy().into_owned(),
        })
        .collect();
    StartupProblem {
        problem,
        journal: journal.to_string_lossy().into_owned(),
        detail,
        backups,
    }
}

/// Moves a journal that cannot be used out of the way, with its write-ahead files, to
/// `NAME-unusable-TIME.sqlite` beside it: never deleted, so nothing in it is lost.
pub fn set_aside(journal: &Path, now: DateTime<FixedOffset>) -> Result<PathBuf> {
    let aside = journal.with_file_name(format!(
        "{}-unusable-{}.sqlite",
        stem(journal),
        now.format("%Y-%m-%dT%H%M%S")
    ));
    move_journal(journal, &aside)?;
    Ok(aside)
}

/// A journal's files: the database and, when present, its write-ahead log and shared memory,
/// and the pending file of contacts saved beside a long write (with its own two).
fn files(journal: &Path) -> [PathBuf; 6] {
    [
        "",
        "-wal",
        "-shm",
        "-pending",
        "-pending-wal",
        "-pending-shm",
    ]
    .map(|suffix| {
        let mut file = journal.as_os_str().to_owned();
        file.push(suffix);
        PathBuf::from(file)
    })
}

/// Renames a journal with its write-ahead files, which belong to it by name.
pub fn move_journal(from: &Path, to: &Path) -> Result<()> {
    for (from, to) in files(from).iter().zip(files(to)) {
        if from.exists() {
            std::fs::rename(from, to)?;
        }
    }
    Ok(())
}

/// Deletes a journal with its write-ahead files.
pub fn remove_journal(journal: &Path) -> Result<()> {
    for file in files(journal) {
        match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}
