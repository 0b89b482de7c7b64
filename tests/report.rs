//! End-to-end tests of `strata report`: snapshots of the reference platform's JSON and
//! Markdown reports (few replications, fixed seed), a self-contained HTML page with its
//! charts, a comparison of two blueprints, and the errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn strata(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
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

#[test]
fn reference_json() {
    let json: serde_json::Value = serde_json::from_str(&reference("json")).unwrap();
    assert_eq!(json["scenario"], "site_loss");
    assert_eq!(json["replications"], 8);
    insta::assert_json_snapshot!("report_reference_json", json);
}

#[test]
fn reference_markdown() {
    let md = reference("md");
    assert!(md.starts_with("## Strata report: reference-platform"));
    insta::assert_snapshot!("report_reference_markdown", md);
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
    assert!(md.contains("## Deltas"));
    assert!(
        md.contains("Hosts 0, cost per year 0, failing domains 0."),
        "{md}"
    );

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
