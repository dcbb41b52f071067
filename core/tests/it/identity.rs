//! A person keeps their contacts when they change their display name: the contacts they log
//! carry their member id, "your recent contacts" follows it, and a rename can carry the
//! earlier contacts over so the review shows one person, rollups included.

use contactmoment_core::{ContactInput, SettingsInput, Store, WeeklyQuery};

use crate::support::{rated, sqlite_at};

fn renamed(name: &str) -> SettingsInput {
    SettingsInput {
        display_name: name.into(),
        ..SettingsInput::default()
    }
}

#[tokio::test]
async fn a_rename_keeps_every_contact_and_can_carry_them_over() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    let me = j.settings().await.unwrap();
    assert!(me.display_name_chosen);
    assert_eq!(me.member_id.len(), 32);
    for k in 0..10 {
        let c = j
            .log(&rated(4, 2 + k % 3, "2026-11-18T10:00:00+01:00"))
            .await
            .unwrap();
        assert_eq!(c.staff, "Anna");
        assert_eq!(c.staff_id.as_deref(), Some(me.member_id.as_str()));
    }
    // Someone else's contact, logged from this desk, is not the user's.
    let other = j
        .log(&ContactInput {
            staff: Some("Bram".into()),
            ..rated(5, 5, "2026-11-18T11:00:00+01:00")
        })
        .await
        .unwrap();
    assert_eq!(other.staff_id, None);

    j.save_settings(&renamed("Eva de Vries")).await.unwrap();
    let mine = j.recent(50).await.unwrap();
    assert_eq!(mine.len(), 10, "every earlier contact is still the user's");
    let new = j
        .log(&rated(5, 5, "2026-11-19T10:00:00+01:00"))
        .await
        .unwrap();
    assert_eq!(new.staff, "Eva de Vries");
    assert_eq!(j.recent(50).await.unwrap().len(), 11);
    let edited = j
        .update(
            &mine[0].id.to_string(),
            &rated(1, 1, "2026-11-18T10:00:00+01:00"),
        )
        .await
        .unwrap();
    assert_eq!(edited.staff_id, mine[0].staff_id, "an edit keeps the owner");

    let earlier = j.earlier_names().await.unwrap();
    assert_eq!(earlier.len(), 1);
    assert_eq!(
        (earlier[0].name.as_str(), earlier[0].contacts),
        ("Anna", 10)
    );
    let query = WeeklyQuery {
        from: Some("2026-11-16".parse().unwrap()),
        to: Some("2026-11-22".parse().unwrap()),
        ..WeeklyQuery::default()
    };
    let people = |staff: Vec<contactmoment_core::StaffWeeks>| {
        staff
            .into_iter()
            .map(|s| (s.staff, s.report.weeks[0].n))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        people(j.weekly_by_staff(&query).await.unwrap()),
        [
            ("Anna".to_owned(), 10),
            ("Bram".to_owned(), 1),
            ("Eva de Vries".to_owned(), 1)
        ]
    );

    assert_eq!(j.carry_over_contacts().await.unwrap(), 10);
    assert!(j.earlier_names().await.unwrap().is_empty());
    assert_eq!(j.recent(50).await.unwrap().len(), 11);
    // The rollups moved with the contacts: one person, counted once.
    assert_eq!(
        people(j.weekly_by_staff(&query).await.unwrap()),
        [("Bram".to_owned(), 1), ("Eva de Vries".to_owned(), 11)]
    );
    let facets = j.facets().await.unwrap();
    assert_eq!(facets.staff, ["Bram", "Eva de Vries"]);
    assert_eq!(
        j.carry_over_contacts().await.unwrap(),
        0,
        "nothing left to move"
    );
}

#[tokio::test]
async fn contacts_under_the_old_name_that_nobody_owned_stay_the_users_after_a_rename() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    // The demo's (or an import's) contacts in the user's name carry no member id.
    assert_eq!(j.load_demo_into_empty().await.unwrap(), 2500);
    let before = j.recent(5000).await.unwrap();
    assert!(!before.is_empty());
    assert!(before.iter().all(|c| c.staff == "Anna"));
    j.save_settings(&renamed("Anna de Boer")).await.unwrap();
    assert_eq!(j.recent(5000).await.unwrap().len(), before.len());
    assert_eq!(j.earlier_names().await.unwrap()[0].name, "Anna");
}

#[tokio::test]
async fn an_imported_contact_under_the_users_name_stays_theirs_after_a_rename() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    let clock = contactmoment_core::FixedClock::at("2026-11-22T12:00:00+01:00");
    // As an import writes it: the user's name, no member id.
    let imported = contactmoment_core::validate::contact(
        &rated(3, 3, "2026-11-17T09:00:00+01:00"),
        Some("Anna"),
        &clock,
    )
    .unwrap();
    assert_eq!(imported.staff_id, None);
    f.store.insert(&imported).await.unwrap();
    assert_eq!(j.recent(10).await.unwrap(), std::slice::from_ref(&imported));
    // The user's own contacts and the unclaimed ones come as one list, newest first.
    let later = j
        .log(&rated(4, 4, "2026-11-18T09:00:00+01:00"))
        .await
        .unwrap();
    let earlier = j
        .log(&rated(2, 2, "2026-11-16T09:00:00+01:00"))
        .await
        .unwrap();
    let ids =
        |list: Vec<contactmoment_core::Contact>| list.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(j.recent(10).await.unwrap()),
        [later.id, imported.id, earlier.id]
    );
    assert_eq!(ids(j.recent(2).await.unwrap()), [later.id, imported.id]);
    j.delete(&later.id.to_string()).await.unwrap();
    j.delete(&earlier.id.to_string()).await.unwrap();
    j.save_settings(&renamed("Anna de Boer")).await.unwrap();
    let mine = j.recent(10).await.unwrap();
    assert_eq!(mine.len(), 1, "claimed before the name changed");
    assert_eq!(mine[0].id, imported.id);
    assert_eq!(
        mine[0].staff_id.as_deref(),
        Some(j.settings().await.unwrap().member_id.as_str())
    );
}
