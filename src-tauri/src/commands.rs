//! The IPC surface. Argument and return types come from the core and are exported to
//! TypeScript from there, so the web view and the shell cannot drift apart.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use contactmoment_core::export::{self, CsvStyle};
use contactmoment_core::practices::Moments;
use contactmoment_core::team::sync::{SyncReport, TeamStatus};
use contactmoment_core::team::wire::{NewMemberReply, Role};
use contactmoment_core::{
    AppInfo, Contact, ContactInput, ContactPage, ContactsQuery, CustomerHistory, EarlierName,
    ErrorPayload, ExportProgress, Facets, Language, Practices, Review, Settings, SettingsInput,
    StaffReview, WeekNote, WeeklyQuery, WhatChanged,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

use crate::{desktop, print, save, AppState, Desktop};

type CmdResult<T> = Result<T, ErrorPayload>;

/// A folder that takes the place of the save dialog (for automated tests).
pub const SAVE_DIR_ENV: &str = "CONTACTMOMENT_SAVE_DIR";

#[tauri::command]
pub fn app_info(state: State<'_, AppState>, desktop: State<'_, Desktop>) -> AppInfo {
    AppInfo::new(
        &state.get().location,
        desktop::global_shortcuts_work(),
        desktop.shortcut_taken(),
    )
}

#[tauri::command]
pub async fn log_contact(state: State<'_, AppState>, input: ContactInput) -> CmdResult<Contact> {
    let done = state.get().journal.log(&input).await?;
    state.get().sync.wake();
    Ok(done)
}

#[tauri::command]
pub async fn update_contact(
    state: State<'_, AppState>,
    id: String,
    input: ContactInput,
) -> CmdResult<Contact> {
    let done = state.get().journal.update(&id, &input).await?;
    state.get().sync.wake();
    Ok(done)
}

#[tauri::command]
pub async fn delete_contact(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    state.get().journal.delete(&id).await?;
    state.get().sync.wake();
    Ok(())
}

#[tauri::command]
pub async fn restore_contact(state: State<'_, AppState>, id: String) -> CmdResult<Contact> {
    let done = state.get().journal.undelete(&id).await?;
    state.get().sync.wake();
    Ok(done)
}

#[tauri::command]
pub async fn recent_contacts(state: State<'_, AppState>, limit: u32) -> CmdResult<Vec<Contact>> {
    Ok(state.get().journal.recent(limit).await?)
}

/// Fills an empty journal with demo contacts; returns how many.
#[tauri::command]
pub async fn load_demo(state: State<'_, AppState>) -> CmdResult<u32> {
    let added = state.get().journal.load_demo_into_empty().await?;
    Ok(u32::try_from(added).unwrap_or(u32::MAX))
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CmdResult<Settings> {
    Ok(state.get().journal.settings().await?)
}

#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    desktop: State<'_, Desktop>,
    input: SettingsInput,
) -> CmdResult<Settings> {
    let opened = state.get();
    let before = opened.journal.settings().await?;
    // The desktop may refuse the shortcut: then nothing of the form is saved. A shortcut that
    // was taken when the app started and is left as it was stays a warning, so that the rest
    // of the form can still be saved.
    let unchanged = contactmoment_core::shortcut::normalise(&input.log_shortcut)
        .is_ok_and(|s| s == before.log_shortcut);
    if !(unchanged && desktop.shortcut_taken()) {
        desktop::take_shortcut(&app, &input.log_shortcut)?;
    }
    let saved = match opened.journal.save_settings(&input).await {
        Ok(saved) => saved,
        Err(e) => {
            let _ = desktop::take_shortcut(&app, &before.log_shortcut);
            return Err(e.into());
        }
    };
    desktop.set_close(saved.close_to_tray, saved.close_to_tray_told);
    desktop::retitle_tray(&app, saved.language.unwrap_or_else(crate::system_language));
    // A lead's new targets or privacy rules go to the team with the next sync: now.
    opened.sync.wake();
    Ok(saved)
}

/// The other names the user's own contacts carry after a rename, with how many each.
#[tauri::command]
pub async fn earlier_names(state: State<'_, AppState>) -> CmdResult<Vec<EarlierName>> {
    Ok(state.get().journal.earlier_names().await?)
}

/// Puts all of the user's contacts under their current name; returns how many changed.
#[tauri::command]
pub async fn carry_over_contacts(state: State<'_, AppState>) -> CmdResult<u32> {
    let moved = state.get().journal.carry_over_contacts().await?;
    state.get().sync.wake();
    Ok(u32::try_from(moved).unwrap_or(u32::MAX))
}

#[tauri::command]
pub async fn review(state: State<'_, AppState>, query: WeeklyQuery) -> CmdResult<Review> {
    Ok(state.get().journal.review(&query).await?)
}

/// What the journal knows of a customer while a new contact with them is logged.
#[tauri::command]
pub async fn customer_history(
    state: State<'_, AppState>,
    customer_ref: String,
) -> CmdResult<Option<CustomerHistory>> {
    Ok(state.get().journal.customer_history(&customer_ref).await?)
}

#[tauri::command]
pub async fn what_changed(
    state: State<'_, AppState>,
    query: WeeklyQuery,
) -> CmdResult<WhatChanged> {
    Ok(state.get().journal.what_changed(&query).await?)
}

#[tauri::command]
pub async fn review_by_staff(
    state: State<'_, AppState>,
    query: WeeklyQuery,
) -> CmdResult<Vec<StaffReview>> {
    Ok(state.get().journal.review_by_staff(&query).await?)
}

#[tauri::command]
pub async fn review_contacts(
    state: State<'_, AppState>,
    query: ContactsQuery,
) -> CmdResult<ContactPage> {
    Ok(state.get().journal.contacts(&query).await?)
}

#[tauri::command]
pub async fn review_facets(state: State<'_, AppState>) -> CmdResult<Facets> {
    Ok(state.get().journal.facets().await?)
}

#[tauri::command]
pub async fn set_follow_up_done(
    state: State<'_, AppState>,
    id: String,
    done: bool,
) -> CmdResult<Contact> {
    let marked = state.get().journal.set_follow_up_done(&id, done).await?;
    state.get().sync.wake();
    Ok(marked)
}

/// NPS, level mix, valued, dissatisfiers, repeat contacts and promises kept.
#[tauri::command]
pub async fn practices(state: State<'_, AppState>, query: WeeklyQuery) -> CmdResult<Practices> {
    Ok(state.get().journal.practices(&query).await?)
}

/// Each person's moments to share in the range (recognition, not a ranking).
#[tauri::command]
pub async fn moments(state: State<'_, AppState>, query: WeeklyQuery) -> CmdResult<Vec<Moments>> {
    Ok(state.get().journal.moments(&query).await?)
}

#[tauri::command]
pub async fn week_notes(
    state: State<'_, AppState>,
    query: WeeklyQuery,
) -> CmdResult<Vec<WeekNote>> {
    Ok(state.get().journal.week_notes(&query).await?)
}

/// Pins a note to a week; an empty note removes it.
#[tauri::command]
pub async fn set_week_note(
    state: State<'_, AppState>,
    week: String,
    note: String,
) -> CmdResult<Option<WeekNote>> {
    Ok(state.get().journal.set_week_note(&week, &note).await?)
}

#[tauri::command]
pub async fn set_star(state: State<'_, AppState>, id: String, star: bool) -> CmdResult<Contact> {
    let marked = state.get().journal.set_star(&id, star).await?;
    state.get().sync.wake();
    Ok(marked)
}

/// Whether the new contact's form asks "did the customer feel valued?" (a random 1 in k).
#[tauri::command]
pub async fn ask_valued(state: State<'_, AppState>) -> CmdResult<bool> {
    Ok(state.get().journal.ask_valued().await?)
}

/// Saves the contacts behind the current review as CSV where the user chooses; returns the
/// file written, or `null` when the dialog was cancelled or the user stopped the export.
/// Dutch users get semicolons, which their spreadsheets expect; either way the file imports
/// again. The file is written a page at a time (a million contacts take seconds and would
/// take hundreds of megabytes held whole); `progress` hears how far it is, every tenth of a
/// second and at the end. Saves go on meanwhile: the export only reads.
#[tauri::command]
pub async fn export_contacts_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    exports: State<'_, Exports>,
    query: WeeklyQuery,
    file_name: String,
    semicolons: bool,
    progress: Channel<ExportProgress>,
) -> CmdResult<Option<String>> {
    let Some(path) = save_dialog(&app, &file_name, "CSV", "csv")? else {
        return Ok(None);
    };
    let mut file = save::Beside::new(&path)?;
    exports.stop.store(false, Ordering::SeqCst);
    let mut told = std::time::Instant::now();
    let exported = state
        .get()
        .journal
        .export_contacts(
            &query,
            &mut file,
            csv_style(semicolons),
            &mut |done, total| {
                if done == total || told.elapsed() >= PROGRESS_EVERY {
                    told = std::time::Instant::now();
                    // A page that went away (reloaded) no longer wants to know.
                    let _ = progress.send(ExportProgress { done, total });
                }
                !exports.stop.load(Ordering::SeqCst)
            },
        )
        .await;
    match exported {
        Err(e) => Err(file.failure().unwrap_or_else(|| e.into())),
        // Stopped: the part written is removed with `file`, and an earlier file stays.
        Ok(None) => Ok(None),
        Ok(Some(_)) => {
            file.keep()?;
            Ok(Some(path.display().to_string()))
        }
    }
}

