//! Terraform's JSON plan read by third-party tools exactly as they read Terraform's: a
//! Rego policy evaluated with OPA's semantics (the `regopy` Python package, rego-cpp)
//! and Checkov (`--framework terraform_plan`), on the reference platform's plan. `.ci/run`
//! installs both (`pip install regopy checkov`) and sets `STRATA_TEST_REQUIRE_TOOLS`, so in
//! CI a missing tool fails the test; elsewhere (README's fresh-machine `cargo test`) a test
//! whose tool is missing is skipped with the reason printed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use common::{code, example, root, strata, text};
use serde_json::Value;

/// The reference platform's plan as `strata plan -json` prints it, written to a file.
fn reference_plan(tmp: &Path) -> (std::path::PathBuf, Value) {
    let (_copy, dir) = example("reference-platform");
    let out = strata(&dir, &["plan", "-json"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let file = tmp.join("plan.json");
    std::fs::write(&file, &out.stdout).unwrap();
    (file, serde_json::from_slice(&out.stdout).unwrap())
}

/// True when `probe` (a program and its arguments) runs and succeeds. When it does not, a
/// test skips with the reason printed, or fails when `STRATA_TEST_REQUIRE_TOOLS` is set.
fn available(tool: &str, probe: &[&str]) -> bool {
    let ran = Command::new(probe[0]).args(&probe[1..]).output();
    if ran.is_ok_and(|o| o.status.success()) {
        return true;
    }
    let why = format!("{tool} is not installed; `pip install regopy checkov` (as .ci/run does)");
    assert!(
        std::env::var_os("STRATA_TEST_REQUIRE_TOOLS").is_none(),
        "{why}"
    );
    eprintln!("skipped: {why}");
    false
}

/// Runs a third-party program; fails with how to install it when it is missing.
fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap_or_else(|e| {
        panic!("{program} cannot be run ({e}); install the tools with `pip install regopy checkov`, as .ci/run does")
    })
}

/// Evaluates `queries` with regopy over `modules` and `input`; each query's binding `x`.
const REGOPY: &str = r#"
import json, sys
import regopy
input_file, modules, queries = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
rego = regopy.Interpreter()
for path in modules:
    rego.add_module(path, open(path).read())
rego.set_input_term(open(input_file).read())
answers = {}
for q in queries:
    out = json.loads(str(rego.query("x = " + q)))
    answers[q] = out["bindings"]["x"] if "bindings" in out else None
print(json.dumps(answers))
"#;

fn regopy(input: &Path, modules: &[std::path::PathBuf], queries: &[&str]) -> Value {
    let modules: Vec<String> = modules.iter().map(|m| m.display().to_string()).collect();
    let mut args = vec!["-c", REGOPY, input.to_str().unwrap()];
    let joined = modules.join(",");
    args.push(&joined);
    args.extend(queries);
    let out = run("python3", &args, &[]);
    assert!(out.status.success(), "regopy failed: {}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The addresses of every instance in a values representation, modules included.
fn module_addresses(module: &Value, out: &mut BTreeSet<String>) {
    for r in module["resources"].as_array().into_iter().flatten() {
        out.insert(r["address"].as_str().unwrap().to_string());
    }
    for child in module["child_modules"].as_array().into_iter().flatten() {
        module_addresses(child, out);
    }
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a set: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn opa_semantics_read_the_plan_as_a_terraform_plan() {
    if !available("regopy", &["python3", "-c", "import regopy"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (file, plan) = reference_plan(tmp.path());
    let starter: Vec<_> = ["clusters", "quorum", "protection", "zones"]
        .iter()
        .map(|n| root().join(format!("policies/{n}.rego")))
        .collect();
    let mut modules = vec![root().join("tests/support/plan_policy.rego")];
    modules.extend(starter.iter().cloned());
    let answers = regopy(
        &file,
        &modules,
        &["data.plan", "data.main.deny", "data.main.warn"],
    );
    let read = &answers["data.plan"];
    assert_eq!(read["format"], "1.2");

    // Actions, as OPA groups them, against the document's own resource_changes.
    let mut by_action: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut kept = BTreeSet::new();
    for rc in plan["resource_changes"].as_array().unwrap() {
        let actions: Vec<&str> = rc["change"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let address = rc["address"].as_str().unwrap().to_string();
        if !rc["change"]["after"].is_null() {
            kept.insert(address.clone());
        }
        by_action
            .entry(actions.join(","))
            .or_default()
            .insert(address);
    }
    let opa_actions: BTreeMap<String, BTreeSet<String>> = read["by_action"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), strings(v)))
        .collect();
    assert_eq!(opa_actions, by_action);
    assert!(by_action["create"].contains("module.messaging.service.kafka"));

    // planned_values, walked by OPA through child modules, holds what resource_changes keeps.
    assert_eq!(strings(&read["planned"]), kept);
    let mut in_tree = BTreeSet::new();
    module_addresses(&plan["planned_values"]["root_module"], &mut in_tree);
    assert_eq!(in_tree, kept);

    // Everything created gets its id at apply.
    for address in &by_action["create"] {
        assert!(
            strings(&read["unknown"][address]).contains("id"),
            "{address}: {}",
            read["unknown"][address]
        );
    }
    let configured = strings(&read["configured"]);
    assert!(
        configured.contains("network_policy.dmz_to_data"),
        "{configured:?}"
    );
    let calls = strings(&read["module_calls"]);
    assert!(
        calls.contains("messaging") && calls.contains("prod"),
        "{calls:?}"
    );

    // The starter policies say the same under OPA's semantics as under regorus.
    let ours = policy::Policies::load(&starter)
        .unwrap()
        .evaluate(&plan, &["main".to_string()])
        .unwrap();
    let messages = |list: &[policy::Finding]| -> BTreeSet<String> {
        list.iter().map(|f| f.message.clone()).collect()
    };
    assert_eq!(strings(&answers["data.main.deny"]), messages(&ours.denials));
    assert_eq!(
        strings(&answers["data.main.warn"]),
        messages(&ours.warnings)
    );
    // The bastions, in the DMZ, reach the data zone over SSH: a finding.
    assert!(
        ours.denials.iter().any(|d| d
            .message
            .contains("from vm.bastion[0] (DMZ) to network_zone.data")),
        "{ours:?}"
    );
}

#[test]
fn checkov_reads_the_plan_with_custom_checks_on_strata_kinds() {
    if !available("checkov", &["checkov", "--version"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (file, plan) = reference_plan(tmp.path());
    let checks = root().join("tests/support/checkov");
    let out = run(
        "checkov",
        &[
            "-f",
            file.to_str().unwrap(),
            "--framework",
            "terraform_plan",
            "--skip-download",
            "--external-checks-dir",
            checks.to_str().unwrap(),
            "--check",
            "CKV2_STRATA_1,CKV2_STRATA_2",
            "-o",
            "json",
        ],
        // No network: Checkov is not to fetch its mappings.
        &[("BC_SKIP_MAPPING", "TRUE")],
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("checkov printed no JSON ({e}): {}", text(&out)));
    assert_eq!(
        report["summary"]["parsing_errors"], 0,
        "{}",
        report["summary"]
    );
    // Every instance of the plan was read, those in modules too.
    let mut all = BTreeSet::new();
    module_addresses(&plan["planned_values"]["root_module"], &mut all);
    assert_eq!(report["summary"]["resource_count"], all.len());

    // What each check must find, from planned_values.
    let mut expected: BTreeSet<(String, String, bool)> = BTreeSet::new();
    fn walk(module: &Value, expected: &mut BTreeSet<(String, String, bool)>) {
        for r in module["resources"].as_array().into_iter().flatten() {
            let address = r["address"].as_str().unwrap().to_string();
            let values = &r["values"];
            match r["type"].as_str() {
                Some("vm") => {
                    let passed = values["cpu"].as_i64().unwrap() <= 4;
                    expected.insert(("CKV2_STRATA_1".into(), address, passed));
                }
                Some("service") => {
                    let passed = values["replicas"].as_i64().unwrap() >= 3;
                    expected.insert(("CKV2_STRATA_2".into(), address, passed));
                }
                _ => {}
            }
        }
        for child in module["child_modules"].as_array().into_iter().flatten() {
            walk(child, expected);
        }
    }
    walk(&plan["planned_values"]["root_module"], &mut expected);
    let mut found = BTreeSet::new();
    for (list, passed) in [("passed_checks", true), ("failed_checks", false)] {
        for c in report["results"][list].as_array().unwrap() {
            found.insert((
                c["check_id"].as_str().unwrap().to_string(),
                c["resource"].as_str().unwrap().to_string(),
                passed,
            ));
        }
    }
    assert_eq!(found, expected);
    assert!(expected.iter().any(|(_, _, passed)| !passed));
    assert!(expected.contains(&(
        "CKV2_STRATA_2".into(),
        "module.messaging.service.kafka".into(),
        true
    )));
}
