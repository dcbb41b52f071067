//! The disk kept up with a long write. A bulk write of a million contacts appends a gigabyte
//! to the write-ahead log, and the first checkpoint after it copies that gigabyte into the
//! journal file; the kernel keeps it all in memory until the commit's (or the checkpoint's)
//! fsync writes it out, some 350 ms here. A contact saved at that moment waited behind that
//! flush for its own fsync: 136–378 ms, where every other save took under 62 ms. Flushed every
//! [`FLUSH_EVERY`] instead, the disk never has more than a moment's writing to catch up on.
//!
//! Linux only; elsewhere nothing is flushed early.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// How often the disk is flushed while a long write runs. Every 100 ms still let one save of
/// 50 wait 141 ms, behind the log that a bulk write's index builds produce quickly.
pub(super) const FLUSH_EVERY: Duration = Duration::from_millis(25);

/// What a [`Flusher`] flushes.
pub(super) enum Flushed {
    /// The write-ahead log beside the journal at this path: a long write's. It is opened by
    /// its name for the write's length; SQLite keeps no lock on it (those are on the journal
    /// file and the shared-memory file), so closing that descriptor again is harmless.
    LogOf(PathBuf),
    /// The file system of the journal at this path (`syncfs`), for a checkpoint, which writes
    /// the journal file itself: a descriptor of that file, once closed, would drop every lock
    /// this process holds on it (POSIX), SQLite's among them. Flushing a log this way instead
    /// made a 1M import 4 s slower (it flushed the sorter's temporary files too).
    FileSystemOf(PathBuf),
}

/// Flushes on a thread of its own until dropped.
pub(super) struct Flusher {
    /// Dropping it ends the thread at its next round.
    _stop: mpsc::Sender<()>,
    /// How many flushes succeeded so far; the thread holds the other reference while it runs.
    flushed: Arc<AtomicU64>,
}

impl Flusher {
    /// Starts flushing `what`. What cannot be flushed is left to the commit's fsync, as it
    /// would be without this; so is everything when the thread cannot be made.
    pub(super) fn start(what: Flushed) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let flushed = Arc::new(AtomicU64::new(0));
        #[cfg(target_os = "linux")]
        {
            let count = flushed.clone();
            let spawned = std::thread::Builder::new()
                .name("flush".into())
                .spawn(move || flush_until_stopped(&what, &stopped, &count));
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "no thread to flush a long write");
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (what, stopped);
        Self {
            _stop: stop,
            flushed,
        }
    }

    /// How many flushes succeeded so far.
    #[cfg(test)]
    pub(super) fn flushed(&self) -> u64 {
        self.flushed.load(Ordering::Relaxed)
    }

    /// Gone once both this and its thread are.
    #[cfg(test)]
    pub(super) fn watch(&self) -> std::sync::Weak<AtomicU64> {
        Arc::downgrade(&self.flushed)
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        let flushed = self.flushed.load(Ordering::Relaxed);
        if flushed > 0 {
            tracing::debug!(flushed, "the disk was flushed as a long write went");
        }
    }
}

#[cfg(target_os = "linux")]
fn flush_until_stopped(what: &Flushed, stopped: &mpsc::Receiver<()>, count: &AtomicU64) {
    use std::sync::mpsc::RecvTimeoutError;
    let opened = match what {
        Flushed::LogOf(journal) => std::fs::File::open(log_of(journal)),
        Flushed::FileSystemOf(journal) => std::fs::File::open(folder_of(journal)),
    };
    let file = match opened {
        Ok(file) => file,
        Err(e) => {
            tracing::debug!(error = %e, "nothing to flush a long write with");
            return;
        }
    };
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(FLUSH_EVERY) {
        let done = match what {
            Flushed::LogOf(_) => file.sync_data(),
            Flushed::FileSystemOf(_) => rustix::fs::syncfs(&file).map_err(std::io::Error::from),
        };
        if let Err(e) = done {
            tracing::debug!(error = %e, "the disk could not be flushed");
            return;
        }
        count.fetch_add(1, Ordering::Relaxed);
    }
}

/// The write-ahead log beside the journal at `journal`.
#[cfg(target_os = "linux")]
fn log_of(journal: &Path) -> PathBuf {
    let mut path = journal.as_os_str().to_owned();
    path.push("-wal");
    PathBuf::from(path)
}

/// The folder of the journal at `journal`.
#[cfg(target_os = "linux")]
fn folder_of(journal: &Path) -> &Path {
    match journal.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A long write flushes the log beside the journal and never opens the journal file
    /// itself (closing that descriptor would drop SQLite's locks on it).
    #[test]
    fn the_log_beside_the_journal_is_flushed_and_never_the_journal_file() {
        let journal = Path::new("desk/journal.sqlite");
        assert_eq!(log_of(journal), Path::new("desk/journal.sqlite-wal"));
        assert_eq!(folder_of(journal), Path::new("desk"));
        assert_eq!(folder_of(Path::new("journal.sqlite")), Path::new("."));
    }
}
