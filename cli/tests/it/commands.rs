use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::support::{command, ok, run};

struct Journal {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn journal() -> Journal {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    Journal { _dir: dir, path }
}

fn contacts(db: &Path) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(&ok(db, &["list", "--format", "json"])).unwrap()
}

#[test]
fn log_then_weekly_json_has_exact_numbers() {
    let j = journal();
    let id1 = ok(
        &j.path,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "4",
            "--emotional",
            "5",
            "--at",
            "2026-11-03T10:00:00+01:00",
            "--nps",
            "9",
            "--level",
            "5",
        ],
    );
    let id2 = ok(
        &j.path,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "2",
            "--emotional",
            "4",
            "--channel",
            "email",
            "--at",
            "2026-11-04T15:30:00+01:00",
            "--topic",
            "factuur",
            "--customer",
            "K-7",
            "--note",
            "belt terug",
            "--follow-up",
            "--reason",
            "wrong",
            "--nps",
            "3",
            "--level",
            "3",
            "--due",
            "2026-11-06",
        ],
    );
    ok(
        &j.path,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "5",
            "--emotional",
            "1",
            "--at",
            "2026-11-11T09:00:00+01:00",
        ],
    );
    for id in [&id1, &id2] {
        assert_eq!(id.trim().len(), 36, "prints the id only: {id:?}");
    }

    let weekly: Value = serde_json::from_str(&ok(
        &j.path,
        &[
            "weekly",
            "--from",
            "2026-10-26",
            "--to",
            "2026-11-15",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let weeks = weekly.as_array().unwrap();
    assert_eq!(weeks.len(), 3);
    assert_eq!(
        weeks[0],
        json!({
            "week": "2026-W44", "week_start": "2026-10-26", "n": 0,
            "functional_positive": 0, "functional_share": null, "functional_ci_low": null,
            "functional_ci_high": null, "functional_mean": null,
            "functional_low": 0, "functional_low_share": null, "functional_low_ci_low": null,
            "functional_low_ci_high": null, "functional_top": 0, "functional_top_share": null,
            "emotional_positive": 0, "emotional_share": null, "emotional_ci_low": null,
            "emotional_ci_high": null, "emotional_mean": null,
            "emotional_low": 0, "emotional_low_share": null, "emotional_low_ci_low": null,
            "emotional_low_ci_high": null, "emotional_top": 0, "emotional_top_share": null,
            "nps_n": 0, "nps_promoters": 0, "nps_detractors": 0, "nps": null,
            "nps_ci_low": null, "nps_ci_high": null, "level_n": 0, "level_counts": [0, 0, 0, 0, 0]
        })
    );
    let w = &weeks[1];
    assert_eq!(w["week"], "2026-W45");
    assert_eq!(w["week_start"], "2026-11-02");
    assert_eq!(w["n"], 2);
    assert_eq!(w["functional_positive"], 1);
    assert_eq!(w["functional_share"], 0.5);
    assert_eq!(w["functional_mean"], 3.0);
    assert_eq!(w["emotional_positive"], 2);
    assert_eq!(w["emotional_share"], 1.0);
    assert_eq!(w["emotional_mean"], 4.5);
    // Wilson 95% for 1 of 2: 0.0945–0.9055; for 2 of 2: 0.3424–1.
    let near = |v: &Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-4;
    // Rated 1–2 and rated 5: solved 2 and 4, welcome 5 and 4.
    assert_eq!(
        [
            &w["functional_low"],
            &w["functional_low_share"],
            &w["functional_top"],
            &w["functional_top_share"]
        ],
        [&json!(1), &json!(0.5), &json!(0), &json!(0.0)]
    );
    assert_eq!(
        [
            &w["emotional_low"],
            &w["emotional_low_share"],
            &w["emotional_top"],
            &w["emotional_top_share"]
        ],
        [&json!(0), &json!(0.0), &json!(1), &json!(0.5)]
    );
    assert!(
        near(&w["functional_low_ci_low"], 0.094_531),
        "{}",
        w["functional_low_ci_low"]
    );
    // Welcome 1 in W46: 1 of 1 rated low, 20.65–100%.
    assert_eq!(weeks[2]["emotional_low"], 1);
    assert!(
        near(&weeks[2]["emotional_low_ci_low"], 0.206_549),
        "{}",
        weeks[2]["emotional_low_ci_low"]
    );
    assert!(near(&weeks[2]["emotional_low_ci_high"], 1.0));
    assert!(
        near(&w["functional_ci_low"], 0.094_531),
        "{}",
        w["functional_ci_low"]
    );
    assert!(
        near(&w["functional_ci_high"], 0.905_469),
        "{}",
        w["functional_ci_high"]
    );
    assert!(
        near(&w["emotional_ci_low"], 0.342_380),
        "{}",
        w["emotional_ci_low"]
    );
    assert!(near(&w["emotional_ci_high"], 1.0));
    assert_eq!(weeks[2]["week"], "2026-W46");
    assert_eq!(weeks[2]["n"], 1);
    // The customers' own scores, 9 and 3: one promoter, one detractor, NPS 0. Adjusted Wald:
    // p = d = 1.75/5, so the interval is 0 ± 1.96·sqrt(0.7/5) = ±73.3 points.
    assert_eq!(
        [
            &w["nps_n"],
            &w["nps_promoters"],
            &w["nps_detractors"],
            &w["nps"]
        ],
        [&json!(2), &json!(1), &json!(1), &json!(0.0)]
    );
    assert!(near(&w["nps_ci_low"], -73.335_14), "{}", w["nps_ci_low"]);
    assert!(near(&w["nps_ci_high"], 73.335_14), "{}", w["nps_ci_high"]);
    assert_eq!(w["level_n"], 2);
    assert_eq!(w["level_counts"], json!([0, 0, 1, 0, 1]));
    assert_eq!(weeks[2]["nps_n"], 0);
    assert_eq!(weeks[2]["nps"], Value::Null);
    let listed = contacts(&j.path);
    let second = listed.iter().find(|c| c["id"] == id2.trim()).unwrap();
    assert_eq!(
        [
            &second["reason"],
            &second["due"],
            &second["nps"],
            &second["level"]
        ],
        [&json!("wrong"), &json!("2026-11-06"), &json!(3), &json!(3)]
    );
    // Welcome 1 needs a follow-up: promised by the next working day (a Wednesday's Thursday).
    let third = listed.iter().find(|c| c["emotional"] == 1).unwrap();
    assert_eq!(third["due"], "2026-11-12");

    let email: Value = serde_json::from_str(&ok(
        &j.path,
        &[
            "weekly",
            "--from",
            "2026-11-02",
            "--to",
            "2026-11-08",
            "--channel",
            "email",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(email[0]["n"], 1);
    assert_eq!(email[0]["functional_positive"], 0);

    let all = contacts(&j.path);
    let second = all.iter().find(|c| c["id"] == id2.trim()).unwrap();
    assert_eq!(second["channel"], "email");
    assert_eq!(second["topic"], "factuur");
    assert_eq!(second["customer_ref"], "K-7");
    assert_eq!(second["note"], "belt terug");
    assert_eq!(second["follow_up"], true);
    assert_eq!(second["staff"], "Anna");
    assert_eq!(second["occurred_at"], "2026-11-04T15:30:00+01:00");
}

#[test]
fn bad_input_exits_non_zero_names_the_field_and_writes_nothing() {
    let j = journal();
    ok(
        &j.path,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "3",
            "--emotional",
            "3",
        ],
    );
    let cases: [(&[&str], &str); 7] = [
        (
            &["log", "--functional", "7", "--emotional", "3"],
            "functional",
        ),
        (
            &["log", "--functional", "3", "--emotional", "0"],
            "emotional",
        ),
        (
            &["log", "--functional", "abc", "--emotional", "3"],
            "--functional",
        ),
        (&["log", "--emotional", "3"], "--functional"),
        (
            &[
                "log",
                "--functional",
                "3",
                "--emotional",
                "3",
                "--channel",
                "fax",
            ],
            "channel",
        ),
        (
            &[
                "log",
                "--functional",
                "3",
                "--emotional",
                "3",
                "--at",
                "gisteren",
            ],
            "occurred_at",
        ),
        (
            &[
                "log",
                "--functional",
                "3",
                "--emotional",
                "3",
                "--at",
                "2999-01-01T00:00:00Z",
            ],
            "occurred_at",
        ),
    ];
    for (args, field) in cases {
        let out = run(&j.path, &[args, &["--staff", "Anna"][..]].concat());
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(
            out.stdout.is_empty(),
            "{args:?} printed {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: one line, got {err:?}"
        );
        assert!(err.contains(field), "{args:?}: {err:?} should name {field}");
    }
    let long_note = "x".repeat(2001);
    let out = run(
        &j.path,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "3",
            "--emotional",
            "3",
            "--note",
            &long_note,
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("note"));
    let out = run(&j.path, &["weekly", "--from", "last week"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("from"));
    assert_eq!(
        contacts(&j.path).len(),
        1,
        "only the valid contact was written"
    );
}

#[test]
fn export_gives_every_field_as_csv_and_json() {
    let j = journal();
    let id = ok(
        &j.path,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "5",
            "--emotional",
            "4",
            "--note",
            "twee regels\nen een \"quote\", ja",
            "--at",
            "2026-11-04T15:30:00+01:00",
        ],
    );
    let csv = ok(&j.path, &["export", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,occurred_at,local_date,iso_week,logged_at,updated_at,staff,channel,functional,emotional,topic,customer_ref,note,follow_up,follow_up_done_at,follow_up_done_by,reason,level,nps,valued,due,star"
    );
    assert!(csv.contains(id.trim()));
    assert!(
        csv.contains("\"twee regels\nen een \"\"quote\"\", ja\""),
        "{csv}"
    );
    let json: Value = serde_json::from_str(&ok(&j.path, &["export", "--format", "json"])).unwrap();
    assert_eq!(json[0]["note"], "twee regels\nen een \"quote\", ja");
    assert_eq!(json[0]["iso_week"], "2026-W45");
}

#[test]
fn the_journal_location_comes_from_the_environment_as_path_or_sqlite_url() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("via-url.sqlite");
    let url = format!("sqlite://{}", path.display());
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_contactmoment"))
            .env("CONTACTMOMENT_DB", &url)
            .args(args)
            .output()
            .unwrap()
    };
    let out = cli(&[
        "log",
        "--staff",
        "Anna",
        "--functional",
        "4",
        "--emotional",
        "4",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        path.exists(),
        "the sqlite: URL names the file that is created"
    );
    assert_eq!(
        contacts(&path).len(),
        1,
        "the same file read back as a plain path"
    );

    let out = cli(&["--db", "postgres://localhost/journal", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported"));
}

#[test]
fn weekly_per_staff_gives_each_staff_member_their_weeks() {
    let j = journal();
    for (staff, f, e) in [("Anna", "5", "2"), ("Anna", "4", "4"), ("Bram", "1", "5")] {
        ok(
            &j.path,
            &[
                "log",
                "--staff",
                staff,
                "--functional",
                f,
                "--emotional",
                e,
                "--at",
                "2026-11-04T10:00:00+01:00",
            ],
        );
    }
    let args = [
        "weekly",
        "--per-staff",
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-15",
    ];
    let json: Value =
        serde_json::from_str(&ok(&j.path, &[&args[..], &["--format", "json"]].concat())).unwrap();
    let people = json.as_array().unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(people[0]["staff"], "Anna");
    let anna = &people[0]["report"]["weeks"];
    assert_eq!(anna[0]["week"], "2026-W45");
    assert_eq!(
        (
            anna[0]["n"].clone(),
            anna[0]["functional_positive"].clone(),
            anna[0]["emotional_positive"].clone()
        ),
        (json!(2), json!(2), json!(1))
    );
    assert_eq!(anna[1]["n"], 0, "empty weeks are listed per person too");
    assert_eq!(people[1]["staff"], "Bram");
    assert_eq!(people[1]["report"]["weeks"][0]["emotional_positive"], 1);

    let csv = ok(&j.path, &[&args[..], &["--format", "csv"]].concat());
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("staff,week,week_start,n,functional_positive,functional_share,"));
    assert!(
        lines[1].starts_with("Anna,2026-W45,2026-11-02,2,2,1.0,"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 5, "two people, two weeks each, and the header");
}

/// The machine's own time zone, as the CLI reads it: a local time in the hour the clocks
/// skip is refused by name, and one in the repeated hour is read as summer time.
#[test]
fn local_times_on_the_machines_daylight_saving_clock() {
    let j = journal();
    let log = |at: &str| {
        command(&j.path)
            .env("TZ", "Europe/Amsterdam")
            .args([
                "log",
                "--staff",
                "Anna",
                "--functional",
                "4",
                "--emotional",
                "4",
            ])
            .args(["--at", at])
            .output()
            .unwrap()
    };
    let skipped = log("2026-03-29T02:30");
    assert_eq!(skipped.status.code(), Some(2));
    let err = String::from_utf8_lossy(&skipped.stderr);
    assert!(
        err.contains("occurred_at") && err.contains("daylight-saving"),
        "{err}"
    );
    assert!(log("2026-10-25T02:30").status.success());
    let stored = contacts(&j.path);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["occurred_at"], "2026-10-25T02:30:00+02:00");
}

#[test]
fn review_compares_with_the_period_before_and_names_what_changed() {
    let j = journal();
    for (day, emotional) in [("2026-10-28", "5"), ("2026-11-18", "1")] {
        for hour in 10..20 {
            ok(
                &j.path,
                &[
                    "log",
                    "--staff",
                    "Anna",
                    "--channel",
                    "chat",
                    "--functional",
                    "4",
                    "--emotional",
                    emotional,
                    "--at",
                    &format!("{day}T{hour}:00:00+01:00"),
                ],
            );
        }
    }
    let range = ["--from", "2026-11-09", "--to", "2026-11-22"];
    let json: Value = serde_json::from_str(&ok(
        &j.path,
        &[&["review"][..], &range, &["--format", "json"]].concat(),
    ))
    .unwrap();
    assert_eq!(
        (json["current"]["n"].clone(), json["previous"]["n"].clone()),
        (json!(10), json!(10))
    );
    assert_eq!(json["previous"]["from"], "2026-10-26");
    assert_eq!(json["current"]["emotional"]["low"]["count"], 10);
    assert_eq!(json["previous"]["emotional"]["top"]["count"], 10);
    assert_eq!(json["change"]["emotional"]["difference"], -1.0);
    assert_eq!(json["change"]["emotional"]["real"], true);
    assert_eq!(json["change"]["functional"]["real"], false);
    // Everything, chat and Anna are the same ten contacts: compared once, named once.
    let changed = &json["what_changed"];
    assert_eq!(changed["compared"], 2);
    let groups: Vec<Value> = changed["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!([m["group"], m["axis"], m["now"]["count"], m["n_before"]]))
        .collect();
    assert_eq!(groups, [json!([{ "kind": "all" }, "emotional", 0, 10])]);

    let table = ok(&j.path, &[&["review"][..], &range].concat());
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines.contains(&"What changed beyond chance (2 shares compared; about 1 in 20 comparisons, so about 0.1 here, move that far by chance alone):"),
        "{table}"
    );
    assert!(
        lines.contains(&"  Welcome fell from 100% to 0%: −100 percentage points (95% −100 to −61); 0 of 10 now, 10 of 10 before"),
        "{table}"
    );
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    use std::io::Read;
    let j = journal();
    ok(&j.path, &["demo", "--contacts", "3000", "--seed", "1"]);
    // Far more than a pipe holds, so the command is still writing when the reader goes.
    let mut child = command(&j.path)
        .args(["list", "--limit", "3000", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut start = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut start).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn stars_week_notes_and_the_practices_in_the_review() {
    let j = journal();
    let at = |day: &str| format!("2026-11-{day}T10:00:00+01:00");
    let good = ok(
        &j.path,
        &[
            "log",
            "--staff",
            "Anna",
            "--functional",
            "5",
            "--emotional",
            "5",
            "--level",
            "5",
            "--nps",
            "10",
            "--customer",
            "K1",
            "--at",
            &at("16"),
        ],
    )
    .trim()
    .to_owned();
    ok(
        &j.path,
        &[
            "log",
            "--staff",
            "Bram",
            "--functional",
            "1",
            "--emotional",
            "3",
            "--reason",
            "not_answered",
            "--nps",
            "3",
            "--customer",
            "K2",
            "--at",
            &at("17"),
        ],
    );

    // A star is set and taken off by id; an unknown id is refused by name.
    assert_eq!(
        ok(&j.path, &["star", &good]).trim(),
        format!("{good} is marked for the team meeting")
    );
    assert_eq!(contacts(&j.path)[1]["star"], true);
    ok(&j.path, &["star", &good, "--off"]);
    assert_eq!(contacts(&j.path)[1]["star"], false);
    ok(&j.path, &["star", &good]);
    let unknown = run(&j.path, &["star", "0193a5c2-7f00-7000-8000-000000000001"]);
    assert!(!unknown.status.success());
    let missing = run(&j.path, &["star", "42"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("id"));

    // A week note: pinned, shown in the review, removed by an empty note; a bad week refused.
    assert_eq!(
        ok(
            &j.path,
            &[
                "week-note",
                "--week",
                "2026-w47",
                "nieuwe terugbelprocedure"
            ]
        )
        .trim(),
        "2026-W47: nieuwe terugbelprocedure"
    );
    let bad = run(&j.path, &["week-note", "--week", "week 12", "x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("week"));
    let range = ["--from", "2026-11-09", "--to", "2026-11-22"];
    let review = |j: &Journal| -> Value {
        serde_json::from_str(&ok(
            &j.path,
            &[&["review"][..], &range, &["--format", "json"]].concat(),
        ))
        .unwrap()
    };
    let json = review(&j);
    assert_eq!(
        json["week_notes"],
        json!([{ "week": "2026-W47", "note": "nieuwe terugbelprocedure" }])
    );
    // The practices: one promoter and one detractor, one failure for want of an answer.
    let p = &json["practices"];
    assert_eq!(
        (
            p["nps"]["n"].clone(),
            p["nps"]["promoters"].clone(),
            p["nps"]["detractors"].clone()
        ),
        (json!(2), json!(1), json!(1))
    );
    assert_eq!(p["nps"]["score"], 0.0);
    assert_eq!(p["reasons"][0]["reason"], "not_answered");
    assert_eq!(p["reasons"][0]["share"]["count"], 1);
    assert_eq!(p["levels"]["levels"][4]["count"], 1);
    // Moments: Anna's 5/5 at level 5, marked for the team meeting.
    let moments: Vec<Value> = json["moments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            json!([
                m["staff"],
                m["top_both"],
                m["level5"],
                m["starred"],
                m["contacts"].as_array().unwrap().len()
            ])
        })
        .collect();
    assert_eq!(moments, [json!(["Anna", 1, 1, 1, 1])]);
    let table = ok(&j.path, &[&["review"][..], &range].concat());
    assert!(table.contains("NPS (customers' own score)"), "{table}");
    assert!(
        table.contains("2026-W47: nieuwe terugbelprocedure"),
        "{table}"
    );

    ok(&j.path, &["week-note", "--week", "2026-W47"]);
    assert_eq!(review(&j)["week_notes"], json!([]));
}
