//! Several blueprints in one report: a comparison with deltas beyond the noise, VMs against
//! Kubernetes, and the phases of one blueprint under variable files.

use crate::common::{REFERENCE, ok, without_commit};

#[test]
fn compare_shows_both_blueprints_and_deltas() {
    let mut args = REFERENCE.to_vec();
    args.extend([
        "--format",
        "md",
        "--compare",
        "blueprints/reference-platform",
    ]);
    let md = ok(&args);
    assert_eq!(
        md.matches("## Strata report: reference-platform").count(),
        2
    );
    assert!(md.contains("## reference-platform and reference-platform side by side"));
    // The same design twice: nothing is marked as a change.
    let side = &md[md.find("side by side").unwrap()..];
    assert!(side.contains("| Hosts | 24 | 24 | 0 |"), "{side}");
    assert!(!side.contains("**"), "{side}");
    assert!(side.contains("| no change beyond the noise |"));

    let mut args = REFERENCE.to_vec();
    args.extend([
        "--format",
        "json",
        "--compare",
        "blueprints/reference-platform",
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
    assert_eq!(json["delta"]["hosts"], 0);
    assert_eq!(json["base"]["blueprint"], "reference-platform");
    assert_eq!(json["delta"]["services"][0]["availability_delta"], 0.0);
    assert_eq!(json["delta"]["services"][0]["differs"], false);
}

#[test]
fn compare_marks_only_what_changed_beyond_the_noise() {
    // Phase 1: 3 hosts, 2 replicas; phase 2: 5 hosts, 4 replicas, under the same seed.
    let dirs: Vec<tempfile::TempDir> = [("3", "2"), ("5", "4")]
        .iter()
        .map(|(hosts, replicas)| {
            let dir = tempfile::tempdir().unwrap();
            let main = PHASED
                .replacen("default = 3", &format!("default = {hosts}"), 1)
                .replacen("default = 2", &format!("default = {replicas}"), 1);
            std::fs::write(dir.path().join("main.hcl"), main).unwrap();
            dir
        })
        .collect();
    let path = |i: usize| dirs[i].path().to_str().unwrap().to_string();
    let (a, b) = (path(0), path(1));
    let md = ok(&[
        "report",
        &a,
        "--compare",
        &b,
        "--format",
        "md",
        "--replications",
        "40",
    ]);
    let line = |label: &str| {
        md.lines()
            .rfind(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no {label} line in {md}"))
            .to_string()
    };
    assert!(line("Hosts").ends_with("| 3 | 5 | **+2** |"), "{md}");
    assert!(line("VMs").ends_with("| 0 | 0 | 0 |"), "{md}");
    assert!(line("Kubernetes nodes").contains("| 3 | 3 |"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "report",
        &a,
        "--compare",
        &b,
        "--format",
        "json",
        "--replications",
        "40",
    ]))
    .unwrap();
    for s in json["delta"]["services"].as_array().unwrap() {
        let ci = |i: usize| {
            let c = &s["availability_ci95"][i];
            [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]
        };
        let (x, y) = (ci(0), ci(1));
        let apart = x[1] < y[0] || y[1] < x[0];
        assert_eq!(s["differs"], apart, "{s}");
        let row = line(&format!("`{}`", s["address"].as_str().unwrap()));
        assert_eq!(row.contains("**"), apart, "{row}");
        if !apart {
            assert!(row.ends_with("| no change beyond the noise |"), "{row}");
        }
    }
}

#[test]
fn vm_versus_kubernetes_side_by_side() {
    let args = [
        "report",
        "blueprints/vm-vs-k8s",
        "--replications",
        "200",
        "--seed",
        "7",
    ];
    let mut md = args.to_vec();
    md.extend(["--format", "md"]);
    let md = ok(&md);
    assert!(
        md.contains("Today on VMs against after migration on Kubernetes"),
        "{md}"
    );
    let md = without_commit(&md).replace(", with changes not committed", "");
    insta::assert_snapshot!("report_vm_vs_k8s_markdown", md);
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&json)).unwrap();
    let pair = &json["migrations"][0];
    assert_eq!(pair["today"]["address"], "service.payments_vm");
    assert_eq!(pair["today"]["runs_on"], "VMs (vSphere HA)");
    assert_eq!(pair["after"][0]["address"], "service.payments");
    assert_eq!(pair["after"][0]["runs_on"], "kubernetes_cluster.prod");
    // The pair's figures are the rows of the simulation.
    let rows = json["services"].as_array().unwrap();
    let row = |a: &str| rows.iter().find(|r| r["address"] == a).unwrap();
    assert_eq!(
        pair["today"]["availability"],
        row("service.payments_vm")["availability"]
    );
    let mut html = args.to_vec();
    html.extend(["--format", "html"]);
    let html = ok(&html);
    assert!(html.contains("<h3>Today on VMs, after migration on Kubernetes</h3>"));
}

