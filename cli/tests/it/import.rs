//! `import` and `export` through the real binary: lossless round trips in both CSV styles,
//! idempotent re-imports, and row-level errors that leave the journal exactly as it was.

use std::path::Path;

use serde_json::Value;

use crate::support::{command, killed_after, next_random, ok_bytes as ok, run as cli};

fn all(db: &Path) -> Value {
    serde_json::from_slice(&ok(db, &["export", "--format", "json"])).unwrap()
}

fn seeded(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("source.sqlite");
    for args in [
        &[
            "--functional",
            "4",
            "--emotional",
            "5",
            "--at",
            "2026-11-03T10:00:00+01:00",
        ][..],
        &[
            "--functional",
            "2",
            "--emotional",
            "4",
            "--channel",
            "email",
            "--topic",
            "factuur",
            "--customer",
            "K-7",
            "--note",
            "belde terug; \"boos\",\nnu tevreden — ëïé",
            "--follow-up",
            "--at",
            "2026-03-29T23:30:00+02:00",
        ],
        &[
            "--functional",
            "1",
            "--emotional",
            "1",
            "--channel",
            "counter",
            "--topic",
            "-korting",
            "--note",
            "=HYPERLINK(\"http://example.invalid\",\"klik\")",
            "--at",
            "2025-12-29T08:00:00+01:00",
        ],
    ] {
        ok(
            &db,
            &[&["log", "--staff", "Anna de Vries"][..], args].concat(),
        );
    }
    db
}

#[test]
fn export_and_import_round_trip_in_both_styles() {
    let dir = tempfile::tempdir().unwrap();
    let source = seeded(dir.path());
    let plain = dir.path().join("plain.csv");
    let dutch = dir.path().join("dutch.csv");
    std::fs::write(&plain, ok(&source, &["export"])).unwrap();
    std::fs::write(
        &dutch,
        ok(&source, &["export", "--separator", "semicolon", "--bom"]),
    )
    .unwrap();
    let dutch_bytes = std::fs::read(&dutch).unwrap();
    assert!(dutch_bytes.starts_with(b"\xEF\xBB\xBFid;occurred_at;local_date;"));
    // A spreadsheet shows formula-like text as text: the cell starts with a quote.
    let plain_text = std::fs::read_to_string(&plain).unwrap();
    assert!(plain_text.contains(",'-korting,"), "{plain_text}");
    assert!(plain_text.contains("\"'=HYPERLINK("), "{plain_text}");

    for file in [&plain, &dutch] {
        let target = dir.path().join(format!(
            "{}.sqlite",
            file.file_stem().unwrap().to_string_lossy()
        ));
        let out = String::from_utf8(ok(&target, &["import", file.to_str().unwrap()])).unwrap();
        assert_eq!(
            out.trim(),
            "imported 3 of 3 rows (0 already in the journal, 0 invalid rows skipped)"
        );
        assert_eq!(
            all(&target),
            all(&source),
            "every field survives {}",
            file.display()
        );
        assert_eq!(
            ok(&target, &["export"]),
            std::fs::read(&plain).unwrap(),
            "byte for byte"
        );

        let again = String::from_utf8(ok(&target, &["import", file.to_str().unwrap()])).unwrap();
        assert_eq!(
            again.trim(),
            "imported 0 of 3 rows (3 already in the journal, 0 invalid rows skipped)"
        );
        assert_eq!(all(&target).as_array().unwrap().len(), 3);
    }
}

const HEADER: &str = "id,occurred_at,staff,channel,functional,emotional,note";

fn row(id: u32, at: &str, f: &str, e: &str) -> String {
    format!("0193a5c2-7f00-7000-8000-{id:012},{at},Anna,phone,{f},{e},")
}

#[test]
fn every_kind_of_bad_file_is_refused_with_its_row_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let before = all(&db);
    let good = row(1, "2026-11-03T10:00:00+01:00", "4", "4");
    let huge_note = format!("{HEADER}\n{good}{}\n", "x".repeat(100 << 20));
    let mut latin1 = format!("{HEADER}\n{good}caf").into_bytes();
    latin1.extend(b"\xE9\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "formula cell",
            format!("{HEADER}\n{good}\"=HYPERLINK(\"\"http://example.invalid\"\")\"\n").into(),
            "row 2, column note: starts with '=', which a spreadsheet runs as a formula",
        ),
        (
            "truncated file",
            format!("{HEADER}\n{good}\n0193a5c2-7f00-7000-8000-000000000002,2026-11-0").into(),
            "row 3: has 2 fields where the header has 7",
        ),
        (
            "binary file",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe".to_vec(),
            "row 1: the header is not UTF-8 text",
        ),
        ("wrong encoding", latin1, "row 2: is not UTF-8 text"),
        (
            "100 MB on one line",
            huge_note.into(),
            "row 2, column note: note is longer than 2000 characters",
        ),
        (
            "bad rating",
            format!(
                "{HEADER}\n{good}\n{}\n",
                row(2, "2026-11-03T10:00:00+01:00", "6", "4")
            )
            .into(),
            "row 3, column functional: functional rating must be 1–5, not 6",
        ),
        (
            "bad date",
            format!(
                "{HEADER}\n{}\n{good}\n",
                row(2, "03-11-2026 10:00", "4", "4")
            )
            .into(),
            "row 2, column occurred_at: time \"03-11-2026 10:00\" is not a date and time",
        ),
        (
            "missing column",
            b"id,occurred_at,staff,functional\nx,2026-11-03T10:00:00+01:00,Anna,4\n".to_vec(),
            "row 1: missing column(s) emotional",
        ),
        (
            "wrong separator",
            format!(
                "{}\n{}\n",
                HEADER.replace(',', "\t"),
                good.replace(',', "\t")
            )
            .into(),
            "row 1: missing column(s) occurred_at, staff, functional, emotional",
        ),
        (
            "duplicate id",
            format!("{HEADER}\n{good}\n{good}\n").into(),
            "row 3, column id: duplicate of row 2",
        ),
        ("empty file", Vec::new(), "row 1: the file is empty"),
    ];
    for (what, text, expected) in cases {
        let file = dir.path().join("bad.csv");
        std::fs::write(&file, text).unwrap();
        let out = cli(&db, &["import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{what}: {err}");
        assert!(out.stdout.is_empty(), "{what}");
        assert_eq!(all(&db), before, "{what}: the journal is unchanged");
    }
}

