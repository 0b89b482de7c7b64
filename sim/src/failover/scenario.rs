//! A blueprint's `scenario` block, read against a [`Topology`]: failure models per class
//! and scope (each unit takes the block of its most specific scope, else the class's
//! block without a scope, else does not fail), injected failures resolved to what they take
//! down, failover timings, maintenance, horizon, replications and seed.

use blueprint::{Address, Config, Diagnostic, Instance};
use thiserror::Error;

use super::scope::class_failures;
use crate::distribution::{Distribution, DistributionError};
use crate::time::SimTime;
use crate::topology::{StorageKind, Topology};

/// The classes of things that fail, as the scenario's `failures {}` block names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// A datacenter: every host in it goes down.
    Site,
    /// A rack: every host in it goes down.
    Rack,
    /// A host: its VMs stop; vSphere HA restarts them elsewhere.
    Host,
    /// A VM's guest (node VMs included): down for the repair, on its host.
    Vm,
    /// A Kubernetes node (kubelet, runtime): NotReady; its pods stop.
    Node,
    /// One pod of a service: restarted in place after the repair.
    Replica,
    /// A storage unit: one Ceph OSD host's disks, or an NFS server.
    Storage,
}

impl Class {
    /// Every class, in `failures {}` order.
    pub const ALL: [Class; 7] = [
        Class::Site,
        Class::Rack,
        Class::Host,
        Class::Vm,
        Class::Node,
        Class::Replica,
        Class::Storage,
    ];

    /// The block name.
    pub fn name(self) -> &'static str {
        match self {
            Class::Site => "site",
            Class::Rack => "rack",
            Class::Host => "host",
            Class::Vm => "vm",
            Class::Node => "node",
            Class::Replica => "replica",
            Class::Storage => "storage",
        }
    }

    /// Position in [`Class::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// What one unit of the class is, for messages.
    pub fn unit_name(self) -> &'static str {
        match self {
            Class::Site => "site",
            Class::Rack => "rack",
            Class::Host => "host",
            Class::Vm => "VM",
            Class::Node => "Kubernetes node",
            Class::Replica => "replica",
            Class::Storage => "storage unit (Ceph OSD host or NFS server)",
        }
    }
}

/// How one class fails and is repaired.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureModel {
    /// Time from a unit's start or repair to its next failure: Weibull (with `shape`) when
    /// the distribution is `weibull`, else exponential, with mean `mtbf`.
    pub time_to_failure: Distribution,
    /// Time a repair takes once a crew starts it, with mean `mttr`.
    pub time_to_repair: Distribution,
    /// Repairs of the block's units that proceed at once; `None` for unlimited.
    pub repair_crews: Option<u32>,
    /// The block's scope as written (`pool = host_pool.gpu`), empty for the default.
    pub scope: String,
}

/// The failure models of one class: its blocks, and the block each unit takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClassFailures {
    /// One per block, in blueprint order.
    pub models: Vec<FailureModel>,
    /// The block (index into `models`) of each unit of the class; `None`: it does not fail.
    pub unit: Vec<Option<u32>>,
}

impl ClassFailures {
    /// Every one of `units` units fails by `model`.
    pub fn every(model: FailureModel, units: usize) -> ClassFailures {
        ClassFailures {
            models: vec![model],
            unit: vec![Some(0); units],
        }
    }

    /// The failure model of `unit`, if it fails.
    pub fn model(&self, unit: u32) -> Option<&FailureModel> {
        let m = (*self.unit.get(unit as usize)?)?;
        self.models.get(m as usize)
    }

    /// The block most units take (the first on ties).
    pub fn main_model(&self) -> Option<&FailureModel> {
        let mut counts = vec![0usize; self.models.len()];
        for m in self.unit.iter().flatten() {
            counts[*m as usize] += 1;
        }
        let best = (0..counts.len()).rev().max_by_key(|&m| counts[m])?;
        (counts[best] > 0).then(|| &self.models[best])
    }

    /// True when some unit of the class fails.
    pub fn any(&self) -> bool {
        self.unit.iter().any(Option::is_some)
    }
}

/// What an injection takes down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Units of one class: sites, racks, hosts (a pool, or one host of it), VMs, the
    /// nodes of a cluster, or the replicas of a service.
    Units(Class, Vec<u32>),
    /// A whole storage system: no I/O.
    Storage(u32),
}

/// A scheduled failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injection {
    /// When it starts.
    pub at: SimTime,
    /// How long the units stay down.
    pub duration: SimTime,
    /// What fails.
    pub target: Target,
}