/// A blueprint whose hosts and replicas are variables, with one scenario.
const PHASED: &str = r#"
variable "hosts" {
  type    = number
  default = 3
}
variable "replicas" {
  type    = number
  default = 2
}
site "dc" {}
network_zone "app" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.dc
  hosts = var.hosts
  cost  = 1000
  host {
    cpu    = 32
    memory = "128GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {
    count  = 1
    cpu    = 2
    memory = "4GiB"
  }
  node_group "w" {
    count  = 2
    cpu    = 8
    memory = "32GiB"
  }
}
service "api" {
  cluster  = kubernetes_cluster.k
  replicas = var.replicas
  quorum   = 1
  cpu      = 1
  memory   = "1GiB"
  target   = 0.999
}
scenario "hosts" {
  horizon      = "1y"
  replications = 20
  seed         = 1
  failures {
    host {
      mtbf = "2000h"
      mttr = "8h"
    }
  }
}
"#;

#[test]
fn phases_of_one_blueprint_under_variable_files_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), PHASED).unwrap();
    let phase1 = dir.path().join("phase1.tfvars");
    let phase2 = dir.path().join("phase2.tfvars");
    std::fs::write(&phase1, "hosts = 4\nreplicas = 3\n").unwrap();
    std::fs::write(&phase2, "hosts = 5\nreplicas = 4\n").unwrap();
    let run = |format: &str| {
        ok(&[
            "report",
            dir.path().to_str().unwrap(),
            "--phase-var-file",
            phase1.to_str().unwrap(),
            "--phase-var-file",
            phase2.to_str().unwrap(),
            "--format",
            format,
        ])
    };
    let md = run("md");
    let base = dir.path().file_name().unwrap().to_str().unwrap();
    assert!(md.starts_with("## Phases side by side"), "{md}");
    assert!(
        md.contains(&format!("| Row | {base} | phase1 | phase2 |")),
        "{md}"
    );
    assert!(md.contains("| Hosts | 3 | 4 | 5 |"), "{md}");
    assert!(md.contains("| VMs | 0 | 0 | 0 |"), "{md}");
    assert!(md.contains("| Kubernetes nodes | 3 | 3 | 3 |"), "{md}");
    assert!(
        md.contains("| Cost per year | 3,000 (currency not set) | 4,000 (currency not set) | 5,000 (currency not set) |"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let phases = json["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3);
    assert_eq!(phases[2]["name"], "phase2");
    assert_eq!(phases[2]["report"]["totals"]["hosts"], 5);
    let html = run("html");
    assert!(html.contains("<h2>Phases side by side</h2>"));
    for chart in ["Availability (nines)", "Hosts", "Cost per year"] {
        assert!(
            html.contains(&format!("<title>{chart}</title>")),
            "no {chart} trend chart"
        );
    }
}

#[test]
fn three_blueprints_are_phases_two_are_a_comparison() {
    let dirs: Vec<tempfile::TempDir> = (3..6)
        .map(|hosts| {
            let dir = tempfile::tempdir().unwrap();
            let body = PHASED.replace("default = 3", &format!("default = {hosts}"));
            std::fs::write(dir.path().join("main.hcl"), body).unwrap();
            dir
        })
        .collect();
    let path = |i: usize| dirs[i].path().to_str().unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["report", path(0), "--format", "json"];
        all.extend(args);
        serde_json::from_str(&ok(&all)).unwrap()
    };
    let two = json(&["--compare", path(1)]);
    assert!(two["delta"].is_object() && two.get("phases").is_none());
    let three = json(&["--compare", path(1), "--compare", path(2)]);
    let hosts: Vec<i64> = three["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["report"]["totals"]["hosts"].as_i64().unwrap())
        .collect();
    assert_eq!(hosts, [3, 4, 5]);
}
