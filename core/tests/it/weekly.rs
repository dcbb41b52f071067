//! Weekly statistics on a real store: exact counts, shares and Wilson bounds, empty weeks,
//! ISO weeks across year ends, and the local date across daylight-saving changes.

use contactmoment_core::{Channel, ContactInput, WeekStats, WeeklyQuery};

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
        query.staff = staff.map(Into::into);
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
