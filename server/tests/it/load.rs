//! Many desks at once: 50 desks in three teams (their clocks a few minutes apart) make
//! 10,000 changes — new contacts, edits, deletions, follow-ups marked done — syncing as they
//! go, with the server restarted once in the middle. Afterwards nothing is lost or doubled,
//! every desk holds exactly what the server has for it, and each lead's weekly figures equal a
//! recount from the server. `LOAD_OPS` sets the number of changes (default 10,000).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta};
use contactmoment_core::team::wire::Role;
use contactmoment_core::{Clock, ContactInput, Desk, SettingsInput, SystemClock, WeeklyQuery};
use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;

use crate::support::Team;

/// The machine's time, off by a fixed amount: a desk whose clock runs early or late.
struct Skewed(TimeDelta);

impl Clock for Skewed {
    fn now(&self) -> DateTime<FixedOffset> {
        SystemClock.now() + self.0
    }

    fn offset_at(&self, local: NaiveDateTime) -> Option<FixedOffset> {
        SystemClock.offset_at(local)
    }
}

struct Sim {
    desk: Desk,
    lead: bool,
    _dir: tempfile::TempDir,
}

async fn desk(code: &str, name: &str, skew_s: i64, lead: bool) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(
        &dir.path().join("j.sqlite").display().to_string(),
        Arc::new(Skewed(TimeDelta::seconds(skew_s))),
    )
    .await
    .unwrap()
    .with_key_file(dir.path().join("key"));
    desk.journal()
        .save_settings(&SettingsInput {
            display_name: name.into(),
            ..SettingsInput::default()
        })
        .await
        .unwrap();
    desk.join_team(code, true).await.unwrap();
    Sim {
        desk,
        lead,
        _dir: dir,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Live contacts as the server has them for a team: id → (functional, emotional, follow-up done).
async fn server_rows(
    team: &Team,
    team_id: uuid::Uuid,
) -> BTreeMap<String, (i64, i64, bool, String)> {
    live_rows(team, "team_id", team_id).await
}

/// The same for one member's contacts.
async fn member_rows(
    team: &Team,
    member: uuid::Uuid,
) -> BTreeMap<String, (i64, i64, bool, String)> {
    live_rows(team, "member_id", member).await
}

/// The live contacts on the server whose `column` is `id`.
async fn live_rows(
    team: &Team,
    column: &str,
    id: uuid::Uuid,
) -> BTreeMap<String, (i64, i64, bool, String)> {
    let rows: Vec<(uuid::Uuid, i64, i64, bool, String)> = sqlx::query_as(&format!(
        "SELECT id, (body->>'functional')::bigint, (body->>'emotional')::bigint, \
         body->>'follow_up_done_at' IS NOT NULL, body->>'iso_week' FROM contacts \
         WHERE {column} = $1 AND body IS NOT NULL AND deleted_at IS NULL"
    ))
    .bind(id)
    .fetch_all(&team.owner)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, f, e, done, week)| (id.to_string(), (f, e, done, week)))
        .collect()
}

