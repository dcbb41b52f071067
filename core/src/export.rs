//! Contacts and weekly figures as CSV or JSON, one row per record with every field, for the
//! CLI's `list`, `export` and `weekly` and for the app's exports later on.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};

/// Writes records as CSV with a header row.
pub fn csv<W: Write, T: Serialize>(out: W, rows: &[T]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
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
