//! The practices' figures on a real store: the customers' own score beside the staff's
//! impression, levels, "valued", why contacts failed, repeat contacts, promises kept and week
//! notes, each counted by hand from a small journal.

use std::sync::Arc;

use contactmoment_core::{
    model::Reason, ContactInput, Error, FixedClock, Journal, ValidationKind, WeeklyQuery,
};

use crate::support::sqlite_at;

const NOW: &str = "2026-11-22T12:00:00+01:00";

fn contact(f: i32, e: i32, at: &str) -> ContactInput {
    ContactInput {
        functional: Some(f),
        emotional: Some(e),
        occurred_at: Some(at.into()),
        staff: Some("Anna".into()),
        ..ContactInput::default()
    }
}

fn period() -> WeeklyQuery {
    WeeklyQuery {
        from: Some("2026-11-09".parse().unwrap()),
        to: Some("2026-11-22".parse().unwrap()),
        ..WeeklyQuery::default()
    }
}

#[tokio::test]
async fn the_practices_are_counted_exactly_against_the_period_before() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let log = |input: ContactInput| async move { j.log(&input).await.unwrap() };
    // The period before (W45): a failed contact of K1 and a good one without a customer.
    log(ContactInput {
        customer_ref: Some("K1".into()),
        topic: Some("factuur".into()),
        reason: Some("wrong".into()),
        nps: Some(3),
        level: Some(2),
        ..contact(2, 4, "2026-11-05T10:00:00+01:00")
    })
    .await;
    log(ContactInput {
        topic: Some("factuur".into()),
        nps: Some(10),
        level: Some(4),
        valued: Some(4),
        ..contact(4, 4, "2026-11-04T10:00:00+01:00")
    })
    .await;
    // This period (W46–W47).
    log(ContactInput {
        customer_ref: Some("K1".into()),
        nps: Some(9),
        level: Some(5),
        ..contact(4, 5, "2026-11-10T10:00:00+01:00")
    })
    .await;
    let d = log(ContactInput {
        customer_ref: Some("K2".into()),
        topic: Some("levering".into()),
        reason: Some("too_slow".into()),
        nps: Some(2),
        level: Some(1),
        valued: Some(1),
        ..contact(1, 2, "2026-11-16T10:00:00+01:00")
    })
    .await;
    log(ContactInput {
        customer_ref: Some("K2".into()),
        nps: Some(6),
        level: Some(5),
        ..contact(5, 5, "2026-11-20T10:00:00+01:00")
    })
    .await;
    let late = log(ContactInput {
        topic: Some("factuur".into()),
        reason: Some("wrong".into()),
        follow_up: true,
        due: Some("2026-11-19".into()),
        ..contact(2, 3, "2026-11-18T10:00:00+01:00")
    })
    .await;
    let kept = log(ContactInput {
        customer_ref: Some("K3".into()),
        follow_up: true,
        ..contact(4, 4, "2026-11-11T10:00:00+01:00")
    })
    .await;
    assert_eq!(
        d.due.unwrap().to_string(),
        "2026-11-17",
        "welcome 2: next working day"
    );
    assert_eq!(kept.due.unwrap().to_string(), "2026-11-12");
    // One follow-up done on its due day (on a desk whose clock said so), one after it.
    let then = Journal::new(
        f.store.clone(),
        Arc::new(FixedClock::at("2026-11-12T16:00:00+01:00")),
    );
    then.set_follow_up_done(&kept.id.to_string(), true)
        .await
        .unwrap();
    j.set_follow_up_done(&late.id.to_string(), true)
        .await
        .unwrap();

    let p = j.practices(&period()).await.unwrap();
    assert_eq!(p.previous_from.to_string(), "2026-10-26");
    // NPS now: 9, 2, 6 → 1 promoter, 2 detractors of 3: −33.
    assert_eq!((p.nps.n, p.nps.promoters, p.nps.detractors), (3, 1, 2));
    assert!((p.nps.score.unwrap() + 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        (
            p.previous_nps.n,
            p.previous_nps.promoters,
            p.previous_nps.detractors
        ),
        (2, 1, 1)
    );
    // The detractor who scored 6 was rated welcome 5 by staff; the promoter was welcome too.
    assert_eq!(
        (p.views.detractors, p.views.detractors_welcome.count),
        (2, 1)
    );
    assert_eq!(
        (p.views.promoters, p.views.promoters_not_welcome.count),
        (1, 0)
    );
    assert_eq!(p.levels.n, 3);
    assert_eq!(p.levels.levels.map(|l| l.count), [1, 0, 0, 0, 2]);
    assert_eq!(p.previous_levels.levels.map(|l| l.count), [0, 1, 0, 1, 0]);
    assert_eq!(
        (p.valued.n, p.valued.share.count, p.not_valued.share.count),
        (1, 0, 1)
    );
    assert_eq!((p.previous_valued.n, p.previous_valued.share.count), (1, 1));
    // Repeat contacts: K1 on the 10th after the failed 5th; K2 on the 20th after the failed
    // 16th. K2's first and K3's are not repeats: 2 of 4 with a customer reference.
    assert_eq!((p.repeat.n, p.repeat.share.count), (4, 2));
    assert_eq!((p.previous_repeat.n, p.previous_repeat.share.count), (1, 0));
    // Promises due in the period: kept on the 12th, done late for the 19th, the 17th overdue.
    assert_eq!(p.promises.due, 3);
    assert_eq!(
        (
            p.promises.kept.count,
            p.promises.late,
            p.promises.overdue,
            p.promises.pending
        ),
        (1, 1, 1, 0)
    );
    // Customers of the last 52 weeks: K1, K2, K3; K1 and K2 had a level-5 contact.
    assert_eq!(
        (p.level5_customers.n, p.level5_customers.share.count),
        (3, 2)
    );
    // Why contacts failed, per reason of all 5 contacts now (2 before) …
    let reasons: Vec<_> = p
        .reasons
        .iter()
        .map(|r| (r.reason, r.share.count, r.n, r.previous.count, r.previous_n))
        .collect();
    assert_eq!(
        reasons,
        [
            (Some(Reason::Wrong), 1, 5, 1, 2),
            (Some(Reason::TooSlow), 1, 5, 0, 2)
        ]
    );
    // … and per topic, of that topic's contacts.
    let topics: Vec<_> = p
        .dissatisfiers
        .iter()
        .map(|r| {
            (
                r.topic.as_deref(),
                r.reason,
                r.share.count,
                r.n,
                r.previous.count,
                r.previous_n,
            )
        })
        .collect();
    assert_eq!(
        topics,
        [
            (Some("factuur"), Some(Reason::Wrong), 1, 1, 1, 2),
            (Some("levering"), Some(Reason::TooSlow), 1, 1, 0, 0),
        ]
    );

    // The same answers per week in the weekly figures: W47 holds the scores 2 and 6.
    let weekly = j.weekly(&period()).await.unwrap();
    let w47 = &weekly.weeks[1];
    assert_eq!(
        (w47.nps_n, w47.nps_promoters, w47.nps_detractors),
        (2, 0, 2)
    );
    assert_eq!(w47.nps, Some(-100.0));
    assert_eq!((w47.level_n, w47.level_counts), (2, [1, 0, 0, 0, 1]));
    // A deleted contact's answers no longer count.
    j.delete(&d.id.to_string()).await.unwrap();
    let p = j.practices(&period()).await.unwrap();
    assert_eq!((p.nps.n, p.levels.n, p.valued.n, p.repeat.n), (2, 2, 0, 3));
}