/// Stops the contacts export under way after the page it is writing; it then answers
/// `null` and leaves no file.
#[tauri::command]
pub fn stop_export(exports: State<'_, Exports>) {
    exports.stop.store(true, Ordering::SeqCst);
}

/// What the user can ask of the export under way.
#[derive(Default)]
pub struct Exports {
    stop: AtomicBool,
}

/// How often a long export tells the page how far it is.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Saves the review's weekly table (figures, rating counts, quadrants) as CSV that a
/// spreadsheet in the user's language opens as numbers.
#[tauri::command]
pub async fn export_weekly_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: WeeklyQuery,
    file_name: String,
    language: Language,
) -> CmdResult<Option<String>> {
    let Some(path) = save_dialog(&app, &file_name, "CSV", "csv")? else {
        return Ok(None);
    };
    let review = state.get().journal.review(&query).await?;
    let mut out = Vec::new();
    export::weekly_table_csv(&mut out, &review, language)?;
    saved(&path, &out)
}

/// Saves a chart the web view drew as a PNG file.
#[tauri::command]
pub async fn export_png<R: Runtime>(
    app: AppHandle<R>,
    png: Vec<u8>,
    file_name: String,
) -> CmdResult<Option<String>> {
    save::check_png(&png)?;
    let Some(path) = save_dialog(&app, &file_name, "PNG", "png")? else {
        return Ok(None);
    };
    saved(&path, &png)
}

