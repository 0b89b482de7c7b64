//! End-to-end tests of `strata report`: snapshots of the reference platform's JSON and
//! Markdown reports (few replications, fixed seed), a self-contained HTML page with its
//! charts, a comparison of two blueprints, and the errors.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The fixed generation time of every report in these tests (`SOURCE_DATE_EPOCH`).
const EPOCH: &str = "1700000000";

fn strata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("strata runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `strata` and returns its stdout, which must succeed.
fn ok(args: &[&str]) -> String {
    let out = strata(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

const REFERENCE: [&str; 8] = [
    "report",
    "blueprints/reference-platform",
    "--scenario",
    "site_loss",
    "--replications",
    "8",
    "--seed",
    "42",
];

fn reference(format: &str) -> String {
    let mut args = REFERENCE.to_vec();
    args.extend(["--format", format]);
    ok(&args)
}

/// The commit `git rev-parse HEAD` gives in the blueprints' folder (one repository for
/// all of them), if any.
fn reference_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("blueprints/reference-platform"),
        )
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| text(&out.stdout).trim().to_string())
}

/// The report's text with the blueprint's commit (which changes with every commit of
/// this repository) replaced by `[commit]`.
fn without_commit(report: &str) -> String {
    match reference_commit() {
        Some(c) => report.replace(&c, "[commit]"),
        None => report.replace(
            "none (the blueprint is not in a git repository)",
            "[commit]",
        ),
    }
}

#[test]
fn reference_json() {
    let mut json: serde_json::Value = serde_json::from_str(&reference("json")).unwrap();
    assert_eq!(json["scenario"], "site_loss");
    assert_eq!(json["replications"], 8);
    let p = &json["provenance"];
    assert_eq!(p["generated_at"], "2023-11-14T22:13:20Z");
    assert_eq!(p["strata_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["commit"].as_str().map(str::to_string), reference_commit());
    json["provenance"]["commit"] = "[commit]".into();
    json["provenance"]["uncommitted_changes"] = "[depends on the working tree]".into();
    insta::assert_json_snapshot!("report_reference_json", json);
}

#[test]
fn reference_markdown() {
    let md = reference("md");
    assert!(md.starts_with("## Strata report: reference-platform"));
    let md = without_commit(&md).replace(", with changes not committed", "");
    insta::assert_snapshot!("report_reference_markdown", md);
}

#[test]
fn the_first_page_says_what_breaks_and_why() {
    let json: serde_json::Value = serde_json::from_str(&reference("json")).unwrap();
    let page = &json["first_page"];
    assert_eq!(
        page["headline"][0],
        "Losing site site.dc1 (18 hosts) stops every production service (15) for 6 h (as scenario site_loss injects it); storage.ceph is unavailable with it, not lost."
    );
    let production: Vec<&str> = page["production"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        production,
        ["site.dc1", "rack.dc1[0]", "rack.dc1[1]", "site.dc2"]
    );
    let dc1 = &page["production"][0]["reasons"];
    let reasons: Vec<&str> = dc1
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"vm.core_banking[0]: not restarted, no host of its pool survives"));
    assert!(reasons.contains(&"module.prod.kubernetes_cluster.this: control plane lost quorum"));
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("storage.ceph: unavailable: every copy"))
    );
    assert!(
        !reasons
            .iter()
            .any(|r| r.contains("lost (") || r.contains("data lost"))
    );
    // The UAT and SIT environments and the test cluster are listed apart: dc2 fails for
    // production because of its bastion VM only.
    let dc2 = &page["production"][3]["reasons"];
    assert_eq!(dc2.as_array().unwrap().len(), 1, "{dc2}");
    let non_production = &page["non_production"][0];
    assert_eq!(non_production["domain"], "site.dc2");
    assert!(
        non_production["unavailable"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.as_str().unwrap().starts_with("environment."))
    );
    // The same reasons as `strata capacity` prints for the domain.
    let capacity = ok(&["capacity", "blueprints/reference-platform"]);
    for r in &reasons {
        assert!(
            capacity.contains(&format!("      {r}\n")),
            "{r} not in capacity's output"
        );
    }
}

/// A blueprint whose one service takes `rps` requests per second at peak.
fn loaded(rps: u32) -> String {
    format!(
        r#"
site "dc" {{}}
network_zone "app" {{ cidr = "10.0.0.0/16" }}
host_pool "p" {{
  site  = site.dc
  hosts = 3
  host {{
    cpu    = 32
    memory = "128GiB"
  }}
}}
kubernetes_cluster "k" {{
  pool = host_pool.p
  zone = network_zone.app
  control_plane {{
    count  = 1
    cpu    = 2
    memory = "4GiB"
  }}
  node_group "w" {{
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }}
}}
service "api" {{
  cluster  = kubernetes_cluster.k
  replicas = 2
  quorum   = 1
  cpu      = 1
  memory   = "1GiB"
  load {{
    rps          = {rps}
    service_time = "100ms"
    concurrency  = 1
  }}
}}
scenario "hosts" {{
  horizon      = "1y"
  replications = 4
  seed         = 1
  failures {{
    host {{
      mtbf = "2000h"
      mttr = "8h"
    }}
  }}
}}
"#
    )
}

