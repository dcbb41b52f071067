//! Acknowledged means durable, from the terminal: a `log` killed with SIGKILL at any moment
//! either printed its id (and the contact is stored whole) or printed nothing; two streams of
//! `log` running at once into one journal both get every contact in, without a single
//! "database is locked" reaching the user; and a `log` while another process holds the
//! journal for a long write is saved at once and counted once that write ends.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{command, killed_after, next_random, ok, run};

fn log_command(db: &Path, note: &str, k: u32) -> Command {
    let mut cmd = command(db);
    cmd.args(["log", "--staff", "Anna", "--channel", "chat"])
        .args(["--functional", &(1 + k % 5).to_string()])
        .args(["--emotional", &(1 + k / 5 % 5).to_string()])
        .args(["--note", note]);
    cmd
}

/// Every stored contact by id: (note, functional, emotional).
fn stored(db: &Path) -> HashMap<String, (String, u64, u64)> {
    let all: Vec<Value> = serde_json::from_str(&ok(db, &["export", "--format", "json"])).unwrap();
    all.into_iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                (
                    c["note"].as_str().unwrap_or_default().to_owned(),
                    c["functional"].as_u64().unwrap(),
                    c["emotional"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_log_killed_by_sigkill_at_any_moment_keeps_what_it_acknowledged() {
    let kills: u32 = std::env::var("CRASH_KILLS")
        .ok()
        .map(|v| v.parse().unwrap())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("journal.sqlite");
    let started = Instant::now();
    // The first `log` creates and migrates the journal and takes twice as long as the rest,
    // so the kill window is sized on normal runs: one unhurried run before every ten killed
    // ones, the window one and a quarter times the median of the last five. Kill moments
    // then fall before, during and after the write however fast the machine is (most runs
    // are killed, about a fifth finish), and follow it when other tests load it.
    assert!(log_command(&db, "create", 0)
        .output()
        .unwrap()
        .status
        .success());
    let mut timings: Vec<u64> = Vec::new();
    let mut time_one = |k: u32| {
        let timed = Instant::now();
        let out = log_command(&db, "timing", k).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        timings.push(timed.elapsed().as_micros() as u64);
        let mut last: Vec<u64> = timings.iter().rev().take(5).copied().collect();
        last.sort_unstable();
        (last[last.len() / 2] * 5 / 4).max(5_000)
    };
    for k in 0..4 {
        time_one(k);
    }
    let mut window = 0;
    let mut seed: u64 = 20_261_123;
    let mut acknowledged = HashMap::new();
    let mut finished = 0;
    let mut killed_notes = Vec::new();
    for k in 0..kills {
        if k % 10 == 0 {
            window = time_one(k);
        }
        let note = format!("cli-{k}");
        let delay = Duration::from_micros(next_random(&mut seed) % window);
        let (done, out) = killed_after(log_command(&db, &note, k), delay, &format!("log {k}"));
        if done {
            finished += 1;
        } else {
            killed_notes.push(note.clone());
        }
        let printed = String::from_utf8(out.stdout).unwrap();
        if let Some(id) = printed.strip_suffix('\n') {
            acknowledged.insert(
                id.to_owned(),
                (note, u64::from(1 + k % 5), u64::from(1 + k / 5 % 5)),
            );
        }
    }
    let killed = kills - finished;
    assert!(
        killed * 2 >= kills,
        "only {killed} of {kills} runs were killed before they finished: the window \
         (last {window} µs) no longer covers a whole `log`"
    );
    assert!(
        !acknowledged.is_empty(),
        "some runs finished before the kill"
    );
    assert_eq!(ok(&db, &["check"]).trim(), "ok");
    let stored = stored(&db);
    for (id, expected) in &acknowledged {
        assert_eq!(stored.get(id), Some(expected), "acknowledged contact {id}");
    }
    // Whatever a killed run left is whole too, and the kills fell on both sides of the
    // commit: some killed runs had stored their contact, others had not.
    let mut kept = 0;
    for (note, functional, emotional) in stored.values() {
        if let Some(k) = note.strip_prefix("cli-") {
            let k: u64 = k.parse().unwrap();
            assert_eq!(
                (*functional, *emotional),
                (1 + k % 5, 1 + k / 5 % 5),
                "{note}"
            );
            kept += u32::from(killed_notes.contains(note));
        }
    }
    assert!(
        kept > 0,
        "no killed run had committed: the kills all came too early"
    );
    assert!(
        (kept as usize) < killed_notes.len(),
        "every killed run had committed: the kills all came too late"
    );
    #[allow(clippy::print_stdout)] // the figure the README and the closing note report
    {
        println!(
            "CLI crash test: {kills} runs, {killed} killed before they finished (window \
             {window} µs at the end), {} acknowledged contacts present and whole, check ok, {:.1} s",
            acknowledged.len(),
            started.elapsed().as_secs_f64()
        );
    }
}

#[test]
fn two_writers_at_once_get_every_contact_in_without_a_lock_error() {
    const EACH: u32 = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.sqlite");
    assert!(
        run(&db, &["list"]).status.success(),
        "the journal is created"
    );
    let started = Instant::now();
    let writers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|name| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for k in 0..EACH {
                    let out = log_command(&db, &format!("{name}-{k}"), k)
                        .output()
                        .unwrap();
                    let err = String::from_utf8_lossy(&out.stderr);
                    assert!(
                        out.status.success() && err.is_empty(),
                        "writer {name}, log {k}: {err}"
                    );
                    ids.push(String::from_utf8(out.stdout).unwrap().trim().to_owned());
                }
                ids
            })
        })
        .collect();
    let ids: Vec<String> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let stored = stored(&db);
    assert_eq!(stored.len(), 2 * EACH as usize);
    assert!(ids.iter().all(|id| stored.contains_key(id)));
    #[allow(clippy::print_stdout)] // the figure the closing note reports
    {
        println!(
            "two writers: {} contacts by two concurrent streams of `log`, none lost, no lock error, {:.1} s",
            stored.len(),
            started.elapsed().as_secs_f64()
        );
    }
}

