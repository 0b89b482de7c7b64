//! End-to-end tests of the binary with a kubernetes provider configured from a
//! `kubernetes_cluster` the `sim` provider builds (blueprints/kubernetes-lab with its
//! provider block reading the cluster): one apply creates the cluster, then the services
//! on it through the API server double (over HTTPS, trusted by the cluster's CA, with its
//! token: the `sim` provider's `api_server` settings make simulated clusters report the
//! double), a plan then has nothing to do, and destroy removes the services before the
//! cluster; the plan says the provider is configured during the apply and contacts no API
//! server; a provider that cannot be configured fails its services only, naming why.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::text;

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
    strata_with(dir, args, &[])
}

fn strata_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command.args(args).arg(dir).current_dir(dir);
    for var in [
        "KUBECONFIG",
        "STRATA_KUBERNETES_HOST",
        "STRATA_KUBERNETES_TOKEN",
        "STRATA_SIM_API_SERVER",
        "STRATA_SIM_API_SERVER_CA_FILE",
        "STRATA_SIM_API_SERVER_TOKEN",
        "STRATA_STATE_KEY",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("strata runs")
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

/// The hand-off: every setting the provider needs read from the cluster.
const HAND_OFF: &str = "  host                   = kubernetes_cluster.lab.endpoint
  cluster_ca_certificate = kubernetes_cluster.lab.cluster_ca_certificate
  token                  = kubernetes_cluster.lab.token";

/// The lab with the hand-off, its simulated cluster answering at `double`.
fn handed_off(double: &kube_double::KubeDouble) -> tempfile::TempDir {
    let dir = lab(HAND_OFF);
    let sim = format!(
        "\nprovider \"sim\" {{\n  api_server         = \"{}\"\n  api_server_ca_file = \"{}\"\n}}\n",
        double.url(),
        double.ca_path().unwrap().display()
    );
    let main = dir.path().join("main.hcl");
    let text = std::fs::read_to_string(&main).unwrap() + &sim;
    std::fs::write(main, text).unwrap();
    dir
}

/// The lines of `out` that report `what` (`Creation complete`), by address.
fn lines<'a>(shown: &'a str, what: &str) -> Vec<&'a str> {
    shown
        .lines()
        .filter(|l| l.ends_with(what))
        .map(|l| l.split(':').next().unwrap_or(l))
        .collect()
}

#[test]
fn one_apply_builds_the_cluster_then_the_services_on_it_and_destroy_takes_them_first() {
    let double = kube_double::KubeDouble::builder().tls().start().unwrap();
    let dir = handed_off(&double);
    // The token must outlive the run that made it: sealed in the state, not digested.
    let env = [
        ("STRATA_SIM_API_SERVER_TOKEN", double.token()),
        ("STRATA_STATE_KEY", "a state key for the hand-off"),
    ];
    let out = strata_with(dir.path(), &["apply", "-auto-approve"], &env);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains(
            "Provider kubernetes will be configured during apply, after kubernetes_cluster.lab"
        ),
        "{shown}"
    );
    let created = lines(&shown, "Creation complete");
    let cluster = created
        .iter()
        .position(|a| *a == "kubernetes_cluster.lab")
        .unwrap_or_else(|| panic!("{shown}"));
    for service in ["service.gateway", "service.kafka", "service.orders"] {
        let at = created.iter().position(|a| *a == service);
        assert!(at.is_some_and(|at| at > cluster), "{service}: {shown}");
    }
    // On the double, trusted by the cluster's CA and with its token.
    let applied: Vec<String> = double
        .requests()
        .into_iter()
        .filter(|r| r.verb == "patch")
        .map(|r| r.path)
        .collect();
    assert!(
        applied.iter().any(|p| p.ends_with("/deployments/gateway")),
        "{applied:#?}"
    );

    let out = strata_with(dir.path(), &["plan", "-detailed-exitcode"], &env);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(!shown.contains("configured during apply"), "{shown}");

    let out = strata_with(dir.path(), &["destroy", "-auto-approve"], &env);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let gone = lines(&shown, "Destruction complete");
    let cluster = gone
        .iter()
        .position(|a| *a == "kubernetes_cluster.lab")
        .unwrap_or_else(|| panic!("{shown}"));
    let services: Vec<usize> = gone
        .iter()
        .enumerate()
        .filter(|(_, a)| a.starts_with("service."))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(services.len(), 3, "{shown}");
    assert!(services.iter().all(|&s| s < cluster), "{shown}");
    let deleted = double
        .requests()
        .iter()
        .filter(|r| r.verb == "delete")
        .count();
    assert!(deleted > 0, "{shown}");
}

#[test]
fn without_a_state_key_a_later_run_names_the_digest_and_takes_the_token_from_the_environment() {
    let double = kube_double::KubeDouble::builder().tls().start().unwrap();
    let dir = handed_off(&double);
    let token = [("STRATA_SIM_API_SERVER_TOKEN", double.token())];
    let out = strata_with(dir.path(), &["apply", "-auto-approve"], &token);
    assert!(out.status.success(), "{}", text(&out));
    // The state keeps the cluster's token as a digest only: it cannot be handed over again.
    let out = strata_with(dir.path(), &["plan"], &token);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    for part in [
        "setting `token` reads kubernetes_cluster.lab",
        "only as a digest",
        "STRATA_KUBERNETES_TOKEN",
    ] {
        assert!(shown.contains(part), "{part:?}: {shown}");
    }
    assert!(!shown.contains(double.token()), "{shown}");
    // The way out the error names: the token from the environment.
    let both = [token[0], ("STRATA_KUBERNETES_TOKEN", double.token())];
    let out = strata_with(dir.path(), &["plan", "-detailed-exitcode"], &both);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = strata_with(dir.path(), &["destroy", "-auto-approve"], &both);
    assert!(out.status.success(), "{}", text(&out));
}
