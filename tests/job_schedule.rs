//! A job's `schedule` through the binary: `validate` refuses what is not cron syntax with
//! the file, line and column, and `plan` shows the next run times of a valid one.

use std::path::Path;
use std::process::{Command, Output};

/// A cluster and one job scheduled `schedule` (written on line 32).
fn blueprint(schedule: &str) -> String {
    format!(
        r#"site "dc" {{}}

host_pool "p" {{
  site  = site.dc
  hosts = 3
  host {{
    cpu    = 32
    memory = "256GiB"
  }}
}}

network_zone "app" {{
  cidr = "10.20.0.0/16"
}}

kubernetes_cluster "k" {{
  pool = host_pool.p
  zone = network_zone.app
  control_plane {{
    count = 3
  }}
  node_group "w" {{
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }}
}}

job "nightly" {{
  cluster  = kubernetes_cluster.k
  duration = "1h"
  schedule = "{schedule}"
}}
"#
    )
}

fn strata(dir: &Path, command: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg(command)
        .arg(dir)
        // Monday 2026-11-30 04:00 UTC.
        .env("STRATA_NOW", "1796011200")
        .output()
        .unwrap()
}

fn folder(schedule: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), blueprint(schedule)).unwrap();
    dir
}

#[test]
fn plan_shows_the_next_runs_of_a_schedule() {
    let dir = folder("30 2 * * MON-FRI");
    let out = strata(dir.path(), "plan");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "Job schedules (UTC, next 3 runs):\n  job.nightly \"30 2 * * MON-FRI\": Tue 2026-12-01 02:30, Wed 2026-12-02 02:30, Thu 2026-12-03 02:30\n"
        ),
        "{stdout}"
    );
}

#[test]
fn validate_refuses_a_schedule_that_is_not_cron() {
    let dir = folder("every day at 2");
    let out = strata(dir.path(), "validate");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let text = format!("{stdout}{stderr}");
    assert!(
        text.contains("The schedule of job.nightly is not a cron expression")
            && text.contains("main.hcl:32:14")
            && text.contains("this one has 4"),
        "{text}"
    );
}
