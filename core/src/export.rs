//! Contacts and weekly figures as CSV or JSON, one row per record with every field, for the
//! CLI's `list`, `export` and `weekly` and for the app's exports later on.

use std::borrow::Cow;
use std::io::Write;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Serialize, Serializer};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::{Channel, Contact};
use crate::stats::{Review, ReviewWeek};

/// What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection): a
/// note like `=HYPERLINK("http://…")` would otherwise become a live link in the team lead's
/// spreadsheet.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `s` is a formula behind zero or more `'`.
fn quoted_formula(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// Free text for a CSV cell: one that a spreadsheet would run as a formula gets a leading
/// `'`, which spreadsheets show as text and [`cell_text`] takes off again, so an export still
/// imports to the same text.
pub fn spreadsheet_cell(s: &str) -> Cow<'_, str> {
    if quoted_formula(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The text of a CSV cell as [`spreadsheet_cell`] wrote it. A formula without the `'` is
/// refused: it did not come from an export, and where it came from it may already have run.
pub fn cell_text(s: &str) -> std::result::Result<&str, String> {
    match s.chars().next() {
        Some(c) if FORMULA_START.contains(&c) => Err(format!(
            "starts with {c:?}, which a spreadsheet runs as a formula; \
             write '{} to keep it as text",
            s.chars().take(20).collect::<String>()
        )),
        Some('\'') if quoted_formula(s) => Ok(&s[1..]),
        _ => Ok(s),
    }
}

/// Free text in a CSV row, written through [`spreadsheet_cell`].
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a>(pub &'a str);

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&spreadsheet_cell(self.0))
    }
}

/// A contact as one CSV row: the columns `import` reads ([`crate::import::COLUMNS`]), free
/// text made safe for spreadsheets.
#[derive(Debug, Serialize)]
pub struct ContactRow<'a> {
    id: Uuid,
    occurred_at: DateTime<FixedOffset>,
    local_date: NaiveDate,
    iso_week: &'a str,
    logged_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    staff: Cell<'a>,
    channel: Channel,
    functional: u8,
    emotional: u8,
    topic: Option<Cell<'a>>,
    customer_ref: Option<Cell<'a>>,
    note: Option<Cell<'a>>,
    follow_up: bool,
    follow_up_done_at: Option<DateTime<Utc>>,
    follow_up_done_by: Option<Cell<'a>>,
}

impl<'a> From<&'a Contact> for ContactRow<'a> {
    fn from(c: &'a Contact) -> Self {
        let cell = |s: &'a Option<String>| s.as_deref().map(Cell);
        Self {
            id: c.id,
            occurred_at: c.occurred_at,
            local_date: c.local_date,
            iso_week: &c.iso_week,
            logged_at: c.logged_at,
            updated_at: c.updated_at,
            staff: Cell(&c.staff),
            channel: c.channel,
            functional: c.functional,
            emotional: c.emotional,
            topic: cell(&c.topic),
            customer_ref: cell(&c.customer_ref),
            note: cell(&c.note),
            follow_up: c.follow_up,
            follow_up_done_at: c.follow_up_done_at,
            follow_up_done_by: cell(&c.follow_up_done_by),
        }
    }
}

/// Contacts as CSV, one row each with every column `import` reads.
pub fn contacts_csv<W: Write>(out: W, contacts: &[Contact], style: CsvStyle) -> Result<()> {
    let rows: Vec<ContactRow<'_>> = contacts.iter().map(ContactRow::from).collect();
    csv_styled(out, &rows, style)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote_that_import_takes_off_again() {
        for (text, cell) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+31 6 1234", "'+31 6 1234"),
            ("-korting", "'-korting"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tindent", "'\tindent"),
            // Text that already looks neutralised gets one more quote, so it comes back as is.
            ("'=quoted", "''=quoted"),
            ("plain", "plain"),
            ("'just a quote'", "'just a quote'"),
            ("a = b", "a = b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_cell(text), cell, "{text:?}");
            assert_eq!(cell_text(cell), Ok(text), "{cell:?}");
        }
    }

    #[test]
    fn a_formula_without_its_quote_is_refused() {
        for raw in ["=1+1", "+1", "-1", "@x", "\r"] {
            let reason = cell_text(raw).unwrap_err();
            assert!(reason.contains("runs as a formula"), "{raw:?}: {reason}");
        }
    }

    #[test]
    fn contact_rows_have_the_import_columns_in_order() {
        let contact = crate::validate::contact(
            &crate::ContactInput {
                functional: Some(4),
                emotional: Some(5),
                note: Some("=2+2".into()),
                ..crate::ContactInput::default()
            },
            Some("Anna"),
            &crate::FixedClock::at("2026-11-22T12:00:00+01:00"),
        )
        .expect("valid");
        let mut out = Vec::new();
        contacts_csv(&mut out, &[contact], CsvStyle::PLAIN).expect("written");
        let text = String::from_utf8(out).expect("UTF-8");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(crate::import::COLUMNS.join(",").as_str())
        );
        assert!(lines.next().is_some_and(|row| row.contains(",'=2+2,")));
    }
}
