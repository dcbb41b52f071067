//! `contactmoment-app`: hands a second start over to the app already running on the journal,
//! or else becomes the app (`contactmoment-desktop`, beside this file).
//!
//! A second start is what `contactmoment-app --log`, bound to a key where the desktop has no
//! global shortcuts, does after every call. Loading GTK and WebKit alone takes the dynamic
//! loader about 100 ms (their symbols are bound at load), so the hand-over lives in this
//! small program that links neither, and the app is started only when it is needed, by
//! `exec` in the same process: its start is timed from this one's, and the window keeps the
//! name the desktop entry knows it by (`argv[0]`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[path = "instance.rs"]
mod instance;

use std::process::ExitCode;

/// The app itself, installed beside the launcher.
const APP: &str = "contactmoment-desktop";

fn main() -> ExitCode {
    if let Ok(location) = contactmoment_core::location::configured() {
        if instance::hand_over(&location) {
            return ExitCode::SUCCESS;
        }
    }
    // Where the launcher cannot tell its own place, the app is looked up on the PATH.
    let app = std::env::current_exe()
        .map(|me| me.with_file_name(APP))
        .unwrap_or_else(|_| APP.into());
    let error = become_app(&app);
    // No window will open; the terminal is the only place left to explain why.
    #[allow(clippy::print_stderr)]
    {
        eprintln!("contactmoment: cannot start {}: {error}", app.display());
    }
    ExitCode::FAILURE
}

/// Replaces this process with the app, with the same arguments; returns only on failure.
#[cfg(unix)]
fn become_app(app: &std::path::Path) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(app);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    command.args(args).exec()
}

/// Elsewhere the app runs as a child and its exit code is passed on.
#[cfg(not(unix))]
fn become_app(app: &std::path::Path) -> std::io::Error {
    match std::process::Command::new(app)
        .args(std::env::args_os().skip(1))
        .status()
    {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    }
}
