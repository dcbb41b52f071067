//! The weekly table as a spreadsheet opens it: written for Dutch and for English, read by
//! LibreOffice Calc (headless) with that language's settings, every figure must arrive as a
//! number, the shares as the percentages the screen shows. With CI=true a missing LibreOffice
//! fails the test; elsewhere it is skipped with a note.

use std::path::Path;
use std::process::Command;

use contactmoment_core::{export, Language, WeeklyQuery};

use crate::support::{log_all, rated, sqlite_at};

/// The CSV import settings of a spreadsheet in that language: separator, quote, UTF-8, from
/// row 1, and the locale whose number format applies (1043 nl-NL, 2057 en-GB).
fn calc_filter(language: Language) -> &'static str {
    match language {
        Language::Nl => "CSV:59,34,76,1,,1043",
        Language::En => "CSV:44,34,76,1,,2057",
    }
}

/// LibreOffice's reading of the file: each cell of the first rows as (type, value, text).
fn open_in_calc(csv: &Path, language: Language) -> Option<Vec<Vec<(String, String, String)>>> {
    let soffice = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok());
    let Some(soffice) = soffice else {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice (soffice) is needed to check the weekly CSV: apt-get install libreoffice-calc-nogui"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipped: LibreOffice (soffice) is not installed");
        }
        return None;
    };
    let dir = csv.parent().unwrap();
    let profile = dir.join("lo-profile");
    let out = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore"])
        .arg(format!("--infilter={}", calc_filter(language)))
        .args(["--convert-to", "fods", "--outdir"])
        .arg(dir)
        .arg(csv)
        .output()
        .unwrap();
    let fods = csv.with_extension("fods");
    assert!(
        fods.exists(),
        "LibreOffice did not convert the file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = std::fs::read_to_string(fods).unwrap();
    Some(cells(&xml))
}

/// The cells of a flat ODF spreadsheet, row by row, with repeated cells spelled out.
fn cells(xml: &str) -> Vec<Vec<(String, String, String)>> {
    let attr = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("")
            .to_owned()
    };
    let mut rows = Vec::new();
    for row in xml.split("<table:table-row").skip(1) {
        let row = row.split("</table:table-row>").next().unwrap_or("");
        let mut out = Vec::new();
        for cell in row.split("<table:table-cell").skip(1) {
            let tag = cell.split('>').next().unwrap_or("");
            let text = cell
                .split("<text:p>")
                .nth(1)
                .and_then(|t| t.split("</text:p>").next())
                .unwrap_or("")
                .to_owned();
            let repeat: usize = attr(tag, "table:number-columns-repeated")
                .parse()
                .unwrap_or(1)
                .min(64);
            for _ in 0..repeat {
                out.push((
                    attr(tag, "office:value-type"),
                    attr(tag, "office:value"),
                    text.clone(),
                ));
            }
        }
        rows.push(out);
    }
    rows
}

#[tokio::test]
async fn the_weekly_csv_opens_as_numbers_in_a_dutch_and_an_english_spreadsheet() {
    let f = sqlite_at("2026-11-22T12:00:00+01:00").await;
    // Week 47: 29 contacts, 19 solved (65.5%), 10 welcome; week 46: 2 (below the minimum n).
    let mut inputs = Vec::new();
    for k in 0..29 {
        inputs.push(rated(
            if k < 19 { 4 } else { 2 },
            if k < 10 { 5 } else { 3 },
            "2026-11-18T10:00:00+01:00",
        ));
    }
    inputs.push(rated(5, 5, "2026-11-10T10:00:00+01:00"));
    inputs.push(rated(1, 1, "2026-11-11T10:00:00+01:00"));
    log_all(&f.journal, &inputs).await;
    let review = f
        .journal
        .review(&WeeklyQuery {
            from: Some("2026-11-09".parse().unwrap()),
            to: Some("2026-11-22".parse().unwrap()),
            ..WeeklyQuery::default()
        })
        .await
        .unwrap();

    for (language, header, solved_share) in [
        (Language::Nl, "Opgelost: % positief", "65,5"),
        (Language::En, "Solved: % positive", "65.5"),
    ] {
        let mut bytes = Vec::new();
        export::weekly_table_csv(&mut bytes, &review, language).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with('\u{feff}'), "a byte-order mark first");
        assert!(text.contains(header), "{text}");
        assert!(text.contains(solved_share), "{text}");

        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join(format!("weeks-{}.csv", language.as_str()));
        std::fs::write(&csv, &bytes).unwrap();
        let Some(rows) = open_in_calc(&csv, language) else {
            return;
        };
        let head: Vec<&str> = rows[0].iter().map(|c| c.2.as_str()).collect();
        let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
        let w47 = rows
            .iter()
            .find(|r| r.first().is_some_and(|c| c.2 == "2026-W47"))
            .unwrap();
        let w46 = rows
            .iter()
            .find(|r| r.first().is_some_and(|c| c.2 == "2026-W46"))
            .unwrap();
        let number = |cell: &(String, String, String)| {
            assert_eq!(
                cell.0, "float",
                "{language:?}: {cell:?} arrives as a number"
            );
            cell.1.parse::<f64>().unwrap()
        };
        assert_eq!(number(&w47[2]), 29.0, "n");
        assert_eq!(number(&w47[3]), 19.0, "solved positive");
        assert_eq!(
            number(&w47[col(header)]),
            65.5,
            "{language:?}: the share in percent"
        );
        let low = number(&w47[col(header) + 1]);
        let high = number(&w47[col(header) + 2]);
        assert!(low < 65.5 && 65.5 < high, "{low}–{high}");
        assert_eq!(number(&w46[2]), 2.0);
        assert_eq!(w46[col(header)].2, "", "no share below the minimum n");
        // Every other figure of a week arrives as a number too: all columns after the date.
        for week in [w47, w46] {
            for cell in week.iter().take(head.len()).skip(2) {
                if !cell.2.is_empty() {
                    number(cell);
                }
            }
        }
        assert!(w47.iter().take(head.len()).skip(2).all(|c| !c.2.is_empty()));
    }
}
