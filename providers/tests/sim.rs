//! The simulated datacenter through its public API: placement, addresses, clusters,
//! services, storage, jobs, drift, latency, faults, persistence and crash safety.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use blueprint::Address;
use planner::Provider;
use planner::provider::{
    Attrs, CreateRequest, CreateResponse, DeleteRequest, FindRequest, ReadRequest, UpdateRequest,
};
use providers::{SimConfig, SimError, SimProvider};
use serde_json::{Value, json};

fn addr(text: &str) -> Address {
    text.parse().unwrap()
}

fn attrs(value: Value) -> Attrs {
    value.as_object().unwrap().clone()
}

fn open(dir: &Path) -> SimProvider {
    SimProvider::open(&dir.join("sim.json"), SimConfig::default()).unwrap()
}

async fn create(sim: &SimProvider, address: &str, value: Value) -> CreateResponse {
    let address = addr(address);
    sim.create(CreateRequest {
        key: String::new(),
        kind: address.kind.clone(),
        address,
        attrs: attrs(value),
        sensitive: Vec::new(),
        progress: Default::default(),
    })
    .await
}

/// Creates and expects success; returns the attributes.
async fn ok(sim: &SimProvider, address: &str, value: Value) -> Attrs {
    let response = create(sim, address, value).await;
    assert!(
        response.diagnostics.is_empty(),
        "{address}: {:?}",
        response.diagnostics
    );
    assert!(response.id.is_some());
    response.attrs
}

/// Creates and expects an error; returns its summary.
async fn fails(sim: &SimProvider, address: &str, value: Value) -> String {
    let response = create(sim, address, value).await;
    assert!(response.id.is_none(), "{address} was created");
    assert_eq!(response.diagnostics.len(), 1, "{:?}", response.diagnostics);
    response.diagnostics[0].summary.clone()
}

async fn read(sim: &SimProvider, address: &str, id: &str) -> Option<Attrs> {
    let address = addr(address);
    let response = sim
        .read(ReadRequest {
            kind: address.kind.clone(),
            address,
            id: id.to_string(),
            prior: Attrs::new(),
        })
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    response.attrs
}

async fn update(sim: &SimProvider, address: &str, id: &str, value: Value) -> Result<Attrs, String> {
    let address = addr(address);
    let response = sim
        .update(UpdateRequest {
            kind: address.kind.clone(),
            address,
            id: id.to_string(),
            prior: Attrs::new(),
            attrs: attrs(value),
            sensitive: Vec::new(),
            progress: Default::default(),
        })
        .await;
    match response.diagnostics.first() {
        Some(d) => Err(format!("{}\n{}", d.summary, d.detail)),
        None => Ok(response.attrs),
    }
}

async fn delete(sim: &SimProvider, address: &str, id: &str) -> Result<(), String> {
    let address = addr(address);
    let response = sim
        .delete(DeleteRequest {
            kind: address.kind.clone(),
            address,
            id: id.to_string(),
            progress: Default::default(),
        })
        .await;
    match response.diagnostics.first() {
        Some(d) => Err(format!("{}\n{}", d.summary, d.detail)),
        None => Ok(()),
    }
}

fn id_of(attrs: &Attrs) -> String {
    attrs["id"].as_str().unwrap().to_string()
}

fn text<'a>(attrs: &'a Attrs, name: &str) -> &'a str {
    attrs[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {attrs:?}"))
}

/// A site, an application zone (`cidr`) and a pool of `hosts` hosts of 8 cores × 4 and
/// 64GiB.
async fn base(sim: &SimProvider, hosts: u64, cidr: &str) {
    ok(sim, "site.dc1", json!({ "location": "Main" })).await;
    ok(sim, "network_zone.app", json!({ "cidr": cidr })).await;
    ok(
        sim,
        "host_pool.prod",
        json!({
            "site": "site.dc1",
            "hosts": hosts,
            "host": [{ "cpu": 8, "memory": "64GiB" }],
            "overcommit": [{ "cpu": 4, "memory": 1 }],
        }),
    )
    .await;
}

fn vm(cpu: u64, memory: &str) -> Value {
    json!({ "pool": "host_pool.prod", "zone": "network_zone.app", "cpu": cpu, "memory": memory, "disk": "50GiB" })
}

