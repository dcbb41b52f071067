//! What the command line accepts: the commands and their arguments, with their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use contactmoment_core::location;

#[derive(Parser)]
#[command(
    name = "contactmoment",
    version,
    about = "Log customer contact moments and read the weekly figures"
)]
pub struct Cli {
    /// The journal: a file path or a sqlite: URL (default: the app's journal).
    #[arg(long, global = true, env = location::DB_ENV, value_name = "LOCATION")]
    pub db: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Print completions for a shell: bash, zsh, fish, elvish or powershell.
    Completions { shell: clap_complete::Shell },
    /// Print this program's manual page (roff), for packaging.
    #[command(hide = true)]
    Manpage,
    /// This journal's team: join with a code, leave, and (as a lead) add or remove members.
    /// A team and its first lead are made on the server: `contactmoment-server team-init`.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Pushes what waits in this journal to the team server and pulls what changed; prints
    /// the counts.
    Sync {
        /// Only show where sync stands (waiting changes, last sync, last error).
        #[arg(long)]
        status: bool,
    },
    /// Makes a consistent snapshot of the journal: into FILE, or into the backups folder
    /// beside the journal. Prints where it went.
    Backup { file: Option<PathBuf> },
    /// Replaces the journal with a backup, after checking the backup's integrity and version.
    /// The journal as it was is kept in the backups folder first.
    Restore { file: PathBuf },
    /// Share of positive ratings (4–5) per ISO week, with 95% Wilson intervals.
    Weekly {
        #[command(flatten)]
        filters: Filters,
        /// One set of weeks per staff member (JSON: [{staff, report}]).
        #[arg(long, conflicts_with = "staff")]
        per_staff: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The period against the equally long period before: both axes with their intervals,
    /// the shares rated 1–2 and 5, the change with its Newcombe interval, and what changed
    /// beyond chance overall, per channel, per topic and per staff member.
    Review {
        #[command(flatten)]
        filters: Filters,
        #[arg(long, value_enum, default_value_t = ReviewFormat::Table)]
        format: ReviewFormat,
    },
    /// Pin a note to a week ("new call-back procedure from W12"), shown on the review's charts
    /// and in the printed report; an empty note removes it.
    WeekNote {
        /// The ISO week, like 2026-W12.
        #[arg(long, allow_hyphen_values = true)]
        week: String,
        #[arg(allow_hyphen_values = true, default_value = "")]
        note: String,
    },
    /// Mark a contact to bring to the team meeting (or, with --off, unmark it).
    Star {
        id: String,
        #[arg(long)]
        off: bool,
    },
}

/// Which contacts the weekly figures and the review count.
#[derive(clap::Args)]
pub struct Filters {
    /// First date (its whole ISO week counts); default: 12 weeks before --to.
    #[arg(long)]
    pub from: Option<String>,
    /// Last date (its whole ISO week counts); default: today.
    #[arg(long)]
    pub to: Option<String>,
    /// Only these staff members (repeat for several).
    #[arg(long)]
    pub staff: Vec<String>,
    /// Only this channel: phone, email, chat, counter, social or visit.
    #[arg(long)]
    pub channel: Option<String>,
    /// Only this topic.
    #[arg(long)]
    pub topic: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReviewFormat {
    Table,
    Json,
}

#[derive(clap::Args)]
pub struct LogArgs {
    // Every value may start with a dash: `--functional -rf` is a wrong rating, refused by name,
    // not an unknown flag that names nothing.
    /// Was it solved? 1 (not at all) to 5 (completely).
    #[arg(long, value_name = "1-5", allow_hyphen_values = true)]
    pub functional: i32,
    /// Did the customer feel welcome? 1 (not at all) to 5 (very).
    #[arg(long, value_name = "1-5", allow_hyphen_values = true)]
    pub emotional: i32,
    /// phone (default), email, chat, counter, social or visit.
    #[arg(long, allow_hyphen_values = true)]
    pub channel: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub topic: Option<String>,
    /// A customer reference (not a name).
    #[arg(long, allow_hyphen_values = true)]
    pub customer: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Flag the contact for follow-up.
    #[arg(long)]
    pub follow_up: bool,
    /// When it happened (RFC 3339); default: now.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Staff name; default: the display name from the app's settings.
    #[arg(long, allow_hyphen_values = true)]
    pub staff: Option<String>,
    /// Why it failed, only with --functional 1 or 2: not_answered, not_solved, wrong (a bill
    /// or order), too_slow or other.
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// Service level (Human2Human thermometer): 1 customer-unfriendly, 2 minimal,
    /// 3 as expected, 4 as desired, 5 human2human ("wow").
    #[arg(long, value_name = "1-5", allow_hyphen_values = true)]
    pub level: Option<i32>,
    /// The customer's own score, only when they were asked "how likely are you to recommend
    /// us?": 0 to 10.
    #[arg(long, value_name = "0-10", allow_hyphen_values = true)]
    pub nps: Option<i32>,
    /// Did the customer feel valued? 1 (not at all) to 5 (very).
    #[arg(long, value_name = "1-5", allow_hyphen_values = true)]
    pub valued: Option<i32>,
    /// The day the follow-up is promised by (YYYY-MM-DD); makes it a follow-up. Default for a
    /// follow-up: the next working day.
    #[arg(long, value_name = "YYYY-MM-DD", allow_hyphen_values = true)]
    pub due: Option<String>,
    /// Mark it to bring to the team meeting.
    #[arg(long)]
    pub star: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Separator {
    Comma,
    Semicolon,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Joins a team with the one-time code a lead or the server's administrator gave you;
    /// your contacts so far become yours in the team.
    Join {
        code: String,
        /// Allow a plain http:// server: for a lab on one machine only, never for a real team.
        #[arg(long)]
        insecure_http: bool,
    },
    /// Leaves the team on this desk; the contacts stay in the journal.
    Leave,
    /// Where this desk stands in its team.
    Status,
    /// (Lead) Adds a member; prints their one-time join code.
    AddMember {
        name: String,
        #[arg(long, value_parser = ["staff", "lead"], default_value = "staff")]
        role: String,
    },
    /// (Lead) Removes a member: their desks are refused from now on.
    RemoveMember { member_id: String },
    /// (Lead) Shares this journal's team settings (targets, retention, pseudonyms) with the team.
    ShareSettings,
}
