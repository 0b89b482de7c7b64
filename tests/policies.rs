//! Policies end to end: the starter set in policies/ passes its own tests, `-policy DIR`
//! on plan and apply with Conftest's conventions (deny blocks, warn is shown,
//! `-policy-namespace` picks packages), and the blueprint's `policy` block.

mod common;

use std::process::Command;

use common::{code, inline, root, strata, text};

#[test]
fn starter_policies_pass_their_tests() {
    let outcomes = policy::verify(&[root().join("policies")]).unwrap();
    // Every starter policy has tests, and they all hold.
    for name in ["clusters", "quorum", "protection", "zones"] {
        assert!(
            root().join(format!("policies/{name}_test.rego")).is_file(),
            "policies/{name}.rego has no test file"
        );
    }
    assert!(outcomes.len() >= 14, "{outcomes:?}");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "failing policy tests: {failed:?}");
}

/// A production cluster with two control-plane nodes (etcd loses its quorum with either), which the starter set denies, and
/// a stateful service with one replica, which it warns about.
const DENIED: &str = r#"
site "dc" {}

host_pool "p" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 32
    memory = "256GiB"
  }
}

network_zone "app" {
  cidr = "10.20.0.0/16"
}

kubernetes_cluster "k" {
  pool    = host_pool.p
  zone    = network_zone.app
  purpose = "prod"
  control_plane {
    count = 2
  }
  node_group "w" {
    count  = 3
    cpu    = 8
    memory = "32GiB"
  }
}

service "cache" {
  cluster  = kubernetes_cluster.k
  replicas = 1
  stateful = true
  cpu      = "500m"
  memory   = "1GiB"
}
"#;

fn policies_flag() -> String {
    root().join("policies").display().to_string()
}

#[test]
fn a_deny_blocks_apply_and_nothing_is_created() {
    let dir = inline(DENIED);
    let policies = policies_flag();
    let out = strata(
        dir.path(),
        &["apply", "-auto-approve", "-policy", &policies],
    );
    let shown = text(&out);
    assert_eq!(code(&out), 1, "{shown}");
    assert!(
        shown.contains(
            "DENY  main: kubernetes_cluster.k is a production cluster with 2 control-plane node(s)"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("WARN  main: service.cache is stateful with 1 replica(s)"),
        "{shown}"
    );
    assert!(shown.contains("the plan was not applied"), "{shown}");
    assert!(common::sim_addresses(dir.path()).is_empty());

    // plan says the same and exits 1; a plan denied is not saved.
    let plan_file = dir.path().join("denied.plan");
    let out = strata(
        dir.path(),
        &[
            "plan",
            "-policy",
            &policies,
            "-out",
            plan_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(!plan_file.exists());

    // A plan saved without policies is still checked when applied with them.
    let out = strata(dir.path(), &["plan", "-out", plan_file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["apply", "-policy", &policies])
        .arg(&plan_file)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("DENY"), "{}", text(&out));
    assert!(common::sim_addresses(dir.path()).is_empty());

    // Fixed, only the warning is left and the apply goes ahead.
    common::write(dir.path(), &DENIED.replace("count = 2", "count = 3"));
    let out = strata(
        dir.path(),
        &["apply", "-auto-approve", "-policy", &policies],
    );
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("0 denied, 1 warning(s)"),
        "{}",
        text(&out)
    );
    assert!(!common::sim_addresses(dir.path()).is_empty());
}

const BANK_POLICY: &str = r#"
package bank.sizes

import rego.v1

deny_big contains msg if {
	some rc in input.resource_changes
	rc.type == "service"
	rc.change.after.replicas > 2
	msg := sprintf("%s: at most 2 replicas", [rc.address])
}
"#;

#[test]
fn namespaces_and_the_blueprint_policy_block_choose_what_counts() {
    let blueprint = DENIED
        .replace("count = 2", "count = 3")
        .replace("replicas = 1\n  stateful = true", "replicas = 3");
    let dir = inline(&blueprint);
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/sizes.rego"), BANK_POLICY).unwrap();
    let rules = dir.path().join("rules").display().to_string();
    // Package main holds nothing here: the bank's package counts only when named.
    let out = strata(dir.path(), &["plan", "-policy", &rules]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = strata(
        dir.path(),
        &["plan", "-policy", &rules, "-policy-namespace", "bank.sizes"],
    );
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("DENY  bank.sizes: service.cache: at most 2 replicas"),
        "{}",
        text(&out)
    );
    // The same through the blueprint's own policy block.
    let with_block = format!(
        "{blueprint}\npolicy \"bank\" {{\n  source     = \"rules\"\n  namespaces = [\"bank.sizes\"]\n}}\n"
    );
    common::write(dir.path(), &with_block);
    let out = strata(dir.path(), &["apply", "-auto-approve"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("at most 2 replicas"), "{}", text(&out));
    // A broken policy is an error that names the file.
    std::fs::write(
        dir.path().join("rules/broken.rego"),
        "package main\n\ndeny contains x if {\n",
    )
    .unwrap();
    let out = strata(dir.path(), &["plan", "-policy", &rules]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("broken.rego"), "{}", text(&out));
}
