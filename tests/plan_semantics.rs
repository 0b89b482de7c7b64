//! What a plan holds beyond objects and how values flow through it, as a Terraform user
//! relies on: outputs are planned and saved, null means unset, and values known only after
//! apply (a computed attribute of an object created or replaced) are shown as such and
//! filled in by the apply, so that one apply converges.

use std::path::Path;
use std::process::{Command, Output};

fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .output()
        .expect("strata runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join("main.hcl"), text).unwrap();
}

/// Applies, then checks that the next plan is empty (exit 0 with -detailed-exitcode).
fn apply_converges(dir: &Path) -> String {
    let apply = strata(dir, &["apply", "-auto-approve"]);
    assert_eq!(code(&apply), 0, "{}", text(&apply));
    let plan = strata(dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(
        code(&plan),
        0,
        "the plan after apply is not empty:\n{}",
        text(&plan)
    );
    text(&apply)
}

fn state(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(".strata/state.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn attrs(dir: &Path, address: &str) -> serde_json::Value {
    state(dir)["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in the state"))["attributes"]
        .clone()
}

#[test]
fn a_blueprint_of_only_outputs_plans_and_saves_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        r#"
variable "racks" {
  default = ["r1", "r2"]
}
variable "token" {
  default   = "hunter2"
  sensitive = true
}
locals {
  first = var.racks[0]
}
output "racks" {
  value = var.racks
}
output "first" {
  value = local.first
}
output "token" {
  value     = var.token
  sensitive = true
}
"#,
    );
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&plan), 2, "{}", text(&plan));
    let shown = text(&plan);
    assert!(shown.contains("Changes to Outputs:"), "{shown}");
    assert!(shown.contains("  + first = \"r1\""), "{shown}");
    assert!(shown.contains("  + token = (sensitive value)"), "{shown}");
    assert!(
        shown.contains("without changing any real infrastructure"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    let json = strata(dir.path(), &["plan", "-json", "-json-format=strata"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let names: Vec<&str> = json["output_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first", "racks", "token"]);
    assert!(!json.to_string().contains("hunter2"));

    let applied = apply_converges(dir.path());
    assert!(applied.contains("Outputs:"), "{applied}");
    let out = strata(dir.path(), &["output"]);
    assert_eq!(
        text(&out),
        "first = \"r1\"\nracks = [\n  \"r1\",\n  \"r2\",\n]\ntoken = <sensitive>\n"
    );

    // A change to an output alone is a change; an added one appears, a removed one goes.
    write(
        dir.path(),
        r#"
variable "racks" {
  default = ["r1", "r3"]
}
output "racks" {
  value = var.racks
}
output "count" {
  value = length(var.racks)
}
"#,
    );
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&plan), 2, "{}", text(&plan));
    let shown = text(&plan);
    assert!(shown.contains("  + count = 2"), "{shown}");
    assert!(shown.contains("  - first = \"r1\" -> null"), "{shown}");
    assert!(
        shown.contains("  ~ racks = [\n        \"r1\",\n      ~ \"r2\" -> \"r3\",\n    ]"),
        "{shown}"
    );
    assert!(
        shown.contains("  - token = (sensitive value) -> null"),
        "{shown}"
    );
    apply_converges(dir.path());
    let out = strata(dir.path(), &["output", "-json"]);
    let out: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out["count"]["value"], 2);
    assert_eq!(out["racks"]["value"], serde_json::json!(["r1", "r3"]));
    assert!(
        out.get("first").is_none() && out.get("token").is_none(),
        "{out}"
    );
}

const SITE: &str = r#"
site "dc1" {
  location    = "Frankfurt"
  description = DESCRIPTION
}
"#;

#[test]
fn null_or_a_deleted_line_unsets_an_attribute() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &SITE.replace("DESCRIPTION", "\"primary\""));
    apply_converges(dir.path());
    assert_eq!(attrs(dir.path(), "site.dc1")["description"], "primary");

    write(dir.path(), &SITE.replace("DESCRIPTION", "null"));
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&plan), 2, "{}", text(&plan));
    assert!(
        text(&plan).contains("      - description = \"primary\" -> null\n"),
        "{}",
        text(&plan)
    );
    apply_converges(dir.path());
    assert!(attrs(dir.path(), "site.dc1").get("description").is_none());

    write(dir.path(), &SITE.replace("DESCRIPTION", "\"again\""));
    apply_converges(dir.path());
    write(
        dir.path(),
        &SITE.replace("  description = DESCRIPTION\n", ""),
    );
    let plan = strata(dir.path(), &["plan"]);
    assert!(
        text(&plan).contains("      - description = \"again\" -> null\n"),
        "{}",
        text(&plan)
    );
    apply_converges(dir.path());
    let site = attrs(dir.path(), "site.dc1");
    assert!(site.get("description").is_none(), "{site}");
    assert_eq!(site["location"], "Frankfurt");
}

