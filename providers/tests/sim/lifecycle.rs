//! The life of an object: idempotent creates, deletes of what is gone, drift, moves, resizing
//! what others run on, and unknown kinds.

use planner::Provider;
use planner::provider::{Attrs, FindRequest, UpdateRequest};
use providers::{SimError, SimProvider};
use serde_json::{Value, json};

use crate::common::{
    addr, attrs, base, cluster, delete, fails, id_of, nodes, ok, open, read, service, text, update,
    vm,
};

#[tokio::test]
async fn create_is_idempotent_by_address_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let sim = open(dir.path());
        base(&sim, 2, "10.20.0.0/24").await;
        id_of(&ok(&sim, "vm.a", vm(2, "2GiB")).await)
    };
    let sim = open(dir.path());
    let again = ok(&sim, "vm.a", vm(4, "8GiB")).await;
    assert_eq!(id_of(&again), id, "create adopts the existing object");
    assert_eq!(again["memory"], "2GiB", "and returns it as it is");
    let found = sim
        .find(FindRequest {
            key: String::new(),
            address: addr("vm.a"),
            kind: "vm".into(),
        })
        .await;
    assert_eq!(found.found.unwrap().0, id);
    let missing = sim
        .find(FindRequest {
            key: String::new(),
            address: addr("vm.b"),
            kind: "vm".into(),
        })
        .await;
    assert!(missing.found.is_none());
    let b = ok(&sim, "vm.b", vm(2, "2GiB")).await;
    assert_ne!(id_of(&b), id, "ids are not reused after reopening");
    let objects: Vec<String> = sim.objects().iter().map(|o| o.0.to_string()).collect();
    assert_eq!(
        objects,
        [
            "host_pool.prod",
            "network_zone.app",
            "site.dc1",
            "vm.a",
            "vm.b"
        ]
    );
}

#[tokio::test]
async fn deleting_a_missing_object_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 1, "10.20.0.0/24").await;
    let a = ok(&sim, "vm.a", vm(1, "1GiB")).await;
    delete(&sim, "vm.a", &id_of(&a)).await.unwrap();
    delete(&sim, "vm.a", &id_of(&a)).await.unwrap();
    delete(&sim, "vm.never", "vm-999999").await.unwrap();
    assert!(read(&sim, "vm.a", &id_of(&a)).await.is_none());
}

#[tokio::test]
async fn drift_shows_in_reads_and_removal_makes_reads_empty() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 1, "10.20.0.0/24").await;
    let a = ok(&sim, "vm.a", vm(1, "1GiB")).await;
    let id = id_of(&a);
    sim.drift(&addr("vm.a"), "memory", json!("2GiB")).unwrap();
    assert_eq!(read(&sim, "vm.a", &id).await.unwrap()["memory"], "2GiB");
    assert!(matches!(
        sim.drift(&addr("vm.none"), "memory", json!("2GiB")),
        Err(SimError::NotFound(_))
    ));
    // Drift persists.
    drop(sim);
    let sim = open(dir.path());
    assert_eq!(read(&sim, "vm.a", &id).await.unwrap()["memory"], "2GiB");
    // An update puts it back.
    let fixed = update(&sim, "vm.a", &id, vm(1, "1GiB")).await.unwrap();
    assert_eq!(fixed["memory"], "1GiB");
    assert!(matches!(
        sim.remove(&addr("host_pool.prod")),
        Err(SimError::Refused { .. })
    ));
    sim.remove(&addr("vm.a")).unwrap();
    assert!(read(&sim, "vm.a", &id).await.is_none());
    let response = sim
        .update(UpdateRequest {
            address: addr("vm.a"),
            kind: "vm".into(),
            id: id.clone(),
            prior: Attrs::new(),
            attrs: attrs(vm(1, "1GiB")),
            sensitive: Vec::new(),
            progress: Default::default(),
        })
        .await;
    assert_eq!(
        response.diagnostics[0].summary,
        "vm.a no longer exists in the simulated datacenter"
    );
    // Its host capacity and address were released.
    assert_eq!(sim.summary()["pools"][0]["memory"]["used"], json!(0));
}

async fn moved(sim: &SimProvider, from: &str, to: &str, id: &str) -> Result<(), String> {
    let response = sim
        .moved(planner::provider::MoveRequest {
            from: addr(from),
            to: addr(to),
            kind: addr(to).kind,
            id: id.to_string(),
        })
        .await;
    match response.diagnostics.first() {
        Some(d) => Err(d.summary.clone()),
        None => Ok(()),
    }
}