#[test]
fn skip_invalid_imports_the_valid_rows_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("j.sqlite");
    let file = dir.path().join("mixed.csv");
    // The last row repeats the first one's id: the first is kept.
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n{}\n",
        row(1, "2026-11-03T10:00:00+01:00", "4", "4"),
        row(2, "2026-11-03T10:00:00+01:00", "four", "4"),
        row(3, "2026-11-04T10:00:00+01:00", "5", "2"),
        row(1, "2026-11-05T10:00:00+01:00", "1", "1"),
    );
    std::fs::write(&file, text).unwrap();
    let out = cli(&db, &["import", "--skip-invalid", file.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim(),
        "row 3, column functional: \"four\" is not a rating 1–5\n\
         row 5, column id: duplicate of row 2"
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "imported 2 of 4 rows (0 already in the journal, 2 invalid rows skipped)"
    );
    let kept = all(&db);
    assert_eq!(kept.as_array().unwrap().len(), 2);
    let first = kept
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "0193a5c2-7f00-7000-8000-000000000001")
        .unwrap();
    assert_eq!(
        (&first["functional"], &first["emotional"]),
        (&4.into(), &4.into())
    );
    let missing = cli(&db, &["import", "no-such-file.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no-such-file.csv"));
}

/// What the journal shows of its contacts: how many, and the weekly figures (kept in the
/// rollups) over every week the demo can fill, for the team and per staff member.
fn visible(db: &Path) -> (usize, String, String) {
    let range = [
        "--from",
        "2020-01-01",
        "--to",
        "2035-12-31",
        "--format",
        "json",
    ];
    (
        all(db).as_array().unwrap().len(),
        String::from_utf8(ok(db, &[&["weekly"][..], &range].concat())).unwrap(),
        String::from_utf8(ok(db, &[&["weekly", "--per-staff"][..], &range].concat())).unwrap(),
    )
}

/// An import killed with SIGKILL at a random moment, 20 times: the journal afterwards shows the
/// whole file or none of it, never a part, and its weekly figures (the rollups) are exactly
/// those of one of the two; SQLite's check finds nothing. The kill moments spread over one and
/// a quarter times an unhurried import, so they fall in the reading, the writing, the index
/// building and the commit.
#[test]
fn an_import_killed_at_any_moment_leaves_all_of_the_file_or_none() {
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.sqlite");
    ok(&demo, &["demo", "--contacts", "4000", "--seed", "16"]);
    let csv = dir.path().join("contacts.csv");
    std::fs::write(&csv, ok(&demo, &["export"])).unwrap();
    // The journal imported into already holds contacts of its own: "none" is those alone.
    let template = seeded(dir.path());
    let fresh = |name: &str| {
        let db = dir.path().join(name);
        std::fs::copy(&template, &db).unwrap();
        db
    };
    let none = visible(&template);
    // The window is sized on the median of three unhurried imports: the first one is
    // often the slowest.
    let mut took: Vec<u64> = (0..3)
        .map(|k| {
            let db = fresh(&format!("whole-{k}.sqlite"));
            let timed = Instant::now();
            ok(&db, &["import", csv.to_str().unwrap()]);
            timed.elapsed().as_micros() as u64
        })
        .collect();
    took.sort_unstable();
    let window = took[1] * 5 / 4;
    let whole = visible(&dir.path().join("whole-0.sqlite"));
    assert_eq!(whole.0, none.0 + 4000);

    let mut seed: u64 = 20_261_205;
    let (mut killed, mut finished, mut left_none) = (0, 0, 0);
    for run in 0..20 {
        let db = fresh(&format!("run-{run}.sqlite"));
        let mut import = command(&db);
        import.args(["import", csv.to_str().unwrap()]);
        let delay = Duration::from_micros(next_random(&mut seed) % window);
        let (done, _) = killed_after(import, delay, &format!("import {run}"));
        if done {
            finished += 1;
        } else {
            killed += 1;
        }
        assert_eq!(ok(&db, &["check"]), b"ok\n", "run {run}");
        let shown = visible(&db);
        left_none += usize::from(shown == none);
        assert!(
            shown == none || shown == whole,
            "run {run} shows {} contacts: neither none ({}) nor all ({}) of the file, or \
             weekly figures that match neither",
            shown.0,
            none.0,
            whole.0
        );
    }
    assert!(
        killed >= 10,
        "only {killed} of 20 imports were killed before they finished ({finished} finished): \
         the window no longer covers an import"
    );
    assert!(left_none > 0, "no kill fell before the commit");
    println!(
        "import killed: {killed} of 20 runs killed, {left_none} left none of the file, the \
         other {} all of it (an unhurried import took {} ms)",
        20 - left_none,
        window * 4 / 5 / 1000
    );
}
