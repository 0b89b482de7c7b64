//! The vSphere simulator for tests (feature `vcsim`): each test starts its own (on a free
//! port, stopped when dropped), so that tests that stop it, end its sessions or serve TLS
//! do not disturb others.
//!
//! The binary is `STRATA_TEST_VCSIM_BIN` (`.ci/run` builds it with tools/vcsim/run.sh
//! --build and exports it) or, without it, built here by the same script once per test
//! process. Only when it cannot be built (no Go, no govmomi sources) do the tests skip,
//! with a message saying what to install.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The simulator's binary, or why there is none.
fn binary() -> &'static Result<PathBuf, String> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("STRATA_TEST_VCSIM_BIN").filter(|b| !b.is_empty()) {
            return Ok(PathBuf::from(bin));
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tools/vcsim/run.sh");
        let out = Command::new("bash")
            .args([script, "--build"])
            .output()
            .map_err(|e| format!("cannot run {script}: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

/// The credentials every simulator started by tools/vcsim/run.sh and [`Vcsim::start`]
/// accepts (vcsim's own defaults).
pub const USER: &str = "user";
/// See [`USER`].
pub const PASSWORD: &str = "pass";

/// A simulator of a test's own, stopped when dropped.
pub struct Vcsim {
    child: Child,
    /// Its SDK URL (`http://127.0.0.1:PORT/sdk`, `https://` with `-tls`).
    pub url: String,
    /// Its folder for files (the CA certificate with `-tls`).
    pub dir: tempfile::TempDir,
}

impl Vcsim {
    /// Starts the simulator binary with `args` (tools/vcsim/main.go's flags) on a free
    /// port; `None` (with a message naming the test) when the simulator cannot be built.
    /// `-ca` is given the path [`Vcsim::ca_file`] returns.
    pub fn start(test: &str, args: &[&str]) -> Option<Vcsim> {
        let bin = match binary() {
            Ok(bin) => bin,
            Err(why) => {
                eprintln!("skipping {test}: the vSphere simulator cannot be built: {why}");
                return None;
            }
        };
        let dir = tempfile::tempdir().expect("a temporary folder");
        let ca = dir.path().join("ca.pem");
        let mut child = Command::new(bin)
            .args(["-listen", "127.0.0.1:0", "-ca"])
            .arg(&ca)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the simulator starts");
        let stdout = child.stdout.take().expect("its output");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the simulator prints its URL");
        let url = line
            .trim()
            .strip_prefix("VCSIM_URL=")
            .unwrap_or_else(|| panic!("the simulator printed {line:?}, not its URL"))
            .to_string();
        Some(Vcsim { child, url, dir })
    }

    /// The CA certificate (PEM) of a simulator started with `-tls`.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Stops it now: from then on, connections to it are refused, as when vCenter goes
    /// down. (SIGTERM, so that it removes its datastores' files.)
    pub fn stop(&mut self) {
        if let Some(pid) = rustix::process::Pid::from_raw(self.child.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Vcsim {
    fn drop(&mut self) {
        self.stop();
    }
}
