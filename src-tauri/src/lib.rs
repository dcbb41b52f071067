//! The desktop shell: opens the journal, exposes the core through a handful of typed
//! commands, and closes the journal on exit. Every command only parses its arguments, calls
//! [`contactmoment_core::Journal`] and maps the error to `{code, message, field}`; nothing
//! here knows a rule about contacts. `app_builder` is generic over the runtime so tests can
//! drive the real command table on Tauri's mock runtime.

pub mod commands;
pub mod desktop;
pub mod instance;
pub mod print;
pub mod recovery;
pub mod save;
pub mod sync;

use std::sync::{Arc, Mutex, RwLock};

use contactmoment_core::backup::StartupProblem;
use contactmoment_core::{
    location, Desk, DesktopRequest, Journal, Language, Settings, SystemClock,
};
use tauri::{Builder, Manager, RunEvent, Runtime};

pub use desktop::Desktop;
pub use recovery::Startup;

/// What every command can reach: the journal open now. Recovering from a journal found
/// damaged after the window opened puts another one in its place.
pub struct AppState {
    current: RwLock<Arc<Opened>>,
}

/// An open journal and what runs beside it.
pub struct Opened {
    pub desk: Desk,
    /// Wakes the background sync after a change.
    pub sync: sync::SyncHandle,
    pub journal: Journal,
    /// Where the journal lives, as shown in Settings.
    pub location: String,
}

impl AppState {
    /// The state of an open journal, with its background sync started.
    pub fn new(desk: Desk) -> Self {
        Self {
            current: RwLock::new(Arc::new(Opened::new(desk))),
        }
    }

    /// The journal open now.
    pub fn get(&self) -> Arc<Opened> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts `desk` in place of the journal open now; returns the one it replaced.
    pub fn replace(&self, desk: Desk) -> Arc<Opened> {
        let next = Arc::new(Opened::new(desk));
        let mut current = match self.current.write() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        std::mem::replace(&mut *current, next)
    }
}

impl Opened {
    fn new(desk: Desk) -> Self {
        Self {
            sync: sync::SyncHandle::spawn(desk.clone()),
            journal: desk.journal().clone(),
            location: desk.location().to_owned(),
            desk,
        }
    }
}

/// Registers the state and the command table on a builder of any runtime, for a journal
/// that opened: how the tests drive the commands on Tauri's mock runtime. The real app
/// registers the same in `setup`, once the journal it opened meanwhile is there (see `run`).
pub fn app_builder<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    let startup = Startup {
        location: state.get().location.clone(),
        problem: Mutex::new(None),
    };
    with_commands(builder.manage(state).manage(startup))
}

/// The same app on a journal that could not be opened: only the start-up screen's commands
/// work until one of its ways out opens a journal.
pub fn recovery_builder<R: Runtime>(builder: Builder<R>, startup: Startup) -> Builder<R> {
    with_commands(builder.manage(startup))
}

fn with_commands<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .manage(Desktop::default())
        .manage(commands::Exports::default())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::log_contact,
            commands::update_contact,
            commands::delete_contact,
            commands::restore_contact,
            commands::recent_contacts,
            commands::load_demo,
            commands::get_settings,
            commands::save_settings,
            commands::earlier_names,
            commands::carry_over_contacts,
            commands::review,
            commands::review_by_staff,
            commands::what_changed,
            commands::customer_history,
            commands::review_contacts,
            commands::review_facets,
            commands::set_follow_up_done,
            commands::practices,
            commands::week_notes,
            commands::set_week_note,
            commands::set_star,
            commands::ask_valued,
            commands::moments,
            commands::export_contacts_csv,
            commands::stop_export,
            commands::export_weekly_csv,
            commands::export_png,
            commands::save_report_pdf,
            commands::print_report,
            commands::team_status,
            commands::join_team,
            commands::leave_team,
            commands::sync_now,
            commands::add_team_member,
            desktop::next_desktop_request,
            desktop::close_window,
            recovery::startup_problem,
            recovery::recover_from_backup,
            recovery::start_new_journal,
            recovery::open_other_journal,
        ])
}

/// The plugins of the real desktop, which the mock runtime of the tests cannot host: one
/// instance per journal (a second start hands over to it), the system-wide shortcut, the
/// window's place and size kept between runs.
fn with_desktop(builder: Builder<tauri::Wry>, location: &str) -> Builder<tauri::Wry> {
    use tauri_plugin_window_state::StateFlags;
    builder
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance::id(location))
                .callback(|app, argv, _cwd| desktop::second_start(app, &argv))
                .build(),
        )
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app, _shortcut, event| desktop::on_shortcut(app, event.state()))
                .build(),
        )
        .plugin(
            tauri_plugin_window_state::Builder::default()
                // Not whether it was visible: an app quit from the tray must open in sight.
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        .on_window_event(desktop::on_window_event)
}

