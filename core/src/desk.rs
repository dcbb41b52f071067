//! The journal on this desktop: the one place that opens a journal file, and the workflows
//! the app and the CLI both perform on it (backups, restoring one, recovering a journal that
//! cannot be opened, the housekeeping on every start). Everything above the core speaks to a
//! [`Desk`] and its [`Journal`]; the storage engine behind them is named only here.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{NaiveDate, Utc};

use crate::backup::{self, StartupProblem};
use crate::clock::Clock;
use crate::error::{Error, FileProblem, Result};
use crate::journal::Journal;
use crate::location;
use crate::pseudonym::parse_key;
use crate::store::sqlite::{FileCheck, JournalFile, SqliteStore};
use crate::store::Store;
use crate::team::sync::{self, SyncReport, TeamStatus};
use crate::team::wire::{Member, NewMember, NewMemberReply, Role, TeamSettings};

/// An open journal file and the journal over it.
#[derive(Clone)]
pub struct Desk {
    journal: Journal,
    file: Arc<SqliteStore>,
    /// Where the journal lives, as given (a path or a `sqlite:` URL).
    location: String,
    path: PathBuf,
    clock: Arc<dyn Clock>,
    /// Changes pulled from the team since this desk was opened: the screens reload when it
    /// moves.
    pulled: Arc<AtomicU64>,
}

/// What the housekeeping on start did; one step failing does not keep the other from running.
#[derive(Debug)]
pub struct Housekeeping {
    /// The retention cut-off and how many contacts it touched, when retention is on.
    pub retention: Result<Option<(NaiveDate, u64)>>,
    /// The daily backup, when one was due.
    pub backup: Result<Option<PathBuf>>,
}

impl Desk {
    /// Opens the journal at a path or `sqlite:` URL, creating it when missing.
    pub async fn open(location: &str, clock: Arc<dyn Clock>) -> Result<Self> {
        let path = location::file_path(location)?;
        let store = if location.starts_with("sqlite:") {
            SqliteStore::open_url(location).await?
        } else if let Some((scheme, _)) = location.split_once("://") {
            return Err(Error::Internal(format!(
                "{}: {scheme}:// journals are not supported; use a file path or a sqlite: URL",
                location::DB_ENV
            )));
        } else {
            SqliteStore::open(&path).await?
        };
        Self::over(Arc::new(store), location.to_owned(), path, clock).await
    }

    /// Opens the journal when it is sound; otherwise says why not and lists its backups, so
    /// that a journal that cannot be opened is never replaced silently.
    pub async fn open_checked(
        location: &str,
        clock: Arc<dyn Clock>,
    ) -> std::result::Result<Self, StartupProblem> {
        let path = location::file_path(location).map_err(|e| {
            backup::problem_with_backups(Path::new(location), FileProblem::Missing, e.to_string())
        })?;
        if let Some(problem) = backup::startup_check(&path).await {
            return Err(problem);
        }
        Self::open(location, clock)
            .await
            .map_err(|e| backup::problem_with_backups(&path, FileProblem::Damaged, e.to_string()))
    }

    async fn over(
        file: Arc<SqliteStore>,
        location: String,
        path: PathBuf,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let journal = Journal::new(file.clone(), clock.clone());
        let desk = Self {
            journal,
            file,
            location,
            path,
            clock,
            pulled: Arc::new(AtomicU64::new(0)),
        };
        desk.use_team_key().await?;
        Ok(desk)
    }

    /// The same desk with the pseudonym key in `path`.
    pub fn with_key_file(mut self, path: PathBuf) -> Self {
        self.journal = self.journal.with_key_file(path);
        self
    }

