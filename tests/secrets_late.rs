//! A token handed from a `kubernetes_cluster` to the kubernetes provider configured during
//! the apply never shows: the cluster's token (the canary: the API server double's token,
//! which the `sim` provider's `api_server_token` makes every simulated cluster report)
//! is in no output of apply, plan, providers, show, state show and destroy, whether the
//! connection succeeds or the API server refuses it, and in no file of the state folder in
//! any form (plain, JSON- or Rust-escaped, hex, base64), with and without a state key.

mod canary;
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::text;

use canary::{assert_clean, files_under};

const CANARY: &str = "late-Canary-t0ken.9f3b2c7d1e8a4605";

/// The kubernetes lab with its provider configured from the cluster, the simulated cluster
/// answering at `url` with the CA in `ca`.
fn blueprint(dir: &Path, url: &str, ca: &Path) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/kubernetes-lab/main.hcl");
    let text = std::fs::read_to_string(path).unwrap();
    let block = "provider \"kubernetes\" {\n  context = \"lab\"\n}";
    assert!(
        text.contains(block),
        "the lab blueprint's provider block changed"
    );
    let hand_off = "provider \"kubernetes\" {
  host                   = kubernetes_cluster.lab.endpoint
  cluster_ca_certificate = kubernetes_cluster.lab.cluster_ca_certificate
  token                  = kubernetes_cluster.lab.token
}";
    let sim = format!(
        "\nprovider \"sim\" {{\n  api_server         = \"{url}\"\n  api_server_ca_file = \"{}\"\n}}\n",
        ca.display()
    );
    std::fs::write(dir.join("main.hcl"), text.replace(block, hand_off) + &sim).unwrap();
}

/// Runs strata with the cluster's token `token` and, when given, a state key; checks the
/// canary is in neither output stream.
fn strata(dir: &Path, args: &[&str], token: &str, key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command
        .args(args)
        .arg(dir)
        .current_dir(dir)
        .env_remove("KUBECONFIG")
        .env_remove("STRATA_STATE_KEY")
        .env("STRATA_SIM_API_SERVER_TOKEN", token);
    if let Some(key) = key {
        command.env("STRATA_STATE_KEY", key);
    }
    let out = command.output().expect("strata runs");
    let label = args.join(" ");
    assert_clean(CANARY, &out.stdout, &format!("stdout of {label}"));
    assert_clean(CANARY, &out.stderr, &format!("stderr of {label}"));
    out
}

fn files_are_clean(dir: &Path) {
    for file in files_under(&dir.join(".strata")) {
        let bytes = std::fs::read(&file).unwrap();
        assert_clean(CANARY, &bytes, &file.display().to_string());
    }
}

#[test]
fn the_handed_over_token_shows_nowhere() {
    for key in [Some("a state key for the late canary"), None] {
        let double = kube_double::KubeDouble::builder()
            .tls()
            .token(CANARY)
            .start()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        blueprint(dir.path(), double.url(), &double.ca_path().unwrap());
        let out = strata(dir.path(), &["apply", "-auto-approve"], CANARY, key);
        assert!(out.status.success(), "{}", text(&out));
        files_are_clean(dir.path());
        for args in [
            &["show"][..],
            &["state", "show", "kubernetes_cluster.lab"],
            &["providers"],
        ] {
            strata(dir.path(), args, CANARY, key);
        }
        if key.is_some() {
            // The token read back from the sealed state connects the provider.
            let out = strata(dir.path(), &["plan", "-detailed-exitcode"], CANARY, key);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            let out = strata(dir.path(), &["destroy", "-auto-approve"], CANARY, key);
            assert!(out.status.success(), "{}", text(&out));
        }
        files_are_clean(dir.path());
    }
}

#[test]
fn a_token_the_api_server_refuses_shows_nowhere() {
    // The double wants another token: the cluster's, handed over late, gets a 401.
    let double = kube_double::KubeDouble::builder()
        .tls()
        .token("the-token-the-server-wants")
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    blueprint(dir.path(), double.url(), &double.ca_path().unwrap());
    let out = strata(dir.path(), &["apply", "-auto-approve"], CANARY, None);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("Provider kubernetes could not be configured"),
        "{shown}"
    );
    files_are_clean(dir.path());
}
