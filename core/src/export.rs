//! Contacts and weekly figures as CSV or JSON, one row per record with every field, for the
//! CLI's `list`, `export` and `weekly` and for the app's exports later on.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::stats::{Review, ReviewWeek};

/// How a CSV file is laid out for the program that opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    pub separator: u8,
    /// A UTF-8 byte-order mark makes spreadsheets read accents correctly.
    pub bom: bool,
}

impl CsvStyle {
    /// Commas, no byte-order mark: what scripts expect.
    pub const PLAIN: Self = Self {
        separator: b',',
        bom: false,
    };
    /// Commas with a byte-order mark: what a spreadsheet set to English opens cleanly.
    pub const PLAIN_BOM: Self = Self {
        separator: b',',
        bom: true,
    };
    /// Semicolons and a byte-order mark: what a spreadsheet set to Dutch opens cleanly.
    pub const SPREADSHEET_NL: Self = Self {
        separator: b';',
        bom: true,
    };
}

/// Writes records as CSV with a header row, with commas.
pub fn csv<W: Write, T: Serialize>(out: W, rows: &[T]) -> Result<()> {
    csv_styled(out, rows, CsvStyle::PLAIN)
}

/// Writes records as CSV with a header row, in the given style.
pub fn csv_styled<W: Write, T: Serialize>(mut out: W, rows: &[T], style: CsvStyle) -> Result<()> {
    if style.bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(style.separator)
        .from_writer(out);
    for row in rows {
        w.serialize(row).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes records as a pretty-printed JSON array.
pub fn json<W: Write, T: Serialize>(mut out: W, rows: &[T]) -> Result<()> {
    serde_json::to_writer_pretty(&mut out, rows).map_err(|e| Error::Internal(e.to_string()))?;
    writeln!(out)?;
    Ok(())
}

/// One week of the review as a flat CSV row: the weekly figures, each rating's count and the
/// quadrants. Spelled out because the csv crate cannot flatten nested values.
#[derive(Debug, Serialize)]
pub struct ReviewRow<'a> {
    week: &'a str,
    week_start: String,
    n: u32,
    functional_positive: u32,
    functional_share: Option<f64>,
    functional_ci_low: Option<f64>,
    functional_ci_high: Option<f64>,
    emotional_positive: u32,
    emotional_share: Option<f64>,
    emotional_ci_low: Option<f64>,
    emotional_ci_high: Option<f64>,
    functional_1: u32,
    functional_2: u32,
    functional_3: u32,
    functional_4: u32,
    functional_5: u32,
    emotional_1: u32,
    emotional_2: u32,
    emotional_3: u32,
    emotional_4: u32,
    emotional_5: u32,
    solved_welcome: u32,
    solved_not_welcome: u32,
    welcome_not_solved: u32,
    neither: u32,
}

impl<'a> From<&'a ReviewWeek> for ReviewRow<'a> {
    fn from(w: &'a ReviewWeek) -> Self {
        let (s, f, e, q) = (
            &w.stats,
            w.functional_ratings,
            w.emotional_ratings,
            w.quadrants,
        );
        Self {
            week: &s.week,
            week_start: s.week_start.to_string(),
            n: s.n,
            functional_positive: s.functional_positive,
            functional_share: s.functional_share,
            functional_ci_low: s.functional_ci_low,
            functional_ci_high: s.functional_ci_high,
            emotional_positive: s.emotional_positive,
            emotional_share: s.emotional_share,
            emotional_ci_low: s.emotional_ci_low,
            emotional_ci_high: s.emotional_ci_high,
            functional_1: f[0],
            functional_2: f[1],
            functional_3: f[2],
            functional_4: f[3],
            functional_5: f[4],
            emotional_1: e[0],
            emotional_2: e[1],
            emotional_3: e[2],
            emotional_4: e[3],
            emotional_5: e[4],
            solved_welcome: q.solved_welcome,
            solved_not_welcome: q.solved_not_welcome,
            welcome_not_solved: q.welcome_not_solved,
            neither: q.neither,
        }
    }
}

/// The review's weekly table as CSV rows.
pub fn review_rows(review: &Review) -> Vec<ReviewRow<'_>> {
    review.weeks.iter().map(ReviewRow::from).collect()
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io(io),
        other => Error::Internal(format!("{other:?}")),
    }
}
