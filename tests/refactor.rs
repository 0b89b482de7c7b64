//! `moved` and `removed` blocks end to end on the simulated datacenter: a rename, a move
//! into a module, count to for_each and an added count move objects without destroying
//! them; `removed` forgets an object (it keeps running) or destroys one the state records
//! as protected.

mod common;

use std::path::Path;

use common::{
    apply_ok, code, ids_hidden, inline, sim_addresses, state_addresses, strata, text, write,
};

const PLATFORM: &str = r#"
site "dc" {}

host_pool "p" {
  site  = site.dc
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}

network_zone "z" {
  cidr = "10.0.0.0/24"
}
"#;

fn vm(name: &str, extra: &str) -> String {
    format!(
        "vm \"{name}\" {{\n  {extra}\n  pool   = host_pool.p\n  zone   = network_zone.z\n  cpu    = 2\n  memory = \"4GiB\"\n}}\n"
    )
}

/// The provider ids of the objects in the simulated datacenter, by address.
fn sim_ids(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let out = strata(dir, &["sim", "show", "-json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["address"].as_str().unwrap().to_string(),
                o["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A plan with no changes, and apply then plan with none.
fn settled(dir: &Path) {
    let plan = strata(dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&plan), 0, "{}", text(&plan));
}

/// Applies, asserting that nothing was created or destroyed.
fn apply_moves(dir: &Path, moves: &[(&str, &str)]) {
    let plan = strata(dir, &["plan"]);
    let shown = text(&plan);
    for (from, to) in moves {
        assert!(
            shown.contains(&format!("# {from} has moved to {to}")),
            "{shown}"
        );
    }
    assert!(
        shown.contains("0 to add, 0 to change, 0 to destroy"),
        "{shown}"
    );
    let out = apply_ok(dir);
    assert!(
        out.contains("Apply complete! Resources: 0 added, 0 changed, 0 destroyed."),
        "{out}"
    );
}

#[test]
fn a_renamed_block_keeps_its_object() {
    let dir = inline(&format!("{PLATFORM}{}", vm("a", "")));
    apply_ok(dir.path());
    let id = sim_ids(dir.path())["vm.a"].clone();
    write(
        dir.path(),
        &format!(
            "{PLATFORM}{}\nmoved {{\n  from = vm.a\n  to   = vm.b\n}}\n",
            vm("b", "")
        ),
    );
    apply_moves(dir.path(), &[("vm.a", "vm.b")]);
    assert_eq!(sim_ids(dir.path())["vm.b"], id);
    assert!(!state_addresses(dir.path()).contains(&"vm.a".to_string()));
    settled(dir.path());
}

#[test]
fn a_renamed_pool_keeps_its_vms_and_they_follow_it() {
    let dir = inline(&format!("{PLATFORM}{}", vm("a", "")));
    apply_ok(dir.path());
    let ids = sim_ids(dir.path());
    let renamed = PLATFORM.replace("host_pool \"p\"", "host_pool \"q\"");
    write(
        dir.path(),
        &format!(
            "{renamed}{}\nmoved {{\n  from = host_pool.p\n  to   = host_pool.q\n}}\n",
            vm("a", "").replace("host_pool.p", "host_pool.q")
        ),
    );
    let plan = strata(dir.path(), &["plan", "-json", "-json-format=strata"]);
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let changes = json["resource_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{json}");
    assert_eq!(changes[0]["address"], "host_pool.q");
    assert_eq!(changes[0]["previous_address"], "host_pool.p");
    assert_eq!(changes[0]["action"], "no_op");
    apply_moves(dir.path(), &[("host_pool.p", "host_pool.q")]);
    let after = sim_ids(dir.path());
    assert_eq!(after["host_pool.q"], ids["host_pool.p"]);
    assert_eq!(after["vm.a"], ids["vm.a"]);
    settled(dir.path());
    // The datacenter knows the VM runs on the renamed pool: it can grow there, and the
    // pool cannot go while the VM runs on it.
    let out = strata(dir.path(), &["sim", "delete", "host_pool.q"]);
    assert_ne!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("vm.a"), "{}", text(&out));
    let destroy = strata(dir.path(), &["destroy", "-auto-approve"]);
    assert_eq!(code(&destroy), 0, "{}", text(&destroy));
    assert!(sim_addresses(dir.path()).is_empty());
}

#[test]
fn a_block_moved_into_a_module_keeps_its_object() {
    let dir = inline(&format!("{PLATFORM}{}", vm("a", "")));
    apply_ok(dir.path());
    let id = sim_ids(dir.path())["vm.a"].clone();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    std::fs::write(
        dir.path().join("db/main.hcl"),
        "variable \"pool\" {}\nvariable \"zone\" {}\n\nvm \"a\" {\n  pool   = var.pool\n  zone   = var.zone\n  cpu    = 2\n  memory = \"4GiB\"\n}\n",
    )
    .unwrap();
    write(
        dir.path(),
        &format!(
            "{PLATFORM}\nmodule \"db\" {{\n  source = \"./db\"\n  pool   = host_pool.p\n  zone   = network_zone.z\n}}\n\nmoved {{\n  from = vm.a\n  to   = module.db.vm.a\n}}\n"
        ),
    );
    apply_moves(dir.path(), &[("vm.a", "module.db.vm.a")]);
    assert_eq!(sim_ids(dir.path())["module.db.vm.a"], id);
    settled(dir.path());
}

#[test]
fn count_to_for_each_keeps_the_objects() {
    let dir = inline(&format!("{PLATFORM}{}", vm("a", "count = 2")));
    apply_ok(dir.path());
    let ids = sim_ids(dir.path());
    write(
        dir.path(),
        &format!(
            "{PLATFORM}{}\nmoved {{\n  from = vm.a[0]\n  to   = vm.a[\"web\"]\n}}\n\nmoved {{\n  from = vm.a[1]\n  to   = vm.a[\"db\"]\n}}\n",
            vm("a", "for_each = toset([\"web\", \"db\"])").replace("cpu    = 2", "cpu    = 3")
        ),
    );
    // Moved and changed: both shown.
    let plan = strata(dir.path(), &["plan"]);
    let shown = String::from_utf8_lossy(&plan.stdout).into_owned();
    assert!(
        shown.contains("# vm.a[\"web\"] will be updated in-place\n  # (moved from vm.a[0])"),
        "{shown}"
    );
    assert!(
        shown.contains("0 to add, 2 to change, 0 to destroy"),
        "{shown}"
    );
    insta::assert_snapshot!("plan_moved_and_updated", ids_hidden(&shown));
    apply_ok(dir.path());
    let after = sim_ids(dir.path());
    assert_eq!(after["vm.a[\"web\"]"], ids["vm.a[0]"]);
    assert_eq!(after["vm.a[\"db\"]"], ids["vm.a[1]"]);
    settled(dir.path());
}

#[test]
fn count_to_for_each_without_changes_only_moves() {
    let dir = inline(&format!("{PLATFORM}{}", vm("a", "count = 2")));
    apply_ok(dir.path());
    let ids = sim_ids(dir.path());
    write(
        dir.path(),
        &format!(
            "{PLATFORM}{}\nmoved {{\n  from = vm.a[0]\n  to   = vm.a[\"web\"]\n}}\n\nmoved {{\n  from = vm.a[1]\n  to   = vm.a[\"db\"]\n}}\n",
            vm("a", "for_each = toset([\"web\", \"db\"])")
        ),
    );
    apply_moves(
        dir.path(),
        &[("vm.a[0]", "vm.a[\"web\"]"), ("vm.a[1]", "vm.a[\"db\"]")],
    );
    let after = sim_ids(dir.path());
    assert_eq!(after["vm.a[\"web\"]"], ids["vm.a[0]"]);
    assert_eq!(after["vm.a[\"db\"]"], ids["vm.a[1]"]);
    settled(dir.path());
}

#[test]
fn adding_count_moves_the_object_to_index_zero() {
    let dir = inline(&format!("{PLATFORM}{}", vm("a", "")));
    apply_ok(dir.path());
    let id = sim_ids(dir.path())["vm.a"].clone();
    write(dir.path(), &format!("{PLATFORM}{}", vm("a", "count = 2")));
    let plan = strata(dir.path(), &["plan"]);
    assert!(
        text(&plan).contains("# vm.a has moved to vm.a[0]"),
        "{}",
        text(&plan)
    );
    assert!(
        text(&plan).contains("1 to add, 0 to change, 0 to destroy"),
        "{}",
        text(&plan)
    );
    apply_ok(dir.path());
    assert_eq!(sim_ids(dir.path())["vm.a[0]"], id);
    settled(dir.path());
}

#[test]
fn a_move_onto_an_existing_object_is_refused() {
    let dir = inline(&format!("{PLATFORM}{}{}", vm("a", ""), vm("b", "")));
    apply_ok(dir.path());
    write(
        dir.path(),
        &format!(
            "{PLATFORM}{}\nmoved {{\n  from = vm.a\n  to   = vm.b\n}}\n",
            vm("b", "")
        ),
    );
    let plan = strata(dir.path(), &["plan"]);
    assert_eq!(code(&plan), 1, "{}", text(&plan));
    assert!(
        text(&plan).contains("Cannot move vm.a to vm.b: vm.b already exists"),
        "{}",
        text(&plan)
    );
}

#[test]
fn removed_without_destroy_forgets_the_object_and_leaves_it_running() {
    let dir = inline(&format!("{PLATFORM}{}{}", vm("a", ""), vm("b", "")));
    apply_ok(dir.path());
    write(
        dir.path(),
        &format!(
            "{PLATFORM}{}\nremoved {{\n  from = vm.a\n\n  lifecycle {{\n    destroy = false\n  }}\n}}\n",
            vm("b", "")
        ),
    );
    let plan = strata(dir.path(), &["plan"]);
    let shown = text(&plan);
    insta::assert_snapshot!(
        "plan_forget",
        ids_hidden(&String::from_utf8_lossy(&plan.stdout))
    );
    assert!(
        shown.contains("# vm.a will no longer be managed by Strata"),
        "{shown}"
    );
    assert!(
        shown.contains("0 to add, 0 to change, 0 to destroy, 1 to forget."),
        "{shown}"
    );
    apply_ok(dir.path());
    assert!(!state_addresses(dir.path()).contains(&"vm.a".to_string()));
    assert!(sim_addresses(dir.path()).contains(&"vm.a".to_string()));
    settled(dir.path());
}

/// `strata state mv` follows the same rule: the datacenter learns the new address, so a
/// new block at the old address gets a new object rather than adopting the moved one.
#[test]
fn state_mv_moves_the_object_in_the_datacenter_too() {
    let dir = inline(&format!("{PLATFORM}{}", vm("a", "")));
    apply_ok(dir.path());
    let id = sim_ids(dir.path())["vm.a"].clone();
    write(
        dir.path(),
        &format!("{PLATFORM}{}{}", vm("a", ""), vm("b", "")),
    );
    let out = strata(dir.path(), &["state", "mv", "vm.a", "vm.b"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    apply_ok(dir.path());
    let ids = sim_ids(dir.path());
    assert_eq!(ids["vm.b"], id);
    assert_ne!(ids["vm.a"], id);
    settled(dir.path());
}

/// An object both moved and replaced gives its computed values anew: what refers to them
/// reads "(known after apply)", not the old object's values.
#[test]
fn a_moved_and_replaced_object_has_its_computed_values_known_after_apply() {
    // In another site, so that moving the VM there replaces it (within a site it would
    // migrate live).
    let pool_q = "site \"dc2\" {}\n\nhost_pool \"q\" {\n  site  = site.dc2\n  hosts = 2\n  host {\n    cpu    = 16\n    memory = \"64GiB\"\n  }\n}\n";
    let pools = format!("{PLATFORM}{pool_q}");
    let dir = inline(&format!(
        "{pools}{}\noutput \"ip\" {{\n  value = vm.a.address\n}}\n",
        vm("a", "")
    ));
    apply_ok(dir.path());
    write(
        dir.path(),
        &format!(
            "{pools}{}\noutput \"ip\" {{\n  value = vm.b.address\n}}\n\nmoved {{\n  from = vm.a\n  to   = vm.b\n}}\n",
            vm("b", "").replace("host_pool.p", "host_pool.q")
        ),
    );
    let plan = text(&strata(dir.path(), &["plan"]));
    assert!(plan.contains("# vm.b must be replaced"), "{plan}");
    assert!(plan.contains("# (moved from vm.a)"), "{plan}");
    assert!(
        plan.contains("~ ip = \"10.0.0.2\" -> (known after apply)"),
        "{plan}"
    );
    apply_ok(dir.path());
    settled(dir.path());
}
