//! Interrupts of plan, apply and destroy, end to end with a real process: the first SIGTERM
//! or SIGINT starts no new operation, lets those in flight finish and be recorded, saves
//! the state, releases the lock and exits 1; a second stops at once and the next run
//! finishes what the journal holds; `state list|show` show what the journal holds.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::Running;

/// Three objects of infrastructure, then eight independent VMs, each call 300 ms.
const BLUEPRINT: &str = r#"
provider "sim" {
  latency = "300ms"
}
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
  count  = 8
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
}
"#;

const OBJECTS: usize = 11;

fn blueprint() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), BLUEPRINT).unwrap();
    dir
}

fn strata(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Addresses of the lines of progress that end with `suffix` (`: Creation complete`).
fn progress(out: &str, suffix: &str) -> Vec<String> {
    let mut lines: Vec<String> = out
        .lines()
        .filter_map(|l| l.strip_suffix(suffix))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The sorted addresses of a JSON document's `objects`.
fn object_addresses(json: &[u8]) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(json).unwrap();
    let mut addresses: Vec<String> = json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["address"].as_str().unwrap().to_string())
        .collect();
    addresses.sort();
    addresses
}

/// What the simulated datacenter holds, each address as many times as it exists.
fn in_datacenter(dir: &Path) -> Vec<String> {
    let show = strata(dir, &["sim", "show", "-json"]);
    assert_eq!(show.status.code(), Some(0), "{}", text(&show.stderr));
    object_addresses(&show.stdout)
}

