//! Nothing saved is lost and nothing arrives twice: PostgreSQL crashing in the middle of
//! pushes, a reply lost after the server committed, a desk closed between its save and its
//! push, a desk that could not reach the server for a while.

use std::collections::BTreeMap;
use std::time::Duration;

use contactmoment_core::team::wire::{PushRequest, Role};
use uuid::Uuid;

use crate::support::{Desktop, Team};

/// Every contact on the server that is not erased: id → (functional, emotional).
async fn on_server(team: &Team) -> BTreeMap<String, (i64, i64)> {
    let rows: Vec<(Uuid, i64, i64)> = sqlx::query_as(
        "SELECT id, (body->>'functional')::bigint, (body->>'emotional')::bigint \
         FROM contacts WHERE body IS NOT NULL AND deleted_at IS NULL",
    )
    .fetch_all(&team.owner)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, f, e)| (id.to_string(), (f, e)))
        .collect()
}

/// Every live contact a desk holds: id → (functional, emotional).
async fn on_desk(d: &Desktop) -> BTreeMap<String, (i64, i64)> {
    d.desk
        .journal()
        .list(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.id.to_string(),
                (i64::from(c.functional), i64::from(c.emotional)),
            )
        })
        .collect()
}

/// Syncs until it works (the server or its database may be down for a moment).
async fn sync_until_done(d: &Desktop) {
    for _ in 0..100 {
        if d.desk.sync().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("sync did not succeed within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_crashing_during_pushes_loses_nothing_and_duplicates_nothing() {
    let team = Team::start_alone("Crashes").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    // First, one push held in flight for certain: another transaction holds the team's row,
    // the push waits for it inside its own transaction, and the database dies right then.
    anna.log(3, 3).await;
    {
        let member: Uuid = sqlx::query_scalar("SELECT id FROM members WHERE name = 'Anna'")
            .fetch_one(&team.owner)
            .await
            .unwrap();
        let pool = crate::support::server_pool(&team.cluster, &team.db).await;
        let mut held = crate::support::acting_as(&pool, member).await;
        sqlx::query("SELECT cm_next_versions(1)")
            .execute(&mut *held)
            .await
            .unwrap();
        let in_flight = {
            let desk = anna.desk.clone();
            tokio::spawn(async move { desk.sync().await })
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
            )
            .fetch_one(&team.owner)
            .await
            .unwrap();
            if waiting > 0 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the push never reached the lock"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        team.cluster.stop_immediate();
        assert!(
            in_flight.await.unwrap().is_err(),
            "the push in flight failed with the database"
        );
        drop(held);
        team.cluster.start_server();
    }
    let mut failures = 0;
    for round in 0..3 {
        // Saves and pushes keep going while the database goes down and comes back.
        let pusher = {
            let desk = anna.desk.clone();
            tokio::spawn(async move {
                let mut failed = 0;
                for i in 0..40 {
                    desk.journal()
                        .log(&contactmoment_core::ContactInput {
                            functional: Some(1 + (i % 5)),
                            emotional: Some(1 + ((i + round) % 5)),
                            ..Default::default()
                        })
                        .await
                        .unwrap();
                    // Every fourth save also edits an earlier contact: the server must
                    // end with each contact's latest version.
                    if i % 4 == 3 {
                        let earlier = desk.journal().recent(3).await.unwrap();
                        if let Some(c) = earlier.last() {
                            desk.journal()
                                .update(
                                    &c.id.to_string(),
                                    &contactmoment_core::ContactInput {
                                        occurred_at: Some(c.occurred_at.to_rfc3339()),
                                        functional: Some(1 + ((i + 2) % 5)),
                                        emotional: Some(i32::from(c.emotional)),
                                        ..Default::default()
                                    },
                                )
                                .await
                                .unwrap();
                        }
                    }
                    if desk.sync().await.is_err() {
                        failed += 1;
                    }
                }
                failed
            })
        };
        tokio::time::sleep(Duration::from_millis(150)).await;
        team.cluster.stop_immediate();
        tokio::time::sleep(Duration::from_millis(300)).await;
        team.cluster.start_server();
        failures += pusher.await.unwrap();
    }
    assert!(failures > 0, "the database was down while pushes ran");
    sync_until_done(&anna).await;
    sync_until_done(&lead).await;
    let local = on_desk(&anna).await;
    assert_eq!(local.len(), 121);
    assert_eq!(
        on_server(&team).await,
        local,
        "every saved contact once, in its latest version"
    );
    assert_eq!(on_desk(&lead).await, local);
    // Each change took exactly its numbers: every applied operation is recorded once.
    let (ops, version): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM applied_ops), (SELECT version FROM teams WHERE name = 'Crashes')",
    )
    .fetch_one(&team.owner)
    .await
    .unwrap();
    assert!(
        ops > 121 && version >= ops,
        "{ops} operations, team version {version}"
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
        .fetch_one(&team.owner)
        .await
        .unwrap();
    assert_eq!(rows, 121);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_reply_a_closed_desk_and_a_day_offline_lose_nothing() {
    let mut team = Team::start("Offline").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let mut anna = Desktop::join("Anna", &code).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;

    // The server commits a push whose reply never arrives: the desk still has the changes
    // in its outbox and sends them again, which changes nothing.
    anna.log(4, 4).await;
    anna.log(2, 2).await;
    let client = anna.client(&team).await;
    let sent_ops = {
        // What the next push would send, sent by hand and its reply dropped.
        let status = anna.desk.team_status().await.unwrap().unwrap();
        assert_eq!(status.waiting, 2);
        let store = contactmoment_core::SqliteStore::open(&anna.dir.path().join("journal.sqlite"))
            .await
            .unwrap();
        let pending = store.pending().await.unwrap();
        let _dropped = client
            .push(&PushRequest {
                ops: pending.ops.clone(),
            })
            .await
            .unwrap();
        pending.ops.len()
    };
    assert_eq!(sent_ops, 2);
    let resent = anna.desk.sync().await.unwrap();
    assert_eq!((resent.pushed, resent.skipped), (0, 2), "{resent:?}");

    // A save, then the desk closes before any push: the change waits in the journal.
    let unsent = anna.log(5, 5).await;
    anna.reopen().await;
    assert_eq!(anna.desk.team_status().await.unwrap().unwrap().waiting, 1);

    // A day without the server: logging goes on, sync says why it cannot.
    team.stop_server();
    for _ in 0..30 {
        anna.log(3, 4).await;
    }
    let err = anna.desk.sync().await.unwrap_err();
    assert!(err.to_string().contains("cannot be reached"), "{err}");
    let status = anna.desk.team_status().await.unwrap().unwrap();
    assert_eq!(status.waiting, 31);
    assert!(status.last_error.is_some());
    team.restart_server().await;
    sync_until_done(&anna).await;
    sync_until_done(&lead).await;
    let status = anna.desk.team_status().await.unwrap().unwrap();
    assert_eq!((status.waiting, status.last_error), (0, None));
    let local = on_desk(&anna).await;
    assert_eq!(local.len(), 33);
    assert!(local.contains_key(&unsent));
    assert_eq!(on_server(&team).await, local);
    assert_eq!(on_desk(&lead).await, local);
}

/// `contactmoment log` killed with SIGKILL at random moments on a desk in a team: every
/// contact the CLI acknowledged (printed its id) reaches the server with the next sync, and so
/// does every contact that made it into the journal at all; nothing arrives twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_killed_between_its_save_and_its_push_loses_nothing() {
    use rand::{Rng, SeedableRng};
    use std::process::{Command, Stdio};

    let team = Team::start("Killed").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let journal = anna.dir.path().join("journal.sqlite");
    // The CLI built beside this test binary (target/debug/contactmoment).
    let cli = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("contactmoment"))
        .unwrap();
    assert!(cli.is_file(), "the CLI is built: {}", cli.display());
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut acknowledged = Vec::new();
    let mut killed = 0;
    for i in 0..30 {
        let mut child = Command::new(&cli)
            .args(["--db", &journal.display().to_string(), "log"])
            .args(["--functional", &(1 + i % 5).to_string(), "--emotional", "4"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if i % 3 != 0 {
            std::thread::sleep(Duration::from_millis(rng.gen_range(0..40)));
            if child.kill().is_ok() {
                killed += 1;
            }
        }
        let out = child.wait_with_output().unwrap();
        let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if out.status.success() && !id.is_empty() {
            acknowledged.push(id);
        }
    }
    assert!(
        killed > 0 && !acknowledged.is_empty(),
        "{killed} killed, {} saved",
        acknowledged.len()
    );
    anna.desk.sync().await.unwrap();
    let local = on_desk(&anna).await;
    let server = on_server(&team).await;
    for id in &acknowledged {
        assert!(
            server.contains_key(id),
            "acknowledged {id} is on the server"
        );
    }
    assert_eq!(
        server, local,
        "whatever the journal holds, the server holds once"
    );
    assert_eq!(anna.desk.team_status().await.unwrap().unwrap().waiting, 0);
}