/// How fast HA, Kubernetes and Ceph react (the scenario's `timings {}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timings {
    /// vSphere HA: time to declare a host dead.
    pub ha_detection: SimTime,
    /// Time for a restarted VM to boot.
    pub vm_boot: SimTime,
    /// Kubernetes: time to mark a node NotReady.
    pub node_monitor_grace: SimTime,
    /// Kubernetes: tolerationSeconds before the pods of a NotReady node are evicted.
    pub pod_eviction: SimTime,
    /// Time for a (re)started pod to become ready.
    pub pod_start: SimTime,
    /// Ceph: time before a down OSD is marked out and its data re-replicated.
    pub ceph_rereplication: SimTime,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            ha_detection: SimTime::from_secs(15),
            vm_boot: SimTime::from_secs(120),
            node_monitor_grace: SimTime::from_secs(50),
            pod_eviction: SimTime::from_secs(300),
            pod_start: SimTime::from_secs(30),
            ceph_rereplication: SimTime::from_secs(600),
        }
    }
}

/// Planned maintenance: every host of every pool is drained, one host of a pool at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Maintenance {
    /// How often each host is patched.
    pub every: SimTime,
    /// How long one host is out.
    pub duration: SimTime,
}

/// A scenario; see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// Simulated time per replication.
    pub horizon: SimTime,
    /// Replications.
    pub replications: u64,
    /// The seed.
    pub seed: u64,
    /// Failure models, by [`Class::index`].
    pub failures: [ClassFailures; 7],
    /// Scheduled failures.
    pub injections: Vec<Injection>,
    /// Failover timings.
    pub timings: Timings,
    /// Planned maintenance.
    pub maintenance: Option<Maintenance>,
    /// Warnings about the scenario (a failure model's scope that no unit takes).
    pub warnings: Vec<Diagnostic>,
}

/// Why a scenario cannot be simulated.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScenarioError {
    /// No scenario of that name.
    #[error("the blueprint has no scenario \"{name}\"{}", available(.known))]
    Unknown {
        /// The name asked for.
        name: String,
        /// The scenarios there are.
        known: Vec<String>,
    },
    /// The blueprint has no scenario.
    #[error("the blueprint has no scenario to simulate: add a `scenario` block")]
    None,
    /// No name given and several scenarios.
    #[error("name the scenario to simulate with --scenario{}", available(.known))]
    Ambiguous {
        /// The scenarios there are.
        known: Vec<String>,
    },
    /// A failure model with parameters a distribution cannot take.
    #[error("the {class} failure model: {source}")]
    Distribution {
        /// The class.
        class: &'static str,
        /// Why.
        source: DistributionError,
    },
    /// An injection that names nothing in the topology.
    #[error("inject {index}: `fail` names {target}, which the simulation does not have")]
    Target {
        /// The injection's position.
        index: usize,
        /// What it names.
        target: String,
    },
}

fn available(known: &[String]) -> String {
    if known.is_empty() {
        "; it has none: add a `scenario` block".into()
    } else {
        format!(" (it has {})", known.join(", "))
    }
}

fn ms(value: Option<u64>, default: SimTime) -> SimTime {
    value.map_or(default, SimTime::from_millis)
}

impl Scenario {
    /// The scenario named `name` (its name label or its full address), or the only one.
    pub fn from_config(
        config: &Config,
        topology: &Topology,
        name: Option<&str>,
    ) -> Result<Scenario, ScenarioError> {
        let scenarios: Vec<&Instance> = config
            .instances
            .iter()
            .filter(|i| i.kind == "scenario")
            .collect();
        let known = || scenarios.iter().map(|s| s.address.name.clone()).collect();
        let instance = match name {
            Some(name) => scenarios
                .iter()
                .find(|s| s.address.name == name || s.address.to_string() == name)
                .ok_or_else(|| ScenarioError::Unknown {
                    name: name.to_string(),
                    known: known(),
                })?,
            None if scenarios.len() == 1 => &scenarios[0],
            None if scenarios.is_empty() => return Err(ScenarioError::None),
            None => return Err(ScenarioError::Ambiguous { known: known() }),
        };
        Self::from_instance(topology, instance)
    }

