//! `make bench` figures of team mode, on loopback with a throwaway PostgreSQL cluster:
//! - a push of one change (p50/p99 over 200),
//! - a save on a colleague's desk until it is in the lead's journal, with the lead's desk
//!   waiting at the server as the app does (p50/max over 20),
//! - the first pull of a team with 1,000,000 contacts into an empty journal (the lead joining),
//!   and the 12-week review on that journal afterwards.
//!
//! `TEAM_BENCH_CONTACTS` changes the size of the team (default 1,000,000).

// A benchmark reports by printing; it fails loudly.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/it/pg.rs"]
#[allow(dead_code)]
mod pg;
#[path = "../tests/it/support.rs"]
#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant};

use contactmoment_core::team::wire::{PushRequest, Role};
use contactmoment_core::{SqliteStore, WeeklyQuery};
use support::{Desktop, Team};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let contacts: i64 = std::env::var("TEAM_BENCH_CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let team = Team::start("Bench").await;
    let (anna_id, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;

    // 1. One change per push, as after each save.
    let store = SqliteStore::open(&anna.dir.path().join("journal.sqlite"))
        .await
        .unwrap();
    let client = anna.client(&team).await;
    let mut pushes = Vec::new();
    for _ in 0..200 {
        anna.log(4, 4).await;
        let pending = store.pending().await.unwrap();
        let t = Instant::now();
        client
            .push(&PushRequest { ops: pending.ops })
            .await
            .unwrap();
        pushes.push(t.elapsed());
        store.acknowledge(pending.up_to).await.unwrap();
    }
    pushes.sort();
    println!(
        "team push of one change (loopback, plain HTTP): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over 200",
        ms(pct(&pushes, 0.5)),
        ms(pct(&pushes, 0.99)),
        ms(*pushes.last().unwrap())
    );

    // 2. Save on Anna's desk → in the lead's journal, the lead waiting at the server.
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let waiting = {
        let desk = lead.desk.clone();
        tokio::spawn(async move {
            loop {
                let _ = desk.sync_waiting().await;
            }
        })
    };
    let mut seen = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let id = anna.log(5, 5).await;
        anna.desk.sync().await.unwrap();
        while lead.desk.journal().get(&id).await.is_err() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        seen.push(t.elapsed());
    }
    waiting.abort();
    seen.sort();
    println!(
        "save on a staff desk → in the lead's journal (lead waiting at the server): p50 {:.0} ms, max {:.0} ms over 20",
        ms(pct(&seen, 0.5)),
        ms(*seen.last().unwrap())
    );

    // 3. A team with many contacts (written straight into the server's database, over two
    //    years in no particular order, the hardest case for the journal's indexes), pulled by
    //    a lead joining on a new desk.
    let t = Instant::now();
    team.write_history(anna_id, contacts).await;
    println!(
        "({contacts} contacts written into the server's database in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let (_, lead_code) = team.member("Lea on a new desk", Role::Lead).await;
    let fresh = Desktop::new("Lea").await;
    let t = Instant::now();
    let (_, report) = fresh.desk.join_team(&lead_code, true).await.unwrap();
    let first_pull = t.elapsed();
    println!(
        "first pull of a team with {} contacts into an empty journal: {:.1} s",
        report.pulled,
        first_pull.as_secs_f64()
    );
    let mut reviews = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        fresh
            .desk
            .journal()
            .review(&WeeklyQuery::default())
            .await
            .unwrap();
        reviews.push(t.elapsed());
    }
    reviews.sort();
    println!(
        "12-week review on the lead's synced journal: median {:.1} ms of 5",
        ms(reviews[2])
    );
}
