//! The desktop around the window, so that staff log a contact without hunting for it: a
//! system-wide shortcut and the tray bring the log form to the front, a second start of the
//! app hands over to the running one, and closing the window keeps the app in the tray.
//!
//! The shell tells the web view what it wants through a numbered queue of requests that the
//! web view reads with one waiting command ([`next_desktop_request`]), so nothing is missed
//! while a screen is busy and the web view needs no event permissions.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use contactmoment_core::{
    shortcut, DesktopRequest, Error, ErrorPayload, Language, NumberedRequest, ShownScreen,
    ValidationKind,
};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime, State, Window, WindowEvent};
use tauri_plugin_global_shortcut::{GlobalShortcut, Shortcut, ShortcutState};

use crate::AppState;

type CmdResult<T> = Result<T, ErrorPayload>;

const TRAY_ID: &str = "main";
/// Requests the web view has not read yet are kept up to this many; older ones are stale.
const QUEUE_MAX: usize = 16;

/// What the shell knows about the desktop integration while the app runs.
pub struct Desktop {
    queue: Mutex<Queue>,
    arrived: tokio::sync::Notify,
    /// The shortcut this app holds now, if any.
    shortcut: Mutex<Option<Shortcut>>,
    /// Whether the configured shortcut could not be taken at start.
    shortcut_taken: AtomicBool,
    close_to_tray: AtomicBool,
    close_to_tray_told: AtomicBool,
    /// Set once the user chose Quit, so that the close that follows is not kept.
    quitting: AtomicBool,
    /// The web view asked for its first request: the log form is up.
    shown: tokio::sync::Notify,
}

#[derive(Default)]
struct Queue {
    next: u64,
    items: VecDeque<NumberedRequest>,
}

impl Default for Desktop {
    fn default() -> Self {
        Self {
            queue: Mutex::default(),
            arrived: tokio::sync::Notify::new(),
            shortcut: Mutex::default(),
            shortcut_taken: AtomicBool::new(false),
            close_to_tray: AtomicBool::new(true),
            close_to_tray_told: AtomicBool::new(false),
            quitting: AtomicBool::new(false),
            shown: tokio::sync::Notify::new(),
        }
    }
}

impl Desktop {
    /// Queues a request for the web view.
    pub fn request(&self, request: DesktopRequest) {
        if let Ok(mut q) = self.queue.lock() {
            q.next += 1;
            let seq = q.next;
            q.items.push_back(NumberedRequest { seq, request });
            while q.items.len() > QUEUE_MAX {
                q.items.pop_front();
            }
        }
        self.arrived.notify_waiters();
    }

    fn after(&self, seq: u64) -> Option<NumberedRequest> {
        self.queue
            .lock()
            .ok()?
            .items
            .iter()
            .find(|r| r.seq > seq)
            .cloned()
    }

    /// Waits until the web view shows its first screen (it starts reading requests then), or
    /// `at_most`.
    pub async fn until_shown(&self, at_most: std::time::Duration) {
        let _ = tokio::time::timeout(at_most, self.shown.notified()).await;
    }

    pub fn shortcut_taken(&self) -> bool {
        self.shortcut_taken.load(Ordering::Relaxed)
    }

    /// Follows the settings the user saved for closing the window.
    pub fn set_close(&self, to_tray: bool, told: bool) {
        self.close_to_tray.store(to_tray, Ordering::Relaxed);
        self.close_to_tray_told.store(told, Ordering::Relaxed);
    }
}

/// Whether this desktop lets an app take a system-wide shortcut: X11 does; a Wayland session
/// does not (an X11 grab there sees keys only while an X11 window has the focus).
pub fn global_shortcuts_work() -> bool {
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
        && std::env::var("GDK_BACKEND").map_or(true, |b| b != "x11");
    std::env::var_os("DISPLAY").is_some() && !wayland
}

/// The next request after `after`, waiting for one when there is none yet. The web view
/// starts asking once its first screen is up, which is also the start-up check's cue.
#[tauri::command]
pub async fn next_desktop_request(
    desktop: State<'_, Desktop>,
    after: u64,
) -> CmdResult<NumberedRequest> {
    desktop.shown.notify_one();
    loop {
        let mut arrived = std::pin::pin!(desktop.arrived.notified());
        arrived.as_mut().enable();
        if let Some(next) = desktop.after(after) {
            return Ok(next);
        }
        arrived.await;
    }
}

