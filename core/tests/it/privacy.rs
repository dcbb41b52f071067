//! Erasure means gone from the file: a customer's contacts and notes past the retention
//! period are removed, and their text is found nowhere in the journal's bytes (the database
//! file and its write-ahead log) while the journal is still open.

use contactmoment_core::{ContactInput, ErrorPayload, JournalFile, SettingsInput};

use crate::support::{log_all, rated, sqlite_at};

/// Whether `needle` occurs anywhere in the journal's files.
fn on_disk(dir: &std::path::Path, needle: &str) -> bool {
    ["j.sqlite", "j.sqlite-wal"].iter().any(|name| {
        std::fs::read(dir.join(name))
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

fn about(customer: &str, note: &str, at: &str) -> ContactInput {
    ContactInput {
        customer_ref: Some(customer.into()),
        note: Some(note.into()),
        ..rated(3, 2, at)
    }
}

#[tokio::test]
async fn an_erased_customer_is_gone_from_the_journal_and_its_files() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    let mine = log_all(
        j,
        &[
            about(
                "KLANT-4711",
                "belde over geheim-4711-a",
                "2026-11-02T10:00:00+01:00",
            ),
            about(
                "KLANT-4711",
                "mailde over geheim-4711-b",
                "2026-11-09T10:00:00+01:00",
            ),
            about(
                "KLANT-4711",
                "kwam langs: geheim-4711-c",
                "2026-11-16T10:00:00+01:00",
            ),
            about(
                "KLANT-0815",
                "andere klant, blijft",
                "2026-11-16T11:00:00+01:00",
            ),
        ],
    )
    .await;
    j.delete(&mine[2].id.to_string()).await.unwrap();
    assert!(
        on_disk(f.dir.path(), "geheim-4711-a"),
        "the test can see text on disk"
    );

    let theirs = j.customer_contacts("KLANT-4711").await.unwrap();
    assert_eq!(theirs.len(), 3, "a deleted contact is still theirs to see");
    assert!(theirs
        .iter()
        .all(|c| c.customer_ref.as_deref() == Some("KLANT-4711")));

    assert_eq!(j.erase_customer("KLANT-4711").await.unwrap(), 3);
    assert!(j.customer_contacts("KLANT-4711").await.unwrap().is_empty());
    assert_eq!(j.customer_contacts("KLANT-0815").await.unwrap().len(), 1);
    for text in [
        "geheim-4711-a",
        "geheim-4711-b",
        "geheim-4711-c",
        "KLANT-4711",
    ] {
        assert!(!on_disk(f.dir.path(), text), "{text} is still in the files");
    }
    assert!(on_disk(f.dir.path(), "andere klant, blijft"));
    let week = j
        .weekly(&contactmoment_core::WeeklyQuery {
            from: Some("2026-11-02".parse().unwrap()),
            to: Some("2026-11-22".parse().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        week.weeks.iter().map(|w| w.n).sum::<u32>(),
        1,
        "the figures follow"
    );
    assert!(
        j.erase_customer("  ").await.is_err(),
        "a reference is required"
    );
    assert_eq!(f.store.check().await.unwrap(), ["ok"]);
}

#[tokio::test]
async fn retention_erases_old_notes_or_old_contacts_for_good() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let j = &f.journal;
    log_all(
        j,
        &[
            about("K-1", "oude-notitie-2024", "2024-03-04T10:00:00+01:00"),
            about("K-2", "oude-notitie-2025", "2025-10-20T10:00:00+02:00"),
            about("K-3", "nieuwe-notitie", "2026-11-20T10:00:00+01:00"),
        ],
    )
    .await;
    assert_eq!(j.apply_retention().await.unwrap(), None, "off by default");

    let mut settings = SettingsInput::from(&j.settings().await.unwrap());
    settings.retention_months = Some(12);
    j.save_settings(&settings).await.unwrap();
    let (cutoff, touched) = j.apply_retention().await.unwrap().unwrap();
    assert_eq!(cutoff.to_string(), "2025-11-22");
    assert_eq!(touched, 2);
    let notes: Vec<Option<String>> = j
        .list(&contactmoment_core::ListQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.note)
        .collect();
    assert_eq!(notes, [Some("nieuwe-notitie".to_owned()), None, None]);
    assert!(!on_disk(f.dir.path(), "oude-notitie"));
    assert!(on_disk(f.dir.path(), "nieuwe-notitie"));

    settings.retention_whole_contacts = true;
    j.save_settings(&settings).await.unwrap();
    assert_eq!(j.apply_retention().await.unwrap().unwrap().1, 2);
    assert_eq!(j.list(&Default::default()).await.unwrap().len(), 1);
    assert!(!on_disk(f.dir.path(), "K-1"));

    settings.retention_months = Some(0);
    assert!(
        j.save_settings(&settings).await.is_err(),
        "0 months is refused"
    );
}

#[tokio::test]
async fn pseudonymised_references_are_hashes_on_disk_and_lookups_still_work() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("customer-key");
    let j = f.journal.clone().with_key_file(key_file.clone());
    log_all(
        &j,
        &[about(
            "KLANT-4711",
            "voor het aanzetten",
            "2026-11-16T10:00:00+01:00",
        )],
    )
    .await;
    assert!(on_disk(f.dir.path(), "KLANT-4711"));

    let mut settings = SettingsInput::from(&j.settings().await.unwrap());
    settings.pseudonymise_customers = true;
    assert!(
        j.save_settings(&settings)
            .await
            .unwrap()
            .pseudonymise_customers
    );
    assert!(
        key_file.is_file(),
        "the key is kept outside the journal's folder"
    );
    let logged = j
        .log(&about(
            "KLANT-4711",
            "na het aanzetten",
            "2026-11-17T10:00:00+01:00",
        ))
        .await
        .unwrap();
    let stored = logged.customer_ref.clone().unwrap();
    assert!(
        stored.starts_with("ps:") && !stored.contains("4711"),
        "{stored}"
    );

    let mut csv = Vec::new();
    contactmoment_core::export::contacts_csv(
        &mut csv,
        &[contactmoment_core::validate::contact(
            &about("KLANT-4711", "geïmporteerd", "2026-11-18T10:00:00+01:00"),
            Some("Bram"),
            &contactmoment_core::FixedClock::at("2026-11-22T12:00:00+01:00"),
        )
        .unwrap()],
        contactmoment_core::export::CsvStyle::PLAIN,
    )
    .unwrap();
    assert_eq!(
        j.import(std::io::Cursor::new(csv), false, &mut |_| {})
            .await
            .unwrap()
            .imported,
        1
    );

    assert!(
        !on_disk(f.dir.path(), "KLANT-4711"),
        "no plain reference is left"
    );
    let theirs = j.customer_contacts("KLANT-4711").await.unwrap();
    let notes: Vec<_> = theirs.iter().map(|c| c.note.as_deref().unwrap()).collect();
    assert_eq!(
        notes,
        ["voor het aanzetten", "na het aanzetten", "geïmporteerd"]
    );
    assert!(theirs
        .iter()
        .all(|c| c.customer_ref.as_deref() == Some(stored.as_str())));
    assert_eq!(j.customer_contacts(&stored).await.unwrap().len(), 3);

    // Without the key the journal cannot tell whose contacts these are.
    let keyless = f
        .journal
        .clone()
        .with_key_file(keys.path().join("another-key"));
    assert!(keyless
        .customer_contacts("KLANT-4711")
        .await
        .unwrap()
        .is_empty());
    assert_eq!(j.erase_customer("KLANT-4711").await.unwrap(), 3);
}

#[tokio::test]
async fn a_customer_history_sums_up_their_earlier_contacts_and_spots_a_repeat() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    let keys = tempfile::tempdir().unwrap();
    let j = f
        .journal
        .clone()
        .with_key_file(keys.path().join("customer-key"));
    let with = |customer: &str, functional: i32, emotional: i32, at: &str| ContactInput {
        customer_ref: Some(customer.into()),
        ..rated(functional, emotional, &format!("{at}T10:00:00+01:00"))
    };
    let logged = log_all(
        &j,
        &[
            with("K-1", 5, 5, "2026-11-01"),
            // Rated 2 on welcome: a follow-up until marked done.
            with("K-1", 4, 2, "2026-11-13"),
            // Not solved, two days ago.
            with("K-1", 2, 4, "2026-11-20"),
            with("K-1", 1, 1, "2026-11-21"),
            with("K-2", 5, 5, "2026-11-21"),
        ],
    )
    .await;
    // A deleted contact is not history.
    j.delete(&logged[3].id.to_string()).await.unwrap();
    assert!(j.customer_history("K-9").await.unwrap().is_none());
    let err = j.customer_history("  ").await.unwrap_err();
    assert_eq!(
        ErrorPayload::from(err).field.as_deref(),
        Some("customer_ref")
    );

    let h = j.customer_history(" K-1 ").await.unwrap().unwrap();
    assert_eq!(
        (
            h.contacts,
            h.solved,
            h.welcome,
            h.open_follow_ups,
            h.last_days_ago,
            h.repeat
        ),
        (3, 2, 2, 1, 2, true)
    );
    assert_eq!(h.last_at.to_rfc3339(), "2026-11-20T10:00:00+01:00");

    // Stored as pseudonyms, the typed reference finds the same history.
    let mut settings = SettingsInput::from(&j.settings().await.unwrap());
    settings.pseudonymise_customers = true;
    j.save_settings(&settings).await.unwrap();
    assert_eq!(j.customer_history("K-1").await.unwrap().unwrap(), h);
    // Not solved three days ago, but solved since: the latest counts, no repeat.
    j.log(&with("K-2", 1, 3, "2026-11-19")).await.unwrap();
    let h = j.customer_history("K-2").await.unwrap().unwrap();
    assert_eq!((h.contacts, h.last_days_ago, h.repeat), (2, 1, false));
    // Seven days after one not solved is still a repeat; eight days is not.
    for (today, days, repeat) in [("2026-11-29", 7, true), ("2026-11-30", 8, false)] {
        let later = sqlite_at(&format!("{today}T12:00:00+01:00")).await;
        log_all(&later.journal, &[with("K-3", 3, 5, "2026-11-22")]).await;
        let h = later
            .journal
            .customer_history("K-3")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((h.last_days_ago, h.repeat), (days, repeat), "{today}");
    }
}
