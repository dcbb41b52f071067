//! Hostile input through the core: every entry point the app and the CLI use gets random and
//! malicious values (huge strings, control and bidi characters, SQL fragments, number-like
//! words, dates in year 0 and 9999, out-of-range numbers). Each call either saves exactly what
//! validation accepted or refuses with a field-level error and writes nothing; none panics.

use std::sync::Arc;

use contactmoment_core::{
    ContactInput, ContactsQuery, Error, FixedClock, Journal, ListQuery, SettingsInput, SqliteStore,
    WeeklyQuery,
};
use proptest::prelude::*;

/// Text an attacker or a slip of the hand might send.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("'; DROP TABLE contacts; --".to_owned()),
        Just("\" OR 1=1 --".to_owned()),
        Just("Robert'); DELETE FROM settings;--".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("=HYPERLINK(\"http://evil.invalid\")".to_owned()),
        Just("NaN".to_owned()),
        Just("-Infinity".to_owned()),
        Just("1e309".to_owned()),
        Just("\u{202E}evil\u{202C}".to_owned()),
        Just("a\u{0000}b".to_owned()),
        Just("tab\there\r\nnewline".to_owned()),
        Just("\u{FEFF}bom".to_owned()),
        Just("x".repeat(100_000)),
        "\\PC{0,300}",
        any::<String>(),
    ]
}

fn hostile_time() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0000-01-01T00:00:00Z".to_owned()),
        Just("9999-12-31T23:59:59Z".to_owned()),
        Just("+275760-09-13T00:00:00Z".to_owned()),
        Just("2026-02-30T10:00:00+01:00".to_owned()),
        Just("2026-11-20T10:00:00+25:00".to_owned()),
        Just("2026-11-20T10:00".to_owned()),
        Just("2026-11-20T10:00:00+01:00".to_owned()),
        Just("1999-12-31T23:59:59+01:00".to_owned()),
        hostile_text(),
    ]
}

fn hostile_rating() -> impl Strategy<Value = Option<i32>> {
    prop_oneof![
        Just(None),
        (1..=5i32).prop_map(Some),
        Just(Some(i32::MIN)),
        Just(Some(i32::MAX)),
        Just(Some(0)),
        Just(Some(6)),
        any::<i32>().prop_map(Some),
    ]
}

prop_compose! {
    fn hostile_answers()(
        // Mostly absent or valid, so that whole valid contacts come often enough to check.
        reason in prop_oneof![
            4 => Just(None),
            2 => prop_oneof![Just("wrong".to_owned()), Just("too slow".to_owned())].prop_map(Some),
            1 => hostile_text().prop_map(Some),
        ],
        level in prop_oneof![3 => Just(None), 2 => (1..=5i32).prop_map(Some), 1 => hostile_rating()],
        nps in prop_oneof![3 => Just(None), 2 => (0..=10i32).prop_map(Some), 1 => (-2i32..13).prop_map(Some), 1 => hostile_rating()],
        valued in prop_oneof![3 => Just(None), 2 => (1..=5i32).prop_map(Some), 1 => hostile_rating()],
        due in prop_oneof![
            3 => Just(None),
            2 => prop_oneof![Just("2026-11-23".to_owned()), Just("2026-11-21".to_owned())].prop_map(Some),
            1 => hostile_text().prop_map(Some),
        ],
        star in any::<bool>(),
    ) -> (Option<String>, Option<i32>, Option<i32>, Option<i32>, Option<String>, bool) {
        (reason, level, nps, valued, due, star)
    }
}

prop_compose! {
    fn hostile_input()(
        occurred_at in proptest::option::of(hostile_time()),
        staff in proptest::option::of(hostile_text()),
        channel in proptest::option::of(prop_oneof![Just("chat".to_owned()), hostile_text()]),
        functional in hostile_rating(),
        emotional in hostile_rating(),
        topic in proptest::option::of(hostile_text()),
        customer_ref in proptest::option::of(hostile_text()),
        note in proptest::option::of(hostile_text()),
        id in proptest::option::of(prop_oneof![
            Just("0193a5c2-7f00-7000-8000-000000000001".to_owned()),
            hostile_text(),
        ]),
        follow_up in any::<bool>(),
        (reason, level, nps, valued, due, star) in hostile_answers(),
    ) -> ContactInput {
        ContactInput {
            id, occurred_at, staff, channel, functional, emotional, topic, customer_ref, note,
            follow_up, reason, level, nps, valued, due, star,
        }
    }
}

const INPUT_FIELDS: [&str; 14] = [
    "id",
    "occurred_at",
    "staff",
    "channel",
    "functional",
    "emotional",
    "topic",
    "customer_ref",
    "note",
    "reason",
    "level",
    "nps",
    "valued",
    "due",
];