#[tokio::test]
async fn a_moved_object_takes_what_refers_to_it_along() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 2, "10.0.0.0/24").await;
    let vm_id = id_of(&ok(&sim, "vm.a", vm(2, "4GiB")).await);
    let pool = sim
        .objects()
        .into_iter()
        .find(|o| o.0 == addr("host_pool.prod"))
        .unwrap();
    // Renaming the pool: the VM's reference and its place on the pool follow.
    moved(&sim, "host_pool.prod", "host_pool.main", &pool.2)
        .await
        .unwrap();
    // Moving again is a no-op (a run that crashed after the move does it twice).
    moved(&sim, "host_pool.prod", "host_pool.main", &pool.2)
        .await
        .unwrap();
    let vm_attrs = read(&sim, "vm.a", &vm_id).await.unwrap();
    assert_eq!(text(&vm_attrs, "pool"), "host_pool.main");
    let refused = delete(&sim, "host_pool.main", &pool.2).await.unwrap_err();
    assert!(refused.contains("still runs vm.a"), "{refused}");
    // A new VM on the renamed pool finds it; one on the old name does not.
    ok(
        &sim,
        "vm.b",
        vm(2, "4GiB")
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                o.insert("pool".into(), json!("host_pool.main"));
                Value::Object(o)
            })
            .unwrap(),
    )
    .await;
    assert!(
        fails(&sim, "vm.c", vm(2, "4GiB"))
            .await
            .contains("host_pool.prod")
    );
    // The VM moves too, and an address that is taken is refused.
    moved(&sim, "vm.a", "vm.renamed", &vm_id).await.unwrap();
    assert!(moved(&sim, "vm.b", "vm.renamed", "x").await.is_err());
    let b = sim
        .objects()
        .into_iter()
        .find(|o| o.0 == addr("vm.b"))
        .unwrap();
    assert_eq!(
        moved(&sim, "vm.b", "vm.renamed", &b.2).await.unwrap_err(),
        "vm.renamed already has an object"
    );
    // Its address in the zone stays its own: the zone cannot go while it holds it.
    delete(&sim, "vm.b", &b.2).await.unwrap();
    let zone = sim
        .objects()
        .into_iter()
        .find(|o| o.0 == addr("network_zone.app"))
        .unwrap();
    let refused = delete(&sim, "network_zone.app", &zone.2).await.unwrap_err();
    assert!(refused.contains("vm.renamed"), "{refused}");
}

#[tokio::test]
async fn resizing_pools_and_clusters_moves_what_runs_on_removed_hosts_and_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 4, "10.30.0.0/24").await;
    let k = ok(&sim, "kubernetes_cluster.prod", cluster(1, 4)).await;
    let s = ok(&sim, "service.api", service(4, json!(1), "2GiB", "node")).await;
    let mut vms = Vec::new();
    for i in 0..4 {
        vms.push(ok(&sim, &format!("vm.v[{i}]"), vm(2, "4GiB")).await);
    }
    // Two hosts fewer: VMs and nodes on host-2 and host-3 move to host-0 and host-1.
    let pool = sim
        .objects()
        .into_iter()
        .find(|o| o.1 == "host_pool")
        .unwrap();
    let smaller = json!({
        "site": "site.dc1",
        "hosts": 2,
        "host": [{ "cpu": 8, "memory": "64GiB" }],
        "overcommit": [{ "cpu": 4, "memory": 1 }],
    });
    update(&sim, "host_pool.prod", &pool.2, smaller)
        .await
        .unwrap();
    for (i, v) in vms.iter().enumerate() {
        let now = read(&sim, &format!("vm.v[{i}]"), &id_of(v)).await.unwrap();
        let host = text(&now, "host");
        assert!(
            host.ends_with("host-0") || host.ends_with("host-1"),
            "{host}"
        );
    }
    let now = read(&sim, "kubernetes_cluster.prod", &id_of(&k))
        .await
        .unwrap();
    assert!(nodes(&now).iter().all(|n| {
        let host = n["host"].as_str().unwrap();
        host.ends_with("host-0") || host.ends_with("host-1")
    }));
    let summary = sim.summary();
    assert_eq!(summary["pools"][0]["hosts"].as_array().unwrap().len(), 2);
    assert_eq!(
        summary["pools"][0]["memory"]["used"],
        json!((16u64 + 4 * 16 + 4 * 4) << 30)
    );
    // One host cannot hold it all.
    let tiny = json!({ "site": "site.dc1", "hosts": 1, "host": [{ "cpu": 8, "memory": "64GiB" }], "overcommit": [{ "cpu": 4 }] });
    let err = update(&sim, "host_pool.prod", &pool.2, tiny)
        .await
        .unwrap_err();
    assert!(
        err.starts_with("No host of host_pool.prod has room for"),
        "{err}"
    );
    // Two workers fewer: the service's replicas on them are rescheduled.
    let k = update(&sim, "kubernetes_cluster.prod", &id_of(&k), cluster(1, 2))
        .await
        .unwrap();
    assert_eq!(nodes(&k).len(), 3);
    let s = read(&sim, "service.api", &id_of(&s)).await.unwrap();
    let on: Vec<&str> = s["placement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["node"].as_str().unwrap())
        .collect();
    assert_eq!(on.len(), 4);
    assert!(
        on.iter().all(|n| *n == "general-0" || *n == "general-1"),
        "{on:?}"
    );
    // Workers too small for their pods refuse the change.
    let mut small = cluster(1, 2);
    small["node_group"][0]["memory"] = json!("2GiB");
    let err = update(&sim, "kubernetes_cluster.prod", &id_of(&k), small)
        .await
        .unwrap_err();
    assert!(
        err.starts_with(
            "Node general-0 of kubernetes_cluster.prod would be too small for its pods"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_kinds_and_missing_references_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    assert_eq!(
        fails(&sim, "scenario.s", json!({})).await,
        "The sim provider cannot manage scenario.s"
    );
    assert_eq!(
        fails(&sim, "vm.a", vm(1, "1GiB")).await,
        "host_pool.prod does not exist in the simulated datacenter"
    );
    ok(&sim, "site.dc1", json!({})).await;
    let summary = fails(
        &sim,
        "host_pool.p",
        json!({ "site": "site.dc1", "hosts": 1, "host": [{ "cpu": 4 }] }),
    )
    .await;
    assert_eq!(summary, "Missing \"host.memory\" for host_pool.p");
}
