//! Contacts and weekly figures as CSV or JSON, one row per record with every field, for the
//! CLI's `list`, `export` and `weekly` and for the app's exports later on.

use std::borrow::Cow;
use std::io::Write;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Serialize, Serializer};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::model::{Channel, Contact, Language, Reason};
use crate::stats::Review;

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
    reason: Option<Reason>,
    level: Option<u8>,
    nps: Option<u8>,
    valued: Option<u8>,
    due: Option<NaiveDate>,
    star: bool,
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
            reason: c.reason,
            level: c.level,
            nps: c.nps,
            valued: c.valued,
            due: c.due,
            star: c.star,
        }
    }
}

/// Contacts as CSV, one row each with every column `import` reads. An empty selection is
/// still a file with its header row, which imports as nothing rather than failing.
pub fn contacts_csv<W: Write>(out: W, contacts: &[Contact], style: CsvStyle) -> Result<()> {
    if contacts.is_empty() {
        let mut w = writer(out, style)?;
        w.write_record(crate::import::COLUMNS).map_err(csv_error)?;
        w.flush()?;
        return Ok(());
    }
    let rows: Vec<ContactRow<'_>> = contacts.iter().map(ContactRow::from).collect();
    csv_styled(out, &rows, style)
}

/// Contacts written as CSV as they come (the file `contacts_csv` writes for them all), so an
/// export of any size needs no more memory than one page of contacts.
pub struct ContactsCsv<W: Write> {
    w: csv::Writer<W>,
    any: bool,
}

impl<W: Write> ContactsCsv<W> {
    pub fn new(out: W, style: CsvStyle) -> Result<Self> {
        Ok(Self {
            w: writer(out, style)?,
            any: false,
        })
    }

    pub fn write(&mut self, contacts: &[Contact]) -> Result<()> {
        for c in contacts {
            self.w.serialize(ContactRow::from(c)).map_err(csv_error)?;
        }
        self.any |= !contacts.is_empty();
        Ok(())
    }

    /// Ends the file; one without contacts still has its header row.
    pub fn finish(mut self) -> Result<()> {
        if !self.any {
            self.w
                .write_record(crate::import::COLUMNS)
                .map_err(csv_error)?;
        }
        self.w.flush()?;
        Ok(())
    }
}

/// A JSON list written an element at a time, laid out as [`json`] lays out a whole list.
pub struct JsonList<W: Write> {
    out: W,
    any: bool,
}

impl<W: Write> JsonList<W> {
    pub fn new(out: W) -> Self {
        Self { out, any: false }
    }

    pub fn write<T: Serialize>(&mut self, items: &[T]) -> Result<()> {
        for item in items {
            let text =
                serde_json::to_string_pretty(item).map_err(|e| Error::Internal(e.to_string()))?;
            self.out
                .write_all(if self.any { b",\n  " } else { b"[\n  " })?;
            // A pretty element is indented one level deeper inside the list; its strings hold
            // no raw line breaks (JSON escapes them), so every line break is between tokens.
            self.out.write_all(text.replace('\n', "\n  ").as_bytes())?;
            self.any = true;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.out
            .write_all(if self.any { b"\n]\n" } else { b"[]\n" })?;
        self.out.flush()?;
        Ok(())
    }
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

/// Writes records as CSV whose fields may hold lists (five counts, say): each list becomes as
/// many columns, headed `name_1` … `name_k`. A record may also be a tuple of structs, whose
/// columns follow one another.
pub fn csv_with_lists<W: Write, T: Serialize>(out: W, rows: &[T]) -> Result<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    w.write_record(headers(first)?).map_err(csv_error)?;
    for row in rows {
        w.serialize(row).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

/// The column names of a record, in the order its fields serialize.
fn headers<T: Serialize>(row: &T) -> Result<Vec<String>> {
    let json = serde_json::to_string(row).map_err(|e| Error::Internal(e.to_string()))?;
    let mut names = Vec::new();
    serde::de::DeserializeSeed::deserialize(
        Names(&mut names),
        &mut serde_json::Deserializer::from_str(&json),
    )
    .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(names)
}

/// Collects field names from a record's JSON without reordering them (a JSON map would).
struct Names<'a>(&'a mut Vec<String>);

impl<'de> serde::de::DeserializeSeed<'de> for Names<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Names<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a record or a tuple of records")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(Names(self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match map.next_value::<serde_json::Value>()? {
                serde_json::Value::Array(items) => {
                    self.0
                        .extend((1..=items.len()).map(|i| format!("{key}_{i}")));
                }
                _ => self.0.push(key),
            }
        }
        Ok(())
    }
}

/// A CSV writer in the given style, the byte-order mark already written when it has one.
fn writer<W: Write>(mut out: W, style: CsvStyle) -> Result<csv::Writer<W>> {
    if style.bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    Ok(csv::WriterBuilder::new()
        .delimiter(style.separator)
        .from_writer(out))
}

