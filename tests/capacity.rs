//! End-to-end tests of `strata capacity`: the JSON and tables for the reference platform
//! (snapshots), `--k 2`, `--scenario`, variables, and the errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn strata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("strata runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn blueprint(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), body).unwrap();
    dir
}

fn path(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

const REFERENCE: &str = "blueprints/reference-platform";

fn json(args: &[&str]) -> serde_json::Value {
    let out = strata(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn reference_platform_json() {
    let value = json(&["capacity", REFERENCE, "--json"]);
    assert_eq!(value["format_version"], "1.0");
    insta::assert_json_snapshot!("capacity_reference_json", value);
}

#[test]
fn reference_platform_tables() {
    let out = strata(&["capacity", REFERENCE]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for section in [
        "Host pools",
        "HA admission control",
        "Kubernetes clusters",
        "Storage",
        "Survivability (N+1)",
        "Growth (scenario.growth",
        "Consolidation",
        "Latency under failure",
    ] {
        assert!(stdout.contains(section), "no {section:?} in:\n{stdout}");
    }
    insta::assert_snapshot!("capacity_reference_tables", stdout);
}

#[test]
fn k2_fails_every_pair_of_hosts() {
    let value = json(&["capacity", REFERENCE, "--json", "--k", "2"]);
    let s = &value["survivability"];
    assert_eq!(s["k"], 2);
    // 8, 6, 6 and 4 hosts: 28 + 15 + 15 + 6 pairs.
    assert_eq!(s["pairs"], serde_json::json!([64, 64]));
    assert!(s["pools"][0]["two_hosts"].is_string());
    let out = strata(&["capacity", REFERENCE, "-k", "2"]);
    assert!(text(&out.stdout).contains("ANY TWO HOSTS"));
    assert!(text(&out.stdout).contains("Survivability (N+2)"));
    let out = strata(&["capacity", REFERENCE, "--k", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("3"), "{}", text(&out.stderr));
}

#[test]
fn variables_change_the_figures() {
    let value = json(&["capacity", REFERENCE, "--json", "-var", "prod_workers=3"]);
    let prod = &value["clusters"][0];
    assert_eq!(prod["cluster"], "module.prod.kubernetes_cluster.this");
    assert_eq!(prod["workers"], 6);
}

#[test]
fn scenario_selects_the_growth_and_an_unknown_one_is_an_error() {
    let value = json(&["capacity", REFERENCE, "--json", "--scenario", "growth"]);
    assert_eq!(value["growth"].as_array().unwrap().len(), 1);
    let out = strata(&["capacity", REFERENCE, "--scenario", "site_loss"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("no scenario \"site_loss\" with a growth block")
            && err.contains("scenario.growth"),
        "{err}"
    );
}

#[test]
fn a_pool_that_cannot_lose_a_host_is_named_with_what_no_longer_fits() {
    let dir = blueprint(
        r#"site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {
    count  = 3
    cpu    = 1
    memory = "2GiB"
  }
  node_group "w" {
    count  = 3
    cpu    = 14
    memory = "56GiB"
  }
}
service "big" {
  cluster  = kubernetes_cluster.k
  replicas = 3
  quorum   = 3
  cpu      = 8
  memory   = "40GiB"
}
"#,
    );
    let out = strata(&["capacity", path(dir.path())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("host_pool.p      3  fails"),
        "N+1 verdict:\n{stdout}"
    );
    assert!(
        stdout.contains("host host_pool.p/host-0 (1 host(s)): fails")
            && stdout.contains("service.big: 2 of 3 running (quorum 3), 1 no longer fit"),
        "{stdout}"
    );
}

#[test]
fn admission_control_that_tolerates_a_host_loss_survivability_fails_says_why() {
    // Three hosts, three VMs of one anti-affinity group: the percentage policy finds room
    // for two hosts' worth of VMs, but the VM of a lost host has nowhere to go.
    let dir = blueprint(
        r#"site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
  ha {
    admission = "percentage"
    reserve   = "25%"
  }
}
vm "db" {
  count         = 3
  pool          = host_pool.p
  cpu           = 2
  memory        = "4GiB"
  zone          = network_zone.app
  anti_affinity = "db"
}
"#,
    );
    let stdout = text(&strata(&["capacity", path(dir.path())]).stdout);
    assert!(
        stdout.contains(
            "      but admission control tolerates 2 host failure(s), yet losing host_pool.p/host-0 fails: vm.db[0]: not restarted, anti-affinity: every surviving host already runs a VM of group db\n"
        ),
        "{stdout}"
    );
    let v = json(&["capacity", path(dir.path()), "--json"]);
    let outcome = &v["survivability"]["outcomes"][0];
    assert_eq!(outcome["why_not_restarted"][0]["why"], "anti_affinity");
    assert_eq!(outcome["why_not_restarted"][0]["group"], "db");
    assert!(v["pools"][0]["ha"]["yet"].as_str().is_some());
}

#[test]
fn a_vm_larger_than_any_hosts_free_room_is_said_so() {
    // Two hosts of 16 vCPUs, one VM of 12 on each: half the pool is free in all, yet no
    // host has 12 vCPUs free for the other's VM.
    let dir = blueprint(
        r#"site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
  overcommit {
    cpu    = 1
    memory = 1
  }
  ha {
    admission = "disabled"
  }
}
vm "big" {
  count  = 2
  pool   = host_pool.p
  cpu    = 12
  memory = "8GiB"
  zone   = network_zone.app
}
"#,
    );
    let stdout = text(&strata(&["capacity", path(dir.path())]).stdout);
    assert!(
        stdout.contains("not restarted, larger than the free room of any one surviving host"),
        "{stdout}"
    );
}

#[test]
fn a_domain_that_stops_only_non_production_is_said_so() {
    // A test cluster (purpose written as "test") alone on its site.
    let dir = blueprint(
        r#"site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = 1
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
kubernetes_cluster "k" {
  pool    = host_pool.p
  zone    = network_zone.app
  purpose = "test"
  control_plane {
    count  = 1
    cpu    = 1
    memory = "2GiB"
  }
  node_group "w" {
    count  = 1
    cpu    = 4
    memory = "8GiB"
  }
}
"#,
    );
    let stdout = text(&strata(&["capacity", path(dir.path())]).stdout);
    assert!(
        stdout.contains("site site.dc (1 host(s)): fails (production: survives)")
            && stdout
                .contains("      non-production: kubernetes_cluster.k: control plane lost quorum"),
        "{stdout}"
    );
}

#[test]
fn blueprint_errors_stop_it() {
    let dir = blueprint("site \"dc\" {}\nhost_pool \"p\" {\n  site = site.dc\n}\n");
    let out = strata(&["capacity", path(dir.path())]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("Missing required attribute"), "{err}");
    assert!(err.contains("fix them before planning capacity"), "{err}");
}
