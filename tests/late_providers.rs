//! End-to-end tests of the binary with a kubernetes provider configured from a
//! `kubernetes_cluster` the `sim` provider builds (blueprints/kubernetes-lab with its
//! provider block reading the cluster): the plan says the provider is configured during
//! the apply and contacts no API server; a provider that cannot be configured fails its
//! services only, naming the provider and why.

use std::path::Path;
use std::process::{Command, Output};

/// The lab blueprint with `provider` as its kubernetes provider block's body.
fn lab(provider: &str) -> tempfile::TempDir {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/kubernetes-lab/main.hcl");
    let text = std::fs::read_to_string(path).unwrap();
    let block = "provider \"kubernetes\" {\n  context = \"lab\"\n}";
    assert!(
        text.contains(block),
        "the lab blueprint's provider block changed"
    );
    let text = text.replace(
        block,
        &format!("provider \"kubernetes\" {{\n{provider}\n}}"),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), text).unwrap();
    dir
}

fn strata(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .arg(dir)
        .current_dir(dir)
        .env_remove("KUBECONFIG")
        .env_remove("STRATA_KUBERNETES_HOST")
        .env_remove("STRATA_KUBERNETES_TOKEN")
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

/// `host` reads the cluster's endpoint, which the sim provider computes when it creates it.
const FROM_THE_CLUSTER: &str = "  host = kubernetes_cluster.lab.endpoint";

#[test]
fn the_plan_says_once_that_the_provider_is_configured_during_apply() {
    let dir = lab(FROM_THE_CLUSTER);
    let out = strata(dir.path(), &["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    // Planned without any kubeconfig or API server: nothing is contacted.
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert_eq!(
        shown
            .matches("Provider kubernetes will be configured during apply, after kubernetes_cluster.lab (its setting(s) `host` are known only after apply)")
            .count(),
        1,
        "{shown}"
    );
    for service in ["service.gateway", "service.kafka"] {
        assert!(
            shown.contains(&format!("{service} will be created")),
            "{shown}"
        );
    }
    let out = strata(dir.path(), &["providers"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("~ configured during apply, after kubernetes_cluster.lab"),
        "{shown}"
    );
}

#[test]
fn a_provider_that_cannot_be_configured_fails_its_resources_only() {
    // The CA is known only after apply too, and is no PEM certificate.
    let dir = lab(&format!(
        "{FROM_THE_CLUSTER}\n  cluster_ca_certificate = kubernetes_cluster.lab.id"
    ));
    let out = strata(dir.path(), &["apply", "-auto-approve"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("service.gateway: Provider kubernetes could not be configured"),
        "{shown}"
    );
    assert!(shown.contains("cluster_ca_certificate"), "{shown}");
    // The sim provider's objects were created; the provider's own were not.
    let out = strata(dir.path(), &["state", "list"]);
    let listed = text(&out);
    assert!(listed.contains("kubernetes_cluster.lab"), "{listed}");
    assert!(!listed.contains("service."), "{listed}");
}
