use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The real binary on the journal at `db`, ignoring any journal set in the environment.
pub fn command(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contactmoment"));
    cmd.env_remove("CONTACTMOMENT_DB").arg("--db").arg(db);
    cmd
}

/// Runs the real binary on the journal at `db`.
pub fn run(db: &Path, args: &[&str]) -> Output {
    command(db).args(args).output().unwrap()
}

/// Runs the binary, asserts success and returns its standard output.
pub fn ok_bytes(db: &Path, args: &[&str]) -> Vec<u8> {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

pub fn ok(db: &Path, args: &[&str]) -> String {
    String::from_utf8(ok_bytes(db, args)).unwrap()
}

/// The next of the pseudo-random numbers that place the kills: the same on every run.
pub fn next_random(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

/// Runs `cmd`, kills it with SIGKILL after `delay` and returns whether it had finished, with
/// its output. A run that had not finished was ended by the kill, never by an error of its
/// own (a lock, say).
pub fn killed_after(mut cmd: Command, delay: Duration, what: &str) -> (bool, Output) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let finished = out.status.success();
    if !finished {
        assert_eq!(
            out.status.signal(),
            Some(9),
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (finished, out)
}