#[tokio::test]
async fn vms_go_to_the_host_with_most_free_memory_within_overcommitted_capacity() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 2, "10.20.0.0/24").await;
    let a = ok(&sim, "vm.a", vm(16, "16GiB")).await;
    let b = ok(&sim, "vm.b", vm(16, "8GiB")).await;
    assert_eq!(text(&a, "host"), "host_pool.prod/host-0");
    assert_eq!(text(&b, "host"), "host_pool.prod/host-1");
    // host-1 has more free memory (56GiB against 48GiB).
    let c = ok(&sim, "vm.c", vm(8, "4GiB")).await;
    assert_eq!(text(&c, "host"), "host_pool.prod/host-1");
    // 8 cores × 4 = 32 vCPU per host: host-0 has 16 left, host-1 8.
    let summary = fails(&sim, "vm.big", vm(17, "4GiB")).await;
    assert_eq!(
        summary,
        "No host of host_pool.prod has room for vm.big (needs 17 vCPU, 4GiB; the largest free is 8 vCPU, 52GiB on host-1)"
    );
    assert_eq!(
        text(&ok(&sim, "vm.d", vm(16, "4GiB")).await, "host"),
        "host_pool.prod/host-0"
    );
    let summary = sim.summary();
    let hosts = &summary["pools"][0]["hosts"];
    assert_eq!(
        hosts[0]["cpu"],
        json!({ "total": 32.0, "used": 32.0, "free": 0.0 })
    );
    assert_eq!(hosts[1]["memory"]["used"], json!(12u64 << 30));
    assert_eq!(summary["objects"]["vm"], json!(4));
    // Memory is not overcommitted: 64GiB per host.
    let summary = fails(&sim, "vm.huge", vm(1, "65GiB")).await;
    assert!(summary.contains("needs 1 vCPU, 65GiB"), "{summary}");
}

#[tokio::test]
async fn anti_affinity_groups_never_share_a_host() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    base(&sim, 3, "10.20.0.0/24").await;
    let mut hosts = BTreeSet::new();
    for i in 0..3 {
        let mut attrs = vm(2, "4GiB");
        attrs["anti_affinity"] = json!("db");
        let created = ok(&sim, &format!("vm.db[{i}]"), attrs).await;
        hosts.insert(text(&created, "host").to_string());
    }
    assert_eq!(hosts.len(), 3);
    let mut attrs = vm(2, "4GiB");
    attrs["anti_affinity"] = json!("db");
    let response = create(&sim, "vm.db[3]", attrs).await;
    let d = &response.diagnostics[0];
    assert!(
        d.summary
            .starts_with("No host of host_pool.prod has room for vm.db[3]"),
        "{}",
        d.summary
    );
    assert!(
        d.detail
            .contains("3 host(s) with room already run a VM of anti-affinity group \"db\""),
        "{}",
        d.detail
    );
    // Other groups and ungrouped VMs still fit.
    let mut other = vm(2, "4GiB");
    other["anti_affinity"] = json!("web");
    ok(&sim, "vm.web", other).await;
    ok(&sim, "vm.free", vm(2, "4GiB")).await;
}

