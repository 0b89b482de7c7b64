//! A scenario too large to simulate in reasonable time is refused before it runs, with
//! the estimate and how to make it smaller; `--force` runs it anyway, with progress on
//! stderr, and an interrupt stops it with nothing printed on stdout.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::Running;

/// Four hosts, each failing every millisecond or so, for a hundred years.
const ABSURD: &str = r#"
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 64
    memory = "512GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
vm "web" {
  count  = 4
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
scenario "absurd" {
  horizon      = "100y"
  replications = 10
  failures {
    host {
      mtbf = "1ms"
      mttr = "1ms"
    }
  }
}
"#;

fn absurd() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), ABSURD).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_scenario_too_large_is_refused_before_it_runs() {
    let dir = absurd();
    for command in ["simulate", "report"] {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg(command)
            .arg(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(start.elapsed() < Duration::from_secs(10), "{command}");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(out.stdout.is_empty(), "{command}: {}", text(&out.stdout));
        for part in [
            "scenario absurd is too large to simulate in reasonable time: 10 replication(s) of 100y, about 18.9 trillion events each (189.2 trillion in all), about ",
            "more than the 10 min allowed.",
            "Most of them come from host failures (mtbf = \"1ms\", mttr = \"1ms\").",
            "fewer replications (--replications N), a shorter horizon (--horizon), or a longer mtbf or mttr",
            "or run it anyway with --force.",
        ] {
            assert!(err.contains(part), "{command}: {part:?} missing from {err}");
        }
    }
}

#[test]
fn a_small_run_reports_its_size_and_is_not_refused() {
    let dir = absurd();
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args([
            "simulate",
            "--horizon",
            "2s",
            "--replications",
            "2",
            "--json",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("Simulating scenario absurd: 2 replication(s) of 2s, about 12,000 events each (24,000 in all), under a second on "),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = json["events"].as_f64().unwrap();
    assert!(
        (24_000.0 / 1.5..24_000.0 * 1.5).contains(&events),
        "{events}"
    );
}

#[test]
fn forced_it_runs_with_progress_and_an_interrupt_discards_it() {
    let dir = absurd();
    let run = Running::start(dir.path(), &["simulate", "--force", "--threads", "1"]);
    run.wait_for("Simulating scenario absurd: 10 replication(s) of 100y");
    // Progress goes to stderr as plain lines when it is not a terminal.
    run.wait_for("scenario absurd: 0 of 10 replication(s), ");
    let signalled = Instant::now();
    run.signal("INT");
    let (code, out, err) = run.finish();
    assert!(signalled.elapsed() < Duration::from_secs(3));
    assert_eq!(code, Some(1), "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("warning: scenario absurd is large: "), "{err}");
    assert!(
        err.contains(
            "Interrupt received: stopping the simulation; its partial result is discarded."
        ),
        "{err}"
    );
    assert!(
        err.contains("error: scenario absurd interrupted after 0 of 10 replication(s): the partial result is discarded and nothing was written"),
        "{err}"
    );
}
