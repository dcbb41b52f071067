//! `contactmoment`: the journal from a terminal, over the same core and the same default file
//! as the desktop app. Output goes to stdout only after the data is committed, so a script
//! that reads an id back can rely on it.

mod args;
mod tables;
mod team;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::error::ContextKind;
use clap::{CommandFactory, Parser};
use contactmoment_core::{
    demo::DemoSpec,
    export::{self, CsvStyle},
    location, validate, ContactInput, Desk, Error, ListQuery, SettingsInput, SystemClock,
    ValidationKind, WeekStats, WeeklyQuery, MIN_N,
};
use indicatif::{ProgressBar, ProgressStyle};

use args::{Cli, Command, ExportFormat, Filters, Format, ReviewFormat, Separator};
use tables::{
    contacts_table, moments_text, practices_text, review_text, staff_rows, weekly_table, ReviewOut,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version are answers, not failures.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap explains over several lines with usage; scripts and people want one line.
            // A value with line breaks of its own is escaped first, so that they do not end
            // the message early.
            let mut rendered = e.to_string();
            if let Some(value) = e.get(ContextKind::InvalidValue).map(|v| v.to_string()) {
                rendered =
                    rendered.replacen(&format!("'{value}'"), &format!("'{}'", one_line(&value)), 1);
            }
            let message: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let line = message.join(" ");
            let _ = writeln!(
                io::stderr(),
                "contactmoment: {}",
                one_line(line.trim_start_matches("error: "))
            );
            return ExitCode::from(2);
        }
    };
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        // The reader stopped reading (`| head`): what it took was written, nothing went wrong.
        Err(Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "contactmoment: {}", one_line(&e.to_string()));
            ExitCode::from(
                if matches!(e, Error::Validation { .. } | Error::Import(_)) {
                    2
                } else {
                    1
                },
            )
        }
    }
}

/// A message on one line whatever it quotes: a line break or other control character in a
/// file name or a value is written as an escape (`\n`), as scripts read one line per error.
fn one_line(message: &str) -> String {
    message
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

async fn run(cli: Cli) -> Result<(), Error> {
    // What describes the program itself needs no journal.
    if let c @ (Command::Completions { .. } | Command::Manpage) = &cli.command {
        return describe(c);
    }
    let location = match cli.db {
        Some(db) => db,
        None => location::configured()?,
    };
    // A backup is checked before the journal is even opened: a refused restore touches nothing.
    if let Command::Restore { file } = &cli.command {
        Desk::inspect(file).await?;
    }
    let desk = Desk::open(&location, Arc::new(SystemClock)).await?;
    let result = execute(&desk, cli.command).await;
    desk.close().await;
    result
}

/// The program's shell completions or its manual page, generated from the same definitions
/// that parse the arguments, so that they cannot drift apart.
fn describe(command: &Command) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    match command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "contactmoment", &mut out);
        }
        _ => clap_mangen::Man::new(Cli::command()).render(&mut out)?,
    }
    Ok(())
}

