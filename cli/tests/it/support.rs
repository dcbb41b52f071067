use std::path::Path;
use std::process::{Command, Output};

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
