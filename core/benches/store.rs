//! `make bench`: durable save latency and weekly-statistics query times on the SQLite store.
//! Prints figures; asserts nothing (targets are judged by reading them, not by a timed test).

// A benchmark reports on stdout; that is its whole job.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use contactmoment_core::{
    validate, Channel, ContactInput, Existing, FixedClock, Journal, SettingsInput, SqliteStore,
    Store, WeeklyQuery,
};

const BULK: usize = 100_000;
const STAFF: usize = 20;
const WEEKS: i64 = 104;
const SAVES: usize = 300;
const REPEAT: usize = 15;

/// A small deterministic generator, so every run measures the same journal.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    ms(sorted[i])
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

async fn time<F, Fut>(mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(REPEAT);
    for _ in 0..REPEAT {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed());
    }
    times.sort();
    percentile(&times, 0.5)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.expect("open"));
    let now = "2026-11-22T12:00:00+01:00";
    let clock = FixedClock::at(now);
    let journal = Journal::new(store.clone(), Arc::new(clock));
    journal
        .save_settings(&SettingsInput {
            display_name: "Bench".into(),
            language: None,
        })
        .await
        .expect("settings");
    println!("machine: {}", machine());

    // 1. A person pressing Enter: validate + durable commit (WAL, synchronous=FULL).
    let mut saves = Vec::with_capacity(SAVES);
    for i in 0..SAVES {
        let input = ContactInput {
            functional: Some((i % 5 + 1) as i32),
            emotional: Some(((i + 2) % 5 + 1) as i32),
            ..ContactInput::default()
        };
        let t = Instant::now();
        journal.log(&input).await.expect("log");
        saves.push(t.elapsed());
    }
    saves.sort();
    println!(
        "save one contact (durable commit), {SAVES} saves: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        percentile(&saves, 0.5),
        percentile(&saves, 0.95),
        ms(saves[SAVES - 1])
    );

    // 2. A larger journal, written in batches.
    let mut rng = Lcg(42);
    let start =
        chrono::DateTime::parse_from_rfc3339(now).expect("now") - chrono::Duration::weeks(WEEKS);
    let t = Instant::now();
    let mut batch = Vec::with_capacity(10_000);
    for _ in 0..BULK {
        let at = start + chrono::Duration::minutes(rng.next((WEEKS * 7 * 24 * 60) as u64) as i64);
        let input = ContactInput {
            occurred_at: Some(at.to_rfc3339()),
            staff: Some(format!("Staff {:02}", rng.next(STAFF as u64))),
            channel: Some(Channel::ALL[rng.next(6) as usize].as_str().into()),
            functional: Some(rng.next(5) as i32 + 1),
            emotional: Some(rng.next(5) as i32 + 1),
            ..ContactInput::default()
        };
        batch.push(validate::contact(&input, None, &clock).expect("valid"));
        if batch.len() == 10_000 {
            store
                .insert_many(&batch, Existing::Fail)
                .await
                .expect("insert");
            batch.clear();
        }
    }
    store
        .insert_many(&batch, Existing::Fail)
        .await
        .expect("insert");
    println!(
        "bulk insert of {BULK} contacts in batches of 10,000: {:.0} ms",
        ms(t.elapsed())
    );

    // 3. Weekly figures, median of {REPEAT} runs.
    let q = |weeks: i64, staff: Option<&str>, channel: Option<Channel>| WeeklyQuery {
        from: Some((start + chrono::Duration::weeks(WEEKS - weeks + 1)).date_naive()),
        to: None,
        staff: staff.map(Into::into),
        channel,
    };
    for (label, query) in [
        ("whole team, 12 weeks", q(12, None, None)),
        ("whole team, 104 weeks", q(104, None, None)),
        ("one staff member, 12 weeks", q(12, Some("Staff 07"), None)),
        ("one channel, 12 weeks", q(12, None, Some(Channel::Chat))),
    ] {
        let j = &journal;
        let query = &query;
        let median = time(|| async move {
            j.weekly(query).await.expect("weekly");
        })
        .await;
        println!(
            "weekly statistics, {label}, {} contacts in journal: median {median:.2} ms",
            BULK + SAVES
        );
    }
    store.close().await;
}
