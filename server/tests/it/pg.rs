//! A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, listening on a
//! socket in that folder only (and on loopback when a test needs TCP), removed at the end.
//! The tests of one binary that run at the same time share one cluster, each in a database of
//! its own. PostgreSQL missing is a failure, never a skip: `make setup-test` installs it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use tempfile::TempDir;

pub struct Cluster {
    dir: TempDir,
    bin: PathBuf,
    pub port: u16,
}

static SHARED: OnceLock<Mutex<Weak<Cluster>>> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// The cluster the running tests share, started when none runs.
pub fn shared() -> Arc<Cluster> {
    let slot = SHARED.get_or_init(|| Mutex::new(Weak::new()));
    let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(running) = slot.upgrade() {
        return running;
    }
    let started = Arc::new(Cluster::start());
    *slot = Arc::downgrade(&started);
    started
}

/// A cluster of its own, for a test that stops and starts it.
pub fn own() -> Arc<Cluster> {
    Arc::new(Cluster::start())
}

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    found.retain(|p| p.join("initdb").is_file());
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `make setup-test`")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    fn start() -> Self {
        let bin = bin_dir();
        let dir = tempfile::Builder::new().prefix("cm-pg-").tempdir().unwrap();
        if is_root() {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown of the cluster folder failed");
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = Self { dir, bin, port };
        c.run(
            "initdb",
            &[
                "-D",
                &c.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "-N",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        c.start_server();
        // Roles belong to the whole cluster: made once here, before the tests' databases are
        // migrated at the same time (the migration then finds the role present).
        c.psql(
            "CREATE ROLE contactmoment_app NOLOGIN NOBYPASSRLS; \
             CREATE ROLE cm_server LOGIN IN ROLE contactmoment_app",
        );
        c
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// The folder of the cluster's socket.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts (again) the server of the cluster, on its socket and on loopback.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c recovery_init_sync_method=syncfs -c max_connections=300",
            self.port,
            self.socket_dir().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-w",
                "-o",
                &options,
                "start",
            ],
        );
    }

    /// Stops the server as a crash would: no checkpoint, clients cut off.
    pub fn stop_immediate(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    /// The address of `db` as `user`, over the socket.
    pub fn url(&self, db: &str, user: &str) -> String {
        format!(
            "postgres://{user}@localhost/{db}?host={}&port={}",
            self.socket_dir().display(),
            self.port
        )
    }

    /// The same database over loopback TCP (no TLS on this cluster).
    pub fn tcp_url(&self, db: &str, user: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{db}", self.port)
    }

    /// A new, empty database for one test.
    pub fn new_database(&self) -> String {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::SeqCst)
        );
        self.psql(&format!("CREATE DATABASE {name}"));
        name
    }

    pub fn psql(&self, sql: &str) {
        self.run(
            "psql",
            &[
                "-h",
                &self.socket_dir().display().to_string(),
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-qc",
                sql,
            ],
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data();
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let _ = cmd
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}