/// The HTML report of [`loaded`] at `rps`.
fn loaded_report(rps: u32, format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), loaded(rps)).unwrap();
    ok(&["report", dir.path().to_str().unwrap(), "--format", format])
}

#[test]
fn an_overloaded_application_changes_the_report() {
    // Two replicas serving 10 requests a second each: 15 rps is 75%, 40 rps is 200%.
    let calm = loaded_report(15, "html");
    let busy = loaded_report(40, "html");
    assert_ne!(calm, busy);
    assert!(calm.contains("<h3>Load"));
    assert!(!calm.contains("is overloaded at peak"));
    assert!(calm.contains("service.api</span> is overloaded after losing host host_pool.p"));
    assert!(
        busy.contains("service.api</span> is overloaded at peak: 200% of what its replicas serve")
    );
    let json: serde_json::Value = serde_json::from_str(&loaded_report(40, "json")).unwrap();
    assert_eq!(json["load"][0]["utilisation_percent"], 200.0);
    assert_eq!(json["load"][0]["response_ms"], serde_json::Value::Null);
    assert_eq!(json["first_page"]["overloads"][0]["when"], "at peak");
    let json: serde_json::Value = serde_json::from_str(&loaded_report(15, "json")).unwrap();
    assert_eq!(json["load"][0]["utilisation_percent"], 75.0);
    // One host lost leaves one replica: 150%, overloaded after the failure only.
    assert_eq!(
        json["first_page"]["overloads"][0]["when"]
            .as_str()
            .unwrap()
            .split(" host_pool")
            .next(),
        Some("after losing host")
    );
}

#[test]
fn costs_carry_their_currency_and_thousands_separators() {
    let dir = tempfile::tempdir().unwrap();
    let main = loaded(15).replace("  hosts = 3\n", "  hosts = 3\n  cost  = 1234567\n");
    std::fs::write(
        dir.path().join("main.hcl"),
        format!("strata {{\n  currency = \"EUR\"\n}}\n{main}"),
    )
    .unwrap();
    let md = ok(&["report", dir.path().to_str().unwrap(), "--format", "md"]);
    assert!(md.contains("cost per year: EUR 3,703,701."), "{md}");
    std::fs::write(dir.path().join("main.hcl"), &main).unwrap();
    let md = ok(&["report", dir.path().to_str().unwrap(), "--format", "md"]);
    assert!(
        md.contains("cost per year: 3,703,701 (currency not set)."),
        "{md}"
    );
    // Outside a git repository, the report says there is no commit.
    assert!(
        md.contains("blueprint commit none (the blueprint is not in a git repository)"),
        "{md}"
    );
    assert!(md.contains("Generated 2023-11-14T22:13:20Z by Strata"));
}

#[test]
fn no_downtime_seen_is_said_with_what_the_years_allow() {
    // No failures at all: 4 replications of a year, no downtime; the rule of three gives
    // −ln(0.05) / 4 ≈ 0.75 outages a year.
    let dir = tempfile::tempdir().unwrap();
    let main = loaded(15).replace("      mtbf = \"2000h\"\n", "      mtbf = \"2000000h\"\n");
    std::fs::write(dir.path().join("main.hcl"), main).unwrap();
    let html = ok(&["report", dir.path().to_str().unwrap(), "--seed", "3"]);
    assert!(!html.contains("∞"));
    assert!(
        html.contains("no downtime seen (&lt; 0.75 outages a year at 95%)"),
        "{html}"
    );
}

#[test]
fn html_is_one_self_contained_page_with_charts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    let mut args = REFERENCE.to_vec();
    args.extend(["--format", "html", "-o", file.to_str().unwrap()]);
    let out = ok(&args);
    assert!(out.contains("Wrote"), "{out}");
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(!html.contains("<link"), "no external stylesheet");
    let without_xmlns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_xmlns.contains("http://") && !without_xmlns.contains("https://"));
    // Availability, downtime, capacity over time, consolidation hosts and cost.
    assert_eq!(html.matches("<svg").count(), 5, "{html}");
    assert_eq!(html.matches("</svg>").count(), 5);
    assert!(html.contains("Executive summary"));
    assert!(html.contains("stroke-dasharray"), "the exhaustion line");
}

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
fn an_unknown_scenario_fails_plainly() {
    let out = strata(&[
        "report",
        "blueprints/reference-platform",
        "--scenario",
        "nope",
        "--format",
        "md",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
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