#[tokio::test]
async fn the_optional_answers_are_checked_by_the_core_and_a_refusal_writes_nothing() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let cases: [(ContactInput, &str); 9] = [
        (
            ContactInput {
                reason: Some("wrong".into()),
                ..contact(3, 4, "2026-11-20T10:00")
            },
            "reason",
        ),
        (
            ContactInput {
                reason: Some("lost".into()),
                ..contact(1, 4, "2026-11-20T10:00")
            },
            "reason",
        ),
        (
            ContactInput {
                nps: Some(11),
                ..contact(4, 4, "2026-11-20T10:00")
            },
            "nps",
        ),
        (
            ContactInput {
                nps: Some(-1),
                ..contact(4, 4, "2026-11-20T10:00")
            },
            "nps",
        ),
        (
            ContactInput {
                due: Some("2027-11-22".into()),
                ..contact(4, 4, "2026-11-20T10:00")
            },
            "due",
        ),
        (
            ContactInput {
                level: Some(0),
                ..contact(4, 4, "2026-11-20T10:00")
            },
            "level",
        ),
        (
            ContactInput {
                valued: Some(6),
                ..contact(4, 4, "2026-11-20T10:00")
            },
            "valued",
        ),
        (
            ContactInput {
                due: Some("2026-11-19".into()),
                ..contact(4, 4, "2026-11-20T10:00")
            },
            "due",
        ),
        (
            ContactInput {
                due: Some("next week".into()),
                ..contact(4, 4, "2026-11-20T10:00")
            },
            "due",
        ),
    ];
    for (input, field) in cases {
        match j.log(&input).await {
            Err(Error::Validation { field: f, .. }) => assert_eq!(f, field, "{input:?}"),
            other => panic!("{input:?} was not refused: {other:?}"),
        }
    }
    assert!(
        j.recent(10).await.unwrap().is_empty(),
        "nothing was written"
    );
    // A promised day makes a follow-up of a contact that needed none; a Friday's contact is
    // promised for Monday.
    let c = j
        .log(&ContactInput {
            due: Some("2026-11-25".into()),
            ..contact(4, 4, "2026-11-20T10:00")
        })
        .await
        .unwrap();
    assert!(c.follow_up);
    assert_eq!(c.due.unwrap().to_string(), "2026-11-25");
    // From the contact's own day to a year and a day after it.
    for day in ["2026-11-20", "2027-11-21"] {
        let c = j
            .log(&ContactInput {
                due: Some(day.into()),
                ..contact(4, 4, "2026-11-20T10:00")
            })
            .await
            .unwrap();
        assert_eq!(c.due.unwrap().to_string(), day);
    }
    let friday = j
        .log(&ContactInput {
            follow_up: true,
            ..contact(4, 4, "2026-11-20T10:00")
        })
        .await
        .unwrap();
    assert_eq!(friday.due.unwrap().to_string(), "2026-11-23");
    let none = j.log(&contact(4, 4, "2026-11-20T10:00")).await.unwrap();
    assert_eq!(none.due, None, "no follow-up, no promise");
    // Reasons take their names with spaces or dashes too.
    let failed = j
        .log(&ContactInput {
            reason: Some("Too-slow".into()),
            ..contact(2, 4, "2026-11-20T10:00")
        })
        .await
        .unwrap();
    assert_eq!(failed.reason, Some(Reason::TooSlow));
}