/// The addresses `strata state list` prints.
fn state_list(dir: &Path) -> (Vec<String>, String) {
    let list = strata(dir, &["state", "list"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    let mut lines: Vec<String> = text(&list.stdout).lines().map(str::to_string).collect();
    lines.sort();
    (lines, text(&list.stderr))
}

/// The addresses state.json itself holds.
fn in_state_file(dir: &Path) -> Vec<String> {
    object_addresses(&std::fs::read(dir.join(".strata/state.json")).unwrap())
}

/// After an interrupted run, apply again: it completes and every object exists once.
fn assert_rerun_completes(dir: &Path) {
    let again = strata(dir, &["apply", "-auto-approve"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}{}",
        text(&again.stdout),
        text(&again.stderr)
    );
    let objects = in_datacenter(dir);
    let mut unique = objects.clone();
    unique.dedup();
    assert_eq!(objects, unique, "duplicates in the datacenter");
    assert_eq!(objects.len(), OBJECTS, "{objects:?}");
    assert_eq!(state_list(dir).0, objects);
}

/// Interrupts an apply once its first VM is being created; checks the graceful stop.
fn interrupted_apply(signal: &str) {
    let dir = blueprint();
    let run = Running::start(dir.path(), &["apply", "-auto-approve", "-parallelism", "2"]);
    // Once the first VM (the only addresses with an index) is being created.
    run.wait_for("]: Creating...");
    run.signal(signal);
    let (code, out, err) = run.finish();

    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(
        err.contains("Interrupt received: stopping gracefully. No new operation will start"),
        "{err}"
    );
    assert!(out.contains("\nApply interrupted: "), "{out}");
    let started = progress(&out, ": Creating...");
    let completed = progress(&out, ": Creation complete");
    let not_started = progress(&out, ": not started (interrupted)");
    // Every operation started before the signal finished and was recorded; none started
    // after it (at most two were in flight when it came).
    assert_eq!(started, completed, "{out}");
    assert!(
        started.len() <= 3 + 2 && !not_started.is_empty(),
        "{started:?} {not_started:?}"
    );
    assert_eq!(started.len() + not_started.len(), OBJECTS, "{out}");
    assert!(
        out.contains(&format!(
            "Apply interrupted: {} operation(s) done, {} not started.",
            completed.len(),
            not_started.len()
        )),
        "{out}"
    );
    // The lock is released, the journal is folded into the saved state, and the state
    // holds exactly what was created.
    let state_dir = dir.path().join(".strata");
    assert!(!state_dir.join("lock.json").exists());
    assert_eq!(
        std::fs::read(state_dir.join("journal.jsonl"))
            .unwrap()
            .len(),
        0
    );
    assert_eq!(in_state_file(dir.path()), completed);
    let (listed, notes) = state_list(dir.path());
    assert_eq!(listed, completed);
    assert!(notes.is_empty(), "{notes}");
    assert_eq!(in_datacenter(dir.path()), completed);

    assert_rerun_completes(dir.path());
}

#[test]
fn sigterm_during_apply_stops_gracefully() {
    interrupted_apply("TERM");
}

#[test]
fn sigint_during_apply_stops_gracefully() {
    interrupted_apply("INT");
}

#[test]
fn a_second_signal_stops_at_once_and_the_next_apply_finishes_the_journal() {
    let dir = blueprint();
    let run = Running::start(dir.path(), &["apply", "-auto-approve", "-parallelism", "2"]);
    // Once the first VM (the only addresses with an index) is being created.
    run.wait_for("]: Creating...");
    run.signal("TERM");
    std::thread::sleep(Duration::from_millis(30));
    run.signal("INT");
    let (code, out, err) = run.finish();

    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(
        err.contains("Second interrupt received: stopping at once."),
        "{err}"
    );
    assert!(!out.contains("Apply interrupted"), "{out}");
    // Nothing was saved: state.json is as before the apply; the journal has the run.
    let state_dir = dir.path().join(".strata");
    assert!(in_state_file(dir.path()).is_empty());
    assert!(
        state_dir.join("lock.json").exists(),
        "the process died holding it"
    );
    let completed = progress(&out, ": Creation complete");
    let started = progress(&out, ": Creating...");
    let open: Vec<&String> = started.iter().filter(|a| !completed.contains(a)).collect();
    assert!(!open.is_empty(), "{out}");

    // state list and show read the journal without finishing it.
    let (listed, notes) = state_list(dir.path());
    assert_eq!(listed, completed, "{notes}");
    assert!(
        notes.contains("not yet in state.json (a run stopped before saving the state)"),
        "{notes}"
    );
    assert!(
        notes.contains("started with no recorded outcome"),
        "{notes}"
    );
    assert!(
        notes.contains("A plan or apply will finish them"),
        "{notes}"
    );
    for address in &open {
        assert!(notes.contains(&format!("create {address}")), "{notes}");
    }
    let show = strata(dir.path(), &["state", "show", &completed[0]]);
    assert_eq!(show.status.code(), Some(0), "{}", text(&show.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(shown["address"], completed[0].as_str());
    let missing = strata(dir.path(), &["state", "show", open[0]]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("a plan or apply will finish it"),
        "{}",
        text(&missing.stderr)
    );
    assert!(
        in_state_file(dir.path()).is_empty(),
        "read-only commands wrote"
    );
    assert!(
        !std::fs::read(state_dir.join("journal.jsonl"))
            .unwrap()
            .is_empty(),
        "read-only commands emptied the journal"
    );

    let again = strata(dir.path(), &["apply", "-auto-approve"]);
    assert!(
        text(&again.stderr).contains("the previous run stopped before it finished"),
        "{}",
        text(&again.stderr)
    );
    assert_rerun_completes(dir.path());
}

#[test]
fn an_interrupt_at_the_prompt_cancels_cleanly() {
    let dir = blueprint();
    let run = Running::start(dir.path(), &["apply"]);
    run.wait_for("Only 'yes' will be accepted: ");
    run.signal("INT");
    let (code, out, err) = run.finish();
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(
        out.contains(
            "Apply cancelled: interrupted while waiting for an answer; nothing was changed."
        ),
        "{out}"
    );
    assert!(!dir.path().join(".strata/lock.json").exists());
    assert!(in_datacenter(dir.path()).is_empty());
    assert!(in_state_file(dir.path()).is_empty());
}

#[test]
fn sigterm_during_destroy_stops_gracefully() {
    let dir = blueprint();
    let apply = strata(dir.path(), &["apply", "-auto-approve"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply.stderr));
    let run = Running::start(
        dir.path(),
        &["destroy", "-auto-approve", "-parallelism", "2"],
    );
    run.wait_for(": Destroying...");
    run.signal("TERM");
    let (code, out, err) = run.finish();

    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(err.contains("Interrupt received"), "{err}");
    assert!(out.contains("\nDestroy interrupted: "), "{out}");
    let started = progress(&out, ": Destroying...");
    let completed = progress(&out, ": Destruction complete");
    assert_eq!(started, completed, "{out}");
    assert!(!progress(&out, ": not started (interrupted)").is_empty());
    assert!(!dir.path().join(".strata/lock.json").exists());
    let left = in_datacenter(dir.path());
    assert_eq!(left.len(), OBJECTS - completed.len());
    assert!(completed.iter().all(|a| !left.contains(a)));
    assert_eq!(in_state_file(dir.path()), left);
}

#[test]
fn an_interrupted_wait_for_the_lock_writes_no_plan() {
    let dir = blueprint();
    let state_dir = dir.path().join(".strata");
    std::fs::create_dir_all(&state_dir).unwrap();
    // Held from another host: never broken as stale.
    let lock = r#"{"id":"0123abcd","who":"ci@runner","operation":"apply","created":1700000000,"pid":1,"host":"other-host.invalid"}"#;
    std::fs::write(state_dir.join("lock.json"), lock).unwrap();
    let plan_file = dir.path().join("saved.plan");
    let run = Running::start(
        dir.path(),
        &[
            "plan",
            "-lock-timeout=60s",
            "-out",
            plan_file.to_str().unwrap(),
        ],
    );
    std::thread::sleep(Duration::from_millis(500));
    let signalled = Instant::now();
    run.signal("TERM");
    let (code, out, err) = run.finish();
    assert!(signalled.elapsed() < Duration::from_secs(3));
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(err.contains("Interrupt received: stopping."), "{err}");
    assert!(
        err.contains("interrupted while waiting for the state lock, which ci@runner"),
        "{err}"
    );
    assert!(!plan_file.exists());
    assert_eq!(
        std::fs::read_to_string(state_dir.join("lock.json")).unwrap(),
        lock
    );
}
