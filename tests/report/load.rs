//! A platform under load: an overloaded application, costs with their currency, and downtime
//! not seen.

use crate::common::ok;

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
