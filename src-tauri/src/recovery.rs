//! When the journal cannot be opened at start (damaged, not a journal, written by a newer
//! version), the app opens anyway, on a screen that says what is wrong and offers a way out:
//! restore one of its backups, open another journal file, or start a new journal. The
//! unusable file is always set aside beside it, never deleted or silently replaced.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use contactmoment_core::backup::StartupProblem;
use contactmoment_core::{Desk, Error, ErrorPayload, SystemClock, ValidationKind};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::AppState;

type CmdResult<T> = Result<T, ErrorPayload>;

/// What the app found when it started: the journal's location and, until it is resolved,
/// why it could not be opened.
pub struct Startup {
    pub location: String,
    pub problem: Mutex<Option<StartupProblem>>,
}

impl Startup {
    fn problem(&self) -> CmdResult<StartupProblem> {
        self.problem
            .lock()
            .map_err(|_| Error::Internal("the start-up state lock was poisoned".into()))?
            .clone()
            .ok_or_else(|| {
                Error::Conflict("the journal is open; there is nothing to recover".into()).into()
            })
    }
}

/// Why the journal could not be opened, or `null` when it is open.
#[tauri::command]
pub fn startup_problem(startup: State<'_, Startup>) -> Option<StartupProblem> {
    startup.problem.lock().ok().and_then(|p| p.clone())
}

/// Sets the unusable journal aside and restores one of its backups in its place.
#[tauri::command]
pub async fn recover_from_backup<R: Runtime>(
    app: AppHandle<R>,
    startup: State<'_, Startup>,
    path: String,
) -> CmdResult<()> {
    let problem = startup.problem()?;
    // Only a backup the screen listed: the web view cannot name any other file.
    if !problem.backups.iter().any(|b| b.path == path) {
        return Err(Error::validation(
            "path",
            ValidationKind::Unparseable,
            "not one of the journal's backups",
        )
        .into());
    }
    let journal = PathBuf::from(&problem.journal);
    let_go(&app).await;
    let desk = Desk::recover_from_backup(&journal, Path::new(&path), Arc::new(SystemClock)).await?;
    open_with(&app, &startup, desk)
}

/// Sets the unusable journal aside and starts a new, empty one in its place.
#[tauri::command]
pub async fn start_new_journal<R: Runtime>(
    app: AppHandle<R>,
    startup: State<'_, Startup>,
) -> CmdResult<()> {
    let problem = startup.problem()?;
    let_go(&app).await;
    let desk = Desk::start_new(Path::new(&problem.journal), Arc::new(SystemClock)).await?;
    open_with(&app, &startup, desk)
}

/// Opens another journal file, chosen in the system's dialog, for this session (set
/// `CONTACTMOMENT_DB` to keep using it). Returns the file, or `null` when cancelled.
#[tauri::command]
pub async fn open_other_journal<R: Runtime>(
    app: AppHandle<R>,
    startup: State<'_, Startup>,
) -> CmdResult<Option<String>> {
    startup.problem()?;
    let chosen = app
        .dialog()
        .file()
        .add_filter("Contactmoment journal", &["sqlite"])
        .blocking_pick_file();
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen
        .into_path()
        .map_err(|e| ErrorPayload::from(Error::Internal(e.to_string())))?;
    let desk = Desk::open_other(&path, Arc::new(SystemClock)).await?;
    let location = desk.location().to_owned();
    open_with(&app, &startup, desk)?;
    Ok(Some(location))
}

/// Closes the journal found damaged after the window opened, before it is set aside.
async fn let_go<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<AppState>() {
        let damaged = state.get();
        damaged.sync.stop();
        damaged.desk.close().await;
    }
}

/// From now on the commands work on this journal.
fn open_with<R: Runtime>(app: &AppHandle<R>, startup: &Startup, desk: Desk) -> CmdResult<()> {
    crate::housekeeping(desk.clone());
    let (handle, journal) = (app.clone(), desk.journal().clone());
    tauri::async_runtime::spawn(async move { crate::follow_settings(&handle, &journal).await });
    match app.try_state::<AppState>() {
        Some(state) => {
            state.replace(desk);
        }
        None => {
            app.manage(AppState::new(desk));
        }
    }
    *startup
        .problem
        .lock()
        .map_err(|_| Error::Internal("the start-up state lock was poisoned".into()))? = None;
    Ok(())
}
