//! Weekly statistics on a real store: exact counts, shares and Wilson bounds, empty weeks,
//! ISO weeks across year ends, and the local date across daylight-saving changes.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use contactmoment_core::{
    demo::DemoSpec, export, validate, week, Axis, Channel, Clock, ContactInput, Error, GroupBy,
    Journal, SqliteStore, StatsFilter, Store, WeekCounts, WeekStats, WeeklyQuery, ZonedClock,
};

use crate::support::{log_all, rated, sqlite_at};

fn q(from: &str, to: &str) -> WeeklyQuery {
    WeeklyQuery {
        from: Some(from.parse().unwrap()),
        to: Some(to.parse().unwrap()),
        ..WeeklyQuery::default()
    }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-4)
}

#[tokio::test]
async fn exact_numbers_and_an_empty_week() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    // Week 45: 4 contacts; week 46: none; week 47: 1.
    log_all(
        &f.journal,
        &[
            rated(5, 4, "2026-11-02T09:00:00+01:00"),
            rated(4, 2, "2026-11-03T09:00:00+01:00"),
            rated(4, 1, "2026-11-05T09:00:00+01:00"),
            rated(2, 5, "2026-11-08T23:59:00+01:00"),
            rated(3, 3, "2026-11-16T08:00:00+01:00"),
        ],
    )
    .await;
    let r = f
        .journal
        .weekly(&q("2026-11-04", "2026-11-22"))
        .await
        .unwrap();
    assert_eq!(
        r.from.to_string(),
        "2026-11-02",
        "ranges snap to whole ISO weeks"
    );
    assert_eq!(r.to.to_string(), "2026-11-22");
    assert_eq!(r.min_n, 5);
    let labels: Vec<_> = r.weeks.iter().map(|w| w.week.as_str()).collect();
    assert_eq!(labels, ["2026-W45", "2026-W46", "2026-W47"]);

    let w45 = &r.weeks[0];
    assert_eq!(
        (w45.n, w45.functional_positive, w45.emotional_positive),
        (4, 3, 2)
    );
    assert!(close(w45.functional_share, 0.75));
    assert!(
        close(w45.functional_ci_low, 0.300_641),
        "{:?}",
        w45.functional_ci_low
    );
    assert!(
        close(w45.functional_ci_high, 0.954_412),
        "{:?}",
        w45.functional_ci_high
    );
    assert!(close(w45.functional_mean, 3.75));
    assert!(close(w45.emotional_share, 0.5));
    assert!(close(w45.emotional_mean, 3.0));

    let w46 = &r.weeks[1];
    assert_eq!(
        *w46,
        WeekStats::from_counts("2026-11-09".parse().unwrap(), None)
    );
    assert_eq!(w46.n, 0);
    assert_eq!(w46.functional_share, None);

    let w47 = &r.weeks[2];
    assert_eq!(
        (w47.n, w47.functional_positive, w47.emotional_positive),
        (1, 0, 0)
    );
    assert!(close(w47.functional_share, 0.0));
}

#[tokio::test]
async fn default_range_is_the_last_twelve_weeks() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    f.journal
        .log(&rated(4, 4, "2026-11-22T09:00:00+01:00"))
        .await
        .unwrap();
    let r = f.journal.weekly(&WeeklyQuery::default()).await.unwrap();
    assert_eq!(r.weeks.len(), 12);
    assert_eq!(r.weeks[0].week, "2026-W36");
    assert_eq!(r.weeks[11].week, "2026-W47");
    assert_eq!(r.weeks[11].n, 1);
}

