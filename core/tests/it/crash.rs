//! Acknowledged means durable: a writer logging in a tight loop is killed with SIGKILL at
//! random moments (while opening the journal, migrating, writing, committing) over and over
//! on the same journal; every contact it reported as saved must come back field for field,
//! and the file must pass SQLite's integrity check. `CRASH_KILLS` sets the number of kills
//! (200 here; `make bench LONG=1` runs 2,000).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use contactmoment_core::{Contact, JournalFile, SqliteStore, Store};
use rand::{Rng, SeedableRng};

/// The writer example, built by `cargo test` next to this test's own binary.
fn writer() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let writer = dir.join("examples").join("crash_writer");
    assert!(
        writer.is_file(),
        "{} is missing: `cargo test` builds it (examples/crash_writer.rs)",
        writer.display()
    );
    writer
}

/// Runs the writer to its first acknowledged contact and its end; returns how long that took
/// on the machine as it is now, and the contact.
fn time_one_run(writer: &PathBuf, journal: &PathBuf, tag: &str) -> (Duration, Contact) {
    let started = Instant::now();
    let out = Command::new(writer)
        .arg(journal)
        .arg(tag)
        .arg("1")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "the writer failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (took, serde_json::from_slice(&out.stdout).unwrap())
}

/// Runs the writer once and kills it `after` its start or, with `writing`, after its first
/// acknowledged contact; returns the contacts it acknowledged (whole lines only: a line cut
/// short by the kill was never a promise).
fn run_and_kill(
    writer: &PathBuf,
    journal: &PathBuf,
    tag: &str,
    after: Duration,
    writing: bool,
) -> Vec<Contact> {
    let mut child = Command::new(writer)
        .arg(journal)
        .arg(tag)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (first, first_seen) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        let mut out = BufReader::new(stdout);
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            if line.ends_with('\n') {
                lines.push(serde_json::from_str::<Contact>(&line).unwrap());
                let _ = first.send(());
            }
            line.clear();
        }
        lines
    });
    if writing {
        // However slow the machine, this kill lands among commits.
        let _ = first_seen.recv_timeout(Duration::from_secs(30));
    }
    std::thread::sleep(after);
    // A writer that stopped on its own did so on an error, which the test must hear about.
    if let Some(status) = child.try_wait().unwrap() {
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        panic!("the writer stopped by itself ({status}): {err}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_contact_survives_sigkill() {
    let kills: u32 = std::env::var("CRASH_KILLS")
        .ok()
        .map(|v| v.parse().unwrap())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite");
    let writer = writer();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_123);
    let started = Instant::now();
    let mut acknowledged: HashMap<uuid::Uuid, Contact> = HashMap::new();
    let mut rounds_with_writes = 0;
    let mut whole_run = Duration::ZERO;
    for round in 0..kills {
        // Every other run is killed at a random moment from its start (while the journal
        // opens, migrates, or at its first commits: within 1.25 times what a whole run of one
        // contact takes, timed again every tenth round so that the window follows the
        // machine's load), the others at a random moment among its commits.
        if round % 10 == 0 {
            let (took, contact) = time_one_run(&writer, &journal, &format!("t{round}"));
            whole_run = took;
            acknowledged.insert(contact.id, contact);
        }
        let after = if round % 2 == 1 {
            Duration::from_micros(rng.gen_range(0..30_000))
        } else {
            whole_run.mul_f64(rng.gen_range(0.0..1.25))
        };
        let saved = run_and_kill(
            &writer,
            &journal,
            &format!("r{round}"),
            after,
            round % 2 == 1,
        );
        rounds_with_writes += u32::from(!saved.is_empty());
        acknowledged.extend(saved.into_iter().map(|c| (c.id, c)));
    }
    assert!(
        rounds_with_writes > kills / 2,
        "most runs got to write before the kill ({rounds_with_writes} of {kills})"
    );

    let store = SqliteStore::open(&journal).await.unwrap();
    assert_eq!(store.check().await.unwrap(), ["ok"]);
    for (id, sent) in &acknowledged {
        let (stored, deleted) =
            store.get(*id).await.unwrap().unwrap_or_else(|| {
                panic!("acknowledged contact {id} ({:?}) is missing", sent.note)
            });
        assert!(!deleted);
        assert_eq!(&stored, sent, "contact {id} came back changed");
    }
    #[allow(clippy::print_stdout)] // the figure the README and the closing note report
    {
        println!(
            "crash test: {kills} SIGKILLs, {} acknowledged contacts all present and whole, \
             integrity_check ok, {:.1} s",
            acknowledged.len(),
            started.elapsed().as_secs_f64()
        );
    }
}
