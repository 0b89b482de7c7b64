//! End-to-end tests of plan, apply and destroy on the simulated datacenter: the core loop
//! an operator lives in, on the example blueprints and on inline ones.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn strata(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    cmd.args(args).arg(dir).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("strata runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// Copies an example blueprint and the modules beside it into a fresh folder.
fn example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy(
        &root.join("blueprints").join(name),
        &tmp.path().join("blueprints").join(name),
    );
    copy(&root.join("modules"), &tmp.path().join("modules"));
    let dir = tmp.path().join("blueprints").join(name);
    (tmp, dir)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".strata") {
            continue;
        }
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target)
        } else {
            std::fs::copy(&path, &target).map(|_| ()).unwrap()
        }
    }
}

fn inline(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), text).unwrap();
    dir
}

fn sim_objects(dir: &Path) -> serde_json::Value {
    let out = strata(dir, &["sim", "show", "-json"], &[]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The whole loop on one blueprint: plan, apply, no-change plan, drift, destroy.
fn full_loop(dir: &Path, drift_address: &str, drift_change: &str) {
    let plan = strata(dir, &["plan", "-detailed-exitcode"], &[]);
    assert_eq!(code(&plan), 2, "{}", text(&plan));
    assert!(text(&plan).contains("will be created"));

    let apply = strata(dir, &["apply", "-auto-approve"], &[]);
    assert_eq!(code(&apply), 0, "{}", text(&apply));
    assert!(text(&apply).contains("Apply complete!"), "{}", text(&apply));

    let again = strata(dir, &["plan", "-detailed-exitcode"], &[]);
    assert_eq!(
        code(&again),
        0,
        "apply then plan must show no changes:\n{}",
        text(&again)
    );
    assert!(text(&again).contains("No changes."));

    let drift = strata(dir, &["sim", "drift", drift_address, drift_change], &[]);
    assert_eq!(code(&drift), 0, "{}", text(&drift));
    let after_drift = strata(dir, &["plan", "-detailed-exitcode"], &[]);
    assert_eq!(code(&after_drift), 2, "{}", text(&after_drift));
    let shown = text(&after_drift);
    assert!(shown.contains("Objects changed outside Strata"), "{shown}");
    assert!(
        shown.contains(&format!("# {drift_address} has changed")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("# {drift_address} will be updated in-place")),
        "{shown}"
    );

    let fix = strata(dir, &["apply", "-auto-approve"], &[]);
    assert_eq!(code(&fix), 0, "{}", text(&fix));
    assert_eq!(code(&strata(dir, &["plan", "-detailed-exitcode"], &[])), 0);

    let destroy = strata(dir, &["destroy", "-auto-approve"], &[]);
    assert_eq!(code(&destroy), 0, "{}", text(&destroy));
    assert!(text(&destroy).contains("Destroy complete!"));
    let list = strata(dir, &["state", "list"], &[]);
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).trim(),
        "",
        "state must be empty after destroy"
    );
    assert_eq!(
        sim_objects(dir)["objects"],
        serde_json::json!([]),
        "the datacenter must be empty after destroy"
    );
}

#[test]
fn minimal_blueprint_full_loop() {
    let (_tmp, dir) = example("minimal");
    full_loop(&dir, "service.hello", "replicas=5");
}

#[test]
fn reference_platform_full_loop() {
    let (_tmp, dir) = example("reference-platform");
    // Destroying everything means lifting prevent_destroy first, as an operator would.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("prevent_destroy = true", "prevent_destroy = false"),
        )
        .unwrap();
    }
    full_loop(&dir, "service.postgres", "replicas=1");
}

const SMALL: &str = r#"
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/24"
}
vm "a" {
  pool   = host_pool.p
  zone   = network_zone.z
  cpu    = 2
  memory = "4GiB"
  lifecycle {
    prevent_destroy = true
  }
}
output "address" {
  value = vm.a.address
}
"#;