/// Opens the configured journal and runs the app until it is quit. The window opens at once:
/// only what can be told without reading the whole file is checked first; the check of every
/// page follows in the background, and only a failed check takes the user to the recovery
/// screen. A journal that cannot be opened is never replaced silently: the app starts on a
/// screen that says why.
pub fn run() -> Result<(), Box<dyn std::error::Error>> {
    composite_only_with_a_gpu();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let location = location::configured()?;
    // The journal opens while Tauri sets up GTK, its plugins and its event loop; the window,
    // whose first screen is handed what the journal holds, waits for it in `setup`. Creating a
    // new journal takes 40–50 ms, opening a large one cold 15 ms: no longer added to the start.
    let opening = std::thread::spawn({
        let location = location.clone();
        move || {
            tauri::async_runtime::block_on(async {
                let opened = Desk::open_checked(&location, Arc::new(SystemClock)).await;
                let first = FirstScreen::of(&opened).await;
                (opened, first)
            })
        }
    });
    let app = with_commands(with_desktop(tauri::Builder::default(), &location))
        .setup(move |app| {
            let (opened, first) = opening
                .join()
                .map_err(|_| "opening the journal panicked")?;
            let startup = match opened {
                Ok(desk) => {
                    let state = AppState::new(desk);
                    let startup = Startup {
                        location: state.get().location.clone(),
                        problem: Mutex::new(None),
                    };
                    app.manage(state);
                    startup
                }
                Err(problem) => {
                    tracing::warn!(journal = %problem.journal, detail = %problem.detail, "the journal cannot be opened");
                    Startup {
                        location,
                        problem: Mutex::new(Some(problem)),
                    }
                }
            };
            app.manage(startup);
            first.open_window(app.handle())?;
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move { settle_in(handle).await });
            Ok(())
        })
        .build(tauri::generate_context!())?;
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<AppState>() {
                tauri::async_runtime::block_on(state.get().desk.close());
            }
        }
    });
    Ok(())
}

/// What the page needs for its first screen, handed to it before its script runs: the page
/// would otherwise ask for both over IPC after its script has run, two round trips the log form
/// waited for on every start. The page asks again in the background, since a page loaded a
/// second time would find what was true at start.
#[derive(Debug, serde::Serialize)]
pub struct FirstScreen {
    pub problem: Option<StartupProblem>,
    pub settings: Option<Settings>,
}

impl FirstScreen {
    /// What the first screen needs of the journal the app opened, or of why it could not.
    pub async fn of(opened: &Result<Desk, StartupProblem>) -> Self {
        match opened {
            Ok(desk) => Self {
                problem: None,
                // Unread, the page asks for the settings itself and reports what went wrong.
                settings: desk.journal().settings().await.ok(),
            },
            Err(problem) => Self {
                problem: Some(problem.clone()),
                settings: None,
            },
        }
    }

    /// Opens the window `tauri.conf.json` describes, with the script handing this over. Tauri
    /// does not make it itself (`create: false` there): the script has to come with it.
    pub fn open_window<R: tauri::Runtime>(
        &self,
        app: &tauri::AppHandle<R>,
    ) -> Result<tauri::WebviewWindow<R>, Box<dyn std::error::Error>> {
        let window = app
            .config()
            .app
            .windows
            .first()
            .cloned()
            .ok_or("tauri.conf.json describes no window")?;
        Ok(tauri::WebviewWindowBuilder::from_config(app, &window)?
            .initialization_script(self.script())
            .build()?)
    }

    /// The script that sets `window.__CONTACTMOMENT_FIRST_SCREEN__`. JSON is a JavaScript
    /// expression, whatever a name or path in it holds.
    pub fn script(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "null".into());
        format!("window.__CONTACTMOMENT_FIRST_SCREEN__ = {json};")
    }
}