/// Writes records as CSV with a header row, in the given style.
pub fn csv_styled<W: Write, T: Serialize>(out: W, rows: &[T], style: CsvStyle) -> Result<()> {
    let mut w = writer(out, style)?;
    for row in rows {
        w.serialize(row).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes a value (a list of records, or one report) as pretty-printed JSON.
pub fn json<W: Write, T: Serialize + ?Sized>(mut out: W, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| {
        if e.is_io() {
            Error::Io(e.into())
        } else {
            Error::Internal(e.to_string())
        }
    })?;
    writeln!(out)?;
    Ok(())
}

/// The review's weekly table as a spreadsheet opens it in the reader's language: headers in
/// that language, and in Dutch semicolons with a decimal comma (a Dutch spreadsheet reads
/// `65.5` as text, or as 655). Shares are percentages with one decimal, left empty below the
/// minimum n (as the screen says "not enough data"); counts are always there. A byte-order
/// mark first, so accents come out right.
pub fn weekly_table_csv<W: Write>(out: W, review: &Review, language: Language) -> Result<()> {
    let (separator, decimal) = match language {
        Language::Nl => (b';', ","),
        Language::En => (b',', "."),
    };
    let mut w = writer(
        out,
        CsvStyle {
            separator,
            bom: true,
        },
    )?;
    w.write_record(weekly_headers(language))
        .map_err(csv_error)?;
    let percent = |n: u32, v: Option<f64>| match v {
        Some(v) if n >= review.min_n => format!("{:.1}", v * 100.0).replace('.', decimal),
        _ => String::new(),
    };
    for week in &review.weeks {
        let s = &week.stats;
        let q = week.quadrants;
        let mut row = vec![
            s.week.clone(),
            s.week_start.to_string(),
            s.n.to_string(),
            s.functional_positive.to_string(),
            percent(s.n, s.functional_share),
            percent(s.n, s.functional_ci_low),
            percent(s.n, s.functional_ci_high),
            s.emotional_positive.to_string(),
            percent(s.n, s.emotional_share),
            percent(s.n, s.emotional_ci_low),
            percent(s.n, s.emotional_ci_high),
        ];
        row.extend(week.functional_ratings.iter().map(u32::to_string));
        row.extend(week.emotional_ratings.iter().map(u32::to_string));
        row.extend(
            [
                q.solved_welcome,
                q.solved_not_welcome,
                q.welcome_not_solved,
                q.neither,
            ]
            .iter()
            .map(u32::to_string),
        );
        w.write_record(&row).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

/// The weekly table's column names, in the order of its cells.
fn weekly_headers(language: Language) -> Vec<String> {
    let (solved, welcome) = match language {
        Language::Nl => ("Opgelost", "Welkom"),
        Language::En => ("Solved", "Welcome"),
    };
    let axis = |name: &str| -> [String; 4] {
        match language {
            Language::Nl => [
                format!("{name}: positief (4–5)"),
                format!("{name}: % positief"),
                format!("{name}: 95%-interval van (%)"),
                format!("{name}: 95%-interval tot (%)"),
            ],
            Language::En => [
                format!("{name}: positive (4–5)"),
                format!("{name}: % positive"),
                format!("{name}: 95% interval low (%)"),
                format!("{name}: 95% interval high (%)"),
            ],
        }
    };
    let rated = |name: &str| -> Vec<String> {
        (1..=5)
            .map(|r| match language {
                Language::Nl => format!("{name}: aantal met {r}"),
                Language::En => format!("{name}: rated {r}"),
            })
            .collect()
    };
    let mut headers: Vec<String> = match language {
        Language::Nl => vec![
            "Week".into(),
            "Begin van de week".into(),
            "Contacten (n)".into(),
        ],
        Language::En => vec!["Week".into(), "Week start".into(), "Contacts (n)".into()],
    };
    headers.extend(axis(solved));
    headers.extend(axis(welcome));
    headers.extend(rated(solved));
    headers.extend(rated(welcome));
    headers.extend(
        match language {
            Language::Nl => [
                "Opgelost en welkom",
                "Opgelost, niet welkom",
                "Welkom, niet opgelost",
                "Geen van beide",
            ],
            Language::En => [
                "Solved and welcome",
                "Solved, not welcome",
                "Welcome, not solved",
                "Neither",
            ],
        }
        .map(String::from),
    );
    headers
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

    #[test]
    fn an_empty_export_still_has_its_header_row() {
        let mut out = Vec::new();
        contacts_csv(&mut out, &[], CsvStyle::SPREADSHEET_NL).expect("written");
        let text = String::from_utf8(out).expect("UTF-8");
        assert_eq!(
            text,
            format!("\u{feff}{}\n", crate::import::COLUMNS.join(";"))
        );
    }
}
