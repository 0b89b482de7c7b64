//! The simulated datacenter stays honest: `strata sim drift` holds only values the kind
//! could, the world follows `strata state mv`, `strata sim show` prints tables with units
//! (JSON with `-json`), a VM moved to another pool of its site migrates live (an update in
//! place, not a replacement), and reordering an environment's services is no change.

use std::path::Path;
use std::process::{Command, Output};

fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = strata(dir, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Two sites, two pools in dc1 and one in dc2; a VM on `pool`; a cluster, two services
/// and an environment cloning `services`.
fn blueprint(pool: &str, services: &str) -> String {
    format!(
        r#"site "dc1" {{}}
site "dc2" {{}}

host_pool "a" {{
  site  = site.dc1
  hosts = 3
  host {{
    cpu    = 32
    memory = "256GiB"
  }}
}}

host_pool "b" {{
  site  = site.dc1
  hosts = 2
  host {{
    cpu    = 32
    memory = "256GiB"
  }}
}}

host_pool "far" {{
  site  = site.dc2
  hosts = 2
  host {{
    cpu    = 32
    memory = "256GiB"
  }}
}}

network_zone "app" {{
  cidr = "10.10.0.0/16"
}}

vm "db" {{
  pool   = host_pool.{pool}
  zone   = network_zone.app
  cpu    = 4
  memory = "16GiB"
}}

kubernetes_cluster "k" {{
  pool = host_pool.a
  zone = network_zone.app
  control_plane {{
    count = 3
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
  cpu      = 1
  memory   = "1GiB"
}}

service "web" {{
  cluster  = kubernetes_cluster.k
  replicas = 2
  cpu      = 1
  memory   = "1GiB"
}}

environment "uat" {{
  cluster  = kubernetes_cluster.k
  ttl      = "72h"
  services = [{services}]
}}
"#
    )
}

fn applied(pool: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.hcl"),
        blueprint(pool, "service.api, service.web"),
    )
    .unwrap();
    // One call at a time: the same ids and hosts on every run.
    ok(dir.path(), &["apply", "-auto-approve", "-parallelism=1"]);
    dir
}

#[test]
fn drift_holds_only_what_the_kind_could() {
    let dir = applied("a");
    for (change, phrase) in [
        ("replicas=-3", "\"replicas\" must be at least 0, but is -3"),
        ("memory=lots", "size \"lots\" does not start with a number"),
        ("colour=blue", "A service has no attribute \"colour\""),
        (
            "cluster=site.dc1",
            "must be the address of kubernetes_cluster",
        ),
        ("port=70000", "\"port\""),
    ] {
        let out = strata(dir.path(), &["sim", "drift", "service.api", change]);
        assert_eq!(out.status.code(), Some(1), "{change}: {}", text(&out));
        assert!(
            text(&out).contains(&format!(
                "service.api cannot take {}",
                change.replace('=', " = ")
            )) || text(&out).contains("service.api cannot take"),
            "{change}: {}",
            text(&out)
        );
        assert!(text(&out).contains(phrase), "{change}: {}", text(&out));
    }
    // Nothing of it reached the world: the next plan sees no drift.
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    // A value the kind could hold is drift, and the plan puts it back.
    ok(dir.path(), &["sim", "drift", "service.api", "replicas=3"]);
    ok(dir.path(), &["sim", "drift", "vm.db", "memory=\"32GiB\""]);
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    assert!(text(&plan).contains("replicas = 3 -> 2"), "{}", text(&plan));
}

#[test]
fn the_world_follows_state_mv_and_show_prints_tables() {
    let dir = applied("a");
    ok(dir.path(), &["state", "mv", "service.web", "service.front"]);
    let tables = ok(dir.path(), &["sim", "show"]);
    assert!(
        tables.contains("service.front") && !tables.contains("service.web"),
        "{tables}"
    );
    for heading in [
        "Host pools (vCPU after overcommit)",
        "POOL           ID           HOSTS  CPU USED / TOTAL  MEMORY USED / TOTAL",
        "Hosts",
        "Kubernetes clusters (pod requests on worker nodes)",
        "Network zones",
        "Objects",
    ] {
        assert!(tables.contains(heading), "{heading:?} in:\n{tables}");
    }
    assert!(tables.contains(" GiB / 768 GiB"), "{tables}");
    insta::assert_snapshot!(tables);
    let json: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["sim", "show", "-json"])).unwrap();
    let addresses: Vec<&str> = json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["address"].as_str().unwrap())
        .collect();
    assert!(addresses.contains(&"service.front") && !addresses.contains(&"service.web"));
    // The world and the state agree: drift reaches the moved object by its new address.
    ok(dir.path(), &["sim", "drift", "service.front", "replicas=4"]);
}