/// What follows the window's opening: the tray and the shortcut from the settings, then, once
/// the log form is up, the check of every page of the journal, and the housekeeping on a
/// journal that passed it.
async fn settle_in(app: tauri::AppHandle) {
    let opened = app.try_state::<AppState>().map(|s| s.get());
    let language = match &opened {
        Some(opened) => opened
            .journal
            .settings()
            .await
            .ok()
            .and_then(|s| s.language),
        None => None,
    };
    if let Err(e) = desktop::make_tray(&app, language.unwrap_or_else(system_language)) {
        tracing::warn!(error = %e, "no tray icon");
    }
    match &opened {
        Some(opened) => follow_settings(&app, &opened.journal).await,
        // Until a journal is open (on the recovery screen), the shortcut a new desk has.
        None => desktop::take_shortcut_at_start(&app, contactmoment_core::shortcut::DEFAULT),
    }
    let Some(opened) = opened else { return };
    // The check reads every page: it waits until the log form is up, so that start-up never
    // waits for it (nor shares the disk with it), however large the journal.
    app.state::<Desktop>()
        .until_shown(std::time::Duration::from_secs(10))
        .await;
    match opened.desk.quick_check().await {
        // Retention and the daily backup only touch a journal known to be sound.
        None => housekeeping(opened.desk.clone()),
        Some(problem) => {
            tracing::warn!(journal = %problem.journal, detail = %problem.detail, "the journal is damaged");
            if let Ok(mut slot) = app.state::<Startup>().problem.lock() {
                *slot = Some(problem);
            }
            app.state::<Desktop>().request(DesktopRequest::Damaged);
        }
    }
}

/// The desktop as the journal's settings want it: the shortcut, what closing does and the
/// tray's language (at start, and when recovery opened another journal).
pub(crate) async fn follow_settings<R: Runtime>(app: &tauri::AppHandle<R>, journal: &Journal) {
    let settings = match journal.settings().await {
        Ok(settings) => settings,
        Err(e) => {
            tracing::warn!(error = %e, "the settings could not be read");
            return;
        }
    };
    app.state::<Desktop>()
        .set_close(settings.close_to_tray, settings.close_to_tray_told);
    desktop::take_shortcut_at_start(app, &settings.log_shortcut);
    desktop::retitle_tray(app, settings.language.unwrap_or_else(system_language));
}

/// The language of the system's locale, for the tray when the user chose none.
pub fn system_language() -> Language {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|v| !v.is_empty()))
        .unwrap_or_default();
    if locale.starts_with("nl") {
        Language::Nl
    } else {
        Language::En
    }
}

/// On every start, in the background once the journal passed its check: retention, then the
/// daily backup (see [`Desk::housekeeping`]).
pub(crate) fn housekeeping(desk: Desk) {
    tauri::async_runtime::spawn(async move {
        let done = desk.housekeeping().await;
        match done.retention {
            Ok(Some((cutoff, n))) => tracing::info!(%cutoff, contacts = n, "retention applied"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "retention could not be applied"),
        }
        match done.backup {
            Ok(Some(file)) => tracing::info!(backup = %file.display(), "daily backup made"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the daily backup failed"),
        }
    });
}

/// Without a GPU, WebKitGTK composites every frame through software GL on the CPU, which made
/// a filter change on the review take up to half a second where drawing without compositing
/// takes under 60 ms (README, "The review screen in the app"). The app draws flat 2D, so it
/// loses nothing by drawing directly. Someone who sets the variable themselves keeps their
/// choice. This runs first in `run`, before any thread exists that could read the environment.
fn composite_only_with_a_gpu() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if cfg!(target_os = "linux") && std::env::var_os(VAR).is_none() && !has_render_node() {
        std::env::set_var(VAR, "1");
    }
}

