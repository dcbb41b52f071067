//! CSV import: the columns `export` writes (see [`COLUMNS`]), separated by commas or by the
//! semicolons Dutch spreadsheets write, UTF-8 with or without a byte-order mark, quoted fields
//! with line breaks. Every row passes the same validation as the app. By default one bad row
//! rejects the whole file and nothing is written; ids make a second import of the same file a
//! no-op.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use uuid::Uuid;

use crate::clock::Clock;
use crate::error::Error;
use crate::export;
use crate::model::{Contact, ContactInput};
use crate::validate;

/// The columns of an export, in order. `local_date` and `iso_week` are recomputed on import.
pub const COLUMNS: [&str; 22] = [
    "id",
    "occurred_at",
    "local_date",
    "iso_week",
    "logged_at",
    "updated_at",
    "staff",
    "channel",
    "functional",
    "emotional",
    "topic",
    "customer_ref",
    "note",
    "follow_up",
    "follow_up_done_at",
    "follow_up_done_by",
    "reason",
    "level",
    "nps",
    "valued",
    "due",
    "star",
];

/// Columns an imported file cannot do without.
pub const REQUIRED: [&str; 4] = ["occurred_at", "staff", "functional", "emotional"];

/// How many row errors are listed before the rest are only counted.
pub const MAX_LISTED_ERRORS: usize = 20;

pub use crate::error::{Rejection, RowError};

/// What reading a file found: how many rows were valid, and what was wrong with the rest.
/// The valid contacts themselves went to the caller in batches while reading.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Data rows read (the header not counted).
    pub rows: u64,
    pub valid_rows: u64,
    pub invalid_rows: u64,
    pub errors: Vec<RowError>,
    pub unlisted_errors: u64,
    /// Ids the filter of ids seen took for repeats, settled by a second reading of the file.
    pub suspected: u64,
}

impl Parsed {
    fn refuse(&mut self, row: u64, column: Option<&str>, reason: impl Into<String>) {
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(RowError {
                row,
                column: column.map(str::to_owned),
                reason: reason.into(),
            });
        } else {
            self.unlisted_errors += 1;
        }
    }

    /// Counts the rows that repeat an earlier row's id, found by a second reading, as invalid,
    /// listing them in row order among the problems the first reading found.
    fn count_repeats(&mut self, repeats: Repeats) {
        // Saturating: a file changed between the readings must not wrap the counts around.
        self.valid_rows = self.valid_rows.saturating_sub(repeats.count);
        self.invalid_rows += repeats.count;
        self.unlisted_errors += repeats.count - repeats.first.len() as u64;
        self.errors
            .extend(repeats.first.into_iter().map(|(row, first)| RowError {
                row,
                column: Some("id".to_owned()),
                reason: format!("duplicate of row {first}"),
            }));
        self.errors.sort_by_key(|e| e.row);
        // Unlisted problems lie past the last listed one, so the first listed stay the first.
        let over = self.errors.len().saturating_sub(MAX_LISTED_ERRORS);
        self.errors.truncate(MAX_LISTED_ERRORS);
        self.unlisted_errors += over as u64;
    }

    pub fn rejection(&self) -> Rejection {
        Rejection {
            errors: self.errors.clone(),
            unlisted: self.unlisted_errors,
        }
    }
}

fn file_error(reason: impl Into<String>) -> Error {
    Error::Import(Rejection {
        errors: vec![RowError {
            row: 1,
            column: None,
            reason: reason.into(),
        }],
        unlisted: 0,
    })
}

/// The separator the header line uses: `;` when it has more semicolons than commas.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// Valid contacts are handed on in batches of this many, so writing can start while the rest
/// of the file is read.
pub const BATCH_ROWS: usize = 10_000;