#[test]
fn outputs_are_known_after_apply_and_prevent_destroy_stops_destroy() {
    let dir = inline(SMALL);
    assert_eq!(
        code(&strata(dir.path(), &["apply", "-auto-approve"], &[])),
        0
    );
    let out = strata(dir.path(), &["output", "-json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let address = json["address"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(address.starts_with("10.0.0."), "{json}");
    let destroy = strata(dir.path(), &["destroy", "-auto-approve"], &[]);
    assert_eq!(code(&destroy), 1);
    assert!(
        text(&destroy).contains("vm.a cannot be destroyed"),
        "{}",
        text(&destroy)
    );
    assert!(text(&destroy).contains("prevent_destroy"));
}

#[test]
fn saved_plans_apply_once_and_are_refused_when_stale() {
    let dir = inline(&SMALL.replace("prevent_destroy = true", "prevent_destroy = false"));
    let plan_file = dir.path().join("tfplan.json");
    let plan = strata(
        dir.path(),
        &["plan", "-out", plan_file.to_str().unwrap()],
        &[],
    );
    assert_eq!(code(&plan), 0, "{}", text(&plan));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    let apply = cmd
        .args(["apply", plan_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(code(&apply), 0, "{}", text(&apply));
    let again = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["apply", plan_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(code(&again), 1);
    assert!(
        text(&again).contains("the saved plan is stale"),
        "{}",
        text(&again)
    );
}

#[test]
fn apply_without_approval_changes_nothing() {
    let dir = inline(SMALL);
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["apply", dir.path().to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"no\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 1);
    assert!(text(&out).contains("Apply cancelled."));
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"], &[])),
        2
    );
}

#[test]
fn environments_past_their_ttl_are_destroyed_and_not_recreated() {
    let text_bp = format!(
        "{}{}",
        SMALL.replace("prevent_destroy = true", "prevent_destroy = false"),
        r#"
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.z
  control_plane {
    count = 1
  }
  node_group "w" {
    count  = 2
    cpu    = 4
    memory = "8GiB"
  }
}
environment "sit" {
  cluster = kubernetes_cluster.k
  ttl     = "72h"
}
"#
    );
    let dir = inline(&text_bp);
    let t0 = "2000000000";
    assert_eq!(
        code(&strata(
            dir.path(),
            &["apply", "-auto-approve"],
            &[("STRATA_NOW", t0)]
        )),
        0
    );
    // An update an hour later does not restart the time to live.
    let owned = text_bp.replace("ttl     = \"72h\"", "ttl     = \"72h\"\n  owner   = \"qa\"");
    std::fs::write(dir.path().join("main.hcl"), owned).unwrap();
    let update = strata(
        dir.path(),
        &["apply", "-auto-approve"],
        &[("STRATA_NOW", "2000003600")],
    );
    assert!(text(&update).contains("1 changed"), "{}", text(&update));
    let later = "2000260000"; // over 72 hours after creation, under 72 after the update
    let plan = strata(
        dir.path(),
        &["plan", "-detailed-exitcode"],
        &[("STRATA_NOW", later)],
    );
    assert_eq!(code(&plan), 2, "{}", text(&plan));
    assert!(
        text(&plan).contains("# environment.sit will be destroyed\n  # (because its ttl expired)"),
        "{}",
        text(&plan)
    );
    assert_eq!(
        code(&strata(
            dir.path(),
            &["apply", "-auto-approve"],
            &[("STRATA_NOW", later)]
        )),
        0
    );
    let after = strata(
        dir.path(),
        &["plan", "-detailed-exitcode"],
        &[("STRATA_NOW", later)],
    );
    assert_eq!(
        code(&after),
        0,
        "an expired environment stays gone: {}",
        text(&after)
    );
}

#[test]
fn jobs_run_for_their_duration_and_are_not_created_again() {
    let bp = format!(
        "{}{}",
        SMALL.replace("prevent_destroy = true", "prevent_destroy = false"),
        r#"
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.z
  control_plane {
    count = 1
  }
  node_group "w" {
    count  = 2
    cpu    = 4
    memory = "8GiB"
  }
}
job "etl" {
  cluster  = kubernetes_cluster.k
  cpu      = 2
  memory   = "4GiB"
  duration = "700ms"
}
"#
    );
    let dir = inline(&bp);
    assert_eq!(
        code(&strata(dir.path(), &["apply", "-auto-approve"], &[])),
        0
    );
    let running = sim_objects(dir.path());
    assert_eq!(
        running["datacenter"]["clusters"][0]["cpu_requests"]["used"],
        serde_json::json!(2.0),
        "{running}"
    );
    std::thread::sleep(std::time::Duration::from_millis(900));
    let done = sim_objects(dir.path());
    assert_eq!(
        done["datacenter"]["clusters"][0]["cpu_requests"]["used"],
        serde_json::json!(0.0),
        "a completed job releases its requests: {done}"
    );
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"], &[]);
    assert_eq!(
        code(&plan),
        0,
        "a completed job is not created again: {}",
        text(&plan)
    );
    assert!(
        !text(&plan).contains("changed outside"),
        "a job finishing is not drift: {}",
        text(&plan)
    );
    let changed = bp.replace("duration = \"700ms\"", "duration = \"800ms\"");
    std::fs::write(dir.path().join("main.hcl"), changed).unwrap();
    let plan = strata(dir.path(), &["plan"], &[]);
    assert!(
        text(&plan).contains("# job.etl must be replaced"),
        "a changed job runs again: {}",
        text(&plan)
    );
}

#[test]
fn a_held_lock_is_reported_and_can_be_forced_open() {
    let dir = inline(&format!(
        "provider \"sim\" {{\n  latency = \"400ms\"\n}}\n{}",
        SMALL.replace("prevent_destroy = true", "prevent_destroy = false")
    ));
    let mut holder = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["apply", "-auto-approve", dir.path().to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let blocked = strata(dir.path(), &["plan", "-lock-timeout=0s"], &[]);
    assert_eq!(code(&blocked), 1);
    let message = text(&blocked);
    assert!(message.contains("the state is locked by"), "{message}");
    assert!(message.contains("for \"apply\""), "{message}");
    let waited = strata(
        dir.path(),
        &["plan", "-lock-timeout=10s", "-detailed-exitcode"],
        &[],
    );
    assert_eq!(
        code(&waited),
        0,
        "waiting for the lock, then nothing to do: {}",
        text(&waited)
    );
    assert!(holder.wait().unwrap().success());
}

const SECRET: &str = r#"
variable "token" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
site "dc" {
  description = "token ${var.token}"
}
output "token" {
  value     = site.dc.description
  sensitive = true
}
"#;

#[test]
fn sensitive_values_are_never_printed_and_sealed_with_a_key() {
    let dir = inline(SECRET);
    let key = [("STRATA_STATE_KEY", "correct horse battery staple")];
    for (args, mark) in [
        (vec!["plan"], "(sensitive value)"),
        (vec!["plan", "-json"], "(sensitive value)"),
    ] {
        let out = strata(dir.path(), &args, &key);
        assert!(!text(&out).contains("hunter2"), "{}", text(&out));
        assert!(text(&out).contains(mark), "{}", text(&out));
    }
    let apply = strata(dir.path(), &["apply", "-auto-approve"], &key);
    assert_eq!(code(&apply), 0, "{}", text(&apply));
    assert!(!text(&apply).contains("hunter2"));
    let state = std::fs::read_to_string(dir.path().join(".strata/state.json")).unwrap();
    assert!(
        !state.contains("hunter2"),
        "sealed in the state file: {state}"
    );
    for (args, mark) in [
        (vec!["output"], "token = <sensitive>"),
        (vec!["output", "token"], "<sensitive>"),
        (vec!["output", "-json"], "<sensitive>"),
        (vec!["state", "show", "site.dc"], "(sensitive)"),
    ] {
        let out = strata(dir.path(), &args, &key);
        assert_eq!(code(&out), 0, "{}", text(&out));
        assert!(!text(&out).contains("hunter2"), "{}", text(&out));
        assert!(text(&out).contains(mark), "{}", text(&out));
    }
    let raw = strata(dir.path(), &["output", "-raw", "token"], &key);
    assert_eq!(code(&raw), 1, "{}", text(&raw));
    assert!(!text(&raw).contains("hunter2"), "{}", text(&raw));
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"], &key)),
        0
    );
    let no_key = strata(dir.path(), &["plan"], &[]);
    assert_eq!(code(&no_key), 1);
    assert!(
        text(&no_key).contains("set STRATA_STATE_KEY"),
        "{}",
        text(&no_key)
    );
    let wrong = strata(dir.path(), &["plan"], &[("STRATA_STATE_KEY", "wrong")]);
    assert!(
        text(&wrong).contains("does not decrypt"),
        "{}",
        text(&wrong)
    );
}

#[test]
fn a_sensitive_value_in_an_unmarked_output_is_an_error() {
    let dir = inline(
        &SECRET
            .replace("  sensitive = true\n}\n\"", "}\n\"")
            .replace(
                "value     = site.dc.description\n  sensitive = true",
                "value = site.dc.description",
            ),
    );
    let out = strata(dir.path(), &["validate"], &[]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("Output \"token\" refers to sensitive values"),
        "{}",
        text(&out)
    );
}