/// The user's answer on their first close: keep running in the tray (and close to the tray
/// from now on) or quit (and quit on every close from now on).
#[tauri::command]
pub async fn close_window<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    desktop: State<'_, Desktop>,
    keep_in_tray: bool,
) -> CmdResult<()> {
    state
        .get()
        .journal
        .remember_close_choice(keep_in_tray)
        .await?;
    desktop.set_close(keep_in_tray, true);
    if keep_in_tray {
        if let Some(window) = app.get_webview_window("main") {
            window
                .hide()
                .map_err(|e| Error::Internal(format!("the window could not be hidden: {e}")))?;
        }
    } else {
        desktop.quitting.store(true, Ordering::Relaxed);
        app.exit(0);
    }
    Ok(())
}

/// Shows the window on `screen` with the keyboard on it, from wherever it was (hidden in the
/// tray, minimised, behind another program).
pub fn bring_to_front<R: Runtime>(app: &AppHandle<R>, screen: ShownScreen) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
    if let Some(desktop) = app.try_state::<Desktop>() {
        desktop.request(DesktopRequest::Show { screen });
    }
}

/// What a second start of the app asked for, handed over by the single-instance plugin: the
/// log form, whatever the arguments (a start with no argument wants the app in front, and
/// the log form is what staff open it for).
pub fn second_start<R: Runtime>(app: &AppHandle<R>, argv: &[String]) {
    tracing::info!(?argv, "a second start handed over");
    bring_to_front(app, ShownScreen::Log);
}

/// The handler of the system-wide shortcut.
pub fn on_shortcut<R: Runtime>(app: &AppHandle<R>, state: ShortcutState) {
    if state == ShortcutState::Pressed {
        bring_to_front(app, ShownScreen::Log);
    }
}

/// Takes `text` (canonical, or empty for none) as the system-wide shortcut in place of the one
/// held now. When the desktop refuses it, the one held before is kept and the error names the
/// field and the shortcut.
pub fn take_shortcut<R: Runtime>(app: &AppHandle<R>, text: &str) -> CmdResult<()> {
    let desktop = app.state::<Desktop>();
    let mut held = desktop
        .shortcut
        .lock()
        .map_err(|_| Error::Internal("the shortcut lock was poisoned".into()))?;
    let text = shortcut::normalise(text)?;
    let wanted: Option<Shortcut> = if text.is_empty() {
        None
    } else {
        Some(text.parse().map_err(|e| {
            Error::validation(
                "log_shortcut",
                ValidationKind::Unparseable,
                format!("{text} is not a shortcut this desktop knows ({e})"),
            )
        })?)
    };
    if *held == wanted {
        return Ok(());
    }
    if !global_shortcuts_work() {
        *held = wanted;
        return Ok(());
    }
    let Some(shortcuts) = app.try_state::<GlobalShortcut<R>>() else {
        *held = wanted;
        return Ok(());
    };
    let old = held.take();
    if let Some(old) = old {
        let _ = shortcuts.unregister(old);
    }
    if let Some(new) = wanted {
        if let Err(e) = shortcuts.register(new) {
            tracing::info!(shortcut = %text, error = %e, "the shortcut was refused");
            if let Some(old) = old {
                if shortcuts.register(old).is_ok() {
                    *held = Some(old);
                }
            }
            return Err(Error::validation(
                "log_shortcut",
                ValidationKind::Taken,
                format!("{text} is taken by another program; choose another shortcut"),
            )
            .into());
        }
        *held = Some(new);
    }
    desktop.shortcut_taken.store(false, Ordering::Relaxed);
    Ok(())
}

/// At start: the shortcut of the settings, when the desktop grants it (a taken one is shown
/// in Settings, not fatal).
pub fn take_shortcut_at_start<R: Runtime>(app: &AppHandle<R>, text: &str) {
    if !global_shortcuts_work() {
        return;
    }
    if let Err(e) = take_shortcut(app, text) {
        tracing::warn!(shortcut = text, error = %e.message, "the log shortcut is not active");
        app.state::<Desktop>()
            .shortcut_taken
            .store(true, Ordering::Relaxed);
    }
}