#[tokio::test]
async fn iso_weeks_across_the_year_end() {
    let f = sqlite_at("2027-01-10T12:00:00+01:00").await;
    log_all(
        &f.journal,
        &[
            rated(4, 4, "2025-12-29T10:00:00+01:00"),
            rated(1, 5, "2026-01-04T10:00:00+01:00"),
            rated(5, 1, "2027-01-01T10:00:00+01:00"),
            rated(5, 5, "2027-01-03T22:00:00+01:00"),
            rated(2, 2, "2027-01-04T00:10:00+01:00"),
        ],
    )
    .await;
    let r = f
        .journal
        .weekly(&q("2025-12-29", "2026-01-04"))
        .await
        .unwrap();
    assert_eq!(r.weeks.len(), 1);
    assert_eq!((r.weeks[0].week.as_str(), r.weeks[0].n), ("2026-W01", 2));
    assert_eq!(r.weeks[0].week_start.to_string(), "2025-12-29");

    let r = f
        .journal
        .weekly(&q("2026-12-28", "2027-01-10"))
        .await
        .unwrap();
    let got: Vec<_> = r.weeks.iter().map(|w| (w.week.as_str(), w.n)).collect();
    assert_eq!(got, [("2026-W53", 2), ("2027-W01", 1)]);
}

#[tokio::test]
async fn weeks_follow_the_local_date_across_dst() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    log_all(
        &f.journal,
        &[
            // Sunday 29 March 2026, clocks went forward at 02:00 in Amsterdam.
            rated(4, 4, "2026-03-29T23:30:00+02:00"),
            // Monday 30 March, 00:30 local: still Sunday in UTC, but the staff member's Monday.
            rated(4, 4, "2026-03-30T00:30:00+02:00"),
            // Sunday 25 October 2026, the repeated hour after clocks went back.
            rated(2, 2, "2026-10-25T02:30:00+02:00"),
            rated(2, 2, "2026-10-25T02:30:00+01:00"),
            // Monday 26 October 00:15 local (Sunday 23:15 UTC).
            rated(5, 5, "2026-10-26T00:15:00+01:00"),
        ],
    )
    .await;
    let r = f
        .journal
        .weekly(&q("2026-03-23", "2026-04-05"))
        .await
        .unwrap();
    let got: Vec<_> = r.weeks.iter().map(|w| (w.week.as_str(), w.n)).collect();
    assert_eq!(got, [("2026-W13", 1), ("2026-W14", 1)]);
    let r = f
        .journal
        .weekly(&q("2026-10-19", "2026-11-01"))
        .await
        .unwrap();
    let got: Vec<_> = r.weeks.iter().map(|w| (w.week.as_str(), w.n)).collect();
    assert_eq!(got, [("2026-W43", 2), ("2026-W44", 1)]);
}

/// Local times as the app sends them (no offset), on a clock with Amsterdam's real
/// daylight-saving changes: the skipped hour in spring is refused at the field and says why;
/// the repeated hour in autumn is read as its first occurrence (summer time), every time.
#[tokio::test]
async fn local_times_in_the_skipped_and_the_repeated_hour() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("j.sqlite"))
        .await
        .unwrap();
    let clock = ZonedClock {
        now: "2026-11-22T11:00:00Z".parse().unwrap(),
        zone: chrono_tz::Europe::Amsterdam,
    };
    assert_eq!(clock.now().to_rfc3339(), "2026-11-22T12:00:00+01:00");
    let journal = Journal::new(Arc::new(store), Arc::new(clock));
    let local = |at: &str| ContactInput {
        staff: Some("Anna".into()),
        ..rated(4, 4, at)
    };

    // Sunday 29 March 2026: the clocks go from 02:00 straight to 03:00.
    let err = journal.log(&local("2026-03-29T02:30")).await.unwrap_err();
    let Error::Validation { field, message, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(field, "occurred_at");
    assert!(message.contains("daylight-saving"), "{message}");
    let before = journal.log(&local("2026-03-29T01:59")).await.unwrap();
    let after = journal.log(&local("2026-03-29T03:00")).await.unwrap();
    assert_eq!(before.occurred_at.to_rfc3339(), "2026-03-29T01:59:00+01:00");
    assert_eq!(after.occurred_at.to_rfc3339(), "2026-03-29T03:00:00+02:00");
    assert_eq!((after.occurred_at - before.occurred_at).num_minutes(), 1);

    // Sunday 25 October 2026: 02:00–03:00 happens twice; the first (summer time) is taken.
    for _ in 0..2 {
        let repeated = journal.log(&local("2026-10-25T02:30")).await.unwrap();
        assert_eq!(
            repeated.occurred_at.to_rfc3339(),
            "2026-10-25T02:30:00+02:00"
        );
        assert_eq!(repeated.iso_week, "2026-W43");
    }
    let winter = journal.log(&local("2026-10-25T03:30")).await.unwrap();
    assert_eq!(winter.occurred_at.to_rfc3339(), "2026-10-25T03:30:00+01:00");
    // Monday 26 October 00:15 local is still Sunday in UTC: it counts in the next week.
    let monday = journal.log(&local("2026-10-26T00:15")).await.unwrap();
    assert_eq!(monday.occurred_at.to_rfc3339(), "2026-10-26T00:15:00+01:00");
    assert_eq!(monday.iso_week, "2026-W44");
    let r = journal
        .weekly(&q("2026-10-19", "2026-11-01"))
        .await
        .unwrap();
    let got: Vec<_> = r.weeks.iter().map(|w| (w.week.as_str(), w.n)).collect();
    assert_eq!(got, [("2026-W43", 3), ("2026-W44", 1)]);
}

