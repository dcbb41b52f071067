//! The server's own data protection runs: a customer erased on the server, and the team's
//! retention setting applied there, reach every desk without a desk starting them.

use chrono::Duration;
use contactmoment_core::team::wire::Role;
use contactmoment_core::{Clock, ContactInput, SettingsInput, SystemClock};
use contactmoment_server::admin;
use contactmoment_server::privacy::{self, Erased};

use crate::support::{Desktop, Team};

/// A second team on the same server, with one desk: what is done for the first team must
/// leave it alone. Its desk logged `customer` with an old note.
async fn neighbours(team: &Team, customer: &str) -> (Desktop, String, Vec<serde_json::Value>) {
    let other = admin::create_team(&team.owner, "Next door", "Nina", &team.public)
        .await
        .unwrap();
    let desk = Desktop::join("Nina", &other.lead_code).await;
    let id = log(&desk, customer, "next door's note", 800).await;
    desk.desk.sync().await.unwrap();
    let bodies = bodies_of(team, other.team_id).await;
    assert_eq!(bodies.len(), 1);
    (desk, id, bodies)
}

async fn bodies_of(team: &Team, team_id: uuid::Uuid) -> Vec<serde_json::Value> {
    sqlx::query_scalar("SELECT body FROM contacts WHERE team_id = $1 ORDER BY id")
        .bind(team_id)
        .fetch_all(&team.owner)
        .await
        .unwrap()
}

async fn log(desk: &Desktop, customer: &str, note: &str, days_ago: i64) -> String {
    let at = (SystemClock.now() - Duration::days(days_ago)).format("%Y-%m-%dT%H:%M");
    desk.desk
        .journal()
        .log(&ContactInput {
            occurred_at: Some(at.to_string()),
            functional: Some(3),
            emotional: Some(4),
            customer_ref: Some(customer.into()),
            note: Some(note.into()),
            ..ContactInput::default()
        })
        .await
        .unwrap()
        .id
        .to_string()
}

