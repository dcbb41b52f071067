//! The team lead's review on a real store: quadrants and the previous period on hand-computed
//! cases, filters combined, the contacts behind a figure, follow-ups and the team's targets.

use contactmoment_core::stats::Group;
use contactmoment_core::{
    Axis, Channel, ContactInput, ContactsQuery, Error, ErrorPayload, Quadrant, SettingsInput,
    WeeklyQuery,
};

use crate::support::{log_all, rated, sqlite_at, Fixture};

const NOW: &str = "2026-11-22T18:00:00+01:00";

/// The two weeks up to now (2026-W46 and W47); the previous period is W44 and W45.
fn two_weeks() -> WeeklyQuery {
    WeeklyQuery {
        from: Some("2026-11-09".parse().unwrap()),
        to: Some("2026-11-22".parse().unwrap()),
        ..WeeklyQuery::default()
    }
}

fn pct(x: Option<f64>) -> i64 {
    (x.unwrap() * 100.0).round() as i64
}

/// W47: 5/5, 4/2, 2/4, 1/1, 4/4, 3/5. W46: four times 4/4. W45: three times 2/2 and 5/1.
/// W43 (before both periods): 5/5.
async fn journal() -> Fixture {
    let f = sqlite_at(NOW).await;
    let mut inputs = Vec::new();
    for (i, (fun, emo)) in [(5, 5), (4, 2), (2, 4), (1, 1), (4, 4), (3, 5)]
        .into_iter()
        .enumerate()
    {
        inputs.push(rated(
            fun,
            emo,
            &format!("2026-11-1{}T10:00:00+01:00", 6 + i % 4),
        ));
    }
    for day in 9..13 {
        inputs.push(rated(4, 4, &format!("2026-11-{day:02}T10:00:00+01:00")));
    }
    for (fun, emo) in [(2, 2), (2, 2), (2, 2), (5, 1)] {
        inputs.push(rated(fun, emo, "2026-11-04T10:00:00+01:00"));
    }
    inputs.push(rated(5, 5, "2026-10-20T10:00:00+01:00"));
    log_all(&f.journal, &inputs).await;
    f
}

#[tokio::test]
async fn quadrants_and_the_previous_period() {
    let f = journal().await;
    let r = f.journal.review(&two_weeks()).await.unwrap();
    assert_eq!(
        r.weeks
            .iter()
            .map(|w| (w.stats.week.as_str(), w.stats.n))
            .collect::<Vec<_>>(),
        [("2026-W46", 4), ("2026-W47", 6)]
    );
    let w47 = &r.weeks[1];
    assert_eq!(w47.functional_ratings, [1, 1, 1, 2, 1]);
    assert_eq!(w47.emotional_ratings, [1, 1, 0, 2, 2]);
    let q = w47.quadrants;
    assert_eq!(
        (
            q.solved_welcome,
            q.solved_not_welcome,
            q.welcome_not_solved,
            q.neither
        ),
        (2, 1, 2, 1)
    );

    let now = &r.current;
    assert_eq!(
        (now.from.to_string(), now.to.to_string()),
        ("2026-11-09".into(), "2026-11-22".into())
    );
    assert_eq!(now.n, 10);
    assert_eq!((now.functional.positive, now.emotional.positive), (7, 8));
    assert_eq!(
        (
            pct(now.functional.share),
            pct(now.functional.ci_low),
            pct(now.functional.ci_high)
        ),
        (70, 40, 89)
    );
    assert_eq!(
        (
            pct(now.emotional.share),
            pct(now.emotional.ci_low),
            pct(now.emotional.ci_high)
        ),
        (80, 49, 94)
    );
    assert_eq!(now.functional.ratings, [1, 1, 1, 6, 1]);
    let q = now.quadrants;
    assert_eq!(
        (
            q.solved_welcome,
            q.solved_not_welcome,
            q.welcome_not_solved,
            q.neither
        ),
        (6, 1, 2, 1)
    );

    // The equally long period just before: W44 and W45, without the W43 contact.
    let then = &r.previous;
    assert_eq!(
        (then.from.to_string(), then.to.to_string()),
        ("2026-10-26".into(), "2026-11-08".into())
    );
    assert_eq!(then.n, 4);
    assert_eq!((then.functional.positive, then.emotional.positive), (1, 0));
    assert_eq!(pct(then.functional.share), 25);
    assert_eq!(pct(then.emotional.ci_low), 0);
    assert_eq!(
        (then.quadrants.solved_not_welcome, then.quadrants.neither),
        (1, 3)
    );
    assert_eq!(then.emotional.ratings, [1, 3, 0, 0, 0]);
}