#[tokio::test]
async fn filters_by_staff_and_channel_and_ignores_deleted() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let at = "2026-11-18T10:00:00+01:00";
    let saved = log_all(
        &f.journal,
        &[
            ContactInput {
                staff: Some("Bram".into()),
                channel: Some("email".into()),
                ..rated(5, 5, at)
            },
            ContactInput {
                staff: Some("Bram".into()),
                ..rated(1, 1, at)
            },
            ContactInput {
                channel: Some("email".into()),
                ..rated(4, 1, at)
            },
            rated(4, 4, at),
        ],
    )
    .await;
    let week = |mut query: WeeklyQuery, staff: Option<&str>, channel: Option<Channel>| {
        query.staff = staff.into_iter().map(Into::into).collect();
        query.channel = channel;
        query
    };
    let base = q("2026-11-16", "2026-11-22");
    let j = &f.journal;
    assert_eq!(j.weekly(&base).await.unwrap().weeks[0].n, 4);
    let bram = j
        .weekly(&week(base.clone(), Some("Bram"), None))
        .await
        .unwrap();
    assert_eq!((bram.weeks[0].n, bram.weeks[0].functional_positive), (2, 1));
    let email = j
        .weekly(&week(base.clone(), None, Some(Channel::Email)))
        .await
        .unwrap();
    assert_eq!(
        (email.weeks[0].n, email.weeks[0].emotional_positive),
        (2, 1)
    );
    let both = j
        .weekly(&week(base.clone(), Some("Bram"), Some(Channel::Email)))
        .await
        .unwrap();
    assert_eq!(both.weeks[0].n, 1);

    j.delete(&saved[3].id.to_string()).await.unwrap();
    assert_eq!(j.weekly(&base).await.unwrap().weeks[0].n, 3);
    assert!(
        j.weekly(&q("2026-11-22", "2026-11-01")).await.is_err(),
        "from after to"
    );
}

