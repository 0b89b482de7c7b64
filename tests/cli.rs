//! End-to-end tests of the `strata` binary: validate, fmt and graph on the example
//! blueprints and on inline ones, with their exit codes and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn strata(args: &[&str]) -> Output {
    strata_env(args, &[])
}

fn strata_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    cmd.args(args).current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("strata runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn blueprint(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

fn path(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

#[test]
fn every_example_blueprint_validates() {
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("blueprints")).unwrap() {
        let dir = entry.unwrap().path();
        let out = strata(&["validate", path(&dir)]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            dir.display(),
            text(&out.stderr)
        );
        assert!(text(&out.stdout).contains("Success!"));
        seen += 1;
    }
    assert!(
        seen >= 2,
        "expected the minimal and reference-platform blueprints"
    );
}

#[test]
fn every_module_and_blueprint_is_formatted() {
    for folder in ["blueprints", "modules"] {
        let out = strata(&["fmt", "--check", "--recursive", folder]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "not formatted: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn validate_reports_every_error_with_location_and_exits_1() {
    let dir = blueprint(&[(
        "main.hcl",
        "site \"dc\" {}\n\nvm \"a\" {\n  pool   = site.dc\n  cpus   = 2\n  memory = \"4 parsecs\"\n}\n",
    )]);
    let out = strata(&["validate", path(dir.path())]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("main.hcl:5:3"), "{err}");
    assert!(err.contains("Did you mean \"cpu\"?"), "{err}");
    assert!(err.contains("main.hcl:4:12"), "{err}");
    assert!(err.contains("main.hcl:6:12"), "{err}");
    assert!(err.contains("Missing required attribute \"zone\""), "{err}");
    assert!(text(&out.stdout).contains("error(s)"));
}

#[test]
fn warnings_alone_keep_exit_0() {
    let dir = blueprint(&[(
        "main.hcl",
        r#"site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = 3
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
network_zone "z" {
  cidr = "10.0.0.0/16"
}
kubernetes_cluster "k" {
  pool = host_pool.p
  zone = network_zone.z
  control_plane {
    count = 2
  }
  node_group "w" {
    count  = 2
    cpu    = 4
    memory = "8GiB"
  }
}
"#,
    )]);
    let out = strata(&["validate", path(dir.path())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("warning: Cluster kubernetes_cluster.k has an even number"));
    assert!(text(&out.stdout).contains("1 warning(s)"));
}

#[test]
fn validate_json_is_machine_readable() {
    let dir = blueprint(&[("main.hcl", "site \"dc\" {\n  locaton = \"x\"\n}\n")]);
    let out = strata(&["validate", "-json", path(dir.path())]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["error_count"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["range"]["start"]["column"], 3);
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("Did you mean \"location\"?")
    );
}

const SIZED: &str = r#"variable "hosts" {
  type = number
}
site "dc" {}
host_pool "p" {
  site  = site.dc
  hosts = var.hosts
  host {
    cpu    = 16
    memory = "64GiB"
  }
}
output "hosts" {
  value = host_pool.p.hosts
}
"#;

#[test]
fn variables_come_from_env_then_files_then_flags() {
    let dir = blueprint(&[("main.hcl", SIZED), ("five.vars", "hosts = 5\n")]);
    let graph = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["validate", "-json"];
        all.extend_from_slice(args);
        all.push(path(dir.path()));
        strata_env(&all, env)
    };
    // No value at all: a clear error naming the variable and the ways to set it.
    let out = graph(&[], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("No value for required variable \\\"hosts\\\""));
    assert!(text(&out.stdout).contains("STRATA_VAR_hosts"));
    // Each source alone works; the later one wins.
    assert_eq!(
        graph(&[], &[("STRATA_VAR_hosts", "3")]).status.code(),
        Some(0)
    );
    let file = dir.path().join("five.vars");
    let out = graph(
        &["-var-file", file.to_str().unwrap(), "-var", "hosts=zero"],
        &[("STRATA_VAR_hosts", "3")],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the -var value must win over the file"
    );
    assert!(text(&out.stdout).contains("Invalid value for variable"));
    let out = graph(
        &["-var-file", file.to_str().unwrap()],
        &[("STRATA_VAR_hosts", "x")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "the file must win over the environment: {}",
        text(&out.stdout)
    );
}

#[test]
fn fmt_check_lists_unformatted_files_and_fmt_fixes_them() {
    let messy = "site   \"dc\"   {\n    location =   \"a\"\n  description = \"b\" # kept\n\n\n}\n";
    let dir = blueprint(&[("main.hcl", messy), ("ok.hcl", "site \"b\" {}\n")]);
    let out = strata(&["fmt", "-check", path(dir.path())]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stdout).contains("main.hcl"));
    assert!(!text(&out.stdout).contains("ok.hcl"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.hcl")).unwrap(),
        messy,
        "--check changes nothing"
    );

    let out = strata(&["fmt", path(dir.path())]);
    assert_eq!(out.status.code(), Some(0));
    let formatted = std::fs::read_to_string(dir.path().join("main.hcl")).unwrap();
    assert_eq!(
        formatted,
        "site \"dc\" {\n  location    = \"a\"\n  description = \"b\" # kept\n\n\n}\n"
    );
    assert_eq!(
        strata(&["fmt", "--check", path(dir.path())]).status.code(),
        Some(0)
    );
}

#[test]
fn fmt_refuses_files_with_syntax_errors() {
    let dir = blueprint(&[("main.hcl", "site \"dc\" {\n  location = \n")]);
    let out = strata(&["fmt", path(dir.path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Syntax error"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.hcl")).unwrap(),
        "site \"dc\" {\n  location = \n"
    );
}

#[test]
fn graph_prints_instances_and_dependencies() {
    let out = strata(&["graph", "blueprints/minimal", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes = json["nodes"].as_array().unwrap();
    let find = |a: &str| {
        nodes
            .iter()
            .find(|n| n["address"] == a)
            .unwrap_or_else(|| panic!("{a} missing"))
    };
    assert_eq!(
        find("service.hello")["depends_on"],
        serde_json::json!(["kubernetes_cluster.main"])
    );
    assert_eq!(
        find("kubernetes_cluster.main")["depends_on"],
        serde_json::json!(["host_pool.main", "network_zone.app"])
    );
    assert_eq!(find("site.dc1")["depends_on"], serde_json::json!([]));

    let dot = text(&strata(&["graph", "-format=dot", "blueprints/minimal"]).stdout);
    assert!(dot.starts_with("digraph strata {"));
    assert!(dot.contains("\"service.hello\" -> \"kubernetes_cluster.main\";"));
}

#[test]
fn graph_refuses_an_invalid_blueprint() {
    let dir = blueprint(&[("main.hcl", "vm \"a\" {}\n")]);
    let out = strata(&["graph", path(dir.path())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn destroy_help_offers_neither_a_saved_plan_nor_replace() {
    let help = text(&strata(&["destroy", "--help"]).stdout);
    assert!(help.contains("The blueprint folder"), "{help}");
    for absent in ["--replace", "saved plan", "plan file"] {
        assert!(!help.contains(absent), "{absent:?} in:\n{help}");
    }
    assert!(
        help.contains("--target") && help.contains("--auto-approve"),
        "{help}"
    );
    let out = strata(&["destroy", "--replace", "vm.x"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn destroy_refuses_a_saved_plan_and_says_how_to_apply_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("destroy.plan");
    std::fs::write(&file, "{}").unwrap();
    let out = strata(&["destroy", "-auto-approve", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("strata destroy takes a blueprint folder")
            && stderr.contains("run `strata apply"),
        "{stderr}"
    );
}
