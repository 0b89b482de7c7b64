//! Plan and apply flags and failure handling end to end: -target, -replace,
//! -refresh=false, create_before_destroy, injected faults (dependents skipped, the rest
//! goes on, a re-run completes), state rm / mv, and import.

use std::path::Path;
use std::process::{Command, Output};

fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .expect("strata runs")
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

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join("main.hcl"), text).unwrap();
}

const BASE: &str = r#"
site "dc" {}

# Another site: moving a VM there is a replacement, not a live migration.
site "dc2" {}
host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 32
    memory = "256GiB"
  }
}
host_pool "q" {
  site  = site.dc2
  hosts = 2
  host {
    cpu    = 32
    memory = "256GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
"#;

fn vms(extra: &str) -> String {
    format!(
        "{BASE}vm \"a\" {{\n  pool   = host_pool.p\n  zone   = network_zone.z\n  cpu    = 2\n  memory = \"4GiB\"\n{extra}}}\n\nvm \"b\" {{\n  pool   = host_pool.p\n  zone   = network_zone.z\n  cpu    = 2\n  memory = \"4GiB\"\n}}\n"
    )
}

#[test]
fn target_limits_the_plan_to_an_instance_and_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &vms(""));
    let plan = strata(dir.path(), &["plan", "-target", "vm.a"]);
    let shown = text(&plan);
    assert!(shown.contains("# vm.a will be created"), "{shown}");
    assert!(
        shown.contains("# host_pool.p will be created"),
        "what vm.a needs: {shown}"
    );
    assert!(!shown.contains("# vm.b"), "{shown}");
    assert!(!shown.contains("# host_pool.q"), "{shown}");
    assert!(shown.contains("Plan: 4 to add"), "{shown}");
}

#[test]
fn replace_and_refresh_flags() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &vms(""));
    assert_eq!(code(&strata(dir.path(), &["apply", "-auto-approve"])), 0);
    let plan = strata(
        dir.path(),
        &["plan", "-replace", "vm.b", "-detailed-exitcode"],
    );
    assert_eq!(code(&plan), 2);
    assert!(
        text(&plan).contains("# vm.b will be replaced, as requested"),
        "{}",
        text(&plan)
    );
    // Drift is only seen with a refresh.
    assert_eq!(
        code(&strata(dir.path(), &["sim", "drift", "vm.a", "cpu=8"])),
        0
    );
    assert_eq!(
        code(&strata(
            dir.path(),
            &["plan", "-refresh=false", "-detailed-exitcode"]
        )),
        0
    );
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"])),
        2
    );
    // An object deleted behind Strata's back is planned anew.
    assert_eq!(code(&strata(dir.path(), &["sim", "delete", "vm.b"])), 0);
    let plan = strata(dir.path(), &["plan"]);
    assert!(
        text(&plan).contains("# vm.b has been deleted"),
        "{}",
        text(&plan)
    );
    assert!(
        text(&plan).contains("# vm.b will be created"),
        "{}",
        text(&plan)
    );
}

#[test]
fn create_before_destroy_replaces_without_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &vms("  lifecycle {\n    create_before_destroy = true\n  }\n"),
    );
    assert_eq!(code(&strata(dir.path(), &["apply", "-auto-approve"])), 0);
    write(
        dir.path(),
        &vms("  lifecycle {\n    create_before_destroy = true\n  }\n").replacen(
            "pool   = host_pool.p",
            "pool   = host_pool.q",
            1,
        ),
    );
    let apply = strata(dir.path(), &["apply", "-auto-approve", "-parallelism", "1"]);
    let shown = text(&apply);
    assert_eq!(code(&apply), 0, "{shown}");
    assert!(shown.contains("+/- vm \"a\""), "{shown}");
    let created = shown.find("vm.a: Creation complete").expect("created");
    let destroyed = shown.find("vm.a: Destruction complete").expect("destroyed");
    assert!(created < destroyed, "the new object comes first: {shown}");
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"])),
        0
    );
}

