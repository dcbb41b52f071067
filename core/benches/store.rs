//! `make bench`: durable save latency, demo generation, CSV export and import (time and peak
//! memory), saves made while a bulk write runs, and weekly statistics on a journal of
//! 1,000,000 contacts (200 staff, 104 weeks) in SQLite; `SCALE=10M` measures an org-wide
//! journal instead (10,000,000 contacts, 2,000 staff, 260 weeks).
//! Prints figures; asserts nothing (targets are judged by reading them, not by a timed test).

// A benchmark reports on stdout; that is its whole job.
#![allow(clippy::print_stdout)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use contactmoment_core::{
    demo::DemoSpec, export, Channel, ContactInput, ContactsQuery, FixedClock, Journal, Quadrant,
    SettingsInput, SqliteStore, StatsFilter, Store, WeeklyQuery,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SAVES: usize = 300;
const PACED_SAVES: usize = 200;
const PACE: Duration = Duration::from_millis(40);
const REPEAT: usize = 15;
const NOW: &str = "2026-11-22T12:00:00+01:00";
/// Saves made at random moments while a bulk write runs.
const SAVES_DURING_BULK: usize = 50;

/// The journal measured, from `SCALE` (1M unless it says 10M).
fn scale() -> DemoSpec {
    match std::env::var("SCALE").as_deref() {
        Err(_) | Ok("" | "1M") => DemoSpec {
            contacts: 1_000_000,
            staff: 200,
            weeks: 104,
            seed: 42,
        },
        Ok("10M") => DemoSpec {
            contacts: 10_000_000,
            staff: 2_000,
            weeks: 260,
            seed: 42,
        },
        Ok(other) => panic!("SCALE is 1M or 10M, not {other}"),
    }
}

/// A figure of this process's from /proc/self/status, in MB.
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a memory figure");
    kb / 1024.0
}

/// Forgets this process's peak memory so far (Linux: writing 5 to clear_refs), so the next
/// [`peak`] tells the peak of what runs in between; returns the resident set now, in MB.
fn reset_peak() -> f64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak resident set");
    status_mb("VmRSS:")
}

/// The peak resident set since [`reset_peak`] returned `before`, for a figure's line.
fn peak(before: f64) -> String {
    format!(
        "peak {:.0} MB resident ({before:.0} MB before)",
        status_mb("VmHWM:")
    )
}

/// What the saves made during a bulk write found.
struct SavesDuring {
    /// How long each that committed took, fastest first.
    committed: Vec<Duration>,
    /// Where the slowest came among them in time (1 = the first made).
    slowest_rank: usize,
    /// How many gave up waiting for the writer, and the first one's error.
    failed: Vec<String>,
}

/// Makes [`SAVES_DURING_BULK`] saves into `journal`, each at its own random moment within
/// `within` from now and each on its own task, so each measures its own wait.
fn saves_at_random_moments(
    journal: &Journal,
    within: Duration,
) -> tokio::task::JoinHandle<SavesDuring> {
    let mut rng = StdRng::seed_from_u64(7);
    let saves: Vec<_> = (0..SAVES_DURING_BULK)
        .map(|i| {
            let journal = journal.clone();
            let at = within.mul_f64(rng.gen::<f64>());
            tokio::spawn(async move {
                tokio::time::sleep(at).await;
                let input = ContactInput {
                    functional: Some((i % 5 + 1) as i32),
                    emotional: Some(4),
                    ..ContactInput::default()
                };
                let t = Instant::now();
                journal
                    .log(&input)
                    .await
                    .map(|_| (at, t.elapsed()))
                    .map_err(|e| format!("after {:.1} s: {e}", t.elapsed().as_secs_f64()))
            })
        })
        .collect();
    tokio::spawn(async move {
        let mut found = SavesDuring {
            committed: Vec::new(),
            slowest_rank: 0,
            failed: Vec::new(),
        };
        let mut in_time = Vec::new();
        for save in saves {
            match save.await.expect("save task") {
                Ok(made) => in_time.push(made),
                Err(e) => found.failed.push(e),
            }
        }
        in_time.sort();
        found.slowest_rank = in_time
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, took))| *took)
            .map_or(0, |(rank, _)| rank + 1);
        found.committed = in_time.into_iter().map(|(_, took)| took).collect();
        found.committed.sort();
        found
    })
}