#[tokio::test]
async fn addresses_come_from_the_zone_skipping_network_gateway_and_broadcast() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    // A /29: .0 network, .1 gateway, .7 broadcast; .2 to .6 are given.
    base(&sim, 2, "10.20.0.0/29").await;
    let a = ok(&sim, "vm.a", vm(1, "1GiB")).await;
    assert_eq!(text(&a, "address"), "10.20.0.2");
    let b = ok(&sim, "vm.b", vm(1, "1GiB")).await;
    assert_eq!(text(&b, "address"), "10.20.0.3");
    let with = |ip: &str| {
        let mut v = vm(1, "1GiB");
        v["address"] = json!(ip);
        v
    };
    assert_eq!(
        fails(&sim, "vm.out", with("10.20.1.5")).await,
        "Address 10.20.1.5 of vm.out is outside network_zone.app"
    );
    assert_eq!(
        fails(&sim, "vm.gw", with("10.20.0.1")).await,
        "Address 10.20.0.1 of vm.gw is reserved in network_zone.app"
    );
    assert_eq!(
        fails(&sim, "vm.bc", with("10.20.0.7")).await,
        "Address 10.20.0.7 of vm.bc is reserved in network_zone.app"
    );
    assert_eq!(
        fails(&sim, "vm.dup", with("10.20.0.3")).await,
        "Address 10.20.0.3 of vm.dup is already taken by vm.b"
    );
    let fixed = ok(&sim, "vm.fixed", with("10.20.0.6")).await;
    assert_eq!(text(&fixed, "address"), "10.20.0.6");
    assert_eq!(
        text(&ok(&sim, "vm.c", vm(1, "1GiB")).await, "address"),
        "10.20.0.4"
    );
    assert_eq!(
        text(&ok(&sim, "vm.d", vm(1, "1GiB")).await, "address"),
        "10.20.0.5"
    );
    assert_eq!(
        fails(&sim, "vm.e", vm(1, "1GiB")).await,
        "network_zone.app has no free address for vm.e"
    );
    // A deleted VM's address is given again.
    delete(&sim, "vm.b", &id_of(&b)).await.unwrap();
    assert_eq!(
        text(&ok(&sim, "vm.e", vm(1, "1GiB")).await, "address"),
        "10.20.0.3"
    );
    // A zone with addresses in use cannot be deleted.
    let zone = sim
        .objects()
        .into_iter()
        .find(|(a, _, _)| a.to_string() == "network_zone.app")
        .unwrap();
    let err = delete(&sim, "network_zone.app", &zone.2).await.unwrap_err();
    assert!(
        err.starts_with("Cannot delete network_zone.app: it still gives addresses to vm.a, vm.c"),
        "{err}"
    );
}

fn cluster(control_plane: u64, workers: u64) -> Value {
    json!({
        "pool": "host_pool.prod",
        "zone": "network_zone.app",
        "purpose": "prod",
        "control_plane": [{ "count": control_plane, "cpu": 4, "memory": "16GiB", "disk": "100GiB" }],
        "node_group": [{ "_label": "general", "count": workers, "cpu": 8, "memory": "16GiB", "disk": "100GiB", "gpu": 0 }],
    })
}

fn nodes(attrs: &Attrs) -> Vec<Value> {
    attrs["nodes"].as_array().unwrap().clone()
}

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

fn service(replicas: u64, cpu: Value, memory: &str, spread: &str) -> Value {
    json!({
        "cluster": "kubernetes_cluster.prod",
        "kind": "application",
        "replicas": replicas,
        "cpu": cpu,
        "memory": memory,
        "spread": spread,
        "quorum": 1,
        "stateful": false,
        "port": 8080,
    })
}

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

