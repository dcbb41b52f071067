//! A customer's data from the terminal: all of it on request, erased on request, and the
//! retention period applied.

use chrono::{Months, TimeDelta};
use contactmoment_core::{Clock, SystemClock};
use serde_json::Value;

use crate::support::{ok, run};

#[test]
fn a_customer_can_be_shown_and_erased_and_old_notes_expire() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.sqlite");
    // Retention is measured from today, so the contacts are placed relative to today: one
    // just past a 12-month limit (and inside 24), two well inside it, whenever the test runs.
    let now = SystemClock.now();
    let at = |days: i64| (now - TimeDelta::days(days)).to_rfc3339();
    for (customer, note, at) in [
        ("KLANT-4711", "eerste", at(400)),
        ("KLANT-4711", "tweede", at(330)),
        ("-0815", "ander", at(5)),
    ] {
        ok(
            &db,
            &[
                "log",
                "--staff",
                "Anna",
                "--functional",
                "4",
                "--emotional",
                "4",
                "--customer",
                customer,
                "--note",
                note,
                "--at",
                &at,
            ],
        );
    }
    let theirs: Vec<Value> = serde_json::from_str(&ok(
        &db,
        &["export", "--customer", "KLANT-4711", "--format", "json"],
    ))
    .unwrap();
    let notes: Vec<&str> = theirs.iter().map(|c| c["note"].as_str().unwrap()).collect();
    assert_eq!(notes, ["eerste", "tweede"], "oldest first, all fields");
    assert!(theirs.iter().all(|c| c["customer_ref"] == "KLANT-4711"));

    let expired = ok(&db, &["retention", "--months", "12"]);
    let cutoff = now
        .date_naive()
        .checked_sub_months(Months::new(12))
        .unwrap();
    assert_eq!(
        expired.trim(),
        format!("erased the notes of 1 contacts from before {cutoff}")
    );
    let kept: Vec<Value> = serde_json::from_str(&ok(
        &db,
        &["export", "--customer", "KLANT-4711", "--format", "json"],
    ))
    .unwrap();
    let notes: Vec<Option<&str>> = kept.iter().map(|c| c["note"].as_str()).collect();
    assert_eq!(notes, [None, Some("tweede")], "only the old note is erased");
    assert_eq!(
        ok(&db, &["retention"]).lines().count(),
        1,
        "the setting stays"
    );
    assert_eq!(
        ok(&db, &["retention", "--keep-all"]).trim(),
        "retention is off: everything is kept"
    );

    assert_eq!(
        ok(&db, &["erase", "--customer", "KLANT-4711"]).trim(),
        "erased 2 contacts of customer KLANT-4711"
    );
    assert_eq!(
        ok(&db, &["erase", "--customer", "KLANT-4711"]).trim(),
        "erased 0 contacts of customer KLANT-4711"
    );
    let rest: Vec<Value> = serde_json::from_str(&ok(&db, &["export", "--format", "json"])).unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["customer_ref"], "-0815");

    let empty = run(&db, &["erase", "--customer", " "]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("customer_ref"));
}