    /// Reads a journal or backup file without changing it; refuses one that is not a
    /// journal, is damaged or was written by a newer version.
    pub async fn inspect(file: &Path) -> Result<FileCheck> {
        SqliteStore::inspect(file).await
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The check of every page that start-up leaves until the window is open: `None` when the
    /// journal is sound, else what is wrong and the backups to restore from.
    pub async fn quick_check(&self) -> Option<StartupProblem> {
        let detail = match self.file.quick_check().await {
            Ok(found) if found == ["ok"] => return None,
            Ok(found) => format!(
                "{} is damaged: {}",
                self.path.display(),
                found.first().map_or("", String::as_str)
            ),
            Err(e) => format!("{} is damaged ({e})", self.path.display()),
        };
        Some(backup::problem_with_backups(
            &self.path,
            FileProblem::Damaged,
            detail,
        ))
    }

    /// The engine's own consistency check of the whole file: `["ok"]` or each problem.
    pub async fn check(&self) -> Result<Vec<String>> {
        self.file.check().await
    }

    /// A consistent snapshot of the journal in the new file `dest`.
    pub async fn backup_to(&self, dest: &Path) -> Result<()> {
        backup::to_file(self.file.as_ref(), dest).await
    }

    /// A backup in the backups folder beside the journal, now; returns its path.
    pub async fn backup_now(&self) -> Result<PathBuf> {
        backup::make(self.file.as_ref(), &self.path, self.clock.now()).await
    }

    /// Keeps the journal as it is in a backup, then replaces it with the backup in `file`.
    /// Returns the backup of the journal as it was and how many contacts it now holds.
    pub async fn restore_backup(&self, file: &Path) -> Result<(PathBuf, u64)> {
        SqliteStore::inspect(file).await?;
        // The journal as it was includes the contacts still pending.
        self.file.settle_pending().await?;
        let kept = self.backup_now().await?;
        let contacts = self.file.replace_from_backup(file).await?;
        Ok((kept, contacts))
    }

    /// What every start does, after the window is up: erase what the retention setting says
    /// is too old, then (at most once a day) a backup, keeping as many as the settings say.
    pub async fn housekeeping(&self) -> Housekeeping {
        let retention = self.journal.apply_retention().await;
        let keep = match self.journal.settings().await {
            Ok(s) => usize::from(s.backups_keep),
            Err(_) => backup::KEEP_DEFAULT,
        };
        let backup = backup::daily(self.file.as_ref(), &self.path, self.clock.now(), keep).await;
        Housekeeping { retention, backup }
    }

    /// Sets the unusable journal at `journal` aside and restores `from` (one of its backups)
    /// in its place. On any error everything is put back as it was.
    pub async fn recover_from_backup(
        journal: &Path,
        from: &Path,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        SqliteStore::inspect(from).await?;
        let aside = set_aside(journal, clock.as_ref())?;
        let store = SqliteStore::open(journal).await?;
        if let Err(e) = store.replace_from_backup(from).await {
            Store::close(&store).await;
            let put_back = backup::remove_journal(journal).and_then(|()| match &aside {
                Some(aside) => backup::move_journal(aside, journal),
                None => Ok(()),
            });
            if let Err(stuck) = put_back {
                tracing::error!(error = %stuck, "the unusable journal could not be put back");
            }
            return Err(e);
        }
        let location = journal.display().to_string();
        Self::over(Arc::new(store), location, journal.to_path_buf(), clock).await
    }

    /// Sets the unusable journal at `journal` aside and starts a new, empty one there.
    pub async fn start_new(journal: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        set_aside(journal, clock.as_ref())?;
        Self::open(&journal.display().to_string(), clock).await
    }

    /// Opens another journal file, after checking it is one this version can use.
    pub async fn open_other(file: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        SqliteStore::inspect(file).await?;
        Self::open(&file.display().to_string(), clock).await
    }

    /// This desk's team membership and where its sync stands; `None` outside a team.
    pub async fn team_status(&self) -> Result<Option<TeamStatus>> {
        Ok(sync::status(&self.file).await?.map(|s| TeamStatus {
            pulled_here: self.pulled.load(Ordering::Relaxed),
            ..s
        }))
    }

    /// Joins a team with a one-time code; this desk's contacts become the member's and are
    /// pushed, and the team's contacts the member may see are pulled.
    pub async fn join_team(&self, code: &str, insecure_http: bool) -> Result<(Member, SyncReport)> {
        let own = self.journal.member_id().await?;
        let device = match whoami::fallible::hostname() {
            Ok(host) => format!("{} on {host}", whoami::username()),
            Err(_) => whoami::username(),
        };
        let (link, _) = sync::join(&self.file, code, &device, insecure_http, &own).await?;
        self.use_team_key().await?;
        // Someone who never named themselves here appears under the name the team knows.
        if self.journal.setting("display_name").await?.is_none() {
            self.journal.set_display_name(&link.member.name).await?;
        }
        let report = self.sync().await?;
        Ok((link.member, report))
    }

    /// Leaves the team on this desk: the server forgets this device (when it can be
    /// reached), the contacts stay in the journal. Returns how many changes were still
    /// waiting to be pushed and are now dropped.
    pub async fn leave_team(&self) -> Result<u64> {
        let link = sync::link(&self.file).await?;
        if let Err(e) = sync::client(&link)?.leave().await {
            tracing::warn!(error = %e, "the server could not be told that this desk left");
        }
        let dropped = self.file.leave_team().await?;
        self.use_team_key().await?;
        Ok(dropped)
    }

    /// One round of sync: push everything waiting, pull everything new.
    pub async fn sync(&self) -> Result<SyncReport> {
        self.counted(sync::round(&self.file, self.clock.now().with_timezone(&Utc), false).await)
    }

    fn counted(&self, report: Result<SyncReport>) -> Result<SyncReport> {
        if let Ok(r) = &report {
            self.pulled.fetch_add(r.pulled, Ordering::Relaxed);
        }
        report
    }

    /// Like [`Desk::sync`], but the pull waits at the server until something changes (or
    /// about half a minute passes): a lead's review shows a colleague's save within moments.
    pub async fn sync_waiting(&self) -> Result<SyncReport> {
        self.counted(sync::round(&self.file, self.clock.now().with_timezone(&Utc), true).await)
    }

    /// A lead adds a member to the team; returns their one-time join code.
    pub async fn add_member(&self, name: &str, role: Role) -> Result<NewMemberReply> {
        let link = sync::link(&self.file).await?;
        sync::require_lead(&link)?;
        sync::client(&link)?
            .add_member(&NewMember {
                name: name.to_owned(),
                role,
            })
            .await
    }

    /// A lead removes a member: every device of theirs is refused from now on.
    pub async fn remove_member(&self, member_id: &str) -> Result<()> {
        let link = sync::link(&self.file).await?;
        sync::require_lead(&link)?;
        sync::client(&link)?.remove_member(member_id).await?;
        Ok(())
    }

    /// A lead shares the team's settings (targets, retention, pseudonyms) with the team now;
    /// a sync does it too whenever they changed here.
    pub async fn share_team_settings(&self) -> Result<()> {
        let link = sync::link(&self.file).await?;
        sync::require_lead(&link)?;
        let client = sync::client(&link)?;
        let mut values = Vec::new();
        for key in crate::team::TEAM_SETTINGS {
            values.push((key.to_owned(), self.journal.setting(key).await?));
        }
        client.set_team_settings(&TeamSettings { values }).await?;
        Ok(())
    }

    /// Pseudonymises with the team's key while in a team, with this desk's own otherwise.
    async fn use_team_key(&self) -> Result<()> {
        let key = match self.file.team_link().await? {
            Some(link) => Some(parse_key(&link.pseudonym_key).ok_or_else(|| {
                Error::Internal("the team's pseudonym key in this journal is unreadable".into())
            })?),
            None => None,
        };
        self.journal.set_team_key(key)
    }

    /// Flushes and closes the journal; later calls fail.
    pub async fn close(&self) {
        self.journal.close().await;
    }
}

/// Moves an unusable journal out of the way (never deleting it); `None` when there was none.
fn set_aside(journal: &Path, clock: &dyn Clock) -> Result<Option<PathBuf>> {
    if !journal.exists() {
        return Ok(None);
    }
    let aside = backup::set_aside(journal, clock.now())?;
    tracing::warn!(journal = %journal.display(), aside = %aside.display(), "unusable journal set aside");
    Ok(Some(aside))
}
