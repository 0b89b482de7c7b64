//! End-to-end tests of the binary with the kubernetes provider on blueprints/kubernetes-lab,
//! against the Kubernetes API server double (tools/kube-double) or, when
//! `STRATA_TEST_KUBECONFIG` names a kubeconfig, that real cluster: apply, a plan without
//! changes, a Deployment scaled by another field manager shown as drift and corrected,
//! the SIT environment destroyed when its ttl has passed, destroy leaving nothing; and the
//! failures: a field conflict (on a field not read back as drift), a forbidden namespace, a rollout that never becomes
//! available, an unreachable API server; an apply killed mid-rollout, adopted by the next.

mod deletes;
mod drift;
mod import;
mod lab;

use kube::api::{Patch, PatchParams};
use lab::{Lab, text};

/// The namespace/name of Strata's `kind` (an apps/v1 workload) `name`.
async fn workload(lab: &Lab, kind: &str, name: &str) -> String {
    let all = lab.ours("apps/v1", kind).await;
    all.iter()
        .find(|d| d.ends_with(&format!("/{name}")))
        .unwrap_or_else(|| panic!("no {kind} {name} among {all:?}"))
        .clone()
}

async fn replicas(lab: &Lab, at: &str) -> i64 {
    let (ns, name) = at.split_once('/').unwrap();
    let d = lab
        .namespaced("apps/v1", "Deployment", ns)
        .get(name)
        .await
        .unwrap();
    d.data
        .pointer("/spec/replicas")
        .and_then(|v| v.as_i64())
        .unwrap()
}