/// About how many data rows a file has (its line count; quoted line breaks make it an
/// overestimate), known before reading it, from a quick pass over it.
pub fn row_estimate(mut file: impl Read) -> std::io::Result<u64> {
    let mut buffer = vec![0; PEEK];
    let mut lines = 0;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(lines),
            Ok(n) => lines += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// How much of a file is read at a time; the start of a file this long is where its
/// separator is looked for, and one this short is checked whole for being empty.
const PEEK: usize = 64 * 1024;

/// The filter that remembers which ids a file has had so far: 16 MiB, where a map of every id
/// held 40 bytes a row (some 400 MB for 10,000,000 rows). What still grows with a file is the
/// ids the filter takes for repeats: the real repeats, and false ones, about 2,000 in
/// 10,000,000 ids, ever more beyond.
const SEEN_BITS: usize = 1 << 27;

/// The best number of hashes for [`SEEN_BITS`] and 10,000,000 ids (bits per id × ln 2 ≈ 9.3).
const SEEN_HASHES: u32 = 9;

/// A fixed seed, so that whether a file is read a second time is the same on every run.
const SEEN_SEED: u128 = 0x636f_6e74_6163_746d_6f6d_656e_7400;

/// Reads and validates a whole file, a buffer at a time (a file of millions of rows is never
/// held whole). File-level problems (empty, not UTF-8, missing columns)
/// are an error; row-level problems are collected in the result. Valid contacts go to `sink`
/// in batches with how many bytes have been read; once a row is invalid and `skip_invalid` is
/// off, no more batches go out (the file will be refused) but reading goes on to list every
/// problem. When `sink` returns `false` (the writer has failed), reading stops. Every row is
/// judged against the time the reading started (rows without `logged_at` are logged then).
///
/// An id that appears twice is an error on its second row. The ids seen go into a filter of
/// fixed size rather than a map; an id it may have seen before is only a candidate, and when
/// there are candidates the file is read a second time to settle them. A repeat is therefore
/// known only after the whole file went to `sink`, with `skip_invalid` off too (the caller
/// then refuses the file and drops what it wrote). The store keeps the first row of an id, so
/// the repeats it was handed are not written; they are counted here as invalid, not as ids
/// already present.
pub fn parse(
    file: impl Read + Seek,
    clock: &dyn Clock,
    skip_invalid: bool,
    sink: &mut dyn FnMut(Vec<Contact>, u64) -> bool,
) -> Result<Parsed, Error> {
    parse_with(file, clock, skip_invalid, sink, SEEN_BITS)
}

fn parse_with(
    file: impl Read + Seek,
    clock: &dyn Clock,
    skip_invalid: bool,
    sink: &mut dyn FnMut(Vec<Contact>, u64) -> bool,
    seen_bits: usize,
) -> Result<Parsed, Error> {
    let clock = &Stopped {
        now: clock.now(),
        zone: clock,
    };
    let mut file = BufReader::with_capacity(PEEK, file);
    let (bom, separator) = {
        let start = file
            .fill_buf()
            .map_err(|e| file_error(format!("cannot be read: {e}")))?;
        let whole = start.len() < PEEK;
        let bom = if start.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let start = &start[bom..];
        if whole && start.iter().all(u8::is_ascii_whitespace) {
            return Err(file_error("the file is empty"));
        }
        (
            bom,
            separator(&String::from_utf8_lossy(&start[..start.len().min(4096)])),
        )
    };
    file.consume(bom);
    let mut reader = records(file, separator);
    let headers = reader
        .headers()
        .map_err(|_| file_error("the header is not UTF-8 text"))?
        .clone();
    let index: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!(
            "missing column(s) {}; the first line must name the columns, separated by ',' or ';'",
            missing.join(", ")
        )));
    }

    let mut parsed = Parsed::default();
    let mut seen = fastbloom::BloomFilter::with_num_bits(seen_bits)
        .seed(&SEEN_SEED)
        .hashes(SEEN_HASHES);
    let mut candidates: HashSet<Uuid> = HashSet::new();
    let mut record = csv::StringRecord::new();
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    loop {
        let row = parsed.rows + 2;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                parsed.rows += 1;
                parsed.invalid_rows += 1;
                let reason = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".to_owned(),
                    _ => format!("cannot be read: {e}"),
                };
                parsed.refuse(row, None, reason);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        parsed.rows += 1;
        if batch.len() == BATCH_ROWS {
            let read = record.position().map_or(0, |p| p.byte());
            if !sink(std::mem::take(&mut batch), read) {
                return Ok(parsed);
            }
            batch.reserve(BATCH_ROWS);
        }
        if record.len() != headers.len() {
            parsed.invalid_rows += 1;
            parsed.refuse(
                row,
                None,
                format!(
                    "has {} fields where the header has {}",
                    record.len(),
                    headers.len()
                ),
            );
            continue;
        }
        match contact_from(&record, &index, clock) {
            Ok(contact) => {
                // Ids made here for rows without one are new: only the file's own can repeat.
                if field(&record, &index, "id").is_some() && seen.insert(&contact.id) {
                    candidates.insert(contact.id);
                }
                parsed.valid_rows += 1;
                if skip_invalid || parsed.invalid_rows == 0 {
                    batch.push(contact);
                }
            }
            Err((column, reason)) => {
                parsed.invalid_rows += 1;
                parsed.refuse(row, Some(&column), reason);
            }
        }
    }
    if (skip_invalid || parsed.invalid_rows == 0)
        && !sink(batch, bom as u64 + reader.position().byte())
    {
        return Ok(parsed);
    }
    parsed.suspected = candidates.len() as u64;
    if !candidates.is_empty() {
        let mut file = reader.into_inner();
        file.seek(SeekFrom::Start(bom as u64))
            .map_err(|e| file_error(format!("cannot be read again: {e}")))?;
        let reader = records(file, separator);
        let repeats = repeats(
            reader,
            parsed.rows,
            headers.len(),
            &index,
            clock,
            &candidates,
        )?;
        parsed.count_repeats(repeats);
    }
    Ok(parsed)
}

