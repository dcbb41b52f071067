//! One running app per journal, and how a second start finds it. Compiled into the app and
//! into the launcher (`contactmoment-app`), which must not link GTK or WebKit.

/// The D-Bus name of the single-instance plugin carries a hash of the journal's location, so
/// two journals (a test's, a second desk's) run side by side.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn id(location: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(location.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("nl.contactmoment.desktop.j{hex}")
}

/// Hands this start's arguments to the app already running on this journal, in the
/// single-instance plugin's D-Bus protocol (name, path, method); should that ever change, the
/// plugin's own hand-over during the app's start-up still works, only later. False when no
/// app runs on this journal (or there is no session bus).
#[cfg(target_os = "linux")]
pub fn hand_over(location: &str) -> bool {
    let name = format!("{}.SingleInstance", id(location));
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    let Ok(bus) = zbus::blocking::Connection::session() else {
        return false;
    };
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cwd = std::env::current_dir()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    bus.call_method(
        Some(name.as_str()),
        path.as_str(),
        Some("org.SingleInstance.DBus"),
        "ExecuteCallback",
        &(argv, cwd.as_str()),
    )
    .is_ok()
}

/// Elsewhere the single-instance plugin hands over during start-up.
#[cfg(not(target_os = "linux"))]
pub fn hand_over(_location: &str) -> bool {
    false
}