/// Changes the `kind` (an apps/v1 workload) at `at` with a merge patch as another field
/// manager would.
async fn behind_strata(lab: &Lab, kind: &str, at: &str, manager: &str, patch: serde_json::Value) {
    let (ns, name) = at.split_once('/').unwrap();
    let params = PatchParams {
        field_manager: Some(manager.into()),
        ..PatchParams::default()
    };
    lab.namespaced("apps/v1", kind, ns)
        .patch(name, &params, &Patch::Merge(&patch))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_plan_drift_correct_ttl_destroy() {
    let lab = Lab::new("  rollout_timeout = \"2m\"").await;
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let made = lab.everything().await;
    for kind in [
        "Deployment",
        "StatefulSet",
        "NetworkPolicy",
        "CronJob",
        "Namespace",
    ] {
        assert!(
            made.iter().any(|o| o.starts_with(kind)),
            "no {kind}: {made:?}"
        );
    }

    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Behind Strata's back: `kubectl scale` takes .spec.replicas of the gateway.
    let gateway = workload(&lab, "Deployment", "gateway").await;
    let scale = serde_json::json!({"spec": {"replicas": 5}});
    behind_strata(&lab, "Deployment", &gateway, "kubectl-scale", scale).await;
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("service.gateway"), "{shown}");
    assert!(
        shown.contains("replicas") && shown.contains("5 -> 2"),
        "{shown}"
    );

    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(replicas(&lab, &gateway).await, 2);
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Behind Strata's back: the gateway's Service is deleted; the plan creates the
    // service again and the apply restores the Service.
    let services = lab.ours("v1", "Service").await;
    assert!(
        services.contains(&"dmz/gateway".to_string()),
        "{services:?}"
    );
    let params = kube::api::DeleteParams::default();
    let _ = lab
        .namespaced("v1", "Service", "dmz")
        .delete("gateway", &params)
        .await
        .unwrap();
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("service.gateway will be created"), "{shown}");
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.ours("v1", "Service").await, services);

    // 73 hours later the SIT environment's 72h ttl has passed.
    let later = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 73 * 3600)
        .to_string();
    let out = lab
        .command(&["apply", "-auto-approve"])
        .env("STRATA_NOW", &later)
        .output()
        .unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("environment.sit") && shown.contains("ttl"),
        "{shown}"
    );
    let namespaces = lab.ours("v1", "Namespace").await;
    assert!(
        !namespaces.iter().any(|n| n.contains("sit")),
        "{namespaces:?}"
    );

    let out = lab.strata(&["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lab.everything().await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conflict_names_the_object_the_field_and_the_other_manager() {
    let lab = Lab::new("").await;
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let orders = workload(&lab, "StatefulSet", "orders").await;
    let (ns, name) = orders.split_once('/').unwrap();
    let sets = lab.namespaced("apps/v1", "StatefulSet", ns);
    // A field Strata applies but does not read back as drift: the spread constraints.
    let constraint = serde_json::json!([{
        "maxSkew": 2,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "orders"}}
    }]);
    let patch = serde_json::json!({"spec": {"template": {"spec": {"topologySpreadConstraints": constraint}}}});
    behind_strata(&lab, "StatefulSet", &orders, "kubectl-edit", patch).await;
    let image = "  image    = \"registry.lab.internal/orders:1.4.2\"";
    let spread = |b: String| b.replace(image, &format!("{image}\n  spread   = \"node\""));
    lab.write("", spread);
    let out = lab.strata(&["apply", "-auto-approve"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(shown.contains("service.orders"), "{shown}");
    assert!(shown.contains(&format!("StatefulSet {orders}")), "{shown}");
    assert!(
        shown.contains("kubectl-edit")
            && shown.contains(".spec.template.spec.topologySpreadConstraints"),
        "{shown}"
    );
    assert!(shown.contains("force_conflicts = true"), "{shown}");

    // With force_conflicts, Strata takes the fields.
    lab.write("  force_conflicts = true", spread);
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    let live = sets.get(name).await.unwrap();
    let constraints = live
        .data
        .pointer("/spec/template/spec/topologySpreadConstraints/0/whenUnsatisfiable");
    assert_eq!(constraints, Some(&serde_json::json!("DoNotSchedule")));
    let out = lab.strata(&["destroy", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forbidden_namespace_names_the_object() {
    let lab = Lab::new("").await;
    let Some(double) = &lab.cluster.double else {
        eprintln!("skipped: forbidding a namespace needs the double");
        return;
    };
    double.knobs().forbid_namespace("data");
    let out = lab.strata(&["apply", "-auto-approve"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains("service.kafka") && shown.contains("Namespace data"),
        "{shown}"
    );
    assert!(
        shown.contains("forbidden") && shown.contains("Role"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rollout_that_never_becomes_available_times_out() {
    let lab = Lab::new("  rollout_timeout = \"2s\"").await;
    let Some(double) = &lab.cluster.double else {
        eprintln!("skipped: holding a rollout needs the double");
        return;
    };
    double.knobs().hold("deployments", "dmz", "gateway");
    let out = lab.strata(&["apply", "-auto-approve"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains("service.gateway") && shown.contains("Deployment dmz/gateway"),
        "{shown}"
    );
    assert!(
        shown.contains("did not become available within 2s")
            && shown.contains("/2 replicas available"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_api_server_is_named() {
    let lab = Lab::new("  host = \"http://127.0.0.1:9\"").await;
    let out = lab.strata(&["plan"]);
    let shown = text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains("provider kubernetes") && shown.contains("could not be reached"),
        "{shown}"
    );
    assert!(shown.contains("127.0.0.1:9"), "{shown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_apply_is_adopted_by_the_next() {
    let lab = Lab::new("").await;
    let Some(double) = &lab.cluster.double else {
        eprintln!("skipped: slowing a rollout down needs the double");
        return;
    };
    double.knobs().rollout_delay = std::time::Duration::from_secs(3);
    let mut child = lab
        .command(&["apply", "-auto-approve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed while it waits for the gateway's rollout: the Deployment exists, the state
    // does not record it yet.
    let start = std::time::Instant::now();
    while lab.ours("apps/v1", "Deployment").await.is_empty() {
        assert!(
            start.elapsed().as_secs() < 60,
            "the apply made no Deployment"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    double.knobs().rollout_delay = std::time::Duration::from_millis(20);

    let out = lab.strata(&["apply", "-auto-approve"]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    // The gateway (and what else was being created) is adopted, not created again.
    assert!(shown.contains("were found and adopted"), "{shown}");
    assert!(!shown.contains("and 0 object(s)"), "{shown}");
    assert_eq!(lab.ours("apps/v1", "Deployment").await, ["dmz/gateway"]);
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_rollout_shows_its_progress_while_apply_waits() {
    let lab = Lab::new("").await;
    let Some(double) = &lab.cluster.double else {
        eprintln!("skipped: slowing a rollout down needs the double");
        return;
    };
    // The gateway's 2 replicas become available 1.5 s apart; apply reports every second.
    double.knobs().rollout_delay = std::time::Duration::from_millis(1500);
    let out = lab
        .command(&["apply", "-auto-approve"])
        .env("STRATA_PROGRESS_INTERVAL", "1s")
        .output()
        .unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let still: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("service.gateway: Still creating... ["))
        .collect();
    assert!(
        still
            .iter()
            .any(|l| l.ends_with(" elapsed] (Deployment dmz/gateway: 1/2 replicas available)")),
        "{shown}"
    );
    assert!(still[0].contains("[1s elapsed]"), "{shown}");
    let creating = shown.find("service.gateway: Creating...").unwrap();
    let complete = shown.find("service.gateway: Creation complete").unwrap();
    let first_still = shown.find(still[0]).unwrap();
    assert!(creating < first_still && first_still < complete, "{shown}");
}

/// The requests a plan of the lab with `workers` more services makes, after an apply:
/// (verb, path) with how many times each was made; `None` on a real cluster.
async fn plan_requests(
    workers: usize,
) -> Option<std::collections::BTreeMap<(String, String), usize>> {
    let lab = Lab::new("").await;
    let double = lab.cluster.double.as_ref()?;
    double.knobs().rollout_delay = std::time::Duration::from_millis(20);
    lab.add_workers(workers);
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    double.clear_requests();
    let out = lab.strata(&["plan", "-detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut counted = std::collections::BTreeMap::new();
    for r in double.requests() {
        *counted.entry((r.verb.to_string(), r.path)).or_default() += 1;
    }
    Some(counted)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_lists_each_kind_once_however_many_services() {
    let Some(one) = plan_requests(1).await else {
        eprintln!("skipped: counting requests needs the double");
        return;
    };
    let lists: Vec<&String> = one
        .iter()
        .filter(|((verb, _), _)| verb == "list")
        .map(|((_, path), _)| path)
        .collect();
    for kind in [
        "deployments",
        "statefulsets",
        "services",
        "networkpolicies",
        "cronjobs",
    ] {
        assert!(
            lists.iter().any(|p| p.ends_with(&format!("/{kind}"))),
            "no LIST of {kind}: {one:?}"
        );
    }
    for ((verb, path), n) in &one {
        assert_eq!(verb, "list", "a plan only lists: {verb} {path} ({one:?})");
        assert_eq!(*n, 1, "{path} listed {n} times: {one:?}");
    }
    assert_eq!(
        plan_requests(5).await,
        Some(one),
        "more services, more requests"
    );
}
