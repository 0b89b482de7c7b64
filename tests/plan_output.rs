//! Snapshots of the plan as people and tools read it: creation, drift with an update in
//! place, a replacement forced by an attribute, destruction, and the JSON plan.

use std::path::Path;
use std::process::Command;

fn strata(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 2),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const BLUEPRINT: &str = r#"
site "dc" {}

# Another site: moving a VM there is a replacement, not a live migration.
site "dc2" {}

host_pool "p" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 32
    memory = "256GiB"
  }
}

host_pool "q" {
  site  = site.dc2
  hosts = 2
  host {
    cpu    = 16
    memory = "128GiB"
  }
}

network_zone "app" {
  cidr = "10.20.0.0/16"
}

network_zone "data" {
  cidr = "10.30.0.0/16"
}

vm "db" {
  pool   = host_pool.p
  zone   = network_zone.data
  cpu    = 4
  memory = "16GiB"
}

kubernetes_cluster "k" {
  pool    = host_pool.p
  zone    = network_zone.app
  purpose = "test"
  control_plane {
    count = 3
  }
  node_group "w" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}

service "api" {
  cluster  = kubernetes_cluster.k
  replicas = 3
  cpu      = "500m"
  memory   = "1GiB"
  requires = []
}
"#;

#[test]
fn plans_read_as_terraform_users_expect() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), BLUEPRINT).unwrap();
    insta::assert_snapshot!("plan_create", strata(dir.path(), &["plan"]));
    // One call at a time, so that ids are handed out in the same order on every run.
    strata(dir.path(), &["apply", "-auto-approve", "-parallelism", "1"]);

    // Drift behind Strata's back, and a change in the blueprint that forces a replacement.
    strata(dir.path(), &["sim", "drift", "service.api", "replicas=5"]);
    let changed = BLUEPRINT
        .replace(
            "pool   = host_pool.p\n  zone   = network_zone.data",
            "pool   = host_pool.q\n  zone   = network_zone.data",
        )
        .replace("memory = \"16GiB\"", "memory = \"32GiB\"");
    std::fs::write(dir.path().join("main.hcl"), changed).unwrap();
    insta::assert_snapshot!("plan_drift_update_replace", strata(dir.path(), &["plan"]));

    // Strata's own format, unchanged behind -json-format=strata.
    let mut json: serde_json::Value = serde_json::from_str(&strata(
        dir.path(),
        &["plan", "-json", "-json-format=strata"],
    ))
    .unwrap();
    json["lineage"] = "<lineage>".into();
    for change in json["resource_changes"].as_array_mut().unwrap() {
        change["id"] = "<id>".into();
    }
    insta::assert_json_snapshot!("plan_json", json, {
        ".resource_changes[].before.host" => "<host>",
        ".resource_changes[].after.host" => "<host>",
        ".resource_changes[].before.id" => "<id>",
        ".resource_changes[].after.id" => "<id>",
        ".resource_changes[].before.cluster_ca_certificate" => "<ca>",
        ".resource_changes[].after.cluster_ca_certificate" => "<ca>",
    });

    // Terraform's plan representation, the default.
    let mut json: serde_json::Value =
        serde_json::from_str(&strata(dir.path(), &["plan", "-json"])).unwrap();
    json["strata"]["lineage"] = "<lineage>".into();
    json["strata_version"] = "<version>".into();
    insta::assert_json_snapshot!("plan_json_terraform", json, {
        ".resource_changes[].strata.id" => "<id>",
        ".resource_changes[].change.before.id" => "<id>",
        ".resource_changes[].change.after.id" => "<id>",
        ".resource_changes[].change.before.host" => "<host>",
        ".resource_changes[].change.after.host" => "<host>",
        ".resource_drift[].change.before.id" => "<id>",
        ".resource_drift[].change.after.id" => "<id>",
        ".prior_state.values.root_module.resources[].values.id" => "<id>",
        ".prior_state.values.root_module.resources[].values.host" => "<host>",
        ".planned_values.root_module.resources[].values.id" => "<id>",
        ".planned_values.root_module.resources[].values.host" => "<host>",
        ".resource_changes[].change.before.cluster_ca_certificate" => "<ca>",
        ".resource_changes[].change.after.cluster_ca_certificate" => "<ca>",
        ".resource_drift[].change.before.cluster_ca_certificate" => "<ca>",
        ".resource_drift[].change.after.cluster_ca_certificate" => "<ca>",
        ".prior_state.values.root_module.resources[].values.cluster_ca_certificate" => "<ca>",
        ".planned_values.root_module.resources[].values.cluster_ca_certificate" => "<ca>",
    });

    let destroy = strata(dir.path(), &["plan", "-destroy"]);
    insta::assert_snapshot!("plan_destroy", ca_hidden(&destroy));
}

/// `text` with the cluster's CA certificate (new on every run) as `<ca>`.
fn ca_hidden(text: &str) -> String {
    text.lines()
        .map(
            |line| match line.split_once("cluster_ca_certificate = \"") {
                Some((head, rest)) => {
                    let tail = rest.rsplit_once('"').map_or("", |(_, tail)| tail);
                    format!("{head}cluster_ca_certificate = \"<ca>\"{tail}\n")
                }
                None => format!("{line}\n"),
            },
        )
        .collect()
}

const NESTED: &str = r#"
site "dc" {}

host_pool "p" {
  site  = site.dc
  hosts = 4
  host {
    cpu    = 32
    memory = "256GiB"
  }
  ha {
    admission = "percentage"
    reserve   = 0.25
  }
}

network_zone "app" {
  cidr = "10.20.0.0/16"
}

network_zone "dmz" {
  cidr = "10.10.0.0/16"
}

network_policy "web" {
  from  = network_zone.dmz
  to    = network_zone.app
  ports = [80, 443]
}

kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.app
  control_plane {
    count = 1
  }
  node_group "w" {
    count  = 2
    cpu    = 8
    memory = "32GiB"
    labels = { tier = "general", team = "core" }
  }
}

output "zones" {
  value = [network_zone.app.cidr, network_zone.dmz.cidr]
}

output "policy_ports" {
  value = network_policy.web.ports
}
"#;

#[test]
fn nested_blocks_collections_and_outputs_read_as_terraform_draws_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), NESTED).unwrap();
    strata(dir.path(), &["apply", "-auto-approve", "-parallelism", "1"]);
    let changed = NESTED
        .replace("reserve   = 0.25", "reserve   = 0.5")
        .replace("ports = [80, 443]", "ports = [443, 8443]")
        .replace(
            "labels = { tier = \"general\", team = \"core\" }",
            "labels = { tier = \"general\", team = \"payments\", zone = \"a\" }\n  }\n  node_group \"gpu\" {\n    count  = 1\n    cpu    = 16\n    memory = \"64GiB\"\n    gpu    = 2",
        )
        .replace("value = network_policy.web.ports", "value = length(network_policy.web.ports)");
    std::fs::write(dir.path().join("main.hcl"), changed).unwrap();
    insta::assert_snapshot!("plan_nested_update", strata(dir.path(), &["plan"]));
}