    fn from_instance(topology: &Topology, instance: &Instance) -> Result<Scenario, ScenarioError> {
        let f = &instance.fields;
        let mut failures: [ClassFailures; 7] = Default::default();
        let mut warnings = Vec::new();
        if let Some(block) = f.block("failures") {
            for class in Class::ALL {
                failures[class.index()] = class_failures(
                    topology,
                    class,
                    block.fields.blocks(class.name()),
                    &mut warnings,
                )?;
            }
        }
        let mut injections = Vec::new();
        for (index, inject) in f.blocks("inject").iter().enumerate() {
            let i = &inject.fields;
            let (Some(at), Some(duration), Some(fail)) =
                (i.duration("at"), i.duration("for"), i.reference("fail"))
            else {
                continue;
            };
            let target =
                resolve(topology, fail, i.int("host")).ok_or_else(|| ScenarioError::Target {
                    index,
                    target: fail.to_string(),
                })?;
            injections.push(Injection {
                at: SimTime::from_millis(at),
                duration: SimTime::from_millis(duration),
                target,
            });
        }
        let defaults = Timings::default();
        let t = f.block("timings").map(|b| &b.fields);
        let get = |name: &str, default| ms(t.and_then(|t| t.duration(name)), default);
        let timings = Timings {
            ha_detection: get("ha_detection", defaults.ha_detection),
            vm_boot: get("vm_boot", defaults.vm_boot),
            node_monitor_grace: get("node_monitor_grace", defaults.node_monitor_grace),
            pod_eviction: get("pod_eviction", defaults.pod_eviction),
            pod_start: get("pod_start", defaults.pod_start),
            ceph_rereplication: get("ceph_rereplication", defaults.ceph_rereplication),
        };
        let maintenance = f.block("maintenance").and_then(|m| {
            Some(Maintenance {
                every: SimTime::from_millis(m.fields.duration("every")?),
                duration: SimTime::from_millis(m.fields.duration("duration")?),
            })
        });
        Ok(Scenario {
            name: instance.address.name.clone(),
            horizon: ms(f.duration("horizon"), SimTime::from_days(365)),
            replications: f.int("replications").unwrap_or(1000).max(1) as u64,
            seed: f.int("seed").unwrap_or(1).max(0) as u64,
            failures,
            injections,
            timings,
            maintenance,
            warnings,
        })
    }
}

/// The units of `class` in `topology`.
pub fn units(topology: &Topology, class: Class) -> usize {
    match class {
        Class::Site => topology.sites.len(),
        Class::Rack => topology.racks.len(),
        Class::Host => topology.hosts.len(),
        Class::Vm => topology.vms.len(),
        Class::Node => topology.nodes.len(),
        Class::Replica => topology.replicas.len(),
        Class::Storage => topology
            .storages
            .iter()
            .map(|s| match &s.kind {
                StorageKind::Ceph { hosts, .. } => hosts.len(),
                StorageKind::Nfs => 1,
                StorageKind::Local => 0,
            })
            .sum(),
    }
}

/// What `fail` (with `host` for a host pool) takes down.
fn resolve(topology: &Topology, fail: &Address, host: Option<i64>) -> Option<Target> {
    let name = fail.to_string();
    fn find<'a>(mut names: impl Iterator<Item = &'a String>, name: &str) -> Option<u32> {
        names.position(|a| a == name).map(|i| i as u32)
    }
    let units = |class, ids: Vec<u32>| Some(Target::Units(class, ids));
    match fail.kind.as_str() {
        "site" => units(
            Class::Site,
            vec![find(topology.sites.iter().map(|s| &s.address), &name)?],
        ),
        "rack" => units(
            Class::Rack,
            vec![find(topology.racks.iter().map(|r| &r.address), &name)?],
        ),
        "host_pool" => {
            let pool =
                &topology.pools[find(topology.pools.iter().map(|p| &p.address), &name)? as usize];
            let hosts: Vec<u32> = match host {
                Some(h) => vec![pool.hosts.clone().nth(usize::try_from(h).ok()?)?],
                None => pool.hosts.clone().collect(),
            };
            units(Class::Host, hosts)
        }
        "vm" => units(
            Class::Vm,
            vec![find(topology.vms.iter().map(|v| &v.name), &name)?],
        ),
        "kubernetes_cluster" => {
            let c = find(topology.clusters.iter().map(|c| &c.address), &name)?;
            units(
                Class::Node,
                topology.clusters[c as usize].nodes.clone().collect(),
            )
        }
        "service" => {
            let s = find(topology.services.iter().map(|s| &s.address), &name)?;
            units(
                Class::Replica,
                topology.services[s as usize].replicas.clone().collect(),
            )
        }
        "storage" => Some(Target::Storage(find(
            topology.storages.iter().map(|s| &s.address),
            &name,
        )?)),
        _ => None,
    }
}