#[tokio::test]
async fn latency_overlaps_between_concurrent_calls() {
    let dir = tempfile::tempdir().unwrap();
    let config = SimConfig {
        latency: Duration::from_millis(100),
        ..SimConfig::default()
    };
    let sim = Arc::new(SimProvider::open(&dir.path().join("sim.json"), config).unwrap());
    let start = Instant::now();
    for i in 0..10 {
        ok(&sim, &format!("site.serial{i}"), json!({})).await;
    }
    let serial = start.elapsed();
    assert!(serial >= Duration::from_millis(1000), "{serial:?}");
    let start = Instant::now();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let sim = sim.clone();
            tokio::spawn(async move {
                ok(&sim, &format!("site.parallel{i}"), json!({})).await;
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let parallel = start.elapsed();
    assert!(parallel >= Duration::from_millis(100));
    assert!(
        parallel * 3 < serial,
        "parallel {parallel:?}, serial {serial:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn injected_faults_change_nothing_and_are_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let always = SimConfig {
        failure_rate: 1.0,
        ..SimConfig::default()
    };
    let sim = SimProvider::open(&dir.path().join("a.json"), always).unwrap();
    let summary = fails(&sim, "site.dc1", json!({})).await;
    assert_eq!(
        summary,
        "The simulated datacenter failed to create site.dc1 (injected fault)"
    );
    assert!(sim.objects().is_empty());

    let run = |name: &'static str| {
        let path = dir.path().join(name);
        async move {
            let config = SimConfig {
                failure_rate: 0.5,
                seed: 7,
                ..SimConfig::default()
            };
            let sim = SimProvider::open(&path, config).unwrap();
            let mut outcomes = Vec::new();
            for i in 0..20 {
                let address = format!("site.s{i}");
                loop {
                    let response = create(&sim, &address, json!({})).await;
                    outcomes.push(response.id.is_some());
                    if response.id.is_some() {
                        break;
                    }
                }
            }
            assert_eq!(sim.objects().len(), 20);
            outcomes
        }
    };
    let first = run("b.json").await;
    assert!(first.iter().any(|ok| !ok) && first.iter().any(|ok| *ok));
    assert_eq!(
        first,
        run("c.json").await,
        "the same seed gives the same faults"
    );
}

#[tokio::test]
async fn a_torn_last_line_is_ignored_and_later_writes_survive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    {
        let sim = open(dir.path());
        base(&sim, 2, "10.20.0.0/24").await;
        ok(&sim, "vm.a", vm(1, "1GiB")).await;
    }
    let log = PathBuf::from(format!("{}.log", path.display()));
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    file.write_all(br#"{"seq":99,"put":[{"id":"vm-0000"#)
        .unwrap();
    drop(file);
    {
        let sim = open(dir.path());
        assert_eq!(sim.objects().len(), 4);
        ok(&sim, "vm.b", vm(1, "1GiB")).await;
    }
    let sim = open(dir.path());
    let names: Vec<String> = sim.objects().iter().map(|o| o.0.to_string()).collect();
    assert_eq!(
        names,
        [
            "host_pool.prod",
            "network_zone.app",
            "site.dc1",
            "vm.a",
            "vm.b"
        ]
    );
    // A damaged line followed by good ones is not a torn write: it is reported.
    drop(sim);
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1] = "{garbage";
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let err = SimProvider::open(&path, SimConfig::default()).unwrap_err();
    assert!(matches!(err, SimError::Corrupt { line: 2, .. }), "{err}");
}

#[tokio::test]
async fn one_process_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path());
    let err = SimProvider::open(&dir.path().join("sim.json"), SimConfig::default()).unwrap_err();
    assert!(matches!(err, SimError::Locked(_)), "{err}");
    drop(sim);
    open(dir.path());
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

/// Evaluates `dir` as a blueprint and creates every managed instance in order.
async fn apply_blueprint(sim: &SimProvider, dir: &Path) -> BTreeMap<String, Attrs> {
    let mut sources = blueprint::SourceMap::default();
    let (config, diags) = blueprint::load(dir, &Default::default(), &mut sources);
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    let mut created = BTreeMap::new();
    for instance in config.instances.iter().filter(|i| i.managed) {
        let request = CreateRequest {
            key: String::new(),
            address: instance.address.clone(),
            kind: instance.kind.to_string(),
            attrs: attrs(instance.fields.to_json()),
            sensitive: instance.sensitive.clone(),
            progress: Default::default(),
        };
        let response = sim.create(request).await;
        assert!(
            response.diagnostics.is_empty(),
            "{}: {:?}",
            instance.address,
            response.diagnostics
        );
        created.insert(instance.address.to_string(), response.attrs);
    }
    created
}

#[tokio::test]
async fn example_blueprints_apply_to_the_simulated_datacenter() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints");
    for name in ["minimal", "reference-platform"] {
        let dir = tempfile::tempdir().unwrap();
        let sim = open(dir.path());
        let created = apply_blueprint(&sim, &root.join(name)).await;
        assert_eq!(sim.objects().len(), created.len(), "{name}");
        let every: BTreeSet<String> = sim.objects().iter().map(|o| o.0.to_string()).collect();
        assert_eq!(every, created.keys().cloned().collect(), "{name}");
        // Every node and VM address is unique.
        let mut seen = HashSet::new();
        for attrs in created.values() {
            if let Some(nodes) = attrs.get("nodes").and_then(Value::as_array) {
                for n in nodes {
                    assert!(seen.insert(n["address"].as_str().unwrap().to_string()));
                }
            }
        }
        let minimal = &created.get("service.hello");
        if let Some(hello) = minimal {
            assert_eq!(hello["placement"].as_array().unwrap().len(), 2);
        }
    }
}

const CHILD: &str = "STRATA_SIM_CRASH_CHILD";

