#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match contactmoment_app::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The window may never have opened; the terminal is the only place left to explain why.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("contactmoment: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
