//! The simulated datacenter: the `sim` provider, Strata's default.
//!
//! It behaves like a vCenter with Kubernetes on top, as a demanding user would expect:
//! host pools of hosts with capacity after overcommit, VMs placed on the host with the
//! most free memory (anti-affinity groups on different hosts), addresses from zone CIDRs,
//! clusters whose nodes are VMs spread over the pool, services and jobs placed on worker
//! nodes by their requests, volumes claimed on storage, capacity errors with figures, and
//! provisioning latency and injected faults when configured. Operators can change it
//! behind Strata's back ([`SimProvider::drift`], [`SimProvider::remove`]) to see drift.
//!
//! The world is kept in a file beside the state (`path`), plus `path.log`: every change is
//! durable before its call returns, so a killed process loses nothing it reported (see
//! `journal`). One process has a world open at a time. Sensitive attributes are kept as
//! the state keeps them (sealed with the state key, or a digest): simulating an object
//! never needs a secret's value, and a read gives back what the key opens.

mod api_server;
mod attrs;
mod cluster;
mod credentials;
mod drift;
mod error;
mod faults;
mod format;
mod hosts;
mod ipam;
mod journal;
mod kinds;
mod load;
mod nodes;
mod pool;
mod provider;
mod record;
mod rename;
mod store;
mod summary;
mod vm;
mod workload;
mod world;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use blueprint::Address;

pub use api_server::{ApiServer, ApiServerError};
pub use error::SimError;

use faults::Faults;
use record::Change;
use store::{COMPACT_MIN, Store};

/// How the simulated datacenter behaves.
#[derive(Clone, Debug, Default)]
pub struct SimConfig {
    /// How long each create, update and delete takes; zero by default.
    pub latency: Duration,
    /// The share (0 to 1) of creates, updates and deletes that fail with an injected fault,
    /// before changing anything.
    pub failure_rate: f64,
    /// Seeds the injected faults, so a run's faults are reproducible.
    pub seed: u64,
    /// How sensitive attributes are written to the world's files: sealed with the state
    /// key, or digests, as the state holds them. Reads open what the key sealed.
    pub protector: planner::state::Protector,
    /// The real API server every simulated `kubernetes_cluster` answers at, when set
    /// (the settings `api_server`, `api_server_ca_file`, `api_server_token`).
    pub api_server: Option<ApiServer>,
}

/// The simulated datacenter, as a [`planner::Provider`] named `sim`.
pub struct SimProvider {
    path: PathBuf,
    store: Store,
    faults: Faults,
    protector: planner::state::Protector,
    api_server: Option<ApiServer>,
}

impl fmt::Debug for SimProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimProvider")
            .field("path", &self.path)
            .field("faults", &self.faults)
            .field("api_server", &self.api_server)
            .finish_non_exhaustive()
    }
}

impl SimProvider {
    /// Opens the world kept at `path` (beside the state file), creating it empty when
    /// absent. Fails when another process has it open.
    pub fn open(path: &Path, config: SimConfig) -> Result<SimProvider, SimError> {
        SimProvider::open_compacting(path, config, COMPACT_MIN)
    }

    /// Opens a world that takes a snapshot once its log holds `compact_min` changes.
    fn open_compacting(
        path: &Path,
        config: SimConfig,
        compact_min: u64,
    ) -> Result<SimProvider, SimError> {
        Ok(SimProvider {
            path: path.to_path_buf(),
            store: Store::open(path, compact_min)?,
            faults: Faults::new(config.latency, config.failure_rate, config.seed),
            protector: config.protector,
            api_server: config.api_server,
        })
    }

    /// Changes an attribute of the object at `address` behind Strata's back, as an operator
    /// would in a console (`strata sim drift`). Reads report the new value; what the
    /// object holds (its host, its capacity) stays as it was.
    pub fn drift(
        &self,
        address: &Address,
        attr: &str,
        value: serde_json::Value,
    ) -> Result<(), SimError> {
        let (_, seq) = self.store.mutate(|world, _| {
            let record = world
                .at(address)
                .ok_or_else(|| SimError::NotFound(address.clone()))?;
            if attr == "id" {
                return Err(SimError::Refused {
                    summary: format!("The id of {address} cannot drift"),
                    detail: "The id is how Strata finds the object; change another attribute."
                        .into(),
                });
            }
            drift::check(record, attr, &value)?;
            let mut drifted = record.clone();
            let value = if drifted.sensitive.iter().any(|s| s == attr) {
                self.protector.protect(&value)
            } else {
                value
            };
            drifted.attrs.insert(attr.to_string(), value);
            Ok((Some(Change::put(drifted)), ()))
        })?;
        self.store.durable_blocking(seq)
    }