/// Run by [`sigkill_loses_no_create_that_returned`] in a child process: creates VMs from
/// several tasks until killed, printing each one whose create returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crash_child() {
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    let sim = Arc::new(SimProvider::open(Path::new(&path), SimConfig::default()).unwrap());
    ok(&sim, "site.dc1", json!({})).await;
    ok(&sim, "network_zone.app", json!({ "cidr": "10.0.0.0/12" })).await;
    ok(
        &sim,
        "host_pool.prod",
        json!({ "site": "site.dc1", "hosts": 50, "host": [{ "cpu": 64, "memory": "2TiB" }], "overcommit": [{ "cpu": 16 }] }),
    )
    .await;
    println!("ready");
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let sim = sim.clone();
            tokio::spawn(async move {
                for i in 0..100_000 {
                    let address = format!("vm.t{task}[{i}]");
                    let created = ok(&sim, &address, vm(1, "1GiB")).await;
                    let line = format!(
                        "created {address} {} {}\n",
                        id_of(&created),
                        text(&created, "address")
                    );
                    let mut out = std::io::stdout().lock();
                    out.write_all(line.as_bytes()).unwrap();
                    out.flush().unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

#[test]
fn sigkill_loses_no_create_that_returned() {
    use rand::RngExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut reported = Vec::new();
        let mut line = String::new();
        let wanted = rand::rng().random_range(20..400);
        while reported.len() < wanted {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                panic!("round {round}: the child stopped: {reported:?}");
            }
            if let Some(rest) = line.strip_prefix("created ") {
                reported.push(rest.trim_end().to_string());
            }
        }
        std::thread::sleep(Duration::from_micros(rand::rng().random_range(0..5000)));
        child.kill().unwrap();
        // Lines written before the kill are still in the pipe.
        loop {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if line.ends_with('\n')
                && let Some(rest) = line.strip_prefix("created ")
            {
                reported.push(rest.trim_end().to_string());
            }
        }
        child.wait().unwrap();

        let sim = SimProvider::open(&path, SimConfig::default()).unwrap();
        let objects: BTreeMap<String, String> = sim
            .objects()
            .into_iter()
            .map(|(a, _, id)| (a.to_string(), id))
            .collect();
        for entry in &reported {
            let mut parts = entry.split(' ');
            let (address, id) = (parts.next().unwrap(), parts.next().unwrap());
            assert_eq!(
                objects.get(address).map(String::as_str),
                Some(id),
                "round {round}: {address} lost"
            );
        }
        // The world is consistent: every VM address is unique.
        let summary = sim.summary();
        let vms = summary["objects"]["vm"].as_u64().unwrap_or(0);
        assert_eq!(summary["zones"][0]["addresses_used"].as_u64().unwrap(), vms);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_creates_write_linear_bytes_and_reopen_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.json");
    let sim = Arc::new(open(dir.path()));
    ok(&sim, "site.dc1", json!({})).await;
    ok(&sim, "network_zone.app", json!({ "cidr": "10.0.0.0/16" })).await;
    ok(
        &sim,
        "host_pool.prod",
        json!({ "site": "site.dc1", "hosts": 100, "host": [{ "cpu": 64, "memory": "1TiB" }], "overcommit": [{ "cpu": 4 }] }),
    )
    .await;
    let start = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let sim = sim.clone();
            tokio::spawn(async move {
                for i in 0..625 {
                    ok(&sim, &format!("vm.t{task}[{i}]"), vm(2, "4GiB")).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = start.elapsed();
    drop(sim);
    let log = std::fs::metadata(format!("{}.log", path.display()))
        .unwrap()
        .len();
    let snapshot = std::fs::metadata(&path).map_or(0, |m| m.len());
    let bytes_per_vm = (log + snapshot) / 10_000;
    assert!(bytes_per_vm < 2_000, "{bytes_per_vm} bytes per VM");
    let start = Instant::now();
    let sim = open(dir.path());
    let reopen = start.elapsed();
    assert_eq!(sim.objects().len(), 10_003);
    let summary = sim.summary();
    assert_eq!(summary["zones"][0]["addresses_used"], json!(10_000));
    eprintln!("10,000 creates: {elapsed:?}, {bytes_per_vm} bytes each, reopen {reopen:?}");
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
