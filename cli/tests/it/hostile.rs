//! Hostile arguments to the real binary: each run either succeeds or exits with status 2 (1
//! for a file that cannot be used) and one line naming what it refused; none panics (status
//! 101) and a refusal writes nothing.

use std::path::Path;
use std::process::Output;

use proptest::prelude::*;
use serde_json::Value;

use crate::support::{ok, run};

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("'; DROP TABLE contacts; --".to_owned()),
        Just("=HYPERLINK(\"http://evil.invalid\")".to_owned()),
        Just("\u{202E}evil".to_owned()),
        Just("-rf".to_owned()),
        Just("NaN".to_owned()),
        Just("0000-01-01T00:00:00Z".to_owned()),
        Just("9999-12-31T23:59:59Z".to_owned()),
        Just("x".repeat(5_000)),
        "[^\u{0}]{0,40}",
    ]
}

fn hostile_rating(valid: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(valid.to_owned()),
        // Blank lines inside a value once cut the refusal short before it named the flag.
        Just("\n\n".to_owned()),
        Just("0".to_owned()),
        Just("6".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999".to_owned()),
        hostile_text(),
    ]
}

/// The names a refusal of each `log` argument may use: the flag, or the field the core
/// checks it as.
fn names_of(flag: &str) -> &'static [&'static str] {
    match flag {
        "--functional" => &["--functional", "functional"],
        "--emotional" => &["--emotional", "emotional"],
        "--note" => &["--note", "note"],
        "--topic" => &["--topic", "topic"],
        "--customer" => &["--customer", "customer_ref"],
        "--staff" => &["--staff", "staff"],
        "--channel" => &["--channel", "channel"],
        "--at" => &["--at", "occurred_at"],
        _ => &[],
    }
}

/// Every contact in the journal, deleted ones too, as exported.
fn stored(db: &Path) -> Vec<Value> {
    serde_json::from_str(&ok(db, &["export", "--format", "json"])).unwrap()
}

/// A run either succeeded, or failed with its status (2 for refused input, 1 for a file or
/// storage problem) and exactly one line; never a panic.
fn answered(out: &Output, args: &[&str]) -> Result<bool, TestCaseError> {
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => Ok(true),
        Some(1 | 2) => {
            prop_assert_eq!(err.lines().count(), 1, "{:?}: {}", args, err);
            prop_assert!(err.starts_with("contactmoment: "), "{:?}: {}", args, err);
            Ok(false)
        }
        other => {
            prop_assert!(false, "{:?}: exit {:?}: {}", args, other, err);
            Ok(false)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn log_and_queries_refuse_hostile_arguments_by_name(
        functional in hostile_rating("4"),
        emotional in hostile_rating("3"),
        field in prop_oneof![Just("--note"), Just("--topic"), Just("--customer"), Just("--staff"), Just("--channel"), Just("--at")],
        value in hostile_text(),
        since in hostile_text(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("journal.sqlite");
        let out = run(&db, &["log", "--staff", "Anna", "--functional", &functional, "--emotional", &emotional, field, &value]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let stored = stored(&db);
        match out.status.code() {
            Some(0) => prop_assert_eq!(stored.len(), 1),
            Some(2) => {
                prop_assert_eq!(err.lines().count(), 1, "{}", err);
                prop_assert!(err.starts_with("contactmoment: "), "{}", err);
                prop_assert!(stored.is_empty(), "a refusal writes nothing");
                // The refusal names one of the arguments that could be wrong: a rating that
                // is not the valid one, or the hostile field.
                let mut suspects = vec![field];
                if functional != "4" { suspects.push("--functional"); }
                if emotional != "3" { suspects.push("--emotional"); }
                let named = suspects.iter().flat_map(|s| names_of(s)).any(|n| err.contains(n));
                prop_assert!(named, "{} does not name any of {:?}", err, suspects);
            }
            other => prop_assert!(false, "exit {:?}: {}", other, err),
        }
        for args in [
            ["list", "--since", since.as_str()],
            ["weekly", "--from", since.as_str()],
            ["weekly", "--topic", since.as_str()],
        ] {
            let out = run(&db, &args);
            prop_assert!(matches!(out.status.code(), Some(0 | 2)), "{:?}: {}", args, String::from_utf8_lossy(&out.stderr));
        }
    }

    /// The reading commands, the customer requests and a restore, with hostile values, on a
    /// journal holding one contact of customer KLANT-1: each is answered, and none but an
    /// erasure of that very customer changes what is stored.
    #[test]
    fn other_commands_take_hostile_arguments(
        staff in hostile_text(),
        limit in prop_oneof![Just("5".to_owned()), Just("-1".to_owned()), Just("99999999999".to_owned()), hostile_text()],
        reference in hostile_text(),
        file in hostile_text(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("journal.sqlite");
        ok(&db, &["log", "--staff", "Anna", "--functional", "4", "--emotional", "2", "--customer", "KLANT-1"]);
        let before = stored(&db);
        let backups = dir.path().join("backups");
        // Inside the test's folder whatever the text: an absolute path would leave it. The
        // "backup" holds the hostile text itself, so a restore has a file to refuse.
        let in_dir = dir.path().join(file.trim_start_matches('/'));
        let _ = std::fs::write(&in_dir, file.as_bytes());
        let file_arg = in_dir.to_string_lossy().into_owned();
        let runs: [&[&str]; 7] = [
            &["list", "--staff", &staff, "--limit", &limit],
            &["list", "--staff", &staff, "--format", "json"],
            &["weekly", "--per-staff", "--topic", &staff, "--format", "json"],
            &["weekly", "--staff", &staff, "--format", "csv"],
            &["export", "--customer", &reference, "--format", "json"],
            &["erase", "--customer", &reference],
            &["restore", &file_arg],
        ];
        for args in runs {
            let out = run(&db, args);
            let succeeded = answered(&out, args)?;
            if args[0] == "restore" {
                prop_assert!(!succeeded, "{} is no backup", file_arg);
            }
            if args[0] == "erase" && succeeded {
                let said = String::from_utf8_lossy(&out.stdout).into_owned();
                prop_assert!(said.starts_with("erased 0 contacts"), "{}", said);
            }
            prop_assert_eq!(&stored(&db), &before, "{:?} changed the journal", args);
        }
        prop_assert!(!backups.exists() || std::fs::read_dir(&backups).unwrap().count() == 0,
            "a refused restore keeps no backup of a journal it did not replace");
    }
}