#[tokio::test]
async fn a_week_note_is_pinned_replaced_and_removed() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    j.set_week_note("2026-W46", "nieuwe terugbelprocedure")
        .await
        .unwrap();
    j.set_week_note(" 2026-w47 ", "drukke week").await.unwrap();
    j.set_week_note("2026-W46", "nieuwe terugbelprocedure vanaf maandag")
        .await
        .unwrap();
    let notes = j.week_notes(&period()).await.unwrap();
    let listed: Vec<_> = notes
        .iter()
        .map(|n| (n.week.as_str(), n.note.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("2026-W46", "nieuwe terugbelprocedure vanaf maandag"),
            ("2026-W47", "drukke week")
        ]
    );
    assert_eq!(j.set_week_note("2026-W47", "  ").await.unwrap(), None);
    // A note of the longest kind, outside the range, is kept but not listed for it.
    let long = "x".repeat(500);
    j.set_week_note("2026-W45", &long).await.unwrap();
    let listed: Vec<_> = j
        .week_notes(&period())
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.week)
        .collect();
    assert_eq!(listed, ["2026-W46"]);
    let earlier = WeeklyQuery {
        from: Some("2026-11-02".parse().unwrap()),
        to: Some("2026-11-08".parse().unwrap()),
        ..WeeklyQuery::default()
    };
    assert_eq!(j.week_notes(&earlier).await.unwrap()[0].note, long);
    // 2025 has 52 weeks: its week 53 does not exist and does not slip into 2026-W01.
    assert!(matches!(
        j.set_week_note("2025-W53", "x").await,
        Err(Error::Validation { .. })
    ));
    match j.set_week_note("week 12", "x").await {
        Err(Error::Validation { field, kind, .. }) => {
            assert_eq!(
                (field.as_str(), kind),
                ("week", ValidationKind::Unparseable)
            );
        }
        other => panic!("{other:?}"),
    }
    match j.set_week_note("2026-W12", &"x".repeat(501)).await {
        Err(Error::Validation { field, kind, .. }) => {
            assert_eq!((field.as_str(), kind), ("note", ValidationKind::TooLong));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_contact_is_marked_for_the_team_meeting_and_asked_valued_by_sample() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let c = j.log(&contact(5, 5, "2026-11-20T10:00")).await.unwrap();
    assert!(!c.star);
    assert!(j.set_star(&c.id.to_string(), true).await.unwrap().star);
    assert!(j.get(&c.id.to_string()).await.unwrap().star);
    assert!(!j.set_star(&c.id.to_string(), false).await.unwrap().star);
    // Never asked until a lead sets a sample; 1 in 1 always asks.
    assert!(!j.ask_valued().await.unwrap());
    let mut s = contactmoment_core::SettingsInput::from(&j.settings().await.unwrap());
    s.valued_every = Some(1);
    j.save_settings(&s).await.unwrap();
    assert!(j.ask_valued().await.unwrap());
    // 1 in 4 asks about a quarter of the time.
    s.valued_every = Some(4);
    j.save_settings(&s).await.unwrap();
    let mut asked = 0;
    for _ in 0..2000 {
        asked += u32::from(j.ask_valued().await.unwrap());
    }
    assert!((400..600).contains(&asked), "asked {asked} of 2000");
}

#[tokio::test]
async fn moments_to_share_are_listed_per_person_by_name_with_the_marked_ones_first() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let by = |staff: &str, f: i32, e: i32, at: &str| ContactInput {
        staff: Some(staff.into()),
        ..contact(f, e, at)
    };
    j.log(&by("Bram", 5, 5, "2026-11-16T09:00")).await.unwrap();
    for day in 16..=20 {
        j.log(&by("Anna", 5, 5, &format!("2026-11-{day}T09:00")))
            .await
            .unwrap();
    }
    j.log(&ContactInput {
        level: Some(5),
        ..by("Anna", 3, 4, "2026-11-19T11:00")
    })
    .await
    .unwrap();
    let marked = j.log(&by("Anna", 2, 3, "2026-11-10T11:00")).await.unwrap();
    j.set_star(&marked.id.to_string(), true).await.unwrap();
    // Neither 5 on both, nor level 5, nor marked: not a moment.
    j.log(&by("Citlali", 5, 4, "2026-11-18T09:00"))
        .await
        .unwrap();
    // Outside the range.
    j.log(&by("Anna", 5, 5, "2026-10-01T09:00")).await.unwrap();
    // Every marked contact is listed, more than three too, before any newer unmarked one.
    j.log(&by("Dirk", 5, 5, "2026-11-20T09:00")).await.unwrap();
    for day in 11..=14 {
        let c = j
            .log(&by("Dirk", 3, 3, &format!("2026-11-{day}T09:00")))
            .await
            .unwrap();
        j.set_star(&c.id.to_string(), true).await.unwrap();
    }

    let m = j.moments(&period()).await.unwrap();
    let people: Vec<_> = m
        .iter()
        .map(|p| (p.staff.as_str(), p.top_both, p.level5, p.starred))
        .collect();
    assert_eq!(
        people,
        [("Anna", 5, 1, 1), ("Bram", 1, 0, 0), ("Dirk", 1, 0, 4)]
    );
    let dirk: Vec<_> = m[2]
        .contacts
        .iter()
        .map(|c| (c.local_date.to_string(), c.star))
        .collect();
    assert_eq!(
        dirk,
        [
            ("2026-11-14".to_owned(), true),
            ("2026-11-13".to_owned(), true),
            ("2026-11-12".to_owned(), true),
            ("2026-11-11".to_owned(), true),
        ]
    );
    let anna: Vec<_> = m[0]
        .contacts
        .iter()
        .map(|c| (c.local_date.to_string(), c.star))
        .collect();
    assert_eq!(
        anna,
        [
            ("2026-11-10".to_owned(), true),
            ("2026-11-20".to_owned(), false),
            ("2026-11-19".to_owned(), false),
        ],
        "the marked one, then the newest others, three in all"
    );
}