#[tokio::test]
async fn filters_combine_everywhere() {
    let f = sqlite_at(NOW).await;
    let at = "2026-11-18T10:00:00+01:00";
    let who = |staff: &str, channel: &str, topic: Option<&str>, fun, emo| ContactInput {
        staff: Some(staff.into()),
        channel: Some(channel.into()),
        topic: topic.map(Into::into),
        ..rated(fun, emo, at)
    };
    log_all(
        &f.journal,
        &[
            who("Anna", "phone", Some("factuur"), 5, 5),
            who("Anna", "email", Some("factuur"), 4, 1),
            who("Bram", "phone", Some("factuur"), 2, 5),
            who("Bram", "phone", Some("levering"), 1, 1),
            who("Citlali", "phone", Some("factuur"), 5, 4),
            who("Citlali", "chat", None, 5, 4),
        ],
    )
    .await;
    let j = &f.journal;
    let count = |staff: &[&str], channel: Option<Channel>, topic: Option<&str>| WeeklyQuery {
        staff: staff.iter().map(|s| (*s).to_owned()).collect(),
        channel,
        topic: topic.map(Into::into),
        ..two_weeks()
    };
    for (query, n, solved, welcome) in [
        (count(&[], None, None), 6, 4, 4),
        (count(&["Anna", "Bram"], None, None), 4, 2, 2),
        (
            count(&["Anna", "Bram"], Some(Channel::Phone), None),
            3,
            1,
            2,
        ),
        (
            count(&["Anna", "Bram"], Some(Channel::Phone), Some("factuur")),
            2,
            1,
            2,
        ),
        (count(&[], Some(Channel::Phone), Some("factuur")), 3, 2, 3),
        (count(&["Citlali"], None, Some("factuur")), 1, 1, 1),
        (count(&["Nobody"], None, None), 0, 0, 0),
    ] {
        let r = j.review(&query).await.unwrap();
        let label = format!("{query:?}");
        assert_eq!(r.current.n, n, "{label}");
        assert_eq!(r.current.functional.positive, solved, "{label}");
        assert_eq!(r.current.emotional.positive, welcome, "{label}");
        // The weekly figures, the contacts behind them and the per-agent view agree.
        let weekly = j.weekly(&query).await.unwrap();
        assert_eq!(weekly.weeks.iter().map(|w| w.n).sum::<u32>(), n, "{label}");
        let listed = j
            .contacts(&ContactsQuery {
                filter: query.clone(),
                ..ContactsQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.total, u64::from(n), "{label}");
        assert_eq!(listed.contacts.len(), n as usize, "{label}");
        let per_staff = j.review_by_staff(&query).await.unwrap();
        assert_eq!(
            per_staff.iter().map(|s| s.current.n).sum::<u32>(),
            n,
            "{label}"
        );
    }
    let facets = j.facets().await.unwrap();
    assert_eq!(facets.staff, ["Anna", "Bram", "Citlali"]);
    assert_eq!(facets.topics, ["factuur", "levering"]);
    assert_eq!(facets.first_day, Some("2026-11-18".parse().unwrap()));
}

#[tokio::test]
async fn the_contacts_behind_a_week_a_quadrant_and_a_bar() {
    let f = journal().await;
    let j = &f.journal;
    let drill = |q: ContactsQuery| async move { j.contacts(&q).await };
    let base = || ContactsQuery {
        filter: two_weeks(),
        ..ContactsQuery::default()
    };
    let w47 = drill(ContactsQuery {
        week: Some("2026-W47".into()),
        ..base()
    })
    .await
    .unwrap();
    assert_eq!(w47.total, 6);
    let times: Vec<_> = w47.contacts.iter().map(|c| c.occurred_at).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(w47.contacts.iter().all(|c| c.iso_week == "2026-W47"));

    let cold = drill(ContactsQuery {
        quadrant: Some(Quadrant::SolvedNotWelcome),
        ..base()
    })
    .await
    .unwrap();
    assert_eq!(
        cold.contacts
            .iter()
            .map(|c| (c.functional, c.emotional))
            .collect::<Vec<_>>(),
        [(4, 2)]
    );
    let warm = drill(ContactsQuery {
        quadrant: Some(Quadrant::WelcomeNotSolved),
        week: Some("2026-W47".into()),
        ..base()
    })
    .await
    .unwrap();
    assert_eq!(warm.total, 2);

    let fives = drill(ContactsQuery {
        axis: Some(Axis::Emotional),
        rating: Some(5),
        week: Some("2026-W47".into()),
        ..base()
    })
    .await
    .unwrap();
    assert_eq!(fives.total, 2);
    assert!(fives.contacts.iter().all(|c| c.emotional == 5));

    // A week outside the range has nothing behind it; pages are pages.
    let outside = drill(ContactsQuery {
        week: Some("2026-W43".into()),
        ..base()
    })
    .await
    .unwrap();
    assert_eq!((outside.total, outside.contacts.len()), (0, 0));
    let page = drill(ContactsQuery {
        limit: Some(4),
        offset: 8,
        ..base()
    })
    .await
    .unwrap();
    assert_eq!((page.total, page.contacts.len()), (10, 2));

    // Deleted contacts are not behind any figure.
    j.delete(&cold.contacts[0].id.to_string()).await.unwrap();
    let cold = drill(ContactsQuery {
        quadrant: Some(Quadrant::SolvedNotWelcome),
        ..base()
    })
    .await
    .unwrap();
    assert_eq!(cold.total, 0);

    for (bad, field) in [
        (
            ContactsQuery {
                week: Some("week 47".into()),
                ..base()
            },
            "week",
        ),
        (
            ContactsQuery {
                rating: Some(3),
                ..base()
            },
            "axis",
        ),
        (
            ContactsQuery {
                axis: Some(Axis::Functional),
                rating: Some(6),
                ..base()
            },
            "rating",
        ),
        (
            ContactsQuery {
                limit: Some(0),
                ..base()
            },
            "limit",
        ),
        (
            ContactsQuery {
                filter: WeeklyQuery {
                    staff: vec!["a\u{202e}b".into()],
                    ..two_weeks()
                },
                ..base()
            },
            "staff",
        ),
    ] {
        let e = ErrorPayload::from(drill(bad).await.unwrap_err());
        assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
    }
}

#[tokio::test]
async fn follow_ups_are_listed_until_marked_done() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let at = "2026-11-20T10:00:00+01:00";
    let logged = log_all(
        j,
        &[
            ContactInput {
                follow_up: true,
                ..rated(5, 5, at)
            },
            rated(4, 2, at),
            rated(2, 3, at),
            rated(1, 1, at),
        ],
    )
    .await;
    let open = || async {
        j.contacts(&ContactsQuery {
            filter: two_weeks(),
            open_follow_ups: true,
            ..ContactsQuery::default()
        })
        .await
        .unwrap()
    };
    assert_eq!(open().await.total, 3, "flagged, or emotional 2 or lower");

    let done = j
        .set_follow_up_done(&logged[1].id.to_string(), true)
        .await
        .unwrap();
    assert_eq!(done.follow_up_done_by.as_deref(), Some("Anna"));
    assert_eq!(
        done.follow_up_done_at.unwrap().to_rfc3339(),
        "2026-11-22T17:00:00+00:00"
    );
    assert_eq!(j.get(&logged[1].id.to_string()).await.unwrap(), done);
    let still: Vec<_> = open().await.contacts.into_iter().map(|c| c.id).collect();
    assert_eq!(still.len(), 2);
    assert!(!still.contains(&logged[1].id));

    // An edit keeps the record; reopening clears it.
    let edited = j
        .update(&logged[1].id.to_string(), &rated(4, 1, at))
        .await
        .unwrap();
    assert_eq!(edited.follow_up_done_at, done.follow_up_done_at);
    assert_eq!(open().await.total, 2);
    j.set_follow_up_done(&logged[1].id.to_string(), false)
        .await
        .unwrap();
    assert_eq!(open().await.total, 3);

    // A contact without a follow-up cannot be marked; nothing changes.
    let e = j
        .set_follow_up_done(&logged[2].id.to_string(), true)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict(_)), "{e:?}");
    assert_eq!(j.get(&logged[2].id.to_string()).await.unwrap(), logged[2]);
}

