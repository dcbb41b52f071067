//! `make bench`: durable save latency, demo generation, CSV export and import, and weekly
//! statistics on a journal of 1,000,000 contacts (200 staff, 104 weeks) in SQLite.
//! Prints figures; asserts nothing (targets are judged by reading them, not by a timed test).

// A benchmark reports on stdout; that is its whole job.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use contactmoment_core::{
    demo::DemoSpec, export, Channel, ContactInput, ContactsQuery, FixedClock, Journal, ListQuery,
    Quadrant, SettingsInput, SqliteStore, Store, WeeklyQuery,
};

const CONTACTS: u64 = 1_000_000;
const STAFF: u32 = 200;
const WEEKS: u32 = 104;
const SAVES: usize = 300;
const PACED_SAVES: usize = 200;
const PACE: Duration = Duration::from_millis(40);
const REPEAT: usize = 15;
const NOW: &str = "2026-11-22T12:00:00+01:00";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    ms(sorted[i])
}

/// Logs `n` contacts, `pace` apart; returns how long each save took, fastest first.
async fn save_contacts(journal: &Journal, n: usize, pace: Duration) -> Vec<Duration> {
    let mut saves = Vec::with_capacity(n);
    for i in 0..n {
        tokio::time::sleep(pace).await;
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
    saves
}

/// Runs `f` REPEAT times and prints the median time; returns what the last run counted.
async fn median_ms<F, Fut>(label: &str, mut f: F) -> u64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    let mut times = Vec::with_capacity(REPEAT);
    let mut counted = 0;
    for _ in 0..REPEAT {
        let t = Instant::now();
        counted = f().await;
        times.push(t.elapsed());
    }
    times.sort();
    println!("{label}: median {:.2} ms", percentile(&times, 0.5));
    counted
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

async fn open(path: &std::path::Path) -> (Arc<dyn Store>, Journal) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(path).await.expect("open"));
    let journal = Journal::new(store.clone(), Arc::new(FixedClock::at(NOW)));
    journal
        .save_settings(&SettingsInput {
            display_name: "Bench".into(),
            ..SettingsInput::default()
        })
        .await
        .expect("settings");
    (store, journal)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, journal) = open(&dir.path().join("bench.sqlite")).await;
    println!("machine: {}", machine());

    // 1. A person pressing Enter: validate + durable commit (WAL, synchronous=FULL).
    let saves = save_contacts(&journal, SAVES, Duration::ZERO).await;
    println!(
        "save one contact (durable commit), {SAVES} saves: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        percentile(&saves, 0.5),
        percentile(&saves, 0.95),
        ms(saves[SAVES - 1])
    );

    // 2. The demo journal the figures below are measured on.
    let spec = DemoSpec {
        contacts: CONTACTS,
        staff: STAFF,
        weeks: WEEKS,
        seed: 42,
    };
    let t = Instant::now();
    let written = journal.load_demo(spec, &mut |_| {}).await.expect("demo");
    println!(
        "demo: generate and write {written} contacts ({STAFF} staff, {WEEKS} weeks): {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // 2b. The save again, now on the million contacts and at a desk's pace: the background
    // checkpoint runs between saves, as it does in the app.
    let saves = save_contacts(&journal, PACED_SAVES, PACE).await;
    println!(
        "save one contact on {CONTACTS} contacts, {PACED_SAVES} saves {} ms apart: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        PACE.as_millis(),
        percentile(&saves, 0.5),
        percentile(&saves, 0.99),
        ms(saves[PACED_SAVES - 1])
    );

    // 3. The review's queries, median of REPEAT runs each.
    let from_weeks_back = |weeks: u64| {
        let today = chrono::DateTime::parse_from_rfc3339(NOW)
            .expect("now")
            .date_naive();
        today.checked_sub_days(chrono::Days::new(7 * (weeks - 1)))
    };
    let q =
        |weeks: u64, staff: &[&str], channel: Option<Channel>, topic: Option<&str>| WeeklyQuery {
            from: from_weeks_back(weeks),
            to: None,
            staff: staff.iter().map(|s| (*s).to_owned()).collect(),
            channel,
            topic: topic.map(Into::into),
        };
    for (label, query) in [
        ("whole team, 12 weeks", q(12, &[], None, None)),
        ("whole team, 104 weeks", q(104, &[], None, None)),
        (
            "one staff member, 12 weeks",
            q(12, &["Gijs Mulder"], None, None),
        ),
        (
            "one channel, 12 weeks",
            q(12, &[], Some(Channel::Chat), None),
        ),
        ("one topic, 12 weeks", q(12, &[], None, Some("factuur"))),
    ] {
        let n = median_ms(&format!("weekly statistics, {label}"), || async {
            let report = journal.weekly(&query).await.expect("weekly");
            report.weeks.iter().map(|w| u64::from(w.n)).sum()
        })
        .await;
        println!("  ({n} contacts counted)");
    }
    let twelve = q(12, &[], None, None);
    median_ms("weekly statistics per staff member, 12 weeks", || async {
        journal
            .weekly_by_staff(&twelve)
            .await
            .expect("per staff")
            .len() as u64
    })
    .await;
    median_ms(
        "review (weeks, distribution, quadrants, previous period), whole team, 12 weeks",
        || async { u64::from(journal.review(&twelve).await.expect("review").current.n) },
    )
    .await;
    median_ms(
        "review per staff member (small multiples, both periods), 12 weeks",
        || async {
            journal
                .review_by_staff(&twelve)
                .await
                .expect("per staff")
                .len() as u64
        },
    )
    .await;
    let drill = |week: Option<&str>, open_follow_ups: bool| ContactsQuery {
        filter: twelve.clone(),
        week: week.map(Into::into),
        open_follow_ups,
        ..ContactsQuery::default()
    };
    let last_week = drill(Some("2026-W47"), false);
    median_ms(
        "drill-down: the contacts of one week (count and first 100)",
        || async { journal.contacts(&last_week).await.expect("drill").total },
    )
    .await;
    let quadrant = ContactsQuery {
        quadrant: Some(Quadrant::SolvedNotWelcome),
        ..drill(None, false)
    };
    median_ms(
        "drill-down: one quadrant over 12 weeks (count and first 100)",
        || async { journal.contacts(&quadrant).await.expect("drill").total },
    )
    .await;
    let follow_ups = drill(None, true);
    median_ms(
        "open follow-ups over 12 weeks (count and first 100)",
        || async {
            journal
                .contacts(&follow_ups)
                .await
                .expect("follow-ups")
                .total
        },
    )
    .await;
    median_ms("filter values (every staff name and topic)", || async {
        let f = journal.facets().await.expect("facets");
        (f.staff.len() + f.topics.len()) as u64
    })
    .await;
    median_ms(
        "what changed (overall, per channel, topic and staff member), 12 weeks",
        || async {
            u64::from(
                journal
                    .what_changed(&twelve)
                    .await
                    .expect("what changed")
                    .compared,
            )
        },
    )
    .await;
    median_ms(
        "practices (NPS, levels, valued, why failed, repeat contacts, promises), 12 weeks",
        || async {
            let p = journal.practices(&twelve).await.expect("practices");
            u64::from(p.nps.n + p.levels.n + p.repeat.n)
        },
    )
    .await;
    median_ms("moments to share, 12 weeks", || async {
        journal.moments(&twelve).await.expect("moments").len() as u64
    })
    .await;
    // The log form's line for a customer with 100 earlier contacts.
    for i in 0..100 {
        let input = ContactInput {
            functional: Some(i % 5 + 1),
            emotional: Some(4),
            customer_ref: Some("K-BENCH".into()),
            ..ContactInput::default()
        };
        journal.log(&input).await.expect("log");
    }
    median_ms(
        "customer history while logging (a customer with 100 contacts)",
        || async {
            let h = journal.customer_history("K-BENCH").await.expect("history");
            u64::from(h.expect("a known customer").contacts)
        },
    )
    .await;

    // 4. Export everything as CSV, then import that file into an empty journal.
    let t = Instant::now();
    let mut all = journal.list(&ListQuery::default()).await.expect("list");
    all.reverse();
    let mut csv = Vec::new();
    export::contacts_csv(&mut csv, &all, export::CsvStyle::PLAIN).expect("csv");
    println!(
        "export {} contacts as CSV ({:.0} MB): {:.1} s",
        all.len(),
        csv.len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    drop(all);
    let (other, target) = open(&dir.path().join("import.sqlite")).await;
    let t = Instant::now();
    let report = target
        .import(csv, false, &mut |_| {})
        .await
        .expect("import");
    println!(
        "import a {}-row CSV into an empty journal: {:.1} s",
        report.imported,
        t.elapsed().as_secs_f64()
    );
    other.close().await;
    store.close().await;
}