/// The clock stopped when a file's reading starts, so that a second reading judges each row
/// (is it in the future?) as the first did.
struct Stopped<'c> {
    now: DateTime<FixedOffset>,
    zone: &'c dyn Clock,
}

impl Clock for Stopped<'_> {
    fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }

    fn offset_at(&self, local: NaiveDateTime) -> Option<FixedOffset> {
        self.zone.offset_at(local)
    }
}

fn records<R: Read>(file: R, separator: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(file)
}

/// A row's value in a column, trimmed; `None` when the column is missing or the cell empty.
fn field<'r>(
    record: &'r csv::StringRecord,
    index: &HashMap<&str, usize>,
    column: &str,
) -> Option<&'r str> {
    index
        .get(column)
        .and_then(|&i| record.get(i))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The rows of a file that repeat an earlier valid row's id.
#[derive(Debug, Default)]
struct Repeats {
    /// The first [`MAX_LISTED_ERRORS`], as (the row, the earlier row).
    first: Vec<(u64, u64)>,
    count: u64,
}

/// The second reading of the first `rows` rows of a file, for the ids the first reading may
/// have seen twice: each valid row with one of those ids that repeats an earlier valid row.
fn repeats<R: Read>(
    mut reader: csv::Reader<R>,
    rows: u64,
    fields: usize,
    index: &HashMap<&str, usize>,
    clock: &dyn Clock,
    candidates: &HashSet<Uuid>,
) -> Result<Repeats, Error> {
    let mut earliest: HashMap<Uuid, u64> = HashMap::new();
    let mut repeats = Repeats::default();
    let mut record = csv::StringRecord::new();
    // Rows are numbered as the first reading numbered them, unreadable ones included, and
    // the rows it did not reach (it stopped at a read error) are not judged.
    for row in 2..rows + 2 {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(file_error(format!("cannot be read again: {e}")))
            }
            Err(_) => continue,
        }
        let candidate = field(&record, index, "id")
            .and_then(|id| Uuid::parse_str(id).ok())
            .is_some_and(|id| candidates.contains(&id));
        if !candidate || record.len() != fields {
            continue;
        }
        if let Ok(contact) = contact_from(&record, index, clock) {
            match earliest.get(&contact.id) {
                Some(&earlier) => {
                    repeats.count += 1;
                    if repeats.first.len() < MAX_LISTED_ERRORS {
                        repeats.first.push((row, earlier));
                    }
                }
                None => {
                    earliest.insert(contact.id, row);
                }
            }
        }
    }
    Ok(repeats)
}

