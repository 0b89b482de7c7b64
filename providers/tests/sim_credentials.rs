//! What a simulated `kubernetes_cluster` hands over to the services on it: a real X.509 CA
//! certificate and a sensitive bearer token, stable across reads and updates, new for a
//! new cluster, never in clear in the simulated datacenter's files; and, with the
//! `api_server` settings, the endpoint, CA and token of a real API server instead.

use std::path::Path;

use blueprint::Address;
use planner::Provider;
use planner::provider::{Attrs, CreateRequest, DeleteRequest, ReadRequest, UpdateRequest};
use planner::state::{Protector, StateKey, stands_for};
use providers::{ApiServer, SimConfig, SimProvider};
use serde_json::{Value, json};

const CLUSTER: &str = "kubernetes_cluster.prod";

fn addr(text: &str) -> Address {
    text.parse().unwrap()
}

fn sealing() -> Protector {
    Protector::new(Some(StateKey::new("a state key")), "lineage-1")
}

fn open(dir: &Path, protector: Protector, api_server: Option<ApiServer>) -> SimProvider {
    let config = SimConfig {
        protector,
        api_server,
        ..SimConfig::default()
    };
    SimProvider::open(&dir.join("sim.json"), config).unwrap()
}

async fn create(sim: &SimProvider, address: &str, value: Value) -> (String, Attrs) {
    let address = addr(address);
    let response = sim
        .create(CreateRequest {
            key: String::new(),
            kind: address.kind.clone(),
            address: address.clone(),
            attrs: value.as_object().unwrap().clone(),
            // The blueprint marks nothing: the kind's schema makes the token sensitive.
            sensitive: Vec::new(),
            progress: Default::default(),
        })
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{address}: {:?}",
        response.diagnostics
    );
    (response.id.unwrap(), response.attrs)
}

async fn read(sim: &SimProvider, id: &str) -> Attrs {
    let address = addr(CLUSTER);
    sim.read(ReadRequest {
        kind: address.kind.clone(),
        address,
        id: id.to_string(),
        prior: Attrs::new(),
    })
    .await
    .attrs
    .expect("the cluster exists")
}

async fn update(sim: &SimProvider, id: &str, value: Value) -> Attrs {
    let address = addr(CLUSTER);
    let response = sim
        .update(UpdateRequest {
            kind: address.kind.clone(),
            address,
            id: id.to_string(),
            prior: Attrs::new(),
            attrs: value.as_object().unwrap().clone(),
            sensitive: Vec::new(),
            progress: Default::default(),
        })
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    response.attrs
}

async fn delete(sim: &SimProvider, id: &str) {
    let address = addr(CLUSTER);
    let response = sim
        .delete(DeleteRequest {
            kind: address.kind.clone(),
            address,
            id: id.to_string(),
            progress: Default::default(),
        })
        .await;
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
}

/// A site, a zone and a pool for the cluster.
async fn base(sim: &SimProvider) {
    create(sim, "site.dc1", json!({})).await;
    create(sim, "network_zone.app", json!({ "cidr": "10.30.0.0/24" })).await;
    let pool =
        json!({ "site": "site.dc1", "hosts": 3, "host": [{ "cpu": 32, "memory": "128GiB" }] });
    create(sim, "host_pool.prod", pool).await;
}

fn cluster(workers: u64) -> Value {
    json!({
        "pool": "host_pool.prod",
        "zone": "network_zone.app",
        "control_plane": [{ "count": 1, "cpu": 4, "memory": "16GiB" }],
        "node_group": [{ "_label": "general", "count": workers, "cpu": 8, "memory": "16GiB" }],
    })
}

fn text<'a>(attrs: &'a Attrs, name: &str) -> &'a str {
    attrs[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} is {}", attrs[name]))
}

/// Every file of the simulated datacenter, as text.
fn world_files(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        all.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
    }
    all
}

/// Parses a PEM certificate and checks it is a self-issued CA certificate that may sign
/// certificates.
fn assert_ca(pem: &str) {
    let (rest, parsed) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("PEM");
    assert!(rest.iter().all(u8::is_ascii_whitespace), "one certificate");
    assert_eq!(parsed.label, "CERTIFICATE");
    let cert = parsed.parse_x509().expect("an X.509 certificate");
    let constraints = cert
        .basic_constraints()
        .expect("well-formed extensions")
        .expect("basic constraints");
    assert!(constraints.critical);
    assert!(constraints.value.ca, "not a CA");
    let usage = cert.key_usage().unwrap().expect("key usage");
    assert!(usage.value.key_cert_sign(), "cannot sign certificates");
    assert_eq!(cert.subject(), cert.issuer(), "not self-issued");
    assert_eq!(
        cert.subject()
            .iter_common_name()
            .next()
            .unwrap()
            .as_str()
            .unwrap(),
        "kubernetes"
    );
    assert!(cert.validity().is_valid(), "not valid now");
}

