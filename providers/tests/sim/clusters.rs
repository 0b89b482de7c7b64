//! Kubernetes clusters: nodes as VMs over the pool, and jobs that run on them for their
//! duration.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{base, cluster, delete, fails, id_of, nodes, ok, open, read, text, vm};

#[tokio::test]
async fn cluster_nodes_are_vms_spread_over_the_pool_with_zone_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 3, "10.30.0.0/24").await;
    let k = ok(&sim, "kubernetes_cluster.prod", cluster(3, 3)).await;
    let nodes = nodes(&k);
    assert_eq!(nodes.len(), 6);
    let cp_hosts: BTreeSet<&str> = nodes
        .iter()
        .filter(|n| n["role"] == "control-plane")
        .map(|n| n["host"].as_str().unwrap())
        .collect();
    assert_eq!(
        cp_hosts.len(),
        3,
        "control-plane nodes share a host: {nodes:?}"
    );
    let worker_hosts: BTreeSet<&str> = nodes
        .iter()
        .filter(|n| n["role"] == "worker")
        .map(|n| n["host"].as_str().unwrap())
        .collect();
    assert_eq!(worker_hosts.len(), 3);
    let addresses: BTreeSet<&str> = nodes
        .iter()
        .map(|n| n["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses.len(), 6);
    assert!(addresses.iter().all(|a| a.starts_with("10.30.0.")));
    assert_eq!(nodes[0]["name"], "cp-0");
    assert_eq!(nodes[3]["name"], "general-0");
    assert_eq!(nodes[3]["cpu"], 8);
    assert_eq!(nodes[3]["memory"], "16GiB");
    assert_eq!(
        text(&k, "endpoint"),
        format!("https://{}:6443", nodes[0]["address"].as_str().unwrap())
    );
    // Nodes hold host capacity: 3 hosts × 64GiB, 96GiB used by nodes.
    let summary = sim.summary();
    let used: u64 = (0..3)
        .map(|h| {
            summary["pools"][0]["hosts"][h]["memory"]["used"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(used, 96 << 30);
    // A VM takes an address the nodes do not have.
    let v = ok(&sim, "vm.x", vm(1, "1GiB")).await;
    assert!(!addresses.contains(text(&v, "address")));
    // A cluster that does not fit names the node that did not.
    let mut big = cluster(1, 10);
    big["node_group"][0]["memory"] = json!("40GiB");
    let summary = fails(&sim, "kubernetes_cluster.big", big).await;
    assert!(
        summary.starts_with("No host of host_pool.prod has room for node general-"),
        "{summary}"
    );
    // The pool cannot be deleted while the cluster's nodes run on it.
    let pool = sim
        .objects()
        .into_iter()
        .find(|o| o.1 == "host_pool")
        .unwrap();
    let err = delete(&sim, "host_pool.prod", &pool.2).await.unwrap_err();
    assert!(
        err.starts_with(
            "Cannot delete host_pool.prod: it still runs kubernetes_cluster.prod and vm.x"
        ),
        "{err}"
    );
}

fn job(cpu: u64, duration: &str) -> Value {
    json!({ "cluster": "kubernetes_cluster.prod", "cpu": cpu, "memory": "1GiB", "duration": duration, "parallelism": 1, "retries": 0 })
}

#[tokio::test]
async fn a_job_runs_for_its_duration_then_completes_and_releases_its_requests() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 1, "10.20.0.0/24").await;
    ok(&sim, "kubernetes_cluster.prod", cluster(1, 1)).await;
    // The worker has 8 CPU: one 6-CPU job at a time.
    let j = ok(&sim, "job.etl", job(6, "400ms")).await;
    assert_eq!(j["status"], "running");
    assert!(
        fails(&sim, "job.other", job(6, "400ms"))
            .await
            .starts_with("No node of kubernetes_cluster.prod has room for job.other")
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    let now = read(&sim, "job.etl", &id_of(&j)).await.unwrap();
    assert_eq!(now["status"], "completed");
    let other = ok(&sim, "job.other", job(6, "1h")).await;
    // A completed job stays until deleted; reopening keeps the running one running.
    drop(sim);
    let sim = open(dir.path());
    assert_eq!(
        read(&sim, "job.etl", &id_of(&j)).await.unwrap()["status"],
        "completed"
    );
    assert_eq!(
        read(&sim, "job.other", &id_of(&other)).await.unwrap()["status"],
        "running"
    );
    assert!(
        fails(&sim, "job.third", job(6, "1s"))
            .await
            .contains("has room for job.third")
    );
}
