//! Stopping and starting the machine's libvirtd, as `.ci/run` starts it (`libvirtd -d`,
//! no systemd), for the test of a daemon that goes away in the middle of an apply. Only a
//! test holding its lab alone (`Lab::alone`) calls these.

use std::process::Command;
use std::time::{Duration, Instant};

/// Where `libvirtd -d` run as root writes its process id.
const PID_FILE: &str = "/run/libvirtd.pid";

/// True while process `pid` exists and this process may signal it.
fn alive(pid: &str) -> bool {
    Command::new("kill")
        .args(["-0", pid])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn answers() -> bool {
    Command::new("virsh")
        .args(["-c", "qemu:///system", "version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The running daemon's process id, when this process may signal it; `None` with the
/// reason otherwise.
pub fn daemon_pid() -> Result<String, String> {
    let pid = std::fs::read_to_string(PID_FILE)
        .map_err(|e| format!("cannot read {PID_FILE}: {e}"))?
        .trim()
        .to_string();
    if alive(&pid) {
        Ok(pid)
    } else {
        Err(format!("may not signal libvirtd (process {pid})"))
    }
}

/// Stops the daemon (SIGTERM) and waits until it is gone; its domains and networks keep
/// running.
pub fn stop(pid: &str) {
    assert!(
        Command::new("kill")
            .args(["-TERM", pid])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    while Command::new("kill")
        .args(["-0", pid])
        .status()
        .unwrap()
        .success()
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "libvirtd did not stop"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts the daemon unless it answers, and waits until it does.
pub fn start() {
    if answers() {
        return;
    }
    let _ = Command::new("libvirtd").arg("-d").status();
    let start = Instant::now();
    while !answers() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "libvirtd did not start again"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Starts the daemon again when dropped, so that a failing test leaves it running.
pub struct Restarter;

impl Drop for Restarter {
    fn drop(&mut self) {
        start();
    }
}