#[test]
fn a_vm_moved_to_another_pool_of_its_site_migrates_live() {
    let dir = applied("a");
    let before: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["state", "show", "vm.db"])).unwrap();
    std::fs::write(
        dir.path().join("main.hcl"),
        blueprint("b", "service.api, service.web"),
    )
    .unwrap();
    let plan = ok(dir.path(), &["plan"]);
    assert!(plan.contains("# vm.db will be updated in-place"), "{plan}");
    assert!(!plan.contains("forces replacement"), "{plan}");
    ok(dir.path(), &["apply", "-auto-approve"]);
    let after: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["state", "show", "vm.db"])).unwrap();
    assert_eq!(after["id"], before["id"], "the same VM, moved");
    assert_eq!(after["attributes"]["pool"], "host_pool.b");
    let tables = ok(dir.path(), &["sim", "show"]);
    let guests_on_b: u32 = tables
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|cells| {
            cells.len() > 3 && cells[0] == "host_pool.b" && cells[1].starts_with("host-")
        })
        .map(|cells| cells[3].parse::<u32>().unwrap())
        .sum();
    assert_eq!(guests_on_b, 1, "{tables}");
    // Another site is another vCenter datacenter: the VM is replaced.
    std::fs::write(
        dir.path().join("main.hcl"),
        blueprint("far", "service.api, service.web"),
    )
    .unwrap();
    let plan = ok(dir.path(), &["plan"]);
    assert!(plan.contains("# vm.db must be replaced"), "{plan}");
}

/// A VM that leaves a pool which is itself replaced is replaced too: its old pool cannot
/// be deleted while the VM is on it, and a live move would have to come first.
#[test]
fn a_vm_leaving_a_replaced_pool_is_replaced_with_it() {
    let dir = applied("b");
    let moved_site = blueprint("a", "service.api, service.web").replace(
        "host_pool \"b\" {\n  site  = site.dc1",
        "host_pool \"b\" {\n  site  = site.dc2",
    );
    assert!(moved_site.contains("site  = site.dc2\n  hosts = 2\n  host {\n    cpu    = 32\n    memory = \"256GiB\"\n  }\n}\n\nhost_pool \"far\""));
    std::fs::write(dir.path().join("main.hcl"), moved_site).unwrap();
    let plan = ok(dir.path(), &["plan"]);
    assert!(plan.contains("# host_pool.b must be replaced"), "{plan}");
    assert!(plan.contains("# vm.db must be replaced"), "{plan}");
    ok(dir.path(), &["apply", "-auto-approve"]);
    let after: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["state", "show", "vm.db"])).unwrap();
    assert_eq!(after["attributes"]["pool"], "host_pool.a");
    let again = ok(dir.path(), &["plan", "-detailed-exitcode"]);
    assert!(again.contains("No changes"), "{again}");
}

#[test]
fn reordering_an_environments_services_is_no_change() {
    let dir = applied("a");
    std::fs::write(
        dir.path().join("main.hcl"),
        blueprint("a", "service.web, service.api"),
    )
    .unwrap();
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    assert!(text(&plan).contains("No changes."), "{}", text(&plan));
    // Dropping one is a change.
    std::fs::write(dir.path().join("main.hcl"), blueprint("a", "service.web")).unwrap();
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
}
