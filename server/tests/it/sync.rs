//! Local-first sync through the server: what staff save reaches their lead, edits and
//! erasures follow, a resent push changes nothing, and a pull never skips a change that
//! committed late.

use contactmoment_core::model::Reason;
use contactmoment_core::store::sqlite::BULK_REBUILD_MIN;
use contactmoment_core::team::sync::LARGE_PULL;
use contactmoment_core::team::wire::{Op, PushRequest, Role};
use contactmoment_core::{Clock, ContactInput, SystemClock, WeeklyQuery};

use crate::support::{Desktop, Team};

/// Each week's counts: (week, n, rated 4-5 on solved, rated 4-5 on welcome).
fn counts(r: &contactmoment_core::WeeklyReport) -> Vec<(String, u32, u32, u32)> {
    r.weeks
        .iter()
        .map(|w| {
            (
                w.week.clone(),
                w.n,
                w.functional_positive,
                w.emotional_positive,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_sees_the_team_week_and_staff_see_only_their_own() {
    let team = Team::start("Service desk").await;
    let (_, code_a) = team.member("Anna", Role::Staff).await;
    let (_, code_b) = team.member("Bram", Role::Staff).await;
    // Anna logged before she joined: her history comes along.
    let anna = Desktop::new("Anna").await;
    let before = anna.log(5, 2).await;
    anna.desk.join_team(&code_a, true).await.unwrap();
    let bram = Desktop::join("Bram", &code_b).await;
    let mut expected = vec![before];
    for (f, e) in [(4, 4), (2, 5), (1, 1)] {
        expected.push(anna.log(f, e).await);
    }
    for (f, e) in [(5, 5), (3, 2)] {
        expected.push(bram.log(f, e).await);
    }
    // Deleted before the lead ever saw it: it must not count in the lead's figures.
    let deleted = bram.log(4, 4).await;
    bram.desk.journal().delete(&deleted).await.unwrap();
    // The contact from before joining went at the join; these three now.
    let report = anna.desk.sync().await.unwrap();
    assert_eq!(report.pushed, 3, "{report:?}");
    assert_eq!(report.waiting, 0);
    bram.desk.sync().await.unwrap();

    let lead = Desktop::join("Lea", &team.lead_code).await;
    expected.sort();
    assert_eq!(
        lead.ids().await,
        expected,
        "the lead holds the whole team's contacts"
    );
    // Staff pull only their own.
    anna.desk.sync().await.unwrap();
    assert_eq!(anna.ids().await.len(), 4);

    // The lead's weekly figures equal those of the journals that fed it, added up.
    let q = WeeklyQuery::default();
    let on_lead = lead.desk.journal().weekly(&q).await.unwrap();
    let a = anna.desk.journal().weekly(&q).await.unwrap();
    let b = bram.desk.journal().weekly(&q).await.unwrap();
    let added: Vec<_> = counts(&a)
        .into_iter()
        .zip(counts(&b))
        .map(|(x, y)| (x.0, x.1 + y.1, x.2 + y.2, x.3 + y.3))
        .collect();
    assert_eq!(counts(&on_lead), added);
    assert_eq!(added.iter().map(|w| w.1).sum::<u32>(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_deletes_follow_ups_and_erasures_reach_every_desk_that_may_see_them() {
    let team = Team::start("Edits").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let id = anna.log(2, 1).await;
    let gone = anna.log(4, 4).await;
    let erased = anna.log(3, 3).await;
    anna.desk
        .journal()
        .update(
            &erased,
            &ContactInput {
                functional: Some(3),
                emotional: Some(3),
                customer_ref: Some("K-4711".into()),
                ..ContactInput::default()
            },
        )
        .await
        .unwrap();
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    assert_eq!(lead.ids().await.len(), 3);

    // Anna edits and deletes; the lead marks the follow-up done.
    anna.desk
        .journal()
        .update(
            &id,
            &ContactInput {
                functional: Some(2),
                emotional: Some(1),
                note: Some("called back".into()),
                reason: Some("too_slow".into()),
                level: Some(2),
                nps: Some(4),
                valued: Some(2),
                ..ContactInput::default()
            },
        )
        .await
        .unwrap();
    anna.desk.journal().delete(&gone).await.unwrap();
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    let seen = lead.desk.journal().get(&id).await.unwrap();
    assert_eq!(
        (seen.functional, seen.note.as_deref()),
        (2, Some("called back"))
    );
    // The optional answers travel with the contact.
    let anna_has = anna.desk.journal().get(&id).await.unwrap();
    assert_eq!(
        (seen.reason, seen.level, seen.nps, seen.valued),
        (Some(Reason::TooSlow), Some(2), Some(4), Some(2))
    );
    // Welcome 1 needs a follow-up, promised for the next working day after the contact's.
    assert_eq!(
        seen.due,
        Some(contactmoment_core::validate::next_working_day(
            anna_has.local_date
        ))
    );
    // The lead marks Anna's contact for the team meeting; the mark reaches Anna.
    lead.desk.journal().set_star(&id, true).await.unwrap();
    lead.desk.sync().await.unwrap();
    anna.desk.sync().await.unwrap();
    assert!(anna.desk.journal().get(&id).await.unwrap().star);
    assert!(
        lead.desk.journal().get(&gone).await.is_err(),
        "deleted on the lead too"
    );
    lead.desk
        .journal()
        .set_follow_up_done(&id, true)
        .await
        .unwrap();
    lead.desk.sync().await.unwrap();
    anna.desk.sync().await.unwrap();
    let back = anna.desk.journal().get(&id).await.unwrap();
    assert!(
        back.follow_up_done_at.is_some(),
        "the lead's follow-up reached Anna"
    );
    assert_eq!(
        (back.note.as_deref(), back.level, back.star),
        (Some("called back"), Some(2), true),
        "and changed nothing else"
    );
    // A lead's desk that sends a colleague's contact with other ratings and another note
    // changes only the follow-up on the server.
    let as_lead = lead.client(&team).await;
    let forged = Op {
        op_id: uuid::Uuid::now_v7(),
        contact_id: back.id,
        changed_at: contactmoment_core::Clock::now(&contactmoment_core::SystemClock)
            .with_timezone(&chrono::Utc),
        contact: Some(contactmoment_core::Contact {
            functional: 5,
            reason: None,
            level: Some(5),
            nps: Some(10),
            valued: Some(5),
            due: None,
            star: false,
            note: Some("rewritten by the lead".into()),
            follow_up_done_at: None,
            follow_up_done_by: None,
            ..back.clone()
        }),
        deleted_at: None,
    };
    as_lead
        .push(&PushRequest { ops: vec![forged] })
        .await
        .unwrap();
    anna.desk.sync().await.unwrap();
    let kept = anna.desk.journal().get(&id).await.unwrap();
    assert_eq!(
        (kept.functional, kept.note.as_deref()),
        (2, Some("called back"))
    );
    assert_eq!(
        (kept.reason, kept.level, kept.nps, kept.valued, kept.due),
        (Some(Reason::TooSlow), Some(2), Some(4), Some(2), seen.due),
        "Anna's answers stay hers"
    );
    assert!(
        kept.follow_up_done_at.is_none() && !kept.star,
        "the lead reopened the follow-up and took it off the meeting's list"
    );

    // An erasure leaves only the id, and every desk erases it.
    assert_eq!(
        anna.desk.journal().erase_customer("K-4711").await.unwrap(),
        1
    );
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    assert!(lead
        .desk
        .journal()
        .customer_contacts("K-4711")
        .await
        .unwrap()
        .is_empty());
    let body: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT body FROM contacts WHERE id = $1::uuid")
            .bind(&erased)
            .fetch_one(&team.owner)
            .await
            .unwrap();
    assert!(
        body.is_none(),
        "the server keeps no trace of the erased contact but its id"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resent_push_changes_nothing_and_an_older_edit_loses() {
    let team = Team::start("Resend").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    anna.log(4, 4).await;
    let link = anna.desk.team_status().await.unwrap().unwrap();
    assert_eq!(link.waiting, 1);
    anna.desk.sync().await.unwrap();
    let contact = anna.desk.journal().list(&Default::default()).await.unwrap()[0].clone();

    let client = anna.client(&team).await;
    let op = Op {
        op_id: uuid::Uuid::now_v7(),
        contact_id: contact.id,
        changed_at: contactmoment_core::Clock::now(&contactmoment_core::SystemClock)
            .with_timezone(&chrono::Utc),
        contact: Some(contactmoment_core::Contact {
            functional: 1,
            ..contact.clone()
        }),
        deleted_at: None,
    };
    let first = client
        .push(&PushRequest {
            ops: vec![op.clone()],
        })
        .await
        .unwrap();
    let team_version = || async {
        sqlx::query_scalar::<_, i64>("SELECT version FROM teams WHERE id = $1")
            .bind(team.team_id)
            .fetch_one(&team.owner)
            .await
            .unwrap()
    };
    let before = team_version().await;
    let again = client
        .push(&PushRequest {
            ops: vec![op.clone()],
        })
        .await
        .unwrap();
    assert_eq!((first.applied, again.applied, again.skipped), (1, 0, 1));
    assert_eq!(
        team_version().await,
        before,
        "a resent operation takes no change number"
    );
    // The same operation id with another body and a later time is still the same operation:
    // skipped by its id, not by the time rule.
    let altered = Op {
        changed_at: op.changed_at + chrono::Duration::seconds(1),
        contact: Some(contactmoment_core::Contact {
            functional: 3,
            ..contact.clone()
        }),
        ..op.clone()
    };
    let resent = client
        .push(&PushRequest {
            ops: vec![altered.clone(), altered],
        })
        .await
        .unwrap();
    assert_eq!((resent.applied, resent.skipped), (0, 2));
    let stored: i64 =
        sqlx::query_scalar("SELECT (body->>'functional')::bigint FROM contacts WHERE id = $1")
            .bind(contact.id)
            .fetch_one(&team.owner)
            .await
            .unwrap();
    assert_eq!(stored, 1);
    assert_eq!(team_version().await, before);
    // An edit stamped before the stored one loses, and the desk that made it pulls the winner.
    let stale = Op {
        op_id: uuid::Uuid::now_v7(),
        changed_at: op.changed_at - chrono::Duration::minutes(5),
        contact: Some(contactmoment_core::Contact {
            functional: 5,
            ..contact.clone()
        }),
        ..op.clone()
    };
    let lost = client
        .push(&PushRequest { ops: vec![stale] })
        .await
        .unwrap();
    assert_eq!((lost.applied, lost.skipped), (0, 1));
    anna.desk.sync().await.unwrap();
    assert_eq!(
        anna.desk
            .journal()
            .get(&contact.id.to_string())
            .await
            .unwrap()
            .functional,
        1
    );
}

/// Two pushes of one team: the first takes its change numbers and is held open before
/// commit; the second must wait for it, so a pull made meanwhile can never see the second's
/// change (a higher number) without the first's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_never_skips_a_change_that_committed_late() {
    let team = Team::start("Order").await;
    let (member, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    anna.log(4, 4).await;
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();

    // The first push, by hand as the server role would run it, held before its commit.
    let pool = crate::support::server_pool(&team.cluster, &team.db).await;
    let mut held = crate::support::acting_as(&pool, member).await;
    let first: i64 = sqlx::query_scalar("SELECT cm_next_versions(1)")
        .fetch_one(&mut *held)
        .await
        .unwrap();

    // The second push (through the API) starts now and has to wait for the first.
    let second_id = anna.log(5, 5).await;
    let pusher = {
        let desk = anna.desk.clone();
        tokio::spawn(async move { desk.sync().await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !pusher.is_finished(),
        "the second push waits for the first one's commit"
    );
    lead.desk.sync().await.unwrap();
    assert!(
        lead.desk.journal().get(&second_id).await.is_err(),
        "nothing of the second push is visible before the first commits"
    );

    // The first commits a contact with its (lower) number; then the second goes through.
    let late = uuid::Uuid::now_v7();
    let body = serde_json::json!({
        "id": late, "occurred_at": "2026-12-01T10:00:00+01:00", "local_date": "2026-12-01",
        "iso_week": "2026-W49", "logged_at": "2026-12-01T09:00:00Z",
        "updated_at": "2026-12-01T09:00:00Z", "staff": "Anna", "staff_id": null,
        "channel": "phone", "functional": 2, "emotional": 2, "topic": null,
        "customer_ref": null, "note": null, "follow_up": false,
        "follow_up_done_at": null, "follow_up_done_by": null
    });
    sqlx::query(
        "INSERT INTO contacts (id, team_id, member_id, version, changed_at, device_id, body) \
         VALUES ($1, cm_team(), $2, $3, now(), gen_random_uuid(), $4)",
    )
    .bind(late)
    .bind(member)
    .bind(first)
    .bind(body)
    .execute(&mut *held)
    .await
    .unwrap();
    held.commit().await.unwrap();
    pusher.await.unwrap().unwrap();
    lead.desk.sync().await.unwrap();
    assert!(
        lead.desk.journal().get(&late.to_string()).await.is_ok(),
        "the late commit was pulled"
    );
    assert!(lead.desk.journal().get(&second_id).await.is_ok());
}

/// A lead's team settings reach every desk; with pseudonyms on, one customer has one
/// pseudonym in the whole team, so the lead finds and erases a customer a colleague logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_settings_and_one_pseudonym_key_per_team() {
    let team = Team::start("Privacy").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let anna = Desktop::join("Anna", &code).await;
    let input = contactmoment_core::SettingsInput {
        display_name: "Lea".into(),
        target_emotional: Some(60),
        pseudonymise_customers: true,
        ..contactmoment_core::SettingsInput::default()
    };
    lead.desk.journal().save_settings(&input).await.unwrap();
    lead.desk.sync().await.unwrap();
    anna.desk.sync().await.unwrap();
    let hers = anna.desk.journal().settings().await.unwrap();
    assert_eq!(
        (hers.target_emotional, hers.pseudonymise_customers),
        (Some(60), true)
    );
    assert_eq!(hers.display_name, "Anna", "her own name stays hers");

    let logged = anna
        .desk
        .journal()
        .log(&ContactInput {
            functional: Some(2),
            emotional: Some(2),
            customer_ref: Some("K-4711".into()),
            ..ContactInput::default()
        })
        .await
        .unwrap();
    let stored = logged.customer_ref.clone().unwrap();
    assert!(stored.starts_with("ps:"), "{stored}");
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    let found = lead
        .desk
        .journal()
        .customer_contacts("K-4711")
        .await
        .unwrap();
    assert_eq!(
        found.len(),
        1,
        "the lead finds Anna's customer by the plain reference"
    );
    assert_eq!(
        lead.desk.journal().erase_customer("K-4711").await.unwrap(),
        1
    );
    lead.desk.sync().await.unwrap();
    anna.desk.sync().await.unwrap();
    assert!(anna
        .desk
        .journal()
        .customer_contacts("K-4711")
        .await
        .unwrap()
        .is_empty());
    let left: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT body FROM contacts WHERE id = $1")
            .bind(logged.id)
            .fetch_one(&team.owner)
            .await
            .unwrap();
    assert!(left.is_none());
}

/// A desk whose own edit lost to a newer one ends with the winner, and nothing left to send.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_whose_edit_lost_ends_with_the_winner() {
    let team = Team::start("Winner").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let id = anna.log(4, 4).await;
    anna.desk.sync().await.unwrap();
    let contact = anna.desk.journal().get(&id).await.unwrap();
    // Anna edits on this desk without syncing…
    anna.desk
        .journal()
        .update(
            &id,
            &ContactInput {
                occurred_at: Some(contact.occurred_at.to_rfc3339()),
                functional: Some(2),
                emotional: Some(4),
                ..ContactInput::default()
            },
        )
        .await
        .unwrap();
    // …while a later edit from her other desk reaches the server first.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let client = anna.client(&team).await;
    let winner = Op {
        op_id: uuid::Uuid::now_v7(),
        contact_id: contact.id,
        changed_at: contactmoment_core::Clock::now(&contactmoment_core::SystemClock)
            .with_timezone(&chrono::Utc),
        contact: Some(contactmoment_core::Contact {
            functional: 5,
            ..contact.clone()
        }),
        deleted_at: None,
    };
    let r = client
        .push(&PushRequest { ops: vec![winner] })
        .await
        .unwrap();
    assert_eq!(r.applied, 1);
    let report = anna.desk.sync().await.unwrap();
    assert_eq!(
        (report.pushed, report.skipped, report.waiting),
        (0, 1, 0),
        "{report:?}"
    );
    assert_eq!(anna.desk.journal().get(&id).await.unwrap().functional, 5);
}

/// A lead's follow-up survives a colleague's edit made before she saw it; an erasure
/// reaches a desk that still had an edit of that contact waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_and_an_erasure_survive_concurrent_edits() {
    let team = Team::start("Concurrent").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let flagged = anna.log(2, 1).await;
    let gone = anna
        .desk
        .journal()
        .log(&ContactInput {
            functional: Some(1),
            emotional: Some(1),
            customer_ref: Some("K-9".into()),
            ..ContactInput::default()
        })
        .await
        .unwrap()
        .id
        .to_string();
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();

    // The lead marks the follow-up done; Anna, not yet synced, edits the same contact.
    lead.desk
        .journal()
        .set_follow_up_done(&flagged, true)
        .await
        .unwrap();
    lead.desk.sync().await.unwrap();
    let c = anna.desk.journal().get(&flagged).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    anna.desk
        .journal()
        .update(
            &flagged,
            &ContactInput {
                occurred_at: Some(c.occurred_at.to_rfc3339()),
                functional: Some(3),
                emotional: Some(1),
                note: Some("called back".into()),
                ..ContactInput::default()
            },
        )
        .await
        .unwrap();
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    for d in [&anna, &lead] {
        let seen = d.desk.journal().get(&flagged).await.unwrap();
        assert_eq!(seen.functional, 3, "Anna's later edit stands");
        assert!(
            seen.follow_up_done_at.is_some(),
            "and the lead's follow-up stays done"
        );
    }

    // The lead edits (marks done) a contact that Anna erases meanwhile.
    lead.desk
        .journal()
        .set_follow_up_done(&gone, true)
        .await
        .unwrap();
    anna.desk.journal().erase_customer("K-9").await.unwrap();
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    assert!(
        lead.desk
            .journal()
            .customer_contacts("K-9")
            .await
            .unwrap()
            .is_empty(),
        "the erasure reached the lead, whose own change of it lost"
    );
    assert_eq!(lead.desk.team_status().await.unwrap().unwrap().waiting, 0);
}

/// A desk whose clock runs far ahead cannot make its edit win for ever: the server takes
/// its own time for it, and a later edit from another desk still wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_ahead_cannot_win_for_ever() {
    let team = Team::start("Clocks").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let id = anna.log(3, 3).await;
    anna.desk.sync().await.unwrap();
    let contact = anna.desk.journal().get(&id).await.unwrap();
    let client = anna.client(&team).await;
    let now = contactmoment_core::Clock::now(&contactmoment_core::SystemClock)
        .with_timezone(&chrono::Utc);
    let edit = |functional: u8, at: chrono::DateTime<chrono::Utc>| Op {
        op_id: uuid::Uuid::now_v7(),
        contact_id: contact.id,
        changed_at: at,
        contact: Some(contactmoment_core::Contact {
            functional,
            ..contact.clone()
        }),
        deleted_at: None,
    };
    let ahead = client
        .push(&PushRequest {
            ops: vec![edit(1, now + chrono::Duration::days(365))],
        })
        .await
        .unwrap();
    assert_eq!(ahead.applied, 1);
    let stored: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT changed_at FROM contacts WHERE id = $1")
            .bind(contact.id)
            .fetch_one(&team.owner)
            .await
            .unwrap();
    assert!(
        stored < now + chrono::Duration::minutes(1),
        "clamped to the server's time: {stored}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let later = contactmoment_core::Clock::now(&contactmoment_core::SystemClock)
        .with_timezone(&chrono::Utc);
    let r = client
        .push(&PushRequest {
            ops: vec![edit(5, later)],
        })
        .await
        .unwrap();
    assert_eq!(
        r.applied, 1,
        "the later edit wins over the one from the future"
    );
}

/// The indexes a journal file has on its contacts.
async fn contact_indexes(desk: &Desktop) -> Vec<String> {
    let url = format!(
        "sqlite://{}?mode=ro",
        desk.dir.path().join("journal.sqlite").display()
    );
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let names = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    names
}

/// Replaces a contact's stored body, as the administrator could; triggers are off for it.
async fn set_body(team: &Team, id: uuid::Uuid, body: &str) {
    let mut tx = team.owner.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE contacts SET body = $1::jsonb WHERE id = $2")
        .bind(body)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_pull_keeps_what_came_when_a_page_fails_and_ends_complete() {
    let team = Team::start("Big team").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let (bram_id, _) = team.member("Bram", Role::Staff).await;
    let anna = Desktop::join("Anna", &code).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    // Large enough that the lead's journal builds its indexes once at the end.
    let n = i64::try_from(LARGE_PULL.max(BULK_REBUILD_MIN)).unwrap() + 7_000;
    team.write_history(bram_id, n).await;
    let mine = anna.log(5, 1).await;
    anna.desk.sync().await.unwrap();
    // A lead's target from before, as a setting of the team.
    sqlx::query(
        "INSERT INTO team_settings (team_id, key, value, version) VALUES ($1, 'target_emotional', '55', 1)",
    )
    .bind(team.team_id)
    .execute(&team.owner)
    .await
    .unwrap();

    // A contact far into the history cannot be read: the server fails on its page.
    let (bad, body): (uuid::Uuid, String) = sqlx::query_as(
        "SELECT id, body::text FROM contacts WHERE member_id = $1 ORDER BY version OFFSET 60000 LIMIT 1",
    )
    .bind(bram_id)
    .fetch_one(&team.owner)
    .await
    .unwrap();
    set_body(&team, bad, "{}").await;
    let failed = lead.desk.sync().await;
    assert!(failed.is_err(), "{failed:?}");
    let kept = lead.ids().await.len();
    assert!(
        (50_000..60_000).contains(&kept),
        "the pages before the failing one are kept: {kept} of {n}"
    );
    assert_eq!(
        lead.desk
            .journal()
            .settings()
            .await
            .unwrap()
            .target_emotional,
        Some(55),
        "the team's settings that came with them too"
    );

    set_body(&team, bad, &body).await;
    let report = lead.desk.sync().await.unwrap();
    assert!(
        report.pulled <= u64::try_from(n).unwrap() + 1 - 50_000,
        "the next round goes on where the failed one stopped: {report:?}"
    );
    let q = WeeklyQuery {
        from: Some("2024-12-02".parse().unwrap()),
        to: Some(SystemClock.now().date_naive() + chrono::Days::new(7)),
        ..WeeklyQuery::default()
    };
    let weeks: Vec<(String, i64)> = lead
        .desk
        .journal()
        .weekly(&q)
        .await
        .unwrap()
        .weeks
        .iter()
        .filter(|w| w.n > 0)
        .map(|w| (w.week.clone(), i64::from(w.n)))
        .collect();
    assert_eq!(
        weeks,
        team.live_weeks().await,
        "the lead's weeks equal a recount on the server"
    );
    lead.desk.journal().get(&mine).await.unwrap();
    let indexes = contact_indexes(&anna).await;
    assert!(indexes.len() > 5, "{indexes:?}");
    assert_eq!(
        contact_indexes(&lead).await,
        indexes,
        "every index of the journal is there after the pull"
    );

    // Afterwards changes come page by page as usual.
    let later = anna.log(2, 2).await;
    anna.desk.sync().await.unwrap();
    assert_eq!(lead.desk.sync().await.unwrap().pulled, 1);
    lead.desk.journal().get(&later).await.unwrap();
}
