//! Hostile arguments to the real binary: each run either succeeds or exits with status 2 and
//! one line naming what it refused; none panics (status 101) and a refusal writes nothing.

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn log_and_queries_refuse_hostile_arguments_by_name(
        functional in prop_oneof![Just("4".to_owned()), Just("-1".to_owned()), Just("99999999999".to_owned()), hostile_text()],
        emotional in prop_oneof![Just("3".to_owned()), hostile_text()],
        field in prop_oneof![Just("--note"), Just("--topic"), Just("--customer"), Just("--staff"), Just("--channel"), Just("--at")],
        value in hostile_text(),
        since in hostile_text(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("journal.sqlite");
        let out = run(&db, &["log", "--staff", "Anna", "--functional", &functional, "--emotional", &emotional, field, &value]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let stored: Vec<Value> = serde_json::from_str(&ok(&db, &["export", "--format", "json"])).unwrap();
        match out.status.code() {
            Some(0) => prop_assert_eq!(stored.len(), 1),
            Some(2) => {
                prop_assert_eq!(err.lines().count(), 1, "{}", err);
                prop_assert!(err.starts_with("contactmoment: "), "{}", err);
                prop_assert!(stored.is_empty(), "a refusal writes nothing");
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
}