/// Saves the review as the page prints it (A4, every table open) in a PDF where the user
/// chooses; returns the file, or `null` when the dialog was cancelled.
#[tauri::command]
pub async fn save_report_pdf<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    file_name: String,
) -> CmdResult<Option<String>> {
    let Some(path) = save_dialog(&app, &file_name, "PDF", "pdf")? else {
        return Ok(None);
    };
    print::page(&window, print::Output::Pdf(&path)).await?;
    Ok(Some(path.display().to_string()))
}

/// Prints the review through the system's print dialog; `false` when it was cancelled.
#[tauri::command]
pub async fn print_report<R: Runtime>(window: WebviewWindow<R>) -> CmdResult<bool> {
    print::page(&window, print::Output::Dialog).await
}

/// Semicolons for a spreadsheet set to Dutch, commas otherwise; a byte-order mark either way.
fn csv_style(semicolons: bool) -> CsvStyle {
    if semicolons {
        CsvStyle::SPREADSHEET_NL
    } else {
        CsvStyle::PLAIN_BOM
    }
}

/// Writes the file and answers with where it went.
fn saved(path: &std::path::Path, bytes: &[u8]) -> CmdResult<Option<String>> {
    save::write(path, bytes)?;
    Ok(Some(path.display().to_string()))
}

/// Asks where to save. The dialog runs in the shell, so the web view never names a path.
/// With `CONTACTMOMENT_SAVE_DIR` set (the end-to-end tests set it), files go into that folder
/// under the suggested name without a dialog.
fn save_dialog<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
    kind: &str,
    extension: &str,
) -> CmdResult<Option<PathBuf>> {
    let name = save::file_name(file_name, extension)?;
    if let Some(dir) = std::env::var_os(SAVE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(Some(PathBuf::from(dir).join(name)));
    }
    let chosen = app
        .dialog()
        .file()
        .set_file_name(name)
        .add_filter(kind, &[extension])
        .blocking_save_file();
    chosen
        .map(|p| {
            p.into_path()
                .map_err(|e| ErrorPayload::from(contactmoment_core::Error::Internal(e.to_string())))
        })
        .transpose()
}

/// Where this desk stands in its team, or `null` outside one.
#[tauri::command]
pub async fn team_status(state: State<'_, AppState>) -> CmdResult<Option<TeamStatus>> {
    Ok(state.get().desk.team_status().await?)
}

/// Joins a team with a one-time code; the first sync runs before this returns.
#[tauri::command]
pub async fn join_team(state: State<'_, AppState>, code: String) -> CmdResult<TeamStatus> {
    state.get().desk.join_team(&code, false).await?;
    state.get().sync.wake();
    current_status(&state).await
}

async fn current_status(state: &AppState) -> CmdResult<TeamStatus> {
    state.get().desk.team_status().await?.ok_or_else(|| {
        ErrorPayload::from(contactmoment_core::Error::Conflict(
            "this journal is not in a team".into(),
        ))
    })
}

/// Leaves the team on this desk; returns how many unsent changes were dropped.
#[tauri::command]
pub async fn leave_team(state: State<'_, AppState>) -> CmdResult<u64> {
    Ok(state.get().desk.leave_team().await?)
}

/// Pushes and pulls now.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CmdResult<SyncReport> {
    Ok(state.get().desk.sync().await?)
}

/// (Lead) Adds a member; returns their one-time join code.
#[tauri::command]
pub async fn add_team_member(
    state: State<'_, AppState>,
    name: String,
    role: Role,
) -> CmdResult<NewMemberReply> {
    Ok(state.get().desk.add_member(&name, role).await?)
}