/// A core refusal as the column it names and its reason.
fn refusal(e: Error) -> (String, String) {
    match e {
        Error::Validation { field, message, .. } => (field, message),
        other => ("row".into(), other.to_string()),
    }
}

fn contact_from(
    record: &csv::StringRecord,
    index: &HashMap<&str, usize>,
    clock: &dyn Clock,
) -> Result<Contact, (String, String)> {
    let get = |column: &str| field(record, index, column).map(str::to_owned);
    let rating = |column: &str| -> Result<Option<i32>, (String, String)> {
        get(column)
            .map(|v| {
                v.parse::<i32>()
                    .map_err(|_| (column.to_owned(), format!("{v:?} is not a rating 1–5")))
            })
            .transpose()
    };
    let flag = |column: &str| match get(column).as_deref().map(str::to_lowercase).as_deref() {
        None | Some("false" | "0" | "no" | "nee") => Ok(false),
        Some("true" | "1" | "yes" | "ja") => Ok(true),
        Some(other) => Err((column.to_owned(), format!("{other:?} is not true or false"))),
    };
    let number = |column: &str| -> Result<Option<i32>, (String, String)> {
        get(column)
            .map(|v| {
                v.parse::<i32>()
                    .map_err(|_| (column.to_owned(), format!("{v:?} is not a whole number")))
            })
            .transpose()
    };
    // Free text as an export wrote it: formulas neutralised, or refused when they are not.
    let text = |column: &str, value: Option<String>| {
        value
            .map(|v| match export::cell_text(&v) {
                Ok(t) => Ok(t.to_owned()),
                Err(reason) => Err((column.to_owned(), reason)),
            })
            .transpose()
    };
    let input = ContactInput {
        id: get("id"),
        occurred_at: get("occurred_at"),
        staff: text("staff", get("staff"))?,
        channel: get("channel"),
        functional: rating("functional")?,
        emotional: rating("emotional")?,
        topic: text("topic", get("topic"))?,
        customer_ref: text("customer_ref", get("customer_ref"))?,
        // Notes keep their inner line breaks and leading spaces.
        note: text(
            "note",
            index
                .get("note")
                .and_then(|&i| record.get(i))
                .map(str::to_owned),
        )?,
        follow_up: flag("follow_up")?,
        reason: get("reason"),
        level: number("level")?,
        nps: number("nps")?,
        valued: number("valued")?,
        due: get("due"),
        star: flag("star")?,
    };
    if input.occurred_at.is_none() {
        return Err(("occurred_at".into(), "is empty".into()));
    }
    let mut contact = validate::contact(&input, None, clock).map_err(refusal)?;
    let stamp = |column: &str| -> Result<Option<DateTime<Utc>>, (String, String)> {
        get(column)
            .map(|v| {
                DateTime::parse_from_rfc3339(&v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| (column.to_owned(), format!("{v:?} is not an RFC 3339 time")))
            })
            .transpose()
    };
    if let Some(t) = stamp("logged_at")? {
        contact.logged_at = t;
    }
    contact.updated_at = stamp("updated_at")?.unwrap_or(contact.logged_at);
    contact.follow_up_done_at = stamp("follow_up_done_at")?;
    contact.follow_up_done_by = validate::short_text(
        "follow_up_done_by",
        text("follow_up_done_by", get("follow_up_done_by"))?.as_deref(),
        validate::STAFF_MAX,
    )
    .map_err(refusal)?;
    Ok(contact)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: u64,
    pub imported: u64,
    /// Valid rows whose id was already in the journal.
    pub already_present: u64,
    /// Rows skipped as invalid (only with `skip_invalid`).
    pub skipped_invalid: u64,
    pub errors: Vec<RowError>,
    pub unlisted_errors: u64,
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::clock::FixedClock;

    fn clock() -> FixedClock {
        FixedClock::at("2026-11-22T10:00:00+01:00")
    }

    /// What was read, with every contact handed on.
    fn read(s: &str, skip_invalid: bool) -> Result<(Parsed, Vec<Contact>), Error> {
        let mut contacts = Vec::new();
        let parsed = parse(Cursor::new(s), &clock(), skip_invalid, &mut |batch, _| {
            contacts.extend(batch);
            true
        })?;
        Ok((parsed, contacts))
    }

    /// A file that arrives a few bytes at a time, as a pipe may deliver it.
    struct Trickle<'a>(Cursor<&'a [u8]>);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(97);
            self.0.read(&mut buf[..n])
        }
    }

    impl Seek for Trickle<'_> {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.0.seek(to)
        }
    }

    /// A file several times the reading buffer, with a byte-order mark and semicolons, read
    /// whole in pieces or a few bytes at a time: every row arrives once, in batches, and the
    /// last batch reports every byte read.
    #[test]
    fn reads_a_file_larger_than_its_buffer_as_it_goes() {
        let mut text = String::from("\u{feff}occurred_at;staff;functional;emotional;note\n");
        let rows = 3 * BATCH_ROWS + 17;
        for i in 0..rows {
            text.push_str(&format!(
                "2026-11-{:02}T10:00:00+01:00;Anna;{};{};\"regel {i}; met \"\"aanhalingstekens\"\"\"\n",
                1 + i % 20,
                1 + i % 5,
                1 + i * 3 % 5
            ));
        }
        assert!(text.len() > 4 * PEEK, "the file spans many buffers");
        let bytes = text.as_bytes();
        assert_eq!(
            row_estimate(bytes).unwrap(),
            rows as u64 + 1,
            "the header too"
        );
        for trickle in [false, true] {
            let mut batches = Vec::new();
            let mut notes = Vec::new();
            let mut sink = |batch: Vec<Contact>, read| {
                batches.push((batch.len(), read));
                notes.extend(batch.into_iter().filter_map(|c| c.note));
                true
            };
            let parsed = if trickle {
                parse(Trickle(Cursor::new(bytes)), &clock(), false, &mut sink)
            } else {
                parse(Cursor::new(bytes), &clock(), false, &mut sink)
            }
            .unwrap();
            assert_eq!((parsed.rows, parsed.valid_rows), (rows as u64, rows as u64));
            assert_eq!(
                batches.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                [&BATCH_ROWS, &BATCH_ROWS, &BATCH_ROWS, &17]
            );
            assert!(batches.windows(2).all(|w| w[0].1 < w[1].1), "{batches:?}");
            assert_eq!(batches[3].1, bytes.len() as u64);
            assert_eq!(notes[0], "regel 0; met \"aanhalingstekens\"");
            assert_eq!(
                notes[rows - 1],
                format!("regel {}; met \"aanhalingstekens\"", rows - 1)
            );
        }
    }

    fn parse_str(s: &str) -> Result<Parsed, Error> {
        read(s, true).map(|(parsed, _)| parsed)
    }

    fn problems(s: &str) -> Vec<String> {
        match parse_str(s) {
            Ok(p) => p.errors.iter().map(ToString::to_string).collect(),
            Err(Error::Import(r)) => r.errors.iter().map(ToString::to_string).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    const HEAD: &str = "occurred_at,staff,functional,emotional,note\n";

    #[test]
    fn export_writes_exactly_the_documented_columns() {
        let (_, contacts) = read(
            &format!("{HEAD}2026-11-20T10:00:00+01:00,Anna,4,5,\n"),
            false,
        )
        .unwrap();
        let mut out = Vec::new();
        crate::export::contacts_csv(&mut out, &contacts, crate::export::CsvStyle::PLAIN).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().next().unwrap(), COLUMNS.join(","));
        assert!(REQUIRED.iter().all(|c| COLUMNS.contains(c)));
    }

    #[test]
    fn reads_commas_semicolons_bom_and_quoted_line_breaks() {
        let comma = format!("{HEAD}2026-11-20T10:00:00+01:00,Anna,4,5,\"two\nlines, quoted\"\n");
        let semi = "\u{feff}occurred_at;staff;functional;emotional;note\n2026-11-20T10:00:00+01:00;Anna;4;5;\"two\nlines, quoted\"\n";
        for text in [comma.as_str(), semi] {
            let (p, contacts) = read(text, false).unwrap();
            assert_eq!((p.rows, p.valid_rows), (1, 1));
            assert!(p.errors.is_empty(), "{:?}", p.errors);
            assert_eq!(contacts[0].note.as_deref(), Some("two\nlines, quoted"));
            assert_eq!(contacts[0].functional, 4);
        }
    }

    #[test]
    fn names_the_row_and_column_of_each_problem() {
        let text = format!(
            "{HEAD}2026-11-20T10:00:00+01:00,Anna,7,5,\n\
             yesterday,Anna,4,5,\n\
             2026-11-20T10:00:00+01:00,Anna,x,5,\n\
             2026-11-20T10:00:00+01:00,Anna,4\n"
        );
        assert_eq!(
            problems(&text),
            [
                "row 2, column functional: functional rating must be 1–5, not 7",
                "row 3, column occurred_at: time \"yesterday\" is not a date and time like 2026-11-22T14:05",
                "row 4, column functional: \"x\" is not a rating 1–5",
                "row 5: has 3 fields where the header has 5",
            ]
        );
    }

    #[test]
    fn refuses_files_that_are_not_journals() {
        assert_eq!(problems(""), ["row 1: the file is empty"]);
        assert_eq!(problems("\u{feff}\n  \n"), ["row 1: the file is empty"]);
        let tabs =
            "occurred_at\tstaff\tfunctional\temotional\n2026-11-20T10:00:00+01:00\tAnna\t4\t5\n";
        let p = problems(tabs);
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("row 1: missing column(s) occurred_at, staff, functional, emotional"),
            "{p:?}"
        );
        let p = problems("id,occurred_at,staff,functional\n");
        assert!(p[0].contains("missing column(s) emotional"), "{p:?}");
    }

    #[test]
    fn a_repeated_id_in_one_file_is_an_error() {
        let id = "0193a5c2-7f00-7000-8000-000000000001";
        let text = format!(
            "id,occurred_at,staff,functional,emotional\n\
             {id},2026-11-20T10:00:00+01:00,Anna,4,5\n\
             {id},2026-11-20T11:00:00+01:00,Anna,3,5\n"
        );
        assert_eq!(problems(&text), ["row 3, column id: duplicate of row 2"]);
    }

    /// Whether the filter of ids seen suspects only the real repeats or every id, and whether
    /// the file arrives whole or a few bytes at a time, the rows refused as repeats are exactly
    /// those repeating an earlier valid row's id (the id of a row refused for another reason
    /// is free to use), numbered as the first reading numbered them (an unreadable row
    /// included), listed in row order among the other problems, the first twenty listed.
    #[test]
    fn finds_exactly_the_repeated_ids_however_many_the_filter_suspects() {
        let id = |i: usize| format!("0193a5c2-7f00-7000-8000-{i:012}");
        let line = |i: usize, functional: u8| {
            format!("{},2026-11-20T10:00:00+01:00,Anna,{functional},5", id(i))
        };
        // Line k of the data is row k + 2; the file spans several reading buffers.
        let mut lines: Vec<Vec<u8>> = (0..1500).map(|i| line(i, 4).into_bytes()).collect();
        lines[1] = format!("{},extra", line(700, 4)).into_bytes();
        lines[5] = b"\xff\xfe,2026-11-20T10:00:00+01:00,Anna,4,5".to_vec();
        lines[10] = line(10, 9).into_bytes();
        lines[50] = line(10, 4).into_bytes();
        lines[60] = line(10, 3).into_bytes();
        lines[100] = line(3, 2).into_bytes();
        lines[101] = line(3, 4)
            .to_uppercase()
            .replace("ANNA", "Anna")
            .into_bytes();
        for (k, fresh) in (200..225).zip(1000..) {
            lines[k] = line(fresh, 0).into_bytes();
        }
        lines[300] = line(3, 5).into_bytes();
        let mut file = b"id,occurred_at,staff,functional,emotional\n".to_vec();
        for l in &lines {
            file.extend_from_slice(l);
            file.push(b'\n');
        }
        assert!(file.len() > PEEK);
        let mut listed = vec![
            "row 3: has 6 fields where the header has 5".to_owned(),
            "row 7: is not UTF-8 text".to_owned(),
            "row 12, column functional: functional rating must be 1–5, not 9".to_owned(),
            "row 62, column id: duplicate of row 52".to_owned(),
            "row 102, column id: duplicate of row 5".to_owned(),
            "row 103, column id: duplicate of row 5".to_owned(),
        ];
        listed.extend((202..216).map(|row| {
            format!("row {row}, column functional: functional rating must be 1–5, not 0")
        }));
        for (bits, trickle) in [
            (64, false),
            (64, true),
            (SEEN_BITS, false),
            (SEEN_BITS, true),
        ] {
            let what = format!("{bits} bits, trickling {trickle}");
            let mut handed_on = 0;
            let mut sink = |batch: Vec<Contact>, _| {
                handed_on += batch.len();
                true
            };
            let bytes = Cursor::new(file.as_slice());
            let p = if trickle {
                parse_with(Trickle(bytes), &clock(), true, &mut sink, bits)
            } else {
                parse_with(bytes, &clock(), true, &mut sink, bits)
            }
            .unwrap();
            assert_eq!(
                p.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
                listed,
                "{what}"
            );
            assert_eq!(
                (p.rows, p.valid_rows, p.invalid_rows, p.unlisted_errors),
                (1500, 1468, 32, 12),
                "{what}"
            );
            // Ids 3 and 10 only, or nearly every id.
            if bits == SEEN_BITS {
                assert_eq!(p.suspected, 2, "{what}");
            } else {
                assert!(p.suspected > 1400, "{what}: {}", p.suspected);
            }
            // The repeats were handed on before they were known to be repeats.
            assert_eq!(handed_on, 1472, "{what}");
        }
    }

    #[test]
    fn hands_on_batches_and_stops_handing_on_once_the_file_will_be_refused() {
        let row = "2026-11-20T10:00:00+01:00,Anna,4,5,\n";
        let mut text = HEAD.to_owned();
        for _ in 0..BATCH_ROWS + 5 {
            text.push_str(row);
        }
        let mut sizes = Vec::new();
        let mut ends = Vec::new();
        let p = parse(Cursor::new(&text), &clock(), false, &mut |batch, read| {
            sizes.push(batch.len());
            ends.push(read);
            true
        })
        .unwrap();
        assert_eq!(sizes, [BATCH_ROWS, 5]);
        assert_eq!(ends.last(), Some(&(text.len() as u64)));
        assert!(ends[0] < ends[1]);
        assert_eq!(p.valid_rows, BATCH_ROWS as u64 + 5);

        // A bad row in the second batch: the first went out, nothing after it does, yet every
        // problem is still listed.
        let mut bad = text.clone();
        bad.push_str("2026-11-20T10:00:00+01:00,Anna,9,5,\n");
        bad.push_str(row);
        bad.push_str("2026-11-20T10:00:00+01:00,Anna,4,0,\n");
        let (p, contacts) = read(&bad, false).unwrap();
        assert_eq!(contacts.len(), BATCH_ROWS);
        assert_eq!((p.invalid_rows, p.errors.len()), (2, 2));
        let (p, contacts) = read(&bad, true).unwrap();
        assert_eq!(contacts.len(), BATCH_ROWS + 6);
        assert_eq!(p.valid_rows, BATCH_ROWS as u64 + 6);

        // A writer that gives up stops the reading.
        let mut calls = 0;
        parse(Cursor::new(&text), &clock(), true, &mut |_, _| {
            calls += 1;
            false
        })
        .unwrap();
        assert_eq!(calls, 1);
    }

    #[test]
    fn lists_twenty_problems_then_counts() {
        let mut text = HEAD.to_owned();
        for _ in 0..25 {
            text.push_str("2026-11-20T10:00:00+01:00,Anna,9,5,\n");
        }
        let p = parse_str(&text).unwrap();
        assert_eq!(
            (p.rows, p.invalid_rows, p.errors.len(), p.unlisted_errors),
            (25, 25, 20, 5)
        );
        assert!(p.rejection().to_string().ends_with("… and 5 more"));
    }
}
