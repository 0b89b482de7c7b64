//! Instance keys of any string, end to end (issue 8, item 1): a `for_each` key holding
//! brackets, quotes, backslashes, dots, spaces, `=`, non-ASCII letters or nothing at all
//! applies, converges (the second plan is empty), and its address, as `strata state list`
//! prints it, is taken back by every command that takes an address: `state show|mv|rm`,
//! `import`, `-target`, `-replace`, saved plans, `sim drift|delete`.

use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;

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

/// Runs a command that must succeed, and returns what it printed.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = strata(dir, args);
    assert_eq!(code(&out), 0, "strata {args:?}:\n{}", text(&out));
    text(&out)
}

/// Applies a saved plan (which knows its blueprint folder).
fn apply_saved(plan: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("apply")
        .arg(plan)
        .output()
        .expect("strata runs");
    assert_eq!(code(&out), 0, "apply {}:\n{}", plan.display(), text(&out));
}

/// Exits 0 from `plan -detailed-exitcode`: nothing to do.
fn assert_converged(dir: &Path) {
    let plan = strata(dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(code(&plan), 0, "the plan must be empty:\n{}", text(&plan));
}

/// The keys of the issue, each in a zone of its own, a policy per zone that refers to one
/// of them by key, and a module called with string keys that has keyed zones inside.
const BLUEPRINT: &str = r#"
network_zone "z" {
  for_each = {
    "rack[3]"     = "10.3.0.0/16"
    "a\"b"        = "10.4.0.0/16"
    "back\\slash" = "10.5.0.0/16"
    "a.b"         = "10.6.0.0/16"
    "sp ace"      = "10.7.0.0/16"
    "k=v"         = "10.8.0.0/16"
    "ünï"         = "10.9.0.0/16"
    ""            = "10.10.0.0/16"
  }
  cidr        = each.value
  description = "zone ${each.key}"
}

network_policy "p" {
  for_each = network_zone.z
  from     = each.value
  to       = network_zone.z["rack[3]"]
  ports    = [443]
}

module "m" {
  for_each = { "m[1]" = "10.20.0.0/16", "q\"m" = "10.21.0.0/16" }
  source   = "./m"
  cidr     = each.value
}
"#;

const MODULE: &str = r#"
variable "cidr" {
  type = string
}

network_zone "inner" {
  for_each = { "in.ner" = var.cidr }
  cidr     = each.value
}
"#;

/// How `strata state list` writes each key: an HCL quoted string, as Terraform does.
const ZONES: [&str; 8] = [
    r#"network_zone.z[""]"#,
    r#"network_zone.z["a\"b"]"#,
    r#"network_zone.z["a.b"]"#,
    r#"network_zone.z["back\\slash"]"#,
    r#"network_zone.z["k=v"]"#,
    r#"network_zone.z["rack[3]"]"#,
    r#"network_zone.z["sp ace"]"#,
    r#"network_zone.z["ünï"]"#,
];
const INNER: [&str; 2] = [
    r#"module.m["m[1]"].network_zone.inner["in.ner"]"#,
    r#"module.m["q\"m"].network_zone.inner["in.ner"]"#,
];

fn blueprint() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), BLUEPRINT).unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(dir.path().join("m").join("main.hcl"), MODULE).unwrap();
    dir
}

fn every_address() -> Vec<String> {
    let policies = ZONES.map(|z| z.replacen("network_zone.z", "network_policy.p", 1));
    let mut all: Vec<String> = ZONES.iter().map(|z| z.to_string()).collect();
    all.extend(policies);
    all.extend(INNER.map(String::from));
    all.sort();
    all
}

fn state_list(dir: &Path) -> Vec<String> {
    let mut lines: Vec<String> = ok(dir, &["state", "list"])
        .lines()
        .map(String::from)
        .collect();
    lines.sort();
    lines
}