#[tokio::test]
async fn a_cluster_has_a_ca_and_a_token_that_reads_and_updates_keep() {
    let dir = tempfile::tempdir().unwrap();
    let sim = open(dir.path(), sealing(), None);
    base(&sim).await;
    let (id, created) = create(&sim, CLUSTER, cluster(2)).await;
    let ca = text(&created, "cluster_ca_certificate").to_string();
    let token = text(&created, "token").to_string();
    assert_ca(&ca);
    let (secret_id, secret) = token.split_once('.').unwrap();
    assert_eq!((secret_id.len(), secret.len()), (6, 16), "{token}");
    assert!(text(&created, "endpoint").starts_with("https://10.30.0."));

    // The files hold the token sealed, never in clear; the CA is no secret.
    let files = world_files(dir.path());
    assert!(
        !files.contains(&token),
        "the token is in clear in the world"
    );
    assert!(!files.contains(secret));
    assert!(files.contains("\"sealed\""));

    // Reads, an update and reopening keep them.
    let read_back = read(&sim, &id).await;
    assert_eq!(text(&read_back, "token"), token);
    assert_eq!(text(&read_back, "cluster_ca_certificate"), ca);
    let updated = update(&sim, &id, cluster(3)).await;
    assert_eq!(updated["nodes"].as_array().unwrap().len(), 4);
    assert_eq!(text(&updated, "token"), token);
    assert_eq!(text(&updated, "cluster_ca_certificate"), ca);
    drop(sim);
    let sim = open(dir.path(), sealing(), None);
    let reopened = read(&sim, &id).await;
    assert_eq!(text(&reopened, "token"), token);
    assert_eq!(text(&reopened, "cluster_ca_certificate"), ca);

    // A new cluster in its place (a replacement) has new ones.
    delete(&sim, &id).await;
    let (_, replaced) = create(&sim, CLUSTER, cluster(2)).await;
    assert_ca(text(&replaced, "cluster_ca_certificate"));
    assert_ne!(text(&replaced, "cluster_ca_certificate"), ca);
    assert_ne!(text(&replaced, "token"), token);
}

#[tokio::test]
async fn without_a_state_key_the_world_keeps_a_digest_of_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let protector = Protector::new(None, "lineage-1");
    let sim = open(dir.path(), protector, None);
    base(&sim).await;
    let (id, created) = create(&sim, CLUSTER, cluster(2)).await;
    // The create reports the token it made; the files and later reads only its digest.
    let token = created["token"].clone();
    assert!(token.is_string());
    assert!(!world_files(dir.path()).contains(token.as_str().unwrap()));
    let stored = read(&sim, &id).await["token"].clone();
    assert_ne!(stored, token);
    assert!(stands_for(&stored, &token));
}

#[tokio::test]
async fn an_api_server_setting_makes_every_cluster_report_that_server() {
    // A CA to trust: one a simulated cluster made.
    let first = tempfile::tempdir().unwrap();
    let sim = open(first.path(), sealing(), None);
    base(&sim).await;
    let (id, before) = create(&sim, CLUSTER, cluster(2)).await;
    let ca = text(&before, "cluster_ca_certificate").to_string();
    drop(sim);
    let ca_file = first.path().join("ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();
    let server = ApiServer::from_settings(
        Some("https://127.0.0.1:6443"),
        Some(&ca_file),
        Some("the-server-token"),
    )
    .unwrap();

    // The cluster created before the setting reports the server now.
    let sim = open(first.path(), sealing(), server.clone());
    let now = read(&sim, &id).await;
    assert_eq!(text(&now, "endpoint"), "https://127.0.0.1:6443");
    assert_eq!(text(&now, "cluster_ca_certificate"), ca);
    assert_eq!(text(&now, "token"), "the-server-token");
    drop(sim);

    // So does a new cluster; the server's token is never written to the world.
    let second = tempfile::tempdir().unwrap();
    let sim = open(second.path(), sealing(), server);
    base(&sim).await;
    let (id, created) = create(&sim, CLUSTER, cluster(2)).await;
    assert_eq!(text(&created, "endpoint"), "https://127.0.0.1:6443");
    assert_eq!(text(&created, "cluster_ca_certificate"), ca);
    assert_eq!(text(&created, "token"), "the-server-token");
    let updated = update(&sim, &id, cluster(1)).await;
    assert_eq!(text(&updated, "token"), "the-server-token");
    assert!(!world_files(second.path()).contains("the-server-token"));
    // Nodes keep their simulated addresses.
    assert!(
        created["nodes"][0]["address"]
            .as_str()
            .unwrap()
            .starts_with("10.30.0.")
    );
}
