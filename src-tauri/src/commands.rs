//! The IPC surface. Argument and return types come from the core and are exported to
//! TypeScript from there, so the web view and the shell cannot drift apart.

use contactmoment_core::{
    AppInfo, Contact, ContactInput, ErrorPayload, Settings, SettingsInput, WeeklyQuery,
    WeeklyReport,
};
use tauri::State;

use crate::AppState;

type CmdResult<T> = Result<T, ErrorPayload>;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::new(&state.location)
}

#[tauri::command]
pub async fn log_contact(state: State<'_, AppState>, input: ContactInput) -> CmdResult<Contact> {
    Ok(state.journal.log(&input).await?)
}

#[tauri::command]
pub async fn update_contact(
    state: State<'_, AppState>,
    id: String,
    input: ContactInput,
) -> CmdResult<Contact> {
    Ok(state.journal.update(&id, &input).await?)
}

#[tauri::command]
pub async fn delete_contact(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    Ok(state.journal.delete(&id).await?)
}

#[tauri::command]
pub async fn restore_contact(state: State<'_, AppState>, id: String) -> CmdResult<Contact> {
    Ok(state.journal.restore(&id).await?)
}

#[tauri::command]
pub async fn recent_contacts(state: State<'_, AppState>, limit: u32) -> CmdResult<Vec<Contact>> {
    Ok(state.journal.recent(limit).await?)
}

#[tauri::command]
pub async fn weekly_stats(
    state: State<'_, AppState>,
    query: WeeklyQuery,
) -> CmdResult<WeeklyReport> {
    Ok(state.journal.weekly(&query).await?)
}

/// Fills an empty journal with demo contacts; returns how many.
#[tauri::command]
pub async fn load_demo(state: State<'_, AppState>) -> CmdResult<u32> {
    let added = state.journal.load_demo_into_empty().await?;
    Ok(u32::try_from(added).unwrap_or(u32::MAX))
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CmdResult<Settings> {
    Ok(state.journal.settings().await?)
}

#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    input: SettingsInput,
) -> CmdResult<Settings> {
    Ok(state.journal.save_settings(&input).await?)
}
