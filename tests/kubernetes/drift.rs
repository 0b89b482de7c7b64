//! Drift beyond a workload's replicas: each field Strata declares, changed behind its
//! back through kube-rs as `kubectl edit`/`patch` would (another field manager), is shown
//! by `strata plan` under the blueprint attribute it comes from, corrected by `strata
//! apply` (which takes the field back from the other manager), and the next plan is
//! empty; an object deleted by hand, even one a zone shares, is created again; what
//! Strata does not declare, changed by others, is never drift.

use serde_json::{Value, json};

use crate::lab::{Lab, text};

const ORDERS: (&str, &str, &str, &str) = ("apps/v1", "StatefulSet", "app", "orders");
const GATEWAY: (&str, &str, &str, &str) = ("apps/v1", "Deployment", "dmz", "gateway");

/// The lab, applied, with no changes left.
async fn applied() -> Lab {
    let lab = Lab::new("").await;
    if let Some(double) = &lab.cluster.double {
        double.knobs().rollout_delay = std::time::Duration::from_millis(20);
    }
    let out = lab.strata(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    lab.no_changes();
    lab
}

/// The containers of `object`'s pod template (under `at`), with `edit` made to its
/// container `main`: a merge patch replaces the list, as `kubectl edit` sends it.
async fn containers(
    lab: &Lab,
    object: (&str, &str, &str, &str),
    at: &str,
    edit: impl Fn(&mut Value),
) -> Value {
    let mut list = lab.get(object).await.pointer(at).unwrap().clone();
    let main = list
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["name"] == "main")
        .unwrap();
    edit(main);
    list
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workloads_figures_and_ports_edited_by_hand_are_corrected() {
    let lab = applied().await;
    let pods = "/spec/template/spec/containers";
    let list = containers(&lab, ORDERS, pods, |main| {
        main["resources"]["limits"]["cpu"] = json!("1");
        main["resources"]["requests"]["memory"] = json!("1536Mi");
    })
    .await;
    let patch = json!({"spec": {"template": {"spec": {"containers": list}}}});
    lab.edit(ORDERS, "kubectl-edit", patch).await;
    let service = ("v1", "Service", "app", "orders");
    let ports = json!({"spec": {"ports": [{"name": "serve", "port": 80, "targetPort": "serve"}]}});
    lab.edit(service, "kubectl-patch", ports).await;
    let budget = ("policy/v1", "PodDisruptionBudget", "app", "orders");
    lab.edit(budget, "kubectl-edit", json!({"spec": {"minAvailable": 3}}))
        .await;
    let plan = lab.corrected(&["service.orders", "cpu", "memory", "port", "quorum"]);
    assert!(plan.contains("1 -> 0.5"), "{plan}");
    assert!(plan.contains("\"1536MiB\" -> \"1GiB\""), "{plan}");
    assert!(plan.contains("80 -> 8080"), "{plan}");

    let live = lab.get(ORDERS).await;
    let main = &live["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(main["resources"]["limits"]["cpu"], json!("500m"));
    assert_eq!(main["resources"]["requests"]["memory"], json!("1Gi"));
    assert_eq!(
        lab.get(service).await["spec"]["ports"][0]["port"],
        json!(8080)
    );
    assert_eq!(lab.get(budget).await["spec"]["minAvailable"], json!(1));

    // An image changed with `kubectl set image` on the gateway.
    let list = containers(&lab, GATEWAY, pods, |main| {
        main["image"] = json!("kong/kong-gateway:3.9");
    })
    .await;
    let patch = json!({"spec": {"template": {"spec": {"containers": list}}}});
    lab.edit(GATEWAY, "kubectl-set", patch).await;
    lab.corrected(&[
        "service.gateway",
        "\"kong/kong-gateway:3.9\" -> \"kong/kong-gateway:3.8\"",
    ]);

    // A claim template grown by hand (a real server refuses that edit: only the double).
    if lab.cluster.is_double() {
        let kafka = ("apps/v1", "StatefulSet", "data", "kafka");
        let mut claims = lab.get(kafka).await["spec"]["volumeClaimTemplates"].clone();
        claims[0]["spec"]["resources"]["requests"]["storage"] = json!("200Gi");
        let patch = json!({"spec": {"volumeClaimTemplates": claims}});
        lab.edit(kafka, "kubectl-edit", patch).await;
        lab.corrected(&["service.kafka", "\"200GiB\" -> \"100GiB\""]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_schedule_a_quota_and_network_rules_edited_by_hand_are_corrected() {
    let lab = applied().await;
    let cron = ("batch/v1", "CronJob", "app", "nightly-report");
    lab.edit(
        cron,
        "kubectl-edit",
        json!({"spec": {"schedule": "*/5 * * * *"}}),
    )
    .await;
    let quota = ("v1", "ResourceQuota", "env-sit", "quota");
    let hard = json!({"spec": {"hard": {"requests.cpu": "16", "limits.cpu": "16"}}});
    lab.edit(quota, "kubectl-edit", hard).await;
    // A peer added to one policy's rule, another policy's rule deleted.
    let clients = (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "dmz",
        "clients-to-gateway",
    );
    let mut rules = lab.get(clients).await["spec"]["ingress"].clone();
    rules[0]["from"]
        .as_array_mut()
        .unwrap()
        .push(json!({"ipBlock": {"cidr": "0.0.0.0/0"}}));
    lab.edit(clients, "kubectl-edit", json!({"spec": {"ingress": rules}}))
        .await;
    let orders = (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "app",
        "gateway-to-orders",
    );
    lab.edit(orders, "kubectl-edit", json!({"spec": {"ingress": []}}))
        .await;

    let plan = lab.corrected(&[
        "job.nightly_report",
        "\"*/5 * * * *\" -> \"0 2 * * *\"",
        "environment.sit",
        "quota",
        "network_policy.clients_to_gateway",
        "added by hand: {\\\"ipBlock\\\":{\\\"cidr\\\":\\\"0.0.0.0/0\\\"}}",
        "network_policy.gateway_to_orders",
        "deleted by hand: ",
    ]);
    assert!(plan.contains("16 -> 8"), "{plan}");

    assert_eq!(lab.get(cron).await["spec"]["schedule"], json!("0 2 * * *"));
    let hard = &lab.get(quota).await["spec"]["hard"];
    assert_eq!(
        (&hard["requests.cpu"], &hard["limits.cpu"]),
        (&json!("8"), &json!("8"))
    );
    let peers = &lab.get(clients).await["spec"]["ingress"][0]["from"];
    assert!(!peers.to_string().contains("0.0.0.0/0"), "{peers}");
    let rules = &lab.get(orders).await["spec"]["ingress"];
    assert_eq!(rules.as_array().map(Vec::len), Some(1), "{rules}");
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_deleted_by_hand_are_created_again() {
    let lab = applied().await;
    // The data zone's default deny is shared by the policies into it: each of them needs
    // it, so each is created again, and the apply restores it.
    let deny = (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "data",
        "default-deny",
    );
    lab.delete(deny).await;
    let budget = ("policy/v1", "PodDisruptionBudget", "app", "orders");
    lab.delete(budget).await;
    lab.corrected(&[
        "network_policy.orders_to_kafka will be created",
        "service.orders will be created",
    ]);
    lab.get(deny).await;
    lab.get(budget).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_others_add_to_strata_objects_is_not_drift() {
    let lab = applied().await;
    let meta = json!({"metadata": {
        "labels": {"team": "payments"},
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-30T07:00:00Z"}
    }});
    for object in [GATEWAY, ORDERS, ("v1", "Service", "app", "orders")] {
        lab.edit(object, "kubectl-label", meta.clone()).await;
    }
    // A mesh's webhook injects a sidecar beside the container `main`.
    let mut list = lab.get(GATEWAY).await["spec"]["template"]["spec"]["containers"].clone();
    list.as_array_mut()
        .unwrap()
        .push(json!({"name": "istio-proxy", "image": "istio/proxyv2:1.22"}));
    let patch = json!({"spec": {"template": {"spec": {"containers": list}}}});
    lab.edit(GATEWAY, "istio-sidecar-injector", patch).await;
    // The same figures, spelled otherwise.
    let list = containers(&lab, ORDERS, "/spec/template/spec/containers", |main| {
        main["resources"]["limits"]["cpu"] = json!("0.5");
        main["resources"]["limits"]["memory"] = json!("1024Mi");
    })
    .await;
    let patch = json!({"spec": {"template": {"spec": {"containers": list}}}});
    lab.edit(ORDERS, "kubectl-edit", patch).await;
    lab.no_changes();
}