/// The engine's own limit for the same import, side by side: SQLite's shell loads the same
/// CSV into a new journal of the same schema (`.import` into a plain table, one `INSERT …
/// SELECT` into the contacts with their indexes dropped, the indexes built again, one durable
/// commit), without the app's validation, rollups, customers' figures or any trigger.
fn engine_limit(csv: &Path, journal: &Path) -> Duration {
    let sqlite3 = |input: &str| {
        let mut shell = Command::new("sqlite3")
            .arg(journal)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the sqlite3 shell (apt install sqlite3)");
        shell
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("script");
        let out = shell.wait_with_output().expect("sqlite3");
        assert!(out.status.success(), "sqlite3 failed");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    // The contacts' indexes are built again; their triggers (the rollups, the outbox) go.
    let schema = sqlite3(
        "SELECT type || char(9) || name || char(9) || replace(sql, char(10), ' ') || ';' \
         FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'contacts' \
         AND sql IS NOT NULL;",
    );
    let mut drop = Vec::new();
    let mut create = Vec::new();
    for line in schema.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(kind), Some(name), Some(sql)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("unexpected sqlite3 output: {line}");
        };
        drop.push(format!("DROP {} \"{name}\";", kind.to_uppercase()));
        if kind == "index" {
            create.push(sql.to_owned());
        }
    }
    let blank = |c: &str| format!("NULLIF({c}, '')");
    let flag = |c: &str| format!("({c} = 'true')");
    let columns = [
        ("id", "id".to_owned()),
        ("occurred_at", "occurred_at".to_owned()),
        (
            "occurred_ms",
            "CAST(round((julianday(occurred_at) - 2440587.5) * 86400000) AS INTEGER)".to_owned(),
        ),
        ("local_date", "local_date".to_owned()),
        ("iso_week", "iso_week".to_owned()),
        ("logged_at", "logged_at".to_owned()),
        ("updated_at", "updated_at".to_owned()),
        ("staff", "staff".to_owned()),
        ("channel", "channel".to_owned()),
        ("functional", "functional".to_owned()),
        ("emotional", "emotional".to_owned()),
        ("topic", blank("topic")),
        ("customer_ref", blank("customer_ref")),
        ("note", blank("note")),
        ("follow_up", flag("follow_up")),
        ("follow_up_done_at", blank("follow_up_done_at")),
        ("follow_up_done_by", blank("follow_up_done_by")),
        ("reason", blank("reason")),
        ("level", blank("level")),
        ("nps", blank("nps")),
        ("valued", blank("valued")),
        ("due", blank("due")),
        ("star", flag("star")),
    ];
    let (into, from): (Vec<&str>, Vec<String>) = columns.into_iter().unzip();
    let script = format!(
        "PRAGMA synchronous = FULL;\n\
         PRAGMA cache_size = -65536;\n\
         BEGIN;\n\
         {drop}\n\
         .import --csv {csv} plain\n\
         INSERT INTO contacts ({into}) SELECT {from} FROM plain;\n\
         DROP TABLE plain;\n\
         {create}\n\
         COMMIT;\n",
        drop = drop.join("\n"),
        csv = csv.display(),
        into = into.join(", "),
        from = from.join(", "),
        create = create.join("\n"),
    );
    let t = Instant::now();
    sqlite3(&script);
    t.elapsed()
}

