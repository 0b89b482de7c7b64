//! Services: replicas spread over hosts and nodes, scaling, volumes on their storage, and
//! applications on VMs.

use std::collections::{BTreeMap, BTreeSet};

use planner::provider::Attrs;
use serde_json::json;

use crate::common::{
    base, cluster, create, delete, fails, id_of, nodes, ok, open, read, service, update, vm,
};

/// Host of each replica, through the cluster's nodes.
fn replica_hosts(cluster: &Attrs, service: &Attrs) -> Vec<String> {
    let nodes = nodes(cluster);
    let hosts: BTreeMap<&str, &str> = nodes
        .iter()
        .map(|n| (n["name"].as_str().unwrap(), n["host"].as_str().unwrap()))
        .collect();
    service["placement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| hosts[p["node"].as_str().unwrap()].to_string())
        .collect()
}

#[tokio::test]
async fn service_replicas_spread_over_hosts_and_nodes_within_requests() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 3, "10.30.0.0/24").await;
    let k = ok(&sim, "kubernetes_cluster.prod", cluster(1, 6)).await;
    // Each worker has 8 CPU and 16GiB, 7.91 CPU and 13.3GiB allocatable after the
    // kubelet's reservations (2.6GiB kube-reserved, 100MiB eviction): two 6GiB replicas
    // per node at most.
    let response = create(&sim, "service.fat", service(13, json!(1), "6GiB", "none")).await;
    let d = &response.diagnostics[0];
    assert_eq!(
        d.summary,
        "No node of kubernetes_cluster.prod has room for service.fat (replica 13 of 13 needs 1 CPU, 6GiB; the largest free is 5.91 CPU, 1.3GiB on general-0)"
    );
    assert!(
        d.detail
            .contains("12 of the 13 replicas of service.fat fit"),
        "{}",
        d.detail
    );
    // Nothing was taken by the failed service.
    ok(&sim, "service.fat", service(12, json!(1), "6GiB", "none")).await;
    // 1.3GiB is left on each node: 1GiB replicas fit.
    let s = ok(&sim, "service.api", service(3, json!(1), "1GiB", "host")).await;
    let hosts: BTreeSet<String> = replica_hosts(&k, &s).into_iter().collect();
    assert_eq!(hosts.len(), 3, "{s:?}");
    let s = ok(
        &sim,
        "service.web",
        service(6, json!("500m"), "256MiB", "node"),
    )
    .await;
    let placement = s["placement"].as_array().unwrap();
    let on: BTreeSet<&str> = placement
        .iter()
        .map(|p| p["node"].as_str().unwrap())
        .collect();
    assert_eq!(on.len(), 6);
    assert!(
        on.iter().all(|n| n.starts_with("general-")),
        "never on the control plane"
    );
    // A cluster with services cannot be deleted.
    let err = delete(&sim, "kubernetes_cluster.prod", &id_of(&k))
        .await
        .unwrap_err();
    assert!(err.starts_with("Cannot delete kubernetes_cluster.prod: it still runs service.api, service.fat and service.web"), "{err}");
}

#[tokio::test]
async fn scaling_a_service_places_replicas_again_and_rejects_what_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 3, "10.30.0.0/24").await;
    ok(&sim, "kubernetes_cluster.prod", cluster(1, 3)).await;
    let s = ok(&sim, "service.api", service(2, json!(2), "4GiB", "host")).await;
    let id = id_of(&s);
    let s = update(
        &sim,
        "service.api",
        &id,
        service(5, json!(2), "4GiB", "host"),
    )
    .await
    .unwrap();
    assert_eq!(s["placement"].as_array().unwrap().len(), 5);
    let err = update(
        &sim,
        "service.api",
        &id,
        service(5, json!(2), "15GiB", "host"),
    )
    .await
    .unwrap_err();
    assert!(
        err.starts_with("No node of kubernetes_cluster.prod has room for service.api"),
        "{err}"
    );
    // The failed update changed nothing.
    let now = read(&sim, "service.api", &id).await.unwrap();
    assert_eq!(now["memory"], "4GiB");
    let s = update(
        &sim,
        "service.api",
        &id,
        service(3, json!(4), "12GiB", "host"),
    )
    .await
    .unwrap();
    assert_eq!(s["placement"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn volumes_claim_size_times_replicas_on_their_storage() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 3, "10.30.0.0/24").await;
    let ceph = ok(
        &sim,
        "storage.ceph",
        json!({ "type": "ceph", "pool": "host_pool.prod", "capacity": "1TiB", "replicas": 3, "min_size": 2 }),
    )
    .await;
    let mut k = cluster(1, 3);
    k["storage"] = json!("storage.ceph");
    ok(&sim, "kubernetes_cluster.prod", k).await;
    let with_volume = |replicas: u64, size: &str| {
        let mut s = service(replicas, json!(1), "1GiB", "host");
        s["volume"] = json!([{ "size": size }]);
        s
    };
    let kafka = ok(&sim, "service.kafka", with_volume(3, "300GiB")).await;
    assert_eq!(
        fails(&sim, "service.db", with_volume(1, "200GiB")).await,
        "storage.ceph has no room for the volumes of service.db (needs 200GiB: 1 × 200GiB; 124GiB of 1TiB free)"
    );
    let err = delete(&sim, "storage.ceph", &id_of(&ceph))
        .await
        .unwrap_err();
    assert!(
        err.starts_with("Cannot delete storage.ceph: it still holds volumes of service.kafka"),
        "{err}"
    );
    let summary = sim.summary();
    assert_eq!(
        summary["storage"][0]["capacity"]["used"],
        json!(900u64 << 30)
    );
    // Shrinking kafka's replicas gives back its claims.
    update(
        &sim,
        "service.kafka",
        &id_of(&kafka),
        with_volume(2, "300GiB"),
    )
    .await
    .unwrap();
    ok(&sim, "service.db", with_volume(1, "200GiB")).await;
    delete(&sim, "service.kafka", &id_of(&kafka)).await.unwrap();
    assert_eq!(
        sim.summary()["storage"][0]["capacity"]["used"],
        json!(200u64 << 30)
    );
    // A volume without storage anywhere is an error.
    let mut bare = with_volume(1, "1GiB");
    bare["cluster"] = json!("kubernetes_cluster.nostore");
    ok(&sim, "kubernetes_cluster.nostore", cluster(1, 1)).await;
    assert_eq!(
        fails(&sim, "service.bare", bare).await,
        "No storage for the volume of service.bare"
    );
}

#[tokio::test]
async fn an_application_on_vms_names_its_vms_and_their_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 2, "10.40.0.0/24").await;
    let a = ok(&sim, "vm.app[0]", vm(4, "8GiB")).await;
    let b = ok(&sim, "vm.app[1]", vm(4, "8GiB")).await;
    let s = ok(
        &sim,
        "service.legacy",
        json!({ "vms": ["vm.app[0]", "vm.app[1]"], "kind": "application", "quorum": 1 }),
    )
    .await;
    let placement = s["placement"].as_array().unwrap();
    assert_eq!(placement.len(), 2);
    assert_eq!(placement[0]["vm"], "vm.app[0]");
    assert_eq!(placement[0]["host"], a["host"]);
    assert_eq!(placement[1]["host"], b["host"]);
    let summary = fails(
        &sim,
        "service.ghost",
        json!({ "vms": ["vm.missing"], "kind": "application", "quorum": 1 }),
    )
    .await;
    assert!(summary.contains("vm.missing"), "{summary}");
}
