//! Workspaces on the local backend: one state folder per workspace, `strata.workspace` in
//! expressions, the selection kept in the blueprint folder or given by STRATA_WORKSPACE.

mod common;

use common::{code, text};

const BLUEPRINT: &str = r#"
site "dc" {
  location = "site of ${strata.workspace}"
}
"#;

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .current_dir(dir)
        .env_remove("STRATA_WORKSPACE")
        .output()
        .unwrap()
}

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(dir: &std::path::Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(code(&out), 1, "{args:?}: {}", text(&out));
    text(&out)
}

#[test]
fn each_workspace_has_its_own_state_folder_and_name() {
    let dir = common::inline(BLUEPRINT);
    let dir = dir.path();
    assert_eq!(ok(dir, &["workspace", "show"]), "default\n");
    ok(dir, &["apply", "-auto-approve"]);
    ok(dir, &["workspace", "new", "test"]);
    assert_eq!(ok(dir, &["state", "list"]), "");
    ok(dir, &["apply", "-auto-approve"]);
    let shown = ok(dir, &["state", "show", "site.dc"]);
    assert!(shown.contains("\"site of test\""), "{shown}");
    assert!(dir.join(".strata/workspaces/test/state.json").is_file());
    assert_eq!(ok(dir, &["workspace", "list"]), "  default\n* test\n");

    // STRATA_WORKSPACE wins over the selection.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["state", "show", "site.dc"])
        .current_dir(dir)
        .env("STRATA_WORKSPACE", "default")
        .output()
        .unwrap();
    assert!(text(&out).contains("\"site of default\""), "{}", text(&out));

    let exists = fails(dir, &["workspace", "new", "test"]);
    assert!(exists.contains("already exists"), "{exists}");
    let missing = fails(dir, &["workspace", "select", "prod"]);
    assert!(missing.contains("no workspace \"prod\""), "{missing}");
    let bad = fails(dir, &["workspace", "new", "../x"]);
    assert!(bad.contains("is not a workspace name"), "{bad}");
    let active = fails(dir, &["workspace", "delete", "test"]);
    assert!(active.contains("selected workspace"), "{active}");
    ok(dir, &["workspace", "select", "default"]);
    let busy = fails(dir, &["workspace", "delete", "test"]);
    assert!(busy.contains("still manages 1 object(s)"), "{busy}");
    ok(dir, &["workspace", "delete", "test", "--force"]);
    assert!(!dir.join(".strata/workspaces/test").exists());
    let cannot = fails(dir, &["workspace", "delete", "default"]);
    assert!(cannot.contains("selected workspace"), "{cannot}");
}

#[test]
fn a_selected_workspace_that_is_gone_is_an_error_naming_it() {
    let dir = common::inline(BLUEPRINT);
    let dir = dir.path();
    ok(dir, &["workspace", "new", "dev"]);
    std::fs::remove_dir_all(dir.join(".strata/workspaces/dev")).unwrap();
    let gone = fails(dir, &["plan"]);
    assert!(
        gone.contains("the selected workspace \"dev\" does not exist"),
        "{gone}"
    );
}

#[test]
fn a_bad_backend_block_is_reported_with_its_place() {
    let dir = common::inline(
        "strata {\n  backend \"postgre\" {\n    conn_str = \"host=x\"\n  }\n}\nsite \"dc\" {}\n",
    );
    let out = fails(dir.path(), &["plan"]);
    assert!(out.contains("Unknown backend \"postgre\""), "{out}");
    assert!(out.contains("main.hcl:2"), "{out}");
    assert!(out.contains("postgres"), "{out}");
}

#[test]
fn a_strata_block_holds_the_backend_beside_default_providers() {
    let dir = common::inline(
        "strata {\n  default_provider {\n    site = sim\n  }\n  backend \"local\" {}\n}\nsite \"dc\" {}\n",
    );
    let out = ok(dir.path(), &["validate"]);
    assert!(!out.contains("backend"), "{out}");
    ok(dir.path(), &["apply", "-auto-approve"]);
    let typo = common::inline("strata {\n  backends \"local\" {}\n}\nsite \"dc\" {}\n");
    let out = fails(typo.path(), &["validate"]);
    assert!(out.contains("Did you mean \"backend\"?"), "{out}");
}