struct World {
    _dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    journal: Journal,
    existing: String,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let journal = rt.block_on(async {
        let store = SqliteStore::open(&dir.path().join("j.sqlite"))
            .await
            .unwrap();
        Journal::new(
            Arc::new(store),
            Arc::new(FixedClock::at("2026-11-22T12:00:00+01:00")),
        )
        .with_key_file(dir.path().join("key"))
    });
    let existing = rt
        .block_on(journal.log(&ContactInput {
            staff: Some("Anna".into()),
            customer_ref: Some("KLANT-1".into()),
            functional: Some(4),
            emotional: Some(4),
            ..ContactInput::default()
        }))
        .unwrap()
        .id
        .to_string();
    World {
        _dir: dir,
        rt,
        journal,
        existing,
    }
}

fn everything(w: &World) -> Vec<contactmoment_core::Contact> {
    w.rt.block_on(w.journal.list(&ListQuery::default()))
        .unwrap()
}

/// Characters that hide or reorder what a reader sees, which validation refuses.
fn disguising(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{0000}'))
}

fn field_error(e: &Error, allowed: &[&str]) -> bool {
    matches!(e, Error::Validation { field, .. } if allowed.contains(&field.as_str()))
        || matches!(e, Error::Conflict(_) | Error::NotFound(_))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn logging_saves_what_is_valid_or_names_the_field(input in hostile_input()) {
        thread_local!(static W: World = world());
        W.with(|w| {
            let before = everything(w);
            match w.rt.block_on(w.journal.log(&input)) {
                Ok(saved) => {
                    let stored = w.rt.block_on(w.journal.get(&saved.id.to_string())).unwrap();
                    prop_assert_eq!(&stored, &saved);
                    prop_assert_eq!(everything(w).len(), before.len() + 1);
                    prop_assert!((1..=5).contains(&saved.functional));
                    prop_assert!((1..=5).contains(&saved.emotional));
                    let texts = [Some(&saved.staff), saved.topic.as_ref(), saved.note.as_ref()];
                    for text in texts.into_iter().flatten() {
                        prop_assert!(!disguising(text), "{:?}", text);
                    }
                    // The optional answers: in range, a reason only for a failure, a promise
                    // only for a follow-up and from the contact's day to a year after it.
                    prop_assert!(saved.level.is_none_or(|l| (1..=5).contains(&l)));
                    prop_assert!(saved.nps.is_none_or(|n| n <= 10));
                    prop_assert!(saved.valued.is_none_or(|v| (1..=5).contains(&v)));
                    prop_assert!(saved.reason.is_none() || saved.functional <= 2);
                    prop_assert_eq!(saved.level.map(i32::from), input.level);
                    prop_assert_eq!(saved.nps.map(i32::from), input.nps);
                    prop_assert_eq!(saved.valued.map(i32::from), input.valued);
                    prop_assert_eq!(saved.star, input.star);
                    let needs = saved.follow_up || saved.emotional <= 2;
                    prop_assert_eq!(saved.due.is_some(), needs, "{:?}", saved);
                    if let Some(due) = saved.due {
                        prop_assert!(due >= saved.local_date);
                        prop_assert!(due <= saved.local_date + chrono::Days::new(366));
                    }
                }
                Err(e) => {
                    prop_assert!(field_error(&e, &INPUT_FIELDS), "{e:?}");
                    prop_assert_eq!(everything(w), before, "a refusal writes nothing");
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn editing_saves_what_is_valid_or_changes_nothing(input in hostile_input(), other_id in hostile_text()) {
        thread_local!(static W: World = world());
        W.with(|w| {
            for id in [w.existing.as_str(), other_id.as_str()] {
                let before = everything(w);
                match w.rt.block_on(w.journal.update(id, &input)) {
                    Ok(saved) => {
                        let stored = w.rt.block_on(w.journal.get(id)).unwrap();
                        prop_assert_eq!(stored, saved);
                    }
                    Err(e) => {
                        prop_assert!(field_error(&e, &INPUT_FIELDS), "{e:?}");
                        prop_assert_eq!(everything(w), before);
                    }
                }
            }
            let before = everything(w);
            for result in [
                w.rt.block_on(w.journal.delete(&other_id)),
                w.rt.block_on(w.journal.set_follow_up_done(&other_id, true)).map(|_| ()),
                w.rt.block_on(w.journal.undelete(&other_id)).map(|_| ()),
            ] {
                let e = result.expect_err("no contact has a hostile id");
                prop_assert!(field_error(&e, &["id"]), "{e:?}");
            }
            prop_assert_eq!(everything(w), before, "a refused id changes nothing");
            Ok(())
        })?;
    }

    /// A customer's data on request and erased on request, with any reference: the
    /// existing contact (customer "KLANT-1") is found and erased only by its own reference.
    #[test]
    fn customer_requests_take_any_reference(reference in hostile_text()) {
        thread_local!(static W: World = world());
        W.with(|w| {
            let before = everything(w);
            let theirs = w.rt.block_on(w.journal.customer_contacts(&reference));
            let erased = w.rt.block_on(w.journal.erase_customer(&reference));
            match (theirs, erased) {
                (Ok(theirs), Ok(erased)) => {
                    prop_assert!(theirs.is_empty(), "{:?}", theirs);
                    prop_assert_eq!(erased, 0);
                }
                (Err(a), Err(b)) => {
                    prop_assert!(field_error(&a, &["customer_ref"]), "{a:?}");
                    prop_assert!(field_error(&b, &["customer_ref"]), "{b:?}");
                }
                (a, b) => prop_assert!(false, "the same reference, two answers: {:?} / {:?}", a, b),
            }
            prop_assert_eq!(everything(w), before, "another customer's request changes nothing");
            Ok(())
        })?;
    }

    #[test]
    fn settings_and_queries_refuse_by_field(
        name in hostile_text(),
        language in proptest::option::of(hostile_text()),
        numbers in proptest::collection::vec(prop_oneof![0..=100i32, any::<i32>()], 5),
        staff in proptest::collection::vec(hostile_text(), 0..3),
        topic in proptest::option::of(hostile_text()),
        week in proptest::option::of(hostile_text()),
        from_days in -800_000i32..800_000,
        to_days in -800_000i32..800_000,
        limit in any::<u32>(),
        offset in any::<u32>(),
    ) {
        thread_local!(static W: World = world());
        W.with(|w| {
            let before = w.rt.block_on(w.journal.settings()).unwrap();
            let input = SettingsInput {
                display_name: name.clone(),
                language,
                target_functional: Some(numbers[0]),
                target_emotional: Some(numbers[1]),
                retention_months: Some(numbers[2]),
                retention_whole_contacts: false,
                backups_keep: Some(numbers[3]),
                pseudonymise_customers: false,
                valued_every: Some(numbers[4]),
                // Half the time a hostile shortcut, so that the other fields are still saved
                // often.
                log_shortcut: if limit % 2 == 0 { topic.clone().unwrap_or_default() } else { "Ctrl+Alt+L".into() },
                close_to_tray: limit % 3 == 0,
            };
            match w.rt.block_on(w.journal.save_settings(&input)) {
                Ok(saved) => prop_assert_eq!(w.rt.block_on(w.journal.settings()).unwrap(), saved),
                Err(e) => {
                    let fields = ["display_name", "language", "target_functional", "target_emotional", "retention_months", "backups_keep", "valued_every", "log_shortcut"];
                    prop_assert!(field_error(&e, &fields), "{e:?}");
                    prop_assert_eq!(w.rt.block_on(w.journal.settings()).unwrap(), before);
                }
            }
            let day = |d: i32| chrono::NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|t| t.checked_add_signed(chrono::TimeDelta::days(i64::from(d))));
            let query = WeeklyQuery { from: day(from_days), to: day(to_days), staff, channel: None, topic };
            let fields = ["from", "to", "staff", "topic", "week", "rating", "limit", "axis"];
            for e in [
                w.rt.block_on(w.journal.weekly(&query)).err(),
                w.rt.block_on(w.journal.review(&query)).err(),
                w.rt.block_on(w.journal.review_by_staff(&query)).err(),
                w.rt.block_on(w.journal.weekly_by_staff(&query)).err(),
                w.rt.block_on(w.journal.list(&ListQuery {
                    since: query.from,
                    staff: query.staff.first().cloned(),
                    member: query.topic.clone(),
                    limit: Some(limit),
                })).err(),
                w.rt.block_on(w.journal.contacts(&ContactsQuery {
                    filter: query.clone(),
                    week,
                    rating: Some(numbers[0]),
                    axis: Some(contactmoment_core::Axis::Emotional),
                    limit: Some(limit),
                    offset,
                    ..ContactsQuery::default()
                })).err(),
            ].into_iter().flatten() {
                prop_assert!(field_error(&e, &fields), "{e:?}");
            }
            Ok(())
        })?;
    }
}

/// The other side of the customer requests above: the customer's own reference finds and
/// erases their contact, and only theirs.
#[tokio::test]
async fn a_customers_own_reference_finds_and_erases_their_contact() {
    let f = crate::support::sqlite_at("2026-11-22T12:00:00+01:00").await;
    for customer in ["KLANT-1", "KLANT-2"] {
        f.journal
            .log(&ContactInput {
                customer_ref: Some(customer.into()),
                ..crate::support::rated(4, 4, "2026-11-20T10:00:00+01:00")
            })
            .await
            .unwrap();
    }
    assert_eq!(
        f.journal.customer_contacts("KLANT-1").await.unwrap().len(),
        1
    );
    assert_eq!(f.journal.erase_customer(" KLANT-1 ").await.unwrap(), 1);
    assert!(f
        .journal
        .customer_contacts("KLANT-1")
        .await
        .unwrap()
        .is_empty());
    let left = f.journal.list(&ListQuery::default()).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].customer_ref.as_deref(), Some("KLANT-2"));
}