// `q` stands in another site: a VM moved there is replaced (within a site it would
// migrate live).
const PAIR: &str = r#"
site "dc1" {}
site "dc2" {}
host_pool "p" {
  site  = site.dc1
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
host_pool "q" {
  site  = site.dc2
  hosts = 2
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
network_zone "app" {
  cidr = "10.1.0.0/16"
}
vm "a" {
  pool   = host_pool.POOL
  zone   = network_zone.app
  cpu    = 1
  memory = "1GiB"
}
vm "b" {
  pool        = host_pool.p
  zone        = network_zone.app
  cpu         = 1
  memory      = "1GiB"
  description = "peer of ${vm.a.address} (${vm.a.id})"
}
output "peer" {
  value = vm.b.description
}
"#;

#[test]
fn computed_values_are_known_after_apply_and_one_apply_converges() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &PAIR.replace("POOL", "p"));
    let plan = strata(dir.path(), &["plan"]);
    assert!(
        text(&plan).contains("      + description = (known after apply)\n"),
        "{}",
        text(&plan)
    );
    assert!(
        text(&plan).contains("  + peer = (known after apply)"),
        "{}",
        text(&plan)
    );
    apply_converges(dir.path());
    let a = attrs(dir.path(), "vm.a");
    let b = attrs(dir.path(), "vm.b");
    let want = format!(
        "peer of {} ({})",
        a["address"].as_str().unwrap(),
        a["id"].as_str().unwrap()
    );
    assert_eq!(b["description"], want.as_str());
}

#[test]
fn dependents_of_a_replacement_see_its_computed_values_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &PAIR.replace("POOL", "p"));
    apply_converges(dir.path());
    let old = attrs(dir.path(), "vm.a");

    // Moving vm.a to another pool replaces it: its id changes, so vm.b's description is
    // known only after apply, and the plan says so instead of showing the old values.
    write(dir.path(), &PAIR.replace("POOL", "q"));
    let plan = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&plan), 2, "{}", text(&plan));
    let shown = text(&plan);
    assert!(shown.contains("  # vm.a must be replaced"), "{shown}");
    assert!(
        shown.contains("  # vm.b will be updated in-place"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "      ~ description = \"peer of {} ({})\" -> (known after apply)\n",
            old["address"].as_str().unwrap(),
            old["id"].as_str().unwrap()
        )),
        "{shown}"
    );
    assert!(
        shown.contains("  ~ peer = \"peer of"),
        "the output follows: {shown}"
    );
    apply_converges(dir.path());
    let a = attrs(dir.path(), "vm.a");
    assert_ne!(a["id"], old["id"]);
    assert_eq!(
        attrs(dir.path(), "vm.b")["description"],
        format!(
            "peer of {} ({})",
            a["address"].as_str().unwrap(),
            a["id"].as_str().unwrap()
        )
        .as_str()
    );
}

#[test]
fn a_vm_moved_to_another_zone_gets_an_address_there() {
    let dir = tempfile::tempdir().unwrap();
    let two_zones = PAIR.replace("POOL", "p").replace(
        "network_zone \"app\" {",
        "network_zone \"db\" {\n  cidr = \"10.2.0.0/16\"\n}\nnetwork_zone \"app\" {",
    );
    write(dir.path(), &two_zones);
    apply_converges(dir.path());
    let moved = two_zones.replacen("zone   = network_zone.app", "zone   = network_zone.db", 1);
    write(dir.path(), &moved);
    let plan = strata(dir.path(), &["plan"]);
    assert!(
        text(&plan).contains("      ~ address = \"10.1.0.2\" -> (known after apply)\n"),
        "{}",
        text(&plan)
    );
    apply_converges(dir.path());
    let a = attrs(dir.path(), "vm.a");
    assert!(a["address"].as_str().unwrap().starts_with("10.2."), "{a}");
    assert!(
        attrs(dir.path(), "vm.b")["description"]
            .as_str()
            .unwrap()
            .contains(a["address"].as_str().unwrap())
    );
}
