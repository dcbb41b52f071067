//! Who may see and change what, checked twice: through the HTTP API with each member's
//! token, and directly in PostgreSQL as the server's own role with the acting member set, so
//! that the row-level security holds even if the server's own checks had a hole.

use contactmoment_core::team::client::Client;
use contactmoment_core::team::wire::{NewMember, Op, PushRequest, Role};
use contactmoment_core::Error;
use uuid::Uuid;

use crate::support::{server_pool, Desktop, Team};

async fn client(team: &Team, d: &Desktop) -> Client {
    d.client(team).await
}

/// What the member behind `c` can pull: the contact ids, sorted.
async fn visible(c: &Client) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = c
        .pull(0, 10_000, false)
        .await
        .unwrap()
        .changes
        .into_iter()
        .map(|ch| ch.contact_id)
        .collect();
    ids.sort();
    ids
}

/// The contact ids visible in PostgreSQL to `member`, as the server's role.
async fn visible_in_db(team: &Team, member: Uuid) -> Vec<Uuid> {
    let pool = server_pool(&team.cluster, &team.db).await;
    let mut tx = crate::support::acting_as(&pool, member).await;
    let ids = sqlx::query_scalar("SELECT id FROM contacts ORDER BY id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    ids
}

fn sorted(ids: &[String]) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = ids.iter().map(|s| s.parse().unwrap()).collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_matrix_holds_in_the_api_and_in_the_database() {
    let team = Team::start("Matrix").await;
    // Another team on the same server and database.
    let other =
        contactmoment_server::admin::create_team(&team.owner, "Elsewhere", "Sam", &team.public)
            .await
            .unwrap();
    let (a_id, a_code) = team.member("Anna", Role::Staff).await;
    let (b_id, b_code) = team.member("Bram", Role::Staff).await;
    let lead_id: Uuid = sqlx::query_scalar("SELECT id FROM members WHERE role = 'lead'")
        .fetch_one(&team.owner)
        .await
        .unwrap();
    let anna = Desktop::join("Anna", &a_code).await;
    let bram = Desktop::join("Bram", &b_code).await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let stranger = Desktop::join("Sam", &other.lead_code).await;
    let a_ids = vec![anna.log(4, 4).await, anna.log(2, 1).await];
    let b_ids = vec![bram.log(5, 5).await];
    anna.desk.sync().await.unwrap();
    bram.desk.sync().await.unwrap();
    stranger.log(3, 3).await;
    stranger.desk.sync().await.unwrap();
    let everyone = sorted(&[a_ids.clone(), b_ids.clone()].concat());

    let (ca, cb, cl, cs) = (
        client(&team, &anna).await,
        client(&team, &bram).await,
        client(&team, &lead).await,
        client(&team, &stranger).await,
    );
    // Reading: staff see their own, the lead sees the team, another team sees none of it.
    assert_eq!(visible(&ca).await, sorted(&a_ids));
    assert_eq!(visible(&cb).await, sorted(&b_ids));
    assert_eq!(visible(&cl).await, everyone);
    let theirs = visible(&cs).await;
    assert_eq!(
        theirs.len(),
        1,
        "the other team's lead sees their own team's contact"
    );
    assert!(theirs.iter().all(|id| !everyone.contains(id)));
    assert!(visible_in_db(&team, other.lead_id)
        .await
        .iter()
        .all(|id| !everyone.contains(id)));
    assert!(!visible_in_db(&team, lead_id).await.contains(&theirs[0]));
    assert_eq!(visible_in_db(&team, a_id).await, sorted(&a_ids));
    assert_eq!(visible_in_db(&team, b_id).await, sorted(&b_ids));
    assert_eq!(visible_in_db(&team, lead_id).await, everyone);
    assert_eq!(
        visible_in_db(&team, Uuid::now_v7()).await,
        Vec::<Uuid>::new()
    );

    // Another team's lead cannot write a contact of this team by its id…
    let ours = anna.desk.journal().get(&a_ids[0]).await.unwrap();
    let across = Op {
        op_id: Uuid::now_v7(),
        contact_id: ours.id,
        changed_at: chrono::DateTime::<chrono::Utc>::MAX_UTC,
        contact: Some(contactmoment_core::Contact {
            functional: 1,
            ..ours.clone()
        }),
        deleted_at: None,
    };
    let r = cs.push(&PushRequest { ops: vec![across] }).await.unwrap();
    assert_eq!((r.applied, r.skipped), (0, 1));
    // …nor put a row into this team, in the database.
    let pool = server_pool(&team.cluster, &team.db).await;
    let mut tx = crate::support::acting_as(&pool, other.lead_id).await;
    let into_ours = sqlx::query(
        "INSERT INTO contacts (id, team_id, member_id, version, changed_at, device_id) \
         VALUES (gen_random_uuid(), $1, $2, 1, now(), gen_random_uuid())",
    )
    .bind(team.team_id)
    .bind(other.lead_id)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(
        into_ours.to_string().contains("row-level security"),
        "{into_ours}"
    );
    tx.rollback().await.unwrap();

    // Writing as someone else: Anna overwrites Bram's contact by id, in the API…
    let bram_contact = bram.desk.journal().get(&b_ids[0]).await.unwrap();
    let forged = Op {
        op_id: Uuid::now_v7(),
        contact_id: bram_contact.id,
        changed_at: chrono::DateTime::<chrono::Utc>::MAX_UTC,
        contact: Some(contactmoment_core::Contact {
            functional: 1,
            ..bram_contact.clone()
        }),
        deleted_at: None,
    };
    let r = ca
        .push(&PushRequest {
            ops: vec![forged.clone()],
        })
        .await
        .unwrap();
    assert_eq!((r.applied, r.skipped), (0, 1));
    let erase = Op {
        op_id: Uuid::now_v7(),
        contact: None,
        ..forged.clone()
    };
    ca.push(&PushRequest { ops: vec![erase] }).await.unwrap();
    bram.desk.sync().await.unwrap();
    assert_eq!(
        bram.desk.journal().get(&b_ids[0]).await.unwrap().functional,
        5
    );
    // …and in the database, where the policies stop it even without the server's checks.
    let mut tx = crate::support::acting_as(&pool, a_id).await;
    let changed = sqlx::query("UPDATE contacts SET body = NULL WHERE id = $1")
        .bind(bram_contact.id)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 0, "Bram's row is invisible to Anna's update");
    let as_b = sqlx::query(
        "INSERT INTO contacts (id, team_id, member_id, version, changed_at, device_id) \
         VALUES (gen_random_uuid(), cm_team(), $1, 1, now(), gen_random_uuid())",
    )
    .bind(b_id)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(as_b.to_string().contains("row-level security"), "{as_b}");
    tx.rollback().await.unwrap();
    let mut tx = crate::support::acting_as(&pool, lead_id).await;
    let rewrite = sqlx::query(
        "UPDATE contacts SET body = jsonb_set(body, '{functional}', '1') WHERE id = $1",
    )
    .bind(bram_contact.id)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(
        rewrite
            .to_string()
            .contains("a lead changes only the follow-up"),
        "{rewrite}"
    );
    tx.rollback().await.unwrap();
    // The server's role reaches members, devices and teams only through the functions.
    for table in ["members", "devices", "join_codes", "teams"] {
        let denied = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&pool)
            .await
            .unwrap_err();
        assert!(
            denied.to_string().contains("permission denied"),
            "{table}: {denied}"
        );
    }
    let (bypass, owns): (bool, i64) = sqlx::query_as(
        "SELECT rolbypassrls, (SELECT COUNT(*) FROM pg_tables WHERE tableowner = current_user) \
         FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((bypass, owns), (false, 0));

    // Only a lead adds members; a removed member's token is refused at once.
    let refused = ca
        .add_member(&NewMember {
            name: "Mallory".into(),
            role: Role::Lead,
        })
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::NotAllowed(_)), "{refused}");
    assert!(
        refused.to_string().contains("only a team lead"),
        "{refused}"
    );
    lead.desk.remove_member(&a_id.to_string()).await.unwrap();
    let gone = ca.pull(0, 10, false).await.unwrap_err();
    assert!(matches!(gone, Error::NotAllowed(_)), "{gone}");
    let status = anna.desk.sync().await.unwrap_err();
    assert!(matches!(status, Error::NotAllowed(_)), "{status}");
    assert!(
        gone.to_string().contains("no longer accepts this desk"),
        "{gone}"
    );
    let push_refused = ca.push(&PushRequest { ops: vec![] }).await.unwrap_err();
    assert!(
        push_refused
            .to_string()
            .contains("no longer accepts this desk"),
        "{push_refused}"
    );
    assert_eq!(visible_in_db(&team, a_id).await, Vec::<Uuid>::new());
    // Anna's contacts stay the team's: the lead still sees them.
    assert_eq!(visible(&cl).await, everyone);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_code_works_once_and_a_lead_can_hand_out_new_ones() {
    let team = Team::start("Codes").await;
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let again = Desktop::new("Lea again").await;
    let reused = again
        .desk
        .join_team(&team.lead_code, true)
        .await
        .unwrap_err();
    assert!(
        reused.to_string().contains("join code is not valid"),
        "{reused}"
    );
    assert!(
        again.desk.team_status().await.unwrap().is_none(),
        "a refused join leaves no trace"
    );
    let new = lead.desk.add_member("Chris", Role::Staff).await.unwrap();
    let chris = Desktop::join("Chris", &new.join_code).await;
    let status = chris.desk.team_status().await.unwrap().unwrap();
    assert_eq!(
        (status.member_name.as_str(), status.role.as_str()),
        ("Chris", "staff")
    );
    // Leaving revokes the device on the server.
    chris.desk.leave_team().await.unwrap();
    assert!(chris.desk.team_status().await.unwrap().is_none());
    let devices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL")
        .fetch_one(&team.owner)
        .await
        .unwrap();
    assert_eq!(devices, 1, "only the lead's device is still accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_and_a_removed_members_code_are_refused() {
    let team = Team::start("Expiry").await;
    let (_, late) = team.member("Late", Role::Staff).await;
    sqlx::query("UPDATE join_codes SET expires_at = now() - interval '1 minute' WHERE member_id = (SELECT id FROM members WHERE name = 'Late')")
        .execute(&team.owner)
        .await
        .unwrap();
    let d = Desktop::new("Late").await;
    let err = d.desk.join_team(&late, true).await.unwrap_err();
    assert!(err.to_string().contains("join code is not valid"), "{err}");
    let lead = Desktop::join("Lea", &team.lead_code).await;
    let made = lead.desk.add_member("Gone", Role::Staff).await.unwrap();
    lead.desk
        .remove_member(&made.member_id.to_string())
        .await
        .unwrap();
    let err = d.desk.join_team(&made.join_code, true).await.unwrap_err();
    assert!(err.to_string().contains("join code is not valid"), "{err}");
    assert!(d.desk.team_status().await.unwrap().is_none());
}