/// Waits until the rollups count `expected` contacts in all (the saves made during a bulk
/// write move in once it has committed) and says how long that took.
async fn saves_counted(store: &dyn Store, expected: u64) {
    let all = StatsFilter {
        from: chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"),
        to: chrono::NaiveDate::from_ymd_opt(2100, 1, 1).expect("date"),
        staff: Vec::new(),
        channel: None,
        topic: None,
    };
    let t = Instant::now();
    loop {
        let counted: u64 = store
            .week_counts(&all)
            .await
            .expect("weekly counts")
            .iter()
            .map(|w| u64::from(w.n))
            .sum();
        if counted == expected || t.elapsed() > Duration::from_secs(60) {
            println!(
                "  then counted: {counted} contacts of {expected} (the bulk write's and the saves') after {:.0} ms",
                ms(t.elapsed())
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn print_saves(label: &str, saves: &SavesDuring) {
    let done = &saves.committed;
    if let Some(slowest) = done.last() {
        println!(
            "  {} saves at random moments during the {label}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (the {}. made)",
            done.len(),
            percentile(done, 0.5),
            percentile(done, 0.99),
            ms(*slowest),
            saves.slowest_rank
        );
    }
    if let Some(first) = saves.failed.first() {
        println!(
            "  {} saves during the {label} gave up waiting for the writer (the first {first})",
            saves.failed.len()
        );
    }
}

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

/// 3. The review's queries, median of `REPEAT` runs each, on a journal of `weeks` weeks.
async fn review_queries(journal: &Journal, weeks: u64) {
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
    let facets = journal.facets().await.expect("facets");
    let one = [facets.staff[0].as_str()];
    let three = [
        facets.staff[0].as_str(),
        facets.staff[facets.staff.len() / 2].as_str(),
        facets.staff[facets.staff.len() - 1].as_str(),
    ];
    for (label, query) in [
        ("whole team, 12 weeks".to_owned(), q(12, &[], None, None)),
        (
            format!("whole team, {weeks} weeks"),
            q(weeks, &[], None, None),
        ),
        (
            "one staff member, 12 weeks".to_owned(),
            q(12, &one, None, None),
        ),
        (
            format!("one staff member, {weeks} weeks"),
            q(weeks, &one, None, None),
        ),
        (
            format!("three staff members, {weeks} weeks"),
            q(weeks, &three, None, None),
        ),
        (
            format!("one staff member on one channel, {weeks} weeks"),
            q(weeks, &one, Some(Channel::Phone), None),
        ),
        (
            "one channel, 12 weeks".to_owned(),
            q(12, &[], Some(Channel::Chat), None),
        ),
        (
            "one topic, 12 weeks".to_owned(),
            q(12, &[], None, Some("factuur")),
        ),
    ] {
        let n = median_ms(&format!("weekly statistics, {label}"), || async {
            let report = journal.weekly(&query).await.expect("weekly");
            report.weeks.iter().map(|w| u64::from(w.n)).sum()
        })
        .await;
        println!("  ({n} contacts counted)");
    }
    let twelve = q(12, &[], None, None);
    let all_weeks = q(weeks, &[], None, None);
    for (label, query) in [("12", &twelve), (&*weeks.to_string(), &all_weeks)] {
        median_ms(
            &format!("weekly statistics per staff member, all staff, {label} weeks"),
            || async {
                journal
                    .weekly_by_staff(query)
                    .await
                    .expect("per staff")
                    .len() as u64
            },
        )
        .await;
    }
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
}

#[tokio::main]
async fn main() {
    println!("machine: {}", machine());
    // Only the review's queries, on a journal made before with `contactmoment demo` at the same
    // scale (a copy: the bench saves its settings and a customer's contacts into it), so that
    // the org-wide figures can be taken again without the half hour the demo takes.
    if let Some(made) = std::env::var_os("BENCH_QUERIES_ON") {
        let (_, journal) = open(std::path::Path::new(&made)).await;
        review_queries(&journal, u64::from(scale().weeks)).await;
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    let (store, journal) = open(&path).await;

    // 1. A person pressing Enter: validate + durable commit (WAL, synchronous=FULL).
    let saves = save_contacts(&journal, SAVES, Duration::ZERO).await;
    println!(
        "save one contact (durable commit), {SAVES} saves: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        percentile(&saves, 0.5),
        percentile(&saves, 0.95),
        ms(saves[SAVES - 1])
    );

    // 2. The demo journal the figures below are measured on, with saves made meanwhile.
    let spec = scale();
    let contacts = spec.contacts;
    let weeks = u64::from(spec.weeks);
    // Saves are spread over about as long as the demo takes here (25 µs a contact).
    let saves = saves_at_random_moments(&journal, Duration::from_micros(25 * contacts));
    let before = reset_peak();
    let t = Instant::now();
    let written = journal.load_demo(spec, &mut |_| {}).await.expect("demo");
    println!(
        "demo: generate and write {written} contacts ({} staff, {weeks} weeks): {:.1} s, {}",
        spec.staff,
        t.elapsed().as_secs_f64(),
        peak(before)
    );
    let saves = saves.await.expect("saves");
    print_saves("demo", &saves);
    saves_counted(
        store.as_ref(),
        (SAVES + saves.committed.len()) as u64 + written,
    )
    .await;
    let t = Instant::now();
    store.close().await;
    println!(
        "  closing the journal (its write-ahead log copied into the file): {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // 2b. The save again, now on the whole journal, opened again as a desk's journal is, and
    // at a desk's pace: the background checkpoint runs between saves, as it does in the app.
    let (store, journal) = open(&path).await;
    let saves = save_contacts(&journal, PACED_SAVES, PACE).await;
    println!(
        "save one contact on {contacts} contacts, {PACED_SAVES} saves {} ms apart: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        PACE.as_millis(),
        percentile(&saves, 0.5),
        percentile(&saves, 0.99),
        ms(saves[PACED_SAVES - 1])
    );

    review_queries(&journal, weeks).await;

    // 4. Export everything as CSV, a page at a time, then import that file into an empty
    // journal while saves are made into it.
    let csv = dir.path().join("export.csv");
    let before = reset_peak();
    let t = Instant::now();
    let file = std::fs::File::create(&csv).expect("CSV file");
    let mut w = export::ContactsCsv::new(
        std::io::BufWriter::with_capacity(1 << 16, file),
        export::CsvStyle::PLAIN,
    )
    .expect("csv");
    let exported = journal
        .each_contact(&mut |page| w.write(page))
        .await
        .expect("export");
    w.finish().expect("csv");
    let export_time = t.elapsed();
    println!(
        "export {exported} contacts as CSV ({:.0} MB): {:.1} s, {}",
        std::fs::metadata(&csv).expect("CSV file").len() as f64 / 1e6,
        export_time.as_secs_f64(),
        peak(before)
    );
    let (other, target) = open(&dir.path().join("import.sqlite")).await;
    let before = reset_peak();
    let t = Instant::now();
    let file = std::fs::File::open(&csv).expect("open the CSV");
    let saves = saves_at_random_moments(&target, Duration::from_micros(27 * contacts));
    let report = target
        .import(file, false, &mut |_| {})
        .await
        .expect("import");
    println!(
        "import a {}-row CSV into an empty journal: {:.1} s, {}",
        report.imported,
        t.elapsed().as_secs_f64(),
        peak(before)
    );
    let saves = saves.await.expect("saves");
    print_saves("import", &saves);
    saves_counted(
        other.as_ref(),
        report.imported + saves.committed.len() as u64,
    )
    .await;
    let (limit, _) = open(&dir.path().join("engine.sqlite")).await;
    limit.close().await;
    println!(
        "the engine's limit: sqlite3 .import of the same file into the same table, the same indexes built after, no triggers: {:.1} s",
        engine_limit(&csv, &dir.path().join("engine.sqlite")).as_secs_f64()
    );
    other.close().await;
    store.close().await;
}
