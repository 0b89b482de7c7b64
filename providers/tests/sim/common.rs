//! Helpers shared by the topics: opening a simulated datacenter, create/read/update/delete
//! by address, and the attributes of a small platform, VMs, clusters and services.

use std::path::Path;

use blueprint::Address;
use planner::Provider;
use planner::provider::{
    Attrs, CreateRequest, CreateResponse, DeleteRequest, ReadRequest, UpdateRequest,
};
use providers::{SimConfig, SimProvider};
use serde_json::{Value, json};

pub(crate) fn addr(text: &str) -> Address {
    text.parse().unwrap()
}

pub(crate) fn attrs(value: Value) -> Attrs {
    value.as_object().unwrap().clone()
}

pub(crate) fn open(dir: &Path) -> SimProvider {
    SimProvider::open(&dir.join("sim.json"), SimConfig::default()).unwrap()
}

pub(crate) async fn create(sim: &SimProvider, address: &str, value: Value) -> CreateResponse {
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
pub(crate) async fn ok(sim: &SimProvider, address: &str, value: Value) -> Attrs {
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
pub(crate) async fn fails(sim: &SimProvider, address: &str, value: Value) -> String {
    let response = create(sim, address, value).await;
    assert!(response.id.is_none(), "{address} was created");
    assert_eq!(response.diagnostics.len(), 1, "{:?}", response.diagnostics);
    response.diagnostics[0].summary.clone()
}

pub(crate) async fn read(sim: &SimProvider, address: &str, id: &str) -> Option<Attrs> {
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

pub(crate) async fn update(
    sim: &SimProvider,
    address: &str,
    id: &str,
    value: Value,
) -> Result<Attrs, String> {
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

pub(crate) async fn delete(sim: &SimProvider, address: &str, id: &str) -> Result<(), String> {
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

pub(crate) fn id_of(attrs: &Attrs) -> String {
    attrs["id"].as_str().unwrap().to_string()
}

pub(crate) fn text<'a>(attrs: &'a Attrs, name: &str) -> &'a str {
    attrs[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {attrs:?}"))
}

/// A site, an application zone (`cidr`) and a pool of `hosts` hosts of 8 cores × 4 and
/// 64GiB.
pub(crate) async fn base(sim: &SimProvider, hosts: u64, cidr: &str) {
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

pub(crate) fn vm(cpu: u64, memory: &str) -> Value {
    json!({ "pool": "host_pool.prod", "zone": "network_zone.app", "cpu": cpu, "memory": memory, "disk": "50GiB" })
}

pub(crate) fn cluster(control_plane: u64, workers: u64) -> Value {
    json!({
        "pool": "host_pool.prod",
        "zone": "network_zone.app",
        "purpose": "prod",
        "control_plane": [{ "count": control_plane, "cpu": 4, "memory": "16GiB", "disk": "100GiB" }],
        "node_group": [{ "_label": "general", "count": workers, "cpu": 8, "memory": "16GiB", "disk": "100GiB", "gpu": 0 }],
    })
}

pub(crate) fn nodes(attrs: &Attrs) -> Vec<Value> {
    attrs["nodes"].as_array().unwrap().clone()
}

pub(crate) fn service(replicas: u64, cpu: Value, memory: &str, spread: &str) -> Value {
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