async fn execute(desk: &Desk, command: Command) -> Result<(), Error> {
    let journal = desk.journal();
    let mut out = io::stdout().lock();
    match command {
        Command::Log(a) => {
            let input = ContactInput {
                occurred_at: a.at,
                staff: a.staff,
                channel: a.channel,
                functional: Some(a.functional),
                emotional: Some(a.emotional),
                topic: a.topic,
                customer_ref: a.customer,
                note: a.note,
                follow_up: a.follow_up,
                reason: a.reason,
                level: a.level,
                nps: a.nps,
                valued: a.valued,
                due: a.due,
                star: a.star,
                ..ContactInput::default()
            };
            let contact = journal.log(&input).await?;
            writeln!(out, "{}", contact.id)?;
        }
        Command::List {
            since,
            staff,
            limit,
            format,
        } => {
            let query = ListQuery {
                since: since.map(|s| validate::date("since", &s)).transpose()?,
                staff,
                member: None,
                limit,
            };
            let contacts = journal.list(&query).await?;
            match format {
                Format::Table => writeln!(out, "{}", contacts_table(&contacts))?,
                Format::Json => export::json(&mut out, &contacts)?,
                Format::Csv => export::contacts_csv(&mut out, &contacts, CsvStyle::PLAIN)?,
            }
        }
        Command::Export {
            format,
            separator,
            bom,
            customer,
        } => {
            let style = CsvStyle {
                separator: match separator {
                    Separator::Comma => b',',
                    Separator::Semicolon => b';',
                },
                bom,
            };
            if let Some(customer) = customer {
                let contacts = journal.customer_contacts(&customer).await?;
                match format {
                    ExportFormat::Csv => export::contacts_csv(&mut out, &contacts, style)?,
                    ExportFormat::Json => export::json(&mut out, &contacts)?,
                }
            } else {
                // The whole journal goes out a page at a time: memory stays flat at any size.
                // The pages are written from inside the store's read, which needs a writer it
                // may hold across waits; standard output's lock is this thread's already.
                let sink = io::BufWriter::with_capacity(1 << 16, io::stdout());
                match format {
                    ExportFormat::Csv => {
                        let mut w = export::ContactsCsv::new(sink, style)?;
                        journal.each_contact(&mut |page| w.write(page)).await?;
                        w.finish()?;
                    }
                    ExportFormat::Json => {
                        let mut w = export::JsonList::new(sink);
                        journal.each_contact(&mut |page| w.write(page)).await?;
                        w.finish()?;
                    }
                }
            }
        }
        Command::Demo {
            contacts,
            staff,
            weeks,
            seed,
        } => {
            let bar = ProgressBar::new(contacts).with_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} contacts")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let spec = DemoSpec {
                contacts,
                staff,
                weeks,
                seed,
            };
            let written = journal
                .load_demo(spec, &mut |done| bar.set_position(done))
                .await;
            bar.finish_and_clear();
            writeln!(
                out,
                "added {} demo contacts ({staff} staff, {weeks} weeks, seed {seed})",
                written?
            )?;
        }
        Command::Import { file, skip_invalid } => {
            let cannot = |e: io::Error| {
                Error::validation(
                    "file",
                    ValidationKind::Unparseable,
                    format!("cannot read {}: {e}", file.display()),
                )
            };
            let opened = std::fs::File::open(&file).map_err(cannot)?;
            let about = opened.metadata().map_err(cannot)?;
            // A file is read as the import goes; what cannot be read twice (a pipe, a process
            // substitution) is read whole first.
            let (source, size): (Box<dyn Source>, u64) = if about.is_file() {
                (Box::new(opened), about.len())
            } else {
                let mut bytes = Vec::new();
                (&opened).read_to_end(&mut bytes).map_err(cannot)?;
                let size = bytes.len() as u64;
                (Box::new(io::Cursor::new(bytes)), size)
            };
            // Drawn on stderr only when it is a terminal; scripts see nothing of it.
            let bar = ProgressBar::new(size).with_style(
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message("importing");
            let report = journal
                .import(source, skip_invalid, &mut |done| bar.set_position(done))
                .await;
            bar.finish_and_clear();
            let report = report?;
            let mut err = io::stderr().lock();
            for e in &report.errors {
                writeln!(err, "{e}")?;
            }
            if report.unlisted_errors > 0 {
                writeln!(err, "… and {} more", report.unlisted_errors)?;
            }
            writeln!(
                out,
                "imported {} of {} rows ({} already in the journal, {} invalid rows skipped)",
                report.imported, report.rows, report.already_present, report.skipped_invalid
            )?;
        }
        Command::Backup { file } => writeln!(out, "{}", backup(desk, file).await?)?,
        Command::Restore { file } => writeln!(out, "{}", restore(desk, &file).await?)?,
        Command::Erase { customer } => {
            let erased = journal.erase_customer(&customer).await?;
            writeln!(out, "erased {erased} contacts of customer {customer}")?;
        }
        Command::Retention {
            months,
            whole_contacts,
            keep_all,
        } => {
            let mut settings = journal.settings().await?;
            if months.is_some() || keep_all {
                let mut input = SettingsInput::from(&settings);
                input.retention_months = months;
                input.retention_whole_contacts = whole_contacts;
                settings = journal.save_settings(&input).await?;
            }
            match journal.apply_retention().await? {
                None => writeln!(out, "retention is off: everything is kept")?,
                Some((cutoff, n)) if settings.retention_whole_contacts => {
                    writeln!(out, "erased {n} contacts from before {cutoff}")?;
                }
                Some((cutoff, n)) => {
                    writeln!(out, "erased the notes of {n} contacts from before {cutoff}")?;
                }
            }
        }
        Command::Team(command) => team::run(desk, command, &mut out).await?,
        Command::Sync { status } => team::sync(desk, status, &mut out).await?,
        c @ (Command::Completions { .. } | Command::Manpage) => describe(&c)?,
        Command::Check => {
            let problems = desk.check().await?;
            for p in &problems {
                writeln!(out, "{p}")?;
            }
            if problems != ["ok"] {
                return Err(Error::Internal(format!(
                    "the journal is damaged ({} problems listed above); restore a backup",
                    problems.len()
                )));
            }
        }
        Command::Weekly {
            filters,
            per_staff,
            format,
        } => {
            let query = weekly_query(filters)?;
            if per_staff {
                let everyone = journal.weekly_by_staff(&query).await?;
                let rows: Vec<(&str, &WeekStats)> = everyone
                    .iter()
                    .flat_map(|s| s.report.weeks.iter().map(move |w| (s.staff.as_str(), w)))
                    .collect();
                match format {
                    Format::Table => writeln!(out, "{}", weekly_table(&rows, MIN_N))?,
                    Format::Json => export::json(&mut out, &everyone)?,
                    Format::Csv => export::csv_with_lists(&mut out, &staff_rows(&rows))?,
                }
            } else {
                let report = journal.weekly(&query).await?;
                let rows: Vec<(&str, &WeekStats)> = report.weeks.iter().map(|w| ("", w)).collect();
                match format {
                    Format::Table => writeln!(out, "{}", weekly_table(&rows, report.min_n))?,
                    Format::Json => export::json(&mut out, &report.weeks)?,
                    Format::Csv => export::csv_with_lists(&mut out, &report.weeks)?,
                }
            }
        }
        Command::Review { filters, format } => {
            let query = weekly_query(filters)?;
            let review = journal.review(&query).await?;
            let changed = journal.what_changed(&query).await?;
            let practices = journal.practices(&query).await?;
            let notes = journal.week_notes(&query).await?;
            let moments = journal.moments(&query).await?;
            match format {
                ReviewFormat::Json => export::json(
                    &mut out,
                    &ReviewOut {
                        current: &review.current,
                        previous: &review.previous,
                        change: &review.change,
                        what_changed: &changed,
                        practices: &practices,
                        week_notes: &notes,
                        moments: &moments,
                    },
                )?,
                ReviewFormat::Table => writeln!(
                    out,
                    "{}\n\n{}\n\n{}",
                    review_text(&review, &changed),
                    practices_text(&practices, &notes),
                    moments_text(&moments)
                )?,
            }
        }
        Command::WeekNote { week, note } => match journal.set_week_note(&week, &note).await? {
            Some(n) => writeln!(out, "{}: {}", n.week, n.note)?,
            None => writeln!(out, "no note on {}", week.trim())?,
        },
        Command::Star { id, off } => {
            let c = journal.set_star(&id, !off).await?;
            writeln!(
                out,
                "{} {}",
                c.id,
                if c.star {
                    "is marked for the team meeting"
                } else {
                    "is no longer marked"
                }
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn weekly_query(f: Filters) -> Result<WeeklyQuery, Error> {
    Ok(WeeklyQuery {
        from: f.from.map(|s| validate::date("from", &s)).transpose()?,
        to: f.to.map(|s| validate::date("to", &s)).transpose()?,
        staff: f.staff,
        channel: f.channel.map(|c| validate::channel(Some(&c))).transpose()?,
        topic: f.topic,
    })
}

/// A file to import, read once to count its lines and again to import it.
trait Source: io::Read + io::Seek + Send {}

impl<T: io::Read + io::Seek + Send> Source for T {}

/// Makes a backup; returns where it went.
async fn backup(desk: &Desk, file: Option<PathBuf>) -> Result<String, Error> {
    let dest = match file {
        Some(file) => {
            desk.backup_to(&file).await?;
            file
        }
        None => desk.backup_now().await?,
    };
    Ok(dest.display().to_string())
}

/// Keeps the journal as it is in a backup, then restores `file`; returns what happened.
async fn restore(desk: &Desk, file: &Path) -> Result<String, Error> {
    let (kept, contacts) = desk.restore_backup(file).await?;
    Ok(format!(
        "restored {contacts} contacts from {}; the journal as it was is kept in {}",
        file.display(),
        kept.display()
    ))
}
