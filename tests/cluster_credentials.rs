//! A simulated `kubernetes_cluster`'s credentials through the binary: its
//! `cluster_ca_certificate` and sensitive `token` are known after apply, stable across
//! plans and applies, and the token (the canary) shows in no command's output and in no
//! file of the state folder in clear. The `provider "sim"` settings `api_server*` make
//! every cluster report a real API server's endpoint, CA and token, and bad values are
//! errors naming the setting.

mod canary;
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::text;

const KEY: &str = "a state key for the credentials tests";

const BLUEPRINT: &str = r#"
site "dc" {}

network_zone "app" {
  cidr = "10.10.0.0/24"
}

host_pool "main" {
  site  = site.dc
  hosts = 3

  host {
    cpu    = 32
    memory = "256GiB"
  }
}

kubernetes_cluster "main" {
  pool = host_pool.main
  zone = network_zone.app

  control_plane {
    count = 1
  }

  node_group "workers" {
    count  = WORKERS
    cpu    = 8
    memory = "32GiB"
  }
}

output "endpoint" {
  value = kubernetes_cluster.main.endpoint
}

output "ca" {
  value = kubernetes_cluster.main.cluster_ca_certificate
}

output "token" {
  value     = kubernetes_cluster.main.token
  sensitive = true
}
"#;

fn write(dir: &Path, workers: u32) {
    let text = BLUEPRINT.replace("WORKERS", &workers.to_string());
    std::fs::write(dir.join("main.hcl"), text).unwrap();
}

/// Runs `strata ARGS` in `dir` with `env` and, when `key`, the state key.
fn run(dir: &Path, args: &[&str], key: bool, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("STRATA_STATE_KEY");
    for var in ["API_SERVER", "API_SERVER_CA_FILE", "API_SERVER_TOKEN"] {
        cmd.env_remove(format!("STRATA_SIM_{var}"));
    }
    if key {
        cmd.env("STRATA_STATE_KEY", KEY);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("strata runs")
}

/// Asserts that `haystack` holds the token in none of the forms a leak takes
/// ([`canary::forms`]), nor either half of it (`abcdef` `.` `0123456789abcdef`).
fn assert_clean(secret: &str, haystack: &str, what: &str) {
    canary::assert_clean(secret, haystack.as_bytes(), what);
    for half in secret.split('.').filter(|h| *h != secret) {
        assert!(
            !haystack.contains(half),
            "{what} holds the token's half {half:?}:\n{haystack}"
        );
    }
}

/// Every file under the state folder, as text.
fn state_files(dir: &Path) -> Vec<(String, String)> {
    canary::files_under(&dir.join(".strata"))
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (path.display().to_string(), text)
        })
        .collect()
}

/// The cluster's attributes in the state, sealed values opened with the key.
fn cluster_in_state(dir: &Path) -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(dir.join(".strata/state.json")).unwrap();
    let mut state: planner::state::State = serde_json::from_str(&text).unwrap();
    planner::state::unseal(&mut state, Some(&planner::state::StateKey::new(KEY))).unwrap();
    let object = state
        .objects
        .iter()
        .find(|o| o.address.to_string() == "kubernetes_cluster.main")
        .expect("the cluster is in the state");
    assert!(object.sensitive.iter().any(|s| s == "token"));
    object.attributes.clone()
}

fn ok(dir: &Path, args: &[&str], key: bool, env: &[(&str, &str)]) -> String {
    let out = run(dir, args, key, env);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
    text(&out)
}

#[test]
fn the_token_is_stable_and_shows_nowhere() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, 2);
    let plan = ok(dir, &["plan"], true, &[]);
    for attr in ["cluster_ca_certificate", "endpoint", "token"] {
        let line = plan
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("+ {attr} ")))
            .unwrap_or_else(|| panic!("no {attr} in the plan:\n{plan}"));
        assert!(line.contains("(known after apply)"), "{line}");
    }
    ok(dir, &["apply", "-auto-approve"], true, &[]);
    let attrs = cluster_in_state(dir);
    let token = attrs["token"].as_str().unwrap().to_string();
    let ca = attrs["cluster_ca_certificate"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");

    // Every command that shows the cluster or its outputs hides the token.
    let mut shown = Vec::new();
    for args in [
        &["plan"][..],
        &["plan", "-json"],
        &["show"],
        &["show", "-json"],
        &["state", "show", "kubernetes_cluster.main"],
        &["state", "pull"],
        &["output"],
        &["output", "-json"],
        &["sim", "show", "-json"],
        &["providers"],
        &["console"],
    ] {
        let out = ok(dir, args, true, &[]);
        assert_clean(&token, &out, &format!("{args:?}"));
        shown.push(out);
    }
    assert!(shown[0].contains("No changes."), "{}", shown[0]);
    assert!(shown[4].contains("(sensitive)"), "{}", shown[4]);
    let ca_out = ok(dir, &["output", "-raw", "ca"], true, &[]);
    assert_eq!(ca_out.trim_end(), ca.trim_end());
    for (file, content) in state_files(dir) {
        assert_clean(&token, &content, &file);
    }

    // An update keeps the credentials; the plan of one is in place.
    write(dir, 3);
    let plan = ok(dir, &["plan"], true, &[]);
    assert!(plan.contains("1 to change, 0 to destroy"), "{plan}");
    assert_clean(&token, &plan, "the update's plan");
    ok(dir, &["apply", "-auto-approve"], true, &[]);
    let after = cluster_in_state(dir);
    assert_eq!(after["token"], attrs["token"]);
    assert_eq!(
        after["cluster_ca_certificate"],
        attrs["cluster_ca_certificate"]
    );
    for (file, content) in state_files(dir) {
        assert_clean(&token, &content, &file);
    }

    // A replacement makes new ones.
    ok(
        dir,
        &["apply", "-auto-approve", "-replace=kubernetes_cluster.main"],
        true,
        &[],
    );
    let replaced = cluster_in_state(dir);
    assert_ne!(replaced["token"], attrs["token"]);
    assert_ne!(
        replaced["cluster_ca_certificate"],
        attrs["cluster_ca_certificate"]
    );
}