/// A contact of `customer` with only the functional rating that matters for repeats.
fn of(customer: &str, f: i32, at: &str) -> ContactInput {
    ContactInput {
        customer_ref: Some(customer.into()),
        ..contact(f, 4, at)
    }
}

#[tokio::test]
async fn the_practices_keep_their_boundaries() {
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let log = |input: ContactInput| async move { j.log(&input).await.unwrap() };
    // Repeats: only after a contact not rated solved (1–3), and within 7 days of it.
    log(of("K4", 4, "2026-11-12T10:00:00+01:00")).await;
    log(of("K4", 4, "2026-11-14T10:00:00+01:00")).await;
    log(of("K5", 2, "2026-11-09T10:00:00+01:00")).await;
    log(of("K5", 4, "2026-11-17T10:00:00+01:00")).await;
    log(of("K6", 3, "2026-11-10T10:00:00+01:00")).await;
    let seven_days = log(of("K6", 4, "2026-11-17T10:00:00+01:00")).await;
    // The contact repeated may lie before the range: K7's in W43, K8's in the period before.
    log(of("K7", 1, "2026-10-20T10:00:00+01:00")).await;
    log(of("K7", 4, "2026-10-27T10:00:00+01:00")).await;
    log(of("K8", 1, "2026-11-05T10:00:00+01:00")).await;
    log(of("K8", 4, "2026-11-11T10:00:00+01:00")).await;
    // Level 5 in the last 52 weeks (2025-11-24 to today): K9 yes; K10's is a day too old.
    log(ContactInput {
        level: Some(5),
        ..of("K9", 4, "2026-03-01T10:00:00+01:00")
    })
    .await;
    log(ContactInput {
        level: Some(5),
        ..of("K10", 4, "2025-11-23T10:00:00+01:00")
    })
    .await;
    log(ContactInput {
        level: Some(3),
        ..of("K11", 4, "2025-11-24T10:00:00+01:00")
    })
    .await;
    // NPS 7 and 8 are passives; a promoter rated welcome 3 is one staff did not see.
    for (nps, welcome) in [(7, 4), (8, 4), (10, 3)] {
        log(ContactInput {
            nps: Some(nps),
            ..contact(4, welcome, "2026-11-18T10:00:00+01:00")
        })
        .await;
    }
    // "Valued" 3 is neither valued nor not valued.
    log(ContactInput {
        valued: Some(3),
        ..contact(4, 4, "2026-11-18T11:00:00+01:00")
    })
    .await;
    // Promises. Today (Sunday the 22nd) is still in time; yesterday's is overdue; one due
    // before the period is not counted.
    let promise = |due: &str, at: &str| ContactInput {
        follow_up: true,
        due: Some(due.into()),
        ..contact(4, 4, at)
    };
    log(promise("2026-11-22", "2026-11-20T10:00:00+01:00")).await;
    log(promise("2026-11-21", "2026-11-20T11:00:00+01:00")).await;
    log(promise("2026-11-06", "2026-11-05T11:00:00+01:00")).await;
    // Done half an hour after midnight on the contact's clock: late, though still the due
    // day in UTC.
    let late = log(promise("2026-11-12", "2026-11-12T10:00:00+01:00")).await;
    // Done at 22:00 on the contact's clock (New York): kept, though the next day in UTC.
    let kept = log(promise("2026-11-17", "2026-11-16T10:00:00-05:00")).await;
    for (c, at) in [
        (&late, "2026-11-13T00:30:00+01:00"),
        (&kept, "2026-11-17T22:00:00-05:00"),
    ] {
        Journal::new(f.store.clone(), Arc::new(FixedClock::at(at)))
            .set_follow_up_done(&c.id.to_string(), true)
            .await
            .unwrap();
    }

    let p = j.practices(&period()).await.unwrap();
    // K4 ×2, K5 ×2, K6 ×2 and K8's second in the period: K6's at 7 days and K8's repeat.
    assert_eq!((p.repeat.n, p.repeat.share.count), (7, 2));
    // Before: K7's second (a repeat of W43's) and K8's first.
    assert_eq!((p.previous_repeat.n, p.previous_repeat.share.count), (2, 1));
    assert_eq!(
        (p.level5_customers.n, p.level5_customers.share.count),
        (7, 1),
        "K4–K9 and K11; only K9 at level 5"
    );
    assert_eq!((p.nps.n, p.nps.promoters, p.nps.detractors), (3, 1, 0));
    assert!((p.nps.score.unwrap() - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        (p.views.promoters, p.views.promoters_not_welcome.count),
        (1, 1)
    );
    assert_eq!(
        (p.valued.n, p.valued.share.count, p.not_valued.share.count),
        (1, 0, 0)
    );
    let promises = &p.promises;
    assert_eq!(
        (
            promises.due,
            promises.kept.count,
            promises.late,
            promises.overdue,
            promises.pending
        ),
        (3, 1, 1, 1, 1)
    );
    // Deleting the contact between K6's two leaves K6's second without a repeat.
    j.delete(&seven_days.id.to_string()).await.unwrap();
    let p = j.practices(&period()).await.unwrap();
    assert_eq!((p.repeat.n, p.repeat.share.count), (6, 1));
}

/// Repeat contacts and the customers of 52 weeks come from figures each contact keeps about
/// its neighbours in its customer's history, kept by triggers (or recounted after a bulk
/// write). After any mix of bulk loads, logs, edits that move a contact in time or to another
/// customer, deletes and restores, they must equal a count made from the live contacts.
#[tokio::test]
async fn repeats_and_customers_always_match_the_contacts_themselves() {
    use contactmoment_core::{demo::DemoSpec, Channel, Contact, ListQuery};
    use std::collections::BTreeSet;

    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let mut seed: u64 = 20_261_203;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    // Into an empty journal a bulk write rebuilds the indexes and recounts at its end; into a
    // fuller one it keeps them and the triggers count row by row.
    let demo = |contacts, seed| DemoSpec {
        contacts,
        staff: 3,
        weeks: 60,
        seed,
    };
    assert_eq!(
        j.load_demo(demo(1_200, 5), &mut |_| {}).await.unwrap(),
        1_200
    );
    assert_eq!(j.load_demo(demo(300, 6), &mut |_| {}).await.unwrap(), 300);
    let all = || async { j.list(&ListQuery::default()).await.unwrap() };
    let mut live: Vec<String> = all().await.iter().map(|c| c.id.to_string()).collect();
    let demo_refs: Vec<String> = all()
        .await
        .into_iter()
        .filter_map(|c| c.customer_ref)
        .take(30)
        .collect();
    let mut deleted: Vec<String> = Vec::new();
    for _ in 0..500 {
        // Few customers, days close together and hours that collide: repeats, ties and
        // contacts that move past their neighbours.
        let day = next(120);
        let at = (chrono::NaiveDate::from_ymd_opt(2026, 7, 26).unwrap() + chrono::Days::new(day))
            .format(&format!("%Y-%m-%dT{:02}:00:00+01:00", 9 + next(3)))
            .to_string();
        let customer = match next(8) {
            0 => None,
            1 => Some(demo_refs[next(demo_refs.len() as u64) as usize].clone()),
            k => Some(format!("K{k}")),
        };
        let input = ContactInput {
            staff: Some(["Anna", "Bram"][next(2) as usize].into()),
            channel: Some(["phone", "chat"][next(2) as usize].into()),
            customer_ref: customer,
            topic: [None, Some("factuur".into())][next(2) as usize].clone(),
            level: [None, Some(3), Some(5)][next(3) as usize],
            ..contact(1 + next(5) as i32, 4, &at)
        };
        match next(10) {
            0..=4 => live.push(j.log(&input).await.unwrap().id.to_string()),
            5..=7 => {
                let id = &live[next(live.len() as u64) as usize];
                j.update(id, &input).await.unwrap();
            }
            8 => {
                let id = live.swap_remove(next(live.len() as u64) as usize);
                j.delete(&id).await.unwrap();
                deleted.push(id);
            }
            _ if !deleted.is_empty() => {
                let id = deleted.swap_remove(next(deleted.len() as u64) as usize);
                j.undelete(&id).await.unwrap();
                live.push(id);
            }
            _ => {}
        }
    }

    // The same again after a restore of a backup made now, over contacts logged since.
    for round in 0..2 {
        let contacts = all().await;
        assert_eq!(contacts.len(), live.len());
        let repeats = repeat_contacts(&contacts);
        assert!(
            repeats.len() > 20,
            "the journal holds repeat contacts: {}",
            repeats.len()
        );

        let to: chrono::NaiveDate = "2026-11-22".parse().unwrap();
        // The whole team's figures come from the rollups; a staff member's or a channel's repeat
        // rate from the answers' rollups and their customers counted distinct; a topic with a
        // staff member from the contacts themselves.
        let from: chrono::NaiveDate = "2026-08-31".parse().unwrap();
        let factuur = Some("factuur");
        for (staff, channel, topic) in [
            (vec![], None, None),
            (vec!["Bram".to_owned()], None, None),
            (vec![], Some(Channel::Chat), None),
            (vec![], None, factuur),
            (vec!["Anna".to_owned()], None, factuur),
        ] {
            let query = WeeklyQuery {
                from: Some(from),
                to: Some(to),
                staff: staff.clone(),
                channel,
                topic: topic.map(Into::into),
            };
            let label = format!("{staff:?} {channel:?} {topic:?}");
            let chosen = |c: &&Contact| {
                (staff.is_empty() || staff.contains(&c.staff))
                    && channel.is_none_or(|ch| c.channel == ch)
                    && topic.is_none_or(|t| c.topic.as_deref() == Some(t))
            };
            let p = j.practices(&query).await.unwrap();
            let before = from - (to - from) - chrono::Days::new(1);
            for ((n, k), (first, last)) in [
                ((p.repeat.n, p.repeat.share.count), (from, to)),
                (
                    (p.previous_repeat.n, p.previous_repeat.share.count),
                    (before, from - chrono::Days::new(1)),
                ),
            ] {
                let of: Vec<&Contact> = contacts
                    .iter()
                    .filter(chosen)
                    .filter(|c| c.customer_ref.is_some())
                    .filter(|c| c.local_date >= first && c.local_date <= last)
                    .collect();
                let repeated = of.iter().filter(|c| repeats.contains(&c.id)).count();
                assert_eq!(
                    (n, k),
                    (of.len() as u32, repeated as u32),
                    "{label} {first}"
                );
            }
            let year: Vec<&Contact> = contacts
                .iter()
                .filter(chosen)
                .filter(|c| c.local_date > to - chrono::Days::new(52 * 7) && c.local_date <= to)
                .collect();
            let customers = |level5: bool| {
                year.iter()
                    .filter(|c| !level5 || c.level == Some(5))
                    .filter_map(|c| c.customer_ref.as_deref())
                    .collect::<BTreeSet<_>>()
                    .len() as u32
            };
            assert_eq!(
                (p.level5_customers.n, p.level5_customers.share.count),
                (customers(false), customers(true)),
                "{label}"
            );
        }
        if round == 0 {
            use contactmoment_core::JournalFile;
            let backup = f.dir.path().join("before.sqlite");
            f.store.snapshot(&backup).await.unwrap();
            for day in 2..20 {
                let at = format!("2026-11-{day:02}T10:00:00+01:00");
                let input = ContactInput {
                    customer_ref: Some("K1".into()),
                    level: Some(5),
                    ..contact(1, 4, &at)
                };
                j.log(&input).await.unwrap();
            }
            f.store.replace_from_backup(&backup).await.unwrap();
        }
    }
}

/// The contacts that repeat one not solved (1–3) within 7 days, from each customer's history
/// in the order the journal keeps it.
fn repeat_contacts(
    contacts: &[contactmoment_core::Contact],
) -> std::collections::BTreeSet<uuid::Uuid> {
    use contactmoment_core::Contact;
    let mut histories: std::collections::BTreeMap<&str, Vec<&Contact>> = Default::default();
    for c in contacts {
        if let Some(customer) = &c.customer_ref {
            histories.entry(customer).or_default().push(c);
        }
    }
    let mut repeats = std::collections::BTreeSet::new();
    for history in histories.values_mut() {
        history.sort_by_key(|c| {
            (
                c.occurred_at.timestamp_millis(),
                c.logged_at,
                c.id.to_string(),
            )
        });
        for pair in history.windows(2) {
            if (pair[1].local_date - pair[0].local_date).num_days() <= 7 && pair[0].functional < 4 {
                repeats.insert(pair[1].id);
            }
        }
    }
    repeats
}

/// The repeat rate and the customers of 52 weeks, from the journal and recounted here from
/// its live contacts, for the whole team (rollups) and one staff member.
async fn assert_customer_figures_match(j: &Journal, to: &str) {
    use contactmoment_core::{Contact, ListQuery};
    use std::collections::BTreeSet;
    let contacts = j.list(&ListQuery::default()).await.unwrap();
    let repeats = repeat_contacts(&contacts);
    assert!(!repeats.is_empty(), "the journal holds repeat contacts");
    let to: chrono::NaiveDate = to.parse().unwrap();
    let from = to - chrono::Days::new(12 * 7 - 1);
    let someone = contacts[0].staff.clone();
    for staff in [vec![], vec![someone]] {
        let query = WeeklyQuery {
            from: Some(from),
            to: Some(to),
            staff: staff.clone(),
            ..WeeklyQuery::default()
        };
        let p = j.practices(&query).await.unwrap();
        let chosen: Vec<&Contact> = contacts
            .iter()
            .filter(|c| staff.is_empty() || staff.contains(&c.staff))
            .collect();
        let now: Vec<&&Contact> = chosen
            .iter()
            .filter(|c| c.customer_ref.is_some() && c.local_date >= from && c.local_date <= to)
            .collect();
        let repeated = now.iter().filter(|c| repeats.contains(&c.id)).count();
        assert_eq!(
            (p.repeat.n, p.repeat.share.count),
            (now.len() as u32, repeated as u32),
            "{staff:?}"
        );
        let year = |level5: bool| {
            chosen
                .iter()
                .filter(|c| c.local_date > to - chrono::Days::new(52 * 7) && c.local_date <= to)
                .filter(|c| !level5 || c.level == Some(5))
                .filter_map(|c| c.customer_ref.as_deref())
                .collect::<BTreeSet<_>>()
                .len() as u32
        };
        assert_eq!(
            (p.level5_customers.n, p.level5_customers.share.count),
            (year(false), year(true)),
            "{staff:?}"
        );
    }
}

/// A bulk write of at least `BULK_REBUILD_MIN` contacts into an emptier journal drops the
/// indexes, pauses the triggers that keep each contact's neighbours and recounts them all
/// before it commits; the contacts logged after it are kept by the triggers again.
#[tokio::test]
async fn a_bulk_write_that_rebuilds_the_indexes_recounts_the_customers() {
    use contactmoment_core::{demo::DemoSpec, store::sqlite::BULK_REBUILD_MIN};
    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    let spec = DemoSpec {
        contacts: BULK_REBUILD_MIN,
        staff: 5,
        weeks: 60,
        seed: 7,
    };
    assert_eq!(
        j.load_demo(spec, &mut |_| {}).await.unwrap(),
        BULK_REBUILD_MIN
    );
    assert_customer_figures_match(j, "2026-11-22").await;
    // The demo's customers again, a few days after their contacts: repeats by trigger.
    let later: Vec<_> = j
        .list(&contactmoment_core::ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.customer_ref.is_some() && c.functional <= 3)
        .filter(|c| c.local_date < "2026-11-10".parse().unwrap())
        .take(40)
        .collect();
    for c in later {
        let at = (c.occurred_at + chrono::Duration::days(2)).to_rfc3339();
        let input = ContactInput {
            customer_ref: c.customer_ref.clone(),
            level: Some(5),
            ..contact(2, 4, &at)
        };
        j.log(&input).await.unwrap();
    }
    assert_customer_figures_match(j, "2026-11-22").await;
}

/// The practices' answers of the 12 weeks to `to`, for the whole team, one staff member, one
/// topic and one channel (each read from its own rollup), against a count made from the
/// contacts.
async fn assert_answers_match(j: &Journal, to: &str) {
    use contactmoment_core::{Channel, Contact, ListQuery};
    let contacts = j.list(&ListQuery::default()).await.unwrap();
    let to: chrono::NaiveDate = to.parse().unwrap();
    let from = to - chrono::Days::new(12 * 7 - 1);
    let in_range: Vec<&Contact> = contacts
        .iter()
        .filter(|c| c.local_date >= from && c.local_date <= to)
        .collect();
    assert!(
        in_range.iter().any(|c| c.nps.is_some()) && in_range.iter().any(|c| c.valued.is_some()),
        "the range holds answers"
    );
    let repeats = repeat_contacts(&contacts);
    let scopes = [
        (None, None, None),
        (Some("Bram"), None, None),
        (None, Some("factuur"), None),
        (None, None, Some(Channel::Chat)),
    ];
    for (staff, topic, channel) in scopes {
        let query = WeeklyQuery {
            from: Some(from),
            to: Some(to),
            staff: staff.into_iter().map(str::to_owned).collect(),
            topic: topic.map(str::to_owned),
            channel,
        };
        let p = j.practices(&query).await.unwrap();
        let chosen: Vec<&&Contact> = in_range
            .iter()
            .filter(|c| staff.is_none_or(|s| c.staff == s))
            .filter(|c| topic.is_none_or(|t| c.topic.as_deref() == Some(t)))
            .filter(|c| channel.is_none_or(|ch| c.channel == ch))
            .collect();
        let count =
            |keep: &dyn Fn(&Contact) -> bool| chosen.iter().filter(|c| keep(c)).count() as u32;
        let promoter = |c: &Contact| c.nps.is_some_and(|s| s >= 9);
        let detractor = |c: &Contact| c.nps.is_some_and(|s| s <= 6);
        let scope = format!("{staff:?} {topic:?} {channel:?}");
        assert_eq!(
            (p.nps.n, p.nps.promoters, p.nps.detractors),
            (
                count(&|c| c.nps.is_some()),
                count(&promoter),
                count(&detractor)
            ),
            "NPS, {scope}"
        );
        assert_eq!(
            (
                p.views.detractors_welcome.count,
                p.views.promoters_not_welcome.count
            ),
            (
                count(&|c| detractor(c) && c.emotional >= 4),
                count(&|c| promoter(c) && c.emotional <= 3)
            ),
            "views, {scope}"
        );
        let levels: Vec<u32> = p.levels.levels.iter().map(|l| l.count).collect();
        let expected: Vec<u32> = (1..=5).map(|l| count(&|c| c.level == Some(l))).collect();
        assert_eq!(levels, expected, "levels, {scope}");
        assert_eq!(
            (p.valued.n, p.valued.share.count, p.not_valued.share.count),
            (
                count(&|c| c.valued.is_some()),
                count(&|c| c.valued.is_some_and(|v| v >= 4)),
                count(&|c| c.valued.is_some_and(|v| v <= 2))
            ),
            "valued, {scope}"
        );
        assert_eq!(
            (p.repeat.n, p.repeat.share.count),
            (
                count(&|c| c.customer_ref.is_some()),
                count(&|c| repeats.contains(&c.id))
            ),
            "contacts with a customer and repeats, {scope}"
        );
    }
}

/// A bulk write that rebuilds the indexes counts its contacts' answers itself (their insert
/// triggers are paused): whether every contact of a statement was new or some were present
/// already, the answers' rollups hold what the contacts do, and the triggers count again
/// afterwards.
#[tokio::test]
async fn a_bulk_write_that_rebuilds_the_indexes_counts_the_answers() {
    use contactmoment_core::store::{Existing, Store};
    use contactmoment_core::{store::sqlite::BULK_REBUILD_MIN, ListQuery};
    // Varied contacts, logged in a scratch journal to be written again in bulk.
    let scratch = sqlite_at(NOW).await;
    for i in 0..120u8 {
        let day = 9 + i32::from(i % 13);
        let input = ContactInput {
            staff: Some(["Anna", "Bram", "Cas"][usize::from(i % 3)].into()),
            channel: Some(["phone", "chat"][usize::from(i % 2)].into()),
            topic: (i % 4 == 0).then(|| "factuur".into()),
            customer_ref: (i % 5 != 0).then(|| format!("K{}", i % 9)),
            nps: (i % 4 != 1).then_some(i32::from(i % 11)),
            level: (i % 7 != 0).then_some(i32::from(1 + i % 5)),
            valued: (i % 2 == 0).then_some(i32::from(1 + (i / 2) % 5)),
            ..contact(
                1 + i32::from(i % 5),
                1 + i32::from((i / 5) % 5),
                &format!("2026-11-{day:02}T10:{:02}:00+01:00", i % 60),
            )
        };
        scratch.journal.log(&input).await.unwrap();
    }
    let mut contacts = scratch.journal.list(&ListQuery::default()).await.unwrap();
    contacts.reverse();

    let f = sqlite_at(NOW).await;
    let j = &f.journal;
    // A few present already (written as small bulk writes are, triggers counting)...
    let mut bulk = f.store.bulk(Existing::Skip, 30).await.unwrap();
    assert_eq!(bulk.write(&contacts[..30]).await.unwrap(), 30);
    bulk.commit().await.unwrap();
    // ...then all of the first 80 in a write expecting enough to rebuild: one statement with
    // 30 present and 50 new, one of them twice...
    let mut bulk = f
        .store
        .bulk(Existing::Skip, BULK_REBUILD_MIN)
        .await
        .unwrap();
    let mixed = [&contacts[..80], &contacts[70..71]].concat();
    assert_eq!(bulk.write(&mixed).await.unwrap(), 50);
    // ...and one with every contact new.
    assert_eq!(bulk.write(&contacts[80..]).await.unwrap(), 40);
    bulk.commit().await.unwrap();
    assert_answers_match(j, "2026-11-22").await;
    assert_answers_match(j, "2026-11-15").await;

    // The triggers count again: a contact logged after, and one edited.
    let later = ContactInput {
        staff: Some("Bram".into()),
        topic: Some("factuur".into()),
        nps: Some(3),
        level: Some(2),
        valued: Some(5),
        customer_ref: Some("K1".into()),
        ..contact(2, 5, "2026-11-20T15:00:00+01:00")
    };
    j.log(&later).await.unwrap();
    let first = contacts[0].id.to_string();
    j.update(&first, &later).await.unwrap();
    assert_answers_match(j, "2026-11-22").await;
}
