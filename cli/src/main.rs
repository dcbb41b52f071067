//! `contactmoment`: the journal from a terminal, over the same core and the same default file
//! as the desktop app. Output goes to stdout only after the data is committed, so a script
//! that reads an id back can rely on it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use contactmoment_core::{
    backup,
    demo::DemoSpec,
    export::{self, CsvStyle},
    location, validate, Clock, Contact, ContactInput, Error, Journal, ListQuery, SettingsInput,
    SqliteStore, SystemClock, ValidationKind, WeekStats, WeeklyQuery, MIN_N,
};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "contactmoment",
    version,
    about = "Log customer contact moments and read the weekly figures"
)]
struct Cli {
    /// The journal: a file path or a sqlite: URL (default: the app's journal).
    #[arg(long, global = true, env = location::DB_ENV, value_name = "LOCATION")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Log a contact; prints its id once it is safely stored.
    Log(LogArgs),
    /// List contacts, newest first.
    List {
        /// Only contacts on or after this local date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Only this staff member's contacts.
        #[arg(long)]
        staff: Option<String>,
        /// At most this many contacts.
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Export every contact with all fields (the columns `import` reads).
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// CSV only: `semicolon` opens cleanly in a spreadsheet set to Dutch.
        #[arg(long, value_enum, default_value_t = Separator::Comma)]
        separator: Separator,
        /// CSV only: start with a UTF-8 byte-order mark so spreadsheets show accents right.
        #[arg(long)]
        bom: bool,
        /// Only this customer's contacts, deleted ones too: an answer to a request to see
        /// one's own data.
        #[arg(long, value_name = "REF", allow_hyphen_values = true)]
        customer: Option<String>,
    },
    /// Removes every contact of one customer for good and reports how many.
    Erase {
        #[arg(long, value_name = "REF", allow_hyphen_values = true)]
        customer: String,
    },
    /// Erases what is older than the retention period (the journal's setting); --months or
    /// --keep-all changes the setting first.
    Retention {
        /// Keep this many months; older notes are erased.
        #[arg(long, conflicts_with = "keep_all")]
        months: Option<i32>,
        /// Erase whole contacts older than that, not only their notes.
        #[arg(long, requires = "months")]
        whole_contacts: bool,
        /// Keep everything: retention off.
        #[arg(long)]
        keep_all: bool,
    },
    /// Add generated, realistic contacts for trying the app (the same seed, the same data).
    Demo {
        #[arg(long, default_value_t = 2_000)]
        contacts: u64,
        #[arg(long, default_value_t = 8)]
        staff: u32,
        /// How many weeks back from today.
        #[arg(long, default_value_t = 26)]
        weeks: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Import contacts from a CSV file with the columns of `export` (comma or semicolon).
    /// Any invalid row refuses the whole file unless --skip-invalid is given.
    Import {
        file: PathBuf,
        /// Import the valid rows and report the invalid ones.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Checks the journal file's consistency; prints `ok`, or each problem and exits 1.
    Check,
    /// Makes a consistent snapshot of the journal: into FILE, or into the backups folder
    /// beside the journal. Prints where it went.
    Backup { file: Option<PathBuf> },
    /// Replaces the journal with a backup, after checking the backup's integrity and version.
    /// The journal as it was is kept in the backups folder first.
    Restore { file: PathBuf },
    /// Share of positive ratings (4–5) per ISO week, with 95% Wilson intervals.
    Weekly {
        /// First date (its whole ISO week counts); default: 12 weeks before --to.
        #[arg(long)]
        from: Option<String>,
        /// Last date (its whole ISO week counts); default: today.
        #[arg(long)]
        to: Option<String>,
        /// Only these staff members (repeat for several).
        #[arg(long)]
        staff: Vec<String>,
        #[arg(long)]
        channel: Option<String>,
        #[arg(long)]
        topic: Option<String>,
        /// One set of weeks per staff member (JSON: [{staff, report}]).
        #[arg(long, conflicts_with = "staff")]
        per_staff: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(clap::Args)]
struct LogArgs {
    // Every value may start with a dash: `--functional -rf` is a wrong rating, refused by name,
    // not an unknown flag that names nothing.
    /// Was it solved? 1 (not at all) to 5 (completely).
    #[arg(long, value_name = "1-5", allow_hyphen_values = true)]
    functional: i32,
    /// Did the customer feel welcome? 1 (not at all) to 5 (very).
    #[arg(long, value_name = "1-5", allow_hyphen_values = true)]
    emotional: i32,
    /// phone (default), email, chat, counter, social or visit.
    #[arg(long, allow_hyphen_values = true)]
    channel: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    topic: Option<String>,
    /// A customer reference (not a name).
    #[arg(long, allow_hyphen_values = true)]
    customer: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    note: Option<String>,
    /// Flag the contact for follow-up.
    #[arg(long)]
    follow_up: bool,
    /// When it happened (RFC 3339); default: now.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    at: Option<String>,
    /// Staff name; default: the display name from the app's settings.
    #[arg(long, allow_hyphen_values = true)]
    staff: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Separator {
    Comma,
    Semicolon,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
}

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
            let rendered = e.to_string();
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
    let location = match cli.db {
        Some(db) => db,
        None => location::configured()?,
    };
    // A backup is checked before the journal is even opened: a refused restore touches nothing.
    if let Command::Restore { file } = &cli.command {
        SqliteStore::inspect(file).await?;
    }
    let store = location::open(&location).await?;
    let journal = Journal::new(store.clone(), Arc::new(SystemClock));
    let result = execute(&journal, &location, cli.command).await;
    store.close().await;
    result
}

async fn execute(journal: &Journal, location: &str, command: Command) -> Result<(), Error> {
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
            let contacts = match customer {
                Some(customer) => journal.customer_contacts(&customer).await?,
                None => {
                    let mut all = journal.list(&ListQuery::default()).await?;
                    all.reverse();
                    all
                }
            };
            let style = CsvStyle {
                separator: match separator {
                    Separator::Comma => b',',
                    Separator::Semicolon => b';',
                },
                bom,
            };
            match format {
                ExportFormat::Csv => export::contacts_csv(&mut out, &contacts, style)?,
                ExportFormat::Json => export::json(&mut out, &contacts)?,
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
            let bytes = std::fs::read(&file).map_err(|e| {
                Error::validation(
                    "file",
                    ValidationKind::Unparseable,
                    format!("cannot read {}: {e}", file.display()),
                )
            })?;
            // Drawn on stderr only when it is a terminal; scripts see nothing of it.
            let bar = ProgressBar::new(bytes.len() as u64).with_style(
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message("importing");
            let report = journal
                .import(bytes, skip_invalid, &mut |done| bar.set_position(done))
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
        Command::Backup { file } => writeln!(out, "{}", backup(journal, location, file).await?)?,
        Command::Restore { file } => writeln!(out, "{}", restore(journal, location, &file).await?)?,
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
        Command::Check => {
            let problems = journal.store().check().await?;
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
            from,
            to,
            staff,
            channel,
            topic,
            per_staff,
            format,
        } => {
            let channel = channel.map(|c| validate::channel(Some(&c))).transpose()?;
            let query = WeeklyQuery {
                from: from.map(|s| validate::date("from", &s)).transpose()?,
                to: to.map(|s| validate::date("to", &s)).transpose()?,
                staff,
                channel,
                topic,
            };
            if per_staff {
                let everyone = journal.weekly_by_staff(&query).await?;
                let rows: Vec<(&str, &WeekStats)> = everyone
                    .iter()
                    .flat_map(|s| s.report.weeks.iter().map(move |w| (s.staff.as_str(), w)))
                    .collect();
                match format {
                    Format::Table => writeln!(out, "{}", weekly_table(&rows, MIN_N))?,
                    Format::Json => export::json(&mut out, &everyone)?,
                    Format::Csv => export::csv(&mut out, &staff_rows(&rows))?,
                }
            } else {
                let report = journal.weekly(&query).await?;
                let rows: Vec<(&str, &WeekStats)> = report.weeks.iter().map(|w| ("", w)).collect();
                match format {
                    Format::Table => writeln!(out, "{}", weekly_table(&rows, report.min_n))?,
                    Format::Json => export::json(&mut out, &report.weeks)?,
                    Format::Csv => export::csv(&mut out, &report.weeks)?,
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Makes a backup; returns where it went.
async fn backup(journal: &Journal, location: &str, file: Option<PathBuf>) -> Result<String, Error> {
    let dest = match file {
        Some(file) => {
            backup::to_file(journal.store().as_ref(), &file).await?;
            file
        }
        None => {
            let path = location::file_path(location)?;
            backup::make(journal.store().as_ref(), &path, SystemClock.now()).await?
        }
    };
    Ok(dest.display().to_string())
}

/// Keeps the journal as it is in a backup, then restores `file`; returns what happened.
async fn restore(journal: &Journal, location: &str, file: &Path) -> Result<String, Error> {
    let path = location::file_path(location)?;
    let store = journal.store().as_ref();
    let kept = backup::make(store, &path, SystemClock.now()).await?;
    let contacts = store.restore(file).await?;
    Ok(format!(
        "restored {contacts} contacts from {}; the journal as it was is kept in {}",
        file.display(),
        kept.display()
    ))
}

fn contacts_table(contacts: &[Contact]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header([
        "when",
        "staff",
        "channel",
        "solved",
        "welcome",
        "topic",
        "follow-up",
        "id",
    ]);
    for c in contacts {
        t.add_row([
            c.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
            c.staff.clone(),
            c.channel.to_string(),
            c.functional.to_string(),
            c.emotional.to_string(),
            c.topic.clone().unwrap_or_default(),
            if c.follow_up {
                "yes".into()
            } else {
                String::new()
            },
            c.id.to_string(),
        ]);
    }
    t
}

fn share(share: Option<f64>, low: Option<f64>, high: Option<f64>, n: u32, min_n: u32) -> String {
    match (share, low, high) {
        (Some(s), Some(l), Some(h)) if n >= min_n => {
            format!("{:.0}% ({:.0}–{:.0}%)", s * 100.0, l * 100.0, h * 100.0)
        }
        _ if n == 0 => "–".into(),
        _ => "not enough data".into(),
    }
}

/// Weekly rows, with a staff column when any row names a staff member.
fn weekly_table(rows: &[(&str, &WeekStats)], min_n: u32) -> Table {
    let with_staff = rows.iter().any(|(staff, _)| !staff.is_empty());
    let mut header = vec!["week", "starts", "n", "solved (4–5)", "welcome (4–5)"];
    if with_staff {
        header.insert(0, "staff");
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    for (staff, w) in rows {
        let mut row = vec![
            w.week.clone(),
            w.week_start.to_string(),
            w.n.to_string(),
            share(
                w.functional_share,
                w.functional_ci_low,
                w.functional_ci_high,
                w.n,
                min_n,
            ),
            share(
                w.emotional_share,
                w.emotional_ci_low,
                w.emotional_ci_high,
                w.n,
                min_n,
            ),
        ];
        if with_staff {
            row.insert(0, (*staff).to_owned());
        }
        t.add_row(row);
    }
    t
}

/// One CSV row per staff member and week: the staff name, then the weekly columns. Spelled
/// out because the csv crate cannot flatten a nested struct.
#[derive(serde::Serialize)]
struct StaffRow<'a> {
    staff: export::Cell<'a>,
    week: &'a str,
    week_start: String,
    n: u32,
    functional_positive: u32,
    functional_share: Option<f64>,
    functional_ci_low: Option<f64>,
    functional_ci_high: Option<f64>,
    functional_mean: Option<f64>,
    emotional_positive: u32,
    emotional_share: Option<f64>,
    emotional_ci_low: Option<f64>,
    emotional_ci_high: Option<f64>,
    emotional_mean: Option<f64>,
}

fn staff_rows<'a>(rows: &[(&'a str, &'a WeekStats)]) -> Vec<StaffRow<'a>> {
    rows.iter()
        .map(|&(staff, w)| StaffRow {
            staff: export::Cell(staff),
            week: &w.week,
            week_start: w.week_start.to_string(),
            n: w.n,
            functional_positive: w.functional_positive,
            functional_share: w.functional_share,
            functional_ci_low: w.functional_ci_low,
            functional_ci_high: w.functional_ci_high,
            functional_mean: w.functional_mean,
            emotional_positive: w.emotional_positive,
            emotional_share: w.emotional_share,
            emotional_ci_low: w.emotional_ci_low,
            emotional_ci_high: w.emotional_ci_high,
            emotional_mean: w.emotional_mean,
        })
        .collect()
}