#[test]
fn an_output_of_the_token_must_be_sensitive() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), 2);
    let text_of = std::fs::read_to_string(tmp.path().join("main.hcl")).unwrap();
    let open = text_of.replace(
        "value     = kubernetes_cluster.main.token\n  sensitive = true",
        "value = kubernetes_cluster.main.token",
    );
    std::fs::write(tmp.path().join("main.hcl"), open).unwrap();
    // Sensitive by the kind's schema, before the token is even known.
    let out = run(tmp.path(), &["plan"], true, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("Output \"token\" refers to sensitive values"),
        "{}",
        text(&out)
    );
}

#[test]
fn an_api_server_setting_is_what_every_cluster_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, 2);
    let canary = "canary-server-token-5f0e";
    let env = [
        ("STRATA_SIM_API_SERVER", "http://127.0.0.1:8080"),
        ("STRATA_SIM_API_SERVER_TOKEN", canary),
    ];
    let applied = ok(dir, &["apply", "-auto-approve"], true, &env);
    assert_clean(canary, &applied, "apply");
    let attrs = cluster_in_state(dir);
    assert_eq!(attrs["endpoint"], "http://127.0.0.1:8080");
    assert_eq!(attrs["token"], canary);
    let endpoint = ok(dir, &["output", "-raw", "endpoint"], true, &env);
    assert_eq!(endpoint.trim(), "http://127.0.0.1:8080");
    for args in [&["plan"][..], &["show"], &["providers"], &["state", "pull"]] {
        let out = ok(dir, args, true, &env);
        assert_clean(canary, &out, &format!("{args:?}"));
        if args == ["plan"] {
            assert!(out.contains("No changes."), "{out}");
        }
    }
    for (file, content) in state_files(dir) {
        assert_clean(canary, &content, &file);
    }
    // Without a state key the state holds a digest of it, and plans see no drift.
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), 2);
    ok(tmp.path(), &["apply", "-auto-approve"], false, &env);
    let again = run(tmp.path(), &["plan", "-detailed-exitcode"], false, &env);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    for (file, content) in state_files(tmp.path()) {
        assert_clean(canary, &content, &file);
    }
}

#[test]
fn bad_api_server_settings_are_errors_naming_the_setting() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), 2);
    let missing = tmp.path().join("missing-ca.pem");
    let missing = missing.to_str().unwrap();
    for (env, wanted) in [
        (
            vec![
                ("STRATA_SIM_API_SERVER", "127.0.0.1:6443"),
                ("STRATA_SIM_API_SERVER_TOKEN", "t"),
            ],
            "provider \"sim\" api_server \"127.0.0.1:6443\" is not a URL of an API server",
        ),
        (
            vec![
                ("STRATA_SIM_API_SERVER", "https://127.0.0.1:6443"),
                ("STRATA_SIM_API_SERVER_CA_FILE", missing),
                ("STRATA_SIM_API_SERVER_TOKEN", "t"),
            ],
            "provider \"sim\" api_server_ca_file",
        ),
        (
            vec![
                ("STRATA_SIM_API_SERVER", "https://127.0.0.1:6443"),
                ("STRATA_SIM_API_SERVER_TOKEN", "t"),
            ],
            "api_server_ca_file is not set",
        ),
    ] {
        let out = run(tmp.path(), &["plan"], false, &env);
        assert_eq!(out.status.code(), Some(1), "{env:?}: {}", text(&out));
        assert!(text(&out).contains(wanted), "{env:?}: {}", text(&out));
    }
}
