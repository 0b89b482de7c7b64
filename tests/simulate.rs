//! End-to-end tests of `strata simulate`: exact downtimes of injected failures, the same
//! JSON for any number of threads, shards merged into exactly the unsharded outcome, the
//! reference platform's site loss, and the errors.

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

/// Runs `strata` and returns its stdout, which must succeed.
fn ok(args: &[&str]) -> String {
    let out = strata(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(args)).expect("JSON on stdout")
}

fn row<'a>(outcome: &'a serde_json::Value, address: &str) -> &'a serde_json::Value {
    outcome["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["address"] == address)
        .unwrap_or_else(|| panic!("no row {address} in {outcome}"))
}

const REFERENCE: &str = "blueprints/reference-platform";

/// Three hosts; a control-plane node and two workers; `web` (stateless, one replica) on
/// w-0 on host-1; hosts too small for HA to restart a worker elsewhere.
const SMALL: &str = r#"
site "a" {}
network_zone "z" { cidr = "10.0.0.0/16" }
host_pool "p" {
  site  = site.a
  hosts = 3
  host {
    cpu    = 8
    memory = "16GiB"
  }
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.z
  control_plane {
    count  = 1
    cpu    = 2
    memory = "4GiB"
  }
  node_group "w" {
    count  = 2
    cpu    = 8
    memory = "16GiB"
  }
}
service "web" {
  cluster  = kubernetes_cluster.k
  replicas = 1
  cpu      = 1
  memory   = "1GiB"
}
service "front" {
  cluster  = kubernetes_cluster.k
  replicas = 2
  requires = [service.web]
}
scenario "node_loss" {
  horizon      = "1d"
  replications = 3
  inject {
    at   = "2h"
    fail = host_pool.p
    host = 1
    for  = "1h"
  }
}
scenario "random" {
  horizon      = "365d"
  replications = 30
  seed         = 5
  failures {
    host {
      mtbf = "3000h"
      mttr = "6h"
    }
    node {
      mtbf         = "2000h"
      mttr         = "30m"
      distribution = "lognormal"
      sigma        = 0.8
    }
    replica {
      mtbf         = "700h"
      mttr         = "1m"
      distribution = "weibull"
      shape        = 1.5
    }
  }
}
"#;

#[test]
fn a_stateless_pod_on_a_lost_node_is_down_for_grace_eviction_and_start() {
    let dir = blueprint(SMALL);
    let outcome = json(&[
        "simulate",
        path(dir.path()),
        "--scenario",
        "node_loss",
        "--json",
    ]);
    // 50 s + 300 s + 30 s in each of the three replications; front needs web.
    for address in ["service.web", "service.front"] {
        let web = row(&outcome, address);
        assert_eq!(web["tally"]["downtime_ms"], "1140000", "{address}");
        assert_eq!(web["tally"]["outages"], 3);
        assert_eq!(web["outage_minutes"]["max"], 380.0 / 60.0);
    }
    assert_eq!(row(&outcome, "kubernetes_cluster.k")["tally"]["outages"], 0);
}

#[test]
fn the_same_seed_gives_the_same_json_on_one_and_two_threads() {
    let dir = blueprint(SMALL);
    let dir = path(dir.path());
    let args = |threads| {
        ok(&[
            "simulate",
            dir,
            "--scenario",
            "random",
            "--json",
            "--threads",
            threads,
        ])
    };
    let one = args("1");
    assert_eq!(one, args("2"));
    let value: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(value["replications"], 30);
    assert!(value["events"].as_u64().unwrap() > 1000);
    // Another seed gives other figures.
    let other = ok(&[
        "simulate",
        dir,
        "--scenario",
        "random",
        "--json",
        "--seed",
        "6",
    ]);
    assert_ne!(one, other);
}