/// (customer reference, note) of a contact as one desk holds it, `None` when it is gone.
async fn held(desk: &Desktop, id: &str) -> Option<(Option<String>, Option<String>)> {
    desk.desk
        .journal()
        .get(id)
        .await
        .ok()
        .map(|c| (c.customer_ref, c.note))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_erased_on_the_server_is_erased_on_every_desk() {
    let team = Team::start("Privacy").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let anna = Desktop::join("Anna", &code).await;
    // One contact typed before pseudonyms were on, one after: both are the customer's.
    let plain = log(&anna, "K-1001", "plain", 1).await;
    let deleted = log(&anna, "K-1001", "deleted, not yet erased", 2).await;
    anna.desk.journal().delete(&deleted).await.unwrap();
    let other = log(&anna, "K-2002", "someone else", 1).await;
    let (_nina, _, next_door) = neighbours(&team, "K-1001").await;
    let input = SettingsInput {
        display_name: "Lea".into(),
        pseudonymise_customers: true,
        ..SettingsInput::default()
    };
    lead.desk.journal().save_settings(&input).await.unwrap();
    lead.desk.sync().await.unwrap();
    anna.desk.sync().await.unwrap();
    let hashed = log(&anna, "K-1001", "hashed", 0).await;
    assert!(held(&anna, &hashed)
        .await
        .unwrap()
        .0
        .unwrap()
        .starts_with("ps:"));
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    assert!(held(&lead, &plain).await.is_some() && held(&lead, &hashed).await.is_some());

    assert_eq!(
        privacy::erase_customer(&team.owner, team.team_id, " K-1001 ")
            .await
            .unwrap(),
        3
    );
    for desk in [&lead, &anna] {
        desk.desk.sync().await.unwrap();
        assert_eq!(held(desk, &plain).await, None);
        assert_eq!(held(desk, &hashed).await, None);
        assert_eq!(
            held(desk, &other).await,
            Some((Some("K-2002".into()), Some("someone else".into())))
        );
    }
    let bodies: Vec<Option<serde_json::Value>> =
        sqlx::query_scalar("SELECT body FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id")
            .bind(
                [&plain, &hashed, &deleted]
                    .map(|id| id.parse::<uuid::Uuid>().unwrap())
                    .to_vec(),
            )
            .fetch_all(&team.owner)
            .await
            .unwrap();
    assert_eq!(
        bodies,
        vec![None, None, None],
        "only the ids are left on the server"
    );
    let other_team: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Next door'")
            .fetch_one(&team.owner)
            .await
            .unwrap();
    assert_eq!(
        bodies_of(&team, other_team).await,
        next_door,
        "another team's customer with the same reference is not touched"
    );
    // Erasing again finds nothing; an empty reference is refused.
    assert_eq!(
        privacy::erase_customer(&team.owner, team.team_id, "K-1001")
            .await
            .unwrap(),
        0
    );
    assert!(privacy::erase_customer(&team.owner, team.team_id, "  ")
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_retention_runs_on_the_server_and_reaches_every_desk() {
    let team = Team::start("Retention").await;
    let (_, code) = team.member("Anna", Role::Staff).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let anna = Desktop::join("Anna", &code).await;
    let old = log(&anna, "K-1", "old note", 400).await;
    let recent = log(&anna, "K-2", "recent note", 10).await;
    let leads_old = log(&lead, "K-3", "the lead's old note", 500).await;
    let old_without_note = anna
        .desk
        .journal()
        .log(&ContactInput {
            occurred_at: Some(
                (SystemClock.now() - Duration::days(450))
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
            ),
            functional: Some(5),
            emotional: Some(5),
            ..ContactInput::default()
        })
        .await
        .unwrap()
        .id
        .to_string();
    let (_nina, _, next_door) = neighbours(&team, "K-9").await;
    anna.desk.sync().await.unwrap();
    lead.desk.sync().await.unwrap();
    let today = SystemClock.now().date_naive();
    assert_eq!(
        privacy::apply_retention(&team.owner, team.team_id, today)
            .await
            .unwrap(),
        None,
        "without the setting everything is kept"
    );

    // The lead keeps notes for a year.
    let mut input = SettingsInput {
        display_name: "Lea".into(),
        retention_months: Some(12),
        ..SettingsInput::default()
    };
    lead.desk.journal().save_settings(&input).await.unwrap();
    lead.desk.sync().await.unwrap();
    let (cutoff, erased) = privacy::apply_retention(&team.owner, team.team_id, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cutoff, today - chrono::Months::new(12));
    assert_eq!(
        erased,
        Erased {
            contacts: 0,
            notes: 2
        }
    );
    let versions = || async {
        sqlx::query_scalar::<_, i64>("SELECT sum(version)::bigint FROM contacts WHERE team_id = $1")
            .bind(team.team_id)
            .fetch_one(&team.owner)
            .await
            .unwrap()
    };
    let before = versions().await;
    assert_eq!(
        privacy::apply_retention(&team.owner, team.team_id, today)
            .await
            .unwrap()
            .map(|r| r.1),
        Some(Erased {
            contacts: 0,
            notes: 0
        }),
        "a second run finds nothing left to erase"
    );
    assert_eq!(versions().await, before, "and changes nothing");
    for desk in [&lead, &anna] {
        desk.desk.sync().await.unwrap();
    }
    assert_eq!(held(&anna, &old).await, Some((Some("K-1".into()), None)));
    assert_eq!(held(&lead, &old).await, Some((Some("K-1".into()), None)));
    assert_eq!(
        held(&lead, &leads_old).await,
        Some((Some("K-3".into()), None))
    );
    assert_eq!(
        held(&anna, &recent).await,
        Some((Some("K-2".into()), Some("recent note".into())))
    );

    // Then whole contacts.
    input.retention_whole_contacts = true;
    lead.desk.journal().save_settings(&input).await.unwrap();
    lead.desk.sync().await.unwrap();
    let (_, erased) = privacy::apply_retention(&team.owner, team.team_id, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        erased,
        Erased {
            contacts: 3,
            notes: 0
        }
    );
    for desk in [&lead, &anna] {
        desk.desk.sync().await.unwrap();
        assert_eq!(held(desk, &old).await, None);
        assert!(held(desk, &recent).await.is_some());
    }
    assert_eq!(held(&lead, &leads_old).await, None);
    assert_eq!(held(&anna, &old_without_note).await, None);
    let other_team: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Next door'")
            .fetch_one(&team.owner)
            .await
            .unwrap();
    assert_eq!(
        bodies_of(&team, other_team).await,
        next_door,
        "another team's retention is its own"
    );
}

/// Runs the server's command line against the team's database as its owner.
fn server_command(team: &Team, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_contactmoment-server"))
        .args(args)
        .env(
            "CONTACTMOMENT_SERVER_OWNER_DB",
            team.cluster.url(&team.db, "postgres"),
        )
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_commands_erase_a_customer_and_apply_retention() {
    let team = Team::start("Commands").await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let id = log(&lead, "K-7", "a note", 400).await;
    lead.desk.sync().await.unwrap();
    let team_id = team.team_id.to_string();

    let out = server_command(&team, &["retention"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Commands: keeps everything\n"
    );
    let input = SettingsInput {
        display_name: "Lea".into(),
        retention_months: Some(12),
        ..SettingsInput::default()
    };
    lead.desk.journal().save_settings(&input).await.unwrap();
    lead.desk.sync().await.unwrap();
    let out = server_command(&team, &["retention", "--team", &team_id]);
    assert!(out.status.success(), "{out:?}");
    let cutoff = SystemClock.now().date_naive() - chrono::Months::new(12);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("Commands: before {cutoff}, erased 0 contacts and 1 note\n")
    );
    let unknown = uuid::Uuid::nil().to_string();
    let out = server_command(&team, &["retention", "--team", &unknown]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("there is no team"),
        "{out:?}"
    );

    let out = server_command(
        &team,
        &["erase-customer", "--team", &team_id, "--customer", "K-7"],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "erased 1 contact of that customer\n"
    );
    lead.desk.sync().await.unwrap();
    assert_eq!(held(&lead, &id).await, None);
    let out = server_command(
        &team,
        &["erase-customer", "--team", &team_id, "--customer", " "],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "an empty reference is refused: {out:?}"
    );
}
