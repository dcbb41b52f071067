//! A writer for the crash test: logs contacts through the core in a tight loop and prints
//! each one, as one line of JSON, only after `Journal::log` has returned, that is after its
//! commit. Whatever it printed must be in the journal, field for field, however it ends.
//!
//! `crash_writer JOURNAL TAG [COUNT]`: the notes are `TAG-k`, the other fields vary with `k`.

use std::io::Write;
use std::sync::Arc;

use contactmoment_core::{ContactInput, Journal, SqliteStore, SystemClock};

fn input(tag: &str, k: u64) -> ContactInput {
    let rating = |v: u64| i32::try_from(1 + v % 5).unwrap_or(1);
    ContactInput {
        staff: Some(format!("writer {tag}")),
        channel: Some(["phone", "email", "chat"][(k % 3) as usize].into()),
        functional: Some(rating(k)),
        emotional: Some(rating(k / 5)),
        follow_up: k % 4 == 0,
        topic: Some(format!("topic {}", k % 7)),
        note: Some(format!("{tag}-{k}")),
        ..ContactInput::default()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(tag)) = (args.next(), args.next()) else {
        return Err("usage: crash_writer JOURNAL TAG [COUNT]".into());
    };
    let count = args.next().map(|c| c.parse::<u64>()).transpose()?;
    let store = Arc::new(SqliteStore::open(path.as_ref()).await?);
    let journal = Journal::new(store, Arc::new(SystemClock));
    let mut out = std::io::stdout().lock();
    let mut k = 0;
    while count.is_none_or(|c| k < c) {
        let contact = journal.log(&input(&tag, k)).await?;
        writeln!(out, "{}", serde_json::to_string(&contact)?)?;
        out.flush()?;
        k += 1;
    }
    Ok(())
}