#[test]
fn a_log_while_another_process_holds_the_journal_is_saved_at_once_and_counted_after() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.sqlite");
    assert!(
        run(&db, &["list"]).status.success(),
        "the journal is created"
    );
    // Another process in the middle of a long write (an import): the sqlite3 shell holds the
    // journal's write lock until told to let go.
    let mut shell = Command::new("sqlite3")
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the sqlite3 shell (scripts/setup.sh test installs it)");
    let mut to_shell = shell.stdin.take().unwrap();
    let mut from_shell = BufReader::new(shell.stdout.take().unwrap());
    let mut ask = |sql: &str| {
        writeln!(to_shell, "{sql}").unwrap();
        let mut line = String::new();
        from_shell.read_line(&mut line).unwrap();
        line.trim().to_owned()
    };
    assert_eq!(ask("BEGIN IMMEDIATE; SELECT 'locked';"), "locked");

    let out = command(&db)
        .args([
            "log",
            "--staff",
            "Anna",
            "--functional",
            "4",
            "--emotional",
            "2",
        ])
        .args(["--at", "2026-11-03T10:00:00+01:00"])
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "log during another write: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    // Committed beside the journal, whose lock the shell still holds.
    let pending = Command::new("sqlite3")
        .arg(dir.path().join("journal.sqlite-pending"))
        .arg("SELECT id FROM pending")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(pending.stdout).unwrap().trim(), id);
    // Shown before the other write ends.
    let listed = ok(&db, &["list", "--format", "json"]);
    assert!(listed.contains(&id), "not listed while pending: {listed}");
    ask("ROLLBACK; SELECT 'free';");
    drop(to_shell);
    assert!(shell.wait().unwrap().success());

    let weekly: Vec<Value> = serde_json::from_str(&ok(
        &db,
        &[
            "weekly",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-08",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(
        weekly[0]["n"], 1,
        "counted once the lock is free: {weekly:?}"
    );
    let stored = stored(&db);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[&id], (String::new(), 4, 2));
}