/// A DRM render node (`/dev/dri/renderD128`, …) is how a Linux GPU offers hardware GL.
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use contactmoment_core::FixedClock;
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::{App, WebviewWindow, WebviewWindowBuilder};

    struct Harness {
        dir: tempfile::TempDir,
        /// The journal behind the commands, to read back what they answered.
        journal: Option<Journal>,
        _app: App<MockRuntime>,
        window: WebviewWindow<MockRuntime>,
    }

    const JOURNAL_FILE: &str = "j.sqlite";

    fn harness() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let desk = tauri::async_runtime::block_on(Desk::open(
            &dir.path().join(JOURNAL_FILE).display().to_string(),
            Arc::new(FixedClock::at("2026-11-22T10:00:00+01:00")),
        ))
        .unwrap()
        .with_key_file(dir.path().join("customer-key"));
        let journal = desk.journal().clone();
        let state = AppState::new(desk);
        // The real context: its capability file decides which commands the window may call.
        let app = app_builder(mock_builder(), state)
            .build(tauri::generate_context!())
            .unwrap();
        // The window the app opens, which the desktop integration finds by its label. Were
        // Tauri to make it from the configuration too, it would come without the hand-over.
        let windows = &app.config().app.windows;
        assert!(windows.len() == 1 && !windows[0].create);
        let window = FirstScreen {
            problem: None,
            settings: None,
        }
        .open_window(app.handle())
        .unwrap();
        assert_eq!(window.label(), "main");
        Harness {
            dir,
            journal: Some(journal),
            _app: app,
            window,
        }
    }

    fn invoke(h: &Harness, cmd: &str, body: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&h.window, request).map(|r| r.deserialize::<Value>().unwrap())
    }

    fn input(functional: i64, emotional: i64) -> Value {
        json!({ "input": { "functional": functional, "emotional": emotional, "staff": "Anna" } })
    }

    #[test]
    fn commands_log_list_and_count_through_ipc() {
        let h = harness();
        let saved = invoke(&h, "log_contact", input(4, 5)).unwrap();
        assert_eq!(saved["functional"], 4);
        assert_eq!(saved["staff"], "Anna");
        assert_eq!(saved["iso_week"], "2026-W47");
        invoke(
            &h,
            "save_settings",
            json!({ "input": { "display_name": "Anna", "language": "nl" } }),
        )
        .unwrap();
        let recent = invoke(&h, "recent_contacts", json!({ "limit": 10 })).unwrap();
        assert_eq!(recent.as_array().unwrap().len(), 1);
        let review = invoke(&h, "review", json!({ "query": {} })).unwrap();
        let weeks = review["weeks"].as_array().unwrap();
        assert_eq!(weeks.len(), 12);
        assert_eq!(weeks[11]["n"], 1);
        assert_eq!(weeks[11]["emotional_positive"], 1);
        assert_eq!(weeks[11]["emotional_ratings"], json!([0, 0, 0, 0, 1]));
        assert_eq!(review["current"]["quadrants"]["solved_welcome"], 1);
        let staff = invoke(
            &h,
            "review_by_staff",
            json!({ "query": { "staff": ["Anna"] } }),
        )
        .unwrap();
        assert_eq!(staff[0]["staff"], "Anna");
        let history = invoke(&h, "customer_history", json!({ "customerRef": "nobody" })).unwrap();
        assert_eq!(history, Value::Null, "a customer never seen has no history");
        let changed = invoke(&h, "what_changed", json!({ "query": {} })).unwrap();
        assert_eq!(
            changed,
            json!({ "compared": 0, "moves": [] }),
            "one contact moves nothing"
        );
        let listed = invoke(
            &h,
            "review_contacts",
            json!({ "query": { "week": "2026-W47", "quadrant": "solved_welcome" } }),
        )
        .unwrap();
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["contacts"][0]["id"], saved["id"]);
        let facets = invoke(&h, "review_facets", json!({})).unwrap();
        assert_eq!(facets["staff"], json!(["Anna"]));
        assert_eq!(
            invoke(&h, "app_info", json!({})).unwrap()["journal"],
            h.dir.path().join(JOURNAL_FILE).display().to_string()
        );
    }

    #[test]
    fn desktop_requests_reach_the_web_view_in_order_and_a_wait_ends_with_the_next() {
        let h = harness();
        let desktop = h._app.state::<Desktop>();
        desktop.request(DesktopRequest::Show {
            screen: contactmoment_core::ShownScreen::Review,
        });
        desktop.request(DesktopRequest::Damaged);
        let first = invoke(&h, "next_desktop_request", json!({ "after": 0 })).unwrap();
        assert_eq!(
            first,
            json!({ "seq": 1, "request": { "kind": "show", "screen": "review" } })
        );
        let second = invoke(&h, "next_desktop_request", json!({ "after": 1 })).unwrap();
        assert_eq!(
            second,
            json!({ "seq": 2, "request": { "kind": "damaged" } })
        );
        // Nothing after 2 yet: the call waits until the shell asks again.
        let handle = h._app.handle().clone();
        let started = std::time::Instant::now();
        let later = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            handle
                .state::<Desktop>()
                .request(DesktopRequest::CloseAsked);
        });
        let third = invoke(&h, "next_desktop_request", json!({ "after": 2 })).unwrap();
        assert!(started.elapsed() >= std::time::Duration::from_millis(150));
        assert_eq!(
            third,
            json!({ "seq": 3, "request": { "kind": "close_asked" } })
        );
        later.join().unwrap();
    }

    #[test]
    fn the_answer_to_the_first_close_becomes_the_setting_and_changes_nothing_else() {
        let h = harness();
        let before = invoke(&h, "get_settings", json!({})).unwrap();
        assert_eq!(before["close_to_tray_told"], false);
        assert_eq!(before["display_name_chosen"], false);
        invoke(&h, "close_window", json!({ "keepInTray": true })).unwrap();
        let after = invoke(&h, "get_settings", json!({})).unwrap();
        let mut expected = before.clone();
        expected["close_to_tray_told"] = json!(true);
        assert_eq!(
            after, expected,
            "only the answer is kept; the name the app asks for once is still asked for"
        );
    }

    #[test]
    fn the_log_shortcut_is_validated_in_the_core_and_a_refusal_saves_nothing() {
        let h = harness();
        let mut input = invoke(&h, "get_settings", json!({})).unwrap();
        assert_eq!(input["log_shortcut"], "Ctrl+Alt+L");
        assert_eq!(input["close_to_tray"], true);
        input["display_name"] = json!("Eva");
        input["log_shortcut"] = json!("Shift+L");
        let refused = invoke(&h, "save_settings", json!({ "input": input.clone() })).unwrap_err();
        assert_eq!(refused["field"], "log_shortcut");
        assert_eq!(refused["kind"], "unparseable");
        let kept = invoke(&h, "get_settings", json!({})).unwrap();
        assert_ne!(kept["display_name"], "Eva", "nothing of the form was saved");
        assert_eq!(kept["log_shortcut"], "Ctrl+Alt+L");

        input["log_shortcut"] = json!("alt + ctrl + k");
        input["close_to_tray"] = json!(false);
        let saved = invoke(&h, "save_settings", json!({ "input": input })).unwrap();
        assert_eq!(saved["log_shortcut"], "Ctrl+Alt+K");
        let read = invoke(&h, "get_settings", json!({})).unwrap();
        assert_eq!(read["log_shortcut"], "Ctrl+Alt+K");
        assert_eq!(read["close_to_tray"], false);
        assert_eq!(read["display_name"], "Eva");

        // A good shortcut with a field the core refuses: nothing is saved, the shortcut either.
        let mut bad = read.clone();
        bad["log_shortcut"] = json!("Ctrl+Alt+J");
        bad["target_functional"] = json!(500);
        let refused = invoke(&h, "save_settings", json!({ "input": bad })).unwrap_err();
        assert_eq!(refused["field"], "target_functional");
        assert_eq!(invoke(&h, "get_settings", json!({})).unwrap(), read);
    }

    #[test]
    fn refusals_reach_the_web_view_as_code_message_field() {
        let h = harness();
        let err = invoke(&h, "log_contact", input(9, 5)).unwrap_err();
        assert_eq!(err["code"], "validation");
        assert_eq!(err["field"], "functional");
        assert_eq!(err["kind"], "out_of_range");
        assert!(err["message"].as_str().unwrap().contains("1–5"));
        let missing = invoke(
            &h,
            "delete_contact",
            json!({ "id": "0193a5c2-7f00-7000-8000-000000000001" }),
        )
        .unwrap_err();
        assert_eq!(missing["code"], "not_found");
        let recent = invoke(&h, "recent_contacts", json!({ "limit": 10 })).unwrap();
        assert_eq!(recent, json!([]), "a refused contact is not written");
        let bad_week =
            invoke(&h, "review_contacts", json!({ "query": { "week": "W47" } })).unwrap_err();
        assert_eq!(bad_week["field"], "week");
        let not_png = invoke(
            &h,
            "export_png",
            json!({ "png": [60, 115, 118, 103], "fileName": "chart" }),
        )
        .unwrap_err();
        assert_eq!(not_png["field"], "png");
        // The dialog plugin serves the shell only: the web view is not granted its commands,
        // and the refusal is the capability check's, not a complaint about the arguments.
        let denied = invoke(&h, "plugin:dialog|save", json!({ "options": {} })).unwrap_err();
        let denied = denied.as_str().unwrap_or_default();
        assert!(denied.contains("not allowed"), "{denied}");
    }

    #[test]
    fn demo_data_only_goes_into_an_empty_journal() {
        let h = harness();
        invoke(
            &h,
            "save_settings",
            json!({ "input": { "display_name": "Anna", "language": null } }),
        )
        .unwrap();
        let added = invoke(&h, "load_demo", json!({})).unwrap();
        assert_eq!(added, 2500);
        let mine = invoke(&h, "recent_contacts", json!({ "limit": 5 })).unwrap();
        assert_eq!(
            mine.as_array().unwrap().len(),
            5,
            "the user is one of the demo staff"
        );
        let again = invoke(&h, "load_demo", json!({})).unwrap_err();
        assert_eq!(again["code"], "conflict");
    }

    #[test]
    fn web_view_permissions_stay_narrow() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let conf: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("tauri.conf.json")).unwrap())
                .unwrap();
        let csp = conf["app"]["security"]["csp"].as_object().unwrap();
        for (directive, value) in csp {
            let v = value.as_str().unwrap();
            assert!(
                !v.contains("unsafe-inline") && !v.contains("unsafe-eval"),
                "{directive}: {v}"
            );
            assert!(
                !v.contains("https:") && !v.contains('*'),
                "{directive} allows remote origins: {v}"
            );
        }
        assert_eq!(csp["script-src"], "'self'");
        assert_eq!(csp["default-src"], "'self'");
        assert!(conf["app"]["withGlobalTauri"] == false);

        let cap: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("capabilities/main.json")).unwrap(),
        )
        .unwrap();
        let granted: Vec<&str> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let commands = [
            "app_info",
            "log_contact",
            "update_contact",
            "delete_contact",
            "restore_contact",
            "recent_contacts",
            "load_demo",
            "get_settings",
            "save_settings",
            "earlier_names",
            "carry_over_contacts",
            "review",
            "review_by_staff",
            "what_changed",
            "customer_history",
            "review_contacts",
            "review_facets",
            "set_follow_up_done",
            "practices",
            "week_notes",
            "set_week_note",
            "set_star",
            "ask_valued",
            "moments",
            "export_contacts_csv",
            "stop_export",
            "export_weekly_csv",
            "export_png",
            "save_report_pdf",
            "print_report",
            "startup_problem",
            "recover_from_backup",
            "start_new_journal",
            "open_other_journal",
            "team_status",
            "join_team",
            "leave_team",
            "sync_now",
            "add_team_member",
            "next_desktop_request",
            "close_window",
        ];
        let expected: Vec<String> = commands
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        assert_eq!(
            granted, expected,
            "the web view gets the app's own commands and nothing else"
        );
        let entries = std::fs::read_dir(dir.join("capabilities")).unwrap().count();
        assert_eq!(entries, 1, "one capability file");
    }

    /// The page's first screen is handed the same settings and start-up problem as the
    /// commands answer later, as one JSON value, whatever the name holds.
    #[test]
    fn the_first_screen_is_handed_what_the_commands_answer() {
        let h = harness();
        let input =
            json!({ "display_name": "Anna \"de Vries\"\u{2028}</script>", "language": "nl" });
        invoke(&h, "save_settings", json!({ "input": input })).unwrap();
        let handed = |first: FirstScreen| -> Value {
            let script = first.script();
            let json = script
                .strip_prefix("window.__CONTACTMOMENT_FIRST_SCREEN__ = ")
                .and_then(|s| s.strip_suffix(';'))
                .expect("one assignment");
            serde_json::from_str(json).unwrap()
        };
        let desk = tauri::async_runtime::block_on(Desk::open_checked(
            &h.dir.path().join(JOURNAL_FILE).display().to_string(),
            Arc::new(FixedClock::at("2026-11-22T10:00:00+01:00")),
        ));
        let first = handed(tauri::async_runtime::block_on(FirstScreen::of(&desk)));
        assert_eq!(first["problem"], Value::Null);
        assert_eq!(
            first["settings"],
            invoke(&h, "get_settings", json!({})).unwrap()
        );
        assert_eq!(
            first["settings"]["display_name"],
            "Anna \"de Vries\"\u{2028}</script>"
        );
        assert_eq!(first["settings"]["language"], "nl");

        let problem = StartupProblem {
            problem: contactmoment_core::FileProblem::Damaged,
            journal: "/data/journal.sqlite".into(),
            detail: "Page 3 is never used".into(),
            backups: vec![],
        };
        let first = handed(tauri::async_runtime::block_on(FirstScreen::of(&Err(
            problem.clone(),
        ))));
        assert_eq!(first["settings"], Value::Null);
        assert_eq!(first["problem"], serde_json::to_value(&problem).unwrap());
    }

    /// The app started on a damaged journal: it says so, refuses a file it did not list, and
    /// restores a listed backup in place of the journal, which is set aside, not deleted.
    #[test]
    fn a_journal_that_cannot_be_opened_gets_a_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.sqlite");
        let made = tauri::async_runtime::block_on(async {
            let desk = Desk::open(
                &journal.display().to_string(),
                Arc::new(FixedClock::at("2026-11-22T10:00:00+01:00")),
            )
            .await
            .unwrap();
            desk.journal()
                .log(
                    &serde_json::from_value(
                        json!({ "functional": 4, "emotional": 2, "staff": "Anna" }),
                    )
                    .unwrap(),
                )
                .await
                .unwrap();
            let made = desk.backup_now().await.unwrap();
            desk.close().await;
            made
        });
        // Garbage in place of the journal, without the write-ahead log that could still hold
        // good copies of its pages.
        std::fs::write(&journal, b"this is not a journal any more".repeat(200)).unwrap();
        for extra in ["journal.sqlite-wal", "journal.sqlite-shm"] {
            let _ = std::fs::remove_file(dir.path().join(extra));
        }
        let problem = tauri::async_runtime::block_on(Desk::open_checked(
            &journal.display().to_string(),
            Arc::new(FixedClock::at("2026-11-22T10:00:00+01:00")),
        ))
        .err()
        .unwrap();
        let startup = Startup {
            location: journal.display().to_string(),
            problem: Mutex::new(Some(problem)),
        };
        let app = recovery_builder(mock_builder(), startup)
            .build(tauri::generate_context!())
            .unwrap();
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        let h = Harness {
            dir: tempfile::tempdir().unwrap(),
            journal: None,
            _app: app,
            window,
        };
        let problem = invoke(&h, "startup_problem", json!({})).unwrap();
        assert_eq!(problem["problem"], "not_journal");
        assert_eq!(problem["backups"][0]["path"], made.display().to_string());
        assert!(
            invoke(&h, "get_settings", json!({})).is_err(),
            "no journal is open yet"
        );

        let elsewhere = dir.path().join("elsewhere.sqlite");
        std::fs::copy(&made, &elsewhere).unwrap();
        let refused = invoke(&h, "recover_from_backup", json!({ "path": elsewhere })).unwrap_err();
        assert_eq!(refused["field"], "path");

        invoke(&h, "recover_from_backup", json!({ "path": made })).unwrap();
        assert_eq!(
            invoke(&h, "startup_problem", json!({})).unwrap(),
            Value::Null
        );
        let page = invoke(&h, "review_contacts", json!({ "query": { "filter": {} } })).unwrap();
        assert_eq!(page["total"], 1, "the backup's contact is back");
        let aside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("journal-unusable-"))
            .collect();
        assert_eq!(aside.len(), 1, "the unusable file is kept: {aside:?}");
        let kept = std::fs::read(dir.path().join(&aside[0])).unwrap();
        assert!(kept.starts_with(b"this is not a journal"));
    }

    /// JSON as a hostile or broken web view might send it: any shape, with the names the
    /// commands expect mixed in, and values of every kind.
    fn json_value() -> impl Strategy<Value = Value> {
        let text = prop_oneof![
            Just("'; DROP TABLE contacts; --".to_owned()),
            Just("<img src=x onerror=alert(1)>".to_owned()),
            Just("\u{202E}evil".to_owned()),
            Just("NaN".to_owned()),
            Just("0000-01-01".to_owned()),
            Just("9999-12-31T23:59:59Z".to_owned()),
            Just("2026-W47".to_owned()),
            Just("x".repeat(20_000)),
            "\\PC{0,40}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (1..=5i64).prop_map(Value::from),
            any::<f64>()
                .prop_filter("JSON has no NaN", |f| f.is_finite())
                .prop_map(Value::from),
            text.prop_map(Value::from),
        ];
        let key = prop_oneof![
            Just("input"),
            Just("query"),
            Just("id"),
            Just("limit"),
            Just("done"),
            Just("functional"),
            Just("emotional"),
            Just("occurred_at"),
            Just("staff"),
            Just("channel"),
            Just("note"),
            Just("filter"),
            Just("from"),
            Just("to"),
            Just("week"),
            Just("rating"),
            Just("axis"),
            Just("display_name"),
            Just("backups_keep"),
        ]
        .prop_map(String::from);
        leaf.prop_recursive(4, 40, 8, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..8)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Every row of every table in the journal's file (contacts, deleted ones too, settings,
    /// rollups), read on a connection of its own: what a command wrote, whatever it was.
    fn snapshot(h: &Harness) -> Vec<String> {
        use sqlx::{Connection, Row};
        let file = h.dir.path().join(JOURNAL_FILE);
        tauri::async_runtime::block_on(async {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&file)
                .read_only(true);
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            let mut rows = Vec::new();
            for table in tables {
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                        .bind(&table)
                        .fetch_all(&mut conn)
                        .await
                        .unwrap();
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                let sql = format!("SELECT '{table}: ' || {row} AS r FROM \"{table}\" ORDER BY r");
                for r in sqlx::query(&sql).fetch_all(&mut conn).await.unwrap() {
                    rows.push(r.get::<String, _>("r"));
                }
            }
            conn.close().await.unwrap();
            rows
        })
    }

    fn contacts_in(rows: &[String]) -> usize {
        rows.iter().filter(|r| r.starts_with("contacts: ")).count()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Every command but the six that open a dialog, with any payload: a result, a
        /// refusal of the arguments, or `{code, message}`; never a panic, never a partial
        /// write. A refusal leaves every row of the file as it was; a success wrote exactly
        /// what it answered (read back), and a question wrote nothing.
        #[test]
        fn any_payload_to_any_command_is_answered_and_refusals_write_nothing(
            command in prop_oneof![
                Just("log_contact"), Just("update_contact"), Just("delete_contact"),
                Just("restore_contact"), Just("recent_contacts"), Just("get_settings"),
                Just("save_settings"), Just("review"), Just("review_by_staff"), Just("what_changed"), Just("customer_history"),
                Just("review_contacts"), Just("review_facets"), Just("set_follow_up_done"),
                Just("practices"), Just("week_notes"), Just("set_week_note"), Just("set_star"),
                Just("ask_valued"), Just("moments"),
                Just("app_info"), Just("load_demo"), Just("startup_problem"),
                Just("earlier_names"), Just("carry_over_contacts"),
                Just("recover_from_backup"), Just("start_new_journal"),
                Just("team_status"), Just("join_team"), Just("leave_team"), Just("sync_now"),
                Just("add_team_member"),
            ],
            body in json_value(),
            known_id in any::<bool>(),
            valid_input in any::<bool>(),
        ) {
            thread_local!(static H: Harness = harness());
            H.with(|h| {
                let journal = h.journal.as_ref().unwrap();
                let get = |id: &Value| {
                    let contact = tauri::async_runtime::block_on(journal.get(id.as_str().unwrap_or_default()));
                    contact.ok().map(|c| serde_json::to_value(c).unwrap())
                };
                // Random ids and inputs almost never name a contact or pass validation; these
                // let the successful paths of the commands that change a contact run too.
                let mut body = body;
                if let Value::Object(fields) = &mut body {
                    let newest = tauri::async_runtime::block_on(journal.list(&Default::default()))
                        .unwrap()
                        .into_iter()
                        .next();
                    if let (true, Some(c)) = (known_id, newest) {
                        fields.insert("id".into(), json!(c.id));
                    }
                    if valid_input {
                        fields.insert("input".into(), input(4, 2)["input"].clone());
                    }
                }
                let before = snapshot(h);
                let answer = invoke(h, command, body.clone());
                let after = snapshot(h);
                match answer {
                    Ok(answer) => {
                        match command {
                            "log_contact" => {
                                prop_assert_eq!(contacts_in(&after), contacts_in(&before) + 1);
                                prop_assert_eq!(get(&answer["id"]), Some(answer.clone()));
                            }
                            "update_contact" | "restore_contact" | "set_follow_up_done" => {
                                prop_assert_eq!(contacts_in(&after), contacts_in(&before));
                                prop_assert_eq!(&answer["id"], &body["id"]);
                                prop_assert_eq!(get(&answer["id"]), Some(answer.clone()));
                                if command == "set_follow_up_done" {
                                    prop_assert_eq!(answer["follow_up_done_at"].is_string(), body["done"] == true);
                                }
                            }
                            "delete_contact" => {
                                prop_assert_eq!(contacts_in(&after), contacts_in(&before));
                                prop_assert_eq!(get(&body["id"]), None);
                            }
                            "save_settings" => {
                                prop_assert_eq!(invoke(h, "get_settings", json!({})).unwrap(), answer);
                            }
                            "carry_over_contacts" => {
                                prop_assert_eq!(contacts_in(&after), contacts_in(&before));
                                prop_assert_eq!(invoke(h, "earlier_names", json!({})).unwrap(), json!([]));
                            }
                            "load_demo" => {
                                let added = contacts_in(&after) - contacts_in(&before);
                                prop_assert_eq!(Some(added as u64), answer.as_u64());
                            }
                            _ => prop_assert_eq!(&after, &before, "{} only answers", command),
                        }
                    }
                    Err(Value::String(refused)) => {
                        prop_assert!(refused.contains("invalid args") || refused.contains("missing"), "{}", refused);
                        prop_assert_eq!(&after, &before);
                    }
                    Err(payload) => {
                        prop_assert!(payload["code"].is_string() && payload["message"].is_string(), "{}", payload);
                        prop_assert_eq!(&after, &before);
                    }
                }
                Ok(())
            })?;
        }
    }
}