/// The tray's menu in the language the user just chose.
pub fn retitle_tray<R: Runtime>(app: &AppHandle<R>, language: Language) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        if let Err(e) = tray_menu(app, language).and_then(|menu| tray.set_menu(Some(menu))) {
            tracing::warn!(error = %e, "the tray menu could not be retitled");
        }
    }
}

/// The tray icon and its menu, in the user's language.
pub fn make_tray<R: Runtime>(app: &AppHandle<R>, language: Language) -> tauri::Result<()> {
    let menu = tray_menu(app, language)?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Contactmoment")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "log" => bring_to_front(app, ShownScreen::Log),
            "review" => bring_to_front(app, ShownScreen::Review),
            "quit" => {
                if let Some(desktop) = app.try_state::<Desktop>() {
                    desktop.quitting.store(true, Ordering::Relaxed);
                }
                app.exit(0);
            }
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

fn tray_menu<R: Runtime>(app: &AppHandle<R>, language: Language) -> tauri::Result<Menu<R>> {
    let (log, review, quit) = match language {
        Language::Nl => ("Contact vastleggen", "Terugkijken", "Afsluiten"),
        Language::En => ("Log a contact", "Review", "Quit"),
    };
    Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, "log", log, true, None::<&str>)?,
            &MenuItem::with_id(app, "review", review, true, None::<&str>)?,
            &MenuItem::with_id(app, "quit", quit, true, None::<&str>)?,
        ],
    )
}

/// What closing the window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClose {
    /// The app ends, as windows usually do.
    Close,
    /// The window goes; the app stays in the tray.
    Hide,
    /// The window stays while the user is asked, once, whether the app stays in the tray.
    Ask,
}

/// Closing ends the app where there is nothing to keep running for (no journal open, or one
/// found damaged and waiting on the recovery screen), when the user chose Quit, or when the
/// settings say so; otherwise the app stays in the tray, after asking once.
pub fn on_close(journal_open: bool, quitting: bool, to_tray: bool, told: bool) -> OnClose {
    if !journal_open || quitting || !to_tray {
        OnClose::Close
    } else if told {
        OnClose::Hide
    } else {
        OnClose::Ask
    }
}

/// Closing the window, as [`on_close`] decides.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    let Some(desktop) = app.try_state::<Desktop>() else {
        return;
    };
    let damaged = app
        .try_state::<crate::Startup>()
        .is_some_and(|s| s.problem.lock().map_or(true, |p| p.is_some()));
    let journal_open = app.try_state::<AppState>().is_some() && !damaged;
    match on_close(
        journal_open,
        desktop.quitting.load(Ordering::Relaxed),
        desktop.close_to_tray.load(Ordering::Relaxed),
        desktop.close_to_tray_told.load(Ordering::Relaxed),
    ) {
        OnClose::Close => {}
        OnClose::Hide => {
            api.prevent_close();
            let _ = window.hide();
        }
        OnClose::Ask => {
            api.prevent_close();
            desktop.request(DesktopRequest::CloseAsked);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_keeps_the_app_only_where_it_has_a_journal_and_the_user_wants_it() {
        use OnClose::{Ask, Close, Hide};
        // (journal open, quitting, to tray, told) → what a close does.
        for (open, quitting, to_tray, told, want) in [
            (true, false, true, false, Ask),
            (true, false, true, true, Hide),
            (true, false, false, false, Close),
            (true, false, false, true, Close),
            (true, true, true, true, Close),
            (true, true, true, false, Close),
            (false, false, true, true, Close),
            (false, false, true, false, Close),
        ] {
            assert_eq!(
                on_close(open, quitting, to_tray, told),
                want,
                "open {open}, quitting {quitting}, to tray {to_tray}, told {told}"
            );
        }
    }

    #[test]
    fn every_shortcut_the_core_accepts_is_one_the_desktop_plugin_understands() {
        for typed in [
            "ctrl+alt+l",
            "Shift+Super+F9",
            "meta+space",
            "ctrl+shift+7",
            "alt+F24",
        ] {
            let canonical = shortcut::normalise(typed).unwrap();
            assert!(
                canonical.parse::<Shortcut>().is_ok(),
                "{typed} → {canonical} does not parse"
            );
        }
    }
}