#[tokio::test]
async fn team_targets_are_settings() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let saved = j
        .save_settings(&SettingsInput {
            display_name: "Anna".into(),
            target_functional: Some(80),
            target_emotional: Some(40),
            ..SettingsInput::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (saved.target_functional, saved.target_emotional),
        (Some(80), Some(40))
    );
    assert_eq!(j.settings().await.unwrap(), saved);
    for (tf, te, field) in [
        (Some(0), None, "target_functional"),
        (None, Some(101), "target_emotional"),
    ] {
        let e = j
            .save_settings(&SettingsInput {
                display_name: "Someone else".into(),
                target_functional: tf,
                target_emotional: te,
                ..SettingsInput::default()
            })
            .await
            .unwrap_err();
        assert_eq!(ErrorPayload::from(e).field.as_deref(), Some(field));
        assert_eq!(j.settings().await.unwrap(), saved, "nothing changed");
    }
}

/// Before (W44–45): Anna on chat about "factuur" 20 times 4/5 in W44, Bram on the phone 10
/// times 4/4 in W45. Now (W46–47): Anna's chats 4/1 in W47, Bram's calls 4/4 again in W46.
/// A call of Bram's in W43 lies before both periods. Welcome fell on chat, for the topic, for
/// Anna and overall; solved did not move, nor did anything of Bram's.
async fn welcome_fell_on_chat() -> Fixture {
    let f = sqlite_at(NOW).await;
    let mut inputs = Vec::new();
    let anna = |emotional: i32, at: &str| ContactInput {
        staff: Some("Anna".into()),
        channel: Some("chat".into()),
        topic: Some("factuur".into()),
        ..rated(4, emotional, &format!("{at}T10:00:00+01:00"))
    };
    let bram = |emotional: i32, at: &str| ContactInput {
        staff: Some("Bram".into()),
        ..rated(4, emotional, &format!("{at}T11:00:00+01:00"))
    };
    for _ in 0..20 {
        inputs.push(anna(5, "2026-10-28"));
        inputs.push(anna(1, "2026-11-18"));
    }
    for _ in 0..10 {
        inputs.push(bram(4, "2026-11-04"));
        inputs.push(bram(4, "2026-11-10"));
    }
    inputs.push(bram(1, "2026-10-21"));
    log_all(&f.journal, &inputs).await;
    f
}