/// The weekly figures come from a rollup kept by triggers; after any mix of logs, edits,
/// deletes and restores they must equal a count made directly from the live contacts.
#[tokio::test]
async fn weekly_figures_always_match_the_contacts_themselves() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    let mut seed: u64 = 20_261_122;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let staff = ["Anna", "Bram", "Citlali"];
    let channels = ["phone", "email", "chat"];
    // Bulk writes maintain the rollup per batch; loading the same seed again adds nothing.
    let spec = DemoSpec {
        contacts: 1_500,
        staff: 3,
        weeks: 12,
        seed: 3,
    };
    assert_eq!(j.load_demo(spec, &mut |_| {}).await.unwrap(), 1_500);
    assert_eq!(j.load_demo(spec, &mut |_| {}).await.unwrap(), 0);
    let mut live: Vec<String> = j
        .list(&contactmoment_core::ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id.to_string())
        .collect();
    let mut deleted: Vec<String> = Vec::new();
    for _ in 0..400 {
        let day = 1 + next(80);
        let at = (chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::Days::new(day))
            .format("%Y-%m-%dT10:00:00+01:00")
            .to_string();
        let input = ContactInput {
            staff: Some(staff[next(3) as usize].into()),
            channel: Some(channels[next(3) as usize].into()),
            topic: [None, Some("factuur"), Some("storing")][next(3) as usize].map(Into::into),
            // The optional answers, counted in a rollup of their own.
            nps: [None, Some(3), Some(7), Some(9), Some(10)][next(5) as usize],
            level: [None, Some(1 + next(5) as i32)][next(2) as usize],
            valued: [None, Some(1 + next(5) as i32)][next(2) as usize],
            ..rated(1 + next(5) as i32, 1 + next(5) as i32, &at)
        };
        match next(10) {
            0..=5 => live.push(j.log(&input).await.unwrap().id.to_string()),
            6 | 7 if !live.is_empty() => {
                let id = &live[next(live.len() as u64) as usize];
                j.update(id, &input).await.unwrap();
            }
            8 if !live.is_empty() => {
                let id = live.swap_remove(next(live.len() as u64) as usize);
                j.delete(&id).await.unwrap();
                deleted.push(id);
            }
            9 if !deleted.is_empty() => {
                let id = deleted.swap_remove(next(deleted.len() as u64) as usize);
                j.undelete(&id).await.unwrap();
                live.push(id);
            }
            _ => {}
        }
    }
    // A bulk write in which some ids exist already (an import of an overlapping file) counts
    // the new contacts from the table instead of from memory.
    let clock = contactmoment_core::FixedClock::at("2026-11-22T12:00:00+01:00");
    let mut batch = j
        .list(&contactmoment_core::ListQuery::default())
        .await
        .unwrap();
    batch.truncate(5);
    for day in 0..5 {
        let input = ContactInput {
            topic: Some("factuur".into()),
            ..rated(4, 2, &format!("2026-10-1{day}T10:00:00+02:00"))
        };
        let added = validate::contact(&input, Some("Bram"), &clock).unwrap();
        live.push(added.id.to_string());
        batch.push(added);
    }
    let mut csv = Vec::new();
    export::contacts_csv(&mut csv, &batch, export::CsvStyle::PLAIN).unwrap();
    let report = j
        .import(std::io::Cursor::new(csv), false, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((report.imported, report.already_present), (5, 5));

    let contacts = j
        .list(&contactmoment_core::ListQuery::default())
        .await
        .unwrap();
    assert_eq!(contacts.len(), live.len());
    for (who, via) in [
        (None, None),
        (Some("Bram"), None),
        (None, Some(Channel::Email)),
        (Some("Citlali"), Some(Channel::Chat)),
    ] {
        let query = WeeklyQuery {
            staff: who.into_iter().map(Into::into).collect(),
            channel: via,
            ..q("2026-08-31", "2026-11-22")
        };
        let report = j.weekly(&query).await.unwrap();
        assert_eq!(report.weeks.len(), 12);
        for w in &report.weeks {
            let mine: Vec<_> = contacts
                .iter()
                .filter(|c| c.iso_week == w.week)
                .filter(|c| {
                    who.is_none_or(|s| c.staff == s) && via.is_none_or(|ch| c.channel == ch)
                })
                .collect();
            let positive = |f: fn(&contactmoment_core::Contact) -> u8| {
                mine.iter().filter(|c| f(c) >= 4).count() as u32
            };
            let sum = |f: fn(&contactmoment_core::Contact) -> u8| {
                mine.iter().map(|c| f64::from(f(c))).sum::<f64>()
            };
            assert_eq!(w.n, mine.len() as u32, "{} {who:?} {via:?}", w.week);
            assert_eq!(
                w.functional_positive,
                positive(|c| c.functional),
                "{}",
                w.week
            );
            assert_eq!(
                w.emotional_positive,
                positive(|c| c.emotional),
                "{}",
                w.week
            );
            let rated = |f: fn(&contactmoment_core::Contact) -> u8, which: fn(u8) -> bool| {
                mine.iter().filter(|c| which(f(c))).count() as u32
            };
            assert_eq!(
                (w.functional_low, w.functional_top),
                (
                    rated(|c| c.functional, |r| r <= 2),
                    rated(|c| c.functional, |r| r == 5)
                ),
                "{}",
                w.week
            );
            assert_eq!(
                (w.emotional_low, w.emotional_top),
                (
                    rated(|c| c.emotional, |r| r <= 2),
                    rated(|c| c.emotional, |r| r == 5)
                ),
                "{}",
                w.week
            );
            let scored = |which: fn(u8) -> bool| {
                mine.iter().filter(|c| c.nps.is_some_and(which)).count() as u32
            };
            assert_eq!(
                (w.nps_n, w.nps_promoters, w.nps_detractors),
                (scored(|_| true), scored(|s| s >= 9), scored(|s| s <= 6)),
                "{} {who:?} {via:?}",
                w.week
            );
            let levels: Vec<u32> = (1..=5u8)
                .map(|l| mine.iter().filter(|c| c.level == Some(l)).count() as u32)
                .collect();
            assert_eq!(w.level_counts.to_vec(), levels, "{}", w.week);
            assert_eq!(w.level_n, levels.iter().sum::<u32>());
            if w.n > 0 {
                assert!(close(
                    w.functional_mean,
                    sum(|c| c.functional) / f64::from(w.n)
                ));
                assert!(close(
                    w.emotional_mean,
                    sum(|c| c.emotional) / f64::from(w.n)
                ));
            }
        }
    }

    // The period's answers (from the rollup) beside a direct count: NPS, the staff's
    // impression of detractors and promoters, levels and "valued".
    let period = q("2026-08-31", "2026-11-22");
    let p = j.practices(&period).await.unwrap();
    let (from, to) = (period.from.unwrap(), period.to.unwrap());
    let now: Vec<_> = contacts
        .iter()
        .filter(|c| c.local_date >= from && c.local_date <= to)
        .collect();
    let count = |keep: &dyn Fn(&contactmoment_core::Contact) -> bool| {
        now.iter().filter(|c| keep(c)).count() as u32
    };
    assert_eq!(
        (p.nps.n, p.nps.promoters, p.nps.detractors),
        (
            count(&|c| c.nps.is_some()),
            count(&|c| c.nps.is_some_and(|s| s >= 9)),
            count(&|c| c.nps.is_some_and(|s| s <= 6))
        )
    );
    assert_eq!(
        (
            p.views.detractors_welcome.count,
            p.views.promoters_not_welcome.count
        ),
        (
            count(&|c| c.nps.is_some_and(|s| s <= 6) && c.emotional >= 4),
            count(&|c| c.nps.is_some_and(|s| s >= 9) && c.emotional <= 3)
        )
    );
    let levels: Vec<u32> = (1..=5u8).map(|l| count(&|c| c.level == Some(l))).collect();
    assert_eq!(
        p.levels.levels.iter().map(|l| l.count).collect::<Vec<_>>(),
        levels
    );
    assert_eq!(
        (p.valued.n, p.valued.share.count),
        (
            count(&|c| c.valued.is_some()),
            count(&|c| c.valued.is_some_and(|v| v >= 4))
        )
    );

    // The answers of one topic, for the whole team (its rollup) and for one person (counted
    // from the contacts).
    for who in [None, Some("Bram")] {
        let query = WeeklyQuery {
            topic: Some("storing".into()),
            staff: who.into_iter().map(Into::into).collect(),
            ..q("2026-08-31", "2026-11-22")
        };
        for w in &j.weekly(&query).await.unwrap().weeks {
            let mine: Vec<_> = contacts
                .iter()
                .filter(|c| c.iso_week == w.week && c.topic.as_deref() == Some("storing"))
                .filter(|c| who.is_none_or(|s| c.staff == s))
                .collect();
            let levels: Vec<u32> = (1..=5u8)
                .map(|l| mine.iter().filter(|c| c.level == Some(l)).count() as u32)
                .collect();
            assert_eq!(
                (w.nps_n, w.level_counts.to_vec()),
                (
                    mine.iter().filter(|c| c.nps.is_some()).count() as u32,
                    levels
                ),
                "{} {who:?}",
                w.week
            );
        }
    }

    // The distribution and the quadrants of the review, from the rollups, and a topic with
    // several staff members, counted from the contacts, match a direct count as well.
    let mut demo_staff: Vec<&str> = contacts
        .iter()
        .filter(|c| c.topic.is_some())
        .map(|c| c.staff.as_str())
        .collect();
    demo_staff.sort_unstable();
    demo_staff.dedup();
    for (who, topic, via) in [
        (vec![], None, None),
        (vec!["Bram", "Citlali"], None, None),
        (vec![], Some("factuur"), None),
        (vec![], Some("storing"), Some(Channel::Chat)),
        (demo_staff[..2].to_vec(), Some("storing"), None),
    ] {
        let query = WeeklyQuery {
            staff: who.iter().map(|s| (*s).to_owned()).collect(),
            topic: topic.map(Into::into),
            channel: via,
            ..q("2026-08-31", "2026-11-22")
        };
        let review = j.review(&query).await.unwrap();
        assert_eq!(review.weeks.len(), 12);
        let mut total = 0;
        for w in &review.weeks {
            let mine: Vec<_> = contacts
                .iter()
                .filter(|c| c.iso_week == w.stats.week)
                .filter(|c| who.is_empty() || who.contains(&c.staff.as_str()))
                .filter(|c| topic.is_none() || c.topic.as_deref() == topic)
                .filter(|c| via.is_none_or(|ch| c.channel == ch))
                .collect();
            total += mine.len() as u32;
            let ratings = |f: fn(&contactmoment_core::Contact) -> u8| {
                let mut r = [0u32; 5];
                for c in &mine {
                    r[usize::from(f(c)) - 1] += 1;
                }
                r
            };
            let quadrant = |solved: bool, welcome: bool| {
                mine.iter()
                    .filter(|c| (c.functional >= 4) == solved && (c.emotional >= 4) == welcome)
                    .count() as u32
            };
            let label = format!("{} {who:?} {topic:?}", w.stats.week);
            assert_eq!(w.stats.n, mine.len() as u32, "{label}");
            assert_eq!(w.functional_ratings, ratings(|c| c.functional), "{label}");
            assert_eq!(w.emotional_ratings, ratings(|c| c.emotional), "{label}");
            assert_eq!(w.quadrants.solved_welcome, quadrant(true, true), "{label}");
            assert_eq!(
                w.quadrants.solved_not_welcome,
                quadrant(true, false),
                "{label}"
            );
            assert_eq!(
                w.quadrants.welcome_not_solved,
                quadrant(false, true),
                "{label}"
            );
            assert_eq!(w.quadrants.neither, quadrant(false, false), "{label}");
        }
        assert_eq!(review.current.n, total, "{who:?} {topic:?}");
        assert!(total > 0, "{who:?} {topic:?} selects contacts");
    }

    // Everyone at once gives what asking per staff member gives (the journal asks for whole
    // weeks, which the rollup answers)...
    for channel in [None, Some(Channel::Chat)] {
        let query = WeeklyQuery {
            channel,
            ..q("2026-08-31", "2026-11-22")
        };
        let everyone = j.weekly_by_staff(&query).await.unwrap();
        let mut names: Vec<&str> = contacts
            .iter()
            .filter(|c| channel.is_none_or(|ch| c.channel == ch))
            .map(|c| c.staff.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            everyone
                .iter()
                .map(|s| s.staff.as_str())
                .collect::<Vec<_>>(),
            names
        );
        for one in &everyone {
            let alone = WeeklyQuery {
                staff: vec![one.staff.clone()],
                ..query.clone()
            };
            assert_eq!(one.report, j.weekly(&alone).await.unwrap(), "{}", one.staff);
        }
    }
    // ...and the counts per staff member, channel or topic equal a direct count, from the
    // rollups over whole weeks and from the contacts for part of a week, with and without a
    // staff filter (which takes the channel and topic counts off the team's rollups).
    let ranges: [(NaiveDate, NaiveDate); 2] = [
        ("2026-10-07".parse().unwrap(), "2026-10-16".parse().unwrap()),
        ("2026-09-07".parse().unwrap(), "2026-11-22".parse().unwrap()),
    ];
    let some_staff: Vec<String> = contacts.iter().take(40).map(|c| c.staff.clone()).collect();
    // Counts by (group, week) with n and both axes' positives, in that order.
    let keyed = |mut rows: Vec<(String, WeekCounts)>| {
        rows.sort_by(|a, b| (&a.0, &a.1.iso_week).cmp(&(&b.0, &b.1.iso_week)));
        rows.into_iter()
            .map(|(s, c)| {
                let k = (
                    c.n,
                    c.positive(Axis::Functional),
                    c.positive(Axis::Emotional),
                );
                ((s, c.iso_week), k)
            })
            .collect::<Vec<_>>()
    };
    for (from, to) in ranges {
        for staff in [Vec::new(), some_staff.clone()] {
            for by in [GroupBy::Staff, GroupBy::Channel, GroupBy::Topic] {
                let filter = StatsFilter {
                    from,
                    to,
                    staff: staff.clone(),
                    channel: None,
                    topic: None,
                };
                let got = keyed(f.store.week_counts_by(&filter, by).await.unwrap());
                let mut want: BTreeMap<(String, String), (u32, u32, u32)> = BTreeMap::new();
                for c in contacts.iter().filter(|c| {
                    c.local_date >= from
                        && c.local_date <= to
                        && (staff.is_empty() || staff.contains(&c.staff))
                }) {
                    let group = match by {
                        GroupBy::Staff => Some(c.staff.clone()),
                        GroupBy::Channel => Some(c.channel.as_str().to_owned()),
                        GroupBy::Topic => c.topic.clone(),
                    };
                    let Some(group) = group else { continue };
                    let e = want.entry((group, c.iso_week.clone())).or_default();
                    e.0 += 1;
                    e.1 += u32::from(c.functional >= 4);
                    e.2 += u32::from(c.emotional >= 4);
                }

                assert!(
                    got.len() > 3,
                    "the range holds contacts of several groups and weeks: {by:?}"
                );
                // The same counts in two parts, split at a Monday inside the range.
                let split =
                    from + chrono::Days::new(7 - u64::from(from.weekday().num_days_from_monday()));
                let (first, later) = (week::label(from), week::label(split));
                let mut parts: BTreeMap<(String, String), (u32, u32, u32)> = BTreeMap::new();
                for ((group, iso_week), k) in &want {
                    let part = if *iso_week >= later { &later } else { &first };
                    let e = parts.entry((group.clone(), part.clone())).or_default();
                    e.0 += k.0;
                    e.1 += k.1;
                    e.2 += k.2;
                }
                let got_parts = keyed(
                    f.store
                        .period_counts_by(&filter, Some(by), split)
                        .await
                        .unwrap(),
                );
                assert_eq!(
                    got_parts,
                    parts.into_iter().collect::<Vec<_>>(),
                    "{by:?} in two parts at {split}"
                );
                assert_eq!(
                    got,
                    want.into_iter().collect::<Vec<_>>(),
                    "{by:?} {from}–{to} {staff:?}"
                );
            }
        }
    }
}