async fn desk_rows(d: &Desk) -> BTreeMap<String, (i64, i64, bool, String)> {
    d.journal()
        .list(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.id.to_string(),
                (
                    i64::from(c.functional),
                    i64::from(c.emotional),
                    c.follow_up_done_at.is_some(),
                    c.iso_week,
                ),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_desks_in_three_teams_converge_without_loss() {
    let ops: usize = std::env::var("LOAD_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut team = Team::start("Team A").await;
    // Three teams on one server: the first made with the harness, two more by the admin.
    let public = team.public.clone();
    let mut teams = vec![(team.team_id, team.lead_code.clone())];
    for name in ["Team B", "Team C"] {
        let made = contactmoment_server::admin::create_team(&team.owner, name, "Lead", &public)
            .await
            .unwrap();
        teams.push((made.team_id, made.lead_code));
    }
    let sizes = [20usize, 17, 13];
    let mut sims = Vec::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for ((team_id, lead_code), size) in teams.iter().zip(sizes) {
        sims.push(desk(lead_code, "Lead", rng.gen_range(-300..300), true).await);
        for i in 1..size {
            let (_, code) = contactmoment_server::admin::add_member(
                &team.owner,
                *team_id,
                &format!("Staff {i}"),
                Role::Staff,
                &public,
            )
            .await
            .unwrap();
            sims.push(
                desk(
                    &code,
                    &format!("Staff {i}"),
                    rng.gen_range(-300..300),
                    false,
                )
                .await,
            );
        }
    }
    assert_eq!(sims.len(), 50);
    let sims = Arc::new(sims);
    let timings = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let away = Arc::new(Mutex::new(0u32));
    let per_desk = ops / sims.len();
    let started = Instant::now();

    let run_half = |half: usize| {
        let sims = sims.clone();
        let timings = timings.clone();
        let errors = errors.clone();
        let away = away.clone();
        async move {
            let mut tasks = Vec::new();
            for (n, _) in sims.iter().enumerate() {
                let sims = sims.clone();
                let timings = timings.clone();
                let errors = errors.clone();
                let away = away.clone();
                tasks.push(tokio::spawn(async move {
                    let sim = &sims[n];
                    let j = sim.desk.journal();
                    let mut rng = rand::rngs::StdRng::seed_from_u64((n * 31 + half) as u64);
                    for k in 0..per_desk / 2 {
                        let live = j.list(&Default::default()).await.unwrap();
                        let pick =
                            (!live.is_empty()).then(|| live[rng.gen_range(0..live.len())].clone());
                        let roll: u32 = rng.gen_range(0..100);
                        let result = match (roll, pick) {
                            (0..50, _) | (_, None) => j
                                .log(&ContactInput {
                                    functional: Some(rng.gen_range(1..=5)),
                                    emotional: Some(rng.gen_range(1..=5)),
                                    follow_up: rng.gen_bool(0.3),
                                    ..ContactInput::default()
                                })
                                .await
                                .map(|_| ()),
                            (50..75, Some(c)) if !sim.lead || c.staff == "Lead" => j
                                .update(
                                    &c.id.to_string(),
                                    &ContactInput {
                                        occurred_at: Some(c.occurred_at.to_rfc3339()),
                                        functional: Some(rng.gen_range(1..=5)),
                                        emotional: Some(i32::from(c.emotional)),
                                        follow_up: c.follow_up,
                                        ..ContactInput::default()
                                    },
                                )
                                .await
                                .map(|_| ()),
                            (75..90, Some(c)) if !sim.lead || c.staff == "Lead" => {
                                j.delete(&c.id.to_string()).await
                            }
                            (_, Some(c)) if c.follow_up || c.emotional <= 2 => j
                                .set_follow_up_done(&c.id.to_string(), true)
                                .await
                                .map(|_| ()),
                            _ => Ok(()),
                        };
                        if let Err(e) = result {
                            errors.lock().await.push(format!("desk {n}: {e}"));
                        }
                        if k % 10 == 9 {
                            let t = Instant::now();
                            match sim.desk.sync().await {
                                Ok(_) => timings.lock().await.push(t.elapsed()),
                                // While the server restarts it cannot be reached; the desk
                                // tries again later. Any other failure is an error.
                                Err(e) if e.to_string().contains("cannot be reached") => {
                                    *away.lock().await += 1;
                                }
                                Err(e) => errors.lock().await.push(format!("desk {n} sync: {e}")),
                            }
                        }
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        }
    };
    // The server restarts while the desks are busy: they carry on, and catch up.
    let mut restarted = Instant::now();
    tokio::join!(run_half(0), async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        team.restart_server().await;
        restarted = Instant::now();
    });
    run_half(1).await;
    let converge = Instant::now();
    for _ in 0..3 {
        for sim in sims.iter() {
            sim.desk.sync().await.unwrap();
        }
    }
    let converged_in = converge.elapsed();
    let total = started.elapsed();
    assert_eq!(*errors.lock().await, Vec::<String>::new(), "0 errors");

    // Nothing lost, nothing doubled: each desk holds exactly what the server has for it.
    let mut checked = 0;
    for (t, (team_id, _)) in teams.iter().enumerate() {
        let on_server = server_rows(&team, *team_id).await;
        let first = sizes[..t].iter().sum::<usize>();
        let lead = &sims[first];
        assert!(lead.lead);
        assert_eq!(
            desk_rows(&lead.desk).await,
            on_server,
            "team {t}: the lead holds the server's team"
        );
        // Each staff desk holds exactly its member's contacts as the server has them, and
        // together with the lead's own they are the team's.
        let mut from_desks = BTreeMap::new();
        for (i, sim) in sims[first..first + sizes[t]].iter().enumerate() {
            let status = sim.desk.team_status().await.unwrap().unwrap();
            assert_eq!(status.waiting, 0);
            // Each team has one lead (named by whoever made the team) and staff "Staff i".
            let member: uuid::Uuid = sqlx::query_scalar(
                "SELECT id FROM members WHERE team_id = $1 \
                 AND ((role = 'lead' AND $2 = 0) OR name = 'Staff ' || $2)",
            )
            .bind(team_id)
            .bind(i as i32)
            .fetch_one(&team.owner)
            .await
            .unwrap();
            let theirs = member_rows(&team, member).await;
            let own = desk_rows(&sim.desk).await;
            if sim.lead {
                assert!(theirs.keys().all(|id| own.contains_key(id)));
                from_desks.extend(theirs);
            } else {
                assert_eq!(
                    own, theirs,
                    "team {t}, staff {i}: the desk and the server agree"
                );
                from_desks.extend(own);
            }
        }
        assert_eq!(
            from_desks, on_server,
            "team {t}: the server holds what the desks hold"
        );
        // The lead's weekly figures are a recount of the server's contacts.
        let report = lead
            .desk
            .journal()
            .weekly(&WeeklyQuery::default())
            .await
            .unwrap();
        let mut recount: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
        for (f, e, _, week) in on_server.values() {
            let w = recount.entry(week.clone()).or_default();
            w.0 += 1;
            w.1 += u32::from(*f >= 4);
            w.2 += u32::from(*e >= 4);
        }
        for w in report.weeks.iter().filter(|w| w.n > 0) {
            assert_eq!(
                recount.get(&w.week),
                Some(&(w.n, w.functional_positive, w.emotional_positive)),
                "team {t}, {}",
                w.week
            );
        }
        assert_eq!(
            report.weeks.iter().map(|w| w.n).sum::<u32>() as usize,
            on_server.len()
        );
        checked += on_server.len();
    }
    let created: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
        .fetch_one(&team.owner)
        .await
        .unwrap();
    let mut t = timings.lock().await.clone();
    t.sort();
    println!(
        "load: {ops} changes by 50 desks in {:.1} s; {} contacts on the server ({checked} live); \
         sync rounds (push + pull) p50 {:.1} ms, p99 {:.1} ms over {} ({} while the server \
         restarted); converged {:.2} s after the last change, {:.1} s after the restart",
        total.as_secs_f64(),
        created,
        percentile(&t, 0.5).as_secs_f64() * 1000.0,
        percentile(&t, 0.99).as_secs_f64() * 1000.0,
        t.len(),
        *away.lock().await,
        converged_in.as_secs_f64(),
        restarted.elapsed().as_secs_f64(),
    );
}
