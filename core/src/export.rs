//! Contacts and weekly figures as CSV or JSON, one row per record with every field, for the
//! CLI's `list`, `export` and `weekly` and for the app's exports later on.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};

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

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io(io),
        other => Error::Internal(format!("{other:?}")),
    }
}
