//! The reference platform's report: JSON and Markdown snapshots, the first page, the
//! self-contained HTML page, and an unknown scenario.

use crate::common::reference_commit;
use crate::common::{REFERENCE, ok, reference, strata, text, without_commit};

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
