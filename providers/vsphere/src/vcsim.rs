//! The vSphere simulator for tests (feature `vcsim`): where the shared one listens, and how
//! to start one of a test's own (for a test that stops it, ends its sessions or serves
//! TLS).
//!
//! `.ci/run` builds tools/vcsim (tools/vcsim/run.sh), starts one simulator for every test
//! and exports `STRATA_TEST_VCSIM_URL` (its SDK URL) and `STRATA_TEST_VCSIM_BIN` (the
//! binary). Without them, the tests that need a simulator skip with a message saying so.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The shared simulator's SDK URL, or `None` (with a message on stderr naming the test)
/// when this run has none.
pub fn shared(test: &str) -> Option<String> {
    match std::env::var("STRATA_TEST_VCSIM_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!(
                "skipping {test}: STRATA_TEST_VCSIM_URL is not set (run tools/vcsim/run.sh and export the URL it prints, as .ci/run does)"
            );
            None
        }
    }
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
    /// port; `None` (with a message naming the test) when `STRATA_TEST_VCSIM_BIN` is not
    /// set. `-ca` is given the path [`Vcsim::ca_file`] returns.
    pub fn start(test: &str, args: &[&str]) -> Option<Vcsim> {
        let Some(bin) = std::env::var_os("STRATA_TEST_VCSIM_BIN").filter(|b| !b.is_empty()) else {
            eprintln!(
                "skipping {test}: STRATA_TEST_VCSIM_BIN is not set (tools/vcsim/run.sh --build prints the simulator's path, as .ci/run exports it)"
            );
            return None;
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