#[tokio::test]
async fn what_changed_names_the_moves_beyond_chance_largest_first() {
    let f = welcome_fell_on_chat().await;
    let changed = f.journal.what_changed(&two_weeks()).await.unwrap();
    // Both axes of everything, chat and phone: the topic and Anna are chat's very contacts,
    // Bram the phone's, and each counts once.
    assert_eq!(changed.compared, 6);
    let named: Vec<_> = changed
        .moves
        .iter()
        .map(|m| {
            (
                m.group.clone(),
                m.axis,
                m.now.count,
                m.n_now,
                m.before.count,
                m.n_before,
            )
        })
        .collect();
    assert_eq!(
        named,
        vec![
            // The team's own move first, though chat's is larger.
            (Group::All, Axis::Emotional, 10, 30, 30, 30),
            (
                Group::Channel(Channel::Chat),
                Axis::Emotional,
                0,
                20,
                20,
                20
            ),
        ]
    );
    let all = &changed.moves[0];
    assert!((all.change.difference + 2.0 / 3.0).abs() < 1e-9);
    assert!(
        all.change.real && all.change.ci_high < 0.0,
        "{:?}",
        all.change
    );
    assert_eq!(pct(all.now.share), 33);

    // Narrowed to chat: everything left is the same twenty contacts.
    let chat = WeeklyQuery {
        channel: Some(Channel::Chat),
        ..two_weeks()
    };
    let changed = f.journal.what_changed(&chat).await.unwrap();
    assert_eq!(changed.compared, 2);
    assert_eq!(
        changed
            .moves
            .iter()
            .map(|m| (m.group.clone(), m.n_now, m.n_before))
            .collect::<Vec<_>>(),
        vec![(Group::All, 20, 20)]
    );
    // Narrowed to the topic: no topic groups, and the same.
    let topic = WeeklyQuery {
        topic: Some("factuur".into()),
        ..two_weeks()
    };
    let changed = f.journal.what_changed(&topic).await.unwrap();
    assert_eq!((changed.compared, changed.moves.len()), (2, 1));

    // Bram alone: nothing moved beyond chance.
    let bram = WeeklyQuery {
        staff: vec!["Bram".into()],
        ..two_weeks()
    };
    let changed = f.journal.what_changed(&bram).await.unwrap();
    assert_eq!((changed.compared, changed.moves.len()), (2, 0));
}
