use std::path::PathBuf;

use serde_json::json;

use super::*;

/// A folder holding `files` (name, text).
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const V1: &str = r#"
package main

deny contains msg if {
    some rc in input.resource_changes
    rc.type == "vm"
    rc.change.after.cpu > 8
    msg := sprintf("%s asks for %d cores; at most 8", [rc.address, rc.change.after.cpu])
}

warn_memory contains {"msg": sprintf("%s has no memory set", [rc.address])} if {
    some rc in input.resource_changes
    not rc.change.after.memory
}

helper := 3
"#;

/// Rego v0, as policies written for Conftest before OPA 1.0 read.
const V0: &str = r#"
package bank.zones

violation[{"msg": msg}] {
    rc := input.resource_changes[_]
    rc.type == "network_policy"
    msg := sprintf("%s: flows are reviewed", [rc.address])
}
"#;

fn plan() -> serde_json::Value {
    json!({ "resource_changes": [
        { "address": "vm.big", "type": "vm", "change": { "after": { "cpu": 16, "memory": "4GiB" } } },
        { "address": "vm.small", "type": "vm", "change": { "after": { "cpu": 2 } } },
        { "address": "network_policy.p", "type": "network_policy", "change": { "after": {} } },
    ]})
}

fn main_only() -> Vec<String> {
    vec!["main".to_string()]
}

#[test]
fn deny_and_warn_rules_of_package_main_give_their_messages() {
    let dir = folder(&[("limits.rego", V1)]);
    let policies = Policies::load(&[dir.path().to_path_buf()]).unwrap();
    let results = policies.evaluate(&plan(), &main_only()).unwrap();
    assert_eq!(results.files, 1);
    assert_eq!(
        results.denials,
        [Finding {
            namespace: "main".into(),
            rule: "deny".into(),
            message: "vm.big asks for 16 cores; at most 8".into(),
        }]
    );
    let warned: Vec<&str> = results
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        warned,
        [
            "network_policy.p has no memory set",
            "vm.small has no memory set"
        ]
    );
    assert!(!results.passed());
    // Nothing to deny in an empty plan.
    let empty = policies
        .evaluate(&json!({ "resource_changes": [] }), &main_only())
        .unwrap();
    assert!(empty.passed() && empty.warnings.is_empty());
}

#[test]
fn other_packages_count_only_when_named_and_v0_files_are_read() {
    let dir = folder(&[("limits.rego", V1), ("nested/zones.rego", V0)]);
    let policies = Policies::load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(policies.files().len(), 2);
    let main = policies.evaluate(&plan(), &main_only()).unwrap();
    assert!(main.denials.iter().all(|d| d.namespace == "main"));
    let zones = policies
        .evaluate(&plan(), &["bank.zones".to_string()])
        .unwrap();
    assert_eq!(zones.denials.len(), 1);
    assert_eq!(zones.denials[0].rule, "violation");
    assert_eq!(
        zones.denials[0].message,
        "network_policy.p: flows are reviewed"
    );
    // A package no file declares gives nothing.
    let none = policies.evaluate(&plan(), &["absent".to_string()]).unwrap();
    assert!(none.passed() && none.warnings.is_empty());
}

#[test]
fn test_files_are_left_out_and_errors_name_the_file() {
    let dir = folder(&[
        ("ok.rego", V1),
        ("ok_test.rego", "package main\n\ntest_x if { true }\n"),
    ]);
    assert_eq!(
        Policies::load(&[dir.path().to_path_buf()])
            .unwrap()
            .files()
            .len(),
        1
    );
    let bad = folder(&[("bad.rego", "package main\n\ndeny contains msg if {\n")]);
    let err = Policies::load(&[bad.path().to_path_buf()]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("bad.rego") && text.contains("not valid Rego"),
        "{text}"
    );
    let empty = folder(&[("README.md", "no policies")]);
    assert!(matches!(
        Policies::load(&[empty.path().to_path_buf()]),
        Err(Error::Empty { .. })
    ));
    assert!(matches!(
        Policies::load(&[PathBuf::from("/nonexistent/policies")]),
        Err(Error::Read { .. })
    ));
    let ok = Policies::load(&[dir.path().to_path_buf()]).unwrap();
    assert!(matches!(
        ok.evaluate(&plan(), &["main; x".to_string()]),
        Err(Error::Namespace(_))
    ));
}