    /// Deletes the object at `address` behind Strata's back, as an operator would in a
    /// console (`strata sim delete`). Refused, like a console would, while something
    /// still depends on it (VMs on a pool, services on a cluster).
    pub fn remove(&self, address: &Address) -> Result<(), SimError> {
        let (_, seq) = self.store.mutate(|world, _| {
            let record = world
                .at(address)
                .ok_or_else(|| SimError::NotFound(address.clone()))?;
            Ok::<_, SimError>((Some(kinds::delete(world, record)?), ()))
        })?;
        self.store.durable_blocking(seq)
    }

    /// Every object that exists, as (address, kind, id), sorted by address.
    pub fn objects(&self) -> Vec<(Address, String, String)> {
        let (mut objects, _) = self.store.read(|world, _| {
            world
                .records()
                .map(|r| (r.address.clone(), r.kind.clone(), r.id.clone()))
                .collect::<Vec<_>>()
        });
        objects.sort();
        objects
    }

    /// Pools with each host's vCPU and memory (total, used, free), clusters with the
    /// requests on their workers, storage with capacity claimed and free, zones with the
    /// addresses in use, and the number of objects per kind (`strata sim show`). CPU is in
    /// cores, memory and storage in bytes.
    pub fn summary(&self) -> serde_json::Value {
        self.store.read(|world, _| summary::summary(world)).0
    }
}

#[cfg(test)]
mod tests {
    use planner::Provider;
    use planner::provider::{CreateRequest, FindRequest};
    use serde_json::json;

    use super::*;

    fn log_of(path: &Path) -> PathBuf {
        PathBuf::from(format!("{}.log", path.display()))
    }

    async fn location(sim: &SimProvider, site: &str) -> serde_json::Value {
        let found = sim
            .find(FindRequest {
                key: String::new(),
                address: site.parse().unwrap(),
                kind: "site".into(),
            })
            .await;
        found.found.unwrap().1["location"].clone()
    }

    #[tokio::test]
    async fn a_long_log_becomes_a_snapshot_and_lines_it_covers_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.json");
        let sim = SimProvider::open_compacting(&path, SimConfig::default(), 10).unwrap();
        for i in 0..5 {
            let response = sim
                .create(CreateRequest {
                    key: String::new(),
                    address: format!("site.s{i}").parse().unwrap(),
                    kind: "site".into(),
                    attrs: Default::default(),
                    sensitive: Vec::new(),
                    progress: Default::default(),
                })
                .await;
            assert!(response.diagnostics.is_empty());
        }
        let s0: Address = "site.s0".parse().unwrap();
        for v in 1..=5 {
            sim.drift(&s0, "location", json!(format!("v{v}"))).unwrap();
        }
        // Ten changes in the log; the eleventh takes a snapshot and empties the log.
        let before = std::fs::read(log_of(&path)).unwrap();
        assert_eq!(before.iter().filter(|b| **b == b'\n').count(), 10);
        assert!(!path.exists());
        sim.drift(&s0, "location", json!("v6")).unwrap();
        drop(sim);
        assert!(path.exists());
        assert_eq!(std::fs::metadata(log_of(&path)).unwrap().len(), 0);

        // A crash after the snapshot's rename but before the log was emptied leaves the
        // old lines: they are already in the snapshot and must not be replayed.
        std::fs::write(log_of(&path), &before).unwrap();
        let sim = SimProvider::open_compacting(&path, SimConfig::default(), 10).unwrap();
        assert_eq!(location(&sim, "site.s0").await, json!("v6"));
        assert_eq!(sim.objects().len(), 5);
        // Changes after the snapshot are replayed on top of it; ids keep counting.
        sim.drift(&s0, "location", json!("v7")).unwrap();
        let response = sim
            .create(CreateRequest {
                key: String::new(),
                address: "site.s5".parse().unwrap(),
                kind: "site".into(),
                attrs: Default::default(),
                sensitive: Vec::new(),
                progress: Default::default(),
            })
            .await;
        assert_eq!(response.id.as_deref(), Some("site-000006"));
        drop(sim);
        let sim = SimProvider::open(&path, SimConfig::default()).unwrap();
        assert_eq!(location(&sim, "site.s0").await, json!("v7"));
        assert_eq!(sim.objects().len(), 6);
    }
}