fn state_show(dir: &Path, address: &str) -> serde_json::Value {
    let out = strata(dir, &["state", "show", address]);
    assert_eq!(code(&out), 0, "state show {address}:\n{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn applied() -> tempfile::TempDir {
    let dir = blueprint();
    ok(dir.path(), &["apply", "-auto-approve"]);
    dir
}

#[test]
fn any_key_applies_and_the_second_plan_is_empty() {
    let dir = blueprint();
    let plan = ok(dir.path(), &["plan"]);
    assert!(
        plan.contains("  # network_zone.z[\"a\\\"b\"] will be created\n  + network_zone \"z\" {"),
        "{plan}"
    );
    assert!(
        plan.contains("  # network_zone.z[\"rack[3]\"] will be created\n  + network_zone \"z\" {"),
        "{plan}"
    );
    ok(dir.path(), &["apply", "-auto-approve"]);
    assert_eq!(state_list(dir.path()), every_address());
    assert_converged(dir.path());
    // Applying again changes nothing: no key is escaped once more.
    let again = ok(dir.path(), &["apply", "-auto-approve"]);
    assert!(again.contains("No changes."), "{again}");
    assert_eq!(state_list(dir.path()), every_address());
    let journal = dir.path().join(".strata").join("journal.jsonl");
    assert_eq!(std::fs::read_to_string(journal).unwrap_or_default(), "");
}

#[test]
fn state_show_mv_rm_and_import_take_any_key() {
    let dir = applied();
    let dir = dir.path();
    for address in every_address() {
        assert_eq!(state_show(dir, &address)["address"], address.as_str());
    }
    // Each policy was created after every zone (its for_each reads them all).
    let policy = r#"network_policy.p["back\\slash"]"#;
    let dependencies = |dir| state_show(dir, policy)["dependencies"].clone();
    assert_eq!(dependencies(dir), serde_json::json!(ZONES));

    // Move a zone to another key and back; what depends on it follows.
    let moved = r#"network_zone.z["rack[3]\"]"]"#;
    ok(dir, &["state", "mv", r#"network_zone.z["rack[3]"]"#, moved]);
    assert_eq!(state_show(dir, moved)["address"], moved);
    let after_move = ZONES.map(|z| if z.contains("rack[3]") { moved } else { z });
    assert_eq!(dependencies(dir), serde_json::json!(after_move));
    ok(dir, &["state", "mv", moved, r#"network_zone.z["rack[3]"]"#]);
    assert_converged(dir);

    // Forget a zone, see it planned anew, import it back by its id.
    let zone = r#"network_zone.z["sp ace"]"#;
    let id = state_show(dir, zone)["id"].as_str().unwrap().to_string();
    ok(dir, &["state", "rm", zone]);
    assert!(!state_list(dir).contains(&zone.to_string()));
    let plan = ok(dir, &["plan"]);
    assert!(
        plan.contains(&format!("# {zone} will be created")),
        "{plan}"
    );
    ok(dir, &["import", zone, &id]);
    assert_eq!(state_show(dir, zone)["id"], id.as_str());
    assert_converged(dir);

    // A block address names every instance, whatever their keys.
    ok(dir, &["state", "rm", "network_policy.p"]);
    assert_eq!(state_list(dir).len(), every_address().len() - ZONES.len());
}

#[test]
fn target_replace_and_saved_plans_take_any_key() {
    let dir = blueprint();
    let dir = dir.path();
    let saved = dir.join("target.plan");
    let plan = ok(
        dir,
        &[
            "plan",
            r#"-target=network_zone.z["k=v"]"#,
            &format!("-target={}", INNER[1]),
            &format!("-out={}", saved.display()),
        ],
    );
    assert!(
        plan.contains("Plan: 2 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    apply_saved(&saved);
    assert_eq!(
        state_list(dir),
        [INNER[1], r#"network_zone.z["k=v"]"#].map(String::from)
    );

    let saved = dir.join("all.plan");
    ok(dir, &["plan", &format!("-out={}", saved.display())]);
    apply_saved(&saved);
    assert_converged(dir);

    let zone = r#"network_zone.z["ünï"]"#;
    let before = state_show(dir, zone)["id"].clone();
    let replace = ok(
        dir,
        &["apply", "-auto-approve", &format!("-replace={zone}")],
    );
    assert!(
        replace.contains(&format!("# {zone} will be replaced, as requested")),
        "{replace}"
    );
    assert_ne!(state_show(dir, zone)["id"], before);
    assert_converged(dir);
}

#[test]
fn sim_drift_and_delete_take_any_key() {
    let dir = applied();
    let dir = dir.path();
    let zone = r#"network_zone.z["a\"b"]"#;
    ok(dir, &["sim", "drift", zone, "description=changed"]);
    let plan = ok(dir, &["plan"]);
    assert!(plan.contains(&format!("# {zone} has changed")), "{plan}");
    assert!(
        plan.contains(&format!("# {zone} will be updated in-place")),
        "{plan}"
    );
    let gone = r#"network_zone.z[""]"#;
    ok(dir, &["sim", "delete", gone]);
    let plan = ok(dir, &["plan"]);
    assert!(
        plan.contains(&format!("# {gone} has been deleted")),
        "{plan}"
    );
    assert!(
        plan.contains(&format!("# {gone} will be created")),
        "{plan}"
    );
    ok(dir, &["apply", "-auto-approve"]);
    assert_converged(dir);
}

#[test]
fn a_malformed_address_is_refused_saying_where_and_why() {
    let dir = applied();
    let dir = dir.path();
    for (args, says) in [
        (
            vec!["state", "show", r#"network_zone.z["rack[3]"#],
            "the key's opening \" has no closing \" (at character 16)",
        ),
        (
            vec!["state", "rm", r#"network_zone.z[rack]"#],
            "an instance key is a whole number, or a string in double quotes (at character 16)",
        ),
        (
            vec!["plan", r#"-target=network_zone.z["${x}"]"#],
            "-target: \"network_zone.z[\\\"$${x}\\\"]\" is not a resource address: a key cannot hold a template sequence; write $${ for a literal ${ (at character 17)",
        ),
    ] {
        let out = strata(dir, &args);
        assert_eq!(code(&out), 1, "{args:?}:\n{}", text(&out));
        assert!(text(&out).contains(says), "{args:?}:\n{}", text(&out));
    }
    assert_eq!(state_list(dir), every_address(), "nothing was changed");
}

/// Random keys through the whole loop: apply, an empty second plan, and each address that
/// `state list` prints taken back by `state show`.
fn random_keys_round_trip(keys: &[String]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let zones: serde_json::Map<String, serde_json::Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), format!("10.{}.0.0/16", i + 1).into()))
        .collect();
    std::fs::write(
        dir.path().join("main.hcl"),
        "variable \"zones\" {\n  type = map(string)\n}\n\nnetwork_zone \"z\" {\n  for_each = var.zones\n  cidr     = each.value\n}\n",
    )
    .unwrap();
    let vars = dir.path().join("zones.json");
    std::fs::write(&vars, serde_json::json!({ "zones": zones }).to_string()).unwrap();
    let var_file = format!("-var-file={}", vars.display());
    let dir = dir.path();
    let apply = strata(dir, &["apply", "-auto-approve", &var_file]);
    prop_assert_eq!(code(&apply), 0, "{}", text(&apply));
    let plan = strata(dir, &["plan", "-detailed-exitcode", &var_file]);
    prop_assert_eq!(code(&plan), 0, "{}", text(&plan));
    let listed = state_list(dir);
    let mut expected: Vec<String> = zones
        .keys()
        .map(|k| {
            blueprint::Address {
                module: Vec::new(),
                kind: "network_zone".into(),
                name: "z".into(),
                key: Some(blueprint::InstanceKey::Key(k.clone())),
            }
            .to_string()
        })
        .collect();
    expected.sort();
    prop_assert_eq!(&listed, &expected);
    for address in &listed {
        prop_assert_eq!(&state_show(dir, address)["address"], address.as_str());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn random_keys_survive_apply_plan_and_state_show(
        keys in prop::collection::btree_set(
            prop_oneof![
                any::<String>(),
                "[\"\\\\\\[\\]. =$%{}#\\n\\t\u{0}\u{202e}ü😀]{0,6}",
            ],
            1..5,
        ),
    ) {
        random_keys_round_trip(&keys.into_iter().collect::<Vec<_>>())?;
    }
}
