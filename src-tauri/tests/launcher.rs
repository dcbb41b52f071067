//! `contactmoment-app`, the launcher: it must stay free of GTK and WebKit (loading them is what
//! made a second start slow), and when no app runs it becomes the app beside it, in the same
//! process, under the same name and with the same arguments.
#![cfg(target_os = "linux")]
// Test helpers fail loudly; a panic with the value is the report we want.
#![allow(clippy::unwrap_used)]

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

const LAUNCHER: &str = env!("CARGO_BIN_EXE_contactmoment-app");

/// The shared libraries a binary asks the dynamic loader for.
fn needed(binary: &str) -> Vec<String> {
    let out = Command::new("readelf")
        .args(["-d", binary])
        .output()
        .expect("readelf (binutils) runs");
    assert!(out.status.success(), "readelf -d {binary} failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next().map(str::to_owned))
        .collect()
}

#[test]
fn the_launcher_loads_only_the_c_library_and_the_app_loads_webkit() {
    let launcher = needed(LAUNCHER);
    assert!(
        launcher.iter().any(|l| l.starts_with("libc.so")),
        "readelf found the launcher's libraries: {launcher:?}"
    );
    const ALLOWED: [&str; 7] = [
        "libc.so",
        "libm.so",
        "libgcc_s.so",
        "ld-linux",
        "libpthread.so",
        "libdl.so",
        "librt.so",
    ];
    for lib in &launcher {
        assert!(
            ALLOWED.iter().any(|a| lib.starts_with(a)),
            "the launcher links {lib}: {launcher:?}"
        );
    }
    let app = needed(env!("CARGO_BIN_EXE_contactmoment-desktop"));
    assert!(
        app.iter().any(|l| l.starts_with("libwebkit2gtk")),
        "the check would see WebKit where it is linked: {app:?}"
    );
}

/// The launcher, linked (not copied: an exec of a file another thread's child may still hold
/// open for writing fails) into `dir`, with no session bus to find a running app on.
fn launcher_in(dir: &Path) -> Command {
    let link = dir.join("contactmoment-app");
    std::fs::hard_link(LAUNCHER, &link).unwrap();
    let mut command = Command::new(link);
    command
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", dir)
        .env("CONTACTMOMENT_DB", dir.join("journal.sqlite"));
    command
}

/// A folder on the launcher's own file system, so that it can be linked there.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

#[test]
fn with_no_app_running_the_launcher_becomes_the_app_beside_it() {
    let dir = scratch();
    // The "app" is a shell, which shows the name, arguments and process it was given.
    std::os::unix::fs::symlink("/bin/sh", dir.path().join("contactmoment-desktop")).unwrap();
    let script = "tr '\\0' '\\n' </proc/$$/cmdline; echo pid=$$";
    let child = launcher_in(dir.path())
        .arg0("contactmoment-app")
        .args(["-c", script, "two words"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines,
        [
            "contactmoment-app",
            "-c",
            script,
            "two words",
            &format!("pid={pid}")
        ],
        "the app runs in the launcher's own process, under its name (the window's class), \
         with its arguments as they were"
    );
}

#[test]
fn without_the_app_beside_it_the_launcher_says_so() {
    let dir = scratch();
    let out = launcher_in(dir.path()).arg("--log").output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("cannot start"), "{said}");
    assert!(
        said.contains(
            &dir.path()
                .join("contactmoment-desktop")
                .display()
                .to_string()
        ),
        "the message names the file it looked for: {said}"
    );
}