#[test]
fn shards_merge_into_exactly_the_unsharded_outcome() {
    let dir = blueprint(SMALL);
    let bp = path(dir.path());
    let whole = ok(&["simulate", bp, "--scenario", "random", "--json"]);
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for k in ["1/2", "0/2"] {
        let shard = ok(&[
            "simulate",
            bp,
            "--scenario",
            "random",
            "--json",
            "--shard",
            k,
        ]);
        let value: serde_json::Value = serde_json::from_str(&shard).unwrap();
        assert_eq!(value["replications"], 15);
        assert_eq!(value["shard"]["replications_total"], 30);
        let file = out.path().join(format!("shard-{}.json", &k[..1]));
        std::fs::write(&file, shard).unwrap();
        files.push(file.to_str().unwrap().to_string());
    }
    let merged = ok(&["simulate", "merge", &files[0], &files[1], "--json"]);
    assert_eq!(merged, whole);
    // The tables of a merge, and a missing shard.
    let tables = ok(&["simulate", "merge", &files[0], &files[1]]);
    assert!(
        tables.contains("Scenario random: 30 replications"),
        "{tables}"
    );
    let missing = strata(&["simulate", "merge", &files[0], "--json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("shard 0 of 2 is missing"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn the_worst_replication_reruns_alone_with_replication() {
    let dir = blueprint(SMALL);
    let bp = path(dir.path());
    let whole = json(&["simulate", bp, "--scenario", "random", "--json"]);
    let worst = &row(&whole, "service.web")["worst_replication"];
    let index = worst["replication"].as_u64().unwrap();
    let alone = json(&[
        "simulate",
        bp,
        "--scenario",
        "random",
        "--json",
        "--replication",
        &index.to_string(),
    ]);
    assert_eq!(alone["replications"], 1);
    let web = row(&alone, "service.web");
    assert_eq!(web["availability"]["mean"], worst["availability"]);
    assert_eq!(web["worst_replication"]["replication"], index);
    // A replication the run does not have, and one beside --shard.
    let missing = strata(&[
        "simulate",
        bp,
        "--scenario",
        "random",
        "--replication",
        "30",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("the run has 30 replications, numbered 0 to 29"),
        "{}",
        text(&missing.stderr)
    );
    let both = strata(&["simulate", bp, "--replication", "1", "--shard", "0/2"]);
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
}

#[test]
fn reference_platform_site_loss() {
    let outcome = json(&[
        "simulate",
        REFERENCE,
        "--scenario",
        "site_loss",
        "--replications",
        "20",
        "--json",
    ]);
    assert_eq!(outcome["scenario"], "site_loss");
    assert_eq!(outcome["seed"], 7);
    assert_eq!(outcome["replications"], 20);
    assert!(outcome["events"].as_u64().unwrap() > 0);
    let services = outcome["services"].as_array().unwrap();
    assert!(services.len() > 15);
    for s in services {
        let a = &s["availability"];
        let (mean, low, high) = (
            a["mean"].as_f64().unwrap(),
            a["ci95"][0].as_f64().unwrap(),
            a["ci95"][1].as_f64().unwrap(),
        );
        assert!(
            low <= mean && mean <= high && high <= 1.0 && low > 0.99,
            "{s}"
        );
        assert!(s["downtime_minutes_per_year"]["mean"].as_f64().unwrap() >= 0.0);
        assert!(s["outages_per_year"]["mean"].as_f64().unwrap() >= 0.0);
    }
    // dc1 is dark for 6 h: production is down that long, plus a VM boot and a pod start.
    let postgres = row(&outcome, "service.postgres");
    let minutes = postgres["downtime_minutes_per_year"]["mean"]
        .as_f64()
        .unwrap();
    assert!((362.5..400.0).contains(&minutes), "{minutes}");
    let test = row(&outcome, "module.nonprod[\"test\"].kubernetes_cluster.this");
    assert!(test["downtime_minutes_per_year"]["mean"].as_f64().unwrap() < 10.0);
    assert!(
        row(&outcome, "storage.ceph/data_at_risk")["outages_per_year"]["mean"]
            .as_f64()
            .unwrap()
            >= 1.0
    );

    let tables = ok(&[
        "simulate",
        REFERENCE,
        "--scenario",
        "site_loss",
        "--replications",
        "5",
        "--horizon",
        "90d",
    ]);
    for part in [
        "Scenario site_loss: 5 replications of 90d, seed 7",
        "Services (",
        "service.postgres",
        "99.99% MISSED",
        "Clusters (",
        "module.prod.kubernetes_cluster.this",
        "Storage (",
        "Data at risk",
        "simulated years/s",
    ] {
        assert!(tables.contains(part), "{part} not in\n{tables}");
    }
}

#[test]
fn errors() {
    let dir = blueprint(SMALL);
    let bp = path(dir.path());
    let unknown = strata(&["simulate", bp, "--scenario", "nope"]);
    assert_eq!(unknown.status.code(), Some(1));
    let stderr = text(&unknown.stderr);
    assert!(
        stderr.contains("no scenario \"nope\" (it has node_loss, random)"),
        "{stderr}"
    );
    let ambiguous = strata(&["simulate", bp]);
    assert_eq!(ambiguous.status.code(), Some(1));
    assert!(text(&ambiguous.stderr).contains("--scenario"));
    let shard = strata(&["simulate", bp, "--scenario", "random", "--shard", "2/2"]);
    assert_eq!(shard.status.code(), Some(2));
    let horizon = strata(&["simulate", bp, "--scenario", "random", "--horizon", "soon"]);
    assert_eq!(horizon.status.code(), Some(1));
    // Each replica fits a node, but not all three do: the third has no room.
    let unplaceable = blueprint(&SMALL.replace(
        "replicas = 2\n  requires",
        "replicas = 3\n  memory   = \"9GiB\"\n  requires",
    ));
    let out = strata(&["simulate", path(unplaceable.path()), "--scenario", "random"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("no node of kubernetes_cluster.k has room for replica 3 of service.front"),
        "{}",
        text(&out.stderr)
    );
    let garbage = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(garbage.path(), "{}").unwrap();
    let out = strata(&["simulate", "merge", garbage.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn vm_versus_kubernetes_migration_table() {
    let out = ok(&[
        "simulate",
        "blueprints/vm-vs-k8s",
        "--replications",
        "100",
        "--seed",
        "3",
    ]);
    let table = out
        .split("Migration (the same application today and after migration)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no migration table in:\n{out}"));
    let lines: Vec<&str> = table.lines().take(3).collect();
    assert!(lines[0].contains("APPLICATION") && lines[0].contains("RUNS ON"));
    assert!(
        lines[1].contains("service.payments_vm")
            && lines[1].contains("today")
            && lines[1].contains("VMs (vSphere HA)"),
        "{table}"
    );
    assert!(
        lines[2].contains("→ service.payments")
            && lines[2].contains("after migration")
            && lines[2].contains("kubernetes_cluster.prod"),
        "{table}"
    );
}