#[test]
fn a_failure_skips_its_dependents_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let many = (0..12)
        .map(|i| format!("vm \"v{i}\" {{\n  pool   = host_pool.p\n  zone   = network_zone.z\n  cpu    = 1\n  memory = \"1GiB\"\n}}\n"))
        .collect::<String>();
    let faulty = format!(
        "provider \"sim\" {{\n  failure_rate = \"30%\"\n  seed         = 11\n}}\n{BASE}{many}"
    );
    write(dir.path(), &faulty);
    let mut failures = Vec::new();
    for _ in 0..10 {
        let apply = strata(dir.path(), &["apply", "-auto-approve"]);
        if code(&apply) == 0 {
            break;
        }
        let shown = text(&apply);
        assert!(shown.contains("(injected fault)"), "{shown}");
        assert!(shown.contains("Apply failed:"), "{shown}");
        failures.push(shown);
    }
    assert!(
        !failures.is_empty(),
        "with a 30% fault rate some call fails"
    );
    assert!(
        failures
            .iter()
            .any(|f| f.contains("skipped, because") && f.contains("Creation complete")),
        "a failure skips what depends on it while independent branches go on: {failures:#?}"
    );
    write(dir.path(), &format!("{BASE}{many}"));
    assert_eq!(code(&strata(dir.path(), &["apply", "-auto-approve"])), 0);
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"])),
        0
    );
    let list = String::from_utf8_lossy(&strata(dir.path(), &["state", "list"]).stdout)
        .lines()
        .count();
    // Two sites, two pools, a zone and the twelve VMs.
    assert_eq!(list, 5 + 12);
}

#[test]
fn state_rm_mv_and_import() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &vms(""));
    assert_eq!(code(&strata(dir.path(), &["apply", "-auto-approve"])), 0);
    let show = strata(dir.path(), &["state", "show", "vm.b"]);
    let object: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    let id = object["id"].as_str().unwrap().to_string();

    // Rename the block and move the object with it: nothing to do afterwards.
    write(dir.path(), &vms("").replace("vm \"b\"", "vm \"c\""));
    assert_eq!(
        code(&strata(dir.path(), &["state", "mv", "vm.b", "vm.c"])),
        0
    );
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"])),
        0
    );

    // Forget it, then import it again by id.
    assert_eq!(code(&strata(dir.path(), &["state", "rm", "vm.c"])), 0);
    let plan = strata(dir.path(), &["plan"]);
    assert!(
        text(&plan).contains("# vm.c will be created"),
        "{}",
        text(&plan)
    );
    let import = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["import", "vm.c", &id])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&import), 0, "{}", text(&import));
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"])),
        0
    );
}

#[test]
fn a_deposed_object_left_by_an_interrupted_replacement_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &vms(""));
    assert_eq!(code(&strata(dir.path(), &["apply", "-auto-approve"])), 0);
    // As a run killed between a create-before-destroy's create and delete leaves it.
    let path = dir.path().join(".strata/state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let objects = state["objects"].as_array_mut().unwrap();
    let mut old = objects
        .iter()
        .find(|o| o["address"] == "vm.a")
        .unwrap()
        .clone();
    old["id"] = "vm-old".into();
    old["created_at"] = 1.into();
    objects.push(old);
    std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();

    let plan = strata(dir.path(), &["plan", "-refresh=false"]);
    assert!(text(&plan).contains("will be destroyed\n  # (because it was left behind by an interrupted create_before_destroy)"), "{}", text(&plan));
    assert!(
        text(&plan).contains("Plan: 0 to add, 0 to change, 1 to destroy."),
        "{}",
        text(&plan)
    );
    assert_eq!(
        code(&strata(
            dir.path(),
            &["apply", "-auto-approve", "-refresh=false"]
        )),
        0
    );
    let list = String::from_utf8_lossy(&strata(dir.path(), &["state", "list"]).stdout).into_owned();
    assert_eq!(list.lines().filter(|l| *l == "vm.a").count(), 1, "{list}");
    assert_eq!(
        code(&strata(dir.path(), &["plan", "-detailed-exitcode"])),
        0
    );
}
